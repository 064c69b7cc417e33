//! The cache of verified tokens: a hit is what a validation would answer, it stays bounded,
//! and nothing past `exp`, forged, or verified by keys since replaced comes out of it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::cache::{self, Cache};
use super::{AccessTokenClaims, JwtValidator};
use crate::jose::{self, Algorithm, JwtError, KeySet, PublicKeys, RotationPolicy};

const ISS: &str = "https://as.example";
const AUD: &str = "https://api.example";

fn epoch_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn keys() -> KeySet {
    let mut keys = KeySet::new();
    keys.rotate(Algorithm::EdDSA, SystemTime::now(), &RotationPolicy::new())
        .unwrap();
    keys
}

fn token(keys: &KeySet, jti: &str, exp: u64) -> String {
    let claims = json!({
        "iss": ISS, "aud": AUD, "sub": "alice", "client_id": "app", "jti": jti,
        "scope": "read", "iat": epoch_now(), "exp": exp,
    });
    let key = keys.signer(Algorithm::EdDSA, SystemTime::now()).unwrap();
    jose::sign(key, "at+jwt", &claims).unwrap()
}

fn validator(keys: &KeySet, entries: usize) -> JwtValidator {
    let published = PublicKeys::from_jwks(&keys.jwks(SystemTime::now())).unwrap();
    JwtValidator::new(ISS, AUD, published).cache(entries)
}

#[test]
fn a_hit_is_what_validation_answers() {
    let keys = keys();
    let token = token(&keys, "j1", epoch_now() + 600);
    let uncached = validator(&keys, 0);
    let cached = validator(&keys, 8);
    let first = cached.validate(&token).unwrap();
    assert_eq!(cached.cached(), 1);
    assert_eq!(cached.validate(&token).unwrap(), first);
    assert_eq!(uncached.validate(&token).unwrap(), first);
    assert_eq!(uncached.cached(), 0);
    // Clones share it.
    assert_eq!(cached.clone().cached(), 1);
}

#[test]
fn refused_tokens_are_never_kept() {
    let keys = keys();
    let validator = validator(&keys, 8);
    let good = token(&keys, "j1", epoch_now() + 600);
    let (message, _) = good.rsplit_once('.').unwrap();
    let forged = format!("{message}.{}", "A".repeat(86));
    for _ in 0..2 {
        assert_eq!(
            validator.validate(&forged).unwrap_err(),
            JwtError::InvalidSignature
        );
    }
    let expired = token(&keys, "j2", epoch_now() - 120);
    assert_eq!(validator.validate(&expired).unwrap_err(), JwtError::Expired);
    assert_eq!(validator.cached(), 0);
}

#[test]
fn it_is_bounded() {
    let keys = keys();
    let validator = validator(&keys, 4);
    let exp = epoch_now() + 600;
    let tokens: Vec<String> = (0..20)
        .map(|i| token(&keys, &format!("j{i}"), exp))
        .collect();
    for token in &tokens {
        validator.validate(token).unwrap();
        assert!(validator.cached() <= 4);
    }
    assert_eq!(validator.cached(), 4);
    // Evicted or not, every one still validates.
    for token in &tokens {
        validator.validate(token).unwrap();
    }
}

#[test]
fn new_keys_forget_what_the_old_ones_verified() {
    let keys = keys();
    let mut validator = validator(&keys, 8);
    let token = token(&keys, "j1", epoch_now() + 600);
    validator.validate(&token).unwrap();
    let others = self::keys();
    validator.set_keys(PublicKeys::from_jwks(&others.jwks(SystemTime::now())).unwrap());
    assert_eq!(validator.cached(), 0);
    assert_eq!(
        validator.validate(&token).unwrap_err(),
        JwtError::UnknownKey
    );
}

#[test]
fn a_cached_token_expires_at_exp() {
    // No leeway, so `exp` is the instant: the token is accepted (and kept) now, and refused,
    // not served from the cache, once the clock reaches `exp`.
    let keys = keys();
    let validator = validator(&keys, 8).leeway(Duration::ZERO);
    let exp = epoch_now() + 1;
    let token = token(&keys, "j1", exp);
    validator.validate(&token).unwrap();
    assert_eq!(validator.cached(), 1);
    while epoch_now() < exp {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(validator.validate(&token).unwrap_err(), JwtError::Expired);
    assert_eq!(validator.cached(), 0);
}

fn claims(exp: u64) -> AccessTokenClaims {
    serde_json::from_value(json!({
        "sub": "alice", "client_id": "app", "jti": "j1", "iat": exp - 600, "exp": exp,
    }))
    .unwrap()
}

#[test]
fn the_clock_is_checked_on_every_hit() {
    let base = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let at = |secs: u64| base + Duration::from_secs(secs);
    let exp = 1_800_000_000 + 600;
    let cache = Cache::new(8);
    let key = cache::key("a token");
    cache.insert(key, &claims(exp), at(10), Duration::from_secs(30));
    assert_eq!(cache.get(&key, at(10)), Some(claims(exp)));
    assert_eq!(cache.get(&key, at(629)), Some(claims(exp)));
    // Before it was verified: the clock went back, and `nbf` was judged later than that.
    assert_eq!(cache.get(&key, at(9)), None);
    // `exp` plus the leeway: expired, and dropped.
    assert_eq!(cache.get(&key, at(630)), None);
    assert_eq!(cache.len(), 0);
    assert_eq!(cache.get(&key, at(10)), None);
    assert_eq!(cache.get(&cache::key("another"), at(10)), None);
}

#[test]
fn a_full_cache_drops_expired_entries_first() {
    let base = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let at = |secs: u64| base + Duration::from_secs(secs);
    let cache = Cache::new(2);
    let leeway = Duration::ZERO;
    cache.insert(cache::key("old"), &claims(1_800_000_100), at(0), leeway);
    cache.insert(cache::key("live"), &claims(1_800_001_000), at(0), leeway);
    cache.insert(cache::key("new"), &claims(1_800_001_000), at(200), leeway);
    assert_eq!(cache.len(), 2);
    assert!(cache.get(&cache::key("live"), at(200)).is_some());
    assert!(cache.get(&cache::key("new"), at(200)).is_some());
}
