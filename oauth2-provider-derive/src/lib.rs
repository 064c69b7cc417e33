//! The procedural macros of [`oauth2-provider`](https://docs.rs/oauth2-provider). Use them
//! through that crate, which re-exports them: `oauth2_provider::scopes`,
//! `oauth2_provider::OAuthClient`, and so on.
//!
//! Every macro generates an impl of a public trait of the runtime that can be written by hand;
//! the traits' docs show how.
//!
//! Each macro parses its input into a typed AST that keeps the user's tokens, validates the
//! rules that span several attributes, then expands; all mistakes are reported at once, each at
//! the offending token, beside stub impls so that one mistake gives one error.
#![warn(missing_docs)]

// Each macro's reference is `docs/<macro>.md`, included below as its rustdoc; the doctests in
// it run as this crate's doctests.

mod internals;
mod model;
mod provider;
mod scopes;

use proc_macro::TokenStream;

use model::Derive;

#[doc = include_str!("../docs/scopes.md")]
#[proc_macro_attribute]
pub fn scopes(args: TokenStream, input: TokenStream) -> TokenStream {
    scopes::scopes(args.into(), input.into()).into()
}

#[doc = include_str!("../docs/model/oauth_client.md")]
#[proc_macro_derive(OAuthClient, attributes(oauth))]
pub fn derive_oauth_client(input: TokenStream) -> TokenStream {
    model::derive(Derive::OAuthClient, input.into()).into()
}

#[doc = include_str!("../docs/model/resource_owner.md")]
#[proc_macro_derive(ResourceOwner, attributes(oauth))]
pub fn derive_resource_owner(input: TokenStream) -> TokenStream {
    model::derive(Derive::ResourceOwner, input.into()).into()
}

#[doc = include_str!("../docs/model/authorization_code.md")]
#[proc_macro_derive(AuthorizationCode, attributes(oauth))]
pub fn derive_authorization_code(input: TokenStream) -> TokenStream {
    model::derive(Derive::AuthorizationCode, input.into()).into()
}

#[doc = include_str!("../docs/model/access_token.md")]
#[proc_macro_derive(AccessToken, attributes(oauth))]
pub fn derive_access_token(input: TokenStream) -> TokenStream {
    model::derive(Derive::AccessToken, input.into()).into()
}

#[doc = include_str!("../docs/model/refresh_token.md")]
#[proc_macro_derive(RefreshToken, attributes(oauth))]
pub fn derive_refresh_token(input: TokenStream) -> TokenStream {
    model::derive(Derive::RefreshToken, input.into()).into()
}

#[doc = include_str!("../docs/provider.md")]
#[proc_macro_attribute]
pub fn provider(args: TokenStream, input: TokenStream) -> TokenStream {
    provider::provider(args.into(), input.into()).into()
}
