//! Throttling guesses (RFC 6819 §5.1.4.2.3, OWASP Authentication cheat sheet): every check of a
//! password or a slow-hashed client secret first takes one attempt from the account's budget
//! and the source's, so an attacker gets a fixed number of guesses a minute however many
//! connections they open, and the refusal (429, `Retry-After`) comes before the hash is run.
//!
//! Attempts are counted before the check, success or not: parallel guesses cannot outrun the
//! count, and a right password answers no faster than a wrong one. The counts live in this
//! process ([`governor`]'s keyed GCRA limiters over hashed keys, pruned as they refill, so their
//! memory is bounded by the attempt rate, not by how many names were tried); many nodes each
//! count on their own, or the [`Provider::throttle`](crate::Provider::throttle) hook replaces
//! the counting with a shared one.
//!
//! ```
//! use std::net::{IpAddr, Ipv4Addr};
//! use oauth2_provider::limit::{Attempt, Limits};
//!
//! let limits = Limits::default();
//! let source = Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7)));
//! for _ in 0..10 {
//!     assert!(limits.admit(&Attempt::owner_password("alice", source)).is_ok());
//! }
//! let refused = limits.admit(&Attempt::owner_password("alice", source)).unwrap_err();
//! assert!(refused.retry_after().as_secs() >= 1);
//! // Another account from another source is not affected.
//! assert!(limits.admit(&Attempt::owner_password("bob", None)).is_ok());
//! ```

use std::fmt;
use std::hash::{BuildHasher, Hash, RandomState};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::OAuthError;

/// What a guess is a guess at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target<'a> {
    /// A client secret checked with a slow hash (argon2), or an unknown client's.
    ClientSecret {
        /// The `client_id` presented.
        client_id: &'a str,
    },
    /// A resource owner's password: the password grant, a sign-in page.
    OwnerPassword {
        /// The username presented.
        username: &'a str,
    },
}

/// One guess about to be checked: at what, and from where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt<'a> {
    /// What is being guessed.
    pub target: Target<'a>,
    /// The address the request came from, when the adapter or the application knows it (see
    /// [`RemoteAddr`](crate::endpoint::RemoteAddr)).
    pub source: Option<IpAddr>,
}

impl<'a> Attempt<'a> {
    /// A check of `client_id`'s secret from `source`.
    pub fn client_secret(client_id: &'a str, source: Option<IpAddr>) -> Self {
        Attempt {
            target: Target::ClientSecret { client_id },
            source,
        }
    }

    /// A check of `username`'s password from `source`.
    pub fn owner_password(username: &'a str, source: Option<IpAddr>) -> Self {
        Attempt {
            target: Target::OwnerPassword { username },
            source,
        }
    }
}

/// A guess refused: over the account's or the source's budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many attempts; retry after {} s", retry_after.as_secs())]
pub struct Throttled {
    retry_after: Duration,
}

impl Throttled {
    /// When the next attempt would be admitted (at least a second).
    pub fn retry_after(&self) -> Duration {
        self.retry_after
    }
}

impl From<Throttled> for OAuthError {
    /// `429` with `Retry-After`: `temporarily_unavailable` is what RFC 6749 has for "not now".
    fn from(throttled: Throttled) -> Self {
        OAuthError::throttled(throttled.retry_after)
    }
}

/// How many attempts a minute, with how large a burst.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    per_minute: NonZeroU32,
    burst: NonZeroU32,
}

impl Rate {
    /// `per_minute` attempts a minute, up to `burst` at once (each at least one).
    pub fn per_minute(per_minute: u32, burst: u32) -> Self {
        Rate {
            per_minute: NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN),
            burst: NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN),
        }
    }

    fn quota(self) -> Quota {
        Quota::per_minute(self.per_minute).allow_burst(self.burst)
    }
}

/// One keyed budget: `rate` attempts per key, counted in this process by a [`governor`] GCRA
/// limiter over hashed keys, pruned as the buckets refill, so its memory follows the attempt
/// rate, not how many keys were tried. [`Limits`] is three of them; an application can pace
/// anything else with its own.
///
/// ```
/// use oauth2_provider::limit::{Budget, Rate};
///
/// let pages = Budget::new(Rate::per_minute(60, 2));
/// assert!(pages.take("203.0.113.7").is_ok());
/// assert!(pages.take("203.0.113.7").is_ok());
/// assert!(pages.take("203.0.113.7").is_err());
/// assert!(pages.take("198.51.100.1").is_ok());
/// ```
pub struct Budget {
    rate: Rate,
    limiter: DefaultKeyedRateLimiter<u64>,
    /// Keys are hashed with a per-process random key: an attacker cannot aim names at one
    /// bucket, and no name is kept.
    hasher: RandomState,
    takes: AtomicU64,
}

/// How often a budget drops the keys whose buckets have refilled.
const PRUNE_EVERY: u64 = 4096;

impl Budget {
    /// `rate` attempts per key.
    pub fn new(rate: Rate) -> Self {
        Budget {
            rate,
            limiter: RateLimiter::keyed(rate.quota()),
            hasher: RandomState::new(),
            takes: AtomicU64::new(0),
        }
    }

