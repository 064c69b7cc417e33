//! [`Registration`]: what turns dynamic registration on, who may register, and how often.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use http::HeaderMap;

use crate::endpoint::bearer;
use crate::error::{ErrorCode, OAuthError};
use crate::limit::{Budget, Rate, Throttled};
use crate::secret::{hash_secret, verify_secret};

/// Dynamic client registration's part of the [`Config`](crate::config::Config) (RFC 7591,
/// RFC 7592): open to anyone, or only to holders of an initial access token (§3), and paced
/// by two budgets.
///
/// Registrations are paced per source address (the request's
/// [`RemoteAddr`](crate::endpoint::RemoteAddr), when known) and globally, both counted in this
/// process. The global budget matters as much as the per-source one: hosted clients (claude.ai,
/// ChatGPT) register from shared egress addresses, so many users arrive from one source, and
/// an abuser spreads over many. Raise the per-source rate if such a client is your main
/// audience. Defaults: 20 a minute per source, 10 at once; 300 a minute in all, 60 at once.
///
/// Some clients register anew on every connection. Each registration records
/// `client_id_issued_at`, so an operator can list the dynamic clients
/// ([`ClientStore::list_clients`](crate::store::ClientStore::list_clients), the member in
/// [`ClientRecord::metadata`](crate::model::ClientRecord)) and delete those issued long ago
/// that never obtained a token; the runtime does not purge them by itself yet.
///
/// ```
/// use oauth2_provider::config::Config;
/// use oauth2_provider::limit::Rate;
/// use oauth2_provider::registration::Registration;
///
/// let config = Config::builder()
///     .issuer("https://auth.example.com")
///     .registration(Registration::with_initial_access_token("s3cr3t-iat").rate(
///         Rate::per_minute(60, 20), // per source
///         Rate::per_minute(600, 100), // in all
///     ))
///     .build();
/// assert!(config.registration.unwrap().requires_initial_access_token());
/// ```
#[derive(Clone)]
pub struct Registration {
    /// The hash of the initial access token, when one is required.
    initial_access_token: Option<String>,
    budgets: Arc<Budgets>,
}

struct Budgets {
    per_source: Budget,
    global: Budget,
}

impl Registration {
    /// Anyone may register (what MCP clients expect).
    pub fn open() -> Self {
        Registration {
            initial_access_token: None,
            budgets: budgets(Rate::per_minute(20, 10), Rate::per_minute(300, 60)),
        }
    }

    /// Only a request with `Authorization: Bearer <token>` may register (RFC 7591 §3); the
    /// token is kept as its hash and compared in constant time.
    pub fn with_initial_access_token(token: &str) -> Self {
        Registration {
            initial_access_token: Some(hash_secret(token)),
            ..Registration::open()
        }
    }

    /// With these budgets: `per_source` registrations per source address, `global` in all.
    pub fn rate(mut self, per_source: Rate, global: Rate) -> Self {
        self.budgets = budgets(per_source, global);
        self
    }

    /// `true` when registering takes an initial access token.
    pub fn requires_initial_access_token(&self) -> bool {
        self.initial_access_token.is_some()
    }

    /// Takes one registration from the budgets; the source's first, so one noisy source
    /// cannot spend the global budget alone.
    pub(crate) fn admit(&self, source: Option<IpAddr>) -> Result<(), Throttled> {
        if let Some(source) = source {
            self.budgets.per_source.take(&source)?;
        }
        self.budgets.global.take(&())
    }

    /// Checks the initial access token of a registration request, if one is required.
    pub(crate) fn authorize(&self, headers: &HeaderMap) -> Result<(), OAuthError> {
        let Some(expected) = &self.initial_access_token else {
            return Ok(());
        };
        match bearer::extract(headers) {
            Ok(presented) if verify_secret(expected, presented) => Ok(()),
            _ => Err(OAuthError::new(
                ErrorCode::InvalidToken,
                "a valid initial access token is required",
            )),
        }
    }
}

fn budgets(per_source: Rate, global: Rate) -> Arc<Budgets> {
    Arc::new(Budgets {
        per_source: Budget::new(per_source),
        global: Budget::new(global),
    })
}

impl fmt::Debug for Registration {
    // The token's hash stays out of logs like every secret's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field(
                "initial_access_token",
                &self.requires_initial_access_token(),
            )
            .field("per_source", &self.budgets.per_source.rate())
            .field("global", &self.budgets.global.rate())
            .finish()
    }
}
