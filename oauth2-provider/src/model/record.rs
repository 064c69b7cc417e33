//! The ready-made client record that durable stores keep.

use std::fmt;

use crate::model::OAuthClient;
use crate::scope::Scope;

/// A client as the SQL and Redis stores keep it. Applications with their own client table use
/// their own type and the `lookup_client` hook instead.
///
/// ```
/// use oauth2_provider::model::{ClientRecord, OAuthClient};
/// # use oauth2_provider::scope::{Scope, ScopeDef};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scope for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
/// let client = ClientRecord {
///     client_id: "app".into(),
///     secret_hash: None,
///     redirect_uris: vec!["https://app.example/cb".into()],
///     grant_types: vec!["authorization_code".into()],
///     scope: S(0),
///     name: "App".into(),
/// };
/// assert!(client.allows_grant_type("authorization_code"));
/// assert!(!client.allows_grant_type("password"));
/// assert!(!format!("{client:?}").contains("secret_hash: Some"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ClientRecord<S> {
    /// The `client_id`.
    pub client_id: String,
    /// The stored secret hash (see [`crate::secret`]); `None` for a public client.
    pub secret_hash: Option<String>,
    /// Registered redirection URIs.
    pub redirect_uris: Vec<String>,
    /// Grant types the client may use.
    pub grant_types: Vec<String>,
    /// The largest scope the client may be granted.
    pub scope: S,
    /// A display name, for consent pages.
    pub name: String,
}

impl<S: Scope> OAuthClient for ClientRecord<S> {
    type Scope = S;

    fn client_id(&self) -> &str {
        &self.client_id
    }

    fn secret_hash(&self) -> Option<&str> {
        self.secret_hash.as_deref()
    }

    fn redirect_uris(&self) -> &[String] {
        &self.redirect_uris
    }

    fn allowed_scope(&self) -> S {
        self.scope
    }

    fn allows_grant_type(&self, grant_type: &str) -> bool {
        self.grant_types.iter().any(|g| g == grant_type)
    }
}

impl<S: fmt::Debug> fmt::Debug for ClientRecord<S> {
    // Even a hash stays out of logs: an argon2 hash of a weak secret can be attacked offline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRecord")
            .field("client_id", &self.client_id)
            .field("confidential", &self.secret_hash.is_some())
            .field("redirect_uris", &self.redirect_uris)
            .field("grant_types", &self.grant_types)
            .field("scope", &self.scope)
            .field("name", &self.name)
            .finish()
    }
}
