//! Bad input: authorization codes, PKCE and refresh tokens (RFC 6749 §4.1.2, §4.1.3, §6,
//! §10.5; RFC 7636 §4.4–4.6; RFC 9700 §2.1.1, §2.2.2, §4.5, §4.8, §4.14).
//!
//! A code is single-use, bound to its client, its redirect URI and its challenge; a replay,
//! sequential or concurrent, revokes everything the code issued. PKCE cannot be downgraded in
//! either direction and `plain` is refused by default. A rotated refresh token presented again
//! revokes its family; a refresh never widens the scope. Every refusal is `invalid_grant`,
//! `invalid_request` or `invalid_scope` as RFC 6749 §5.2 names them, and issues nothing.

use std::sync::Arc;

use crate::support::*;
use http::StatusCode;
use oauth2_provider::provider::RevokeReason;
use tokio::sync::Barrier;

const ONE_CODE: Counts = Counts {
    codes: 1,
    access: 0,
    refresh: 0,
};

fn exchange<'a>(
    code: &'a str,
    redirect_uri: &'a str,
    verifier: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![("grant_type", "authorization_code"), ("code", code)];
    if !redirect_uri.is_empty() {
        params.push(("redirect_uri", redirect_uri));
    }
    if !verifier.is_empty() {
        params.push(("code_verifier", verifier));
    }
    params
}

/// A code of the public native client for `redirect_uri`, with the S256 challenge.
async fn native_code(server: &TestServer, redirect_uri: &str) -> String {
    code_for(server, NATIVE, redirect_uri, "read").await
}

/// Every access and refresh token of `reply` is dead.
async fn assert_revoked(server: &TestServer, reply: &JsonReply, auth: Auth<'_>) {
    assert!(!token_is_valid(server, reply.access_token(), scope("read")).await);
    let refresh = token(
        server,
        auth,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", reply.refresh_token()),
        ],
    )
    .await;
    assert_token_error(&refresh, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
}

// ---------------------------------------------------------------------------------------------
// Replay.

