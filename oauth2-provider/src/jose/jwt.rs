//! Signing and verifying JWTs (RFC 7519) as compact JWS (RFC 7515), with the checks of RFC
//! 8725: an explicit algorithm allow-list, the key chosen by `kid` from the set and bound to
//! its algorithm, explicit typing, and the registered claims. The header is jsonwebtoken's
//! [`Header`], base64url the `base64` crate's (as jsonwebtoken uses it), the signature
//! aws-lc-rs's over keys parsed once ([`sig`](super::sig)).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Header, Validation};
use serde::de::{DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Algorithm, JwtError, SigningKey, VerifyingKeys};

/// Signs `claims` with `key`: a compact JWS whose header is `alg` (the key's), `kid` (the
/// key's) and `typ` (`header_typ`, such as `at+jwt` for an RFC 9068 access token or `JWT`).
/// The claims must serialize to a JSON object; this function adds none.
///
/// ```
/// use std::time::SystemTime;
/// use oauth2_provider::jose::{sign, verify, Algorithm, Expectations, KeySet, RotationPolicy};
///
/// let mut keys = KeySet::new();
/// let now = SystemTime::now();
/// keys.rotate(Algorithm::ES256, now, &RotationPolicy::new()).unwrap();
/// let key = keys.signer(Algorithm::ES256, now).unwrap();
///
/// let exp = now.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() + 300;
/// let claims = serde_json::json!({ "iss": "https://as.example", "aud": "api", "exp": exp });
/// let token = sign(key, "at+jwt", &claims).unwrap();
///
/// let expect = Expectations::new(&[Algorithm::ES256])
///     .typ("at+jwt")
///     .issuer("https://as.example")
///     .audience("api");
/// let back: serde_json::Value = verify(&token, &keys, &expect).unwrap();
/// assert_eq!(back, claims);
/// ```
pub fn sign(
    key: &SigningKey,
    header_typ: &str,
    claims: &impl Serialize,
) -> Result<String, JwtError> {
    let claims = serde_json::to_vec(claims).map_err(|_| JwtError::Sign)?;
    // Only an object's JSON text starts with `{`.
    if claims.first() != Some(&b'{') {
        return Err(JwtError::Sign);
    }
    let mut header = Header::new(key.alg().to_jwt());
    header.typ = Some(header_typ.to_owned());
    header.kid = Some(key.kid().to_owned());
    let header = serde_json::to_vec(&header).map_err(|_| JwtError::Sign)?;
    // What jsonwebtoken::encode writes, byte for byte (a test holds them equal).
    let encoded = |n: usize| n.div_ceil(3) * 4;
    let signature_len = 512; // RSA 4096 at most; only a capacity
    let mut token =
        String::with_capacity(encoded(header.len()) + encoded(claims.len()) + signature_len + 2);
    URL_SAFE_NO_PAD.encode_string(&header, &mut token);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(&claims, &mut token);
    let signature = key.signer().sign(token.as_bytes())?;
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    Ok(token)
}

/// What a token must be to verify: built from the allowed algorithms, then narrowed.
///
/// By default: `exp` is required and checked, `nbf` is checked when present, with 30 s of
/// leeway either way; `iss` and `typ` are not checked; a token with an `aud` is refused (the
/// verifier names no audience, RFC 7519 §4.1.3). The clock is the system's.
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::jose::{Algorithm, Expectations};
///
/// let id_token = Expectations::new(&[Algorithm::RS256])
///     .issuer("https://as.example")
///     .audience("client-1")
///     .require("sub")
///     .leeway(Duration::from_secs(10));
/// ```
#[derive(Clone, Debug)]
pub struct Expectations {
    algorithms: Vec<Algorithm>,
    typ: Option<String>,
    issuer: Option<String>,
    audience: Audience,
    required: Vec<String>,
    leeway: Duration,
    now: Option<SystemTime>,
    kid_optional: bool,
}

#[derive(Clone, Debug)]
enum Audience {
    /// No `aud` may be present.
    None,
    /// `aud` must be or contain this.
    Is(String),
    /// Anything, or nothing.
    Any,
}

impl Expectations {
    /// Tokens signed with one of `algorithms`, and nothing else. An empty list verifies nothing.
    pub fn new(algorithms: &[Algorithm]) -> Self {
        Expectations {
            algorithms: algorithms.to_vec(),
            typ: None,
            issuer: None,
            audience: Audience::None,
            required: Vec::new(),
            leeway: Duration::from_secs(30),
            now: None,
            kid_optional: false,
        }
    }

