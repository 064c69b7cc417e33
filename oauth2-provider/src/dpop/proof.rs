//! Checking one DPoP proof (RFC 9449 §4.3) against the request it came with: the JOSE
//! header, the embedded public key, the signature (jsonwebtoken on aws-lc-rs), and the claims.
//! Replay and nonces, which need the store and the settings' secret, are the callers'.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, Method};
use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Dpop, DpopError, htu};
use crate::jose::{Algorithm, thumbprint};

/// The `DPoP` request header (RFC 9449 §4.1).
pub const DPOP: &str = "dpop";

/// The longest proof read: a 4096-bit RSA key's JWK and the claims fit well within.
const MAX_PROOF_LEN: usize = 8 * 1024;

/// The private members of a JWK of any type (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// A proof that holds: its key's thumbprint and what the caller still checks.
///
/// ```
/// # use oauth2_provider::dpop::Proof;
/// fn bound_to(proof: &Proof) -> &str { proof.jkt() }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    jkt: String,
    jti: String,
    nonce: Option<String>,
}

impl Proof {
    /// The RFC 7638 SHA-256 thumbprint of the proof's public key, base64url: the `jkt` a
    /// token bound to it carries in `cnf` (RFC 9449 §6.1).
    pub fn jkt(&self) -> &str {
        &self.jkt
    }

    /// The proof's `jti`, unique per proof; remembered to refuse replays (§11.1).
    pub fn jti(&self) -> &str {
        &self.jti
    }

    /// The server nonce the proof carries, if any (§8).
    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }
}

/// The request a proof must be for.
///
/// ```
/// use oauth2_provider::dpop::Target;
///
/// let token_endpoint = Target::new(&http::Method::POST, "https://auth.example.com/token");
/// let api = Target::new(&http::Method::GET, "https://api.example.com/notes").with_access_token("mF_9.B5f-4.1JqM");
/// # let _ = (token_endpoint, api);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    method: &'a Method,
    uri: &'a str,
    access_token: Option<&'a str>,
}

impl<'a> Target<'a> {
    /// A request with `method` to `uri`: absolute, from the server's own configuration (never
    /// from the `Host` header); its query and fragment are ignored.
    pub fn new(method: &'a Method, uri: &'a str) -> Self {
        Target {
            method,
            uri,
            access_token: None,
        }
    }

    /// A request presenting `access_token`: the proof's `ath` must be its hash (§4.2, §7.1).
    pub fn with_access_token(mut self, access_token: &'a str) -> Self {
        self.access_token = Some(access_token);
        self
    }
}

/// The one `DPoP` header of `headers`: `Ok(None)` without one, [`DpopError::MultipleProofs`]
/// with more (§4.3 step 1), [`DpopError::Malformed`] for one that is not visible ASCII.
///
/// ```
/// use http::HeaderMap;
/// use oauth2_provider::dpop::{DpopError, proof_header};
///
/// let mut headers = HeaderMap::new();
/// assert_eq!(proof_header(&headers), Ok(None));
/// headers.append("dpop", "a.b.c".parse().unwrap());
/// assert_eq!(proof_header(&headers), Ok(Some("a.b.c")));
/// headers.append("dpop", "d.e.f".parse().unwrap());
/// assert_eq!(proof_header(&headers), Err(DpopError::MultipleProofs));
/// ```
pub fn proof_header(headers: &HeaderMap) -> Result<Option<&str>, DpopError> {
    let mut values = headers.get_all(DPOP).iter();
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(value), None) => value.to_str().map(Some).map_err(|_| DpopError::Malformed),
        (Some(_), Some(_)) => Err(DpopError::MultipleProofs),
    }
}

#[derive(Deserialize)]
struct Claims {
    jti: String,
    htm: String,
    htu: String,
    iat: f64,
    #[serde(default)]
    ath: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
}

