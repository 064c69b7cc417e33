//! RFC 9068 access tokens: a JWT with `typ: at+jwt` and the §2.2 claims, signed by the
//! provider's keys. The store keeps its hash like an opaque token's, so introspection,
//! revocation and the framework's own validation treat both alike.

use std::time::SystemTime;

use serde::Serialize;

use super::seconds;
use super::signing::{self, AuthClaims};
use crate::config::Config;
use crate::error::OAuthError;
use crate::model::{Confirmation, Extras, OAuthClient, TokenFormat};

/// The JOSE `typ` of an RFC 9068 access token (§2.1).
pub(crate) const TYP: &str = "at+jwt";

/// The format `client`'s access tokens are issued in: its own choice, else the provider's;
/// always opaque without keys.
pub(crate) fn format_of(config: &Config, client: &impl OAuthClient) -> TokenFormat {
    match &config.openid {
        Some(openid) => client
            .access_token_format()
            .unwrap_or(openid.access_token_format),
        None => TokenFormat::Opaque,
    }
}

/// What an access token says.
pub(crate) struct AccessClaims<'a> {
    pub client_id: &'a str,
    pub subject: Option<&'a str>,
    pub scope: &'a str,
    pub extras: &'a Extras,
    /// A unique identifier: the token's random bits, encoded.
    pub jti: &'a str,
    pub expires_at: SystemTime,
}

#[derive(Serialize)]
struct Claims<'a> {
    /// First, so the payload begins `{"jti":"`: `TokenHash::of` reads the token's grant family
    /// from the two characters after it, decoding 16 of the payload's characters, not all.
    jti: &'a str,
    iss: &'a str,
    exp: u64,
    #[serde(serialize_with = "crate::model::one_or_many")]
    aud: Vec<&'a str>,
    sub: &'a str,
    client_id: &'a str,
    iat: u64,
    #[serde(skip_serializing_if = "str::is_empty")]
    scope: &'a str,
    #[serde(flatten)]
    auth: AuthClaims<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cnf: Option<&'a Confirmation>,
    /// RFC 8693 §4.1: who acts for `sub`.
    #[serde(skip_serializing_if = "Option::is_none")]
    act: Option<&'a serde_json::Value>,
    /// RFC 8693 §4.4: who may act for `sub`.
    #[serde(skip_serializing_if = "Option::is_none")]
    may_act: Option<&'a serde_json::Value>,
}

/// Signs the access token `token` describes (§2.2): `sub` is the owner, or the client for
/// its own token; `aud` the token's audience, else the configured default, else the issuer.
pub(crate) fn sign(config: &Config, token: &AccessClaims<'_>) -> Result<String, OAuthError> {
    let failed = "the access token could not be signed";
    signing::sign(
        config,
        |o| o.access_token_alg,
        TYP,
        failed,
        |openid, issuer, _| {
            let audience = match token.extras.audience() {
                [] => vec![openid.default_audience.as_deref().unwrap_or(issuer)],
                some => some.iter().map(String::as_str).collect(),
            };
            Claims {
                iss: issuer,
                exp: seconds(token.expires_at),
                aud: audience,
                sub: token.subject.unwrap_or(token.client_id),
                client_id: token.client_id,
                iat: seconds(SystemTime::now()),
                jti: token.jti,
                scope: token.scope,
                auth: AuthClaims::of(token.extras.auth()),
                cnf: token.extras.confirmation(),
                act: token.extras.actor(),
                may_act: token.extras.may_act(),
            }
        },
    )
}
