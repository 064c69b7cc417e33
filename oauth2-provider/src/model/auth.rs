//! How a client authenticates (RFC 7591 §2 `token_endpoint_auth_method`) and, for
//! `private_key_jwt`, where its public keys are.

/// A client authentication method, by its RFC 7591 / OpenID Connect Core §9 name.
///
/// ```
/// use oauth2_provider::model::AuthMethod;
///
/// assert_eq!(AuthMethod::from_name("private_key_jwt"), Some(AuthMethod::PrivateKeyJwt));
/// assert_eq!(AuthMethod::PrivateKeyJwt.as_str(), "private_key_jwt");
/// assert!(AuthMethod::ClientSecretJwt.is_assertion());
/// assert_eq!(AuthMethod::from_name("tls_client_auth"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthMethod {
    /// HTTP Basic with the client secret (RFC 6749 §2.3.1).
    ClientSecretBasic,
    /// The client secret in the request body (RFC 6749 §2.3.1).
    ClientSecretPost,
    /// A public client: `client_id` alone.
    None,
    /// A JWT signed with the client's private key (RFC 7523 §2.2).
    PrivateKeyJwt,
    /// A JWT MACed with the client secret (RFC 7523 §2.2), which the server must therefore
    /// keep recoverable.
    ClientSecretJwt,
}

impl AuthMethod {
    /// Every method, in the order metadata lists them.
    pub const ALL: [AuthMethod; 5] = [
        AuthMethod::ClientSecretBasic,
        AuthMethod::ClientSecretPost,
        AuthMethod::None,
        AuthMethod::PrivateKeyJwt,
        AuthMethod::ClientSecretJwt,
    ];

    /// The registered name.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::None => "none",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
            AuthMethod::ClientSecretJwt => "client_secret_jwt",
        }
    }

    /// The method registered as `name`; `None` for one this crate does not know.
    pub fn from_name(name: &str) -> Option<AuthMethod> {
        AuthMethod::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// `true` for the two JWT assertion methods.
    pub const fn is_assertion(self) -> bool {
        matches!(
            self,
            AuthMethod::PrivateKeyJwt | AuthMethod::ClientSecretJwt
        )
    }

    /// `true` for the two methods that send the secret itself.
    pub const fn sends_secret(self) -> bool {
        matches!(
            self,
            AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost
        )
    }
}

/// Where a `private_key_jwt` client's public keys are (RFC 7591 §2): its `jwks` value, or the
/// `jwks_uri` it publishes them at, fetched through the provider's
/// [`ClientAssertions`](crate::client_assertion::ClientAssertions) fetcher.
///
/// ```
/// use oauth2_provider::model::ClientKeys;
///
/// let keys = ClientKeys::Uri("https://app.example/jwks.json");
/// assert!(matches!(keys, ClientKeys::Uri(uri) if uri.ends_with("jwks.json")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClientKeys<'a> {
    /// A JWK Set value, `{"keys": [...]}`.
    Jwks(&'a serde_json::Value),
    /// An https URL serving the JWK Set.
    Uri(&'a str),
}
