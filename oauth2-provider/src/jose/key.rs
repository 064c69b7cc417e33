//! One signing key: its private half for signing, its public JWK for verifiers, and its `kid`,
//! the RFC 7638 thumbprint of that JWK.

use std::fmt;
use std::sync::Arc;

use jsonwebtoken::DecodingKey;
#[cfg(test)]
use jsonwebtoken::EncodingKey;
use jsonwebtoken::jwk::{Jwk, PublicKeyUse, ThumbprintHash};
use zeroize::Zeroizing;

use super::sig::{Signer, VerifyingKey};
use super::{Algorithm, KeyError, import};

/// A private key for one [`Algorithm`], with its `kid`.
///
/// Make one with [`generate`](SigningKey::generate), read one from PEM with
/// [`from_pem`](SigningKey::from_pem), or bring back the stored form
/// ([`to_pkcs8_der`](SigningKey::to_pkcs8_der)) with
/// [`from_pkcs8_der`](SigningKey::from_pkcs8_der). The `kid` is the RFC 7638 thumbprint of the
/// public key (base64url of the SHA-256 of its required members), so it names the key itself:
/// the same key always has the same `kid`, on any node, however it was loaded. `Debug` shows
/// the algorithm and the `kid`, never the key.
///
/// ```
/// use oauth2_provider::jose::{Algorithm, SigningKey};
///
/// let key = SigningKey::generate(Algorithm::ES256).unwrap();
/// assert_eq!(key.alg(), Algorithm::ES256);
/// assert_eq!(key.kid().len(), 43); // 32 bytes, base64url
///
/// let again = SigningKey::from_pkcs8_der(Algorithm::ES256, &key.to_pkcs8_der()).unwrap();
/// assert_eq!(again.kid(), key.kid());
/// ```
#[derive(Clone)]
pub struct SigningKey {
    alg: Algorithm,
    kid: String,
    pkcs8: Zeroizing<Vec<u8>>,
    /// Parsed once: parsing is most of a signature's cost otherwise (see `sig`).
    signer: Arc<Signer>,
    verifying: VerifyingKey,
    /// The public JWK, with `kid`, `alg` and `use`.
    jwk: Jwk,
}

impl SigningKey {
    /// A new key from the operating system's random generator: 2048-bit RSA for `RS256` and
    /// `PS256`, P-256 for `ES256`, Ed25519 for `EdDSA`.
    ///
    /// ```
    /// use oauth2_provider::jose::{Algorithm, SigningKey};
    /// let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    /// assert_eq!(key.public_jwk()["crv"], "Ed25519");
    /// ```
    pub fn generate(alg: Algorithm) -> Result<Self, KeyError> {
        Self::from_canonical(alg, import::generate(alg)?)
    }

    /// The first private key in the PEM text `pem`, which must be a key for `alg`: PKCS#8
    /// (`-----BEGIN PRIVATE KEY-----`, any algorithm, what `openssl genpkey` and `openssl
    /// genrsa` write), PKCS#1 (`BEGIN RSA PRIVATE KEY`, `openssl genrsa -traditional`) or SEC1
    /// (`BEGIN EC PRIVATE KEY`, `openssl ecparam -genkey`). An RSA key must have at least 2048
    /// bits; a password-protected key is refused ([`KeyError::Pem`]).
    ///
    /// ```
    /// use oauth2_provider::jose::{Algorithm, SigningKey};
    /// // openssl genpkey -algorithm ED25519
    /// let pem = "-----BEGIN PRIVATE KEY-----
    /// MC4CAQAwBQYDK2VwBCIEINja6amjo/2qWm4050zxuxdiOSLru/0eithkj0Te++d1
    /// -----END PRIVATE KEY-----";
    /// let key = SigningKey::from_pem(Algorithm::EdDSA, pem.as_bytes()).unwrap();
    /// assert!(SigningKey::from_pem(Algorithm::ES256, pem.as_bytes()).is_err());
    /// ```
    pub fn from_pem(alg: Algorithm, pem: &[u8]) -> Result<Self, KeyError> {
        Self::from_canonical(alg, import::from_pem(alg, pem)?)
    }

