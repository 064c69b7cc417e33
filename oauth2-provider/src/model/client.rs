//! The client model (RFC 6749 §2) and the ready-made client record.

use std::fmt;

use super::{AuthMethod, ClientKeys, ClientMetadata};
use crate::scope::Scopes;

/// A registered client.
///
/// Derive it on your own struct, one attribute per role (see
/// [`derive(OAuthClient)`](derive@crate::OAuthClient) for every role and the field types it
/// takes):
///
/// ```
/// use oauth2_provider::{OAuthClient, scopes};
///
/// #[scopes(read = 1 << 0, write = 1 << 1)]
/// pub struct Scope;
///
/// #[derive(OAuthClient)]
/// pub struct App {
///     #[oauth(client_id)]
///     id: String,
///     #[oauth(secret_hash)]
///     secret: Option<String>, // None: a public client
///     #[oauth(redirect_uris)]
///     callbacks: Vec<String>,
///     #[oauth(scope)]
///     allowed: Scope,
///     plan: String, // your own columns stay yours
/// }
/// ```
///
/// or implement it by hand:
///
/// ```
/// use oauth2_provider::model::OAuthClient;
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct MyScope(u8);
/// # impl Scopes for MyScope { type Bits = u8;
/// #   const DEFS: &'static [ScopeDef<u8>] = &[ScopeDef::single("read", 1)];
/// #   const DEFAULT: u8 = 1; fn from_bits_retain(b: u8) -> Self { MyScope(b) } fn bits(&self) -> u8 { self.0 } }
///
/// struct App { id: String, secret_hash: Option<String>, callbacks: Vec<String> }
///
/// impl OAuthClient for App {
///     type Scope = MyScope;
///     fn client_id(&self) -> &str { &self.id }
///     fn secret_hash(&self) -> Option<&str> { self.secret_hash.as_deref() }
///     fn redirect_uris(&self) -> &[String] { &self.callbacks }
///     fn allowed_scope(&self) -> MyScope { MyScope::all() }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an OAuth client model",
    label = "add `#[derive(OAuthClient)]` or implement `OAuthClient` by hand"
)]
pub trait OAuthClient: Send + Sync + 'static {
    /// The provider's scope type.
    type Scope: Scopes;

    /// The `client_id` (RFC 6749 §2.2).
    fn client_id(&self) -> &str;

    /// The stored hash of the client secret (see [`crate::secret`]); `None` for a public client.
    fn secret_hash(&self) -> Option<&str>;

    /// The registered redirection URIs (RFC 6749 §3.1.2.2), matched exactly.
    fn redirect_uris(&self) -> &[String];

    /// The largest scope this client may be granted.
    fn allowed_scope(&self) -> Self::Scope;

    /// Whether this client may use `grant_type` (`"authorization_code"`, `"implicit"`, `"password"`,
    /// `"client_credentials"`, `"refresh_token"` or an extension grant's URI).
    ///
    /// The default allows every grant the provider serves; a grant the provider switched off stays
    /// off whatever this says. A refresh token is only issued to a client that allows
    /// `"refresh_token"`.
    fn allows_grant_type(&self, grant_type: &str) -> bool {
        let _ = grant_type;
        true
    }

    /// `true` for a confidential client: one with a secret, one that authenticates with a
    /// JWT assertion, or one with keys (a registered method this crate does not know, such
    /// as a misspelt `private_key_jwt`, must not make a keyed client public).
    fn is_confidential(&self) -> bool {
        self.secret_hash().is_some()
            || self.auth_method().is_some_and(AuthMethod::is_assertion)
            || self.jwks().is_some()
    }

    /// The registered `token_endpoint_auth_method` (RFC 7591 §2). `None` (the default): a
    /// client with a secret sends it in either way, Basic or in the body, one without is
    /// public, and neither may send an assertion. A JWT method is then the only way this
    /// client authenticates; the secret methods stay interchangeable.
    fn auth_method(&self) -> Option<AuthMethod> {
        None
    }

    /// The public keys a `private_key_jwt` client signs its assertions with; `None` (the
    /// default) for a client without keys, whose assertions are all refused.
    fn jwks(&self) -> Option<ClientKeys<'_>> {
        None
    }

    /// The secret a `client_secret_jwt` client MACs its assertions with, in plain text: the
    /// server must keep it recoverable (encrypted at rest), which is why
    /// [`ClientAssertions::client_secret_jwt`](crate::client_assertion::ClientAssertions::client_secret_jwt)
    /// must also switch the method on. `None` (the default) refuses such assertions.
    fn assertion_secret(&self) -> Option<&[u8]> {
        None
    }

    /// `true` for a protected resource, which may introspect the access tokens of every client
    /// (RFC 7662 §2.1). Any other client sees only its own tokens as active, and a refresh token
    /// only ever to the client it was issued to. The default is `false`.
    fn is_resource_server(&self) -> bool {
        false
    }

    /// The format of this client's access tokens; `None` (the default) for the provider's
    /// ([`OpenId::access_token_format`](crate::oidc::OpenId)).
    fn access_token_format(&self) -> Option<TokenFormat> {
        None
    }

    /// Whether this client may ask for tokens for `resource`, one of the provider's resource
    /// servers ([`ResourceServer::uri`](crate::resource::ResourceServer::uri)); `false` is
    /// `invalid_target` (RFC 8707 §2). The default allows every resource server.
    fn allows_resource(&self, resource: &str) -> bool {
        let _ = resource;
        true
    }

    /// This client's refresh rotation policy; `None` (the default) for the provider's
    /// ([`Config::refresh_grace`](crate::config::Config::refresh_grace)). FAPI 2.0 wants a
    /// grace for sender-constrained confidential clients, RFC 9700 strict detection for the
    /// rest.
    fn refresh_grace(&self) -> Option<crate::grant::RefreshGrace> {
        None
    }

    /// `true` when every access token of this client must be DPoP-bound (RFC 9449 §5.2,
    /// `dpop_bound_access_tokens`): a token request without a valid DPoP proof is refused
    /// with `invalid_dpop_proof`. The default is `false`; [`ClientRecord`] reads its
    /// registered `dpop_bound_access_tokens` member.
    ///
    /// ```
    /// # use oauth2_provider::model::{ClientRecord, OAuthClient};
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
    /// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
    /// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
    /// fn needs_proofs(client: &ClientRecord<S>) -> bool {
    ///     client.dpop_bound_access_tokens()
    /// }
    /// ```
    fn dpop_bound_access_tokens(&self) -> bool {
        false
    }

    /// `true` when this client's authorization requests must be pushed (RFC 9126 §6,
    /// `require_pushed_authorization_requests`). The default is `false`; [`ClientRecord`]
    /// reads its registered member.
    fn requires_pushed_requests(&self) -> bool {
        false
    }

    /// This client model built from a dynamic registration ([`crate::registration`]);
    /// `None` (the default) for a model that cannot be registered, which registration then
    /// refuses with `invalid_client_metadata`. [`ClientRecord`] is itself.
    fn from_record(record: ClientRecord<Self::Scope>) -> Option<Self>
    where
        Self: Sized,
    {
        let _ = record;
        None
    }

    /// The registration this client was built from, read back for RFC 7592 management;
    /// `None` (the default) for a client that cannot be managed, which management answers
    /// as it answers an unknown client (401).
    fn to_record(&self) -> Option<ClientRecord<Self::Scope>> {
        None
    }
}

