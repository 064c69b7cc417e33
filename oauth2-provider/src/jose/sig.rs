//! The signature of a compact JWS, by aws-lc-rs, over keys parsed once.
//!
//! jsonwebtoken parses its key again on every call: the whole PKCS#8 document (the public key
//! checked or derived, a scalar multiplication for P-256 and Ed25519; the key check and the
//! Montgomery and blinding set-up for RSA) before each signature, and the public key (the P-256
//! point decoded and checked, the RSA modulus set up) before each verification. That made a
//! signature cost 1.7 to 2.4 times aws-lc-rs's own and an RSA verification 1.3 to 1.5 times
//! (BENCHMARKS.md, "JWT access tokens"). These are the same aws-lc-rs primitives
//! jsonwebtoken's `aws_lc_rs` backend calls, with the same parameters, kept parsed.

use std::fmt;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, Ed25519KeyPair, ParsedPublicKey, RsaKeyPair, RsaPublicKeyComponents,
    VerificationAlgorithm,
};
use jsonwebtoken::{AlgorithmFamily, DecodingKey, DecodingKeyKind};

use super::{Algorithm, JwtError, KeyError};

/// A private key, parsed, for the one algorithm it signs with.
pub(crate) enum Signer {
    Rsa(RsaKeyPair, &'static dyn sig::RsaEncoding),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

impl Signer {
    /// The key of the canonical PKCS#8 document `pkcs8` (see `import`), for `alg`.
    pub(crate) fn from_pkcs8(alg: Algorithm, pkcs8: &[u8]) -> Result<Self, KeyError> {
        Ok(match alg {
            Algorithm::RS256 => Signer::Rsa(rsa(pkcs8)?, &sig::RSA_PKCS1_SHA256),
            Algorithm::PS256 => Signer::Rsa(rsa(pkcs8)?, &sig::RSA_PSS_SHA256),
            Algorithm::ES256 => Signer::Ec(
                EcdsaKeyPair::from_pkcs8(&sig::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8)
                    .map_err(|_| KeyError::InvalidKey)?,
            ),
            Algorithm::EdDSA => {
                Signer::Ed(Ed25519KeyPair::from_pkcs8(pkcs8).map_err(|_| KeyError::InvalidKey)?)
            }
        })
    }

    /// The JWS signature (RFC 7518 §3.3, §3.4, §3.5; RFC 8037 §3.1) of `message`, the
    /// signing input `base64url(header) "." base64url(payload)`.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, JwtError> {
        // aws-lc-rs draws from its own generator whatever `rng` is given (RSA PSS salts,
        // ECDSA nonces); the argument is there for ring's API.
        let rng = SystemRandom::new();
        match self {
            Signer::Rsa(pair, encoding) => {
                let mut signature = vec![0; pair.public_modulus_len()];
                pair.sign(*encoding, &rng, message, &mut signature)
                    .map_err(|_| JwtError::Sign)?;
                Ok(signature)
            }
            Signer::Ec(pair) => Ok(pair
                .sign(&rng, message)
                .map_err(|_| JwtError::Sign)?
                .as_ref()
                .to_vec()),
            Signer::Ed(pair) => Ok(pair.sign(message).as_ref().to_vec()),
        }
    }
}

/// jsonwebtoken's RSA signing key is the PKCS#1 `RSAPrivateKey` inside the document;
/// aws-lc-rs reads the same key from the document itself.
fn rsa(pkcs8: &[u8]) -> Result<RsaKeyPair, KeyError> {
    RsaKeyPair::from_pkcs8(pkcs8).map_err(|_| KeyError::InvalidKey)
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer")
    }
}

/// A public key, parsed, with the algorithms it may verify. Crate-internal: the type the
/// hidden [`VerifyingKeys`](super::VerifyingKeys) method hands to [`verify`](super::verify).
#[derive(Clone)]
pub struct VerifyingKey(Parsed);

#[derive(Clone)]
enum Parsed {
    /// One key, parsed for each padding: a parsed key is bound to its parameters.
    Rsa {
        pkcs1: ParsedPublicKey,
        pss: ParsedPublicKey,
    },
    Ec(ParsedPublicKey),
    Ed(ParsedPublicKey),
}

impl VerifyingKey {
    /// The key jsonwebtoken made of a JWK ([`DecodingKey::from_jwk`]), parsed as its
    /// `aws_lc_rs` verifiers would parse it on every call: the RSA modulus and exponent, the
    /// uncompressed P-256 point, the 32 bytes of an Ed25519 key. `None` when aws-lc-rs refuses
    /// it, or it is not of `family`'s key type.
    pub(crate) fn from_decoding(family: Algorithm, key: &DecodingKey) -> Option<Self> {
        let parsed = match (family, key.family(), key.kind()) {
            (
                Algorithm::RS256 | Algorithm::PS256,
                AlgorithmFamily::Rsa,
                DecodingKeyKind::RsaModulusExponent { n, e },
            ) => {
                let components = RsaPublicKeyComponents { n, e };
                Parsed::Rsa {
                    pkcs1: components
                        .to_parsed_public_key(&sig::RSA_PKCS1_2048_8192_SHA256)
                        .ok()?,
                    pss: components
                        .to_parsed_public_key(&sig::RSA_PSS_2048_8192_SHA256)
                        .ok()?,
                }
            }
            (
                Algorithm::RS256 | Algorithm::PS256,
                AlgorithmFamily::Rsa,
                DecodingKeyKind::SecretOrDer(der),
            ) => Parsed::Rsa {
                pkcs1: parse(&sig::RSA_PKCS1_2048_8192_SHA256, der)?,
                pss: parse(&sig::RSA_PSS_2048_8192_SHA256, der)?,
            },
            (Algorithm::ES256, AlgorithmFamily::Ec, DecodingKeyKind::SecretOrDer(point)) => {
                Parsed::Ec(parse(&sig::ECDSA_P256_SHA256_FIXED, point)?)
            }
            (Algorithm::EdDSA, AlgorithmFamily::Ed, DecodingKeyKind::SecretOrDer(x)) => {
                Parsed::Ed(parse(&sig::ED25519, x)?)
            }
            _ => return None,
        };
        Some(VerifyingKey(parsed))
    }

    /// Checks `signature` (decoded from base64url) over the signing input `message` for `alg`.
    /// A key of another type than `alg` needs verifies nothing.
    pub(crate) fn verify(
        &self,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), JwtError> {
        let key = match (&self.0, alg) {
            (Parsed::Rsa { pkcs1, .. }, Algorithm::RS256) => pkcs1,
            (Parsed::Rsa { pss, .. }, Algorithm::PS256) => pss,
            (Parsed::Ec(key), Algorithm::ES256) | (Parsed::Ed(key), Algorithm::EdDSA) => key,
            _ => return Err(JwtError::KeyAlgorithmMismatch),
        };
        key.verify_sig(message, signature)
            .map_err(|_| JwtError::InvalidSignature)
    }
}

fn parse(alg: &'static dyn VerificationAlgorithm, bytes: &[u8]) -> Option<ParsedPublicKey> {
    ParsedPublicKey::new(alg, bytes).ok()
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.0 {
            Parsed::Rsa { .. } => "RSA",
            Parsed::Ec(_) => "EC",
            Parsed::Ed(_) => "OKP",
        };
        f.debug_tuple("VerifyingKey").field(&kind).finish()
    }
}
