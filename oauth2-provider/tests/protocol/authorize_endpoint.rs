//! The authorization endpoint (RFC 6749 §3.1, §4.1.1–4.1.2.1, §4.2; RFC 7636 §4.3; RFC 8252
//! §7.3; RFC 9207): the code and implicit flows, the consent hook, and which errors are shown
//! to the user agent and which go back to the client.

use crate::support::*;
use bytes::Bytes;
use http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, COOKIE};
use http::{Method, Request, StatusCode};
use oauth2_provider::grant::GrantType;

const EMPTY: Counts = Counts {
    codes: 0,
    access: 0,
    refresh: 0,
};

const ISSUER: &str = "https://auth.example.com";

/// A code request of the web client with every parameter right, then `extra` (which replaces a
/// parameter of the same name).
fn web_request<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", WEB),
        ("redirect_uri", WEB_CALLBACK),
        ("scope", "read"),
        ("state", "af0ifjsldkj"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("decision", "approve"),
    ];
    for (name, value) in extra {
        params.retain(|(n, _)| n != name);
        if !value.is_empty() {
            params.push((name, value));
        }
    }
    params
}

/// An error sent back to the client in the query: `error`, `error_description`, `state`, and
/// `iss` when the server has an issuer.
fn assert_redirected_error(reply: &AuthorizeReply, target: &str, code: &str, iss: Option<&str>) {
    assert_eq!(reply.status, StatusCode::FOUND, "{:?}", reply.body);
    assert_eq!(reply.target(), target);
    assert_eq!(reply.headers[CACHE_CONTROL], "no-store");
    let query = reply.query();
    assert_eq!(
        query.get("error").map(String::as_str),
        Some(code),
        "{query:?}"
    );
    assert_description_is_clean(&query["error_description"], &[CHALLENGE]);
    assert_eq!(query.get("state").map(String::as_str), Some("af0ifjsldkj"));
    assert_eq!(query.get("iss").map(String::as_str), iss);
    assert!(!query.contains_key("code"));
    assert!(reply.location().fragment().is_none());
}

// ---------------------------------------------------------------------------------------------
// Flows.

#[tokio::test]
async fn code_flow_redirects_with_code_state_and_iss() {
    let server = server_with(|c| c.issuer = Some(ISSUER.to_owned()));
    let reply = authorize(&server, &web_request(&[]), Some(ALICE)).await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.headers[CACHE_CONTROL], "no-store");
    assert_eq!(reply.target(), WEB_CALLBACK);
    let query = reply.query();
    assert_eq!(query.len(), 3, "{query:?}");
    assert_is_256_bit_token(&query["code"]);
    assert_eq!(query["state"], "af0ifjsldkj");
    assert_eq!(query["iss"], ISSUER);
    assert_eq!(
        counts(&server),
        Counts {
            codes: 1,
            access: 0,
            refresh: 0
        }
    );
}

#[tokio::test]
async fn state_round_trips_byte_for_byte() {
    let server = server();
    let state = "a b+c&d=e/f?g#h%20é";
    let reply = authorize(&server, &web_request(&[("state", state)]), Some(ALICE)).await;
    assert_eq!(reply.query()["state"], state);
    let reply = authorize(
        &server,
        &web_request(&[("state", state), ("decision", "deny")]),
        Some(ALICE),
    )
    .await;
    assert_eq!(reply.query()["state"], state);
}

#[tokio::test]
async fn without_an_issuer_there_is_no_iss_and_without_state_no_state() {
    let server = server();
    let reply = authorize(&server, &web_request(&[("state", "")]), Some(ALICE)).await;
    let query = reply.query();
    assert!(query.contains_key("code"));
    assert!(!query.contains_key("iss"));
    assert!(!query.contains_key("state"));
}

#[tokio::test]
async fn post_is_served_and_answered_with_303() {
    let server = server();
    let request = Request::builder()
        .method(Method::POST)
        .uri("https://auth.example.com/authorize")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(COOKIE, "session=alice")
        .body(Bytes::from(form_encode(&web_request(&[]))))
        .unwrap();
    let reply = AuthorizeReply::from_response(server.authorize(request).await);
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.query().contains_key("code"));
}

