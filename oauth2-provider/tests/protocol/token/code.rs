//! The authorization code grant (§4.1.3, RFC 7636 §4.5–4.6).

use super::*;

// ---------------------------------------------------------------------------------------------
// The authorization code grant (§4.1.3, RFC 7636 §4.5–4.6).

fn exchange<'a>(
    code: &'a str,
    redirect_uri: &'a str,
    verifier: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier),
    ]
}

const ONE_CODE: Counts = Counts {
    codes: 1,
    access: 0,
    refresh: 0,
};

#[tokio::test]
async fn a_code_is_single_use_and_a_replay_revokes_what_it_issued() {
    let server = server();
    let code = code_for(&server, WEB, WEB_CALLBACK, "read write").await;
    let params = exchange(&code, WEB_CALLBACK, VERIFIER);
    let first = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
    assert_token_ok(&first);
    assert!(token_is_valid(&server, first.access_token(), scope("read")).await);

    let replay = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
    assert_token_error(&replay, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
    // §4.1.2: everything the code issued is revoked.
    assert!(!token_is_valid(&server, first.access_token(), scope("read")).await);
    let refresh = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first.refresh_token()),
        ],
    )
    .await;
    assert_token_error(&refresh, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    assert_eq!(counts(&server), EMPTY);
    assert_eq!(
        revocations(&server),
        [oauth2_provider::provider::RevokeReason::CodeReplay]
    );

    // A third try finds nothing.
    let third = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
    assert_token_error(&third, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_code_replay_revokes_tokens_refreshed_from_it_too() {
    let server = server();
    let code = code_for(&server, WEB, WEB_CALLBACK, "read").await;
    let params = exchange(&code, WEB_CALLBACK, VERIFIER);
    let first = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
    let refreshed = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first.refresh_token()),
        ],
    )
    .await;
    assert_token_ok(&refreshed);

    let replay = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
    assert_token_error(&replay, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
    assert!(!token_is_valid(&server, refreshed.access_token(), scope("read")).await);
    let again = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refreshed.refresh_token()),
        ],
    )
    .await;
    assert_token_error(&again, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_code_is_bound_to_its_client() {
    let server = server();
    let code = code_for(&server, WEB, WEB_CALLBACK, "read").await;
    let stolen = token(
        &server,
        Auth::Basic(OTHER, OTHER_SECRET),
        &exchange(&code, WEB_CALLBACK, VERIFIER),
    )
    .await;
    assert_token_error(&stolen, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
    assert_eq!(counts(&server), ONE_CODE);
    // The theft did not consume the code.
    let own = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &exchange(&code, WEB_CALLBACK, VERIFIER),
    )
    .await;
    assert_token_ok(&own);
}

#[tokio::test]
async fn a_code_is_bound_to_its_redirect_uri() {
    let server = server();
    let code = code_for(&server, MULTI, MULTI_CALLBACK_A, "read").await;
    let wrong = token(
        &server,
        Auth::Basic(MULTI, MULTI_SECRET),
        &exchange(&code, MULTI_CALLBACK_B, VERIFIER),
    )
    .await;
    assert_token_error(&wrong, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
    // §4.1.3: required when the authorization request carried one.
    let missing = token(
        &server,
        Auth::Basic(MULTI, MULTI_SECRET),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_token_error(
        &missing,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &[&code],
    );
    assert_eq!(counts(&server), ONE_CODE);
    let right = token(
        &server,
        Auth::Basic(MULTI, MULTI_SECRET),
        &exchange(&code, MULTI_CALLBACK_A, VERIFIER),
    )
    .await;
    assert_token_ok(&right);
}

#[tokio::test]
async fn a_code_is_bound_to_its_pkce_challenge() {
    let server = server();
    let code = code_for(&server, WEB, WEB_CALLBACK, "read").await;
    let other_verifier = "x".repeat(43);
    for verifier in [other_verifier.as_str(), CHALLENGE, "short"] {
        let reply = token(
            &server,
            Auth::Basic(WEB, WEB_SECRET),
            &exchange(&code, WEB_CALLBACK, verifier),
        )
        .await;
        assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
    }
    let missing = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", WEB_CALLBACK),
        ],
    )
    .await;
    assert_token_error(&missing, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
    assert_eq!(counts(&server), ONE_CODE);
    assert_token_ok(
        &token(
            &server,
            Auth::Basic(WEB, WEB_SECRET),
            &exchange(&code, WEB_CALLBACK, VERIFIER),
        )
        .await,
    );
}

#[tokio::test]
async fn a_verifier_for_a_code_issued_without_a_challenge_is_rejected() {
    let server = server();
    let reply = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", WEB),
            ("redirect_uri", WEB_CALLBACK),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    let code = reply.query()["code"].clone();
    let downgrade = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &exchange(&code, WEB_CALLBACK, VERIFIER),
    )
    .await;
    assert_token_error(
        &downgrade,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[&code],
    );
    assert_eq!(counts(&server), ONE_CODE);
}

#[tokio::test]
async fn an_expired_code_is_invalid_grant() {
    let server = server_with(|c| c.code_ttl = std::time::Duration::ZERO);
    let code = code_for(&server, WEB, WEB_CALLBACK, "read").await;
    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &exchange(&code, WEB_CALLBACK, VERIFIER),
    )
    .await;
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
    assert_eq!(counts(&server), ONE_CODE);
}

