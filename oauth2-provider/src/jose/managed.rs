//! A key with its schedule, and its stored form.

use std::time::SystemTime;

use zeroize::Zeroizing;

use super::{KeyEncryptionKey, KeyError, SigningKey};
use crate::store::StoredKey;

/// A [`SigningKey`] with its schedule in a [`KeySet`](super::KeySet).
///
/// A key is *published* (in the JWKS, and verifying) from when it is added until
/// `retain_until`, and *signs* from `activates_at` until `retired_at`. A key is published
/// before it signs, so verifiers that cache the JWKS have it before they meet a token of it,
/// and stays published after it stops signing, so the tokens it signed still verify.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use oauth2_provider::jose::{Algorithm, ManagedKey, SigningKey};
///
/// let now = SystemTime::now();
/// let key = ManagedKey::new(SigningKey::generate(Algorithm::ES256).unwrap(), now, now);
/// assert!(key.signs_at(now));
/// assert!(key.published_at(now + Duration::from_secs(86_400 * 365)));
/// ```
#[derive(Clone, Debug)]
pub struct ManagedKey {
    pub(super) key: SigningKey,
    pub(super) created_at: SystemTime,
    pub(super) activates_at: SystemTime,
    pub(super) retired_at: Option<SystemTime>,
    pub(super) retain_until: Option<SystemTime>,
}

impl ManagedKey {
    /// `key`, made at `created_at`, signing from `activates_at` on, never retired.
    pub fn new(key: SigningKey, created_at: SystemTime, activates_at: SystemTime) -> Self {
        ManagedKey {
            key,
            created_at,
            activates_at,
            retired_at: None,
            retain_until: None,
        }
    }

    /// The key.
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// When the key was made.
    pub fn created_at(&self) -> SystemTime {
        self.created_at
    }

    /// When the key starts signing.
    pub fn activates_at(&self) -> SystemTime {
        self.activates_at
    }

    /// When the key stops signing; `None` while no successor has been scheduled.
    pub fn retired_at(&self) -> Option<SystemTime> {
        self.retired_at
    }

    /// When the key leaves the JWKS, stops verifying and may be pruned: `retired_at` plus the
    /// retention of the rotation that retired it.
    pub fn retain_until(&self) -> Option<SystemTime> {
        self.retain_until
    }

    /// Whether the key signs at `now`: activated, not retired.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use oauth2_provider::jose::{Algorithm, ManagedKey, SigningKey};
    /// let now = SystemTime::now();
    /// let later = now + Duration::from_secs(3600);
    /// let key = ManagedKey::new(SigningKey::generate(Algorithm::ES256).unwrap(), now, later);
    /// assert!(!key.signs_at(now) && key.signs_at(later));
    /// ```
    pub fn signs_at(&self, now: SystemTime) -> bool {
        self.activates_at <= now && self.retired_at.is_none_or(|retired| now < retired)
    }

    /// Whether the key is in the JWKS and verifies at `now`: not past `retain_until`.
    pub fn published_at(&self, now: SystemTime) -> bool {
        self.retain_until.is_none_or(|until| now < until)
    }

    /// Retires the key at `at` (unless it already retires earlier), keeping it published for
    /// `retention` after.
    pub(super) fn retire(&mut self, at: SystemTime, retention: std::time::Duration) {
        if self.retired_at.is_none_or(|retired| at < retired) {
            self.retired_at = Some(at);
            self.retain_until = Some(at + retention);
        }
    }

    /// The stored form: the schedule, and the PKCS#8 document, sealed under `kek` when one is
    /// given (and then bound to this `kid` and `alg`).
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use oauth2_provider::jose::{Algorithm, KeyEncryptionKey, ManagedKey, SigningKey};
    /// let now = SystemTime::now();
    /// let key = ManagedKey::new(SigningKey::generate(Algorithm::ES256).unwrap(), now, now);
    /// let kek = KeyEncryptionKey::new(&[1; 32]).unwrap();
    ///
    /// let stored = key.to_stored(Some(&kek)).unwrap();
    /// assert!(stored.encrypted);
    /// let back = ManagedKey::from_stored(&stored, Some(&kek)).unwrap();
    /// assert_eq!(back.key().kid(), key.key().kid());
    /// ```
    pub fn to_stored(&self, kek: Option<&KeyEncryptionKey>) -> Result<StoredKey, KeyError> {
        let pkcs8 = self.key.to_pkcs8_der();
        let (encrypted, private_key) = match kek {
            Some(kek) => (true, kek.seal(self.key.kid(), self.key.alg(), &pkcs8)?),
            None => (false, pkcs8),
        };
        Ok(StoredKey {
            kid: self.key.kid().to_owned(),
            alg: self.key.alg(),
            created_at: self.created_at,
            activates_at: self.activates_at,
            retired_at: self.retired_at,
            retain_until: self.retain_until,
            encrypted,
            private_key,
        })
    }

    /// The key `stored` holds, opened with `kek`. With a `kek` only sealed keys are accepted
    /// ([`KeyError::NotEncrypted`]), so whoever writes to the store cannot plant a key; without
    /// one, only unsealed keys ([`KeyError::Encrypted`]). Fails too if the key does not open
    /// ([`KeyError::Decrypt`]) or its `kid` is not its thumbprint ([`KeyError::KidMismatch`]).
    pub fn from_stored(
        stored: &StoredKey,
        kek: Option<&KeyEncryptionKey>,
    ) -> Result<Self, KeyError> {
        let opened: Zeroizing<Vec<u8>>;
        let pkcs8: &[u8] = match (stored.encrypted, kek) {
            (false, None) => &stored.private_key,
            (false, Some(_)) => return Err(KeyError::NotEncrypted),
            (true, None) => return Err(KeyError::Encrypted),
            (true, Some(kek)) => {
                opened = kek.open(&stored.kid, stored.alg, &stored.private_key)?;
                &opened
            }
        };
        let key = SigningKey::from_pkcs8_der(stored.alg, pkcs8)?;
        if key.kid() != stored.kid {
            return Err(KeyError::KidMismatch);
        }
        Ok(ManagedKey {
            key,
            created_at: stored.created_at,
            activates_at: stored.activates_at,
            retired_at: stored.retired_at,
            retain_until: stored.retain_until,
        })
    }
}
