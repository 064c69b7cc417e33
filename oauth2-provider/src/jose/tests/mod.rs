//! Unit tests of keys, the key set, sealing and JWTs. `fixtures/` holds throwaway keys that
//! `openssl` wrote (see its README).

mod forged;
mod format;
mod jwt;
mod keys;
mod seal;
mod set;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::{Algorithm, Expectations, JwtError, KeySet, ManagedKey, SigningKey, verify};

/// RFC 7517 Appendix A.2's RSA key, whose public half is RFC 7638 §3.1's example.
const RFC7517_PKCS1: &str = include_str!("fixtures/rfc7517_rsa_pkcs1.pem");
const RFC7517_PKCS8: &str = include_str!("fixtures/rfc7517_rsa_pkcs8.pem");
const P256_SEC1: &str = include_str!("fixtures/p256_sec1.pem");
const P256_PKCS8: &str = include_str!("fixtures/p256_pkcs8.pem");
const ED25519_PKCS8: &str = include_str!("fixtures/ed25519_pkcs8.pem");

/// RFC 7638 §3.1: the thumbprint of that key.
const RFC7638_KID: &str = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

/// A fixed instant, `secs` after a base in 2027, so no test depends on the clock.
fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
}

/// Seconds since the epoch of `at(secs)`, for claims.
fn epoch(secs: u64) -> u64 {
    1_800_000_000 + secs
}

/// One key of each algorithm: the fixtures where there is one (RSA generation is slow in an
/// unoptimised build), a fresh one otherwise.
fn key(alg: Algorithm) -> SigningKey {
    match alg {
        Algorithm::RS256 | Algorithm::PS256 => {
            SigningKey::from_pem(alg, RFC7517_PKCS1.as_bytes()).unwrap()
        }
        Algorithm::ES256 | Algorithm::EdDSA => SigningKey::generate(alg).unwrap(),
    }
}

// Tokens.

const ISS: &str = "https://as.example";

/// A set with one key of `alg`, signing from `at(0)`.
fn one_key(alg: Algorithm) -> (KeySet, SigningKey) {
    let key = key(alg);
    let mut keys = KeySet::new();
    keys.insert(ManagedKey::new(key.clone(), at(0), at(0)))
        .unwrap();
    (keys, key)
}

fn claims() -> Value {
    json!({ "iss": ISS, "aud": "api", "sub": "alice", "exp": epoch(600), "iat": epoch(0) })
}

fn expect(alg: Algorithm) -> Expectations {
    Expectations::new(&[alg])
        .typ("at+jwt")
        .issuer(ISS)
        .audience("api")
        .at(at(10))
}

fn check(token: &str, keys: &KeySet, expect: &Expectations) -> Result<Value, JwtError> {
    verify::<Value>(token, keys, expect)
}

/// A token with this header and these claims, signed by `key` whatever the header says.
fn forge(key: &SigningKey, alg: jsonwebtoken::Algorithm, header: Value, claims: &Value) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    let message = format!("{}.{}", part(&header), part(claims));
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key.encoding(), alg).unwrap();
    format!("{message}.{signature}")
}
