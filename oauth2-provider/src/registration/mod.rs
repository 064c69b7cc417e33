//! Dynamic client registration (RFC 7591) and its management (RFC 7592), with OpenID Connect
//! Registration's `application_type`.
//!
//! Off by default. [`Config::registration`](crate::config::Config::registration) with a
//! [`Registration`] (and an issuer, which `registration_client_uri` is built from) serves
//! `POST {paths.register}` and `GET`/`PUT`/`DELETE {paths.register}/{client_id}`, and lists
//! `registration_endpoint` in the metadata. Registered clients go to the provider's client
//! store ([`ClientStore::save_client`](crate::store::ClientStore::save_client)) through
//! [`OAuthClient::from_record`](crate::model::OAuthClient::from_record), and are read back
//! through [`to_record`](crate::model::OAuthClient::to_record):
//! [`ClientRecord`](crate::model::ClientRecord) does both.
//!
//! What a registration gets:
//! - the RFC 7591 §2 defaults: `client_secret_basic`, `["authorization_code"]`, `["code"]`,
//!   `application_type` `web`; unknown members ignored and not echoed;
//! - `scope` read name by name against the scope type, unknown names dropped; absent, every
//!   scope of the type (a registrant could name them all anyway; the consent page decides
//!   what a user grants, and the [`register_client`](crate::Provider::register_client) hook
//!   narrows);
//! - a 128-bit random `client_id`; for `client_secret_basic` and `client_secret_post` a
//!   256-bit secret, shown once, stored as `sha256$` (fast: it is random, not chosen),
//!   `client_secret_expires_at: 0`; for `none`, a public client (PKCE required);
//! - a registration access token, shown once and stored as its SHA-256 in the record's
//!   metadata, compared in constant time; every update rotates it.
//!
//! Refused: `jwks` with `jwks_uri`, inconsistent grant and response types (§2.1), grant types
//! the provider does not serve, authentication methods other than the three above
//! (`invalid_client_metadata`); redirect URIs that are relative, have a fragment, are missing
//! for a redirecting grant, or break the `application_type` rule: a `web` client uses https
//! and never localhost, a `native` one a private-use scheme, loopback http (any port) or a
//! claimed https URL (`invalid_redirect_uri`).
//!
//! ```
//! use oauth2_provider::config::Config;
//! use oauth2_provider::registration::Registration;
//!
//! let config = Config::builder()
//!     .issuer("https://auth.example.com")
//!     .registration(Registration::open())
//!     .build();
//! assert_eq!(config.paths.register, "/register");
//! ```
//!
//! The policy is the provider's `register_client` hook:
//!
//! ```
//! use oauth2_provider::config::Config;
//! use oauth2_provider::model::ClientRecord;
//! use oauth2_provider::registration::RegistrationRequest;
//! use oauth2_provider::store::MemoryStore;
//! use oauth2_provider::{OAuthError, ResourceOwner, Scopes, scopes};
//!
//! #[scopes(read = 1 << 0, admin = 1 << 1)]
//! pub struct Scope;
//! #[derive(ResourceOwner)]
//! pub struct User { #[oauth(subject)] name: String }
//!
//! pub struct MyProvider { store: MemoryStore<ClientRecord<Scope>>, config: Config }
//!
//! #[oauth2_provider::provider(owner = User, grants(authorization_code, refresh_token))]
//! impl MyProvider {
//!     #[provider(store)]
//!     fn store(&self) -> &MemoryStore<ClientRecord<Scope>> { &self.store }
//!     #[provider(config)]
//!     fn config(&self) -> &Config { &self.config }
//!
//!     /// Dynamic clients never get `admin`.
//!     #[hook(register_client)]
//!     async fn policy(&self, request: &RegistrationRequest<'_>, client: &mut ClientRecord<Scope>)
//!         -> Result<(), OAuthError>
//!     {
//!         let _ = request;
//!         client.scope = client.scope.difference(Scope::ADMIN);
//!         Ok(())
//!     }
//! }
//! ```

use std::net::IpAddr;

use http::HeaderMap;
use serde_json::{Map, Value};

mod config;
pub(crate) mod flow;
mod metadata;
mod record;

pub use config::Registration;

/// A registration or an update as the [`register_client`](crate::Provider::register_client)
/// hook sees it: the request's headers and source, whether it updates a client, and the
/// metadata as sent (unknown members included, for a policy that reads its own).
///
/// ```
/// use oauth2_provider::registration::RegistrationRequest;
///
/// fn from_our_network(request: &RegistrationRequest<'_>) -> bool {
///     request.source().is_some_and(|ip| ip.is_loopback()) && request.updating().is_none()
/// }
/// # let _ = from_our_network;
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RegistrationRequest<'a> {
    pub(crate) headers: &'a HeaderMap,
    pub(crate) source: Option<IpAddr>,
    pub(crate) updating: Option<&'a str>,
    pub(crate) metadata: &'a Map<String, Value>,
}

impl<'a> RegistrationRequest<'a> {
    /// The request's headers.
    pub fn headers(&self) -> &'a HeaderMap {
        self.headers
    }

    /// The address the request came from, when known
    /// ([`RemoteAddr`](crate::endpoint::RemoteAddr)).
    pub fn source(&self) -> Option<IpAddr> {
        self.source
    }

    /// The `client_id` an update (RFC 7592 §2.2) replaces; `None` for a new registration.
    pub fn updating(&self) -> Option<&'a str> {
        self.updating
    }

    /// The JSON object sent, every member as given.
    pub fn metadata(&self) -> &'a Map<String, Value> {
        self.metadata
    }
}
