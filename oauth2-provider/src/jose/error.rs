//! What can go wrong with keys, and with a token. Each message says what was wrong with the
//! input, never a library's internals: they may reach a log a client can read.

/// A key could not be made, read, sealed or opened.
///
/// ```
/// use oauth2_provider::jose::{Algorithm, KeyError, SigningKey};
///
/// let err = SigningKey::from_pem(Algorithm::ES256, b"not a key").unwrap_err();
/// assert_eq!(err, KeyError::Pem);
/// assert_eq!(err.to_string(), "no unencrypted private key in the PEM text");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The name is not one of [`Algorithm`](super::Algorithm)'s.
    #[error("unsupported signature algorithm")]
    UnsupportedAlgorithm,
    /// No `PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY` block: not PEM, a public key, or
    /// a private key encrypted with a password (decrypt it first: `openssl pkcs8 -nocrypt`).
    #[error("no unencrypted private key in the PEM text")]
    Pem,
    /// The bytes are not a private key of the algorithm's type (an RSA key for `ES256`, a
    /// P-384 key for `ES256`, a corrupt document).
    #[error("not a valid private key for this algorithm")]
    InvalidKey,
    /// An RSA modulus shorter than 2048 bits (RFC 7518 §3.3, FAPI 2.0 §5.4.1).
    #[error("the RSA key is shorter than 2048 bits")]
    WeakKey,
    /// The operating system's random generator or the key generator failed.
    #[error("key generation failed")]
    Generate,
    /// A key-encryption key must be exactly 32 bytes (AES-256).
    #[error("a key-encryption key must be 32 bytes")]
    KeyEncryptionKeyLength,
    /// The stored key is encrypted and no key-encryption key was given.
    #[error("the stored key is encrypted; a key-encryption key is required")]
    Encrypted,
    /// A key-encryption key was given and the stored key is not sealed. Refused: whoever can
    /// write to the store could otherwise plant a key of their own. To seal keys stored
    /// before a key-encryption key was configured, load them without it and save them with it.
    #[error("the stored key is not encrypted; a sealed key is required")]
    NotEncrypted,
    /// Opening a sealed key failed: the wrong key-encryption key, or the stored bytes or the
    /// `kid` and `alg` they are bound to were altered.
    #[error("the stored key does not open with this key-encryption key")]
    Decrypt,
    /// The stored `kid` is not the thumbprint of the stored key.
    #[error("the stored kid does not match the key")]
    KidMismatch,
    /// The key set already holds a key with this `kid`.
    #[error("a key with this kid is already in the set")]
    DuplicateKid,
}

/// A token could not be signed, or does not verify. Every variant but
/// [`Sign`](JwtError::Sign) means "reject the token".
///
/// ```
/// use oauth2_provider::jose::{Expectations, JwtError, KeySet, Algorithm, verify};
///
/// let keys = KeySet::new();
/// let err = verify::<serde_json::Value>("not.a.jwt", &keys, &Expectations::new(&[Algorithm::ES256]))
///     .unwrap_err();
/// assert_eq!(err, JwtError::Malformed);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// Not a compact JWS with a JSON header and a JSON object of claims, or an `alg` that is
    /// no JWA name (such as `none`).
    #[error("the token is malformed")]
    Malformed,
    /// The header has `crit`: this crate understands no extension (RFC 7515 §4.1.11).
    #[error("the token's header has critical extensions")]
    CriticalHeader,
    /// The header's `alg` is not on the verifier's allow-list.
    #[error("the token's algorithm is not allowed")]
    AlgorithmNotAllowed,
    /// The header has no `kid`.
    #[error("the token's header has no kid")]
    MissingKeyId,
    /// No key of the set has the header's `kid`, or no longer (pruned, past its retention).
    #[error("the token's key is unknown")]
    UnknownKey,
    /// The key with this `kid` is for another algorithm than the header's `alg`.
    #[error("the token's algorithm is not its key's")]
    KeyAlgorithmMismatch,
    /// The signature does not verify.
    #[error("the token's signature is invalid")]
    InvalidSignature,
    /// The header's `typ` is not the expected one (RFC 8725 §3.11).
    #[error("the token's type is not the expected one")]
    WrongType,
    /// A claim the verifier requires is absent.
    #[error("the token lacks the required claim `{0}`")]
    MissingClaim(String),
    /// A registered claim has the wrong JSON type (a string `exp`, a numeric `iss`).
    #[error("the token's claim `{0}` is malformed")]
    InvalidClaim(&'static str),
    /// `iss` is not the expected issuer.
    #[error("the token's issuer is not the expected one")]
    WrongIssuer,
    /// `aud` does not contain the expected audience, or names one where none was expected.
    #[error("the token is not meant for this audience")]
    WrongAudience,
    /// `exp` has passed (beyond the leeway).
    #[error("the token has expired")]
    Expired,
    /// `nbf` has not come yet (beyond the leeway).
    #[error("the token is not valid yet")]
    NotYetValid,
    /// The claims are valid but do not fit the caller's claims type.
    #[error("the token's claims do not have the expected shape")]
    Claims,
    /// Signing failed: the claims do not serialize to a JSON object, or the key refused.
    #[error("the token could not be signed")]
    Sign,
}