#[tokio::test]
async fn other_methods_are_405() {
    let server = server();
    let request = Request::builder()
        .method(Method::PUT)
        .uri(format!(
            "https://auth.example.com/authorize?{}",
            form_encode(&web_request(&[]))
        ))
        .body(Bytes::new())
        .unwrap();
    let response = server.authorize(request).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[ALLOW], "GET, POST");
    assert!(response.headers().get(http::header::LOCATION).is_none());
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn implicit_flow_when_switched_on() {
    let server = serving(ALL_GRANTS, |c| {
        c.issuer = Some(ISSUER.to_owned());
    });
    let reply = authorize(
        &server,
        &web_request(&[
            ("response_type", "token"),
            ("code_challenge", ""),
            ("code_challenge_method", ""),
            ("scope", "read write"),
        ]),
        Some(ALICE),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.target(), WEB_CALLBACK);
    // §4.2.2: in the fragment, never the query.
    assert!(reply.location().query().is_none());
    let fragment = reply.fragment();
    assert_is_256_bit_token(&fragment["access_token"]);
    assert_eq!(fragment["token_type"], "Bearer");
    assert_eq!(fragment["expires_in"], "3600");
    assert_eq!(fragment["scope"], "read write");
    assert_eq!(fragment["state"], "af0ifjsldkj");
    assert_eq!(fragment["iss"], ISSUER);
    // §4.2.2: no refresh token.
    assert!(!fragment.contains_key("refresh_token"));
    assert_eq!(
        counts(&server),
        Counts {
            codes: 0,
            access: 1,
            refresh: 0
        }
    );
    assert!(token_is_valid(&server, &fragment["access_token"], scope("write")).await);
}

#[tokio::test]
async fn implicit_is_off_by_default() {
    let server = server();
    let reply = authorize(
        &server,
        &web_request(&[("response_type", "token")]),
        Some(ALICE),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.target(), WEB_CALLBACK);
    let fragment = reply.fragment();
    assert_eq!(fragment["error"], "unsupported_response_type");
    assert_eq!(fragment["state"], "af0ifjsldkj");
    assert!(!fragment.contains_key("access_token"));
    assert_eq!(counts(&server), EMPTY);
}

// ---------------------------------------------------------------------------------------------
// Redirect URIs: matched exactly, with only the loopback port exception.

#[tokio::test]
async fn the_loopback_port_may_vary() {
    let server = server();
    for redirect in [
        "http://127.0.0.1:51004/callback",
        "http://127.0.0.1/callback",
    ] {
        let reply = authorize(
            &server,
            &[
                ("response_type", "code"),
                ("client_id", NATIVE),
                ("redirect_uri", redirect),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
                ("decision", "approve"),
            ],
            Some(ALICE),
        )
        .await;
        assert_eq!(reply.target(), redirect);
        assert!(reply.query().contains_key("code"));
    }
}

