//! DPoP under FAPI 2.0: holder of key required, the code bound at PAR (by a proof or by
//! `dpop_jkt`) and refused to another key, the `iat` window, the negative proofs, and the
//! scheme's case at the resource.

use serde_json::json;

use super::*;

#[tokio::test]
async fn fapi2_sp_final_ensure_holder_of_key_required() {
    let fapi = Fapi::start().await;
    let code = fapi.code(CLIENT, None).await;
    assert_error(
        &fapi.redeem(CLIENT, &code, VERIFIER, None).await,
        400,
        "invalid_dpop_proof",
    );
}

#[tokio::test]
async fn fapi2_sp_final_ensure_mismatched_dpop_jkt_fails() {
    let fapi = Fapi::start().await;
    let key = DpopKey::new();
    let other = DpopKey::new().jkt();
    let reply = fapi.push(CLIENT, &[("dpop_jkt", &other)], Some(&key)).await;
    assert_error(&reply, 400, "invalid_dpop_proof");
}

#[tokio::test]
async fn fapi2_sp_final_ensure_dpop_proof_at_par_endpoint_binding_success() {
    let fapi = Fapi::start().await;
    let key = DpopKey::new();
    let code = fapi.code(CLIENT, Some(&key)).await;
    let (status, tokens) = fapi.redeem(CLIENT, &code, VERIFIER, Some(&key)).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(
        tokens["token_type"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case("DPoP")
    );
}

#[tokio::test]
async fn fapi2_sp_final_ensure_token_endpoint_fails_with_mismatched_dpop_proof_jkt() {
    let fapi = Fapi::start().await;
    let code = fapi.code(CLIENT, Some(&DpopKey::new())).await;
    let other = DpopKey::new();
    assert_error(
        &fapi.redeem(CLIENT, &code, VERIFIER, Some(&other)).await,
        400,
        "invalid_grant",
    );
}

/// `dpop_jkt` pushed without a proof: the code is bound to that key.
async fn code_for_jkt(fapi: &Fapi, key: &DpopKey) -> String {
    let (status, pushed) = fapi.push(CLIENT, &[("dpop_jkt", &key.jkt())], None).await;
    assert_eq!(status, 201, "{pushed}");
    fapi.decide(CLIENT, pushed["request_uri"].as_str().unwrap(), "allow")
        .await["code"]
        .clone()
}

#[tokio::test]
async fn fapi2_sp_final_ensure_token_endpoint_fails_with_mismatched_dpop_jkt() {
    let fapi = Fapi::start().await;
    let code = code_for_jkt(&fapi, &DpopKey::new()).await;
    let other = DpopKey::new();
    assert_error(
        &fapi.redeem(CLIENT, &code, VERIFIER, Some(&other)).await,
        400,
        "invalid_grant",
    );
}

#[tokio::test]
async fn fapi2_sp_final_ensure_dpop_auth_code_binding_success() {
    let fapi = Fapi::start().await;
    let key = DpopKey::new();
    let code = code_for_jkt(&fapi, &key).await;
    let (status, tokens) = fapi.redeem(CLIENT, &code, VERIFIER, Some(&key)).await;
    assert_eq!(status, 200, "{tokens}");
}

#[tokio::test]
async fn fapi2_sp_final_ensure_dpop_proof_with_iat_10_seconds_before_and_after_succeeds() {
    let fapi = Fapi::start().await;
    for iat in [now() - 10, now() + 10] {
        let key = DpopKey::new();
        let code = fapi.code(CLIENT, Some(&key)).await;
        let params = [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
        ];
        let proof = key.proof_with(
            "POST",
            &fapi.url("/token"),
            json!({ "iat": iat }),
            json!({}),
        );
        let (status, tokens) = fapi
            .post("/token", &fapi.assertion(CLIENT), &params, Some(&proof))
            .await;
        assert_eq!(status, 200, "iat {iat}: {tokens}");
    }
}

#[tokio::test]
async fn fapi2_sp_final_dpop_negative_tests() {
    let fapi = Fapi::start().await;
    let key = DpopKey::new();
    let code = fapi.code(CLIENT, Some(&key)).await;
    let token_url = fapi.url("/token");
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let bad = [
        key.proof("GET", &token_url),
        key.proof("POST", &fapi.url("/par")),
        key.proof_with("POST", &token_url, json!({}), json!({ "typ": "JWT" })),
        key.proof_with("POST", &token_url, json!({ "jti": null }), json!({})),
        key.proof_with("POST", &token_url, json!({ "iat": now() - 600 }), json!({})),
        key.proof_with("POST", &token_url, json!({}), json!({ "alg": "none" })),
        "not.a.proof".to_owned(),
    ];
    for proof in &bad {
        let reply = fapi
            .post("/token", &fapi.assertion(CLIENT), &params, Some(proof))
            .await;
        assert_error(&reply, 400, "invalid_dpop_proof");
    }
    // None of them spent the code; a good proof redeems it, and cannot be replayed.
    let good = key.proof("POST", &token_url);
    let (status, tokens) = fapi
        .post("/token", &fapi.assertion(CLIENT), &params, Some(&good))
        .await;
    assert_eq!(status, 200, "{tokens}");
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
    ];
    let replayed = fapi
        .post("/token", &fapi.assertion(CLIENT), &refresh, Some(&good))
        .await;
    assert_error(&replayed, 400, "invalid_dpop_proof");
}

#[tokio::test]
async fn fapi2_sp_final_access_token_type_header_case_sensitivity() {
    let fapi = Fapi::start().await;
    let key = DpopKey::new();
    let tokens = fapi.tokens(&key).await;
    let access = tokens["access_token"].as_str().unwrap();
    for scheme in ["DPoP", "dpop", "DPOP"] {
        assert_eq!(
            fapi.me(scheme, access, &key).await.status(),
            200,
            "{scheme}"
        );
    }
    // The bound token as a Bearer is refused.
    let bearer = http()
        .get(fapi.url("/api/me"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 401);
}
