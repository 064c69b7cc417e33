//! An assertion's claims once its signature verified, and the checks of RFC 7523 §3 that
//! `jose::verify` leaves to its caller: the audience, the lifetime, `sub` and `jti`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use super::{LEEWAY, Profile, TrustedIssuer, refused};
use crate::error::OAuthError;

/// A claim that is one string or an array of them (RFC 7519 §4.1.3's `aud`, the ID-JAG
/// `resource`).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(super) fn values(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(one) => vec![one.as_str()],
            OneOrMany::Many(many) => many.iter().map(String::as_str).collect(),
        }
    }
}

/// The claims this grant reads; a claim of the wrong JSON type fails to deserialize, which
/// `jose::verify` reports as malformed.
#[derive(Debug, Deserialize)]
pub(super) struct Claims {
    pub sub: String,
    pub aud: OneOrMany,
    pub exp: f64,
    #[serde(default)]
    pub iat: Option<f64>,
    pub jti: String,
    /// ID-JAG: the client the assertion was issued for.
    #[serde(default)]
    pub client_id: Option<String>,
    /// ID-JAG: the scope the identity provider approved.
    #[serde(default)]
    pub scope: Option<String>,
    /// ID-JAG: the resource the token is for (RFC 8707 identifiers).
    #[serde(default)]
    pub resource: Option<OneOrMany>,
}

/// The longest `jti` remembered: a replay cache key is a hash, but an unbounded id is no
/// real issuer's.
const MAX_JTI: usize = 256;

impl Claims {
    /// `exp` as a time: when the `jti` may be forgotten.
    pub(super) fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + seconds(self.exp).unwrap_or_default()
    }

    /// RFC 7523 §3 items 2, 3, 5, 6 and 7 beyond what `jose::verify` checked (signature, `iss`,
    /// `exp` not past, `nbf` not ahead): `sub` and `jti` are non-empty, `aud` names one of
    /// `audiences` (an ID-JAG names only it), and the assertion lives no longer than the
    /// issuer allows, with an `iat` that is not ahead of the clock.
    pub(super) fn check(
        &self,
        issuer: &TrustedIssuer,
        profile: Profile,
        audiences: &[&str],
        now: SystemTime,
    ) -> Result<(), OAuthError> {
        if self.sub.is_empty() {
            return Err(refused("the assertion has no subject"));
        }
        if self.jti.is_empty() || self.jti.len() > MAX_JTI {
            return Err(refused("the assertion's jti is missing or too long"));
        }
        let aud = self.aud.values();
        if profile == Profile::IdJag && aud.len() != 1 {
            return Err(refused("the assertion is not meant for this server"));
        }
        if !aud.iter().any(|a| audiences.contains(a)) {
            return Err(refused("the assertion is not meant for this server"));
        }
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        let exp = seconds(self.exp).ok_or(refused("the assertion is malformed"))?;
        let start = match self.iat {
            None => now,
            Some(iat) => {
                let iat = seconds(iat).ok_or(refused("the assertion is malformed"))?;
                if iat > now.saturating_add(LEEWAY) {
                    return Err(refused("the assertion was issued in the future"));
                }
                iat
            }
        };
        if exp.saturating_sub(start) > issuer.lifetime().saturating_add(LEEWAY) {
            return Err(refused("the assertion is valid for too long"));
        }
        Ok(())
    }
}

/// A NumericDate (RFC 7519 §2) as a duration since the epoch, `None` if it is none.
fn seconds(value: f64) -> Option<Duration> {
    (value.is_finite() && value >= 0.0)
        .then(|| Duration::try_from_secs_f64(value).ok())
        .flatten()
}
