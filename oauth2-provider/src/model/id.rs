//! Identifiers of stored records: the hash a token or code is stored under, and the grant
//! family it belongs to. Neither is secret: a store holds them, logs may show them.

use std::fmt;
use std::hash::{Hash, Hasher};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::secret::{array, random_bytes};

/// The SHA-256 of a token or code: the only form of it a store sees.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TokenHash([u8; 32]);

/// The first 64 bits of a digest are as good a hash key as all 256 (equality still compares all
/// of them), and a hasher that trusts them can skip hashing altogether (the memory store's).
impl Hash for TokenHash {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(u64::from_le_bytes(array(&self.0[..8])));
    }
}

impl TokenHash {
    /// Hashes a presented token.
    pub fn of(token: &str) -> Self {
        TokenHash(Sha256::digest(token.as_bytes()).into())
    }

    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A hash from its digest bytes, as a store reads it back.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        TokenHash(bytes)
    }
}

impl fmt::Debug for TokenHash {
    // A hash is not secret, but a short prefix is all a log needs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TokenHash({:02x}{:02x}{:02x}{:02x}..)",
            self.0[0], self.0[1], self.0[2], self.0[3]
        )
    }
}

/// Identifies one authorization grant: the code and every token issued from it, through every
/// refresh. Revoking a grant revokes the whole family (RFC 6749 §4.1.2, RFC 9700 §4.14).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct GrantId([u8; 16]);

/// Random bits, like [`TokenHash`]'s.
impl Hash for GrantId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(u64::from_le_bytes(array(&self.0[..8])));
    }
}

impl GrantId {
    /// A fresh random id.
    pub fn generate() -> Self {
        GrantId(random_bytes())
    }

    /// The id's bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// An id from its bytes, as a store reads it back.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        GrantId(bytes)
    }
}

impl fmt::Debug for GrantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GrantId({})", URL_SAFE_NO_PAD.encode(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::TokenHash;

    #[test]
    fn hash_is_sha256_of_the_token() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        let h = TokenHash::of("abc");
        assert_eq!(h.as_bytes()[..4], [0xba, 0x78, 0x16, 0xbf]);
    }
}
