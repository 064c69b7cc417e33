//! The signature algorithms a key may have (RFC 7518 §3.1, RFC 8037 §3.1): asymmetric only.

use std::fmt;
use std::str::FromStr;

use super::KeyError;

/// A JWS signature algorithm of this crate's keys. `none` and the HMAC algorithms are not
/// among them: a verifier's allow-list cannot name them, so a token using them never
/// verifies.
///
/// ```
/// use oauth2_provider::jose::Algorithm;
///
/// let alg: Algorithm = "ES256".parse().unwrap();
/// assert_eq!(alg, Algorithm::ES256);
/// assert_eq!(Algorithm::EdDSA.as_str(), "EdDSA");
/// assert!("none".parse::<Algorithm>().is_err());
/// assert!("HS256".parse::<Algorithm>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 over an RSA key of at least 2048 bits: what OpenID
    /// Connect requires every provider to offer for ID tokens.
    RS256,
    /// RSASSA-PSS with SHA-256 (and MGF1 with SHA-256) over an RSA key of at least 2048 bits.
    PS256,
    /// ECDSA over P-256 with SHA-256: small, fast signatures; the usual choice for access tokens.
    ES256,
    /// EdDSA over Ed25519 (RFC 8037). RFC 9864 names it `Ed25519`; keys and tokens here carry
    /// `EdDSA`, the name every verifier knows.
    EdDSA,
}

impl Algorithm {
    /// Every algorithm, in the order of this enum.
    pub const ALL: [Algorithm; 4] = [
        Algorithm::RS256,
        Algorithm::PS256,
        Algorithm::ES256,
        Algorithm::EdDSA,
    ];

    /// The JWA name, as in a JOSE header's `alg` and a JWK's `alg`.
    ///
    /// ```
    /// use oauth2_provider::jose::Algorithm;
    /// assert_eq!(Algorithm::PS256.as_str(), "PS256");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::RS256 => "RS256",
            Algorithm::PS256 => "PS256",
            Algorithm::ES256 => "ES256",
            Algorithm::EdDSA => "EdDSA",
        }
    }

    /// The algorithm named `name` exactly (names are case-sensitive, RFC 7515 §4.1.1).
    ///
    /// ```
    /// use oauth2_provider::jose::Algorithm;
    /// assert_eq!(Algorithm::from_name("RS256"), Some(Algorithm::RS256));
    /// assert_eq!(Algorithm::from_name("rs256"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|alg| alg.as_str() == name)
    }

    /// The same algorithm in jsonwebtoken's terms.
    pub(crate) const fn to_jwt(self) -> jsonwebtoken::Algorithm {
        match self {
            Algorithm::RS256 => jsonwebtoken::Algorithm::RS256,
            Algorithm::PS256 => jsonwebtoken::Algorithm::PS256,
            Algorithm::ES256 => jsonwebtoken::Algorithm::ES256,
            Algorithm::EdDSA => jsonwebtoken::Algorithm::EdDSA,
        }
    }

    /// The algorithm of a header's jsonwebtoken `alg`; `None` for those this crate's keys never
    /// have (HMAC, the larger hashes).
    pub(crate) fn from_jwt(alg: jsonwebtoken::Algorithm) -> Option<Self> {
        Self::ALL.into_iter().find(|ours| ours.to_jwt() == alg)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = KeyError;

    fn from_str(name: &str) -> Result<Self, KeyError> {
        Self::from_name(name).ok_or(KeyError::UnsupportedAlgorithm)
    }
}
