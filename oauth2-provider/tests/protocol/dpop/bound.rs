//! Bound tokens in use: the `DPoP` scheme at a resource, `dpop_jkt` codes, public clients'
//! refresh tokens.

use http::StatusCode;
use http::header::WWW_AUTHENTICATE;
use oauth2_provider::resource::Requirements;
use serde_json::json;

use super::*;

#[tokio::test]
async fn a_bound_token_needs_its_proof_at_the_resource() {
    let server = dpop_server();
    let key = Key::new();
    let reply = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        CLIENT_CREDENTIALS,
        &[&key.token_proof()],
    )
    .await;
    let token = reply.access_token();
    let any = Requirements::any();

    // As a bearer token: refused.
    let rejection = server
        .bearer_request(&api_request("Bearer", token, None), &any)
        .await
        .unwrap_err();
    assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(rejection.error().unwrap().code().as_str(), "invalid_token");
    assert!(
        server
            .bearer_with(&api_request("Bearer", token, None).headers, &any)
            .await
            .is_err()
    );

    // With the DPoP scheme and a proof for this request and token: accepted.
    let proof = key.proof("GET", API_URL, json!({ "ath": ath(token) }));
    let valid = server
        .bearer_request(&api_request("DPoP", token, Some(&proof)), &any)
        .await;
    assert_eq!(valid.unwrap().client_id(), WEB);
    // Once.
    let again = server
        .bearer_request(&api_request("DPoP", token, Some(&proof)), &any)
        .await;
    assert!(again.is_err());

    let refused = [
        ("no ath", key.proof("GET", API_URL, json!({}))),
        (
            "wrong ath",
            key.proof("GET", API_URL, json!({ "ath": ath("another") })),
        ),
        (
            "another key",
            Key::new().proof("GET", API_URL, json!({ "ath": ath(token) })),
        ),
        (
            "wrong htm",
            key.proof("POST", API_URL, json!({ "ath": ath(token) })),
        ),
        (
            "wrong htu",
            key.proof(
                "GET",
                "https://auth.example.com/api/me",
                json!({ "ath": ath(token) }),
            ),
        ),
    ];
    for (case, proof) in refused {
        let rejection = server
            .bearer_request(&api_request("DPoP", token, Some(&proof)), &any)
            .await
            .unwrap_err();
        assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED, "{case}");
        let response = rejection.into_response();
        let challenge = response.headers()[WWW_AUTHENTICATE].to_str().unwrap();
        assert!(challenge.starts_with("DPoP "), "{case}: {challenge}");
        assert!(
            challenge.contains("error=\"invalid_dpop_proof\""),
            "{case}: {challenge}"
        );
        assert!(
            challenge.contains("algs=\"ES256 EdDSA PS256 RS256\""),
            "{case}: {challenge}"
        );
    }
    let no_proof = server
        .bearer_request(&api_request("DPoP", token, None), &any)
        .await
        .unwrap_err();
    assert_eq!(no_proof.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_dpop_jkt_code_is_redeemed_only_with_that_key() {
    let server = dpop_server();
    let key = Key::new();
    let jkt = key.jkt();
    let reply = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", WEB),
            ("redirect_uri", WEB_CALLBACK),
            ("scope", "read"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("dpop_jkt", &jkt),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    let code = reply.query()["code"].clone();
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", WEB_CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let other = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &params,
        &[&Key::new().token_proof()],
    )
    .await;
    assert_token_error(&other, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    let none = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
    assert_dpop_error(&none, "invalid_dpop_proof");
    let right = token_with(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &params,
        &[&key.token_proof()],
    )
    .await;
    assert_eq!(right.status, StatusCode::OK, "{:?}", right.body);
    assert_eq!(right.str("token_type"), "DPoP");
    // A confidential client's refresh token is bound to its authentication, not the key.
    let refresh = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", right.refresh_token()),
        ],
    )
    .await;
    assert_token_ok(&refresh);
}

#[tokio::test]
async fn a_public_clients_refresh_token_is_bound() {
    let server = dpop_server();
    let key = Key::new();
    let code = code_for(&server, NATIVE, NATIVE_LOOPBACK, "read").await;
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", NATIVE_LOOPBACK),
        ("code_verifier", VERIFIER),
    ];
    let tokens = token_with(
        &server,
        Auth::Public(NATIVE),
        &params,
        &[&key.token_proof()],
    )
    .await;
    assert_eq!(tokens.status, StatusCode::OK, "{:?}", tokens.body);
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", tokens.refresh_token()),
    ];

    let without = token(&server, Auth::Public(NATIVE), &refresh).await;
    assert_dpop_error(&without, "invalid_dpop_proof");
    let other = token_with(
        &server,
        Auth::Public(NATIVE),
        &refresh,
        &[&Key::new().token_proof()],
    )
    .await;
    assert_token_error(&other, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    let right = token_with(
        &server,
        Auth::Public(NATIVE),
        &refresh,
        &[&key.token_proof()],
    )
    .await;
    assert_eq!(right.status, StatusCode::OK, "{:?}", right.body);
    assert_eq!(right.str("token_type"), "DPoP");
}
