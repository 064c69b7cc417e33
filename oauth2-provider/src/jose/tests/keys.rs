//! Signing keys: generation, PEM and DER in, the stored form out, the `kid`, the public JWK.

use std::collections::BTreeSet;

use aws_lc_rs::signature::Ed25519KeyPair;
use jsonwebtoken::jwk::Jwk;

use super::*;
use crate::jose::KeyError;
use crate::jose::key::thumbprint;

/// The public members a JWK of each key type has: nothing else, never a private one.
fn members(alg: Algorithm) -> BTreeSet<&'static str> {
    let specific: &[&str] = match alg {
        Algorithm::RS256 | Algorithm::PS256 => &["n", "e"],
        Algorithm::ES256 => &["crv", "x", "y"],
        Algorithm::EdDSA => &["crv", "x"],
    };
    ["kty", "kid", "alg", "use"]
        .iter()
        .chain(specific)
        .copied()
        .collect()
}

fn keys_of(jwk: &serde_json::Value) -> BTreeSet<&str> {
    jwk.as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn rfc7638_example_thumbprint() {
    let jwk: Jwk = serde_json::from_value(serde_json::json!({
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29"
    }))
    .unwrap();
    assert_eq!(thumbprint(&jwk).unwrap(), RFC7638_KID);
}

#[test]
fn rfc7517_private_key_has_the_rfc7638_kid() {
    for pem in [RFC7517_PKCS1, RFC7517_PKCS8] {
        for alg in [Algorithm::RS256, Algorithm::PS256] {
            let key = SigningKey::from_pem(alg, pem.as_bytes()).unwrap();
            assert_eq!(key.kid(), RFC7638_KID, "{alg}");
            let jwk = key.public_jwk();
            assert_eq!(jwk["kid"], RFC7638_KID);
            assert_eq!(jwk["alg"], alg.as_str());
            assert_eq!(jwk["use"], "sig");
            assert_eq!(jwk["kty"], "RSA");
            assert_eq!(jwk["e"], "AQAB");
            assert!(
                jwk["n"]
                    .as_str()
                    .unwrap()
                    .starts_with("0vx7agoebGcQSuuPiLJXZptN9nndrQmb")
            );
            assert_eq!(keys_of(&jwk), members(alg));
        }
    }
}

#[test]
fn every_algorithm_generates_and_round_trips() {
    for alg in Algorithm::ALL {
        let key = SigningKey::generate(alg).unwrap();
        assert_eq!(key.alg(), alg);
        assert_eq!(key.kid().len(), 43, "a base64url SHA-256");
        let jwk = key.public_jwk();
        assert_eq!(keys_of(&jwk), members(alg), "{alg}");
        // The kid is the thumbprint of the published JWK itself.
        let published: Jwk = serde_json::from_value(jwk).unwrap();
        assert_eq!(thumbprint(&published).unwrap(), key.kid());

        let der = key.to_pkcs8_der();
        let back = SigningKey::from_pkcs8_der(alg, &der).unwrap();
        assert_eq!(back.kid(), key.kid());
        assert_eq!(*back.to_pkcs8_der(), *der, "the stored form is canonical");
    }
    let a = SigningKey::generate(Algorithm::ES256).unwrap();
    let b = SigningKey::generate(Algorithm::ES256).unwrap();
    assert_ne!(a.kid(), b.kid());
}

#[test]
fn pem_forms_openssl_writes() {
    // SEC1 after an `EC PARAMETERS` block, and the same key as PKCS#8: one kid.
    let sec1 = SigningKey::from_pem(Algorithm::ES256, P256_SEC1.as_bytes()).unwrap();
    let pkcs8 = SigningKey::from_pem(Algorithm::ES256, P256_PKCS8.as_bytes()).unwrap();
    assert_eq!(sec1.kid(), pkcs8.kid());
    assert_eq!(*sec1.to_pkcs8_der(), *pkcs8.to_pkcs8_der());
    assert_eq!(sec1.public_jwk()["crv"], "P-256");

    let ed = SigningKey::from_pem(Algorithm::EdDSA, ED25519_PKCS8.as_bytes()).unwrap();
    let jwk = ed.public_jwk();
    assert_eq!(
        (&jwk["kty"], &jwk["crv"]),
        (&"OKP".into(), &"Ed25519".into())
    );
    assert_eq!(keys_of(&jwk), members(Algorithm::EdDSA));
}

#[test]
fn pkcs8_v2_ed25519_is_stored_as_v1() {
    let v2 = Ed25519KeyPair::generate().unwrap().to_pkcs8().unwrap();
    let key = SigningKey::from_pkcs8_der(Algorithm::EdDSA, v2.as_ref()).unwrap();
    assert_eq!(key.to_pkcs8_der().len(), 48);
}

#[test]
fn refused_keys() {
    let refused =
        |alg: Algorithm, pem: &str| SigningKey::from_pem(alg, pem.as_bytes()).unwrap_err();
    let weak = include_str!("fixtures/rsa1024_pkcs1.pem");
    assert_eq!(refused(Algorithm::RS256, weak), KeyError::WeakKey);
    let p384 = include_str!("fixtures/p384_sec1.pem");
    assert_eq!(refused(Algorithm::ES256, p384), KeyError::InvalidKey);
    let encrypted = include_str!("fixtures/ed25519_encrypted.pem");
    assert_eq!(refused(Algorithm::EdDSA, encrypted), KeyError::Pem);
    assert_eq!(refused(Algorithm::ES256, "hello"), KeyError::Pem);
    assert_eq!(refused(Algorithm::ES256, ""), KeyError::Pem);
    let public = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAlBZ9GShvbQEtyyaGs+0Nd4aurH7ERq6UOIvXGb5/tXA=\n-----END PUBLIC KEY-----\n";
    assert_eq!(refused(Algorithm::EdDSA, public), KeyError::Pem);

    // A key of another type than the algorithm's, in every form.
    assert_eq!(
        refused(Algorithm::ES256, RFC7517_PKCS1),
        KeyError::InvalidKey
    );
    assert_eq!(
        refused(Algorithm::ES256, RFC7517_PKCS8),
        KeyError::InvalidKey
    );
    assert_eq!(refused(Algorithm::RS256, P256_SEC1), KeyError::InvalidKey);
    assert_eq!(refused(Algorithm::RS256, P256_PKCS8), KeyError::InvalidKey);
    assert_eq!(
        refused(Algorithm::ES256, ED25519_PKCS8),
        KeyError::InvalidKey
    );
    assert_eq!(refused(Algorithm::EdDSA, P256_PKCS8), KeyError::InvalidKey);

    let der = SigningKey::generate(Algorithm::ES256)
        .unwrap()
        .to_pkcs8_der();
    let not_der = |alg, der: &[u8]| SigningKey::from_pkcs8_der(alg, der).unwrap_err();
    assert_eq!(
        not_der(Algorithm::ES256, &der[..der.len() - 1]),
        KeyError::InvalidKey
    );
    assert_eq!(not_der(Algorithm::ES256, b""), KeyError::InvalidKey);
    assert_eq!(not_der(Algorithm::RS256, &der), KeyError::InvalidKey);
    assert_eq!(not_der(Algorithm::EdDSA, &der), KeyError::InvalidKey);
}

#[test]
fn debug_shows_no_key_material() {
    let key = key(Algorithm::RS256);
    assert_eq!(
        format!("{key:?}"),
        format!("SigningKey {{ alg: RS256, kid: \"{RFC7638_KID}\", .. }}")
    );
}

#[test]
fn algorithm_names() {
    for alg in Algorithm::ALL {
        assert_eq!(alg.as_str().parse::<Algorithm>().unwrap(), alg);
        assert_eq!(alg.to_string(), alg.as_str());
        assert_eq!(Algorithm::from_jwt(alg.to_jwt()), Some(alg));
    }
    for name in ["none", "HS256", "RS384", "ES512", "Ed25519", "es256", ""] {
        assert_eq!(
            name.parse::<Algorithm>().unwrap_err(),
            KeyError::UnsupportedAlgorithm
        );
    }
    assert_eq!(Algorithm::from_jwt(jsonwebtoken::Algorithm::HS256), None);
}
