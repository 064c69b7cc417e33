//! The other ways in: keys at a `jwks_uri` that rotate, `client_secret_jwt`, the other
//! endpoints that authenticate clients, and what the metadata says.

use super::*;

#[tokio::test]
async fn oidcc_refresh_token_rp_key_rotation_fetches_the_jwks_uri_again_once() {
    let suite = strict();
    let assertion = |key: &SigningKey| sign(key, "JWT", &claims(PKJ_URI)).unwrap();
    assert_token_ok(&with_assertion(&suite, &assertion(&suite.keys.published)).await);
    assert_token_ok(&with_assertion(&suite, &assertion(&suite.keys.published)).await);
    assert_eq!(
        *suite.publisher.fetches.lock().unwrap(),
        1,
        "the set is kept"
    );

    // The client rotates to a new key: the unknown kid makes the server fetch again.
    let rotated = SigningKey::generate(Algorithm::ES256).unwrap();
    *suite.publisher.set.lock().unwrap() = jwks(&[&rotated]);
    assert_token_ok(&with_assertion(&suite, &assertion(&rotated)).await);
    assert_eq!(*suite.publisher.fetches.lock().unwrap(), 2);

    // Unknown kids do not make it fetch on every request.
    let stranger = SigningKey::generate(Algorithm::ES256).unwrap();
    for _ in 0..3 {
        assert_invalid_client(&with_assertion(&suite, &assertion(&stranger)).await, &[]);
    }
    assert_eq!(*suite.publisher.fetches.lock().unwrap(), 2);
}

#[tokio::test]
async fn client_secret_jwt_only_when_switched_on() {
    let claims = claims(CSJ);
    let off = strict();
    let assertion = maced(CSJ_SECRET, jsonwebtoken::Algorithm::HS256, &claims);
    assert_invalid_client(&with_assertion(&off, &assertion).await, &[]);

    let on = suite(ClientAssertions::new().client_secret_jwt(true));
    assert_token_ok(&with_assertion(&on, &assertion).await);
    assert_invalid_client(&with_assertion(&on, &assertion).await, &[]);
    let wrong = maced(
        b"another secret, of the same size",
        jsonwebtoken::Algorithm::HS256,
        &super::claims(CSJ),
    );
    assert_invalid_client(&with_assertion(&on, &wrong).await, &[]);
    let hs512 = maced(
        CSJ_SECRET,
        jsonwebtoken::Algorithm::HS512,
        &super::claims(CSJ),
    );
    assert_token_ok(&with_assertion(&on, &hs512).await);
    // A private_key_jwt client's assertion MACed with anything stays refused.
    let pkj = maced(
        CSJ_SECRET,
        jsonwebtoken::Algorithm::HS256,
        &super::claims(PKJ),
    );
    assert_invalid_client(&with_assertion(&on, &pkj).await, &[]);
}

#[tokio::test]
async fn revocation_and_introspection_take_assertions() {
    let suite = strict();
    let reply = with_assertion(&suite, &pkj_assertion(&suite, &claims(PKJ))).await;
    let access = reply.access_token().to_owned();

    let mut request = token_request(
        Auth::Assertion(&pkj_assertion(&suite, &claims(PKJ))),
        &[("token", &access)],
    );
    *request.uri_mut() = "/introspect".parse().unwrap();
    let introspected = JsonReply::from_response(suite.server.introspect(request).await);
    assert_eq!(
        introspected.status,
        StatusCode::OK,
        "{:?}",
        introspected.body
    );
    assert_eq!(introspected.body["active"], true);

    let mut request = token_request(
        Auth::Assertion(&pkj_assertion(&suite, &claims(PKJ))),
        &[("token", &access)],
    );
    *request.uri_mut() = "/revoke".parse().unwrap();
    let revoked = suite.server.revoke(request).await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(
        introspect(&suite.server, &access).await.body["active"],
        false
    );
}

#[tokio::test]
async fn a_pushed_request_authenticated_by_assertion() {
    let suite = strict();
    let params = [
        ("response_type", "code"),
        ("redirect_uri", PKJ_CALLBACK),
        ("scope", "read"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    let assertion = pkj_assertion(&suite, &claims(PKJ));
    let mut request = token_request(Auth::Assertion(&assertion), &params);
    *request.uri_mut() = "/par".parse().unwrap();
    let pushed = JsonReply::from_response(suite.server.handle(request).await);
    assert_eq!(pushed.status, StatusCode::CREATED, "{:?}", pushed.body);
    // The same assertion pushed again is a replay.
    let mut request = token_request(Auth::Assertion(&assertion), &params);
    *request.uri_mut() = "/par".parse().unwrap();
    let replayed = JsonReply::from_response(suite.server.handle(request).await);
    assert_eq!(
        replayed.status,
        StatusCode::UNAUTHORIZED,
        "{:?}",
        replayed.body
    );
    assert_eq!(replayed.str("error"), "invalid_client");
}

#[tokio::test]
async fn metadata_lists_the_jwt_methods_and_their_algorithms() {
    let metadata = |suite: &Suite| {
        let response = suite.server.metadata();
        serde_json::from_slice::<Value>(response.body()).unwrap()
    };
    let body = metadata(&strict());
    let methods = body["token_endpoint_auth_methods_supported"]
        .as_array()
        .unwrap();
    assert!(methods.contains(&json!("private_key_jwt")));
    assert!(!methods.contains(&json!("client_secret_jwt")));
    assert_eq!(
        body["token_endpoint_auth_signing_alg_values_supported"],
        json!(["RS256", "PS256", "ES256", "EdDSA"])
    );
    let introspection = body["introspection_endpoint_auth_methods_supported"]
        .as_array()
        .unwrap();
    assert!(introspection.contains(&json!("private_key_jwt")));
    assert!(!introspection.contains(&json!("none")));

    let fapi = suite(
        ClientAssertions::new()
            .algorithms(&[Algorithm::PS256, Algorithm::ES256])
            .client_secret_jwt(true),
    );
    let body = metadata(&fapi);
    assert!(
        body["token_endpoint_auth_methods_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("client_secret_jwt"))
    );
    assert_eq!(
        body["revocation_endpoint_auth_signing_alg_values_supported"],
        json!(["PS256", "ES256", "HS256", "HS384", "HS512"])
    );
}

#[tokio::test]
async fn fapi2_rs256_is_refused_when_the_policy_leaves_it_out() {
    let suite = suite(ClientAssertions::new().algorithms(&[Algorithm::PS256, Algorithm::ES256]));
    // ES256 still works; an EdDSA assertion (not on this list) does not.
    assert_token_ok(&with_assertion(&suite, &pkj_assertion(&suite, &claims(PKJ))).await);
    let header = json!({ "alg": "EdDSA" });
    let assertion = signed(&suite.keys.ed25519, header, &claims(PKJ));
    assert_invalid_client(&with_assertion(&suite, &assertion).await, &[]);
}