/// Verifies the proof `jwt` for `target` as of `now` (RFC 9449 §4.3 steps 2 to 12, but the
/// nonce and replay, which the callers check): a compact JWS whose header has `typ:
/// dpop+jwt`, an `alg` of `settings`, and a public `jwk` for that `alg` which verifies the
/// signature; claims `jti`, `htm` (the method), `htu` (the URI, normalised), `iat` within
/// [`Dpop::max_age`] past and [`Dpop::leeway`] ahead, and `ath` when `target` presents an
/// access token.
///
/// ```
/// use std::time::SystemTime;
/// use oauth2_provider::dpop::{verify_proof, Dpop, DpopError, Target};
///
/// let post = http::Method::POST;
/// let target = Target::new(&post, "https://auth.example.com/token");
/// let unsigned = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6Im5vbmUifQ.e30.";
/// assert_eq!(verify_proof(unsigned, &target, &Dpop::default(), SystemTime::now()), Err(DpopError::Malformed));
/// ```
pub fn verify_proof(
    jwt: &str,
    target: &Target<'_>,
    settings: &Dpop,
    now: SystemTime,
) -> Result<Proof, DpopError> {
    if jwt.len() > MAX_PROOF_LEN {
        return Err(DpopError::Malformed);
    }
    let raw_header = raw_header(jwt)?;
    let header = jsonwebtoken::decode_header(jwt).map_err(|_| DpopError::Malformed)?;
    if !header
        .typ
        .as_deref()
        .is_some_and(|typ| typ.eq_ignore_ascii_case("dpop+jwt"))
    {
        return Err(DpopError::WrongType);
    }
    if header.crit.is_some() {
        return Err(DpopError::Malformed);
    }
    let alg = Algorithm::from_jwt(header.alg)
        .filter(|alg| settings.algorithms().contains(alg))
        .ok_or(DpopError::AlgorithmNotAllowed)?;
    let private = raw_header
        .get("jwk")
        .and_then(Value::as_object)
        .is_none_or(|jwk| PRIVATE_MEMBERS.iter().any(|m| jwk.contains_key(*m)));
    let jwk = header.jwk.as_ref().filter(|_| !private);
    let jwk = jwk.ok_or(DpopError::InvalidKey)?;
    let key = key_for(alg, jwk)?;
    let jkt = thumbprint(jwk).map_err(|_| DpopError::InvalidKey)?;

    let validation = crate::jose::signature_only(alg);
    let data =
        jsonwebtoken::decode::<Value>(jwt, &key, &validation).map_err(|err| match err.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => DpopError::InvalidSignature,
            _ => DpopError::Malformed,
        })?;
    let claims: Claims = serde_json::from_value(data.claims).map_err(|_| DpopError::Malformed)?;
    check_claims(&claims, target, settings, now)?;
    Ok(Proof {
        jkt,
        jti: claims.jti,
        nonce: claims.nonce,
    })
}

fn check_claims(
    claims: &Claims,
    target: &Target<'_>,
    settings: &Dpop,
    now: SystemTime,
) -> Result<(), DpopError> {
    if claims.jti.is_empty() || claims.jti.len() > 256 {
        return Err(DpopError::Malformed);
    }
    if claims.htm != target.method.as_str() {
        return Err(DpopError::WrongMethod);
    }
    if !htu::same_uri(&claims.htu, target.uri) {
        return Err(DpopError::WrongUri);
    }
    let iat = Some(claims.iat)
        .filter(|s| s.is_finite() && *s >= 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or(DpopError::Malformed)?;
    let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    if iat > now.saturating_add(settings.leeway()) || iat.saturating_add(settings.max_age()) < now {
        return Err(DpopError::Stale);
    }
    if let Some(token) = target.access_token {
        let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()));
        if claims.ath.as_deref() != Some(expected.as_str()) {
            return Err(DpopError::WrongTokenHash);
        }
    }
    Ok(())
}

/// The JOSE header as JSON, to see the `jwk`'s members as sent (a parsed `Jwk` drops the
/// private ones silently).
fn raw_header(jwt: &str) -> Result<serde_json::Map<String, Value>, DpopError> {
    let encoded = jwt.split('.').next().ok_or(DpopError::Malformed)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|_| DpopError::Malformed)?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(header)) => Ok(header),
        _ => Err(DpopError::Malformed),
    }
}

/// The verifying key of `jwk`, which must be of `alg`'s type: RSA for `RS256` and `PS256`,
/// P-256 for `ES256`, Ed25519 for `EdDSA`.
fn key_for(alg: Algorithm, jwk: &Jwk) -> Result<DecodingKey, DpopError> {
    let fits = match (&jwk.algorithm, alg) {
        (AlgorithmParameters::RSA(_), Algorithm::RS256 | Algorithm::PS256) => true,
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => {
            ec.curve == EllipticCurve::P256
        }
        (AlgorithmParameters::OctetKeyPair(okp), Algorithm::EdDSA) => {
            okp.curve == EllipticCurve::Ed25519
        }
        _ => false,
    };
    if !fits {
        return Err(DpopError::InvalidKey);
    }
    DecodingKey::from_jwk(jwk).map_err(|_| DpopError::InvalidKey)
}

/// The RFC 7638 SHA-256 thumbprint of the public JWK `jwk` (a JSON object), base64url; `None`
/// when it is no public key of a supported type. Through jsonwebtoken's implementation, the
/// one [`SigningKey::kid`](crate::jose::SigningKey::kid) uses.
///
/// ```
/// use oauth2_provider::dpop::jwk_thumbprint;
///
/// // RFC 7638 §3.1's example key and thumbprint.
/// let jwk = serde_json::json!({
///     "kty": "RSA",
///     "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
///     "e": "AQAB",
///     "alg": "RS256",
///     "kid": "2011-04-29",
/// });
/// assert_eq!(jwk_thumbprint(&jwk).as_deref(), Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
/// ```
pub fn jwk_thumbprint(jwk: &Value) -> Option<String> {
    let jwk: Jwk = serde_json::from_value(jwk.clone()).ok()?;
    if matches!(
        jwk.algorithm,
        AlgorithmParameters::OctetKey(_) | AlgorithmParameters::Other(_)
    ) {
        return None;
    }
    thumbprint(&jwk).ok()
}