    /// The rate it was made with.
    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// Takes one attempt from `key`'s bucket; [`Throttled`] with the real wait (at least a
    /// second) when it is empty.
    pub fn take(&self, key: &(impl Hash + ?Sized)) -> Result<(), Throttled> {
        if self.takes.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&self.hasher.hash_one(key))
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Throttled {
                    retry_after: wait.max(Duration::from_secs(1)),
                }
            })
    }
}

impl fmt::Debug for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Budget").field(&self.rate).finish()
    }
}

/// The in-process budgets: per client id and per username for what is guessed, per source for
/// whoever guesses. Clones share the counts.
#[derive(Clone)]
pub struct Limits {
    inner: Option<Arc<Budgets>>,
}

struct Budgets {
    per_client: Budget,
    per_account: Budget,
    per_source: Budget,
}

impl Limits {
    /// Budgets per client id (slow-hashed secrets only), per username, and per source.
    pub fn new(per_client: Rate, per_account: Rate, per_source: Rate) -> Self {
        Limits {
            inner: Some(Arc::new(Budgets {
                per_client: Budget::new(per_client),
                per_account: Budget::new(per_account),
                per_source: Budget::new(per_source),
            })),
        }
    }

    /// No budget at all: for a provider whose [`throttle`](crate::Provider::throttle) hook
    /// counts elsewhere, or for tests.
    pub fn unlimited() -> Self {
        Limits { inner: None }
    }

    /// Takes one attempt from the budgets `attempt` draws on; [`Throttled`] if any is spent.
    pub fn admit(&self, attempt: &Attempt<'_>) -> Result<(), Throttled> {
        let Some(budgets) = &self.inner else {
            return Ok(());
        };
        match attempt.target {
            Target::ClientSecret { client_id } => budgets.per_client.take(client_id)?,
            Target::OwnerPassword { username } => budgets.per_account.take(username)?,
        }
        if let Some(source) = attempt.source {
            budgets.per_source.take(&source)?;
        }
        Ok(())
    }
}

impl Default for Limits {
    /// Per client id: 60 slow secret checks a minute, 60 at once. Per username: 10 password
    /// checks a minute, 10 at once. Per source address: 60 a minute, 60 at once.
    fn default() -> Self {
        Limits::new(
            Rate::per_minute(60, 60),
            Rate::per_minute(10, 10),
            Rate::per_minute(60, 60),
        )
    }
}

impl fmt::Debug for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            None => f.write_str("Limits(unlimited)"),
            Some(b) => f
                .debug_struct("Limits")
                .field("per_client", &b.per_client.rate)
                .field("per_account", &b.per_account.rate)
                .field("per_source", &b.per_source.rate)
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::V4(Ipv4Addr::new(198, 51, 100, last)))
    }

    #[test]
    fn an_account_gets_its_burst_then_is_refused_from_any_source() {
        let limits = Limits::new(
            Rate::per_minute(60, 60),
            Rate::per_minute(3, 3),
            Rate::per_minute(600, 600),
        );
        for n in 0..3 {
            assert!(
                limits
                    .admit(&Attempt::owner_password("alice", ip(n)))
                    .is_ok()
            );
        }
        // A fourth guess, from yet another address: the account's budget is spent.
        let refused = limits.admit(&Attempt::owner_password("alice", ip(9)));
        assert!(refused.is_err_and(|t| t.retry_after() >= Duration::from_secs(1)));
        assert!(limits.admit(&Attempt::owner_password("bob", ip(9))).is_ok());
    }

    #[test]
    fn a_source_gets_its_burst_whatever_it_guesses_at() {
        let limits = Limits::new(
            Rate::per_minute(600, 600),
            Rate::per_minute(600, 600),
            Rate::per_minute(2, 2),
        );
        assert!(limits.admit(&Attempt::owner_password("a", ip(1))).is_ok());
        assert!(limits.admit(&Attempt::client_secret("app", ip(1))).is_ok());
        assert!(limits.admit(&Attempt::owner_password("c", ip(1))).is_err());
        assert!(limits.admit(&Attempt::owner_password("c", ip(2))).is_ok());
    }

    #[test]
    fn unlimited_admits_everything() {
        let limits = Limits::unlimited();
        for _ in 0..1000 {
            assert!(
                limits
                    .admit(&Attempt::owner_password("alice", ip(1)))
                    .is_ok()
            );
        }
    }

    #[test]
    fn memory_follows_the_attempt_rate_not_the_names_tried() {
        let limits = Limits::new(
            Rate::per_minute(60_000, 1),
            Rate::per_minute(60_000, 1),
            Rate::per_minute(60_000, 1),
        );
        // A flood of distinct names, each refilled a millisecond later.
        for n in 0..20_000u32 {
            let _ = limits.admit(&Attempt::owner_password(&n.to_string(), None));
        }
        std::thread::sleep(Duration::from_millis(20));
        for n in 0..PRUNE_EVERY as u32 {
            let _ = limits.admit(&Attempt::owner_password(&format!("x{n}"), None));
        }
        let budgets = limits.inner.as_ref().unwrap();
        assert!(
            budgets.per_account.limiter.len() < 20_000,
            "{}",
            budgets.per_account.limiter.len()
        );
    }
}
