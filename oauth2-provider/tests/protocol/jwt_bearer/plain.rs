//! Plain RFC 7523 assertions: what a valid one gets, once, and every refusal.

use http::StatusCode;
use jsonwebtoken::EncodingKey;
use oauth2_provider::grant::jwt_bearer::{TrustedIssuer, TrustedIssuers};
use serde_json::json;

use super::*;

#[tokio::test]
async fn a_valid_assertion_gets_a_token_for_its_subject_once() {
    let (idp, jag) = (Signer::new(), Signer::new());
    let server = jwt_server(&idp, &jag);
    let assertion = idp.sign(&plain_claims());
    let reply = present(&server, WEB_AUTH, &assertion, &[("scope", "read")]).await;
    assert_token_ok(&reply);
    assert!(
        reply.body.get("refresh_token").is_none(),
        "{:?}",
        reply.body
    );
    let issued = introspect(&server, reply.access_token()).await;
    assert_eq!(issued["active"], true);
    assert_eq!(issued["sub"], "alice@idp");
    assert_eq!(issued["client_id"], WEB);
    assert_eq!(issued["scope"], "read");
    // No `resource`: the provider's default resource, as for any grant (RFC 8707).
    assert_eq!(issued["aud"], MCP_RESOURCE);

    let before = counts(&server);
    let again = present(&server, WEB_AUTH, &assertion, &[("scope", "read")]).await;
    assert_token_error(
        &again,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[&assertion],
    );
    assert_eq!(counts(&server), before);
}

#[tokio::test]
async fn every_bad_assertion_is_invalid_grant_and_issues_nothing() {
    let (idp, jag) = (Signer::new(), Signer::new());
    let server = jwt_server(&idp, &jag);
    let stranger = Signer::new();
    let hs256 = {
        let header = json!({ "alg": "HS256", "typ": "JWT", "kid": idp.key.kid() });
        let message = format!("{}.{}", b64(&header), b64(&plain_claims()));
        let key = EncodingKey::from_secret(b"a shared secret").unwrap();
        let mac =
            jsonwebtoken::crypto::sign(message.as_bytes(), &key, jsonwebtoken::Algorithm::HS256)
                .unwrap();
        format!("{message}.{mac}")
    };
    let none = format!(
        "{}.{}.",
        b64(&json!({ "alg": "none", "typ": "JWT" })),
        b64(&plain_claims())
    );
    let forged = {
        let genuine = idp.sign(&plain_claims());
        let (head, _) = genuine.rsplit_once('.').unwrap();
        let other = stranger.sign(&plain_claims());
        let (_, signature) = other.rsplit_once('.').unwrap();
        format!("{head}.{signature}")
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "untrusted iss",
            idp.sign(&with(
                plain_claims(),
                json!({"iss": "https://evil.example"}),
            )),
            "the assertion's issuer is not trusted",
        ),
        (
            "wrong aud",
            idp.sign(&with(
                plain_claims(),
                json!({"aud": "https://other.example.com"}),
            )),
            "the assertion is not meant for this server",
        ),
        (
            "token endpoint aud, compat off",
            idp.sign(&with(
                plain_claims(),
                json!({"aud": format!("{ISSUER}/token")}),
            )),
            "the assertion is not meant for this server",
        ),
        (
            "array aud without ours",
            idp.sign(&with(
                plain_claims(),
                json!({"aud": ["https://a.example", "https://b.example"]}),
            )),
            "the assertion is not meant for this server",
        ),
        (
            "expired",
            idp.sign(&with(
                plain_claims(),
                json!({"iat": now() - 300, "exp": now() - 120}),
            )),
            "the assertion has expired",
        ),
        (
            "no exp",
            idp.sign(&with(plain_claims(), json!({"exp": null}))),
            "the assertion lacks a required claim",
        ),
        (
            "no sub",
            idp.sign(&with(plain_claims(), json!({"sub": null}))),
            "the assertion lacks a required claim",
        ),
        (
            "no jti",
            idp.sign(&with(plain_claims(), json!({"jti": null}))),
            "the assertion lacks a required claim",
        ),
        (
            "valid for too long",
            idp.sign(&with(plain_claims(), json!({"exp": now() + 3600}))),
            "the assertion is valid for too long",
        ),
        (
            "iat ahead",
            idp.sign(&with(
                plain_claims(),
                json!({"iat": now() + 600, "exp": now() + 700}),
            )),
            "the assertion was issued in the future",
        ),
        (
            "nbf ahead",
            idp.sign(&with(plain_claims(), json!({"nbf": now() + 200}))),
            "the assertion is not valid yet",
        ),
        ("alg none", none, "the assertion is malformed"),
        ("HS256", hs256, "the assertion's signature is invalid"),
        (
            "a key not in the set",
            stranger.sign(&plain_claims()),
            "the assertion's signature is invalid",
        ),
        (
            "another key's signature",
            forged,
            "the assertion's signature is invalid",
        ),
        (
            "an access token's typ",
            idp.sign_with(&idp.header(Some("at+jwt")), &plain_claims()),
            "the assertion's type is not accepted",
        ),
        (
            "not a JWT",
            "not.a.jwt".to_owned(),
            "the assertion is malformed",
        ),
    ];
    for (case, assertion, description) in &cases {
        let reply = present(&server, WEB_AUTH, assertion, &[]).await;
        assert_eq!(reply.body["error_description"], *description, "{case}");
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{case}: {:?}",
            reply.body
        );
        assert_eq!(
            reply.body["error"], "invalid_grant",
            "{case}: {:?}",
            reply.body
        );
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            &[assertion],
        );
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_refused_request_does_not_spend_the_assertion() {
    let (idp, jag) = (Signer::new(), Signer::new());
    let server = jwt_server(&idp, &jag);
    let assertion = idp.sign(&plain_claims());
    // The web client may hold read and write: admin is beyond it.
    let reply = present(&server, WEB_AUTH, &assertion, &[("scope", "read admin")]).await;
    assert_token_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_scope",
        &[&assertion],
    );
    let reply = present(&server, WEB_AUTH, &assertion, &[("scope", "read")]).await;
    assert_token_ok(&reply);
}