    /// The key in the unencrypted PKCS#8 document `der` (RFC 5208), which must be a key for
    /// `alg`: the stored form [`to_pkcs8_der`](SigningKey::to_pkcs8_der) writes, or any PKCS#8
    /// v1 or v2 document of such a key.
    ///
    /// ```
    /// use oauth2_provider::jose::{Algorithm, KeyError, SigningKey};
    /// let key = SigningKey::generate(Algorithm::ES256).unwrap();
    /// let der = key.to_pkcs8_der();
    /// assert_eq!(SigningKey::from_pkcs8_der(Algorithm::RS256, &der).unwrap_err(), KeyError::InvalidKey);
    /// ```
    pub fn from_pkcs8_der(alg: Algorithm, der: &[u8]) -> Result<Self, KeyError> {
        Self::from_canonical(alg, import::canonical(alg, der)?)
    }

    fn from_canonical(alg: Algorithm, pkcs8: Zeroizing<Vec<u8>>) -> Result<Self, KeyError> {
        let encoding = import::encoding_key(alg, &pkcs8)?;
        let mut jwk =
            Jwk::from_encoding_key(&encoding, alg.to_jwt()).map_err(|_| KeyError::InvalidKey)?;
        let kid = thumbprint(&jwk)?;
        jwk.common.key_id = Some(kid.clone());
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        let decoding = DecodingKey::from_jwk(&jwk).map_err(|_| KeyError::InvalidKey)?;
        let verifying = VerifyingKey::from_decoding(alg, &decoding).ok_or(KeyError::InvalidKey)?;
        let signer = Arc::new(Signer::from_pkcs8(alg, &pkcs8)?);
        Ok(SigningKey {
            alg,
            kid,
            pkcs8,
            signer,
            verifying,
            jwk,
        })
    }

    /// The algorithm this key signs with, and only with.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The key's id: the RFC 7638 SHA-256 thumbprint of its public JWK, base64url.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The stored form: the private key as an unencrypted PKCS#8 v1 document, DER. Keep it
    /// secret (or seal it: [`KeyEncryptionKey`](super::KeyEncryptionKey)); the buffer is
    /// zeroed when dropped.
    ///
    /// ```
    /// use oauth2_provider::jose::{Algorithm, SigningKey};
    /// let key = SigningKey::generate(Algorithm::RS256).unwrap();
    /// let der = key.to_pkcs8_der();
    /// assert_eq!(der[0], 0x30); // a DER SEQUENCE
    /// ```
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        self.pkcs8.clone()
    }

    /// The public key as a JWK (RFC 7517 §4): `kty`, `kid`, `alg`, `use: "sig"`, and `n`, `e`
    /// (RSA), `crv`, `x`, `y` (P-256) or `crv`, `x` (Ed25519). Never a private member.
    ///
    /// ```
    /// use oauth2_provider::jose::{Algorithm, SigningKey};
    /// let key = SigningKey::generate(Algorithm::ES256).unwrap();
    /// let jwk = key.public_jwk();
    /// assert_eq!(jwk["kty"], "EC");
    /// assert_eq!(jwk["kid"], key.kid());
    /// assert!(jwk.get("d").is_none());
    /// ```
    pub fn public_jwk(&self) -> serde_json::Value {
        // A `Jwk` of public parameters serializes to a JSON object; nothing else can come out.
        serde_json::to_value(&self.jwk).unwrap_or_default()
    }

    /// jsonwebtoken's key, for the tests to sign what this crate would not.
    #[cfg(test)]
    pub(super) fn encoding(&self) -> EncodingKey {
        import::encoding_key(self.alg, &self.pkcs8).expect("a canonical document")
    }

    pub(super) fn signer(&self) -> &Signer {
        &self.signer
    }

    pub(super) fn verifying(&self) -> &VerifyingKey {
        &self.verifying
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The RFC 7638 thumbprint of a public JWK: base64url of the SHA-256 of its required members,
/// in lexicographic order, without whitespace (jsonwebtoken's implementation).
pub(crate) fn thumbprint(jwk: &Jwk) -> Result<String, KeyError> {
    jwk.thumbprint(ThumbprintHash::SHA256)
        .map_err(|_| KeyError::InvalidKey)
}
