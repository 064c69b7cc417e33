//! Identifiers of stored records: the hash a token or code is stored under, the grant family
//! it belongs to, and the family's tag. None is secret: a store holds them, logs may show them.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::secret::{array, random_bytes};

/// The length of an opaque code or token: 32 bytes in base64url without padding.
const TOKEN_LEN: usize = 43;

/// The family a code or token was minted in, as far as choosing where to keep it goes: the
/// first 12 bits of its [`GrantId`], which every code and token of the family begins with (its
/// first two base64url characters; a JWT access token's `jti` does). Not secret and not proof
/// of anything: a store uses it only to keep a family together, as the Redis store does with a
/// Redis Cluster's hash slots.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FamilyTag([u8; 2]);

impl FamilyTag {
    /// The tag two characters spell, if both are base64url.
    fn of_chars(chars: &[u8]) -> Option<Self> {
        let base64url = |c: &u8| matches!(c, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_');
        match chars {
            [a, b, ..] if base64url(a) && base64url(b) => Some(FamilyTag([*a, *b])),
            _ => None,
        }
    }

    /// The two base64url characters, as they begin the family's codes and tokens.
    pub fn as_str(&self) -> &str {
        // Only ever built from base64url characters, which are ASCII.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for FamilyTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FamilyTag({})", self.as_str())
    }
}

/// The SHA-256 of a token or code: the only form of it a store sees, with the [`FamilyTag`]
/// the presented value names, if any.
#[derive(Clone, Copy)]
pub struct TokenHash {
    digest: [u8; 32],
    /// `NO_FAMILY`, or a tag's characters; kept apart from the digest, which stays the SHA-256
    /// of the token so that hashes stored before tags existed still match.
    family: [u8; 2],
}

/// Never a tag: tags are base64url characters.
const NO_FAMILY: [u8; 2] = [0, 0];

/// The digest alone decides: the tag is a function of the token, as the digest is.
impl PartialEq for TokenHash {
    fn eq(&self, other: &Self) -> bool {
        self.digest == other.digest
    }
}

impl Eq for TokenHash {}

impl PartialOrd for TokenHash {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TokenHash {
    fn cmp(&self, other: &Self) -> Ordering {
        self.digest.cmp(&other.digest)
    }
}

/// The first 64 bits of a digest are as good a hash key as all 256 (equality still compares all
/// of them), and a hasher that trusts them can skip hashing altogether (the memory store's).
impl Hash for TokenHash {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(u64::from_le_bytes(array(&self.digest[..8])));
    }
}

impl TokenHash {
    /// Hashes a presented token, and notes the family it names: an opaque code or token (43
    /// characters) by its first two characters, a JWT by its `jti`'s. Anything else names none.
    pub fn of(token: &str) -> Self {
        let family = if token.len() == TOKEN_LEN {
            FamilyTag::of_chars(token.as_bytes())
        } else {
            jwt_family(token)
        };
        TokenHash {
            digest: Sha256::digest(token.as_bytes()).into(),
            family: family.map_or(NO_FAMILY, |tag| tag.0),
        }
    }

    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.digest
    }

    /// A hash from its digest bytes, as a store reads it back; it names no family.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        TokenHash {
            digest: bytes,
            family: NO_FAMILY,
        }
    }

    /// The family the hashed token named (see [`of`](Self::of)); `None` for one that named
    /// none, or a hash made [`from_bytes`](Self::from_bytes). Whether the token is really of
    /// that family only its stored record tells.
    pub fn family(&self) -> Option<FamilyTag> {
        (self.family != NO_FAMILY).then_some(FamilyTag(self.family))
    }
}