/// What an access token is: a random handle the store resolves, or an RFC 9068 JWT a resource
/// server can verify by itself. Both are stored as their hash, so both can be introspected
/// and revoked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TokenFormat {
    /// 256 random bits, base64url (the default).
    #[default]
    Opaque,
    /// A signed JWT with `typ: at+jwt` (RFC 9068).
    Jwt,
}

impl TokenFormat {
    /// `opaque` or `jwt`, as the client metadata member `access_token_format` names it.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "opaque" => Some(TokenFormat::Opaque),
            "jwt" => Some(TokenFormat::Jwt),
            _ => None,
        }
    }
}

/// The ready-made client record, which the SQL and Redis stores keep when they are the
/// provider's client store too. Applications with a client table of their own derive
/// [`OAuthClient`] on their own type and give the provider a client store over that table.
///
/// ```
/// use oauth2_provider::model::{ClientRecord, OAuthClient};
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
/// let client = ClientRecord {
///     client_id: "app".into(),
///     secret_hash: None,
///     redirect_uris: vec!["https://app.example/cb".into()],
///     grant_types: vec!["authorization_code".into()],
///     scope: S(0),
///     name: "App".into(),
///     metadata: Default::default(),
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
    /// The other RFC 7591 members: whether it is a resource server, and what registration
    /// gave.
    pub metadata: ClientMetadata,
}

impl<S: Scopes> OAuthClient for ClientRecord<S> {
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

    fn is_resource_server(&self) -> bool {
        self.metadata.resource_server
    }

    /// The registered `token_endpoint_auth_method` member, if it names a method.
    fn auth_method(&self) -> Option<AuthMethod> {
        let name = self
            .metadata
            .other
            .get("token_endpoint_auth_method")?
            .as_str()?;
        AuthMethod::from_name(name)
    }

    /// The registered `jwks` member, else `jwks_uri`.
    fn jwks(&self) -> Option<ClientKeys<'_>> {
        let other = &self.metadata.other;
        match (other.get("jwks"), other.get("jwks_uri")) {
            (Some(jwks), _) => Some(ClientKeys::Jwks(jwks)),
            (None, Some(serde_json::Value::String(uri))) => Some(ClientKeys::Uri(uri)),
            (None, _) => None,
        }
    }

    /// The registered `access_token_format` member, if it names a format.
    fn access_token_format(&self) -> Option<TokenFormat> {
        let name = self.metadata.other.get("access_token_format")?.as_str()?;
        TokenFormat::from_name(name)
    }

    /// The registered `dpop_bound_access_tokens` member, `false` unless it is `true`.
    fn dpop_bound_access_tokens(&self) -> bool {
        self.metadata.other.get("dpop_bound_access_tokens") == Some(&serde_json::Value::Bool(true))
    }

    fn requires_pushed_requests(&self) -> bool {
        let member = "require_pushed_authorization_requests";
        self.metadata.other.get(member) == Some(&serde_json::Value::Bool(true))
    }

    fn from_record(record: ClientRecord<S>) -> Option<Self> {
        Some(record)
    }

    fn to_record(&self) -> Option<ClientRecord<S>> {
        Some(self.clone())
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
            .field("resource_server", &self.metadata.resource_server)
            .finish_non_exhaustive()
    }
}
