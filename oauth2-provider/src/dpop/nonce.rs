//! Server-provided DPoP nonces (RFC 9449 §8), stateless: the nonce of a time bucket is the
//! HMAC-SHA256 (aws-lc-rs) of the bucket's number under a secret every node shares, so any
//! node issues and accepts the same nonces with nothing stored.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::secret::ct_eq;

/// What a nonce is: the current bucket's, the previous bucket's (still accepted, a fresh one
/// is sent back), or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Freshness {
    Current,
    Previous,
    Stale,
}

/// The secret and period of stateless nonces. A nonce is valid for the bucket it was issued
/// in and the next one: between one and two periods. `Debug` never shows the secret.
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::dpop::Nonces;
///
/// // 32 bytes or more, the same on every node (from the configuration, never the code).
/// let nonces = Nonces::new(&[7u8; 32], Duration::from_secs(300)).unwrap();
/// let nonce = nonces.current();
/// assert!(nonces.accepts(&nonce));
/// assert!(!nonces.accepts("made-up"));
/// assert!(Nonces::new(b"short", Duration::from_secs(300)).is_none());
/// ```
#[derive(Clone)]
pub struct Nonces {
    key: hmac::Key,
    period: Duration,
}

impl Nonces {
    /// Nonces under `secret` (at least 32 bytes) that rotate every `period` (at least a
    /// second); `None` when either is shorter.
    pub fn new(secret: &[u8], period: Duration) -> Option<Self> {
        if secret.len() < 32 || period < Duration::from_secs(1) {
            return None;
        }
        Some(Nonces {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
            period,
        })
    }

    /// The nonce to send now.
    pub fn current(&self) -> String {
        self.at(SystemTime::now())
    }

    /// `true` when `nonce` is this period's or the previous one's.
    pub fn accepts(&self, nonce: &str) -> bool {
        self.freshness(nonce, SystemTime::now()) != Freshness::Stale
    }

    /// The nonce of the bucket `now` falls in.
    pub(crate) fn at(&self, now: SystemTime) -> String {
        self.of_bucket(self.bucket(now))
    }

    pub(crate) fn freshness(&self, nonce: &str, now: SystemTime) -> Freshness {
        let bucket = self.bucket(now);
        if ct_eq(nonce, &self.of_bucket(bucket)) {
            Freshness::Current
        } else if ct_eq(nonce, &self.of_bucket(bucket.saturating_sub(1))) {
            Freshness::Previous
        } else {
            Freshness::Stale
        }
    }

    fn bucket(&self, now: SystemTime) -> u64 {
        let secs = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        secs / self.period.as_secs().max(1)
    }

    fn of_bucket(&self, bucket: u64) -> String {
        let mut message = b"oauth2-provider DPoP nonce\0".to_vec();
        message.extend_from_slice(&bucket.to_be_bytes());
        URL_SAFE_NO_PAD.encode(hmac::sign(&self.key, &message))
    }
}

impl fmt::Debug for Nonces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Nonces")
            .field("period", &self.period)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::{Freshness, Nonces};
    use std::time::{Duration, SystemTime};

    #[test]
    fn a_nonce_lives_one_to_two_periods_and_is_the_same_on_every_node() {
        let period = Duration::from_secs(60);
        let a = Nonces::new(&[1; 32], period).unwrap();
        let b = Nonces::new(&[1; 32], period).unwrap();
        let other = Nonces::new(&[2; 32], period).unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(6_000);
        let nonce = a.at(now);
        assert_eq!(b.freshness(&nonce, now), Freshness::Current);
        assert_eq!(other.freshness(&nonce, now), Freshness::Stale);
        assert_eq!(a.freshness(&nonce, now + period), Freshness::Previous);
        assert_eq!(a.freshness(&nonce, now + period * 2), Freshness::Stale);
        assert!(!format!("{a:?}").contains("[1"));
    }
}
