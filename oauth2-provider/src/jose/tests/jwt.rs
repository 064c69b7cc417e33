//! Signing and verifying tokens: the header, explicit typing, the registered claims,
//! rotation.

use serde_json::{Value, json};

use super::*;
use crate::jose::{Expectations, JwtError, KeySet, RotationPolicy, sign, verify};

#[test]
fn every_algorithm_signs_and_verifies() {
    for alg in Algorithm::ALL {
        let (keys, key) = one_key(alg);
        let token = sign(&key, "at+jwt", &claims()).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, alg.to_jwt());
        assert_eq!(header.kid.as_deref(), Some(key.kid()));
        assert_eq!(header.typ.as_deref(), Some("at+jwt"));
        assert_eq!(
            check(&token, &keys, &expect(alg)).unwrap(),
            claims(),
            "{alg}"
        );
    }
}

#[test]
fn typed_claims() {
    #[derive(serde::Deserialize, serde::Serialize, PartialEq, Debug)]
    struct Access {
        sub: String,
        exp: u64,
        scope: String,
    }
    let (keys, key) = one_key(Algorithm::ES256);
    let mine = Access {
        sub: "alice".into(),
        exp: epoch(600),
        scope: "read".into(),
    };
    let token = sign(&key, "JWT", &mine).unwrap();
    let plain = Expectations::new(&[Algorithm::ES256]).at(at(0));
    assert_eq!(verify::<Access>(&token, &keys, &plain).unwrap(), mine);
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Other {
        client_id: String,
    }
    assert_eq!(
        verify::<Other>(&token, &keys, &plain).unwrap_err(),
        JwtError::Claims
    );
    assert_eq!(sign(&key, "JWT", &"a string").unwrap_err(), JwtError::Sign);
}

#[test]
fn explicit_typing() {
    let (keys, key) = one_key(Algorithm::EdDSA);
    let with = |typ: &str| sign(&key, typ, &claims()).unwrap();
    let ok = |token: &str| check(token, &keys, &expect(Algorithm::EdDSA));
    assert!(ok(&with("at+jwt")).is_ok());
    assert!(ok(&with("application/at+jwt")).is_ok(), "RFC 9068 §4");
    assert!(ok(&with("AT+JWT")).is_ok(), "media types ignore case");
    assert_eq!(ok(&with("JWT")).unwrap_err(), JwtError::WrongType);
    assert_eq!(ok(&with("at+jwt ")).unwrap_err(), JwtError::WrongType);
    assert_eq!(ok(&with("application/")).unwrap_err(), JwtError::WrongType);
    let header = json!({ "alg": "EdDSA", "kid": key.kid() });
    let untyped = forge(&key, jsonwebtoken::Algorithm::EdDSA, header, &claims());
    assert_eq!(ok(&untyped).unwrap_err(), JwtError::WrongType);
    // Not checked when not expected.
    let any = Expectations::new(&[Algorithm::EdDSA])
        .issuer(ISS)
        .audience("api")
        .at(at(10));
    assert!(check(&untyped, &keys, &any).is_ok());
}

#[test]
fn expiry_and_not_before() {
    let (keys, key) = one_key(Algorithm::ES256);
    let with = |claims: Value| sign(&key, "at+jwt", &claims).unwrap();
    let at_time = |secs| expect(Algorithm::ES256).at(at(secs));
    let token = with(claims());
    // exp is at(600); 30 s of leeway.
    assert!(check(&token, &keys, &at_time(629)).is_ok());
    assert_eq!(
        check(&token, &keys, &at_time(630)).unwrap_err(),
        JwtError::Expired
    );
    let strict = at_time(600).leeway(Duration::ZERO);
    assert_eq!(
        check(&token, &keys, &strict).unwrap_err(),
        JwtError::Expired
    );

    let mut no_exp = claims();
    no_exp.as_object_mut().unwrap().remove("exp");
    let err = check(&with(no_exp), &keys, &at_time(0)).unwrap_err();
    assert_eq!(err, JwtError::MissingClaim("exp".into()));
    for bad in [json!("600"), json!(-1), json!(null), json!(1e300)] {
        let mut odd = claims();
        odd["exp"] = bad;
        assert_eq!(
            check(&with(odd), &keys, &at_time(0)).unwrap_err(),
            JwtError::InvalidClaim("exp")
        );
    }
    let mut fractional = claims();
    fractional["exp"] = json!(epoch(600) as f64 + 0.5);
    assert!(check(&with(fractional), &keys, &at_time(10)).is_ok());

    let mut later = claims();
    later["nbf"] = json!(epoch(100));
    let token = with(later);
    assert!(
        check(&token, &keys, &at_time(70)).is_ok(),
        "within the leeway"
    );
    assert_eq!(
        check(&token, &keys, &at_time(69)).unwrap_err(),
        JwtError::NotYetValid
    );
    let mut bad_nbf = claims();
    bad_nbf["nbf"] = json!("soon");
    assert_eq!(
        check(&with(bad_nbf), &keys, &at_time(10)).unwrap_err(),
        JwtError::InvalidClaim("nbf")
    );
}

