//! The grant types a provider can serve (RFC 6749 §4, §8.3).

/// A grant type (RFC 6749 §4, §8.3) or the implicit response type's grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GrantType {
    /// `authorization_code` (§4.1).
    AuthorizationCode,
    /// The implicit grant (§4.2), reached through `response_type=token`.
    Implicit,
    /// `password` (§4.3).
    Password,
    /// `client_credentials` (§4.4).
    ClientCredentials,
    /// `refresh_token` (§6).
    RefreshToken,
    /// An extension grant named by an absolute URI (§8.3).
    Extension(&'static str),
}

impl GrantType {
    /// The name as it appears in `grant_type` and in client registrations.
    pub const fn as_str(self) -> &'static str {
        match self {
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::Implicit => "implicit",
            GrantType::Password => "password",
            GrantType::ClientCredentials => "client_credentials",
            GrantType::RefreshToken => "refresh_token",
            GrantType::Extension(uri) => uri,
        }
    }

    /// The standard grant named `name`.
    pub fn standard(name: &str) -> Option<Self> {
        Some(match name {
            "authorization_code" => GrantType::AuthorizationCode,
            "implicit" => GrantType::Implicit,
            "password" => GrantType::Password,
            "client_credentials" => GrantType::ClientCredentials,
            "refresh_token" => GrantType::RefreshToken,
            _ => return None,
        })
    }

    pub(crate) const fn bit(self) -> u8 {
        match self {
            GrantType::AuthorizationCode => 1,
            GrantType::Implicit => 1 << 1,
            GrantType::Password => 1 << 2,
            GrantType::ClientCredentials => 1 << 3,
            GrantType::RefreshToken => 1 << 4,
            GrantType::Extension(_) => 1 << 5,
        }
    }
}
