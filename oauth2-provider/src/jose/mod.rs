//! Signing keys, a key set that rotates, and JWTs (feature `jwt`): what OpenID Connect ID
//! tokens and RFC 9068 JWT access tokens are signed and checked with.
//!
//! | RFC | what | where |
//! |---|---|---|
//! | 7515, 7519 | compact JWS, JWT | [`sign`], [`verify`] |
//! | 7517 §4, §5 | JWK, JWK Set (public members only) | [`SigningKey::public_jwk`], [`KeySet::jwks`] |
//! | | a JWK Set published elsewhere, to verify with | [`PublicKeys`] |
//! | 7518 §3, 8037 | `RS256`, `PS256`, `ES256`, `EdDSA` | [`Algorithm`] |
//! | 7638 | JWK thumbprint, the `kid` | [`SigningKey::kid`] |
//! | 8725 | JWT best current practice: allow-listed `alg`, explicit `typ` | [`Expectations`] |
//! | OIDC Core §10.1.1 | rotation: publish ahead, keep after | [`KeySet::rotate`], [`RotationPolicy`] |
//! | | the running provider's keys, kept in a [`KeyStore`](crate::store::KeyStore) | [`Keyring`] |
//!
//! The cryptography is aws-lc-rs (key generation, AES-256-GCM, and the signatures, over keys
//! parsed once), with jsonwebtoken for the JOSE header and the JWKs, so RSA private-key
//! operations are constant-time (RUSTSEC-2023-0071 concerns the `rsa` crate, which is not
//! used). Keys persist through a
//! [`KeyStore`](crate::store::KeyStore) as [`StoredKey`](crate::store::StoredKey)s, sealed
//! under a [`KeyEncryptionKey`] if the application configures one.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use oauth2_provider::jose::{sign, verify, Algorithm, Expectations, KeySet, RotationPolicy};
//!
//! let policy = RotationPolicy::new();
//! let now = SystemTime::now();
//! let mut keys = KeySet::new();
//! keys.rotate(Algorithm::ES256, now, &policy).unwrap();
//!
//! let exp = now.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() + 7200;
//! let claims = serde_json::json!({ "iss": "https://as.example", "aud": "api", "exp": exp });
//! let token = sign(keys.signer(Algorithm::ES256, now).unwrap(), "at+jwt", &claims).unwrap();
//!
//! // A rotation: the new key is published now and signs in an hour; the old token still verifies.
//! keys.rotate(Algorithm::ES256, now, &policy).unwrap();
//! let expect = Expectations::new(&[Algorithm::ES256]).typ("at+jwt").issuer("https://as.example").audience("api");
//! let later = now + Duration::from_secs(3600 + 60);
//! assert!(verify::<serde_json::Value>(&token, &keys, &expect.at(later)).is_ok());
//! ```

mod alg;
mod error;
mod import;
mod jwt;
mod key;
mod keyring;
mod managed;
mod public;
mod seal;
mod set;
mod sig;
#[cfg(test)]
mod tests;

pub use alg::Algorithm;
pub use error::{JwtError, KeyError};
pub(crate) use jwt::signature_only;
pub use jwt::{Expectations, sign, verify};
pub use key::SigningKey;
pub(crate) use key::thumbprint;
pub use keyring::{Keyring, KeyringError};
pub use managed::ManagedKey;
pub use public::{PublicKeys, VerifyingKeys};
pub use seal::KeyEncryptionKey;
pub use set::{KeySet, Rotation, RotationPolicy};