#[test]
fn issuer_audience_and_required_claims() {
    let (keys, key) = one_key(Algorithm::ES256);
    let with = |claims: Value| sign(&key, "at+jwt", &claims).unwrap();
    let run = |claims: Value, expect: &Expectations| check(&with(claims), &keys, expect);
    let e = expect(Algorithm::ES256);
    let set = |name: &str, value: Value| {
        let mut c = claims();
        c[name] = value;
        c
    };
    let without = |name: &str| {
        let mut c = claims();
        c.as_object_mut().unwrap().remove(name);
        c
    };

    assert_eq!(
        run(set("iss", "https://evil.example".into()), &e).unwrap_err(),
        JwtError::WrongIssuer
    );
    assert_eq!(
        run(set("iss", json!([ISS])), &e).unwrap_err(),
        JwtError::InvalidClaim("iss")
    );
    assert_eq!(
        run(without("iss"), &e).unwrap_err(),
        JwtError::MissingClaim("iss".into())
    );

    assert!(run(set("aud", json!(["other", "api"])), &e).is_ok());
    assert_eq!(
        run(set("aud", json!(["other"])), &e).unwrap_err(),
        JwtError::WrongAudience
    );
    assert_eq!(
        run(set("aud", "apis".into()), &e).unwrap_err(),
        JwtError::WrongAudience
    );
    assert_eq!(
        run(set("aud", json!(7)), &e).unwrap_err(),
        JwtError::InvalidClaim("aud")
    );
    assert_eq!(
        run(set("aud", json!(["api", 7])), &e).unwrap_err(),
        JwtError::InvalidClaim("aud")
    );
    assert_eq!(
        run(without("aud"), &e).unwrap_err(),
        JwtError::MissingClaim("aud".into())
    );

    // No audience expected: a token naming one is not for this verifier (RFC 7519 §4.1.3).
    let no_aud = Expectations::new(&[Algorithm::ES256]).at(at(10));
    assert_eq!(run(claims(), &no_aud).unwrap_err(), JwtError::WrongAudience);
    assert!(run(without("aud"), &no_aud).is_ok());
    assert!(run(set("aud", json!([])), &no_aud).is_ok());
    let any = Expectations::new(&[Algorithm::ES256])
        .any_audience()
        .at(at(10));
    assert!(run(claims(), &any).is_ok() && run(without("aud"), &any).is_ok());

    let needs = e.clone().require("sub").require("jti");
    assert_eq!(
        run(claims(), &needs).unwrap_err(),
        JwtError::MissingClaim("jti".into())
    );
    assert!(run(set("jti", "1".into()), &needs).is_ok());
}

#[test]
fn rotation_keeps_old_tokens_verifying_for_the_retention() {
    let policy = RotationPolicy::new()
        .publish_ahead(Duration::from_secs(60))
        .retention(Duration::from_secs(600));
    let mut keys = KeySet::new();
    keys.rotate(Algorithm::ES256, at(0), &policy).unwrap();
    let old = sign(
        keys.signer(Algorithm::ES256, at(0)).unwrap(),
        "at+jwt",
        &claims(),
    )
    .unwrap();
    let new_kid = keys.rotate(Algorithm::ES256, at(0), &policy).unwrap().added;
    let new_key = keys.signer(Algorithm::ES256, at(60)).unwrap();
    assert_eq!(new_key.kid(), new_kid);
    let new = sign(new_key, "at+jwt", &claims()).unwrap();
    let e = |secs| expect(Algorithm::ES256).at(at(secs));
    assert!(check(&old, &keys, &e(60)).is_ok() && check(&new, &keys, &e(60)).is_ok());
    assert!(check(&old, &keys, &e(659)).is_err_and(|err| err == JwtError::Expired));
    let long = |secs| e(secs).leeway(Duration::from_secs(3600));
    assert!(check(&old, &keys, &long(659)).is_ok());
    assert_eq!(
        check(&old, &keys, &long(660)).unwrap_err(),
        JwtError::UnknownKey
    );
}

#[test]
fn messages_say_nothing_internal() {
    assert_eq!(JwtError::Malformed.to_string(), "the token is malformed");
    assert_eq!(
        JwtError::MissingClaim("sub".into()).to_string(),
        "the token lacks the required claim `sub`"
    );
    assert_eq!(
        crate::jose::KeyError::Decrypt.to_string(),
        "the stored key does not open with this key-encryption key"
    );
}
