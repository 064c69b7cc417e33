//! Why a DPoP proof was refused, and the RFC 9449 error each reason is sent as. The messages
//! name what was wrong with the proof, never a value from it.

use crate::error::{ErrorCode, OAuthError};

/// A DPoP proof that does not hold (RFC 9449 §4.3), or a server nonce it lacks (§8).
///
/// ```
/// use oauth2_provider::dpop::DpopError;
/// use oauth2_provider::error::ErrorCode;
///
/// assert_eq!(DpopError::Replayed.to_oauth_error().code(), ErrorCode::InvalidDpopProof);
/// assert_eq!(DpopError::NonceRequired.to_oauth_error().code(), ErrorCode::UseDpopNonce);
/// assert_eq!(DpopError::Replayed.to_string(), "the DPoP proof was already used");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DpopError {
    /// More than one `DPoP` header (§4.3 step 1).
    #[error("more than one DPoP header")]
    MultipleProofs,
    /// No proof where one is needed: a client registered with `dpop_bound_access_tokens`, a
    /// bound code or refresh token, a resource request with the `DPoP` scheme.
    #[error("a DPoP proof is required")]
    Missing,
    /// Not a compact JWS with a JSON header and claims, or a claim of the wrong type (§4.3
    /// steps 2 and 3).
    #[error("the DPoP proof is malformed")]
    Malformed,
    /// `typ` is not `dpop+jwt` (step 4).
    #[error("the DPoP proof is not of type dpop+jwt")]
    WrongType,
    /// `alg` is not an allowed asymmetric algorithm (step 5): never `none`, never a MAC.
    #[error("the DPoP proof's algorithm is not allowed")]
    AlgorithmNotAllowed,
    /// No `jwk`, a `jwk` with private members, or one that is not a key for `alg` (steps 6, 7).
    #[error("the DPoP proof's key is missing, private or unsuitable")]
    InvalidKey,
    /// The signature does not verify with the embedded key (step 6).
    #[error("the DPoP proof's signature is invalid")]
    InvalidSignature,
    /// `htm` is not the request's method (step 8).
    #[error("the DPoP proof is for another HTTP method")]
    WrongMethod,
    /// `htu` is not the request's URI (step 9).
    #[error("the DPoP proof is for another URI")]
    WrongUri,
    /// `iat` is outside the accepted window (step 11).
    #[error("the DPoP proof is too old or issued in the future")]
    Stale,
    /// The `jti` was seen before within the window (§11.1).
    #[error("the DPoP proof was already used")]
    Replayed,
    /// The server requires a nonce and the proof carries none, or a stale one (§8): sent as
    /// `use_dpop_nonce` with a fresh `DPoP-Nonce`.
    #[error("the DPoP proof must carry the server's current nonce")]
    NonceRequired,
    /// At a resource: `ath` is missing or not the hash of the access token (§7.1, step 12).
    #[error("the DPoP proof is not bound to this access token")]
    WrongTokenHash,
    /// The proof's key is not the key the code, refresh token or access token is bound to.
    #[error("the DPoP proof is signed with another key")]
    WrongKey,
    /// DPoP cannot be checked here: the provider has no issuer to build the request URI from.
    #[error("DPoP is not available at this server")]
    Unavailable,
}

impl DpopError {
    /// The error to send: `use_dpop_nonce` for [`NonceRequired`](DpopError::NonceRequired),
    /// `invalid_dpop_proof` for every other reason.
    pub fn to_oauth_error(self) -> OAuthError {
        let code = match self {
            DpopError::NonceRequired => ErrorCode::UseDpopNonce,
            _ => ErrorCode::InvalidDpopProof,
        };
        // The messages above are fixed and within RFC 6749 §5.2's character set.
        OAuthError::with_description(code, self.to_string())
    }
}

impl From<DpopError> for OAuthError {
    fn from(error: DpopError) -> Self {
        error.to_oauth_error()
    }
}
