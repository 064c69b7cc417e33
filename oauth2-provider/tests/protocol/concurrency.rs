//! Consuming a code or a refresh token is atomic: of many concurrent callers exactly one wins,
//! every other gets `invalid_grant`, and the replay revokes what the winner got.

use std::sync::Arc;

use crate::support::*;
use http::StatusCode;
use tokio::sync::Barrier;

const CALLERS: usize = 50;

/// Sends the same token request from `CALLERS` tasks released at once; returns the replies.
async fn race(server: &Arc<TestServer>, params: Vec<(String, String)>) -> Vec<JsonReply> {
    let barrier = Arc::new(Barrier::new(CALLERS));
    let tasks: Vec<_> = (0..CALLERS)
        .map(|_| {
            let server = Arc::clone(server);
            let barrier = Arc::clone(&barrier);
            let params = params.clone();
            tokio::spawn(async move {
                let pairs: Vec<(&str, &str)> = params
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let request = token_request(Auth::Basic(WEB, WEB_SECRET), &pairs);
                barrier.wait().await;
                JsonReply::from_response(server.token(request).await)
            })
        })
        .collect();
    let mut replies = Vec::with_capacity(CALLERS);
    for reply in futures::future::join_all(tasks).await {
        replies.push(reply.expect("no caller panicked"));
    }
    replies
}

/// Exactly one 200; every other reply a clean `invalid_grant`. Returns the winner.
fn one_winner(replies: Vec<JsonReply>) -> JsonReply {
    let (winners, losers): (Vec<_>, Vec<_>) = replies
        .into_iter()
        .partition(|r| r.status == StatusCode::OK);
    assert_eq!(winners.len(), 1, "exactly one caller wins");
    assert_eq!(losers.len(), CALLERS - 1);
    for loser in &losers {
        assert_token_error(loser, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    }
    let winner = winners.into_iter().next().unwrap();
    assert_token_ok(&winner);
    winner
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_redemptions_of_one_code() {
    let server = shared(server());
    let code = code_for(&server, WEB, WEB_CALLBACK, "read write").await;
    let replies = race(
        &server,
        owned(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", WEB_CALLBACK),
            ("code_verifier", VERIFIER),
        ]),
    )
    .await;
    let winner = one_winner(replies);

    // The losers were replays: the winner's tokens went with the grant.
    assert!(!token_is_valid(&server, winner.access_token(), scope("read")).await);
    let refresh = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", winner.refresh_token()),
        ],
    )
    .await;
    assert_token_error(&refresh, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    assert_eq!(
        counts(&server),
        Counts {
            codes: 0,
            access: 0,
            refresh: 0
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_uses_of_one_refresh_token() {
    let server = shared(server());
    let first = web_tokens(&server, "read").await;
    let replies = race(
        &server,
        owned(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", first.refresh_token()),
        ]),
    )
    .await;
    let winner = one_winner(replies);

    // The losers were replays of a rotated token: the whole family is revoked.
    assert!(!token_is_valid(&server, winner.access_token(), scope("read")).await);
    assert!(!token_is_valid(&server, first.access_token(), scope("read")).await);
    let successor = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", winner.refresh_token()),
        ],
    )
    .await;
    assert_token_error(&successor, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    assert_eq!(
        counts(&server),
        Counts {
            codes: 0,
            access: 0,
            refresh: 0
        }
    );
}

/// Many codes redeemed at once, each by one caller: no false replays, no lost tokens.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_redemptions_of_distinct_codes_all_succeed() {
    let server = shared(server());
    let mut codes = Vec::new();
    for _ in 0..CALLERS {
        codes.push(code_for(&server, WEB, WEB_CALLBACK, "read").await);
    }
    let barrier = Arc::new(Barrier::new(CALLERS));
    let tasks: Vec<_> = codes
        .into_iter()
        .map(|code| {
            let server = Arc::clone(&server);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                let request = token_request(
                    Auth::Basic(WEB, WEB_SECRET),
                    &[
                        ("grant_type", "authorization_code"),
                        ("code", &code),
                        ("redirect_uri", WEB_CALLBACK),
                        ("code_verifier", VERIFIER),
                    ],
                );
                barrier.wait().await;
                JsonReply::from_response(server.token(request).await)
            })
        })
        .collect();
    for reply in futures::future::join_all(tasks).await {
        assert_token_ok(&reply.unwrap());
    }
    assert_eq!(
        counts(&server),
        Counts {
            codes: CALLERS,
            access: CALLERS,
            refresh: CALLERS
        }
    );
}