#[tokio::test]
async fn a_client_that_may_not_use_the_grant_is_unauthorized() {
    let (idp, jag) = (Signer::new(), Signer::new());
    let server = jwt_server(&idp, &jag);
    let assertion = idp.sign(&plain_claims());
    let service = Auth::Basic(SERVICE, SERVICE_SECRET);
    let reply = present(&server, service, &assertion, &[]).await;
    assert_token_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "unauthorized_client",
        &[&assertion],
    );
    // Refused before the assertion was looked at: it is still good for a client that may.
    assert_token_ok(&present(&server, WEB_AUTH, &assertion, &[]).await);
}

#[tokio::test]
async fn an_issuer_limited_to_some_clients_and_the_compat_audience() {
    let idp = Signer::new();
    let issuers = TrustedIssuers::builder()
        .issuer(TrustedIssuer::new(IDP, idp.keys()).clients([OTHER]))
        .accept_token_endpoint_audience(true)
        .build()
        .unwrap();
    let server = server_with(|c| {
        c.issuer = Some(ISSUER.to_owned());
        c.trusted_issuers = issuers;
    });
    let assertion = idp.sign(&with(
        plain_claims(),
        json!({"aud": format!("{ISSUER}/token")}),
    ));
    let reply = present(&server, WEB_AUTH, &assertion, &[]).await;
    assert_token_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[&assertion],
    );
    let reply = present(&server, Auth::Basic(OTHER, OTHER_SECRET), &assertion, &[]).await;
    assert_token_ok(&reply);
}

#[tokio::test]
async fn of_concurrent_presentations_of_one_assertion_one_wins() {
    let (idp, jag) = (Signer::new(), Signer::new());
    let server = jwt_server(&idp, &jag);
    let assertion = idp.sign(&plain_claims());
    let replies =
        futures::future::join_all((0..8).map(|_| present(&server, WEB_AUTH, &assertion, &[])))
            .await;
    let won = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(won, 1);
    assert_eq!(counts(&server).access, 1);
}
