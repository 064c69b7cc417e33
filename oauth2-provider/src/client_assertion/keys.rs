//! Clients' `jwks_uri` documents: fetched through the configured [`Fetch`], kept a while, and
//! fetched again at once when an assertion names a `kid` the kept set lacks (the client
//! rotated its key, OpenID Connect Core §10.1.1); after that, an unknown `kid` waits a minute
//! for the next fetch, and so does a failed host, so neither can make the server fetch on
//! every request. Concurrent requests share one fetch.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::fetch::{Fetch, FetchError, Limits};
use crate::jose::PublicKeys;

/// How long a fetched set is used without asking again.
const FRESH: Duration = Duration::from_secs(300);
/// The least time between two fetches of one URL.
const REFETCH_AFTER: Duration = Duration::from_secs(60);
/// How many URLs are kept.
const CAPACITY: usize = 1000;
/// A JWK Set of a few RSA keys fits well within this.
const LIMITS: Limits = Limits {
    max_bytes: 64 * 1024,
    timeout: Duration::from_secs(5),
};

/// Why no keys came: for the log only, the client sees `invalid_client`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum KeysError {
    #[error("no fetcher is configured for jwks_uri")]
    NoFetcher,
    #[error("the jwks_uri is not an https URL")]
    NotHttps,
    #[error("fetching the jwks_uri failed: {0}")]
    Fetch(#[from] FetchError),
    #[error("the jwks_uri answered {0}")]
    Status(http::StatusCode),
    #[error("the jwks_uri document is no JWK Set")]
    NotJwks,
    #[error("the jwks_uri was fetched moments ago and failed")]
    RecentlyFailed,
}

