//! Turn any Rust web service into a standards-exact OAuth 2.0 authorization server.
//!
//! The runtime speaks the `http` crate's `Request`/`Response` and no web framework; the
//! `axum` feature adds a thin adapter. Annotate your own structs with the macros (feature
//! `derive`, on by default) or implement the traits of [`model`] and [`scope::Scopes`] by hand.
//!
//! The modules are layers, and data flows down them: [`endpoint`] (HTTP: parsing, client
//! authentication, responses) calls [`grant`] (the protocol, no HTTP), which calls the
//! [`provider`](mod@provider)'s hooks and the [`store`]. [`model`], [`scope`], [`config`], [`error`], [`pkce`],
//! [`redirect_uri`] and [`secret`] are the vocabulary every layer shares. Framework adapters
//! (`axum`, feature `axum`) sit on top.
//!
//! | RFC | what | where |
//! |---|---|---|
//! | 6749 | grants, errors, client authentication | [`endpoint`], [`error`], [`grant`] |
//! | 7636 | PKCE | [`pkce`] |
//! | 6750 | bearer tokens | [`endpoint::bearer`] |
//! | 9700 | security best current practice | [`config::Config`] defaults |
//! | 7591, 7592 | dynamic client registration and management | [`registration`] |
#![warn(missing_docs)]
#![deny(unreachable_pub)]
#![forbid(unsafe_code)]

mod adapter;
#[cfg(feature = "cimd")]
pub mod cimd;
#[cfg(feature = "jwt")]
pub mod client_assertion;
pub mod config;
#[cfg(feature = "jwt")]
pub mod dpop;
pub mod endpoint;
pub mod error;
pub mod fetch;
pub mod grant;
#[cfg(feature = "jwt")]
pub mod jose;
pub mod limit;
pub mod model;
pub mod oidc;
mod params;
pub mod pkce;
pub mod provider;
pub mod redirect_uri;
pub mod registration;
pub mod resource;
pub mod scope;
pub mod secret;
pub mod store;
mod trace;

#[cfg(feature = "actix")]
pub use adapter::actix;
#[cfg(feature = "axum")]
pub use adapter::axum;
#[cfg(feature = "tower")]
pub use adapter::tower;
pub use config::Config;
pub use endpoint::Server;
pub use error::{ErrorCode, OAuthError, StoreError};
pub use grant::{Grant, GrantType, TokenRequest};
// The traits beside the derives of the same names, as serde's `Serialize`: one `use` brings both.
pub use model::{AccessToken, AuthorizationCode, OAuthClient, RefreshToken, ResourceOwner};
pub use provider::{AuthorizationRequest, Decision, Provider};
pub use scope::Scopes;

#[cfg(feature = "derive")]
pub use oauth2_provider_derive::*;

/// What the generated code names; not part of the public API.
#[doc(hidden)]
pub mod __private;

/// What the fuzz targets (`fuzz/`) drive directly; not part of the public API.
#[doc(hidden)]
pub mod __fuzz {
    pub use crate::params::Params;
}

/// The README's quick start, compiled as a doctest so it stays true.
#[cfg(all(doctest, feature = "derive", feature = "axum"))]
#[doc = include_str!("../../README.md")]
mod readme {}
