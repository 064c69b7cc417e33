//! Refresh rotation with a grace period (RFC 9700 §4.14.2, FAPI 2.0's refresh test): a rotated
//! refresh token presented again within the period gets a fresh pair and its successor stays
//! valid; past the period or the reuse count it is reuse, and the family is revoked.

use std::time::Duration;

use http::StatusCode;
use oauth2_provider::config::RefreshGrace;
use oauth2_provider::provider::RevokeReason;

use crate::support::*;

async fn refresh(server: &TestServer, refresh_token: &str) -> JsonReply {
    let params = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    token(server, Auth::Basic(WEB, WEB_SECRET), &params).await
}

#[tokio::test]
async fn a_replay_within_the_grace_gets_a_fresh_pair_and_keeps_the_successor() {
    let grace = RefreshGrace::new(Duration::from_secs(30)).reuses(2);
    let server = server_with(|c| c.refresh_grace = grace);
    let first = web_tokens(&server, "read").await;
    let second = refresh(&server, first.refresh_token()).await;
    assert_token_ok(&second);

    for _ in 0..2 {
        let again = refresh(&server, first.refresh_token()).await;
        assert_token_ok(&again);
        assert_ne!(again.refresh_token(), second.refresh_token());
        assert!(token_is_valid(&server, again.access_token(), ApiScope::READ).await);
    }
    // The successor was never consumed by the replays.
    assert!(token_is_valid(&server, second.access_token(), ApiScope::READ).await);
    let third = refresh(&server, second.refresh_token()).await;
    assert_token_ok(&third);

    // Past the reuse count: reuse, and the whole family goes.
    let reuse = refresh(&server, first.refresh_token()).await;
    assert_token_error(&reuse, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    assert_eq!(revocations(&server), [RevokeReason::RefreshReplay]);
    assert!(!token_is_valid(&server, third.access_token(), ApiScope::READ).await);
}

#[tokio::test]
async fn a_replay_after_the_grace_is_reuse() {
    let grace = RefreshGrace::new(Duration::from_millis(1100));
    let server = server_with(|c| c.refresh_grace = grace);
    let first = web_tokens(&server, "read").await;
    let second = refresh(&server, first.refresh_token()).await;
    assert_token_ok(&second);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let late = refresh(&server, first.refresh_token()).await;
    assert_token_error(&late, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    assert!(!token_is_valid(&server, second.access_token(), ApiScope::READ).await);
}

/// The default stays RFC 9700's strict detection: the first replay revokes the family.
#[tokio::test]
async fn without_a_grace_the_first_replay_revokes_the_family() {
    let server = server();
    let first = web_tokens(&server, "read").await;
    let second = refresh(&server, first.refresh_token()).await;
    let replay = refresh(&server, first.refresh_token()).await;
    assert_token_error(&replay, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    assert!(!token_is_valid(&server, second.access_token(), ApiScope::READ).await);
}
