//! The document cache: bounded, fresh as the publisher's HTTP caching headers say (within
//! bounds), failures kept too, and one fetch per URL however many ask at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use http::HeaderMap;
use http::header::{AGE, CACHE_CONTROL, DATE, EXPIRES};
use tokio::sync::OnceCell;

use super::{CimdError, ClientDocument};

/// What a resolve found, and until when it holds.
#[derive(Clone, Debug)]
pub(super) struct Outcome {
    pub(super) result: Result<Arc<ClientDocument>, CimdError>,
    pub(super) expires: Instant,
}

/// One URL's slot: the outcome once it is known. Concurrent resolves of the URL share the
/// slot, so the first runs the fetch and the others wait for it (and if the first is
/// cancelled, the next takes over).
#[derive(Debug)]
pub(super) struct Slot {
    created: Instant,
    pub(super) outcome: OnceCell<Outcome>,
}

/// At most `capacity` slots, by `client_id`.
#[derive(Debug)]
pub(super) struct Cache {
    slots: Mutex<HashMap<String, Arc<Slot>>>,
    pub(super) capacity: usize,
}

impl Cache {
    pub(super) fn new(capacity: usize) -> Cache {
        Cache {
            slots: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// The slot of `key`: the one there unless its outcome expired, else a new one.
    pub(super) fn slot(&self, key: &str, now: Instant) -> Arc<Slot> {
        // A panic while holding the lock leaves the map consistent (every step is one insert
        // or remove), so a poisoned lock is used as it is.
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = slots.get(key)
            && slot.outcome.get().is_none_or(|o| o.expires > now)
        {
            return slot.clone();
        }
        slots.remove(key);
        if slots.len() >= self.capacity {
            evict(&mut slots, now);
        }
        let slot = Arc::new(Slot {
            created: now,
            outcome: OnceCell::new(),
        });
        slots.insert(key.to_owned(), slot.clone());
        slot
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// Makes room for one: every expired slot goes; if none had, the one that expires soonest, or
/// a slot still without an outcome (abandoned, or waiting) ranked by when it was made. A
/// waiter of an evicted slot still gets its outcome; it is only no longer shared.
fn evict(slots: &mut HashMap<String, Arc<Slot>>, now: Instant) {
    let before = slots.len();
    slots.retain(|_, slot| slot.outcome.get().is_none_or(|o| o.expires > now));
    if slots.len() < before {
        return;
    }
    let rank = |slot: &Slot| slot.outcome.get().map_or(slot.created, |o| o.expires);
    let victim = slots
        .iter()
        .min_by_key(|(_, slot)| rank(slot))
        .map(|(key, _)| key.clone());
    if let Some(key) = victim {
        slots.remove(&key);
    }
}

/// How long a fetched document stays fresh, before the bounds: `None` when the response says
/// nothing (no `Cache-Control` freshness directive and no `Expires`).
///
/// A minimal reader of `Cache-Control` (`no-store`, `no-cache`, `max-age`) and `Expires`
/// (relative to `Date`), less `Age`, rather than `http-cache-semantics`: that crate models a
/// whole RFC 9111 cache (request directives, `Vary`, revalidation, heuristic freshness from
/// `Last-Modified`), where this cache needs one number that the bounds then clamp; and the
/// `cache_control` crate is unmaintained. `no-store` and `no-cache` mean "as short as
/// allowed" here: the lower bound exists so that a publisher cannot make every request
/// fetch.
pub(super) fn freshness(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let mut max_age = None;
    for value in headers.get_all(CACHE_CONTROL) {
        let Ok(value) = value.to_str() else {
            return Some(Duration::ZERO);
        };
        for directive in value.split(',') {
            let (name, argument) = directive.split_once('=').unwrap_or((directive, ""));
            let name = name.trim().to_ascii_lowercase();
            match name.as_str() {
                "no-store" | "no-cache" => return Some(Duration::ZERO),
                // RFC 9111 §4.2.1: an invalid max-age means stale.
                "max-age" => {
                    let seconds = argument
                        .trim()
                        .trim_matches('"')
                        .parse::<u64>()
                        .unwrap_or(0);
                    max_age = Some(max_age.map_or(seconds, |m: u64| m.min(seconds)));
                }
                _ => {}
            }
        }
    }
    let age = header_str(headers, AGE)
        .and_then(|a| a.trim().parse::<u64>().ok())
        .map_or(Duration::ZERO, Duration::from_secs);
    if let Some(seconds) = max_age {
        return Some(Duration::from_secs(seconds).saturating_sub(age));
    }
    let expires = headers.get(EXPIRES)?;
    // RFC 9111 §5.3: an Expires that does not parse (such as "0") is in the past.
    let Some(expires) = expires
        .to_str()
        .ok()
        .and_then(|e| httpdate::parse_http_date(e).ok())
    else {
        return Some(Duration::ZERO);
    };
    let date = header_str(headers, DATE)
        .and_then(|d| httpdate::parse_http_date(d).ok())
        .unwrap_or(now);
    Some(
        expires
            .duration_since(date)
            .unwrap_or(Duration::ZERO)
            .saturating_sub(age),
    )
}

fn header_str(headers: &HeaderMap, name: http::header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(pairs: &[(&str, &str)]) -> Option<u64> {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                http::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        freshness(&headers, now).map(|d| d.as_secs())
    }

    #[test]
    fn cache_control_directives() {
        assert_eq!(fresh(&[]), None);
        assert_eq!(fresh(&[("cache-control", "public")]), None);
        assert_eq!(fresh(&[("cache-control", "max-age=600")]), Some(600));
        assert_eq!(
            fresh(&[("cache-control", "public, Max-Age=\"90\"")]),
            Some(90)
        );
        assert_eq!(
            fresh(&[("cache-control", "max-age=600, no-store")]),
            Some(0)
        );
        assert_eq!(fresh(&[("cache-control", "no-cache")]), Some(0));
        assert_eq!(fresh(&[("cache-control", "max-age=abc")]), Some(0));
        assert_eq!(
            fresh(&[
                ("cache-control", "max-age=600"),
                ("cache-control", "max-age=60")
            ]),
            Some(60)
        );
        assert_eq!(
            fresh(&[("cache-control", "max-age=600"), ("age", "100")]),
            Some(500)
        );
        assert_eq!(
            fresh(&[("cache-control", "max-age=60"), ("age", "100")]),
            Some(0)
        );
    }

    #[test]
    fn expires_relative_to_date_or_now() {
        let expires = ("expires", "Sun, 06 Nov 1994 09:49:37 GMT");
        assert_eq!(fresh(&[expires]), Some(3600));
        assert_eq!(
            fresh(&[expires, ("date", "Sun, 06 Nov 1994 09:19:37 GMT")]),
            Some(1800)
        );
        assert_eq!(fresh(&[("expires", "0")]), Some(0));
        assert_eq!(
            fresh(&[("expires", "Sun, 06 Nov 1994 07:49:37 GMT")]),
            Some(0)
        );
        // max-age wins over Expires (RFC 9111 §5.3).
        assert_eq!(fresh(&[expires, ("cache-control", "max-age=5")]), Some(5));
    }

    fn outcome(expires: Instant) -> Outcome {
        Outcome {
            result: Err(CimdError::NotAllowed),
            expires,
        }
    }

    #[test]
    fn a_full_cache_evicts_the_expired_then_the_soonest_expiring() {
        let cache = Cache::new(3);
        let now = Instant::now();
        let later = |s| now + Duration::from_secs(s);
        cache
            .slot("a", now)
            .outcome
            .set(outcome(later(10)))
            .unwrap();
        cache.slot("b", now).outcome.set(outcome(later(5))).unwrap();
        cache
            .slot("c", now)
            .outcome
            .set(outcome(later(20)))
            .unwrap();
        // Full: "b" expires soonest and goes.
        cache
            .slot("d", now)
            .outcome
            .set(outcome(later(30)))
            .unwrap();
        assert_eq!(cache.len(), 3);
        assert!(cache.slot("a", now).outcome.get().is_some());
        assert!(cache.slot("c", now).outcome.get().is_some());
        assert!(cache.slot("d", now).outcome.get().is_some());
        // At 15 s "a" has expired: it goes, and nothing else.
        let at = later(15);
        cache.slot("e", at);
        assert_eq!(cache.len(), 3);
        assert!(cache.slot("c", at).outcome.get().is_some());
        assert!(cache.slot("d", at).outcome.get().is_some());
    }

    #[test]
    fn an_expired_slot_is_replaced_and_a_pending_one_shared() {
        let cache = Cache::new(10);
        let now = Instant::now();
        let pending = cache.slot("a", now);
        assert!(Arc::ptr_eq(&pending, &cache.slot("a", now)));
        pending
            .outcome
            .set(outcome(now + Duration::from_secs(1)))
            .unwrap();
        let fresh = cache.slot("a", now + Duration::from_secs(2));
        assert!(!Arc::ptr_eq(&pending, &fresh));
        assert!(fresh.outcome.get().is_none());
        assert_eq!(cache.len(), 1);
    }
}
