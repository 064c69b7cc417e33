//! Tokens, codes and client secrets: generation, hashing at rest, constant-time verification.
//!
//! Tokens and codes are 256 bits from the OS CSPRNG, base64url without padding (43
//! characters). In the codes and tokens of a grant family, 12 of those bits are the family's
//! [`FamilyTag`](crate::model::FamilyTag) (the first two characters, the same for every member,
//! taken from the random grant id), so a store can find a family's slot from a presented token
//! alone: 244 bits of each are its own. Only their SHA-256
//! ([`TokenHash`](crate::model::TokenHash)) reaches a store, so a leaked database leaks no
//! usable token.
//!
//! Client secrets are stored as a string that names its algorithm:
//! - `sha256$<base64url digest>` for generated 256-bit secrets: a slow hash buys nothing against
//!   a 256-bit random value and would cost every token request;
//! - an argon2id PHC string (`$argon2id$...`, feature `argon2`) for human-chosen secrets.
//!
//! ```
//! use oauth2_provider::secret::{generate_token, hash_secret, verify_secret};
//!
//! let secret = generate_token();
//! let stored = hash_secret(&secret);
//! assert!(stored.starts_with("sha256$"));
//! assert!(verify_secret(&stored, &secret));
//! assert!(!verify_secret(&stored, "guess"));
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::model::GrantId;

mod pool;

pub use pool::{Busy, HashPool};

const SHA256_PREFIX: &str = "sha256$";

/// A fresh 256-bit random value, base64url without padding (43 characters).
///
/// # Panics
///
/// If the operating system's random source fails, which leaves nothing safe to issue.
pub fn generate_token() -> String {
    encode_token(&random_bytes())
}

/// A fresh token of the grant family `grant_id`: 244 random bits after the 12 of its
/// [`FamilyTag`](crate::model::FamilyTag), base64url without padding (43 characters, the first
/// two the tag's). What the runtime issues as a code, access or refresh token; for a token of
/// your own that a [`TokenStore`](crate::store::TokenStore) keeps in a grant's family.
///
/// ```
/// use oauth2_provider::model::{GrantId, TokenHash};
/// use oauth2_provider::secret::generate_token_for;
///
/// let grant = GrantId::generate();
/// let token = generate_token_for(grant);
/// assert_eq!(token.len(), 43);
/// assert_eq!(TokenHash::of(&token).family(), Some(grant.family()));
/// ```
///
/// # Panics
///
/// If the operating system's random source fails, as [`generate_token`] does.
pub fn generate_token_for(grant_id: GrantId) -> String {
    encode_in_family(random_bytes(), grant_id)
}

/// A token's wire form: base64url without padding.
pub(crate) fn encode_token(bytes: &[u8; 32]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The wire form of a token of the family `grant_id`: its first 12 bits replaced by the
/// grant id's, which base64url writes as the same first two characters.
pub(crate) fn encode_in_family(mut bytes: [u8; 32], grant_id: GrantId) -> String {
    let [a, b, ..] = *grant_id.as_bytes();
    bytes[0] = a;
    bytes[1] = (b & 0xf0) | (bytes[1] & 0x0f);
    encode_token(&bytes)
}

/// Every random value one response needs, drawn from the OS in a single call: two tokens (an
/// access and a refresh token, or a code; [`encode_in_family`] gives them their grant's tag)
/// and a grant id. Each draw is a system call, which costs
/// more than hashing a token, and a token response would otherwise make two or three of them.
/// Destructure it: each part is then used once.
pub(crate) struct Draw {
    pub tokens: [[u8; 32]; 2],
    pub grant_id: GrantId,
}

impl Draw {
    pub(crate) fn new() -> Self {
        let bytes: [u8; 80] = random_bytes();
        let (tokens, grant_id) = bytes.split_at(64);
        let (first, second) = tokens.split_at(32);
        Draw {
            tokens: [array(first), array(second)],
            grant_id: GrantId::from_bytes(array(grant_id)),
        }
    }
}

pub(crate) fn array<const N: usize>(slice: &[u8]) -> [u8; N] {
    slice.try_into().expect("split at N")
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the OS random number generator failed");
    bytes
}

/// The stored form of a generated secret: `sha256$` and the base64url digest.
pub fn hash_secret(secret: &str) -> String {
    let mut out = String::with_capacity(SHA256_PREFIX.len() + 43);
    out.push_str(SHA256_PREFIX);
    URL_SAFE_NO_PAD.encode_string(Sha256::digest(secret.as_bytes()), &mut out);
    out
}

/// The stored form of a human-chosen secret: an argon2id PHC string with a random salt.
///
/// ```
/// use oauth2_provider::secret::{hash_password, verify_secret};
/// let stored = hash_password("correct horse battery staple");
/// assert!(stored.starts_with("$argon2id$"));
/// assert!(verify_secret(&stored, "correct horse battery staple"));
/// ```
#[cfg(feature = "argon2")]
pub fn hash_password(secret: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt_bytes: [u8; 16] = random_bytes();
    let salt = SaltString::encode_b64(&salt_bytes).expect("16 bytes is a valid salt length");
    timed_argon2(|| {
        argon2::Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .expect("argon2 with default parameters cannot fail on a valid salt")
            .to_string()
    })
}

/// Runs an argon2 computation; the first one that takes far longer than an optimised build
/// would (about 20 ms) logs once how to fix it: an unoptimised argon2 makes a test suite that
/// signs users in take ten times longer.
#[cfg(feature = "argon2")]
fn timed_argon2<T>(run: impl FnOnce() -> T) -> T {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};
    static WARNED: AtomicBool = AtomicBool::new(false);
    let started = Instant::now();
    let result = run();
    let took = started.elapsed();
    if took > Duration::from_millis(250) && !WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            took_ms = took.as_millis() as u64,
            "an argon2 hash took this long, probably in an unoptimised (debug) build; add \
             `[profile.dev.package.argon2] opt-level = 3` and the same for `blake2` to the \
             workspace's Cargo.toml"
        );
    }
    result
}

