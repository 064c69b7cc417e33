//! The macros' generated code at work, one test binary: `#[scopes]` types, the model derives on
//! users' own structs (an owner's claims among them), and a provider written with `#[provider]`,
//! driven through `Server`.

mod claims;
mod claims_gen;
mod derive;
mod provider_macro;
mod scopes;