    /// The header's `typ` must be `typ`, compared as RFC 7515 §4.1.9 says: ignoring ASCII case
    /// and an `application/` prefix (so `at+jwt` also accepts `application/at+jwt`, RFC 9068
    /// §4). A token without `typ` is refused.
    pub fn typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    /// `iss` must be exactly `issuer`.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// `aud` must be `audience`, or an array containing it.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Audience::Is(audience.into());
        self
    }

    /// `aud` is not checked: for a verifier that is no audience of the token, such as a
    /// provider reading back an ID token it issued (`id_token_hint`).
    pub fn any_audience(mut self) -> Self {
        self.audience = Audience::Any;
        self
    }

    /// The claim `name` must be present (`sub`, `jti`, `client_id`, ...).
    pub fn require(mut self, name: impl Into<String>) -> Self {
        self.required.push(name.into());
        self
    }

    /// The clock skew allowed on `exp` and `nbf`.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// A token without `kid` is verified by the one key for its `alg` in a [`PublicKeys`]
    /// set (two such keys: [`JwtError::MissingKeyId`]), as RFC 7523 client assertions may
    /// come; by default every token needs a `kid`. A [`KeySet`](super::KeySet) always wants
    /// one.
    ///
    /// [`PublicKeys`]: super::PublicKeys
    pub fn kid_optional(mut self) -> Self {
        self.kid_optional = true;
        self
    }

    /// Verify as of `now` rather than the system clock: the time keys and claims are judged at.
    pub fn at(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }
}

/// Verifies `token` against `keys` (the provider's own [`KeySet`](super::KeySet), or the
/// [`PublicKeys`](super::PublicKeys) of a published JWK Set) and `expect`, and returns its
/// claims.
///
/// In order: the header parses, has no `crit`, an allowed `alg` and a `kid` (unless
/// [`Expectations::kid_optional`]); the key with
/// that `kid` verifies at the time of judgement
/// ([`KeySet::verifier`](super::KeySet::verifier)) and is a key for that `alg`; `typ` is the
/// expected one; the signature verifies; then `exp`, `nbf`, `iss`, `aud`
/// and the required claims hold. Each failure is its own [`JwtError`].
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use oauth2_provider::jose::{sign, verify, Algorithm, Expectations, JwtError, KeySet, RotationPolicy};
///
/// let mut keys = KeySet::new();
/// let now = SystemTime::now();
/// keys.rotate(Algorithm::RS256, now, &RotationPolicy::new()).unwrap();
/// let exp = now.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() + 60;
/// let id_token = sign(keys.signer(Algorithm::RS256, now).unwrap(), "JWT", &serde_json::json!({
///     "iss": "https://as.example", "aud": "client-1", "sub": "alice", "exp": exp,
/// })).unwrap();
///
/// // An ID token is not an access token: explicit typing tells them apart.
/// let access = Expectations::new(&[Algorithm::RS256]).typ("at+jwt").audience("client-1");
/// assert_eq!(verify::<serde_json::Value>(&id_token, &keys, &access), Err(JwtError::WrongType));
/// // Nor is it valid two minutes later.
/// let id = Expectations::new(&[Algorithm::RS256]).audience("client-1").require("sub");
/// let late = id.at(now + Duration::from_secs(120));
/// assert_eq!(verify::<serde_json::Value>(&id_token, &keys, &late), Err(JwtError::Expired));
/// ```
pub fn verify<T: DeserializeOwned>(
    token: &str,
    keys: &impl VerifyingKeys,
    expect: &Expectations,
) -> Result<T, JwtError> {
    let now = expect.now.unwrap_or_else(SystemTime::now);
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let message = &token.as_bytes()[..header.len() + 1 + payload.len()];
    let header: Header = decode_part(header)?;
    if header.crit.is_some() {
        return Err(JwtError::CriticalHeader);
    }
    let alg = Algorithm::from_jwt(header.alg)
        .filter(|alg| expect.algorithms.contains(alg))
        .ok_or(JwtError::AlgorithmNotAllowed)?;
    let kid = header.kid.as_deref();
    if kid.is_none() && !expect.kid_optional {
        return Err(JwtError::MissingKeyId);
    }
    let key = keys.verifying(kid, alg, now)?;
    if let Some(expected) = &expect.typ {
        let typ = header.typ.as_deref().ok_or(JwtError::WrongType)?;
        if !same_type(typ, expected) {
            return Err(JwtError::WrongType);
        }
    }
    // RFC 7797: a `b64` that is not `true` would change what was signed. jsonwebtoken refuses
    // it (and so did this function when it decoded through jsonwebtoken).
    if !matches!(header.extras.get::<bool>("b64"), Ok(None | Some(true))) {
        return Err(JwtError::Malformed);
    }

    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| JwtError::Malformed)?;
    key.verify(alg, message, &signature)?;
    let Claims(claims) = decode_part(payload)?;
    check_claims(&claims, expect, now)?;
    T::deserialize(Value::Object(claims)).map_err(|_| JwtError::Claims)
}

