//! The token endpoint (RFC 6749 §3.2, §4.1.3, §4.3, §4.4, §5, §8.3), driven with real
//! `http::Request`s: a flow per grant, and every request-level error with its status, code,
//! headers, and proof that nothing was stored.

mod support;

use bytes::Bytes;
use http::header::{ALLOW, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use http::{Method, Request, StatusCode};
use oauth2_provider::grant::GrantType;
use oauth2_provider::model::TokenHash;
use oauth2_provider::model::TokenModel;
use oauth2_provider::store::TokenStore;
use support::*;

fn raw_post(content_type: Option<&str>, uri: &str, body: &str) -> Request<Bytes> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(AUTHORIZATION, basic(SERVICE, SERVICE_SECRET));
    if let Some(content_type) = content_type {
        builder = builder.header(CONTENT_TYPE, content_type);
    }
    builder.body(Bytes::from(body.to_owned())).unwrap()
}

const EMPTY: Counts = Counts {
    codes: 0,
    access: 0,
    refresh: 0,
};

// ---------------------------------------------------------------------------------------------
// Flows, one per grant.

#[tokio::test]
async fn client_credentials_flow() {
    let server = server();
    let reply = token(
        &server,
        Auth::Basic(SERVICE, SERVICE_SECRET),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "read admin"),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read admin");
    assert_eq!(reply.body["expires_in"], 3600);
    // §4.4.3: no refresh token.
    assert!(reply.body.get("refresh_token").is_none());
    assert_eq!(
        counts(&server),
        Counts {
            codes: 0,
            access: 1,
            refresh: 0
        }
    );

    let token = server
        .bearer(&bearer_headers(reply.access_token()), scope("admin"))
        .await
        .expect("the issued token validates");
    assert_eq!(token.client_id(), SERVICE);
    assert_eq!(token.subject(), None);
}

#[tokio::test]
async fn client_credentials_with_client_secret_post_and_default_scope() {
    let server = server();
    let reply = token(
        &server,
        Auth::Post(WEB, WEB_SECRET),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_token_ok(&reply);
    // §3.3: no scope requested means the default scope.
    assert_eq!(reply.str("scope"), "read");
}

#[tokio::test]
async fn only_the_sha256_of_a_token_is_stored() {
    let server = server();
    let reply = token(
        &server,
        Auth::Basic(SERVICE, SERVICE_SECRET),
        &[("grant_type", "client_credentials")],
    )
    .await;
    let token = reply.access_token();
    let store = &server.provider().store;
    let record = store
        .find_access_token(&TokenHash::of(token))
        .await
        .unwrap()
        .expect("the token is stored under its hash");
    assert_eq!(*record.token_hash(), TokenHash::of(token));
    assert!(!format!("{record:?}").contains(token));
    // Two issues never give the same token.
    let again = token_value(&server).await;
    assert_ne!(again, token);
}

async fn token_value(server: &TestServer) -> String {
    token(
        server,
        Auth::Basic(SERVICE, SERVICE_SECRET),
        &[("grant_type", "client_credentials")],
    )
    .await
    .access_token()
    .to_owned()
}

#[tokio::test]
async fn authorization_code_flow_confidential_client_with_pkce() {
    let server = server();
    let code = code_for(&server, WEB, WEB_CALLBACK, "read write").await;
    assert_is_256_bit_token(&code);
    assert_eq!(
        counts(&server),
        Counts {
            codes: 1,
            access: 0,
            refresh: 0
        }
    );

    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", WEB_CALLBACK),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read write");
    assert_ne!(reply.access_token(), reply.refresh_token());
    assert_eq!(
        counts(&server),
        Counts {
            codes: 1,
            access: 1,
            refresh: 1
        }
    );
    let token = server
        .bearer(&bearer_headers(reply.access_token()), scope("write"))
        .await
        .unwrap();
    assert_eq!(token.subject(), Some("user:alice"));
    assert_eq!(token.client_id(), WEB);
}

#[tokio::test]
async fn authorization_code_flow_public_client() {
    let server = server();
    let redirect = "http://127.0.0.1:49152/callback";
    let code = code_for(&server, NATIVE, redirect, "read").await;
    let reply = token(
        &server,
        Auth::Public(NATIVE),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read");
    assert!(token_is_valid(&server, reply.access_token(), scope("read")).await);
}

#[tokio::test]
async fn authorization_code_flow_confidential_client_without_pkce() {
    let server = server();
    // No redirect_uri in the request: the only registered one is used, and the token request
    // need not repeat it (§4.1.3).
    let reply = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", WEB),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    assert_eq!(reply.target(), WEB_CALLBACK);
    let code = reply.query()["code"].clone();
    let reply = token(
        &server,
        Auth::Post(WEB, WEB_SECRET),
        &[("grant_type", "authorization_code"), ("code", &code)],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read");
}

#[tokio::test]
async fn password_flow() {
    let server = password_server();
    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "password"),
            ("username", ALICE),
            ("password", ALICE_PASSWORD),
            ("scope", "write"),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "write");
    assert_is_256_bit_token(reply.refresh_token());
    assert_eq!(
        counts(&server),
        Counts {
            codes: 0,
            access: 1,
            refresh: 1
        }
    );
    let token = server
        .bearer(&bearer_headers(reply.access_token()), scope("write"))
        .await
        .unwrap();
    assert_eq!(token.subject(), Some("user:alice"));
}

