//! The provider's keys, and their rotation (OpenID Connect Core §10.1.1): a new key is
//! published before it signs, an old one stays published after it stops, then goes.

use std::time::{Duration, SystemTime};

use super::{Algorithm, KeyEncryptionKey, KeyError, ManagedKey, SigningKey};
use crate::store::StoredKey;

/// How [`KeySet::rotate`] schedules a new key.
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::jose::RotationPolicy;
///
/// let policy = RotationPolicy::new()
///     .publish_ahead(Duration::from_secs(2 * 3600))
///     .retention(Duration::from_secs(7 * 86_400));
/// assert_eq!(policy.retention_period(), Duration::from_secs(7 * 86_400));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RotationPolicy {
    publish_ahead: Duration,
    retention: Duration,
}

impl Default for RotationPolicy {
    fn default() -> Self {
        RotationPolicy {
            publish_ahead: Duration::from_secs(3600),
            retention: Duration::from_secs(86_400),
        }
    }
}

impl RotationPolicy {
    /// A new key published an hour before it signs; a retired key kept a day.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long a new key is published before it signs: at least the longest time a verifier
    /// caches the JWKS (its `Cache-Control: max-age`).
    pub fn publish_ahead(mut self, ahead: Duration) -> Self {
        self.publish_ahead = ahead;
        self
    }

    /// How long a retired key stays published and verifying: at least the lifetime of the
    /// longest-lived token it signed, plus the JWKS cache time.
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// The time a new key is published before it signs.
    pub fn publish_ahead_period(&self) -> Duration {
        self.publish_ahead
    }

    /// The time a retired key stays published.
    pub fn retention_period(&self) -> Duration {
        self.retention
    }
}

/// What [`KeySet::rotate`] changed: the keys to save to the store.
///
/// ```
/// use std::time::SystemTime;
/// use oauth2_provider::jose::{Algorithm, KeySet, RotationPolicy};
/// let mut keys = KeySet::new();
/// let now = SystemTime::now();
/// let first = keys.rotate(Algorithm::ES256, now, &RotationPolicy::new()).unwrap();
/// let second = keys.rotate(Algorithm::ES256, now, &RotationPolicy::new()).unwrap();
/// assert_eq!(second.changed().collect::<Vec<_>>(), [&second.added, &first.added]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    /// The new key's `kid`.
    pub added: String,
    /// The `kid`s of the keys it retired.
    pub retired: Vec<String>,
}

impl Rotation {
    /// The new key, then the retired ones.
    pub fn changed(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.added.as_str()).chain(self.retired.iter().map(String::as_str))
    }
}

/// The provider's signing keys, of any algorithms, each with its schedule ([`ManagedKey`]).
///
/// [`signer`](KeySet::signer) picks the key to sign with, [`verifier`](KeySet::verifier) the
/// key a token names, and [`jwks`](KeySet::jwks) is the JWK Set to publish. Times are given by
/// the caller, so every node that loads the same keys agrees on them.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use oauth2_provider::jose::{Algorithm, KeySet, RotationPolicy};
///
/// let policy = RotationPolicy::new();
/// let now = SystemTime::now();
/// let mut keys = KeySet::new();
/// // The first key of an algorithm signs at once: no verifier holds tokens of it yet.
/// let first = keys.rotate(Algorithm::ES256, now, &policy).unwrap().added;
/// assert_eq!(keys.signer(Algorithm::ES256, now).unwrap().kid(), first);
///
/// // The next one is published now and signs an hour later; the first stays a day after that.
/// let next = keys.rotate(Algorithm::ES256, now, &policy).unwrap().added;
/// assert_eq!(keys.signer(Algorithm::ES256, now).unwrap().kid(), first);
/// let in_an_hour = now + Duration::from_secs(3600);
/// assert_eq!(keys.signer(Algorithm::ES256, in_an_hour).unwrap().kid(), next);
/// assert!(keys.verifier(&first, in_an_hour).is_some());
/// assert_eq!(keys.jwks(in_an_hour)["keys"].as_array().unwrap().len(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    keys: Vec<ManagedKey>,
}

