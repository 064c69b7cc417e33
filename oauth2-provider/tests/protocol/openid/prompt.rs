//! The authentication request (Core §3.1.2): `prompt`, `max_age`, `id_token_hint`, the
//! parameters accepted and those refused, and the post-conditions on the approval.

use http::StatusCode;

use super::support::*;

/// The error redirected to the client, with `state` and `iss` (RFC 9207).
fn assert_redirected_error(reply: &crate::support::AuthorizeReply, error: &str) {
    assert_eq!(
        redirected(reply, "error").as_deref(),
        Some(error),
        "{reply:?}"
    );
    assert_eq!(redirected(reply, "state").as_deref(), Some("st4te"));
    assert_eq!(redirected(reply, "iss").as_deref(), Some(ISSUER));
    assert!(redirected(reply, "code").is_none());
}

/// `oidcc-prompt-none-not-logged-in`: nobody signed in, `prompt=none`: `login_required`.
#[tokio::test]
async fn oidcc_prompt_none_not_logged_in() {
    let server = oidc_server();
    let reply = authorize(&server, &auth_params("openid", &[("prompt", "none")])).await;
    assert_redirected_error(&reply, "login_required");
}

/// `oidcc-prompt-none-logged-in`: signed in and approved before: a code, no page.
#[tokio::test]
async fn oidcc_prompt_none_logged_in() {
    let server = oidc_server();
    let params = auth_params("openid", &[("prompt", "none"), ("who", "alice")]);
    let reply = authorize(&server, &params).await;
    assert!(redirected(&reply, "code").is_some(), "{reply:?}");
}

/// §3.1.2.1: with `prompt=none`, a page the hook wanted to show becomes
/// `interaction_required`; the page never reaches the browser.
#[tokio::test]
async fn prompt_none_never_shows_a_page() {
    let server = oidc_server();
    let params = auth_params("openid", &[("prompt", "none"), ("page", "1")]);
    let reply = authorize(&server, &params).await;
    assert_redirected_error(&reply, "interaction_required");
    // Without `prompt=none` the page is shown.
    let reply = authorize(&server, &auth_params("openid", &[("page", "1")])).await;
    assert_eq!(reply.status, StatusCode::OK);
}

/// §3.1.2.1: `none` with another value, or an unknown value, is `invalid_request`.
#[tokio::test]
async fn prompt_none_with_another_value_is_invalid() {
    let server = oidc_server();
    for prompt in ["none login", "none consent", "sometimes"] {
        let params = auth_params("openid", &[("prompt", prompt), ("who", "alice")]);
        let reply = authorize(&server, &params).await;
        assert_redirected_error(&reply, "invalid_request");
    }
}

/// `oidcc-prompt-login`: an approval must rest on a sign-in during this request.
#[tokio::test]
async fn oidcc_prompt_login_wants_a_fresh_sign_in() {
    let server = oidc_server();
    let stale = [("prompt", "login"), ("who", "alice"), ("signed_in", "30")];
    assert_redirected_error(
        &authorize(&server, &auth_params("openid", &stale)).await,
        "login_required",
    );
    // No authentication time at all is not fresh either.
    let unknown = [("prompt", "login"), ("who", "alice")];
    assert_redirected_error(
        &authorize(&server, &auth_params("openid", &unknown)).await,
        "login_required",
    );
    let fresh = [("prompt", "login"), ("who", "alice"), ("signed_in", "0")];
    let reply = authorize(&server, &auth_params("openid", &fresh)).await;
    assert!(redirected(&reply, "code").is_some(), "{reply:?}");
}

/// `oidcc-max-age-1`: a sign-in older than `max_age` is `login_required`; a recent one gets a
/// code whose ID token has `auth_time`.
#[tokio::test]
async fn oidcc_max_age_1() {
    let server = oidc_server();
    let old = [("max_age", "1"), ("who", "alice"), ("signed_in", "3")];
    assert_redirected_error(
        &authorize(&server, &auth_params("openid", &old)).await,
        "login_required",
    );
    let body = code_flow(&server, "openid", &[("max_age", "10000")]).await;
    let claims = id_token_claims(&server, body["id_token"].as_str().unwrap());
    assert!(claims["auth_time"].as_u64().is_some());
    for bad in ["-1", "1.5", "ten", "99999999999"] {
        let params = auth_params("openid", &[("max_age", bad), ("who", "alice")]);
        assert_redirected_error(&authorize(&server, &params).await, "invalid_request");
    }
}

