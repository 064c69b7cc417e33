//! `private_key_jwt` at the token endpoint: what is accepted, and each claim or header that
//! is refused, named after the FAPI 2.0 and OpenID conformance modules where one exists.

use super::*;

#[tokio::test]
async fn oidcc_ensure_client_assertion_with_iss_aud_succeeds() {
    let suite = strict();
    let reply = with_assertion(&suite, &pkj_assertion(&suite, &claims(PKJ))).await;
    assert_token_ok(&reply);
    let introspected = introspect(&suite.server, reply.access_token()).await;
    assert_eq!(introspected.body["client_id"], PKJ);
}

#[tokio::test]
async fn a_jti_is_refused_the_second_time() {
    let suite = strict();
    let first = claims(PKJ);
    let assertion = pkj_assertion(&suite, &first);
    assert_token_ok(&with_assertion(&suite, &assertion).await);
    assert_invalid_client(&with_assertion(&suite, &assertion).await, &[&assertion]);
    // Another assertion with the same jti, too.
    let mut again = claims(PKJ);
    again["jti"] = first["jti"].clone();
    let other = pkj_assertion(&suite, &again);
    assert_invalid_client(&with_assertion(&suite, &other).await, &[&other]);
}

#[tokio::test]
async fn a_refused_assertion_does_not_spend_its_jti() {
    let suite = strict();
    let claims = claims(PKJ);
    // Signed by a key the client never registered.
    let stranger = SigningKey::generate(Algorithm::ES256).unwrap();
    let forged = sign(&stranger, "JWT", &claims).unwrap();
    assert_invalid_client(&with_assertion(&suite, &forged).await, &[&forged]);
    // With a wrong audience.
    let mut wrong = claims.clone();
    wrong["aud"] = json!("https://elsewhere.example");
    let misaddressed = pkj_assertion(&suite, &wrong);
    assert_invalid_client(&with_assertion(&suite, &misaddressed).await, &[]);
    // The genuine one with that jti still works.
    assert_token_ok(&with_assertion(&suite, &pkj_assertion(&suite, &claims)).await);
}

#[tokio::test]
async fn fapi2_client_assertion_with_exp_is_5_minutes_in_past_fails() {
    let suite = strict();
    let past = claims_with(PKJ, json!({ "exp": now() - 300, "iat": now() - 360 }));
    assert_invalid_client(
        &with_assertion(&suite, &pkj_assertion(&suite, &past)).await,
        &[],
    );
}

#[tokio::test]
async fn an_assertion_without_exp_or_jti_or_living_too_long_fails() {
    let suite = strict();
    for changes in [
        json!({ "exp": null }),
        json!({ "jti": null }),
        json!({ "jti": "" }),
        json!({ "exp": now() + 2 * 3600 }),
        json!({ "exp": "tomorrow" }),
        json!({ "iat": now() + 600 }),
    ] {
        let assertion = pkj_assertion(&suite, &claims_with(PKJ, changes));
        assert_invalid_client(&with_assertion(&suite, &assertion).await, &[]);
    }
}

#[tokio::test]
async fn fapi2_client_assertion_nbf_8_seconds_in_the_future_is_accepted() {
    let suite = strict();
    let early = claims_with(PKJ, json!({ "nbf": now() + 8 }));
    assert_token_ok(&with_assertion(&suite, &pkj_assertion(&suite, &early)).await);
    let too_early = claims_with(PKJ, json!({ "nbf": now() + 120 }));
    assert_invalid_client(
        &with_assertion(&suite, &pkj_assertion(&suite, &too_early)).await,
        &[],
    );
}

#[tokio::test]
async fn fapi2_client_assertion_no_sub_fails_and_sub_and_iss_are_the_client() {
    let suite = strict();
    for changes in [
        json!({ "sub": null }),
        json!({ "iss": null }),
        json!({ "sub": OTHER }),
        json!({ "iss": OTHER }),
    ] {
        let assertion = pkj_assertion(&suite, &claims_with(PKJ, changes));
        assert_invalid_client(&with_assertion(&suite, &assertion).await, &[]);
    }
    // A client_id parameter that names another client than the assertion.
    let assertion = pkj_assertion(&suite, &claims(PKJ));
    let mut params = CLIENT_CREDENTIALS.to_vec();
    params.push(("client_id", OTHER));
    let reply = token(&suite.server, Auth::Assertion(&assertion), &params).await;
    assert_invalid_client(&reply, &[]);
    // The same, naming the assertion's client, is fine.
    let mut params = CLIENT_CREDENTIALS.to_vec();
    params.push(("client_id", PKJ));
    assert_token_ok(&token(&suite.server, Auth::Assertion(&assertion), &params).await);
}