#[derive(Default)]
struct Slot {
    state: Mutex<SlotState>,
    /// Held by the one fetching.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default, Clone)]
struct SlotState {
    /// The last set fetched, and when.
    keys: Option<(Arc<PublicKeys>, Instant)>,
    /// The last fetch made for an unknown `kid`.
    refetched: Option<Instant>,
    /// The last failed fetch.
    failed: Option<Instant>,
}

impl Slot {
    fn state(&self) -> SlotState {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// What a request for `kid` needs.
enum Need {
    Kept(Arc<PublicKeys>),
    /// A fetch; `true` when it is for an unknown `kid` of a fresh set.
    Fetch(bool),
    Failed,
}

fn need(state: &SlotState, kid: Option<&str>, now: Instant) -> Need {
    let recent = |at: Option<Instant>| at.is_some_and(|at| now.duration_since(at) < REFETCH_AFTER);
    if recent(state.failed) {
        // Serve what there is, stale or not, rather than ask a failing host again.
        return state
            .keys
            .as_ref()
            .map_or(Need::Failed, |(keys, _)| Need::Kept(keys.clone()));
    }
    match &state.keys {
        None => Need::Fetch(false),
        Some((_, at)) if now.duration_since(*at) >= FRESH => Need::Fetch(false),
        Some((keys, _)) if kid.is_none_or(|kid| keys.contains(kid)) => Need::Kept(keys.clone()),
        // A rotation is met at once; after that, unknown kids wait a minute.
        Some(_) if !recent(state.refetched) => Need::Fetch(true),
        Some((keys, _)) => Need::Kept(keys.clone()),
    }
}

/// The kept sets, by URL.
pub(crate) struct KeyCache {
    fetcher: Option<Arc<dyn Fetch>>,
    slots: Mutex<HashMap<String, Arc<Slot>>>,
}

impl KeyCache {
    pub(crate) fn new(fetcher: Option<Arc<dyn Fetch>>) -> KeyCache {
        KeyCache {
            fetcher,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The keys published at `uri`, fresh enough to hold `kid`.
    pub(crate) async fn keys(
        &self,
        uri: &str,
        kid: Option<&str>,
    ) -> Result<Arc<PublicKeys>, KeysError> {
        let fetcher = self.fetcher.as_ref().ok_or(KeysError::NoFetcher)?;
        let url = url::Url::parse(uri).map_err(|_| KeysError::NotHttps)?;
        if url.scheme() != "https" {
            return Err(KeysError::NotHttps);
        }
        let slot = self.slot(uri);
        if let Need::Kept(keys) = need(&slot.state(), kid, Instant::now()) {
            return Ok(keys);
        }
        let _fetching = slot.fetching.lock().await;
        // Another request may have fetched while this one waited.
        let now = Instant::now();
        let for_unknown = match need(&slot.state(), kid, now) {
            Need::Kept(keys) => return Ok(keys),
            Need::Failed => return Err(KeysError::RecentlyFailed),
            Need::Fetch(for_unknown) => for_unknown,
        };
        let fetched = fetch(fetcher.as_ref(), &url).await;
        let mut state = slot.state.lock().unwrap_or_else(PoisonError::into_inner);
        if for_unknown {
            state.refetched = Some(now);
        }
        match fetched {
            Ok(keys) => {
                let keys = Arc::new(keys);
                state.keys = Some((keys.clone(), now));
                state.failed = None;
                Ok(keys)
            }
            Err(error) => {
                state.failed = Some(now);
                Err(error)
            }
        }
    }

    fn slot(&self, uri: &str) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = slots.get(uri) {
            return slot.clone();
        }
        if slots.len() >= CAPACITY {
            // Any one will do: a dropped set is fetched again when next needed.
            if let Some(victim) = slots.keys().next().cloned() {
                slots.remove(&victim);
            }
        }
        slots.entry(uri.to_owned()).or_default().clone()
    }
}

async fn fetch(fetcher: &dyn Fetch, url: &url::Url) -> Result<PublicKeys, KeysError> {
    let accept = "application/jwk-set+json, application/json";
    let fetched = fetcher.get(url, accept, LIMITS).await?;
    if fetched.status != http::StatusCode::OK {
        return Err(KeysError::Status(fetched.status));
    }
    let value: serde_json::Value =
        serde_json::from_slice(&fetched.body).map_err(|_| KeysError::NotJwks)?;
    PublicKeys::from_jwks(&value).map_err(|_| KeysError::NotJwks)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::fetch::{FetchFuture, Fetched};

    /// Serves the JWK Set with the key ids it is told, counting fetches.
    struct Publisher {
        kids: Mutex<Vec<&'static str>>,
        fetches: AtomicUsize,
    }

    fn jwk(kid: &str) -> serde_json::Value {
        serde_json::json!({"kty": "OKP", "crv": "Ed25519", "kid": kid,
            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})
    }

    impl Fetch for Publisher {
        fn get<'a>(&'a self, _: &'a url::Url, _: &'a str, _: Limits) -> FetchFuture<'a> {
            self.fetches.fetch_add(1, Ordering::SeqCst);
            let keys: Vec<_> = self.kids.lock().unwrap().iter().map(|k| jwk(k)).collect();
            let body = serde_json::json!({ "keys": keys }).to_string();
            Box::pin(async move { Ok(Fetched::json(http::StatusCode::OK, body)) })
        }
    }

    #[tokio::test]
    async fn an_unknown_kid_is_fetched_again_at_once_then_once_a_minute() {
        let publisher = Arc::new(Publisher {
            kids: Mutex::new(vec!["one"]),
            fetches: AtomicUsize::new(0),
        });
        let cache = KeyCache::new(Some(publisher.clone()));
        let uri = "https://app.example/jwks.json";
        assert!(cache.keys(uri, Some("one")).await.unwrap().contains("one"));
        assert!(cache.keys(uri, Some("one")).await.is_ok());
        assert_eq!(publisher.fetches.load(Ordering::SeqCst), 1);

        // The client rotated: the unknown kid is fetched at once.
        publisher.kids.lock().unwrap().push("two");
        assert!(cache.keys(uri, Some("two")).await.unwrap().contains("two"));
        assert_eq!(publisher.fetches.load(Ordering::SeqCst), 2);

        // Another unknown kid moments later: the kept set answers.
        publisher.kids.lock().unwrap().push("three");
        let kept = cache.keys(uri, Some("three")).await.unwrap();
        assert!(!kept.contains("three"));
        assert_eq!(publisher.fetches.load(Ordering::SeqCst), 2);

        // A minute later it may fetch again.
        let slot = cache.slot(uri);
        slot.state.lock().unwrap().refetched = Instant::now().checked_sub(REFETCH_AFTER);
        assert!(
            cache
                .keys(uri, Some("three"))
                .await
                .unwrap()
                .contains("three")
        );
        assert_eq!(publisher.fetches.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn only_https_and_only_with_a_fetcher() {
        let cache = KeyCache::new(None);
        let err = cache.keys("https://app.example/jwks", None).await;
        assert!(matches!(err, Err(KeysError::NoFetcher)));
        let publisher = Arc::new(Publisher {
            kids: Mutex::new(vec![]),
            fetches: AtomicUsize::new(0),
        });
        let cache = KeyCache::new(Some(publisher.clone()));
        let err = cache.keys("http://app.example/jwks", None).await;
        assert!(matches!(err, Err(KeysError::NotHttps)));
        assert_eq!(publisher.fetches.load(Ordering::SeqCst), 0);
    }
}
