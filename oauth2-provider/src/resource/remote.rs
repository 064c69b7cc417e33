//! [`RemoteValidator`]: a [`JwtValidator`] over an authorization server's `jwks_uri`, fetched
//! by the application's own HTTP client, and fetched again when a token names a key it does
//! not know (the issuer rotated, OpenID Connect Core §10.1.1).

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use super::jwt::{AccessTokenClaims, JwtValidator};
use crate::jose::{JwtError, PublicKeys};

/// Where a [`RemoteValidator`] gets the JWK Set: usually a GET of the issuer's `jwks_uri`
/// with the application's HTTP client. Any `Fn() -> impl Future<Output = Option<Value>>` is
/// one; `None` is a failed fetch (logged by the application, kept out of here).
pub trait JwksSource: Send + Sync + 'static {
    /// The JWK Set as JSON, or `None` if it could not be fetched.
    fn fetch(&self) -> impl Future<Output = Option<serde_json::Value>> + Send;
}

impl<F, Fut> JwksSource for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<serde_json::Value>> + Send,
{
    fn fetch(&self) -> impl Future<Output = Option<serde_json::Value>> + Send {
        self()
    }
}

/// RFC 9068 §4 validation against keys that follow the issuer's: on a token whose `kid` is
/// unknown the set is fetched again, at most once every
/// [`min_refetch`](RemoteValidator::min_refetch) (default 30 s), so a flood of tokens with
/// invented `kid`s costs the issuer one request per period, and one caller at a time fetches
/// while the others answer with what they hold.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use std::time::SystemTime;
/// use oauth2_provider::jose::{sign, Algorithm, KeySet, RotationPolicy};
/// use oauth2_provider::resource::RemoteValidator;
///
/// # let mut keys = KeySet::new();
/// # let now = SystemTime::now();
/// # keys.rotate(Algorithm::ES256, now, &RotationPolicy::new()).unwrap();
/// # let exp = now.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() + 60;
/// # let token = sign(keys.signer(Algorithm::ES256, now).unwrap(), "at+jwt", &serde_json::json!({
/// #     "iss": "https://as.example", "aud": "https://api.example", "exp": exp, "iat": exp - 60,
/// #     "sub": "alice", "client_id": "app", "jti": "j1",
/// # })).unwrap();
/// # let jwks = keys.jwks(now);
/// // In an application: `reqwest::get(jwks_uri).await?.json().await.ok()`, or any client.
/// let fetch = move || { let jwks = jwks.clone(); async move { Some(jwks) } };
/// let validator = RemoteValidator::new("https://as.example", "https://api.example", fetch);
/// assert_eq!(validator.validate(&token).await.unwrap().sub, "alice");
/// # });
/// ```
pub struct RemoteValidator<S> {
    source: S,
    issuer: String,
    audience: String,
    current: RwLock<Arc<JwtValidator>>,
    fetched: RwLock<Option<Instant>>,
    fetching: AtomicBool,
    min_refetch: Duration,
}

impl<S: JwksSource> RemoteValidator<S> {
    /// Tokens of `issuer` for `audience`, with keys from `source` (fetched on first use).
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>, source: S) -> Self {
        let (issuer, audience) = (issuer.into(), audience.into());
        let empty = JwtValidator::new(issuer.clone(), audience.clone(), PublicKeys::default());
        RemoteValidator {
            source,
            issuer,
            audience,
            current: RwLock::new(Arc::new(empty)),
            fetched: RwLock::new(None),
            fetching: AtomicBool::new(false),
            min_refetch: Duration::from_secs(30),
        }
    }

    /// The shortest time between two fetches.
    pub fn min_refetch(mut self, period: Duration) -> Self {
        self.min_refetch = period;
        self
    }

    /// The claims of `token`, after fetching the keys again if it names an unknown one (and
    /// the last fetch is old enough).
    pub async fn validate(&self, token: &str) -> Result<AccessTokenClaims, JwtError> {
        let validator = Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner));
        match validator.validate(token) {
            Err(JwtError::UnknownKey) if self.refetch().await => self.validate_now(token),
            answer => answer,
        }
    }

    fn validate_now(&self, token: &str) -> Result<AccessTokenClaims, JwtError> {
        let validator = Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner));
        validator.validate(token)
    }

    /// Fetches the set if no other caller is and the last fetch is old enough; `true` when
    /// new keys were taken.
    async fn refetch(&self) -> bool {
        let due = self
            .fetched
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none_or(|at| at.elapsed() >= self.min_refetch);
        if !due || self.fetching.swap(true, Ordering::AcqRel) {
            return false;
        }
        // Released however this ends: a caller dropped mid-fetch must not stop every later one.
        let _fetching = Fetching(&self.fetching);
        let fetched = self.source.fetch().await;
        *self.fetched.write().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
        let keys = fetched.and_then(|jwks| PublicKeys::from_jwks(&jwks).ok());
        let taken = keys.is_some();
        if let Some(keys) = keys {
            let validator = JwtValidator::new(self.issuer.clone(), self.audience.clone(), keys);
            *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(validator);
        }
        taken
    }
}