#[tokio::test]
async fn a_replayed_code_is_invalid_grant_and_revokes_what_it_issued() {
    // The confidential client by Basic and the public client by `none`, alike.
    let cases: [(&str, &str, Auth<'_>); 2] = [
        (WEB, WEB_CALLBACK, Auth::Basic(WEB, WEB_SECRET)),
        (NATIVE, NATIVE_LOOPBACK, Auth::Public(NATIVE)),
    ];
    for (client, callback, auth) in cases {
        let server = server();
        let code = code_for(&server, client, callback, "read").await;
        let params = exchange(&code, callback, VERIFIER);
        let first = token(&server, auth, &params).await;
        assert_token_ok(&first);
        for _ in 0..2 {
            let replay = token(&server, auth, &params).await;
            assert_token_error(&replay, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
        }
        assert_revoked(&server, &first, auth).await;
        assert_eq!(counts(&server), EMPTY, "{client}");
        assert_eq!(revocations(&server), [RevokeReason::CodeReplay]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_code_redeemed_concurrently_issues_once_then_revokes() {
    const CALLERS: usize = 16;
    let server = shared(server());
    let code = native_code(&server, NATIVE_LOOPBACK).await;
    let barrier = Arc::new(Barrier::new(CALLERS));
    let tasks: Vec<_> = (0..CALLERS)
        .map(|_| {
            let (server, barrier, code) = (Arc::clone(&server), Arc::clone(&barrier), code.clone());
            tokio::spawn(async move {
                let request = token_request(
                    Auth::Public(NATIVE),
                    &exchange(&code, NATIVE_LOOPBACK, VERIFIER),
                );
                barrier.wait().await;
                JsonReply::from_response(server.token(request).await)
            })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        let reply = task.await.expect("no caller panicked");
        if reply.status == StatusCode::OK {
            winners.push(reply);
        } else {
            assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
        }
    }
    assert_eq!(winners.len(), 1, "exactly one caller is issued tokens");
    assert_token_ok(&winners[0]);
    // The losers were replays: what the winner got went with the grant.
    assert_revoked(&server, &winners[0], Auth::Public(NATIVE)).await;
    assert_eq!(counts(&server), EMPTY);
    let revoked = revocations(&server);
    assert!(
        !revoked.is_empty() && revoked.iter().all(|r| *r == RevokeReason::CodeReplay),
        "{revoked:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Binding to the client and the redirect URI.

#[tokio::test]
async fn a_code_is_bound_to_its_client() {
    let server = server();
    let web_code = code_for(&server, WEB, WEB_CALLBACK, "read").await;
    let native_code = native_code(&server, NATIVE_LOOPBACK).await;
    let attempts: [(Auth<'_>, Vec<(&str, &str)>); 4] = [
        // Another confidential client, authenticated, with everything else right.
        (
            Auth::Basic(OTHER, OTHER_SECRET),
            exchange(&web_code, WEB_CALLBACK, VERIFIER),
        ),
        // A public client holding the confidential client's code.
        (
            Auth::Public(NATIVE),
            exchange(&web_code, WEB_CALLBACK, VERIFIER),
        ),
        // A confidential client holding a public client's code and its verifier.
        (
            Auth::Basic(WEB, WEB_SECRET),
            exchange(&native_code, NATIVE_LOOPBACK, VERIFIER),
        ),
        (
            Auth::Basic(OTHER, OTHER_SECRET),
            exchange(&native_code, NATIVE_LOOPBACK, VERIFIER),
        ),
    ];
    let before = counts(&server);
    for (auth, params) in attempts {
        let reply = token(&server, auth, &params).await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            &[&web_code, &native_code, VERIFIER],
        );
        assert_eq!(counts(&server), before, "{auth:?}");
    }
    // The rightful clients still can: a thief's attempt does not burn the code.
    assert_token_ok(
        &token(
            &server,
            Auth::Basic(WEB, WEB_SECRET),
            &exchange(&web_code, WEB_CALLBACK, VERIFIER),
        )
        .await,
    );
    assert_token_ok(
        &token(
            &server,
            Auth::Public(NATIVE),
            &exchange(&native_code, NATIVE_LOOPBACK, VERIFIER),
        )
        .await,
    );
}

#[tokio::test]
async fn a_code_is_bound_to_its_redirect_uri() {
    let server = server();
    // Issued for the loopback URI on port 51004.
    let issued_for = "http://127.0.0.1:51004/callback";
    let code = native_code(&server, issued_for).await;
    let cases: [(&str, &str); 8] = [
        // Omitted although the authorization request had it (§4.1.3).
        ("", "invalid_request"),
        // The registered form without the port, another port, a variant.
        (NATIVE_LOOPBACK, "invalid_grant"),
        ("http://127.0.0.1:51005/callback", "invalid_grant"),
        ("http://127.0.0.1:51004/callback/", "invalid_grant"),
        ("http://127.0.0.1:51004/Callback", "invalid_grant"),
        ("http://127.0.0.1:51004/callback?x=1", "invalid_grant"),
        // The client's other registered URI.
        (NATIVE_SCHEME, "invalid_grant"),
        ("https://evil.example.com/cb", "invalid_grant"),
    ];
    for (sent, error) in cases {
        let reply = token(
            &server,
            Auth::Public(NATIVE),
            &exchange(&code, sent, VERIFIER),
        )
        .await;
        assert_token_error(&reply, StatusCode::BAD_REQUEST, error, &[&code]);
        assert_eq!(counts(&server), ONE_CODE, "{sent:?}");
    }
    let reply = token(
        &server,
        Auth::Public(NATIVE),
        &exchange(&code, issued_for, VERIFIER),
    )
    .await;
    assert_token_ok(&reply);
}

/// Codes, access tokens and refresh tokens are not interchangeable.
#[tokio::test]
async fn a_token_of_another_kind_is_not_a_code() {
    let server = server();
    let code = code_for(&server, WEB, WEB_CALLBACK, "read").await;
    let tokens = web_tokens(&server, "read").await;
    let before = counts(&server);
    let auth = Auth::Basic(WEB, WEB_SECRET);
    for not_a_code in [tokens.access_token(), tokens.refresh_token(), CHALLENGE] {
        let reply = token(&server, auth, &exchange(not_a_code, WEB_CALLBACK, VERIFIER)).await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            &[not_a_code],
        );
        assert_eq!(counts(&server), before);
    }
    for not_a_refresh_token in [tokens.access_token(), code.as_str()] {
        let reply = token(
            &server,
            auth,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", not_a_refresh_token),
            ],
        )
        .await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            &[not_a_refresh_token],
        );
        assert_eq!(counts(&server), before);
    }
    // The unused code is still good for what it is.
    assert_token_ok(&token(&server, auth, &exchange(&code, WEB_CALLBACK, VERIFIER)).await);
}

/// `scope` on a code exchange cannot add to what the owner approved.
#[tokio::test]
async fn a_code_exchange_cannot_widen_the_scope() {
    let server = server();
    let code = code_for(&server, WEB, WEB_CALLBACK, "read").await;
    let mut params = exchange(&code, WEB_CALLBACK, VERIFIER);
    params.push(("scope", "read write"));
    let reply = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read");
    assert!(!token_is_valid(&server, reply.access_token(), scope("write")).await);
}

// ---------------------------------------------------------------------------------------------
// PKCE: no downgrade either way, `plain` refused by default (RFC 9700 §2.1.1, §4.8).

#[tokio::test]
async fn pkce_cannot_be_downgraded_at_the_token_endpoint() {
    let server = server();
    // A code issued with an S256 challenge.
    let code = native_code(&server, NATIVE_LOOPBACK).await;
    let long = "a".repeat(129);
    let verifiers = [
        // No verifier at all.
        "",
        // The challenge itself, as if the method had been `plain`.
        CHALLENGE,
        // A wrong verifier, a near miss, malformed ones.
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl",
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX",
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk ",
        "dBjftJeZ4CVP+mB92K27uhbUJU1p1r/wW1gFWFOEjXk",
        long.as_str(),
    ];
    for verifier in verifiers {
        let reply = token(
            &server,
            Auth::Public(NATIVE),
            &exchange(&code, NATIVE_LOOPBACK, verifier),
        )
        .await;
        assert_token_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            &[&code, VERIFIER],
        );
        assert_eq!(counts(&server), ONE_CODE, "{verifier:?}");
    }

    // The other direction: a code issued without a challenge (a confidential client may) is
    // not redeemed with a verifier: an attacker's injected code would otherwise pass.
    let server = self::server();
    let params = [
        ("response_type", "code"),
        ("client_id", WEB),
        ("redirect_uri", WEB_CALLBACK),
        ("decision", "approve"),
    ];
    let code = authorize(&server, &params, Some(ALICE)).await.query()["code"].clone();
    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &exchange(&code, WEB_CALLBACK, VERIFIER),
    )
    .await;
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
    assert_eq!(counts(&server), ONE_CODE);
    // The challenge-less code still works without one.
    let reply = token(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &exchange(&code, WEB_CALLBACK, ""),
    )
    .await;
    assert_token_ok(&reply);
}

#[tokio::test]
async fn pkce_cannot_be_downgraded_at_the_authorization_endpoint() {
    let server = server();
    let base = |extra: &[(&'static str, &'static str)]| {
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", NATIVE),
            ("redirect_uri", NATIVE_LOOPBACK),
            ("state", "s-77"),
            ("decision", "approve"),
        ];
        params.extend_from_slice(extra);
        params
    };
    let refused: [&[(&str, &str)]; 8] = [
        // A public client without a challenge.
        &[],
        // `plain`, spelled out or implied by an absent method (RFC 7636 §4.3).
        &[
            ("code_challenge", VERIFIER),
            ("code_challenge_method", "plain"),
        ],
        &[("code_challenge", VERIFIER)],
        // Methods that are not S256 exactly.
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "s256"),
        ],
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S512"),
        ],
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "none"),
        ],
        // A method without a challenge; a malformed challenge.
        &[("code_challenge_method", "S256")],
        &[
            ("code_challenge", "too-short"),
            ("code_challenge_method", "S256"),
        ],
    ];
    for extra in refused {
        let reply = authorize(&server, &base(extra), Some(ALICE)).await;
        // The client and redirect URI are verified: the error goes back to the client.
        assert_eq!(reply.target(), NATIVE_LOOPBACK, "{extra:?}");
        let query = reply.query();
        assert_eq!(query["error"], "invalid_request", "{extra:?}");
        assert_eq!(query["state"], "s-77");
        assert!(!query.contains_key("code"));
        assert_description_is_clean(&query["error_description"], &[CHALLENGE, VERIFIER]);
        assert_eq!(counts(&server), EMPTY, "{extra:?}");
    }
}