/// `oidcc-id-token-hint`: the hint's `sub` reaches the hook, and an approval for somebody
/// else is `login_required`; a hint this provider did not sign is `invalid_request`.
#[tokio::test]
async fn oidcc_id_token_hint() {
    let server = oidc_server();
    let body = code_flow(&server, "openid", &[]).await;
    let hint = body["id_token"].as_str().unwrap();
    let same = [
        ("id_token_hint", hint),
        ("prompt", "none"),
        ("who", "alice"),
    ];
    let reply = authorize(&server, &auth_params("openid", &same)).await;
    assert!(redirected(&reply, "code").is_some(), "{reply:?}");
    let seen = server.provider().seen.lock().unwrap().clone().unwrap();
    assert!(seen.contains(r#"hint_subject: Some("alice")"#), "{seen}");

    let other = [("id_token_hint", hint), ("prompt", "none"), ("who", "bob")];
    assert_redirected_error(
        &authorize(&server, &auth_params("openid", &other)).await,
        "login_required",
    );
    let forged = format!("{}x", &hint[..hint.len() - 1]);
    let bad = [("id_token_hint", forged.as_str()), ("who", "alice")];
    assert_redirected_error(
        &authorize(&server, &auth_params("openid", &bad)).await,
        "invalid_request",
    );
}

/// `oidcc-ensure-request-object-supported-correctly-or-rejected-as-unsupported`, and its
/// `request_uri` twin: refused with the §3.1.2.6 codes, never ignored.
#[tokio::test]
async fn request_objects_are_refused() {
    let server = oidc_server();
    let with_object = [("request", "eyJhbGciOiJub25lIn0.e30."), ("who", "alice")];
    let reply = authorize(&server, &auth_params("openid", &with_object)).await;
    assert_redirected_error(&reply, "request_not_supported");
    let with_uri = [
        ("request_uri", "https://rp.example.com/r"),
        ("who", "alice"),
    ];
    let reply = authorize(&server, &auth_params("openid", &with_uri)).await;
    assert_redirected_error(&reply, "request_uri_not_supported");
}

/// `oidcc-ensure-request-with-unknown-parameter-succeeds`, `oidcc-display-page`,
/// `oidcc-display-popup`, `oidcc-login-hint`, `oidcc-ui-locales`, `oidcc-claims-locales`,
/// `oidcc-acr-values`: accepted, and typed for the hook.
#[tokio::test]
async fn the_optional_parameters_are_accepted_and_typed() {
    let server = oidc_server();
    let params = [
        ("display", "popup"),
        ("login_hint", "alice@example.com"),
        ("ui_locales", "de fr"),
        ("claims_locales", "de"),
        ("acr_values", "urn:a urn:b"),
        ("some_unknown_parameter", "x"),
    ];
    let body = code_flow(&server, "openid", &params).await;
    assert!(body["id_token"].as_str().is_some());
    let seen = server.provider().seen.lock().unwrap().clone().unwrap();
    for part in ["Popup", "alice@example.com", "de fr", "urn:a urn:b"] {
        assert!(seen.contains(part), "{part} in {seen}");
    }
    let reply = authorize(
        &server,
        &auth_params("openid", &[("display", "hologram"), ("who", "alice")]),
    )
    .await;
    assert_redirected_error(&reply, "invalid_request");
}

/// A nonce is stored with the code: one longer than a `state` may be is refused.
#[tokio::test]
async fn an_oversized_nonce_is_refused() {
    let server = oidc_server();
    let nonce = "n".repeat(4096);
    let params = auth_params("openid", &[("nonce", nonce.as_str()), ("who", "alice")]);
    let reply = authorize(&server, &params).await;
    assert_redirected_error(&reply, "invalid_request");
    assert_eq!(server.provider().store.code_count(), 0);
}

/// Without `openid` in the scope, the OpenID Connect parameters mean nothing: plain OAuth.
#[tokio::test]
async fn oauth_requests_ignore_the_openid_parameters() {
    let server = oidc_server();
    let params = auth_params(
        "read",
        &[("prompt", "none login"), ("request", "x"), ("who", "alice")],
    );
    let reply = authorize(&server, &params).await;
    assert!(redirected(&reply, "code").is_some(), "{reply:?}");
    assert_eq!(*server.provider().seen.lock().unwrap(), None);
}

/// Core §2: `sub` is at most 255 ASCII characters; an approval for another identifier issues
/// nothing (the application's mistake: `server_error`).
#[tokio::test]
async fn a_subject_that_cannot_be_a_sub_issues_nothing() {
    let server = oidc_server();
    let long = "a".repeat(256);
    for who in [long.as_str(), "zoë"] {
        let reply = authorize(&server, &auth_params("openid", &[("who", who)])).await;
        assert_redirected_error(&reply, "server_error");
    }
    assert_eq!(server.provider().store.code_count(), 0);
    let longest = "a".repeat(255);
    let reply = authorize(
        &server,
        &auth_params("openid", &[("who", longest.as_str())]),
    )
    .await;
    assert!(redirected(&reply, "code").is_some());
}