#[tokio::test]
async fn a_redirect_uri_that_does_not_match_is_shown_not_redirected() {
    let server = server();
    for redirect in [
        "https://app.example.com/cb/",
        "https://APP.example.com/cb",
        "https://app.example.com:443/cb",
        "http://app.example.com/cb",
        "https://app.example.com/cb?x=1",
        "https://app.example.com/cb#x",
        "https://app.example.com/c",
        "https://evil.example.com/cb",
        "https://app.example.com.evil.com/cb",
        "https://app.example.com/cb/../cb",
        "not a uri",
    ] {
        let reply = authorize(
            &server,
            &web_request(&[("redirect_uri", redirect)]),
            Some(ALICE),
        )
        .await;
        reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    }
    // The loopback exception is for the loopback IP literals over http only.
    for redirect in [
        "http://localhost:51004/callback",
        "https://127.0.0.1:51004/callback",
        "http://127.0.0.1:51004/callback/x",
        "http://127.0.0.1.evil.com/callback",
        "http://127.0.0.1:51004@evil.com/callback",
    ] {
        let reply = authorize(
            &server,
            &[
                ("response_type", "code"),
                ("client_id", NATIVE),
                ("redirect_uri", redirect),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
                ("decision", "approve"),
            ],
            Some(ALICE),
        )
        .await;
        reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn an_omitted_redirect_uri_needs_exactly_one_registered() {
    let server = server();
    // One registered: it is used.
    let reply = authorize(&server, &web_request(&[("redirect_uri", "")]), Some(ALICE)).await;
    assert_eq!(reply.target(), WEB_CALLBACK);
    assert!(reply.query().contains_key("code"));
    // Two registered: nothing to choose from.
    let reply = authorize(
        &server,
        &web_request(&[("client_id", MULTI), ("redirect_uri", "")]),
        Some(ALICE),
    )
    .await;
    reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(server.provider().store.code_count(), 1);
}

#[tokio::test]
async fn a_registered_query_is_kept_and_extended() {
    let server = server();
    let reply = authorize(
        &server,
        &web_request(&[("client_id", MULTI), ("redirect_uri", MULTI_CALLBACK_B)]),
        Some(ALICE),
    )
    .await;
    let query = reply.query();
    assert_eq!(query["tenant"], "7");
    assert!(query.contains_key("code"));
}

#[tokio::test]
async fn an_unknown_or_missing_client_is_shown_not_redirected() {
    let server = server();
    let unknown = authorize(
        &server,
        &web_request(&[("client_id", "no-such-app")]),
        Some(ALICE),
    )
    .await;
    unknown.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    let missing = authorize(&server, &web_request(&[("client_id", "")]), Some(ALICE)).await;
    missing.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    // Another client's redirect URI is not this client's.
    let borrowed = authorize(
        &server,
        &web_request(&[("redirect_uri", OTHER_CALLBACK)]),
        Some(ALICE),
    )
    .await;
    borrowed.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_repeated_client_id_or_redirect_uri_is_shown_not_redirected() {
    let server = server();
    for (name, value) in [("client_id", WEB), ("redirect_uri", WEB_CALLBACK)] {
        let mut params = web_request(&[]);
        params.push((name, value));
        let reply = authorize(&server, &params, Some(ALICE)).await;
        reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    }
    assert_eq!(counts(&server), EMPTY);
}

// ---------------------------------------------------------------------------------------------
// Errors that go back to the client.

#[tokio::test]
async fn a_malformed_request_from_a_verified_client_is_redirected_invalid_request() {
    // §4.1.2.1: only a bad client or redirect URI keeps an error from the client; a repeated or
    // badly escaped parameter is `invalid_request`, sent back with the state.
    let server = server_with(|c| c.issuer = Some(ISSUER.to_owned()));
    let good = form_encode(&web_request(&[]));
    for query in [
        format!("{good}&scope=write"),
        format!("{good}&code_challenge=x"),
        format!("{good}&nonce=%zz"),
        format!("{good}&nonce=%ff"),
    ] {
        let request = Request::builder()
            .uri(format!("https://auth.example.com/authorize?{query}"))
            .header(COOKIE, "session=alice")
            .body(Bytes::new())
            .unwrap();
        let reply = AuthorizeReply::from_response(server.authorize(request).await);
        assert_redirected_error(&reply, WEB_CALLBACK, "invalid_request", Some(ISSUER));
    }
    // A repeated state cannot be echoed, but the error still goes back.
    let request = authorize_request(
        &[
            ("response_type", "code"),
            ("client_id", WEB),
            ("state", "one"),
            ("state", "two"),
        ],
        Some(ALICE),
    );
    let reply = AuthorizeReply::from_response(server.authorize(request).await);
    assert_eq!(reply.target(), WEB_CALLBACK);
    let query = reply.query();
    assert_eq!(query["error"], "invalid_request");
    assert!(!query.contains_key("state"));
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_missing_response_type_is_redirected_invalid_request() {
    let server = server_with(|c| c.issuer = Some(ISSUER.to_owned()));
    let reply = authorize(&server, &web_request(&[("response_type", "")]), Some(ALICE)).await;
    assert_redirected_error(&reply, WEB_CALLBACK, "invalid_request", Some(ISSUER));
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn an_unknown_response_type_is_redirected_unsupported_response_type() {
    let server = server_with(|c| c.issuer = Some(ISSUER.to_owned()));
    for response_type in ["id_token", "code token", "CODE"] {
        let reply = authorize(
            &server,
            &web_request(&[("response_type", response_type)]),
            Some(ALICE),
        )
        .await;
        assert_redirected_error(
            &reply,
            WEB_CALLBACK,
            "unsupported_response_type",
            Some(ISSUER),
        );
    }
    // The code flow switched off in the config.
    let server = server_with(|c| {
        c.grants.disable(GrantType::AuthorizationCode);
    });
    let reply = authorize(&server, &web_request(&[]), Some(ALICE)).await;
    assert_redirected_error(&reply, WEB_CALLBACK, "unsupported_response_type", None);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_response_type_the_client_may_not_use_is_unauthorized_client() {
    let server = server();
    // SERVICE may use client_credentials only.
    let reply = authorize(
        &server,
        &web_request(&[("client_id", SERVICE), ("redirect_uri", SERVICE_CALLBACK)]),
        Some(ALICE),
    )
    .await;
    assert_redirected_error(&reply, SERVICE_CALLBACK, "unauthorized_client", None);

    let server = serving(ALL_GRANTS, |_| {});
    let reply = authorize(
        &server,
        &web_request(&[
            ("client_id", NO_REFRESH),
            ("response_type", "token"),
            ("code_challenge", ""),
            ("code_challenge_method", ""),
        ]),
        Some(ALICE),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let fragment = reply.fragment();
    assert_eq!(fragment["error"], "unauthorized_client");
    assert_eq!(fragment["state"], "af0ifjsldkj");
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn an_invalid_scope_is_redirected_invalid_scope() {
    let server = server();
    for requested in ["admin", "read delete", "read  write", "read\"x"] {
        let reply = authorize(&server, &web_request(&[("scope", requested)]), Some(ALICE)).await;
        assert_redirected_error(&reply, WEB_CALLBACK, "invalid_scope", None);
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_public_client_must_use_pkce() {
    let server = server();
    let reply = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", NATIVE),
            ("redirect_uri", NATIVE_SCHEME),
            ("state", "af0ifjsldkj"),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    assert_redirected_error(&reply, NATIVE_SCHEME, "invalid_request", None);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn confidential_clients_must_use_pkce_when_configured() {
    let server = server_with(|c| c.require_pkce_for_confidential = true);
    let reply = authorize(
        &server,
        &web_request(&[("code_challenge", ""), ("code_challenge_method", "")]),
        Some(ALICE),
    )
    .await;
    assert_redirected_error(&reply, WEB_CALLBACK, "invalid_request", None);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn pkce_plain_is_refused_unless_configured() {
    let plain_challenge = VERIFIER;
    let server = server();
    for params in [
        web_request(&[
            ("code_challenge", plain_challenge),
            ("code_challenge_method", "plain"),
        ]),
        // §4.3: an absent method means plain.
        web_request(&[
            ("code_challenge", plain_challenge),
            ("code_challenge_method", ""),
        ]),
    ] {
        let reply = authorize(&server, &params, Some(ALICE)).await;
        assert_redirected_error(&reply, WEB_CALLBACK, "invalid_request", None);
    }
    assert_eq!(counts(&server), EMPTY);

    let server = server_with(|c| c.allow_plain_pkce = true);
    let reply = authorize(
        &server,
        &web_request(&[
            ("code_challenge", plain_challenge),
            ("code_challenge_method", "plain"),
        ]),
        Some(ALICE),
    )
    .await;
    let code = reply.query()["code"].clone();
    let exchange = |verifier: &'static str| {
        [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", WEB_CALLBACK),
            ("code_verifier", verifier),
        ]
    };
    // The S256 transform of the verifier is not the plain verifier.
    let wrong = token(&server, Auth::Basic(WEB, WEB_SECRET), &exchange(CHALLENGE)).await;
    assert_token_error(&wrong, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    let right = token(&server, Auth::Basic(WEB, WEB_SECRET), &exchange(VERIFIER)).await;
    assert_token_ok(&right);
}

#[tokio::test]
async fn a_malformed_pkce_challenge_is_redirected_invalid_request() {
    let server = server();
    let too_long = "a".repeat(129);
    for extra in [
        [
            ("code_challenge", "too-short"),
            ("code_challenge_method", "S256"),
        ],
        [
            ("code_challenge", too_long.as_str()),
            ("code_challenge_method", "S256"),
        ],
        [
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM",
            ),
            ("code_challenge_method", "S256"),
        ],
        [
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "s256"),
        ],
        [
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S512"),
        ],
        [("code_challenge", ""), ("code_challenge_method", "S256")],
    ] {
        let reply = authorize(&server, &web_request(&extra), Some(ALICE)).await;
        assert_redirected_error(&reply, WEB_CALLBACK, "invalid_request", None);
    }
    assert_eq!(counts(&server), EMPTY);
}

// ---------------------------------------------------------------------------------------------
// The consent hook: approve, deny, respond.

#[tokio::test]
async fn consent_deny_is_access_denied() {
    let server = server_with(|c| c.issuer = Some(ISSUER.to_owned()));
    let reply = authorize(&server, &web_request(&[("decision", "deny")]), Some(ALICE)).await;
    assert_redirected_error(&reply, WEB_CALLBACK, "access_denied", Some(ISSUER));
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn consent_respond_shows_the_hooks_page() {
    let server = server();
    // No session: the hook answers with its login page.
    let reply = authorize(&server, &web_request(&[]), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, LOGIN_PAGE.as_bytes());
    assert_eq!(reply.headers[CONTENT_TYPE], "text/html");
    assert!(reply.headers.get(http::header::LOCATION).is_none());
    // A session but no decision yet: the consent page.
    let reply = authorize(&server, &web_request(&[("decision", "")]), Some(ALICE)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn consent_approve_may_narrow_the_scope() {
    let server = server();
    let reply = authorize(
        &server,
        &web_request(&[("scope", "read write"), ("approve_scope", "read")]),
        Some(ALICE),
    )
    .await;
    let code = reply.query()["code"].clone();
    let tokens = token(
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
    assert_token_ok(&tokens);
    assert_eq!(tokens.str("scope"), "read");
}

#[tokio::test]
async fn consent_approve_cannot_widen_the_scope() {
    let server = server();
    // The owner "approves" admin, which was not requested (and the client may not hold).
    let reply = authorize(
        &server,
        &web_request(&[("scope", "read"), ("approve_scope", "read write admin")]),
        Some(ALICE),
    )
    .await;
    let code = reply.query()["code"].clone();
    let tokens = token(
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
    assert_token_ok(&tokens);
    assert_eq!(tokens.str("scope"), "read");
}

#[tokio::test]
async fn a_consent_hook_error_is_redirected() {
    let server = server();
    // The harness's consent hook refuses a malformed consent form with invalid_request.
    let reply = authorize(
        &server,
        &web_request(&[("approve_scope", "bogus")]),
        Some(ALICE),
    )
    .await;
    assert_redirected_error(&reply, WEB_CALLBACK, "invalid_request", None);
    assert_eq!(counts(&server), EMPTY);
}

/// An error that must not be redirected is a page for a browser (`Accept: text/html`): the
/// status and code as for any client, the fixed description, none of the request's values,
/// the headers of every page; JSON for anything else.
#[tokio::test]
async fn a_browser_is_shown_an_html_error_page() {
    let server = server();
    let evil = "https://evil.example.com/<script>";
    let params = [
        ("response_type", "code"),
        ("client_id", WEB),
        ("redirect_uri", evil),
        ("state", "<b>state</b>"),
    ];
    let mut request = authorize_request(&params, Some(ALICE));
    request.headers_mut().insert(
        http::header::ACCEPT,
        http::HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
    );
    let reply = AuthorizeReply::from_response(server.authorize(request).await);
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.headers.get(http::header::LOCATION).is_none());
    assert!(
        reply.headers[http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(
        reply.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .split(';')
            .next(),
        Some("default-src 'none'")
    );
    assert_eq!(reply.headers["x-frame-options"], "DENY");
    assert_eq!(reply.headers[http::header::CACHE_CONTROL], "no-store");
    let page = std::str::from_utf8(&reply.body).unwrap();
    assert!(page.contains("<html lang=\"en\">") && page.contains("name=\"viewport\""));
    assert!(page.contains("<code>invalid_request</code>: the redirect_uri is missing or not registered for this client."), "{page}");
    for sent in ["evil.example.com", "script", "state"] {
        assert!(!page.contains(sent), "{sent} reflected: {page}");
    }
    // The same request from a program: JSON.
    let reply = authorize(&server, &params, Some(ALICE)).await;
    reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
}
