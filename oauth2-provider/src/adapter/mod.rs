//! The framework adapters: each turns its framework's request into an `http::Request<Bytes>`
//! (the body read up to [`Config::max_body_bytes`](crate::config::Config::max_body_bytes)),
//! hands it to the [`Server`](crate::Server), and turns the answer back. Nothing of OAuth
//! lives here.

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "axum")]
pub mod axum;
#[cfg(any(feature = "axum", feature = "actix"))]
mod token;
#[cfg(feature = "tower")]
pub mod tower;

#[cfg(any(feature = "axum", feature = "actix"))]
pub use token::BearerToken;