/// A header or payload: base64url without padding, then JSON.
fn decode_part<T: DeserializeOwned>(part: &str) -> Result<T, JwtError> {
    let json = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JwtError::Malformed)?;
    serde_json::from_slice(&json).map_err(|_| JwtError::Malformed)
}

/// A JWT Claims Set: a JSON object whose member names are unique. RFC 7519 §4 lets a parser
/// refuse duplicates or keep the last; refusing is the one reading on which every verifier
/// agrees on what was signed (jsonwebtoken refused duplicates of the registered claims).
struct Claims(Map<String, Value>);

impl<'de> Deserialize<'de> for Claims {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Unique;
        impl<'de> Visitor<'de> for Unique {
            type Value = Claims;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object with unique member names")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Claims, A::Error> {
                let mut claims = Map::new();
                while let Some((name, value)) = map.next_entry::<String, Value>()? {
                    if claims.contains_key(&name) {
                        return Err(serde::de::Error::custom("duplicate claim"));
                    }
                    claims.insert(name, value);
                }
                Ok(Claims(claims))
            }
        }
        deserializer.deserialize_map(Unique)
    }
}

/// jsonwebtoken's checks cut down to the signature and `alg`: the callers check the claims
/// themselves, each against its own rules and clock.
pub(crate) fn signature_only(alg: Algorithm) -> Validation {
    let mut validation = Validation::new(alg.to_jwt());
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation
}

fn check_claims(
    claims: &Map<String, Value>,
    expect: &Expectations,
    now: SystemTime,
) -> Result<(), JwtError> {
    let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let leeway = expect.leeway;
    let exp = numeric_date(claims, "exp")?.ok_or_else(|| JwtError::MissingClaim("exp".into()))?;
    if now >= exp.saturating_add(leeway) {
        return Err(JwtError::Expired);
    }
    if let Some(nbf) = numeric_date(claims, "nbf")?
        && now.saturating_add(leeway) < nbf
    {
        return Err(JwtError::NotYetValid);
    }
    if let Some(issuer) = &expect.issuer {
        match claims.get("iss") {
            None => return Err(JwtError::MissingClaim("iss".into())),
            Some(Value::String(iss)) if iss == issuer => {}
            Some(Value::String(_)) => return Err(JwtError::WrongIssuer),
            Some(_) => return Err(JwtError::InvalidClaim("iss")),
        }
    }
    check_audience(claims.get("aud"), &expect.audience)?;
    // RFC 7519 §4.1.2: a StringOrURI. (jsonwebtoken's own pass over the claims refused an
    // array or object here, before this function was the only reader.)
    if claims.get("sub").is_some_and(|sub| !sub.is_string()) {
        return Err(JwtError::InvalidClaim("sub"));
    }
    match expect
        .required
        .iter()
        .find(|name| !claims.contains_key(name.as_str()))
    {
        Some(missing) => Err(JwtError::MissingClaim(missing.clone())),
        None => Ok(()),
    }
}

fn check_audience(aud: Option<&Value>, expected: &Audience) -> Result<(), JwtError> {
    let names: Vec<&str> = match aud {
        None => Vec::new(),
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many
            .iter()
            .map(|v| v.as_str().ok_or(JwtError::InvalidClaim("aud")))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(JwtError::InvalidClaim("aud")),
    };
    match expected {
        Audience::Any => Ok(()),
        Audience::None if names.is_empty() => Ok(()),
        Audience::None => Err(JwtError::WrongAudience),
        Audience::Is(_) if aud.is_none() => Err(JwtError::MissingClaim("aud".into())),
        Audience::Is(ours) if names.contains(&ours.as_str()) => Ok(()),
        Audience::Is(_) => Err(JwtError::WrongAudience),
    }
}

/// A NumericDate claim (RFC 7519 §2): seconds since the epoch, possibly fractional.
fn numeric_date(
    claims: &Map<String, Value>,
    name: &'static str,
) -> Result<Option<Duration>, JwtError> {
    let Some(value) = claims.get(name) else {
        return Ok(None);
    };
    let secs = value.as_f64().filter(|s| s.is_finite() && *s >= 0.0);
    match secs {
        Some(secs) => Duration::try_from_secs_f64(secs)
            .map(Some)
            .map_err(|_| JwtError::InvalidClaim(name)),
        None => Err(JwtError::InvalidClaim(name)),
    }
}

/// RFC 7515 §4.1.9: media types compare case-insensitively, `application/` may be left out.
fn same_type(typ: &str, expected: &str) -> bool {
    fn bare(t: &str) -> &str {
        match t.get(..12) {
            Some(prefix) if prefix.eq_ignore_ascii_case("application/") => &t[12..],
            _ => t,
        }
    }
    bare(typ).eq_ignore_ascii_case(bare(expected))
}