/// Checks a presented secret against its stored form, in constant time for the sha256 form
/// (argon2's own verification is constant time). An unrecognised stored form never verifies.
pub fn verify_secret(stored: &str, presented: &str) -> bool {
    if let Some(digest) = stored.strip_prefix(SHA256_PREFIX) {
        // Encoded on the stack: this runs on every token request.
        let mut expected = [0u8; 43];
        let written = URL_SAFE_NO_PAD
            .encode_slice(Sha256::digest(presented.as_bytes()), &mut expected)
            .expect("a SHA-256 digest is 43 base64url characters");
        return expected[..written].ct_eq(digest.as_bytes()).into();
    }
    #[cfg(feature = "argon2")]
    if stored.starts_with("$argon2") {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        return PasswordHash::new(stored).is_ok_and(|hash| {
            timed_argon2(|| {
                argon2::Argon2::default()
                    .verify_password(presented.as_bytes(), &hash)
                    .is_ok()
            })
        });
    }
    false
}

/// `true` for a stored form whose check is slow on purpose (argon2): what a [`HashPool`] runs
/// off the executor.
pub(crate) fn is_slow(stored: &str) -> bool {
    stored.starts_with("$argon2")
}

/// A stored secret of the slowest kind this build checks, that no presented secret matches:
/// what an unknown client is checked against, so it costs what a wrong secret costs.
pub(crate) fn dummy_hash() -> &'static str {
    #[cfg(feature = "argon2")]
    {
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        DUMMY.get_or_init(|| hash_password(&generate_token()))
    }
    #[cfg(not(feature = "argon2"))]
    {
        "sha256$47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
    }
}

/// Constant-time equality of two strings (lengths may differ; that leaks only the length).
pub fn ct_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_base64url() {
        let t = generate_token();
        assert_eq!(t.len(), 43);
        assert!(
            t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(URL_SAFE_NO_PAD.decode(&t).unwrap().len(), 32);
        assert_ne!(t, generate_token());
    }

    #[test]
    fn a_family_token_begins_with_its_tag_and_keeps_the_rest_of_its_bits() {
        for _ in 0..1000 {
            let grant = GrantId::generate();
            let raw: [u8; 32] = random_bytes();
            let token = encode_in_family(raw, grant);
            assert_eq!(token.len(), 43);
            assert_eq!(&token[..2], grant.family().as_str());
            let decoded = URL_SAFE_NO_PAD.decode(&token).unwrap();
            assert_eq!(decoded[1] & 0x0f, raw[1] & 0x0f);
            assert_eq!(decoded[2..], raw[2..]);
            let family = crate::model::TokenHash::of(&token).family();
            assert_eq!(family, Some(grant.family()));
        }
        assert_ne!(
            generate_token_for(GrantId::generate()),
            generate_token_for(GrantId::generate())
        );
    }

    #[test]
    fn secret_verification() {
        let stored = hash_secret("s3cret");
        assert!(verify_secret(&stored, "s3cret"));
        assert!(!verify_secret(&stored, "s3cret "));
        assert!(!verify_secret(&stored, ""));
        assert!(!verify_secret("plain:s3cret", "s3cret"));
        assert!(!verify_secret("", ""));
        assert!(!verify_secret("$argon2id$garbage", "x"));
    }

    #[test]
    fn the_dummy_takes_the_slowest_path_and_matches_nothing() {
        // Not a fast path: an unknown client must cost what a wrong argon2 secret costs.
        assert_eq!(is_slow(dummy_hash()), cfg!(feature = "argon2"));
        for presented in ["", "guess", "sha256$"] {
            assert!(!verify_secret(dummy_hash(), presented));
        }
    }
}
