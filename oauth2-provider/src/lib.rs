//! Turn any Rust web service into a standards-exact OAuth 2.0 authorization server.
//!
//! The runtime speaks the `http` crate's `Request`/`Response` and no web framework; the
//! `axum` feature adds a thin adapter. Annotate your own structs with the macros (feature
//! `derive`, on by default) or implement the traits of [`model`] and [`scope::Scope`] by hand.
//!
//! | RFC | what | where |
//! |---|---|---|
//! | 6749 | grants, errors, client authentication | [`endpoint`], [`error`], [`grant`] |
//! | 7636 | PKCE | [`pkce`] |
//! | 6750 | bearer tokens | [`endpoint::bearer`] |
//! | 9700 | security best current practice | [`config::Config`] defaults |
#![warn(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "axum")]
pub mod axum;
pub mod config;
pub mod endpoint;
pub mod error;
pub mod grant;
pub mod model;
pub mod params;
pub mod pkce;
pub mod provider;
pub mod redirect_uri;
pub mod scope;
pub mod secret;
pub mod store;

pub use config::Config;
pub use endpoint::Server;
pub use error::{ErrorCode, OAuthError, StoreError};
pub use grant::{Grant, GrantType, TokenRequest};
pub use provider::{AuthorizationRequest, Decision, Provider};
pub use scope::Scope;

#[cfg(feature = "derive")]
pub use oauth2_provider_derive::*;

/// Paths the generated code names; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use std;
}

/// The README's quick start, compiled as a doctest so it stays true.
#[cfg(all(doctest, feature = "derive"))]
#[doc = include_str!("../../README.md")]
mod readme {}
