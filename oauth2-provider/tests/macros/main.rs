//! The macros' generated code at work, one test binary: `#[scopes]` types, the model derives on
//! users' own structs (an owner's claims and a client's optional roles among them), and
//! providers written with `#[provider]`, driven through `Server`.

mod claims;
mod claims_gen;
#[cfg(feature = "jwt")]
mod client_assertion;
mod client_roles;
mod derive;
mod provider_macro;
mod scopes;
