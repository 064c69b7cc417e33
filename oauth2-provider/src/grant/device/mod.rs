//! The device authorization grant (RFC 8628): a device without a browser asks for a code pair
//! at the device authorization endpoint (`start.rs`), shows the user code, and polls the token
//! endpoint (`poll.rs`) while the user enters the code on the application's own page, signs
//! in and approves or denies (`verify.rs`: [`Server::device_verification`],
//! [`Server::approve_device`], [`Server::deny_device`]).
//!
//! The pending authorization is a record of the provider's
//! [`state_store`](crate::Provider::state_store) under the SHA-256 of the device code, with a
//! second record under the normalised user code pointing to it (`record.rs`). Every
//! transition is a [`swap_state`](crate::store::StateStore::swap_state) against the version
//! read, and the exchange a [`take_state`](crate::store::StateStore::take_state): of concurrent
//! polls, approvals and denials exactly one wins each step, and tokens are issued once.
//!
//! [`Server::device_verification`]: crate::Server::device_verification
//! [`Server::approve_device`]: crate::Server::approve_device
//! [`Server::deny_device`]: crate::Server::deny_device

mod code;
pub(crate) mod poll;
mod record;
pub(crate) mod start;
mod verify;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use code::{format_user_code, normalize_user_code};
pub use verify::DeviceRequest;

use crate::config::Config;
use crate::limit::{Budget, Rate};

/// The device grant's settings ([`Config::device`](crate::Config::device)).
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::grant::DeviceFlow;
/// use oauth2_provider::limit::Rate;
///
/// let device = DeviceFlow {
///     lifetime: Duration::from_secs(300),
///     verification_uri: Some("https://example.com/activate".into()),
///     ..DeviceFlow::default()
/// }
/// .with_user_code_rate(Rate::per_minute(5, 5));
/// assert_eq!(device.interval, Duration::from_secs(5));
/// ```
#[derive(Clone)]
pub struct DeviceFlow {
    /// How long a device code and its user code live (`expires_in`). Default: 600 s.
    pub lifetime: Duration,
    /// The polling interval first given to the device (`interval`), to the second; each
    /// `slow_down` adds 5 s to it for the rest of the flow (§3.5). Default: 5 s.
    pub interval: Duration,
    /// The application's user-code page (`verification_uri`, §3.2). Default `None`: the
    /// issuer followed by [`Paths::device_verification`](crate::config::Paths::device_verification).
    /// `verification_uri_complete` is this URI with `?user_code=XXXX-XXXX`.
    pub verification_uri: Option<String>,
    /// The user-code guess budget per source address (§5.1); every
    /// [`device_verification`](crate::Server::device_verification) takes one, success or not,
    /// and so does an approval or denial naming an unknown code. Default: 10 a minute, 10 at
    /// once.
    pub user_code_guesses: Arc<Budget>,
}

impl DeviceFlow {
    /// The same settings with a new user-code guess budget at `rate`.
    ///
    /// ```
    /// use oauth2_provider::grant::DeviceFlow;
    /// use oauth2_provider::limit::Rate;
    /// let device = DeviceFlow::default().with_user_code_rate(Rate::per_minute(1, 1));
    /// assert_eq!(device.user_code_guesses.rate(), Rate::per_minute(1, 1));
    /// ```
    pub fn with_user_code_rate(mut self, rate: Rate) -> Self {
        self.user_code_guesses = Arc::new(Budget::new(rate));
        self
    }

    /// The `verification_uri`: the configured one, or the issuer's page; `None` when there is
    /// neither.
    pub(crate) fn verification_uri_for(&self, config: &Config) -> Option<String> {
        if let Some(uri) = &self.verification_uri {
            return Some(uri.clone());
        }
        let issuer = config.issuer.as_deref()?.trim_end_matches('/');
        Some(format!("{issuer}{}", config.paths.device_verification))
    }
}

impl Default for DeviceFlow {
    fn default() -> Self {
        DeviceFlow {
            lifetime: Duration::from_secs(600),
            interval: Duration::from_secs(5),
            verification_uri: None,
            user_code_guesses: Arc::new(Budget::new(Rate::per_minute(10, 10))),
        }
    }
}

impl fmt::Debug for DeviceFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceFlow")
            .field("lifetime", &self.lifetime)
            .field("interval", &self.interval)
            .field("verification_uri", &self.verification_uri)
            .field("user_code_guesses", &self.user_code_guesses)
            .finish()
    }
}

/// The state store of a provider serving the device grant: `None` unless it lists the grant,
/// has it switched on, and has a state store.
pub(crate) fn served<P: crate::Provider>(provider: &P) -> Option<crate::store::StateRef<'_>> {
    if !super::is_on(provider, super::GrantType::DeviceCode) {
        return None;
    }
    provider.state_store()
}
