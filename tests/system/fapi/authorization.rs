//! The flow under FAPI 2.0: discovery, the happy flow, PAR's one-time and client-bound
//! `request_uri`, PKCE, the authorization request's checks, codes, and refresh rotation with
//! its grace.

use serde_json::json;

use super::*;

#[tokio::test]
async fn fapi2_sp_final_discovery_end_point_verification() {
    let fapi = Fapi::start().await;
    let url = fapi.url("/.well-known/oauth-authorization-server");
    let bytes = http().get(url).send().await.unwrap().bytes().await.unwrap();
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["issuer"], fapi.issuer());
    assert_eq!(
        doc["pushed_authorization_request_endpoint"],
        fapi.url("/par")
    );
    assert_eq!(doc["require_pushed_authorization_requests"], true);
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(doc["response_types_supported"], json!(["code"]));
    let methods = doc["token_endpoint_auth_methods_supported"]
        .as_array()
        .unwrap();
    assert!(methods.contains(&json!("private_key_jwt")));
    let algs = &doc["token_endpoint_auth_signing_alg_values_supported"];
    assert_eq!(*algs, json!(["PS256", "ES256", "EdDSA"]));
    assert!(doc["dpop_signing_alg_values_supported"].is_array());
}

#[tokio::test]
async fn fapi2_sp_final_happy_flow() {
    let fapi = Fapi::start().await;
    let key = DpopKey::new();
    let tokens = fapi.tokens(&key).await;
    assert!(
        tokens["token_type"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case("DPoP")
    );
    let access = tokens["access_token"].as_str().unwrap();
    // FAPI 2.0 §5.4.1-4: at least 128 bits of entropy; ours are 256.
    assert!(access.len() >= 43, "{access}");
    let me = fapi.me("DPoP", access, &key).await;
    assert_eq!(me.status(), 200);
}

#[tokio::test]
async fn fapi2_sp_final_user_rejects_authentication() {
    let fapi = Fapi::start().await;
    let (_, pushed) = fapi.push(CLIENT, &[], None).await;
    let query = fapi
        .decide(CLIENT, pushed["request_uri"].as_str().unwrap(), "deny")
        .await;
    assert_eq!(query["error"], "access_denied");
    assert_eq!(query["iss"], fapi.issuer());
    assert!(!query.contains_key("code"));
}

#[tokio::test]
async fn fapi2_sp_final_ensure_authorization_request_without_state_success() {
    let fapi = Fapi::start().await;
    let (status, pushed) = fapi.push(CLIENT, &[("state", "")], None).await;
    assert_eq!(status, 201, "{pushed}");
    let query = fapi
        .decide(CLIENT, pushed["request_uri"].as_str().unwrap(), "allow")
        .await;
    assert!(query.contains_key("code") && !query.contains_key("state"));
}

#[tokio::test]
async fn fapi2_sp_final_ensure_authorization_request_with_long_state() {
    let fapi = Fapi::start().await;
    let state = "s".repeat(384);
    let (_, pushed) = fapi.push(CLIENT, &[("state", &state)], None).await;
    let query = fapi
        .decide(CLIENT, pushed["request_uri"].as_str().unwrap(), "allow")
        .await;
    assert_eq!(query["state"], state);
}

#[tokio::test]
async fn fapi2_sp_final_ensure_other_scope_order_succeeds() {
    let fapi = Fapi::start().await;
    let (_, pushed) = fapi.push(CLIENT, &[("scope", "write read")], None).await;
    let query = fapi
        .decide(CLIENT, pushed["request_uri"].as_str().unwrap(), "allow")
        .await;
    assert!(query.contains_key("code"), "{query:?}");
}

#[tokio::test]
async fn fapi2_sp_final_ensure_unsigned_authorization_request_without_using_par_fails() {
    let fapi = Fapi::start().await;
    let url = url::Url::parse_with_params(
        &fapi.url("/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", CLIENT),
            ("redirect_uri", CALLBACK),
            ("scope", "read"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )
    .unwrap();
    let response = http().get(url).send().await.unwrap();
    let location = crate::example::location(&response);
    let query: Query = location.query_pairs().into_owned().collect();
    assert_eq!(query["error"], "invalid_request", "{location}");
}

#[tokio::test]
async fn fapi2_sp_final_ensure_registered_redirect_uri() {
    let fapi = Fapi::start().await;
    let reply = fapi
        .push(CLIENT, &[("redirect_uri", "https://evil.example/cb")], None)
        .await;
    assert_error(&reply, 400, "invalid_request");
}

/// A pushed `response_type` other than `code` never gets a code or a token.
#[tokio::test]
async fn fapi2_sp_final_ensure_response_type_token_and_code_id_token_fail() {
    let fapi = Fapi::start().await;
    for response_type in ["token", "code id_token"] {
        let (status, pushed) = fapi
            .push(CLIENT, &[("response_type", response_type)], None)
            .await;
        // Pushed as given: the authorization endpoint refuses it, by redirect.
        assert_eq!(status, 201, "{pushed}");
        let url = fapi.authorize_url(CLIENT, pushed["request_uri"].as_str().unwrap());
        let response = http().get(url).send().await.unwrap();
        let location = crate::example::location(&response);
        let all = format!("{:?} {:?}", location.query(), location.fragment());
        assert!(all.contains("unsupported_response_type"), "{location}");
        assert!(
            !all.contains("code=") && !all.contains("access_token"),
            "{location}"
        );
    }
}

#[tokio::test]
async fn fapi2_sp_final_par_attempt_reuse_request_uri() {
    let fapi = Fapi::start().await;
    let (_, pushed) = fapi.push(CLIENT, &[], None).await;
    let request_uri = pushed["request_uri"].as_str().unwrap();
    fapi.decide(CLIENT, request_uri, "allow").await;
    let again = http()
        .get(fapi.authorize_url(CLIENT, request_uri))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);
}

#[tokio::test]
async fn fapi2_sp_final_par_ensure_reused_request_uri_prior_to_auth_completion_succeeds() {
    let fapi = Fapi::start().await;
    let (_, pushed) = fapi.push(CLIENT, &[], None).await;
    let request_uri = pushed["request_uri"].as_str().unwrap();
    // The first visit only shows the sign-in page: nothing is spent.
    let first = http()
        .get(fapi.authorize_url(CLIENT, request_uri))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let query = fapi.decide(CLIENT, request_uri, "allow").await;
    assert!(query.contains_key("code"));
}

#[tokio::test]
async fn fapi2_sp_final_par_ensure_request_uri_is_bound_to_client() {
    let fapi = Fapi::start().await;
    let (_, pushed) = fapi.push(CLIENT, &[], None).await;
    let url = fapi.authorize_url(SECOND, pushed["request_uri"].as_str().unwrap());
    let response = http().get(url).send().await.unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn fapi2_sp_final_par_reject_request_uri_in_par_authorization_form_params() {
    let fapi = Fapi::start().await;
    let (_, pushed) = fapi.push(CLIENT, &[], None).await;
    let reply = fapi
        .push(
            CLIENT,
            &[("request_uri", pushed["request_uri"].as_str().unwrap())],
            None,
        )
        .await;
    assert_error(&reply, 400, "invalid_request");
}

#[tokio::test]
async fn fapi2_sp_final_par_reject_invalid_http_verb() {
    let fapi = Fapi::start().await;
    let response = http().get(fapi.url("/par")).send().await.unwrap();
    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn fapi2_sp_final_par_without_duplicate_parameters() {
    let fapi = Fapi::start().await;
    let params = [
        ("response_type", "code"),
        ("redirect_uri", CALLBACK),
        ("scope", "read"),
        ("scope", "write"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    let reply = fapi
        .post("/par", &fapi.assertion(CLIENT), &params, None)
        .await;
    assert_error(&reply, 400, "invalid_request");
}

#[tokio::test]
async fn fapi2_sp_final_par_ensure_pkce_required() {
    let fapi = Fapi::start().await;
    let (status, pushed) = fapi
        .push(
            CLIENT,
            &[("code_challenge", ""), ("code_challenge_method", "")],
            None,
        )
        .await;
    assert_eq!(status, 201, "{pushed}");
    let query = fapi
        .refused(CLIENT, pushed["request_uri"].as_str().unwrap())
        .await;
    assert_eq!(query["error"], "invalid_request");
}

#[tokio::test]
async fn fapi2_sp_final_par_ensure_plain_pkce_rejected() {
    let fapi = Fapi::start().await;
    let plain = [
        ("code_challenge", VERIFIER),
        ("code_challenge_method", "plain"),
    ];
    let (status, pushed) = fapi.push(CLIENT, &plain, None).await;
    assert_eq!(status, 201, "{pushed}");
    let query = fapi
        .refused(CLIENT, pushed["request_uri"].as_str().unwrap())
        .await;
    assert_eq!(query["error"], "invalid_request");
}

#[tokio::test]
async fn fapi2_sp_final_par_incorrect_and_missing_pkce_code_verifier_rejected() {
    let fapi = Fapi::start().await;
    let key = DpopKey::new();
    let code = fapi.code(CLIENT, Some(&key)).await;
    let wrong = "x".repeat(43);
    assert_error(
        &fapi.redeem(CLIENT, &code, &wrong, Some(&key)).await,
        400,
        "invalid_grant",
    );
    let code = fapi.code(CLIENT, Some(&key)).await;
    let reply = fapi.redeem(CLIENT, &code, "", Some(&key)).await;
    assert_eq!(reply.0, 400, "{}", reply.1);
    assert!(reply.1.get("access_token").is_none());
}

#[tokio::test]
async fn fapi2_sp_final_ensure_authorization_code_is_bound_to_client() {
    let fapi = Fapi::start().await;
    let key = DpopKey::new();
    let code = fapi.code(CLIENT, Some(&key)).await;
    assert_error(
        &fapi.redeem(SECOND, &code, VERIFIER, Some(&key)).await,
        400,
        "invalid_grant",
    );
}

#[tokio::test]
async fn fapi2_sp_final_attempt_reuse_authorization_code_after_one_second() {
    let fapi = Fapi::start().await;
    let key = DpopKey::new();
    let code = fapi.code(CLIENT, Some(&key)).await;
    let (status, tokens) = fapi.redeem(CLIENT, &code, VERIFIER, Some(&key)).await;
    assert_eq!(status, 200, "{tokens}");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_error(
        &fapi.redeem(CLIENT, &code, VERIFIER, Some(&key)).await,
        400,
        "invalid_grant",
    );
    // RFC 9700 §4.2.4: the tokens of a replayed code are revoked.
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(fapi.me("DPoP", access, &key).await.status(), 401);
}

#[tokio::test]
async fn fapi2_sp_final_attempt_to_use_expired_auth_code() {
    let fapi = Fapi::start_with(&["--code-ttl", "1"]).await;
    let key = DpopKey::new();
    let code = fapi.code(CLIENT, Some(&key)).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_error(
        &fapi.redeem(CLIENT, &code, VERIFIER, Some(&key)).await,
        400,
        "invalid_grant",
    );
}

#[tokio::test]
async fn fapi2_sp_final_refresh_token() {
    let fapi = Fapi::start().await;
    let key = DpopKey::new();
    let first = fapi.tokens(&key).await;
    let refresh = |token: String| {
        let fapi = &fapi;
        let key = &key;
        async move {
            let params = [
                ("grant_type", "refresh_token"),
                ("refresh_token", token.as_str()),
            ];
            let proof = key.proof("POST", &fapi.url("/token"));
            fapi.post("/token", &fapi.assertion(CLIENT), &params, Some(&proof))
                .await
        }
    };
    let previous = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, rotated) = refresh(previous.clone()).await;
    assert_eq!(status, 200, "{rotated}");
    // The module waits 30 s, then replays the previous token: within the grace, it works.
    let (status, replayed) = refresh(previous).await;
    assert_eq!(status, 200, "{replayed}");
    // The successor stays valid too.
    let successor = rotated["refresh_token"].as_str().unwrap().to_owned();
    let (status, next) = refresh(successor).await;
    assert_eq!(status, 200, "{next}");
}
