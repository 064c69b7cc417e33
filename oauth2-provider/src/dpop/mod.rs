//! DPoP, sender-constrained tokens (RFC 9449; feature `jwt`).
//!
//! | RFC 9449 | what | where |
//! |---|---|---|
//! | §4.3 | checking a proof: one `DPoP` header, `typ`, an asymmetric `alg`, a public `jwk`, the signature, `htm`, `htu`, `iat` | [`proof_header`], [`verify_proof`] |
//! | §4.3, §11.1 | `jti` replay, through [`TokenStore::remember_once`](crate::store::TokenStore::remember_once) | the token endpoint, [`Server::bearer_request`](crate::Server::bearer_request) |
//! | §5, §6.1 | `token_type: DPoP`, the access token bound by `cnf.jkt`; public clients' refresh tokens too | the token endpoint |
//! | §5.2 | `dpop_bound_access_tokens` | [`OAuthClient::dpop_bound_access_tokens`](crate::model::OAuthClient::dpop_bound_access_tokens) |
//! | §6.2 | `cnf` in introspection and RFC 9068 access tokens | the introspection endpoint |
//! | §7 | `Authorization: DPoP`, `ath`, the `DPoP` challenge | [`Server::bearer_request`](crate::Server::bearer_request) |
//! | §8 | server nonces, stateless | [`Nonces`], [`Dpop::with_nonces`] |
//! | §10 | `dpop_jkt` binds the authorization code | the authorization endpoint |
//! | §5.1 | `dpop_signing_alg_values_supported` | the metadata |
//! | 7638 | the JWK thumbprint | [`jwk_thumbprint`] |
//!
//! The request URI a proof's `htu` must name is built from the configuration (the issuer and
//! [`Paths`](crate::config::Paths) at the token endpoint; see
//! [`Requirements::served_at`](crate::resource::Requirements::served_at) at a resource), never
//! from the `Host` header. DPoP needs [`Config::issuer`](crate::config::Config::issuer): without
//! it, a proof is refused.
//!
//! ```
//! use std::time::Duration;
//! use oauth2_provider::config::Config;
//! use oauth2_provider::dpop::{Dpop, Nonces};
//! use oauth2_provider::jose::Algorithm;
//!
//! let secret = [42u8; 32]; // from the configuration, the same on every node
//! let config = Config::builder()
//!     .issuer("https://auth.example.com")
//!     .dpop(Dpop::new()
//!         .with_algorithms(&[Algorithm::ES256, Algorithm::EdDSA])
//!         .with_nonces(Nonces::new(&secret, Duration::from_secs(300)).unwrap()))
//!     .build();
//! assert_eq!(config.dpop.algorithms(), [Algorithm::ES256, Algorithm::EdDSA]);
//! ```

mod error;
mod htu;
mod nonce;
mod proof;
pub(crate) mod resource;
pub(crate) mod token;

use std::time::Duration;

pub use error::DpopError;
pub use htu::normalize_htu;
pub use nonce::Nonces;
pub use proof::{DPOP, Proof, Target, jwk_thumbprint, proof_header, verify_proof};

use crate::jose::Algorithm;

/// The `DPoP-Nonce` response header (RFC 9449 §8.1).
pub const DPOP_NONCE: &str = "dpop-nonce";

/// How DPoP proofs are checked: the algorithms allowed, how old and how far ahead `iat` may
/// be, and whether the token endpoint requires server nonces.
///
/// The default: `ES256`, `EdDSA`, `PS256` and `RS256`; a proof at most 60 s old and at most
/// 15 s ahead of the clock; no nonces.
///
/// ```
/// use std::time::Duration;
/// use oauth2_provider::dpop::Dpop;
/// use oauth2_provider::jose::Algorithm;
///
/// let dpop = Dpop::new().with_max_age(Duration::from_secs(30)).with_leeway(Duration::from_secs(5));
/// assert_eq!(dpop.max_age(), Duration::from_secs(30));
/// assert!(dpop.nonces().is_none());
/// assert_eq!(Dpop::default().algorithms().len(), 4);
/// ```
#[derive(Clone, Debug)]
pub struct Dpop {
    algorithms: Vec<Algorithm>,
    max_age: Duration,
    leeway: Duration,
    nonces: Option<Nonces>,
}

impl Default for Dpop {
    fn default() -> Self {
        Dpop {
            algorithms: vec![
                Algorithm::ES256,
                Algorithm::EdDSA,
                Algorithm::PS256,
                Algorithm::RS256,
            ],
            max_age: Duration::from_secs(60),
            leeway: Duration::from_secs(15),
            nonces: None,
        }
    }
}

impl Dpop {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only proofs signed with one of `algorithms` (asymmetric by construction:
    /// [`Algorithm`] has neither `none` nor a MAC). Empty refuses every proof.
    pub fn with_algorithms(mut self, algorithms: &[Algorithm]) -> Self {
        self.algorithms = algorithms.to_vec();
        self
    }

    /// A proof's `iat` may be at most `max_age` in the past.
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// A proof's `iat` may be at most `leeway` ahead of the clock.
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// The token endpoint requires a nonce of `nonces` in every proof (RFC 9449 §8).
    pub fn with_nonces(mut self, nonces: Nonces) -> Self {
        self.nonces = Some(nonces);
        self
    }

    /// The allowed algorithms, in the order metadata lists them.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// The nonces the token endpoint requires, if it does.
    pub fn nonces(&self) -> Option<&Nonces> {
        self.nonces.as_ref()
    }

    /// How old a proof's `iat` may be.
    pub fn max_age(&self) -> Duration {
        self.max_age
    }

    /// How far ahead of the clock a proof's `iat` may be.
    pub fn leeway(&self) -> Duration {
        self.leeway
    }

    /// How long a proof `jti` is remembered: every `iat` still accepted.
    pub(crate) fn replay_window(&self) -> Duration {
        self.max_age.saturating_add(self.leeway)
    }

    /// The `algs` of a `DPoP` challenge: the allowed algorithms, space-separated.
    pub(crate) fn algs(&self) -> String {
        let names: Vec<&str> = self.algorithms.iter().map(|a| a.as_str()).collect();
        names.join(" ")
    }
}
