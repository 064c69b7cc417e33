//! Verifying one client assertion for one client, in the order that keeps a refusal free of
//! effects: method and algorithm, signature and registered claims, audience and lifetime,
//! and only then the `jti`, remembered once.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::Value;

use super::keys::KeysError;
use super::{AssertionAudience, ClientAssertions};
use crate::error::StoreError;
use crate::jose::{self, Expectations, JwtError, PublicKeys};
use crate::model::{AuthMethod, ClientKeys, OAuthClient, TokenHash};
use crate::store::TokenStore;

/// `client_assertion_type` for a JWT (RFC 7523 §2.2).
pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The MACs `client_secret_jwt` takes.
pub(super) const MAC_ALGORITHMS: [(&str, jsonwebtoken::Algorithm); 3] = [
    ("HS256", jsonwebtoken::Algorithm::HS256),
    ("HS384", jsonwebtoken::Algorithm::HS384),
    ("HS512", jsonwebtoken::Algorithm::HS512),
];

/// Why an assertion was refused: for the log, the client only ever sees `invalid_client`,
/// except for [`Store`](AssertionError::Store), which is the server's failure.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AssertionError {
    #[error("the client is not registered for this authentication method")]
    Method,
    #[error("{0}")]
    Jwt(#[from] JwtError),
    #[error("{0}")]
    Keys(#[from] KeysError),
    #[error("the client's jwks is no JWK Set")]
    Jwks,
    #[error("the client has no secret to check a client_secret_jwt assertion with")]
    NoSecret,
    #[error("sub is not the client id")]
    Subject,
    #[error("aud does not name this server as the policy wants")]
    Audience,
    #[error("no issuer is configured, so no audience can match")]
    NoIssuer,
    #[error("exp is further ahead than the longest lifetime allowed")]
    TooLong,
    #[error("iat is in the future")]
    IssuedInFuture,
    #[error("jti is missing or empty")]
    Jti,
    #[error("the jti was used before")]
    Replayed,
    #[error("the store failed")]
    Store(#[from] StoreError),
}

#[derive(Deserialize)]
struct Named {
    sub: Option<String>,
}

/// The client an assertion names as its `sub`, read before it is verified: its keys are
/// what it is verified with. `None` for no JWT or no `sub`.
pub(crate) fn claimed_client_id(assertion: &str) -> Option<String> {
    jsonwebtoken::dangerous::insecure_decode_claims::<Named>(assertion)
        .ok()?
        .sub
}

#[derive(Deserialize)]
struct Claims {
    sub: Option<String>,
    aud: Option<Value>,
    exp: f64,
    iat: Option<f64>,
    jti: Option<String>,
}

/// Where the assertion was sent: what `aud` may name.
pub(crate) struct Audiences<'a> {
    pub(crate) issuer: Option<&'a str>,
    pub(crate) endpoints: [String; 2],
}

/// Verifies `assertion` as `client`'s, and spends its `jti`; the method it used.
pub(crate) async fn verify<C: OAuthClient, T: TokenStore>(
    settings: &ClientAssertions,
    tokens: &T,
    client: &C,
    assertion: &str,
    audiences: &Audiences<'_>,
) -> Result<AuthMethod, AssertionError> {
    let method = client
        .auth_method()
        .filter(|method| method.is_assertion())
        .ok_or(AssertionError::Method)?;
    let header = jsonwebtoken::decode_header(assertion).map_err(|_| JwtError::Malformed)?;
    let claims = match method {
        AuthMethod::ClientSecretJwt => mac_verified(settings, client, assertion, header.alg)?,
        _ => signature_verified(settings, client, assertion, header.kid.as_deref()).await?,
    };
    let now = SystemTime::now();
    let jti = checked(settings, client.client_id(), &claims, audiences, now)?;
    let key = format!(
        "client-assertion:{}:{}:{jti}",
        client.client_id().len(),
        client.client_id()
    );
    let exp = Duration::try_from_secs_f64(claims.exp).map_err(|_| JwtError::InvalidClaim("exp"))?;
    let until = UNIX_EPOCH + exp + settings.leeway;
    if tokens.remember_once(&TokenHash::of(&key), until).await? {
        Ok(method)
    } else {
        Err(AssertionError::Replayed)
    }
}

async fn signature_verified<C: OAuthClient>(
    settings: &ClientAssertions,
    client: &C,
    assertion: &str,
    kid: Option<&str>,
) -> Result<Claims, AssertionError> {
    let expect = Expectations::new(&settings.algorithms)
        .issuer(client.client_id())
        .any_audience()
        .leeway(settings.leeway)
        .kid_optional();
    let keys = match client.jwks().ok_or(AssertionError::Method)? {
        ClientKeys::Jwks(jwks) => {
            std::sync::Arc::new(PublicKeys::from_jwks(jwks).map_err(|_| AssertionError::Jwks)?)
        }
        ClientKeys::Uri(uri) => settings.keys.keys(uri, kid).await?,
    };
    Ok(jose::verify(assertion, keys.as_ref(), &expect)?)
}

fn mac_verified<C: OAuthClient>(
    settings: &ClientAssertions,
    client: &C,
    assertion: &str,
    alg: jsonwebtoken::Algorithm,
) -> Result<Claims, AssertionError> {
    let allowed = MAC_ALGORITHMS.iter().any(|(_, mac)| *mac == alg);
    if !settings.client_secret_jwt || !allowed {
        return Err(JwtError::AlgorithmNotAllowed.into());
    }
    let secret = client.assertion_secret().ok_or(AssertionError::NoSecret)?;
    let mut validation = jsonwebtoken::Validation::new(alg);
    validation.leeway = settings.leeway.as_secs();
    validation.set_issuer(&[client.client_id()]);
    validation.set_required_spec_claims(&["exp", "iss", "sub"]);
    validation.validate_nbf = true;
    validation.validate_aud = false;
    let key =
        jsonwebtoken::DecodingKey::from_secret(secret).map_err(|_| AssertionError::NoSecret)?;
    let data = jsonwebtoken::decode::<Claims>(assertion, &key, &validation).map_err(|err| {
        use jsonwebtoken::errors::ErrorKind;
        match err.kind() {
            ErrorKind::InvalidSignature => JwtError::InvalidSignature,
            ErrorKind::ExpiredSignature => JwtError::Expired,
            ErrorKind::ImmatureSignature => JwtError::NotYetValid,
            ErrorKind::InvalidIssuer => JwtError::WrongIssuer,
            ErrorKind::MissingRequiredClaim(name) => JwtError::MissingClaim(name.clone()),
            _ => JwtError::Malformed,
        }
    })?;
    Ok(data.claims)
}

/// The claims beyond signature, `exp`, `nbf` and `iss`; the `jti` to spend.
fn checked<'c>(
    settings: &ClientAssertions,
    client_id: &str,
    claims: &'c Claims,
    audiences: &Audiences<'_>,
    now: SystemTime,
) -> Result<&'c str, AssertionError> {
    if claims.sub.as_deref() != Some(client_id) {
        return Err(AssertionError::Subject);
    }
    check_audience(settings.audience, claims.aud.as_ref(), audiences)?;
    let now = now
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    let leeway = settings.leeway.as_secs_f64();
    if claims.exp > now + settings.max_lifetime.as_secs_f64() + leeway {
        return Err(AssertionError::TooLong);
    }
    if claims.iat.is_some_and(|iat| iat > now + leeway) {
        return Err(AssertionError::IssuedInFuture);
    }
    match claims.jti.as_deref() {
        Some(jti) if !jti.is_empty() => Ok(jti),
        _ => Err(AssertionError::Jti),
    }
}

fn check_audience(
    policy: AssertionAudience,
    aud: Option<&Value>,
    audiences: &Audiences<'_>,
) -> Result<(), AssertionError> {
    let issuer = audiences.issuer.ok_or(AssertionError::NoIssuer)?;
    let ok = match (policy, aud) {
        (AssertionAudience::Issuer, Some(Value::String(one))) => one == issuer,
        (AssertionAudience::IssuerOrEndpoint, Some(Value::String(one))) => {
            one == issuer || audiences.endpoints.contains(one)
        }
        (AssertionAudience::IssuerOrEndpoint, Some(Value::Array(many))) => many
            .iter()
            .filter_map(Value::as_str)
            .any(|one| one == issuer || audiences.endpoints.iter().any(|e| e == one)),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(AssertionError::Audience)
    }
}
