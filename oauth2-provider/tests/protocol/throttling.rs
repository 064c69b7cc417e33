//! Guess budgets (RFC 6819 §5.1.4.2.3): a password or a slow-hashed client secret is checked
//! only within the account's and the source's budget, counted before the check, so parallel
//! guesses cannot outrun it and the right password is refused like a wrong one once it is
//! spent; the refusal is 429 `temporarily_unavailable` with `Retry-After`.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use bytes::Bytes;
use http::header::RETRY_AFTER;
use http::{Request, StatusCode};
use oauth2_provider::endpoint::RemoteAddr;
use oauth2_provider::limit::{Limits, Rate};

use crate::support::*;

fn from(mut request: Request<Bytes>, last: u8) -> Request<Bytes> {
    let addr = IpAddr::V4(Ipv4Addr::new(203, 0, 113, last));
    request.extensions_mut().insert(RemoteAddr(addr));
    request
}

fn password(secret: &str) -> Request<Bytes> {
    let params = [
        ("grant_type", "password"),
        ("username", ALICE),
        ("password", secret),
    ];
    token_request(Auth::Basic(WEB, WEB_SECRET), &params)
}

fn assert_throttled(reply: &JsonReply) {
    assert_token_error(
        reply,
        StatusCode::TOO_MANY_REQUESTS,
        "temporarily_unavailable",
        &[],
    );
    let wait: u64 = reply
        .header(RETRY_AFTER)
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!(wait >= 1, "{wait}");
}

#[tokio::test]
async fn parallel_password_guesses_get_the_accounts_budget_and_no_more() {
    let server = shared(serving(ALL_GRANTS, |config| {
        config.limits = Limits::new(
            Rate::per_minute(60, 60),
            Rate::per_minute(5, 5),
            Rate::per_minute(600, 600),
        );
    }));
    // 40 guesses at once, each from its own address, the right password last.
    let guesses = (0..40u8).map(|n| {
        let server = Arc::clone(&server);
        let secret = if n == 39 {
            ALICE_PASSWORD
        } else {
            "a wrong guess"
        };
        tokio::spawn(async move {
            JsonReply::from_response(server.token(from(password(secret), n)).await)
        })
    });
    let replies = futures::future::join_all(guesses).await;
    let replies: Vec<JsonReply> = replies.into_iter().map(Result::unwrap).collect();
    let checked = replies
        .iter()
        .filter(|r| r.status != StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked, 5, "only the account's burst is checked");
    for reply in replies
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
    {
        assert_throttled(reply);
    }
    // Budget spent: the right password is refused like any guess, before it is checked.
    let late = JsonReply::from_response(server.token(from(password(ALICE_PASSWORD), 99)).await);
    assert_throttled(&late);
    assert_eq!(
        counts(&server).access,
        replies
            .iter()
            .filter(|r| r.status == StatusCode::OK)
            .count()
    );
}

#[tokio::test]
async fn a_source_is_refused_once_its_budget_of_guesses_is_spent() {
    let server = serving(ALL_GRANTS, |config| {
        config.limits = Limits::new(
            Rate::per_minute(600, 600),
            Rate::per_minute(600, 600),
            Rate::per_minute(3, 3),
        );
    });
    for _ in 0..3 {
        let reply = JsonReply::from_response(server.token(from(password("guess"), 1)).await);
        assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    }
    let reply = JsonReply::from_response(server.token(from(password(ALICE_PASSWORD), 1)).await);
    assert_throttled(&reply);
    // Another address still has its budget.
    let reply = JsonReply::from_response(server.token(from(password(ALICE_PASSWORD), 2)).await);
    assert_token_ok(&reply);
}

#[tokio::test]
async fn slow_client_secret_checks_are_budgeted_per_client_and_cheap_ones_are_not() {
    let server = server_with(|config| {
        config.limits = Limits::new(
            Rate::per_minute(2, 2),
            Rate::per_minute(600, 600),
            Rate::per_minute(600, 600),
        );
    });
    let cc = [("grant_type", "client_credentials")];
    for _ in 0..2 {
        let reply = token(&server, Auth::Basic(HUMAN, "a wrong guess"), &cc).await;
        assert_token_error(&reply, StatusCode::UNAUTHORIZED, "invalid_client", &[]);
    }
    assert_throttled(&token(&server, Auth::Basic(HUMAN, HUMAN_SECRET), &cc).await);
    // An unknown client with a secret costs a slow check too, so it is budgeted the same way.
    for _ in 0..2 {
        token(&server, Auth::Basic("no-such-client", "guess"), &cc).await;
    }
    assert_throttled(&token(&server, Auth::Basic("no-such-client", "guess"), &cc).await);
    // A generated secret is checked in place and not budgeted: 256 random bits are no guess.
    for _ in 0..10 {
        assert_token_ok(&token(&server, Auth::Basic(SERVICE, SERVICE_SECRET), &cc).await);
    }
}
