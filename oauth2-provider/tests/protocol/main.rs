//! The runtime's protocol suites, one test binary: every endpoint driven with real
//! `http::Request`s over the hand-written models of [`support`], bad input of every kind, and
//! what `Debug` shows.

#[cfg(feature = "actix")]
mod actix_adapter;
mod authorize_endpoint;
#[cfg(feature = "axum")]
mod axum_adapter;
mod bad_input_client_auth;
mod bad_input_codes;
mod bad_input_http;
mod bad_input_redirect;
mod bearer;
#[cfg(feature = "jwt")]
mod client_assertion;
mod client_auth;
mod concurrency;
mod consent;
mod cors;
mod device;
#[cfg(feature = "jwt")]
mod dpop;
mod future_sizes;
mod hashing;
mod introspection;
#[cfg(feature = "jwt")]
mod jwt_bearer;
mod malformed_input;
mod metadata;
mod no_secrets_in_debug;
#[cfg(feature = "jwt")]
mod openid;
mod par;
mod refresh;
mod refresh_changes;
mod refresh_grace;
mod registration;
mod resources;
mod revocation;
mod support;
mod throttling;
mod token;
mod token_exchange;
#[cfg(feature = "tower")]
mod tower_adapter;
mod tracing;
#[cfg(feature = "tower")]
mod wire;