/// The one fetch in flight; the flag drops with it.
struct Fetching<'a>(&'a AtomicBool);

impl Drop for Fetching<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::SystemTime;

    use super::*;
    use crate::jose::{Algorithm, KeySet, RotationPolicy, sign};

    fn token(keys: &KeySet) -> String {
        let now = SystemTime::now();
        let exp = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 60;
        let claims = serde_json::json!({"iss": "as", "aud": "api", "exp": exp, "iat": exp - 60,
            "sub": "alice", "client_id": "app", "jti": "j"});
        sign(
            keys.signer(Algorithm::ES256, now).unwrap(),
            "at+jwt",
            &claims,
        )
        .unwrap()
    }

    #[tokio::test]
    async fn an_unknown_kid_fetches_again_once_per_period() {
        let policy = RotationPolicy::new().publish_ahead(Duration::ZERO);
        let mut keys = KeySet::new();
        keys.rotate(Algorithm::ES256, SystemTime::now(), &policy)
            .unwrap();
        let published = Arc::new(RwLock::new(keys.jwks(SystemTime::now())));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (source, count) = (Arc::clone(&published), Arc::clone(&fetches));
        let fetch = move || {
            count.fetch_add(1, Ordering::SeqCst);
            let jwks = source.read().unwrap().clone();
            async move { Some(jwks) }
        };
        let validator =
            RemoteValidator::new("as", "api", fetch).min_refetch(Duration::from_millis(200));
        assert!(validator.validate(&token(&keys)).await.is_ok());
        assert_eq!(fetches.load(Ordering::SeqCst), 1);

        // The issuer rotates; its first token names a key the validator has not seen.
        keys.rotate(Algorithm::ES256, SystemTime::now(), &policy)
            .unwrap();
        *published.write().unwrap() = keys.jwks(SystemTime::now());
        let rotated = token(&keys);
        // Too soon after the last fetch: refused, no fetch.
        assert_eq!(
            validator.validate(&rotated).await,
            Err(JwtError::UnknownKey)
        );
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(validator.validate(&rotated).await.is_ok());
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
        // Invented kids cost one fetch per period.
        tokio::time::sleep(Duration::from_millis(250)).await;
        let mut other = KeySet::new();
        other
            .rotate(Algorithm::ES256, SystemTime::now(), &policy)
            .unwrap();
        let invented = token(&other);
        for _ in 0..10 {
            assert_eq!(
                validator.validate(&invented).await,
                Err(JwtError::UnknownKey)
            );
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 3);
    }

    /// A caller dropped in the middle of a fetch (a client gone, a timeout) does not keep every
    /// later fetch from happening.
    #[tokio::test]
    async fn a_fetch_dropped_midway_lets_the_next_one_run() {
        let mut keys = KeySet::new();
        keys.rotate(Algorithm::ES256, SystemTime::now(), &RotationPolicy::new())
            .unwrap();
        let hang = || async {
            std::future::pending::<()>().await;
            None
        };
        let validator = RemoteValidator::new("as", "api", hang).min_refetch(Duration::ZERO);
        let token = token(&keys);
        let attempt = tokio::time::timeout(Duration::from_millis(50), validator.validate(&token));
        assert!(attempt.await.is_err(), "the fetch hangs");
        assert!(!validator.fetching.load(Ordering::SeqCst));
    }
}