#[tokio::test]
async fn extension_grant_flow() {
    let server = server();
    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", JWT_BEARER),
            ("assertion", GOOD_ASSERTION),
            ("scope", "read"),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read");
    assert!(reply.body.get("refresh_token").is_none());
    assert!(token_is_valid(&server, reply.access_token(), scope("read")).await);
}

// ---------------------------------------------------------------------------------------------
// The HTTP envelope: method, content type, size, parameters.

#[tokio::test]
async fn get_is_405_with_allow_post() {
    let server = server();
    let request = Request::builder()
        .method(Method::GET)
        .uri("https://auth.example.com/token?grant_type=client_credentials")
        .header(AUTHORIZATION, basic(SERVICE, SERVICE_SECRET))
        .body(Bytes::new())
        .unwrap();
    let reply = JsonReply::from_response(server.token(request).await);
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.header(ALLOW), Some("POST"));
    assert_eq!(reply.str("error"), "invalid_request");
    assert_no_store(&reply);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn only_form_urlencoded_bodies_are_read() {
    let server = server();
    for content_type in [
        Some("application/json"),
        Some("text/plain"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let body = if content_type == Some("application/json") {
            r#"{"grant_type":"client_credentials"}"#
        } else {
            "grant_type=client_credentials"
        };
        let request = raw_post(content_type, "https://auth.example.com/token", body);
        let reply = JsonReply::from_response(server.token(request).await);
        assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    }
    assert_eq!(counts(&server), EMPTY);

    // Parameters and case of the media type are not a reason to refuse.
    let request = raw_post(
        Some("Application/X-WWW-Form-Urlencoded; charset=UTF-8"),
        "https://auth.example.com/token",
        "grant_type=client_credentials",
    );
    let reply = JsonReply::from_response(server.token(request).await);
    assert_token_ok(&reply);
}

#[tokio::test]
async fn a_repeated_parameter_is_invalid_request() {
    let server = server();
    for body in [
        "grant_type=client_credentials&grant_type=client_credentials",
        "grant_type=client_credentials&scope=read&scope=write",
    ] {
        let request = raw_post(
            Some("application/x-www-form-urlencoded"),
            "https://auth.example.com/token",
            body,
        );
        let reply = JsonReply::from_response(server.token(request).await);
        assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn malformed_encoding_is_invalid_request() {
    let server = server();
    for body in [
        "grant_type=client_credentials&scope=%zz",
        "grant_type=client_credentials&scope=%",
        "grant_type=client_credentials&scope=%ff",
    ] {
        let request = raw_post(
            Some("application/x-www-form-urlencoded"),
            "https://auth.example.com/token",
            body,
        );
        let reply = JsonReply::from_response(server.token(request).await);
        assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn credentials_in_the_query_string_are_refused() {
    let server = password_server();
    let request = raw_post(
        Some("application/x-www-form-urlencoded"),
        "https://auth.example.com/token?password=wonderland",
        "grant_type=password&username=alice&password=wonderland",
    );
    let reply = JsonReply::from_response(server.token(request).await);
    assert_token_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &[ALICE_PASSWORD],
    );
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let server = server_with(|c| c.max_body_bytes = 64);
    let padding = "x".repeat(100);
    let request = raw_post(
        Some("application/x-www-form-urlencoded"),
        "https://auth.example.com/token",
        &format!("grant_type=client_credentials&pad={padding}"),
    );
    let reply = JsonReply::from_response(server.token(request).await);
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.str("error"), "invalid_request");
    assert_no_store(&reply);
    assert_eq!(counts(&server), EMPTY);
}

// ---------------------------------------------------------------------------------------------
// Dispatch: grant types switched on and off, per provider and per client.

#[tokio::test]
async fn a_missing_grant_type_is_invalid_request() {
    let server = server();
    let reply = token(
        &server,
        Auth::Basic(SERVICE, SERVICE_SECRET),
        &[("scope", "read")],
    )
    .await;
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn an_unknown_grant_type_is_unsupported() {
    let server = server();
    for grant_type in [
        "magic",
        "urn:ietf:params:oauth:grant-type:saml2-bearer",
        // The implicit grant has no token request (§4.2).
        "implicit",
        "Client_Credentials",
    ] {
        let reply = token(
            &server,
            Auth::Basic(SERVICE, SERVICE_SECRET),
            &[("grant_type", grant_type)],
        )
        .await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &[grant_type],
        );
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn password_is_off_by_default() {
    let server = server();
    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "password"),
            ("username", ALICE),
            ("password", ALICE_PASSWORD),
        ],
    )
    .await;
    assert_token_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "unsupported_grant_type",
        &[ALICE_PASSWORD],
    );
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_grant_switched_off_in_the_config_is_unsupported() {
    for (grant, params) in [
        (
            GrantType::ClientCredentials,
            vec![("grant_type", "client_credentials")],
        ),
        (
            GrantType::AuthorizationCode,
            vec![("grant_type", "authorization_code"), ("code", "whatever")],
        ),
        (
            GrantType::RefreshToken,
            vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", "whatever"),
            ],
        ),
        (
            GrantType::Extension(JWT_BEARER),
            vec![("grant_type", JWT_BEARER), ("assertion", GOOD_ASSERTION)],
        ),
    ] {
        let server = server_with(|c| {
            c.grants.disable(grant);
        });
        let reply = token(&server, Auth::Basic(OTHER, OTHER_SECRET), &params).await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &[],
        );
        assert_eq!(counts(&server), EMPTY);
    }
}