/// With `allow_plain_pkce`, `plain` works as RFC 7636 says, and still binds: an S256 code is
/// not redeemed with its challenge, a plain code not with a wrong verifier.
#[tokio::test]
async fn plain_when_configured_still_binds() {
    let server = server_with(|c| c.allow_plain_pkce = true);
    let reply = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", NATIVE),
            ("redirect_uri", NATIVE_LOOPBACK),
            ("code_challenge", VERIFIER),
            ("code_challenge_method", "plain"),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    let code = reply.query()["code"].clone();
    let wrong = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl";
    let reply = token(
        &server,
        Auth::Public(NATIVE),
        &exchange(&code, NATIVE_LOOPBACK, wrong),
    )
    .await;
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_grant", &[&code]);
    let reply = token(
        &server,
        Auth::Public(NATIVE),
        &exchange(&code, NATIVE_LOOPBACK, VERIFIER),
    )
    .await;
    assert_token_ok(&reply);

    let s256_code = native_code(&server, NATIVE_LOOPBACK).await;
    let reply = token(
        &server,
        Auth::Public(NATIVE),
        &exchange(&s256_code, NATIVE_LOOPBACK, CHALLENGE),
    )
    .await;
    assert_token_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[&s256_code],
    );
}

// ---------------------------------------------------------------------------------------------
// Refresh tokens: reuse and scope escalation (RFC 6749 §6, RFC 9700 §4.14.2).

