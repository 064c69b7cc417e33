//! The refresh token grant (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2).

use std::time::Duration;

use crate::support::*;
use http::StatusCode;
use oauth2_provider::grant::GrantType;
use oauth2_provider::provider::RevokeReason;

fn refresh<'a>(token: &'a str, scope: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![("grant_type", "refresh_token"), ("refresh_token", token)];
    if let Some(scope) = scope {
        params.push(("scope", scope));
    }
    params
}

const WEB_AUTH: Auth<'static> = Auth::Basic(WEB, WEB_SECRET);

#[tokio::test]
async fn refresh_flow_rotates_the_refresh_token() {
    let server = server();
    let first = web_tokens(&server, "read write").await;
    let second = token(&server, WEB_AUTH, &refresh(first.refresh_token(), None)).await;
    assert_token_ok(&second);
    assert_eq!(second.str("scope"), "read write");
    assert_ne!(second.refresh_token(), first.refresh_token());
    assert_ne!(second.access_token(), first.access_token());
    assert!(token_is_valid(&server, second.access_token(), scope("read write")).await);
    // The rotated token is kept (to detect its reuse), the successor added.
    assert_eq!(
        counts(&server),
        Counts {
            codes: 1,
            access: 2,
            refresh: 2
        }
    );
    // And the successor rotates in turn.
    let third = token(&server, WEB_AUTH, &refresh(second.refresh_token(), None)).await;
    assert_token_ok(&third);
}

