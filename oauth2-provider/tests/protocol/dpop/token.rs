//! Proofs at the token endpoint: binding, refusals, nonces, metadata.

use std::time::Duration;

use http::StatusCode;
use jsonwebtoken::EncodingKey;
use oauth2_provider::dpop::{Dpop, Nonces, jwk_thumbprint};
use serde_json::json;

use super::*;

#[test]
fn the_thumbprint_is_rfc_7638s() {
    // RFC 7638 §3.1.
    let jwk = json!({
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29"
    });
    assert_eq!(
        jwk_thumbprint(&jwk).as_deref(),
        Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    );
}

#[tokio::test]
async fn a_proof_binds_the_access_token() {
    let server = dpop_server();
    let key = Key::new();
    let proof = key.token_proof();
    let reply = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&proof],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.str("token_type"), "DPoP");
    let info = introspect(&server, reply.access_token()).await;
    assert_eq!(info.body["active"], true);
    assert_eq!(info.body["token_type"], "DPoP");
    assert_eq!(info.body["cnf"], json!({ "jkt": key.jkt() }));

    // Without a proof, as before: a bearer token, no `cnf`.
    let plain = token(&server, Auth::Basic(WEB, WEB_SECRET), CLIENT_CREDENTIALS).await;
    assert_token_ok(&plain);
    assert!(
        introspect(&server, plain.access_token())
            .await
            .body
            .get("cnf")
            .is_none()
    );
}

#[tokio::test]
async fn bad_proofs_issue_nothing() {
    let server = dpop_server();
    let key = Key::new();
    let replayed = key.token_proof();
    let first = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&replayed],
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    let issued = counts(&server);

    let mut hs256_header =
        json!({ "typ": "dpop+jwt", "alg": "HS256", "jwk": { "kty": "oct", "k": "c2VjcmV0" } });
    let claims = json!({ "jti": random_jti(), "htm": "POST", "htu": TOKEN_URL, "iat": now() });
    let message = format!("{}.{}", b64(&hs256_header), b64(&claims));
    let hmac = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(b"secret").unwrap(),
        jsonwebtoken::Algorithm::HS256,
    )
    .unwrap();
    let hs256 = format!("{message}.{hmac}");
    hs256_header["alg"] = json!("none");
    let none = format!("{}.{}.", b64(&hs256_header), b64(&claims));
    let mut private = key.header();
    private["jwk"]["d"] = json!("AAAA");
    let with_private = key.sign(&private, &claims);
    let mut untyped = key.header();
    untyped["typ"] = json!("JWT");
    let wrong_type = key.sign(&untyped, &claims);
    let other = Key::new();
    let foreign_signature = {
        let genuine = key.token_proof();
        let forged = other.token_proof();
        let (head, _) = genuine.rsplit_once('.').unwrap();
        let (_, signature) = forged.rsplit_once('.').unwrap();
        format!("{head}.{signature}")
    };

    let cases: Vec<(&str, Vec<String>)> = vec![
        ("replayed", vec![replayed]),
        ("wrong htm", vec![key.proof("GET", TOKEN_URL, json!({}))]),
        (
            "wrong htu",
            vec![key.proof("POST", "https://auth.example.com/other", json!({}))],
        ),
        (
            "Host-based htu",
            vec![key.proof("POST", "https://evil.example/token", json!({}))],
        ),
        (
            "stale iat",
            vec![key.proof("POST", TOKEN_URL, json!({ "iat": now() - 120 }))],
        ),
        (
            "future iat",
            vec![key.proof("POST", TOKEN_URL, json!({ "iat": now() + 120 }))],
        ),
        ("alg none", vec![none]),
        ("HS256", vec![hs256]),
        ("private jwk", vec![with_private]),
        ("typ", vec![wrong_type]),
        ("signature", vec![foreign_signature]),
        ("garbage", vec!["not-a-jwt".to_owned()]),
        ("two headers", vec![key.token_proof(), key.token_proof()]),
    ];
    for (case, proofs) in cases {
        let proofs: Vec<&str> = proofs.iter().map(String::as_str).collect();
        let reply = token_with(
            &server,
            Auth::Basic(WEB, WEB_SECRET),
            CLIENT_CREDENTIALS,
            &proofs,
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{case}: {:?}",
            reply.body
        );
        assert_dpop_error(&reply, "invalid_dpop_proof");
        assert_eq!(counts(&server), issued, "{case}: something was issued");
    }

    // A proof within the window, a few seconds ahead, and with a query in `htu`, is fine.
    let ahead = key.proof(
        "POST",
        "https://AUTH.example.com:443/token?x=1",
        json!({ "iat": now() + 10 }),
    );
    let reply = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&ahead],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
}

#[tokio::test]
async fn nonces_are_required_when_configured() {
    let nonces = Nonces::new(&[9; 32], Duration::from_secs(300)).unwrap();
    let server = server_with(|c| {
        c.issuer = Some(ISSUER.to_owned());
        c.dpop = Dpop::new().with_nonces(nonces);
    });
    let key = Key::new();
    let first = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&key.token_proof()],
    )
    .await;
    assert_dpop_error(&first, "use_dpop_nonce");
    let nonce = first
        .header(http::HeaderName::from_static("dpop-nonce"))
        .expect("a DPoP-Nonce")
        .to_owned();
    assert_eq!(counts(&server), EMPTY);

    let stale = key.proof("POST", TOKEN_URL, json!({ "nonce": "made-up" }));
    let reply = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&stale],
    )
    .await;
    assert_dpop_error(&reply, "use_dpop_nonce");

    let retry = key.proof("POST", TOKEN_URL, json!({ "nonce": nonce }));
    let reply = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&retry],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.str("token_type"), "DPoP");
}

#[tokio::test]
async fn metadata_lists_the_algorithms() {
    let server = dpop_server();
    let reply = JsonReply::from_response(server.metadata());
    assert_eq!(
        reply.body["dpop_signing_alg_values_supported"],
        json!(["ES256", "EdDSA", "PS256", "RS256"])
    );
}