fn refresh<'a>(token: &'a str, scope: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![("grant_type", "refresh_token"), ("refresh_token", token)];
    if !scope.is_empty() {
        params.push(("scope", scope));
    }
    params
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_its_family() {
    let server = server();
    let first = web_tokens(&server, "read").await;
    let auth = Auth::Basic(WEB, WEB_SECRET);
    let second = token(&server, auth, &refresh(first.refresh_token(), "")).await;
    assert_token_ok(&second);
    let third = token(&server, auth, &refresh(second.refresh_token(), "")).await;
    assert_token_ok(&third);

    // The first token, rotated twice over, comes back: everything of the grant goes.
    let reuse = token(&server, auth, &refresh(first.refresh_token(), "")).await;
    assert_token_error(
        &reuse,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[first.refresh_token()],
    );
    for reply in [&first, &second, &third] {
        assert!(!token_is_valid(&server, reply.access_token(), scope("read")).await);
    }
    let latest = token(&server, auth, &refresh(third.refresh_token(), "")).await;
    assert_token_error(&latest, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    assert_eq!(counts(&server), EMPTY);
    assert_eq!(revocations(&server), [RevokeReason::RefreshReplay]);
}

#[tokio::test]
async fn a_refresh_never_widens_the_scope() {
    let server = server();
    let first = web_tokens(&server, "read").await;
    let auth = Auth::Basic(WEB, WEB_SECRET);
    let before = counts(&server);
    for asked in [
        "read write",
        "write",
        "read_write",
        "admin",
        "delete",
        "read  write",
        " read",
        "READ",
    ] {
        let reply = token(&server, auth, &refresh(first.refresh_token(), asked)).await;
        assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_scope", &[]);
        assert_eq!(counts(&server), before, "{asked:?}");
    }
    // None of that consumed the token, and it still carries only `read`.
    let reply = token(&server, auth, &refresh(first.refresh_token(), "")).await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read");
}

#[tokio::test]
async fn a_refresh_token_is_bound_to_its_client() {
    let server = server();
    let first = web_tokens(&server, "read").await;
    let before = counts(&server);
    for (auth, status, error) in [
        (
            Auth::Basic(OTHER, OTHER_SECRET),
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
        (
            Auth::Public(NATIVE),
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
        // The right client id with another client's secret never gets that far.
        (
            Auth::Basic(WEB, OTHER_SECRET),
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
    ] {
        let reply = token(&server, auth, &refresh(first.refresh_token(), "")).await;
        assert_token_error(
            &reply,
            status,
            error,
            &[first.refresh_token(), OTHER_SECRET],
        );
        assert_eq!(counts(&server), before, "{auth:?}");
    }
    assert_token_ok(
        &token(
            &server,
            Auth::Basic(WEB, WEB_SECRET),
            &refresh(first.refresh_token(), ""),
        )
        .await,
    );
}