/// Every secret of one grant family begins with the family's tag, through a rotation, so a
/// store can keep the family in one place (a Redis Cluster's slot) and find it from any.
#[tokio::test]
async fn a_family_s_code_and_tokens_name_one_family() {
    use oauth2_provider::model::TokenHash;
    let server = server();
    let code = code_for(&server, WEB, WEB_CALLBACK, "read").await;
    let first = token(
        &server,
        WEB_AUTH,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", WEB_CALLBACK),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_token_ok(&first);
    let second = token(&server, WEB_AUTH, &refresh(first.refresh_token(), None)).await;
    assert_token_ok(&second);
    let family = TokenHash::of(&code).family();
    assert!(family.is_some());
    for secret in [
        first.access_token(),
        first.refresh_token(),
        second.access_token(),
        second.refresh_token(),
    ] {
        assert_eq!(TokenHash::of(secret).family(), family, "{secret}");
    }
}

#[tokio::test]
async fn refresh_flow_with_client_secret_post_after_password() {
    let server = password_server();
    let first = token(
        &server,
        Auth::Post(WEB, WEB_SECRET),
        &[
            ("grant_type", "password"),
            ("username", ALICE),
            ("password", ALICE_PASSWORD),
        ],
    )
    .await;
    assert_token_ok(&first);
    let second = token(
        &server,
        Auth::Post(WEB, WEB_SECRET),
        &refresh(first.refresh_token(), None),
    )
    .await;
    assert_token_ok(&second);
    assert_eq!(second.str("scope"), "read");
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_revokes_the_family() {
    let server = server();
    let first = web_tokens(&server, "read").await;
    let second = token(&server, WEB_AUTH, &refresh(first.refresh_token(), None)).await;
    assert_token_ok(&second);

    let replay = token(&server, WEB_AUTH, &refresh(first.refresh_token(), None)).await;
    assert_token_error(
        &replay,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[first.refresh_token()],
    );
    for access in [first.access_token(), second.access_token()] {
        assert!(!token_is_valid(&server, access, scope("read")).await);
    }
    let successor = token(&server, WEB_AUTH, &refresh(second.refresh_token(), None)).await;
    assert_token_error(&successor, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    assert_eq!(
        counts(&server),
        Counts {
            codes: 0,
            access: 0,
            refresh: 0
        }
    );
    assert_eq!(revocations(&server), [RevokeReason::RefreshReplay]);
}

#[tokio::test]
async fn a_refresh_may_narrow_the_scope() {
    let server = server();
    let first = web_tokens(&server, "read write").await;
    let narrow = token(
        &server,
        WEB_AUTH,
        &refresh(first.refresh_token(), Some("read")),
    )
    .await;
    assert_token_ok(&narrow);
    assert_eq!(narrow.str("scope"), "read");
    assert!(token_is_valid(&server, narrow.access_token(), scope("read")).await);
    let rejection = server
        .bearer(&bearer_headers(narrow.access_token()), scope("write"))
        .await
        .unwrap_err();
    assert_eq!(
        rejection.error().unwrap().code().as_str(),
        "insufficient_scope"
    );

    // §6: the new refresh token's scope is identical to the one it replaced, so the client can
    // ask for the full original scope again.
    let full = token(
        &server,
        WEB_AUTH,
        &refresh(narrow.refresh_token(), Some("read write")),
    )
    .await;
    assert_token_ok(&full);
    assert_eq!(full.str("scope"), "read write");
    let default = token(&server, WEB_AUTH, &refresh(full.refresh_token(), None)).await;
    assert_token_ok(&default);
    assert_eq!(default.str("scope"), "read write");
}

#[tokio::test]
async fn a_refresh_may_not_widen_the_scope() {
    let server = server();
    let first = web_tokens(&server, "read").await;
    let before = counts(&server);
    for requested in ["read write", "write", "admin", "read delete", "read  write"] {
        let reply = token(
            &server,
            WEB_AUTH,
            &refresh(first.refresh_token(), Some(requested)),
        )
        .await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &[first.refresh_token()],
        );
        assert_eq!(counts(&server), before);
    }
    // The refused requests consumed nothing.
    let ok = token(&server, WEB_AUTH, &refresh(first.refresh_token(), None)).await;
    assert_token_ok(&ok);
    assert_eq!(ok.str("scope"), "read");
}

#[tokio::test]
async fn a_refresh_token_is_bound_to_its_client() {
    let server = server();
    let first = web_tokens(&server, "read").await;
    let before = counts(&server);
    let stolen = token(
        &server,
        Auth::Basic(OTHER, OTHER_SECRET),
        &refresh(first.refresh_token(), None),
    )
    .await;
    assert_token_error(
        &stolen,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[first.refresh_token()],
    );
    assert_eq!(counts(&server), before);
    // Not consumed, not revoked.
    assert!(token_is_valid(&server, first.access_token(), scope("read")).await);
    assert_token_ok(&token(&server, WEB_AUTH, &refresh(first.refresh_token(), None)).await);
}

#[tokio::test]
async fn an_expired_refresh_token_is_invalid_grant() {
    let server = server_with(|c| c.refresh_token_ttl = Some(Duration::ZERO));
    let first = web_tokens(&server, "read").await;
    let before = counts(&server);
    let reply = token(&server, WEB_AUTH, &refresh(first.refresh_token(), None)).await;
    assert_token_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[first.refresh_token()],
    );
    assert_eq!(counts(&server), before);
}

#[tokio::test]
async fn a_missing_unknown_or_misused_refresh_token() {
    let server = server();
    let first = web_tokens(&server, "read").await;
    let before = counts(&server);
    let missing = token(&server, WEB_AUTH, &[("grant_type", "refresh_token")]).await;
    assert_token_error(&missing, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    let forged = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let unknown = token(&server, WEB_AUTH, &refresh(forged, None)).await;
    assert_token_error(
        &unknown,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[forged],
    );
    // An access token is not a refresh token, nor the other way round.
    let access = token(&server, WEB_AUTH, &refresh(first.access_token(), None)).await;
    assert_token_error(
        &access,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[first.access_token()],
    );
    assert!(!token_is_valid(&server, first.refresh_token(), scope("read")).await);
    assert_eq!(counts(&server), before);
}

#[tokio::test]
async fn the_refresh_grant_switched_off() {
    // Per provider: no refresh token is issued, and the grant is unsupported.
    let server = server_with(|c| {
        c.grants.disable(GrantType::RefreshToken);
    });
    let first = web_tokens(&server, "read").await;
    assert!(first.body.get("refresh_token").is_none());
    let reply = token(&server, WEB_AUTH, &refresh("anything", None)).await;
    assert_token_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "unsupported_grant_type",
        &[],
    );

    // Per client: no refresh token is issued, and the grant is unauthorized_client.
    let server = password_server();
    let first = token(
        &server,
        Auth::Basic(NO_REFRESH, NO_REFRESH_SECRET),
        &[
            ("grant_type", "password"),
            ("username", ALICE),
            ("password", ALICE_PASSWORD),
        ],
    )
    .await;
    assert_token_ok(&first);
    assert!(first.body.get("refresh_token").is_none());
    let before = counts(&server);
    let reply = token(
        &server,
        Auth::Basic(NO_REFRESH, NO_REFRESH_SECRET),
        &refresh("anything", None),
    )
    .await;
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "unauthorized_client", &[]);
    assert_eq!(counts(&server), before);
}
