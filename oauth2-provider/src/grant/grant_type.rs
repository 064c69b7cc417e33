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
    /// `urn:ietf:params:oauth:grant-type:device_code`: the device authorization grant
    /// (RFC 8628), served with a state store ([`Provider::state_store`](crate::Provider::state_store)).
    DeviceCode,
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
            GrantType::DeviceCode => "urn:ietf:params:oauth:grant-type:device_code",
            GrantType::Extension(uri) => uri,
        }
    }

    /// The standard grant named `name`.
    ///
    /// ```
    /// use oauth2_provider::GrantType;
    /// let device = GrantType::standard("urn:ietf:params:oauth:grant-type:device_code");
    /// assert_eq!(device, Some(GrantType::DeviceCode));
    /// assert_eq!(GrantType::DeviceCode.as_str(), "urn:ietf:params:oauth:grant-type:device_code");
    /// ```
    pub fn standard(name: &str) -> Option<Self> {
        Some(match name {
            "authorization_code" => GrantType::AuthorizationCode,
            "implicit" => GrantType::Implicit,
            "password" => GrantType::Password,
            "client_credentials" => GrantType::ClientCredentials,
            "refresh_token" => GrantType::RefreshToken,
            "urn:ietf:params:oauth:grant-type:device_code" => GrantType::DeviceCode,
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
            GrantType::DeviceCode => 1 << 6,
        }
    }
}