#[tokio::test]
async fn a_grant_the_client_may_not_use_is_unauthorized_client() {
    let server = password_server();
    let cases = [
        (
            SERVICE,
            SERVICE_SECRET,
            vec![
                ("grant_type", "password"),
                ("username", ALICE),
                ("password", ALICE_PASSWORD),
            ],
        ),
        (
            SERVICE,
            SERVICE_SECRET,
            vec![("grant_type", JWT_BEARER), ("assertion", GOOD_ASSERTION)],
        ),
        (
            NO_REFRESH,
            NO_REFRESH_SECRET,
            vec![("grant_type", "client_credentials")],
        ),
    ];
    for (id, secret, params) in cases {
        let reply = token(&server, Auth::Basic(id, secret), &params).await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            &[ALICE_PASSWORD, GOOD_ASSERTION],
        );
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn client_credentials_is_for_confidential_clients_only() {
    let server = server();
    let reply = token(
        &server,
        Auth::Public(NATIVE),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "unauthorized_client", &[]);
    assert_eq!(counts(&server), EMPTY);
}

// ---------------------------------------------------------------------------------------------
// Scope (§3.3).

#[tokio::test]
async fn an_unknown_malformed_or_excessive_scope_is_invalid_scope() {
    let server = password_server();
    for requested in [
        "read delete",
        "read  write",
        " read",
        "read\"",
        // WEB may hold read and write only.
        "admin",
        "read write admin",
    ] {
        let cc = token(
            &server,
            Auth::Basic(WEB, WEB_SECRET),
            &[("grant_type", "client_credentials"), ("scope", requested)],
        )
        .await;
        assert_token_error(&cc, StatusCode::BAD_REQUEST, "invalid_scope", &[]);
        let password = token(
            &server,
            Auth::Basic(WEB, WEB_SECRET),
            &[
                ("grant_type", "password"),
                ("username", ALICE),
                ("password", ALICE_PASSWORD),
                ("scope", requested),
            ],
        )
        .await;
        assert_token_error(
            &password,
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &[ALICE_PASSWORD],
        );
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_combined_scope_name_is_accepted_and_answered_as_singles() {
    let server = server();
    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "read_write"),
        ],
    )
    .await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read write");
}

// ---------------------------------------------------------------------------------------------
// The password grant (§4.3).

#[tokio::test]
async fn password_errors() {
    let server = password_server();
    let wrong = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "password"),
            ("username", ALICE),
            ("password", "not-wonderland"),
        ],
    )
    .await;
    assert_token_error(
        &wrong,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &["not-wonderland"],
    );
    let nobody = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "password"),
            ("username", "mallory"),
            ("password", ALICE_PASSWORD),
        ],
    )
    .await;
    assert_token_error(
        &nobody,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &["mallory", ALICE_PASSWORD],
    );
    // Wrong password and unknown user are indistinguishable.
    assert_eq!(wrong.body, nobody.body);

    for params in [
        vec![("grant_type", "password"), ("username", ALICE)],
        vec![("grant_type", "password"), ("password", ALICE_PASSWORD)],
        vec![
            ("grant_type", "password"),
            ("username", ALICE),
            ("password", ""),
        ],
    ] {
        let reply = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &[ALICE_PASSWORD],
        );
    }
    assert_eq!(counts(&server), EMPTY);
}

// ---------------------------------------------------------------------------------------------
// Extension grants (§8.3).

#[tokio::test]
async fn extension_grant_errors() {
    let server = server();
    let bad = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", JWT_BEARER),
            ("assertion", "forged.assertion"),
        ],
    )
    .await;
    assert_token_error(
        &bad,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &["forged.assertion"],
    );
    let missing = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[("grant_type", JWT_BEARER)],
    )
    .await;
    assert_token_error(&missing, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    // The hook granted admin; WEB may not hold it, and the runtime cuts that off.
    let beyond = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", JWT_BEARER),
            ("assertion", GOOD_ASSERTION),
            ("scope", "read admin"),
        ],
    )
    .await;
    assert_token_error(&beyond, StatusCode::BAD_REQUEST, "invalid_scope", &[]);
    // Client authentication still applies.
    let unauthenticated = token(
        &server,
        Auth::Basic(WEB, "wrong"),
        &[("grant_type", JWT_BEARER), ("assertion", GOOD_ASSERTION)],
    )
    .await;
    assert_token_error(
        &unauthenticated,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        &[],
    );
    assert_eq!(counts(&server), EMPTY);
}

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

    let server = support::server();
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
