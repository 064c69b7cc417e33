//! Private keys at rest under a key-encryption key: AES-256-GCM (aws-lc-rs), a random 96-bit
//! nonce per sealing, and the key's `kid` and `alg` as associated data, so a sealed key moved
//! to another row, or relabelled, no longer opens.

use std::fmt;

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use zeroize::Zeroizing;

use super::{Algorithm, KeyError};

/// The first byte of a sealed key: the format, should it ever change.
const VERSION: u8 = 1;

/// What the associated data starts with, so these ciphertexts mean nothing elsewhere.
const CONTEXT: &[u8] = b"oauth2-provider jose key v1";

/// The key that encrypts signing keys at rest: 32 bytes the application configures (from a
/// secret manager or an environment variable) and keeps apart from the store.
///
/// With it, [`ManagedKey::to_stored`](super::ManagedKey::to_stored) seals a key's PKCS#8
/// document with AES-256-GCM, and
/// [`ManagedKey::from_stored`](super::ManagedKey::from_stored) opens it; opening with another
/// key-encryption key fails with [`KeyError::Decrypt`]. Lose it and the stored keys are lost:
/// rotate to new signing keys. `Debug` shows nothing of it.
///
/// ```
/// use oauth2_provider::jose::{KeyEncryptionKey, KeyError};
///
/// let kek = KeyEncryptionKey::new(&[7; 32]).unwrap();
/// assert_eq!(KeyEncryptionKey::new(&[7; 16]).unwrap_err(), KeyError::KeyEncryptionKeyLength);
/// assert_eq!(format!("{kek:?}"), "KeyEncryptionKey(..)");
/// ```
pub struct KeyEncryptionKey(RandomizedNonceKey);

impl KeyEncryptionKey {
    /// The key-encryption key of these 32 bytes.
    pub fn new(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.len() != 32 {
            return Err(KeyError::KeyEncryptionKeyLength);
        }
        RandomizedNonceKey::new(&AES_256_GCM, bytes)
            .map(KeyEncryptionKey)
            .map_err(|_| KeyError::KeyEncryptionKeyLength)
    }

    /// `version || nonce || ciphertext || tag` of `pkcs8`, bound to `kid` and `alg`.
    pub(super) fn seal(
        &self,
        kid: &str,
        alg: Algorithm,
        pkcs8: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let mut in_out = Zeroizing::new(pkcs8.to_vec());
        let nonce = self
            .0
            .seal_in_place_append_tag(Aad::from(associated(kid, alg)), &mut *in_out)
            .map_err(|_| KeyError::Generate)?;
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + in_out.len());
        sealed.push(VERSION);
        sealed.extend_from_slice(nonce.as_ref());
        sealed.extend_from_slice(&in_out);
        Ok(Zeroizing::new(sealed))
    }

    /// The PKCS#8 document [`seal`](Self::seal) sealed for `kid` and `alg`.
    pub(super) fn open(
        &self,
        kid: &str,
        alg: Algorithm,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let [VERSION, rest @ ..] = sealed else {
            return Err(KeyError::Decrypt);
        };
        if rest.len() < NONCE_LEN {
            return Err(KeyError::Decrypt);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| KeyError::Decrypt)?;
        let mut in_out = Zeroizing::new(ciphertext.to_vec());
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(associated(kid, alg)), &mut in_out)
            .map_err(|_| KeyError::Decrypt)?;
        Ok(Zeroizing::new(plain.to_vec()))
    }
}

impl fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyEncryptionKey(..)")
    }
}

/// `CONTEXT 0x00 alg 0x00 kid`: neither a JWA name nor a thumbprint holds a NUL byte.
fn associated(kid: &str, alg: Algorithm) -> Vec<u8> {
    let mut aad = Vec::with_capacity(CONTEXT.len() + 2 + alg.as_str().len() + kid.len());
    aad.extend_from_slice(CONTEXT);
    aad.push(0);
    aad.extend_from_slice(alg.as_str().as_bytes());
    aad.push(0);
    aad.extend_from_slice(kid.as_bytes());
    aad
}
