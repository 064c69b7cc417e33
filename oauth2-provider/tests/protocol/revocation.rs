//! The revocation endpoint (RFC 7009).

use crate::support::*;
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use oauth2_provider::provider::RevokeReason;

/// Sends a revocation request: the status, and the JSON error when it is not a 200.
async fn revoke(
    server: &TestServer,
    auth: Auth<'_>,
    params: &[(&str, &str)],
) -> (StatusCode, Option<JsonReply>) {
    let mut request = token_request(auth, params);
    *request.uri_mut() = "/revoke".parse().unwrap();
    let response = server.revoke(request).await;
    let status = response.status();
    assert_eq!(response.headers()[http::header::CACHE_CONTROL], "no-store");
    if status == StatusCode::OK {
        assert!(
            response.body().is_empty(),
            "RFC 7009 §2.2: the success has no content"
        );
        return (status, None);
    }
    (status, Some(JsonReply::from_response(response)))
}

#[tokio::test]
async fn revoking_an_access_token_revokes_it_alone() {
    let server = server();
    let tokens = web_tokens(&server, "read").await;
    let (status, _) = revoke(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[("token", tokens.access_token())],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!token_is_valid(&server, tokens.access_token(), scope("read")).await);
    // The refresh token still works (§2.1: only the access token was named).
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
    assert_eq!(revocations(&server), [RevokeReason::AccessToken]);
}

#[tokio::test]
async fn revoking_a_refresh_token_revokes_its_access_tokens() {
    let server = server();
    let tokens = web_tokens(&server, "read").await;
    for hint in [None, Some("access_token"), Some("refresh_token")] {
        let mut params = vec![("token", tokens.refresh_token())];
        params.extend(hint.map(|h| ("token_type_hint", h)));
        let (status, _) = revoke(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
        assert_eq!(status, StatusCode::OK, "hint {hint:?}");
    }
    assert!(!token_is_valid(&server, tokens.access_token(), scope("read")).await);
    let refreshed = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens.refresh_token()),
        ],
    )
    .await;
    assert_token_error(
        &refreshed,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[tokens.refresh_token()],
    );
    assert_eq!(
        counts(&server),
        Counts {
            codes: 0,
            access: 0,
            refresh: 0
        }
    );
    // Revoked once; the repeats found nothing left to revoke.
    assert_eq!(revocations(&server), [RevokeReason::RefreshToken]);
}

#[tokio::test]
async fn an_unknown_token_is_a_success() {
    let server = server();
    let (status, _) = revoke(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[("token", "never-issued")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(revocations(&server).is_empty());
}

#[tokio::test]
async fn another_clients_token_is_not_revoked() {
    let server = server();
    let tokens = web_tokens(&server, "read").await;
    for token in [tokens.access_token(), tokens.refresh_token()] {
        let (status, reply) = revoke(
            &server,
            Auth::Basic(OTHER, OTHER_SECRET),
            &[("token", token)],
        )
        .await;
        let reply = reply.expect("an error body");
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.str("error"), "unauthorized_client");
        assert_description_is_clean(reply.str("error_description"), &[token]);
    }
    assert!(token_is_valid(&server, tokens.access_token(), scope("read")).await);
    assert_eq!(
        counts(&server),
        Counts {
            codes: 1,
            access: 1,
            refresh: 1
        }
    );
}

#[tokio::test]
async fn revocation_requires_client_authentication() {
    let server = server();
    let tokens = web_tokens(&server, "read").await;
    let (status, reply) = revoke(
        &server,
        Auth::Basic(WEB, "wrong"),
        &[("token", tokens.access_token())],
    )
    .await;
    let reply = reply.expect("an error body");
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.str("error"), "invalid_client");
    assert!(
        reply
            .header(http::header::WWW_AUTHENTICATE)
            .is_some_and(|h| h.starts_with("Basic"))
    );
    let (status, reply) = revoke(&server, Auth::Nothing, &[("token", tokens.access_token())]).await;
    let reply = reply.expect("an error body");
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.str("error"), "invalid_client");
    assert!(token_is_valid(&server, tokens.access_token(), scope("read")).await);
}

#[tokio::test]
async fn a_missing_token_or_a_get_is_refused() {
    let server = server();
    let (status, reply) = revoke(&server, Auth::Basic(WEB, WEB_SECRET), &[]).await;
    let reply = reply.expect("an error body");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.str("error"), "invalid_request");
    let get = Request::builder()
        .method(Method::GET)
        .uri("/revoke")
        .body(Bytes::new())
        .unwrap();
    let response = server.revoke(get).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[http::header::ALLOW], "POST");
}
