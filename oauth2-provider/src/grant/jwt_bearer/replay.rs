//! RFC 7523 §3 item 7: an assertion's `jti` is used once. Remembered through the token
//! store's `remember_once`, so every node agrees and exactly one of concurrent requests wins.

use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::{LEEWAY, refused};
use crate::error::OAuthError;
use crate::model::TokenHash;
use crate::store::TokenStore;

/// The `remember_once` key of `jti` from `iss`: issuers choose their `jti`s independently,
/// so one's cannot spend another's. Length-prefixed, so no two pairs share a key.
fn key(iss: &str, jti: &str) -> TokenHash {
    let mut digest = Sha256::new();
    digest.update(b"oauth2-provider jwt-bearer jti\0");
    digest.update((iss.len() as u64).to_be_bytes());
    digest.update(iss.as_bytes());
    digest.update(jti.as_bytes());
    TokenHash::from_bytes(digest.finalize().into())
}

/// Spends `jti`, remembered until the assertion's `exp` could no longer pass (`exp` plus the
/// leeway); `invalid_grant` if it was spent already. Called last, once everything else about
/// the assertion held, so a refused request spends nothing.
pub(super) async fn spend<T: TokenStore>(
    store: &T,
    iss: &str,
    jti: &str,
    expires_at: SystemTime,
) -> Result<(), OAuthError> {
    if store
        .remember_once(&key(iss, jti), expires_at + LEEWAY)
        .await?
    {
        Ok(())
    } else {
        Err(refused("the assertion was already used"))
    }
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn keys_are_per_issuer() {
        assert_ne!(key("https://a.example", "1"), key("https://b.example", "1"));
        assert_ne!(key("ab", "c"), key("a", "bc"));
        assert_eq!(key("https://a.example", "1"), key("https://a.example", "1"));
    }
}
