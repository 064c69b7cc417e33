//! The macros' generated code at work, one test binary: `#[scopes]` types, the model derives on
//! users' own structs, and a provider written with `#[provider]`, driven through `Server`.

mod derive;
mod provider_macro;
mod scopes;
