//! The compact JWS this crate writes and reads is jsonwebtoken's, byte for byte: the signing
//! and verifying over keys parsed once (`sig`) changed who calls aws-lc-rs, not the format.
//! And what jsonwebtoken refused on the way in stays refused.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use super::*;
use crate::jose::sign;

#[test]
fn tokens_are_what_jsonwebtoken_writes_and_reads() {
    for alg in Algorithm::ALL {
        let (keys, key) = one_key(alg);
        let token = sign(&key, "at+jwt", &claims()).unwrap();
        let mut header = jsonwebtoken::Header::new(alg.to_jwt());
        header.typ = Some("at+jwt".to_owned());
        header.kid = Some(key.kid().to_owned());
        let theirs = jsonwebtoken::encode(&header, &claims(), &key.encoding()).unwrap();
        // RS256 and EdDSA signatures are deterministic, so the whole token is the same;
        // PS256 and ES256 are randomised, so the signing input is.
        match alg {
            Algorithm::RS256 | Algorithm::EdDSA => assert_eq!(token, theirs, "{alg}"),
            Algorithm::PS256 | Algorithm::ES256 => assert_eq!(
                token.rsplit_once('.').unwrap().0,
                theirs.rsplit_once('.').unwrap().0,
                "{alg}"
            ),
        }
        // Each verifies the other's.
        let decoding =
            jsonwebtoken::DecodingKey::from_jwk(&serde_json::from_value(key.public_jwk()).unwrap())
                .unwrap();
        let validation = crate::jose::signature_only(alg);
        jsonwebtoken::decode::<Value>(&token, &decoding, &validation).unwrap();
        assert_eq!(check(&theirs, &keys, &expect(alg)).unwrap(), claims());
    }
}

/// A token of `key` whose header and payload are these JSON texts, as written.
fn raw(key: &SigningKey, header: &str, payload: &str) -> String {
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), &key.encoding(), key.alg().to_jwt())
            .unwrap();
    format!("{message}.{signature}")
}

#[test]
fn duplicate_claims_are_refused() {
    let (keys, key) = one_key(Algorithm::EdDSA);
    let header = json!({ "alg": "EdDSA", "typ": "at+jwt", "kid": key.kid() }).to_string();
    let base = format!(
        r#""iss":"{ISS}","aud":"api","exp":{},"iat":{}"#,
        epoch(600),
        epoch(0)
    );
    let once = raw(&key, &header, &format!(r#"{{{base},"sub":"alice"}}"#));
    assert!(check(&once, &keys, &expect(Algorithm::EdDSA)).is_ok());
    for twice in [
        format!(r#"{{{base},"sub":"alice","sub":"mallory"}}"#),
        format!(r#"{{{base},"exp":{}}}"#, epoch(100_000)),
        format!(r#"{{{base},"scope":"read","scope":"admin"}}"#),
    ] {
        let token = raw(&key, &header, &twice);
        assert_eq!(
            check(&token, &keys, &expect(Algorithm::EdDSA)).unwrap_err(),
            JwtError::Malformed,
            "{twice}"
        );
    }
}

#[test]
fn sub_is_a_string() {
    let (keys, key) = one_key(Algorithm::ES256);
    let header = json!({ "alg": "ES256", "typ": "at+jwt", "kid": key.kid() });
    for sub in [json!(["alice"]), json!({ "name": "alice" }), json!(7)] {
        let mut claims = claims();
        claims["sub"] = sub;
        let token = forge(
            &key,
            jsonwebtoken::Algorithm::ES256,
            header.clone(),
            &claims,
        );
        assert_eq!(
            check(&token, &keys, &expect(Algorithm::ES256)).unwrap_err(),
            JwtError::InvalidClaim("sub")
        );
    }
}

#[test]
fn unencoded_payloads_are_refused() {
    // RFC 7797's `b64`: anything but `true` changes what the signature covers.
    let (keys, key) = one_key(Algorithm::ES256);
    for b64 in [json!(false), json!("false"), json!(0)] {
        let header = json!({ "alg": "ES256", "typ": "at+jwt", "kid": key.kid(), "b64": b64 });
        let token = forge(&key, jsonwebtoken::Algorithm::ES256, header, &claims());
        assert_eq!(
            check(&token, &keys, &expect(Algorithm::ES256)).unwrap_err(),
            JwtError::Malformed,
            "{b64}"
        );
    }
    let header = json!({ "alg": "ES256", "typ": "at+jwt", "kid": key.kid(), "b64": true });
    let token = forge(&key, jsonwebtoken::Algorithm::ES256, header, &claims());
    assert!(check(&token, &keys, &expect(Algorithm::ES256)).is_ok());
}

#[test]
fn signatures_and_payloads_must_be_base64url() {
    let (keys, key) = one_key(Algorithm::ES256);
    let token = sign(&key, "at+jwt", &claims()).unwrap();
    let (message, signature) = token.rsplit_once('.').unwrap();
    for bad in [
        format!("{message}.{signature}="),
        // The standard alphabet's `+` where base64url has `-`.
        format!("{message}.+{}", &signature[1..]),
        format!("{message}.!"),
    ] {
        let refused = check(&bad, &keys, &expect(Algorithm::ES256)).unwrap_err();
        assert!(
            matches!(refused, JwtError::Malformed | JwtError::InvalidSignature),
            "{bad}: {refused:?}"
        );
    }
    let unpadded = format!("{message}.{signature}=");
    assert_eq!(
        check(&unpadded, &keys, &expect(Algorithm::ES256)).unwrap_err(),
        JwtError::Malformed
    );
    // An empty signature is a signature that does not verify.
    assert_eq!(
        check(&format!("{message}."), &keys, &expect(Algorithm::ES256)).unwrap_err(),
        JwtError::InvalidSignature
    );
}
