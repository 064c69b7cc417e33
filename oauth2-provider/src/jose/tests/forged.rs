//! Tokens an attacker makes: another algorithm, `none`, HMAC under the public key, a wrong or
//! missing `kid`, another key's signature, altered claims, critical headers, garbage.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::*;
use crate::jose::{Expectations, JwtError, sign};

#[test]
fn algorithm_allow_list() {
    let (keys, key) = one_key(Algorithm::ES256);
    let token = sign(&key, "at+jwt", &claims()).unwrap();
    let rsa_only = Expectations::new(&[Algorithm::RS256, Algorithm::PS256]).at(at(10));
    assert_eq!(
        check(&token, &keys, &rsa_only).unwrap_err(),
        JwtError::AlgorithmNotAllowed
    );
    let nothing = Expectations::new(&[]).at(at(10));
    assert_eq!(
        check(&token, &keys, &nothing).unwrap_err(),
        JwtError::AlgorithmNotAllowed
    );

    // `alg: none`, with the kid of a real key and no signature.
    let part = |v: Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(&v).unwrap());
    let header = json!({ "alg": "none", "typ": "at+jwt", "kid": key.kid() });
    let none = format!("{}.{}.", part(header), part(claims()));
    assert_eq!(
        check(&none, &keys, &expect(Algorithm::ES256)).unwrap_err(),
        JwtError::Malformed
    );
}

#[test]
fn hmac_with_the_public_key_as_secret_is_refused() {
    let (keys, key) = one_key(Algorithm::RS256);
    let public = key.public_jwk().to_string();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(key.kid().to_owned());
    header.typ = Some("at+jwt".to_owned());
    let secret = jsonwebtoken::EncodingKey::from_secret(public.as_bytes()).unwrap();
    let token = jsonwebtoken::encode(&header, &claims(), &secret).unwrap();
    let all = Expectations::new(&Algorithm::ALL).at(at(10));
    assert_eq!(
        check(&token, &keys, &all).unwrap_err(),
        JwtError::AlgorithmNotAllowed
    );
}

#[test]
fn the_key_comes_from_the_set_by_kid() {
    let (keys, key) = one_key(Algorithm::ES256);
    let stranger = SigningKey::generate(Algorithm::ES256).unwrap();
    let es = jsonwebtoken::Algorithm::ES256;

    let unknown = sign(&stranger, "at+jwt", &claims()).unwrap();
    assert_eq!(
        check(&unknown, &keys, &expect(Algorithm::ES256)).unwrap_err(),
        JwtError::UnknownKey
    );

    let no_kid = forge(
        &key,
        es,
        json!({ "alg": "ES256", "typ": "at+jwt" }),
        &claims(),
    );
    assert_eq!(
        check(&no_kid, &keys, &expect(Algorithm::ES256)).unwrap_err(),
        JwtError::MissingKeyId
    );

    // Another key's signature under our kid.
    let header = json!({ "alg": "ES256", "typ": "at+jwt", "kid": key.kid() });
    let impostor = forge(&stranger, es, header, &claims());
    assert_eq!(
        check(&impostor, &keys, &expect(Algorithm::ES256)).unwrap_err(),
        JwtError::InvalidSignature
    );

    // A claim changed after signing.
    let token = sign(&key, "at+jwt", &claims()).unwrap();
    let mut parts: Vec<&str> = token.split('.').collect();
    let mut altered = claims();
    altered["sub"] = "mallory".into();
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&altered).unwrap());
    parts[1] = &payload;
    let tampered = parts.join(".");
    assert_eq!(
        check(&tampered, &keys, &expect(Algorithm::ES256)).unwrap_err(),
        JwtError::InvalidSignature
    );
}

#[test]
fn a_key_signs_with_its_own_algorithm_only() {
    // The RFC key is in the set as an RS256 key; a PS256 signature by it under its kid.
    let (keys, key) = one_key(Algorithm::RS256);
    let header = json!({ "alg": "PS256", "typ": "at+jwt", "kid": key.kid() });
    let token = forge(&key, jsonwebtoken::Algorithm::PS256, header, &claims());
    let both = Expectations::new(&[Algorithm::RS256, Algorithm::PS256]).at(at(10));
    assert_eq!(
        check(&token, &keys, &both).unwrap_err(),
        JwtError::KeyAlgorithmMismatch
    );
}

#[test]
fn critical_headers_are_refused() {
    let (keys, key) = one_key(Algorithm::ES256);
    let header =
        json!({ "alg": "ES256", "typ": "at+jwt", "kid": key.kid(), "crit": ["b64"], "b64": true });
    let token = forge(&key, jsonwebtoken::Algorithm::ES256, header, &claims());
    assert_eq!(
        check(&token, &keys, &expect(Algorithm::ES256)).unwrap_err(),
        JwtError::CriticalHeader
    );
}

#[test]
fn malformed_tokens() {
    let (keys, _) = one_key(Algorithm::ES256);
    let e = expect(Algorithm::ES256);
    for token in [
        "",
        ".",
        "..",
        "a.b",
        "a.b.c",
        "a.b.c.d",
        "\u{0}.\u{0}.\u{0}",
    ] {
        assert_eq!(
            check(token, &keys, &e).unwrap_err(),
            JwtError::Malformed,
            "{token:?}"
        );
    }
}
