//! `private_key_jwt` under FAPI 2.0: the client-assertion modules, at the token endpoint and
//! at the PAR endpoint.

use serde_json::json;

use super::*;

#[tokio::test]
async fn fapi2_sp_final_ensure_client_assertion_in_token_endpoint() {
    let fapi = Fapi::start().await;
    let key = DpopKey::new();
    let code = fapi.code(CLIENT, Some(&key)).await;
    // The same request without any client authentication.
    let response = http()
        .post(fapi.url("/token"))
        .header("DPoP", key.proof("POST", &fapi.url("/token")))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
            ("client_id", CLIENT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error"], "invalid_client");
    // The code survived: the client can still redeem it properly.
    let (status, tokens) = fapi.redeem(CLIENT, &code, VERIFIER, Some(&key)).await;
    assert_eq!(status, 200, "{tokens}");
}

#[tokio::test]
async fn fapi2_sp_final_ensure_client_id_in_token_endpoint() {
    let fapi = Fapi::start().await;
    let key = DpopKey::new();
    let code = fapi.code(CLIENT, Some(&key)).await;
    // A client_id naming another client than the assertion does.
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
        ("client_id", SECOND),
    ];
    let proof = key.proof("POST", &fapi.url("/token"));
    let reply = fapi
        .post("/token", &fapi.assertion(CLIENT), &params, Some(&proof))
        .await;
    assert_error(&reply, 401, "invalid_client");
}

/// Redeems a fresh code with an assertion of `client` carrying `changes`.
async fn redeem_with(fapi: &Fapi, changes: Value) -> (reqwest::StatusCode, Value) {
    let key = DpopKey::new();
    let code = fapi.code(CLIENT, Some(&key)).await;
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let proof = key.proof("POST", &fapi.url("/token"));
    let assertion = fapi.assertion_with(CLIENT, changes);
    fapi.post("/token", &assertion, &params, Some(&proof)).await
}

#[tokio::test]
async fn fapi2_sp_final_ensure_client_assertion_with_exp_is_5_minutes_in_past_fails() {
    let fapi = Fapi::start().await;
    let changes = json!({ "exp": now() - 300, "iat": now() - 360 });
    assert_error(&redeem_with(&fapi, changes).await, 401, "invalid_client");
}

#[tokio::test]
async fn fapi2_sp_final_ensure_client_assertion_with_wrong_aud_fails() {
    let fapi = Fapi::start().await;
    let changes = json!({ "aud": "https://not-the-issuer.example" });
    assert_error(&redeem_with(&fapi, changes).await, 401, "invalid_client");
}

#[tokio::test]
async fn fapi2_sp_final_ensure_client_assertion_with_no_sub_fails() {
    let fapi = Fapi::start().await;
    assert_error(
        &redeem_with(&fapi, json!({ "sub": null })).await,
        401,
        "invalid_client",
    );
}

#[tokio::test]
async fn fapi2_sp_final_ensure_signed_client_assertion_with_rs256_fails() {
    let fapi = Fapi::start().await;
    let (status, pushed) = fapi.push(RSA_CLIENT, &[], None).await;
    assert_eq!(status, 401, "{pushed}");
    assert_eq!(pushed["error"], "invalid_client");
}

/// A push of `CLIENT` whose assertion carries `changes`.
async fn push_with(fapi: &Fapi, changes: Value) -> (reqwest::StatusCode, Value) {
    let params = [
        ("response_type", "code"),
        ("redirect_uri", CALLBACK),
        ("scope", "read"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    fapi.post("/par", &fapi.assertion_with(CLIENT, changes), &params, None)
        .await
}

#[tokio::test]
async fn fapi2_sp_final_par_ensure_jwt_client_assertion_with_iat_nbf_8_seconds_in_the_future_is_accepted()
 {
    let fapi = Fapi::start().await;
    let ahead = json!({ "iat": now() + 8, "nbf": now() + 8 });
    let (status, body) = push_with(&fapi, ahead).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn fapi2_sp_final_par_ensure_jwt_client_assertion_with_iat_nbf_over_60_seconds_in_the_future_fails()
 {
    let fapi = Fapi::start().await;
    let ahead = json!({ "iat": now() + 70, "nbf": now() + 70, "exp": now() + 130 });
    assert_error(&push_with(&fapi, ahead).await, 401, "invalid_client");
}

#[tokio::test]
async fn fapi2_sp_final_par_endpoint_as_audience_fails() {
    let fapi = Fapi::start().await;
    let aud = json!({ "aud": fapi.url("/par") });
    assert_error(&push_with(&fapi, aud).await, 401, "invalid_client");
}

#[tokio::test]
async fn fapi2_sp_final_par_token_endpoint_as_audience_fails() {
    let fapi = Fapi::start().await;
    let aud = json!({ "aud": fapi.url("/token") });
    assert_error(&push_with(&fapi, aud).await, 401, "invalid_client");
}

#[tokio::test]
async fn fapi2_sp_final_par_endpoint_as_array_audience_fails() {
    let fapi = Fapi::start().await;
    let aud = json!({ "aud": [fapi.issuer(), fapi.url("/par")] });
    assert_error(&push_with(&fapi, aud).await, 401, "invalid_client");
}
