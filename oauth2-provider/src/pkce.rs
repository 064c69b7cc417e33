//! Proof Key for Code Exchange (RFC 7636).
//!
//! ```
//! use oauth2_provider::pkce::{ChallengeMethod, PkceChallenge};
//!
//! // RFC 7636 Appendix B.
//! let challenge = PkceChallenge::new(
//!     ChallengeMethod::S256,
//!     "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
//! ).unwrap();
//! assert!(challenge.verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
//! assert!(!challenge.verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl"));
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::OAuthError;
use crate::secret::ct_eq;

/// `code_challenge_method` (RFC 7636 §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChallengeMethod {
    /// `S256`: the challenge is base64url(SHA-256(verifier)).
    S256,
    /// `plain`: the challenge is the verifier. Refused unless the provider allows it.
    Plain,
}

impl ChallengeMethod {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeMethod::S256 => "S256",
            ChallengeMethod::Plain => "plain",
        }
    }

    /// The method named `s`, exactly as RFC 7636 spells it.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "S256" => Some(ChallengeMethod::S256),
            "plain" => Some(ChallengeMethod::Plain),
            _ => None,
        }
    }
}

/// A code challenge bound to an authorization code.
///
/// Its `Debug` shows the method only: a `plain` challenge is the verifier itself.
///
/// ```
/// # use oauth2_provider::pkce::{ChallengeMethod, PkceChallenge};
/// let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// let challenge = PkceChallenge::new(ChallengeMethod::Plain, verifier).unwrap();
/// assert!(!format!("{challenge:?}").contains(verifier));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PkceChallenge {
    method: ChallengeMethod,
    challenge: String,
}

impl std::fmt::Debug for PkceChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PkceChallenge")
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

impl PkceChallenge {
    /// A challenge, if `challenge` has the RFC 7636 §4.2 form: 43 to 128 unreserved characters.
    pub fn new(method: ChallengeMethod, challenge: &str) -> Option<Self> {
        is_verifier_syntax(challenge).then(|| PkceChallenge {
            method,
            challenge: challenge.to_owned(),
        })
    }

    /// The challenge of an authorization request (RFC 7636 §4.3, RFC 9700 §2.1.1), from its
    /// `code_challenge` and `code_challenge_method`: public clients (`confidential == false`)
    /// must send one; the method is `S256` unless `config` allows `plain`; an absent method
    /// means `plain`. `None` when a confidential client sent none and none is required.
    pub(crate) fn from_request(
        challenge: Option<&str>,
        method: Option<&str>,
        confidential: bool,
        config: &Config,
    ) -> Result<Option<Self>, OAuthError> {
        let Some(challenge) = challenge else {
            if method.is_some() {
                return Err(OAuthError::invalid_request(
                    "code_challenge_method was sent without code_challenge",
                ));
            }
            if !confidential || config.require_pkce_for_confidential {
                return Err(OAuthError::invalid_request(
                    "a code_challenge is required (PKCE)",
                ));
            }
            return Ok(None);
        };
        let method = match method.map(ChallengeMethod::from_name) {
            None => ChallengeMethod::Plain,
            Some(Some(method)) => method,
            Some(None) => {
                return Err(OAuthError::invalid_request(
                    "the code_challenge_method is not supported",
                ));
            }
        };
        if method == ChallengeMethod::Plain && !config.allow_plain_pkce {
            return Err(OAuthError::invalid_request(
                "code_challenge_method must be S256",
            ));
        }
        PkceChallenge::new(method, challenge)
            .map(Some)
            .ok_or(OAuthError::invalid_request(
                "the code_challenge is malformed",
            ))
    }

    /// The method.
    pub fn method(&self) -> ChallengeMethod {
        self.method
    }

    /// The challenge as sent.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }

    /// Checks a `code_verifier` (RFC 7636 §4.6), comparing in constant time.
    pub fn verify(&self, verifier: &str) -> bool {
        if !is_verifier_syntax(verifier) {
            return false;
        }
        match self.method {
            ChallengeMethod::S256 => {
                let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
                ct_eq(&computed, &self.challenge)
            }
            ChallengeMethod::Plain => ct_eq(verifier, &self.challenge),
        }
    }
}

/// `code-verifier = 43*128unreserved` (RFC 7636 §4.1); the challenge has the same form.
pub fn is_verifier_syntax(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}
