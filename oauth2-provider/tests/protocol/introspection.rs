//! The introspection endpoint (RFC 7662).

use std::time::Duration;

use crate::support::*;
use serde_json::json;

async fn introspect(server: &TestServer, auth: Auth<'_>, params: &[(&str, &str)]) -> JsonReply {
    let mut request = token_request(auth, params);
    *request.uri_mut() = "/introspect".parse().unwrap();
    JsonReply::from_response(server.introspect(request).await)
}

#[tokio::test]
async fn an_active_access_token_is_described() {
    let server = server_with(|c| c.issuer = Some("https://auth.example.com".into()));
    let tokens = web_tokens(&server, "read write").await;
    let reply = introspect(
        &server,
        Auth::Basic(API, API_SECRET),
        &[("token", tokens.access_token())],
    )
    .await;
    assert_eq!(reply.status, http::StatusCode::OK);
    assert_no_store(&reply);
    assert_eq!(reply.body["active"], true);
    assert_eq!(reply.body["scope"], "read write");
    assert_eq!(reply.body["client_id"], WEB);
    assert_eq!(reply.body["sub"], "user:alice");
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["iss"], "https://auth.example.com");
    let exp = reply.body["exp"].as_u64().expect("exp");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        (now + 3500..=now + 3600).contains(&exp),
        "exp {exp} is about an hour away"
    );
}

/// RFC 7662 §4: a client is no oracle for another's tokens. Its own tokens are active to it, an
/// access token to a resource server too, and to anyone else every token is exactly inactive;
/// a refresh token is active to its own client only.
#[tokio::test]
async fn a_token_is_active_only_to_its_own_client_or_a_resource_server() {
    let server = server();
    let tokens = web_tokens(&server, "read").await;
    let cases = [
        (WEB, WEB_SECRET, tokens.access_token(), true),
        (WEB, WEB_SECRET, tokens.refresh_token(), true),
        (API, API_SECRET, tokens.access_token(), true),
        (API, API_SECRET, tokens.refresh_token(), false),
        (OTHER, OTHER_SECRET, tokens.access_token(), false),
        (OTHER, OTHER_SECRET, tokens.refresh_token(), false),
    ];
    for (caller, secret, token, active) in cases {
        for hint in ["access_token", "refresh_token"] {
            let reply = introspect(
                &server,
                Auth::Basic(caller, secret),
                &[("token", token), ("token_type_hint", hint)],
            )
            .await;
            assert_eq!(reply.status, http::StatusCode::OK);
            if active {
                assert_eq!(reply.body["active"], true, "{caller} (hint {hint})");
                assert_eq!(reply.body["client_id"], WEB);
            } else {
                assert_eq!(
                    reply.body,
                    json!({"active": false}),
                    "{caller} (hint {hint})"
                );
            }
        }
    }
    // Asking changed nothing: the token still works for its client.
    let reply = introspect(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[("token", tokens.access_token())],
    )
    .await;
    assert_eq!(reply.body["active"], true);
}

#[tokio::test]
async fn an_active_refresh_token_is_described_and_a_rotated_one_is_not() {
    let server = server();
    let tokens = web_tokens(&server, "read").await;
    let reply = introspect(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("token", tokens.refresh_token()),
            ("token_type_hint", "refresh_token"),
        ],
    )
    .await;
    assert_eq!(reply.body["active"], true);
    assert_eq!(reply.body["token_type"], "refresh_token");
    let refreshed = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens.refresh_token()),
        ],
    )
    .await;
    assert_token_ok(&refreshed);
    let reply = introspect(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[("token", tokens.refresh_token())],
    )
    .await;
    assert_eq!(reply.body, json!({"active": false}));
}

#[tokio::test]
async fn unknown_revoked_and_expired_tokens_are_exactly_inactive() {
    let short_lived = server_with(|c| c.access_token_ttl = Duration::from_secs(1));
    let expired = token(
        &short_lived,
        Auth::Basic(WEB, WEB_SECRET),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_token_ok(&expired);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for token in [expired.access_token(), "never-issued", ""] {
        let reply = introspect(
            &short_lived,
            Auth::Basic(WEB, WEB_SECRET),
            &[("token", token)],
        )
        .await;
        if token.is_empty() {
            // An empty parameter is an omitted one (§3.1 of RFC 6749).
            assert_eq!(reply.str("error"), "invalid_request");
        } else {
            assert_eq!(reply.body, json!({"active": false}), "token {token:?}");
        }
    }

    let server = server();
    let tokens = web_tokens(&server, "read").await;
    let mut revoke = token_request(
        Auth::Basic(WEB, WEB_SECRET),
        &[("token", tokens.refresh_token())],
    );
    *revoke.uri_mut() = "/revoke".parse().unwrap();
    assert_eq!(server.revoke(revoke).await.status(), http::StatusCode::OK);
    for token in [tokens.access_token(), tokens.refresh_token()] {
        let reply = introspect(&server, Auth::Basic(WEB, WEB_SECRET), &[("token", token)]).await;
        assert_eq!(reply.body, json!({"active": false}));
    }
}

#[tokio::test]
async fn only_authenticated_confidential_clients_may_introspect() {
    let server = password_server();
    let tokens = web_tokens(&server, "read").await;
    let params = [("token", tokens.access_token())];
    for auth in [
        Auth::Public(NATIVE),
        Auth::Nothing,
        Auth::Basic(WEB, "wrong"),
        Auth::Basic("nobody", "x"),
    ] {
        let reply = introspect(&server, auth, &params).await;
        assert_token_error(
            &reply,
            http::StatusCode::UNAUTHORIZED,
            "invalid_client",
            &[tokens.access_token()],
        );
    }
}
