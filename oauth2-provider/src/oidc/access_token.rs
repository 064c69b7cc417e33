//! RFC 9068 access tokens: a JWT with `typ: at+jwt` and the §2.2 claims, signed by the
//! provider's keys. The store keeps its hash like an opaque token's, so introspection,
//! revocation and the framework's own validation treat both alike.

use std::time::SystemTime;

use serde::Serialize;

use super::seconds;
use crate::config::Config;
use crate::error::{ErrorCode, OAuthError};
use crate::jose;
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
    iss: &'a str,
    exp: u64,
    #[serde(serialize_with = "one_or_many")]
    aud: &'a [String],
    sub: &'a str,
    client_id: &'a str,
    iat: u64,
    jti: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    scope: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acr: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    amr: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    cnf: Option<&'a Confirmation>,
}

fn one_or_many<S: serde::Serializer>(aud: &&[String], ser: S) -> Result<S::Ok, S::Error> {
    match aud {
        [one] => ser.serialize_str(one),
        many => many.serialize(ser),
    }
}

/// Signs the access token `token` describes (§2.2): `sub` is the owner, or the client for
/// its own token; `aud` the token's audience, else the configured default, else the issuer.
pub(crate) fn sign(config: &Config, token: &AccessClaims<'_>) -> Result<String, OAuthError> {
    let failed = || {
        OAuthError::new(
            ErrorCode::ServerError,
            "the access token could not be signed",
        )
    };
    let (Some(openid), Some(issuer)) = (config.openid.as_ref(), config.issuer.as_deref()) else {
        return Err(failed());
    };
    let fallback = [openid
        .default_audience
        .clone()
        .unwrap_or_else(|| issuer.to_owned())];
    let audience = match token.extras.audience() {
        [] => &fallback[..],
        some => some,
    };
    let now = SystemTime::now();
    let keys = openid.keys.snapshot();
    let key = keys
        .signer(openid.access_token_alg, now)
        .ok_or_else(failed)?;
    let auth = token.extras.auth();
    let claims = Claims {
        iss: issuer,
        exp: seconds(token.expires_at),
        aud: audience,
        sub: token.subject.unwrap_or(token.client_id),
        client_id: token.client_id,
        iat: seconds(now),
        jti: token.jti,
        scope: token.scope,
        auth_time: auth.and_then(|a| a.auth_time).map(seconds),
        acr: auth.and_then(|a| a.acr.as_deref()),
        amr: auth.map_or(&[], |a| &a.amr),
        cnf: token.extras.confirmation(),
    };
    jose::sign(key, TYP, &claims).map_err(|_| failed())
}