impl KeySet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The set of the stored keys, opened with `kek` where sealed (see
    /// [`ManagedKey::from_stored`]).
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use oauth2_provider::jose::{Algorithm, KeySet, RotationPolicy};
    /// let mut keys = KeySet::new();
    /// keys.rotate(Algorithm::EdDSA, SystemTime::now(), &RotationPolicy::new()).unwrap();
    /// let stored = keys.to_stored(None).unwrap();
    /// assert_eq!(KeySet::from_stored(&stored, None).unwrap().len(), 1);
    /// ```
    pub fn from_stored<'a>(
        stored: impl IntoIterator<Item = &'a StoredKey>,
        kek: Option<&KeyEncryptionKey>,
    ) -> Result<Self, KeyError> {
        let mut set = KeySet::new();
        for stored in stored {
            set.insert(ManagedKey::from_stored(stored, kek)?)?;
        }
        Ok(set)
    }

    /// The stored form of every key (see [`ManagedKey::to_stored`]).
    pub fn to_stored(&self, kek: Option<&KeyEncryptionKey>) -> Result<Vec<StoredKey>, KeyError> {
        self.keys.iter().map(|key| key.to_stored(kek)).collect()
    }

    /// Adds a key; fails if one with its `kid` is there already.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use oauth2_provider::jose::{Algorithm, KeyError, KeySet, ManagedKey, SigningKey};
    /// let now = SystemTime::now();
    /// let key = ManagedKey::new(SigningKey::generate(Algorithm::ES256).unwrap(), now, now);
    /// let mut keys = KeySet::new();
    /// keys.insert(key.clone()).unwrap();
    /// assert_eq!(keys.insert(key).unwrap_err(), KeyError::DuplicateKid);
    /// ```
    pub fn insert(&mut self, key: ManagedKey) -> Result<(), KeyError> {
        if self.get(key.key.kid()).is_some() {
            return Err(KeyError::DuplicateKid);
        }
        self.keys.push(key);
        Ok(())
    }

    /// The key with this `kid`, whatever its schedule.
    pub fn get(&self, kid: &str) -> Option<&ManagedKey> {
        self.keys.iter().find(|key| key.key.kid() == kid)
    }

    /// Removes the key with this `kid` at once, published or not: for a compromised key.
    pub fn remove(&mut self, kid: &str) -> Option<ManagedKey> {
        let at = self.keys.iter().position(|key| key.key.kid() == kid)?;
        Some(self.keys.remove(at))
    }

    /// Every key, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = &ManagedKey> {
        self.keys.iter()
    }

    /// How many keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// `true` when the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key to sign with at `now` for `alg`: of the keys that sign then, the one activated
    /// last. `None` if no key of `alg` signs at `now`.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use oauth2_provider::jose::{Algorithm, KeySet, ManagedKey, SigningKey};
    /// let now = SystemTime::now();
    /// let mut keys = KeySet::new();
    /// let soon = now + Duration::from_secs(60);
    /// keys.insert(ManagedKey::new(SigningKey::generate(Algorithm::ES256).unwrap(), now, soon)).unwrap();
    /// assert!(keys.signer(Algorithm::ES256, now).is_none());
    /// assert!(keys.signer(Algorithm::ES256, soon).is_some());
    /// assert!(keys.signer(Algorithm::RS256, soon).is_none());
    /// ```
    pub fn signer(&self, alg: Algorithm, now: SystemTime) -> Option<&SigningKey> {
        self.keys
            .iter()
            .filter(|key| key.key.alg() == alg && key.signs_at(now))
            .max_by(|a, b| {
                (a.activates_at, a.created_at, a.key.kid()).cmp(&(
                    b.activates_at,
                    b.created_at,
                    b.key.kid(),
                ))
            })
            .map(ManagedKey::key)
    }

    /// The key named `kid` if it verifies at `now`: published, whether it signs yet, still or
    /// no longer. `None` for an unknown `kid` or one past its retention.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use oauth2_provider::jose::{Algorithm, KeySet, RotationPolicy};
    /// let mut keys = KeySet::new();
    /// let now = SystemTime::now();
    /// let kid = keys.rotate(Algorithm::EdDSA, now, &RotationPolicy::new()).unwrap().added;
    /// assert_eq!(keys.verifier(&kid, now).unwrap().kid(), kid);
    /// assert!(keys.verifier("some-other-kid", now).is_none());
    /// ```
    pub fn verifier(&self, kid: &str, now: SystemTime) -> Option<&SigningKey> {
        self.get(kid)
            .filter(|key| key.published_at(now))
            .map(ManagedKey::key)
    }

    /// The JWK Set to publish at `now` (RFC 7517 §5): `{"keys": [...]}` with every published
    /// key's public JWK ([`SigningKey::public_jwk`]), newest first. No private member, ever.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use oauth2_provider::jose::{Algorithm, KeySet, RotationPolicy};
    /// let mut keys = KeySet::new();
    /// let now = SystemTime::now();
    /// keys.rotate(Algorithm::RS256, now, &RotationPolicy::new()).unwrap();
    /// let jwks = keys.jwks(now);
    /// let jwk = &jwks["keys"][0];
    /// assert_eq!((&jwk["kty"], &jwk["alg"], &jwk["use"]), (&"RSA".into(), &"RS256".into(), &"sig".into()));
    /// assert!(jwk.get("d").is_none() && jwk.get("p").is_none());
    /// ```
    pub fn jwks(&self, now: SystemTime) -> serde_json::Value {
        let mut published: Vec<&ManagedKey> = self
            .keys
            .iter()
            .filter(|key| key.published_at(now))
            .collect();
        published.sort_by(|a, b| {
            (b.activates_at, b.created_at, b.key.kid()).cmp(&(
                a.activates_at,
                a.created_at,
                a.key.kid(),
            ))
        });
        let keys: Vec<serde_json::Value> =
            published.iter().map(|key| key.key.public_jwk()).collect();
        serde_json::json!({ "keys": keys })
    }

    /// Generates a key for `alg` and schedules it: published at once, signing
    /// `policy.publish_ahead` after `now` (or at `now` if no key of `alg` signs then, since
    /// nothing would sign otherwise). Every key of `alg` not yet retired retires when the new
    /// one activates, and stays published for `policy.retention` after. Returns the `kid`s to
    /// save ([`Rotation::changed`]).
    ///
    /// Rotate on one node (or under a lock): two nodes rotating at once each keep a new key
    /// the other does not retire.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use oauth2_provider::jose::{Algorithm, KeySet, RotationPolicy};
    /// let (policy, now) = (RotationPolicy::new(), SystemTime::now());
    /// let mut keys = KeySet::new();
    /// let first = keys.rotate(Algorithm::RS256, now, &policy).unwrap();
    /// assert!(first.retired.is_empty());
    /// let second = keys.rotate(Algorithm::RS256, now, &policy).unwrap();
    /// assert_eq!(second.retired, [first.added.as_str()]);
    /// let old = keys.get(&first.added).unwrap();
    /// assert_eq!(old.retired_at(), Some(now + Duration::from_secs(3600)));
    /// ```
    pub fn rotate(
        &mut self,
        alg: Algorithm,
        now: SystemTime,
        policy: &RotationPolicy,
    ) -> Result<Rotation, KeyError> {
        let key = SigningKey::generate(alg)?;
        let activates_at = if self.signer(alg, now).is_some() {
            now + policy.publish_ahead
        } else {
            now
        };
        let mut retired = Vec::new();
        for old in self.keys.iter_mut().filter(|k| k.key.alg() == alg) {
            if old.retired_at.is_none() {
                old.retire(activates_at, policy.retention);
                retired.push(old.key.kid().to_owned());
            }
        }
        let added = key.kid().to_owned();
        self.insert(ManagedKey::new(key, now, activates_at))?;
        Ok(Rotation { added, retired })
    }

    /// Drops the keys past their retention at `now`; returns their `kid`s, to delete from the
    /// store.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use oauth2_provider::jose::{Algorithm, KeySet, RotationPolicy};
    /// let (policy, now) = (RotationPolicy::new(), SystemTime::now());
    /// let mut keys = KeySet::new();
    /// let old = keys.rotate(Algorithm::ES256, now, &policy).unwrap().added;
    /// keys.rotate(Algorithm::ES256, now, &policy).unwrap();
    /// assert!(keys.prune(now).is_empty());
    /// let gone = now + Duration::from_secs(3600 + 86_400);
    /// assert_eq!(keys.prune(gone), [old]);
    /// assert_eq!(keys.len(), 1);
    /// ```
    pub fn prune(&mut self, now: SystemTime) -> Vec<String> {
        let mut dropped = Vec::new();
        self.keys.retain(|key| {
            let keep = key.published_at(now);
            if !keep {
                dropped.push(key.key.kid().to_owned());
            }
            keep
        });
        dropped
    }
}
