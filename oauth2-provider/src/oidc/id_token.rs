//! ID tokens (Core §2): made for the code grant (§3.1.3.6) and on refresh (§12.2), and read
//! back as an `id_token_hint`.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use sha2::{Digest, Sha256, Sha512};

use super::seconds;
use super::signing::{self, AuthClaims};
use crate::config::Config;
use crate::error::OAuthError;
use crate::jose::{self, Algorithm, Expectations};
use crate::model::AuthContext;

/// The JOSE `typ` of an ID token: what tells it from an `at+jwt` access token.
const TYP: &str = "JWT";

/// What an ID token says.
pub(crate) struct IdToken<'a> {
    pub client_id: &'a str,
    pub subject: &'a str,
    pub auth: Option<&'a AuthContext>,
    /// The request's `nonce`: on the code grant's ID token, never on a refresh's.
    pub nonce: Option<&'a str>,
    /// The access token issued beside it, for `at_hash`.
    pub access_token: &'a str,
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: u64,
    iat: u64,
    #[serde(flatten)]
    auth: AuthClaims<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    at_hash: String,
}

/// Signs the ID token `token` describes. `server_error` when no key of the configured
/// algorithm signs now: nothing may be issued without it.
pub(crate) fn sign(config: &Config, token: &IdToken<'_>) -> Result<String, OAuthError> {
    let failed = "the ID token could not be signed";
    signing::sign(
        config,
        |o| o.id_token_alg,
        TYP,
        failed,
        |openid, issuer, alg| {
            let iat = seconds(SystemTime::now());
            Claims {
                iss: issuer,
                sub: token.subject,
                aud: token.client_id,
                exp: iat + openid.id_token_ttl.as_secs(),
                iat,
                auth: AuthClaims::of(token.auth),
                nonce: token.nonce,
                at_hash: half_hash(alg, token.access_token),
            }
        },
    )
}

/// `at_hash` (Core §3.1.3.6): the left half of the hash of the token, with the hash of the
/// signature's algorithm (SHA-512 for Ed25519, as the OpenID Foundation's suite takes it).
fn half_hash(alg: Algorithm, token: &str) -> String {
    let digest = match alg {
        Algorithm::EdDSA => Sha512::digest(token.as_bytes()).to_vec(),
        Algorithm::RS256 | Algorithm::PS256 | Algorithm::ES256 => {
            Sha256::digest(token.as_bytes()).to_vec()
        }
    };
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

/// The `sub` of an ID token this provider signed with a key it still publishes, whatever its
/// `exp` (an `id_token_hint` may have expired, Core §3.1.2.1).
pub(crate) fn subject_of(config: &Config, token: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Sub {
        sub: String,
    }
    let openid = config.openid.as_ref()?;
    let expect = Expectations::new(&Algorithm::ALL)
        .typ(TYP)
        .issuer(config.issuer.as_deref()?)
        .any_audience()
        .require("sub")
        .leeway(Duration::MAX);
    let keys = openid.keys.snapshot();
    jose::verify::<Sub>(token, &*keys, &expect)
        .ok()
        .map(|c| c.sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_is_the_left_half_of_the_digest() {
        // OpenID Connect Core, Appendix A.3 (RS256 over this access token).
        assert_eq!(
            half_hash(
                Algorithm::RS256,
                "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
            ),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
        assert_eq!(half_hash(Algorithm::EdDSA, "x").len(), 43);
    }
}
