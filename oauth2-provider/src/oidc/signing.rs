//! What ID tokens and JWT access tokens share: the issuer and the key that signs now, and the
//! claims of how the owner authenticated.

use std::time::SystemTime;

use serde::Serialize;

use super::{OpenId, seconds};
use crate::config::Config;
use crate::error::{ErrorCode, OAuthError};
use crate::jose::{self, Algorithm};
use crate::model::AuthContext;

/// Signs the claims `build` makes from the OpenID Connect settings, the issuer and the
/// signing key's algorithm, with the key of `alg(openid)` that signs now. `server_error`
/// with `failed` when OpenID Connect, the issuer or such a key is missing: nothing may be
/// issued without it.
pub(crate) fn sign<'c, C: Serialize>(
    config: &'c Config,
    alg: fn(&OpenId) -> Algorithm,
    typ: &str,
    failed: &'static str,
    build: impl FnOnce(&'c OpenId, &'c str, Algorithm) -> C,
) -> Result<String, OAuthError> {
    let failed = || OAuthError::new(ErrorCode::ServerError, failed);
    let (Some(openid), Some(issuer)) = (config.openid.as_ref(), config.issuer.as_deref()) else {
        return Err(failed());
    };
    let keys = openid.keys.snapshot();
    let key = keys
        .signer(alg(openid), SystemTime::now())
        .ok_or_else(failed)?;
    let claims = build(openid, issuer, key.alg());
    jose::sign(key, typ, &claims).map_err(|_| failed())
}

/// `auth_time`, `acr` and `amr` (OIDC Core §2, RFC 9068 §2.2.1), each only when known.
#[derive(Serialize)]
pub(crate) struct AuthClaims<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acr: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    amr: &'a [String],
}

impl<'a> AuthClaims<'a> {
    pub(crate) fn of(auth: Option<&'a AuthContext>) -> Self {
        AuthClaims {
            auth_time: auth.and_then(|a| a.auth_time).map(seconds),
            acr: auth.and_then(|a| a.acr.as_deref()),
            amr: auth.map_or(&[], |a| &a.amr),
        }
    }
}