#[tokio::test]
async fn fapi2_wrong_aud_fails_and_strict_mode_takes_the_issuer_as_one_string() {
    let suite = strict();
    for aud in [
        json!("https://elsewhere.example"),
        json!(TOKEN_URL),
        json!([ISSUER]),
        json!([ISSUER, "https://elsewhere.example"]),
        json!(null),
    ] {
        let assertion = pkj_assertion(&suite, &claims_with(PKJ, json!({ "aud": aud })));
        assert_invalid_client(&with_assertion(&suite, &assertion).await, &[]);
    }
}

#[tokio::test]
async fn compat_mode_also_takes_the_token_endpoint_and_arrays() {
    let suite = compat();
    for aud in [
        json!(ISSUER),
        json!(TOKEN_URL),
        json!(["https://x.example", TOKEN_URL]),
    ] {
        let assertion = pkj_assertion(&suite, &claims_with(PKJ, json!({ "aud": aud })));
        assert_token_ok(&with_assertion(&suite, &assertion).await);
    }
    let elsewhere = claims_with(PKJ, json!({ "aud": ["https://x.example"] }));
    assert_invalid_client(
        &with_assertion(&suite, &pkj_assertion(&suite, &elsewhere)).await,
        &[],
    );
}

#[tokio::test]
async fn none_and_mac_algorithms_are_refused_for_private_key_jwt() {
    let suite = strict();
    let unsigned = format!("{}.{}.", b64(&json!({ "alg": "none" })), b64(&claims(PKJ)));
    assert_invalid_client(&with_assertion(&suite, &unsigned).await, &[]);
    // HS256 keyed with the public key's bytes: the classic key-confusion attack.
    let public = suite.keys.es256.public_jwk().to_string();
    let confused = maced(
        public.as_bytes(),
        jsonwebtoken::Algorithm::HS256,
        &claims(PKJ),
    );
    assert_invalid_client(&with_assertion(&suite, &confused).await, &[]);
}

#[tokio::test]
async fn a_kidless_assertion_is_verified_by_the_one_key_for_its_alg() {
    let suite = strict();
    let header = json!({ "alg": "EdDSA", "typ": "JWT" });
    let assertion = signed(&suite.keys.ed25519, header, &claims(PKJ));
    assert_token_ok(&with_assertion(&suite, &assertion).await);
}

#[tokio::test]
async fn a_jwt_client_never_passes_as_public_nor_with_a_secret() {
    let suite = strict();
    let reply = token(&suite.server, Auth::Public(PKJ), CLIENT_CREDENTIALS).await;
    assert_invalid_client(&reply, &[]);
    // Nor does a keyed client whose method the model cannot read.
    let reply = token(
        &suite.server,
        Auth::Public(UNKNOWN_METHOD),
        CLIENT_CREDENTIALS,
    )
    .await;
    assert_invalid_client(&reply, &[]);
    let reply = token(
        &suite.server,
        Auth::Basic(CSJ, "anything"),
        CLIENT_CREDENTIALS,
    )
    .await;
    assert_invalid_client(&reply, &[]);
    // A secret client's assertion is refused as well: it registered no keys.
    let key = SigningKey::generate(Algorithm::ES256).unwrap();
    let assertion = sign(&key, "JWT", &claims(WEB)).unwrap();
    assert_invalid_client(&with_assertion(&suite, &assertion).await, &[]);
}

#[tokio::test]
async fn an_assertion_with_another_credential_is_invalid_request() {
    let suite = strict();
    let assertion = pkj_assertion(&suite, &claims(PKJ));
    let mut request = token_request(Auth::Assertion(&assertion), CLIENT_CREDENTIALS);
    request
        .headers_mut()
        .insert(http::header::AUTHORIZATION, basic(PKJ, "x"));
    let reply = JsonReply::from_response(suite.server.token(request).await);
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    // A wrong assertion type, or an assertion without its type.
    let mut params = CLIENT_CREDENTIALS.to_vec();
    params.push(("client_assertion_type", "urn:example:saml"));
    params.push(("client_assertion", &assertion));
    let reply = token(&suite.server, Auth::Nothing, &params).await;
    assert_invalid_client(&reply, &[]);
    let mut params = CLIENT_CREDENTIALS.to_vec();
    params.push(("client_assertion", &assertion));
    let reply = token(&suite.server, Auth::Nothing, &params).await;
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    // Nothing was spent: the assertion still works alone.
    assert_token_ok(&with_assertion(&suite, &assertion).await);
}