#[tokio::test]
async fn an_unknown_or_missing_code() {
    let server = server();
    let forged = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let unknown = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &exchange(forged, WEB_CALLBACK, VERIFIER),
    )
    .await;
    assert_token_error(
        &unknown,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[forged],
    );
    let missing = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "authorization_code"),
            ("redirect_uri", WEB_CALLBACK),
        ],
    )
    .await;
    assert_token_error(&missing, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    // An access token is not a code.
    let access = token_value(&server).await;
    let confused = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &exchange(&access, WEB_CALLBACK, VERIFIER),
    )
    .await;
    assert_token_error(
        &confused,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[&access],
    );
    assert_eq!(
        counts(&server),
        Counts {
            codes: 0,
            access: 1,
            refresh: 0
        }
    );
}

#[tokio::test]
async fn no_refresh_token_when_the_refresh_grant_is_off() {
    let server = server_with(|c| {
        c.grants.disable(GrantType::RefreshToken);
    });
    let reply = web_tokens(&server, "read").await;
    assert!(reply.body.get("refresh_token").is_none());
    assert_eq!(server.provider().store.refresh_token_count(), 0);

    let server = crate::support::server();
    let code = code_for(&server, NO_REFRESH, WEB_CALLBACK, "read").await;
    let reply = token(
        &server,
        Auth::Basic(NO_REFRESH, NO_REFRESH_SECRET),
        &exchange(&code, WEB_CALLBACK, VERIFIER),
    )
    .await;
    assert_token_ok(&reply);
    assert!(reply.body.get("refresh_token").is_none());
    assert_eq!(server.provider().store.refresh_token_count(), 0);
}

#[tokio::test]
async fn responses_carry_no_store_on_success_and_error() {
    let server = server();
    let ok = server
        .token(token_request(
            Auth::Basic(SERVICE, SERVICE_SECRET),
            &[("grant_type", "client_credentials")],
        ))
        .await;
    let err = server
        .token(token_request(
            Auth::Basic(SERVICE, SERVICE_SECRET),
            &[("grant_type", "nope")],
        ))
        .await;
    for response in [ok, err] {
        assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
        assert_eq!(response.headers()[http::header::PRAGMA], "no-cache");
    }
}

#[tokio::test]
async fn handle_routes_on_the_configured_paths() {
    let server = server_with(|c| {
        c.paths.token = "/oauth/token".to_owned();
        c.paths.authorize = "/oauth/authorize".to_owned();
    });
    let mut request = token_request(
        Auth::Basic(SERVICE, SERVICE_SECRET),
        &[("grant_type", "client_credentials")],
    );
    *request.uri_mut() = "https://auth.example.com/oauth/token".parse().unwrap();
    assert_token_ok(&JsonReply::from_response(server.handle(request).await));

    let mut request = authorize_request(&[], Some(ALICE));
    *request.uri_mut() = format!(
        "https://auth.example.com/oauth/authorize?{}",
        form_encode(&[("client_id", WEB), ("state", "s")])
    )
    .parse()
    .unwrap();
    let reply = AuthorizeReply::from_response(server.handle(request).await);
    // No response_type: an error that goes back to the verified client.
    assert_eq!(reply.query()["error"], "invalid_request");

    // The default paths are not served any more.
    let request = token_request(
        Auth::Basic(SERVICE, SERVICE_SECRET),
        &[("grant_type", "client_credentials")],
    );
    assert_eq!(server.handle(request).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        counts(&server),
        Counts {
            codes: 0,
            access: 1,
            refresh: 0
        }
    );
}

/// An authorization request without `redirect_uri` for the web client (one registered URI).
async fn code_without_redirect_uri(server: &TestServer) -> String {
    let reply = authorize(
        server,
        &[
            ("response_type", "code"),
            ("client_id", WEB),
            ("scope", "read"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    assert!(reply.location().as_str().starts_with(WEB_CALLBACK));
    reply.query().get("code").cloned().expect("a code")
}

#[tokio::test]
async fn a_redirect_uri_omitted_at_authorization_is_optional_but_checked_at_the_token_endpoint() {
    let server = server();
    let exchange_with = |code: String, uri: Option<&'static str>| {
        let server = &server;
        async move {
            let mut params = vec![
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("code_verifier", VERIFIER),
            ];
            params.extend(uri.map(|uri| ("redirect_uri", uri)));
            token(server, Auth::Basic(WEB, WEB_SECRET), &params).await
        }
    };
    // §4.1.3 requires it only when the authorization request had it; the one the code went to
    // may still be repeated, and any other is refused without consuming the code.
    let code = code_without_redirect_uri(&server).await;
    assert_token_ok(&exchange_with(code, None).await);
    let code = code_without_redirect_uri(&server).await;
    assert_token_ok(&exchange_with(code, Some(WEB_CALLBACK)).await);
    let code = code_without_redirect_uri(&server).await;
    let before = counts(&server);
    let wrong = exchange_with(code.clone(), Some(OTHER_CALLBACK)).await;
    assert_token_error(&wrong, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
    assert_eq!(counts(&server), before);
}