/// The family a JWT access token names through its `jti`, which is an opaque token of its
/// grant's family; `None` for anything else.
///
/// The runtime writes `jti` first, so its JWTs' payloads begin `{"jti":"` and then the tag:
/// the first 16 characters (12 bytes) of the payload are all that is decoded, where decoding
/// all of it would double the cost of hashing a JWT. A JWT of other making names no family,
/// and is not one this runtime stored in a family's slot; nor is anything else that this
/// reads a tag from, such as a JWS of other parts: its lookup misses.
fn jwt_family(token: &str) -> Option<FamilyTag> {
    const START: &[u8] = b"{\"jti\":\"";
    // Only the header is scanned for its end: the rest of the token need not be read at all.
    let (_, payload) = token.split_once('.')?;
    let mut head = [0u8; 12];
    let written = URL_SAFE_NO_PAD
        .decode_slice(payload.as_bytes().get(..16)?, &mut head)
        .ok()?;
    FamilyTag::of_chars(head.get(..written)?.strip_prefix(START)?)
}

impl fmt::Debug for TokenHash {
    // A hash is not secret, but a short prefix is all a log needs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TokenHash({:02x}{:02x}{:02x}{:02x}..)",
            self.digest[0], self.digest[1], self.digest[2], self.digest[3]
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

    /// The family's tag: the id's first 12 bits, the first two characters of its base64url
    /// form and of every code and token minted for it.
    pub fn family(&self) -> FamilyTag {
        // Three bytes are four characters, the first two of which hold the first 12 bits; four
        // bytes always hold them, so encoding cannot fail.
        let mut chars = [0u8; 4];
        let _ = URL_SAFE_NO_PAD.encode_slice(&self.0[..3], &mut chars);
        FamilyTag([chars[0], chars[1]])
    }
}

impl fmt::Debug for GrantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GrantId({})", URL_SAFE_NO_PAD.encode(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha256_of_the_token() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        let h = TokenHash::of("abc");
        assert_eq!(h.as_bytes()[..4], [0xba, 0x78, 0x16, 0xbf]);
    }

    #[test]
    fn a_grant_family_is_its_ids_first_two_base64url_characters() {
        for _ in 0..1000 {
            let grant = GrantId::generate();
            let encoded = URL_SAFE_NO_PAD.encode(grant.as_bytes());
            assert_eq!(grant.family().as_str(), &encoded[..2]);
        }
    }

    #[test]
    fn an_opaque_token_names_its_family_by_its_first_two_characters() {
        let token = "Ab3456789012345678901234567890123456789012_";
        assert_eq!(TokenHash::of(token).family().unwrap().as_str(), "Ab");
        // Not a family's: another length, a character outside base64url, bytes read back.
        for other in [
            "Ab",
            "",
            &token[1..],
            "A.3456789012345678901234567890123456789012_",
        ] {
            assert_eq!(TokenHash::of(other).family(), None, "{other:?}");
        }
        assert_eq!(
            TokenHash::from_bytes(*TokenHash::of(token).as_bytes()).family(),
            None
        );
        // The digest alone is the hash's identity.
        assert_eq!(
            TokenHash::from_bytes(*TokenHash::of(token).as_bytes()),
            TokenHash::of(token)
        );
    }

    #[test]
    fn a_jwt_names_its_family_by_its_jti() {
        let jwt = |claims: &str| {
            format!(
                "eyJhbGciOiJFUzI1NiJ9.{}.c2ln",
                URL_SAFE_NO_PAD.encode(claims)
            )
        };
        // As the runtime writes them: `jti` first.
        let named = jwt(r#"{"jti":"Qx3456789","sub":"a","act":{"jti":"zz"}}"#);
        assert_eq!(TokenHash::of(&named).family().unwrap().as_str(), "Qx");
        for foreign in [
            jwt(r#"{"sub":"a"}"#),
            jwt(r#"{"sub":"a","jti":"Qx3456789"}"#),
            jwt(r#"{"jti":"Q"}"#),
            jwt(r#"{"jti":7}"#),
            jwt(r#"{"jti":"{}"}"#),
            jwt("not json"),
            "a.b.c".to_owned(),
            "a.b".to_owned(),
        ] {
            assert_eq!(TokenHash::of(&foreign).family(), None, "{foreign}");
        }
    }
}
