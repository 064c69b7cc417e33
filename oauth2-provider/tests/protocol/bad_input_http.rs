//! Bad input: the HTTP envelope (RFC 6749 §3.1, §3.2, §5.2, Appendix B; RFC 9110 §15.5.6,
//! §15.5.14).
//!
//! Wrong methods are 405 with `Allow`; a body that is not `application/x-www-form-urlencoded`,
//! a repeated parameter or broken percent-encoding is `invalid_request`; a body over
//! `Config::max_body_bytes` is 413, also through the axum adapter whatever `Content-Length`
//! says; a `state` over `Config::max_state_bytes` is refused before anything redirects; a huge
//! `scope` is never echoed. Every error is RFC 6749 §5.2 JSON (or the authorization endpoint's
//! plain error page) whose `error_description` stays in the §5.2 character set, names no
//! internals and echoes nothing sent; nothing is stored.

use crate::support::*;
use http::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderName, LOCATION};
use http::{Method, StatusCode};

const FORM: &[u8] = b"application/x-www-form-urlencoded";
pub(crate) const MARKER: &str = "zq7-marker";

/// A §5.2 error that gives nothing away.
fn assert_refused(reply: &JsonReply, status: StatusCode, error: &str) {
    assert_token_error(reply, status, error, &[MARKER, WEB_SECRET, SERVICE_SECRET]);
    assert_no_internals(reply.str("error_description"));
}

/// A POST to `path` with these headers (Basic for the service client unless `auth` is false).
fn post(
    path: &str,
    content_type: Option<&[u8]>,
    auth: bool,
    body: &str,
) -> http::Request<bytes::Bytes> {
    let basic = basic(SERVICE, SERVICE_SECRET);
    let mut headers: Vec<(HeaderName, &[u8])> = Vec::new();
    if let Some(content_type) = content_type {
        headers.push((CONTENT_TYPE, content_type));
    }
    if auth {
        headers.push((AUTHORIZATION, basic.as_bytes()));
    }
    raw_request(
        Method::POST,
        &format!("https://auth.example.com{path}"),
        &headers,
        body.to_owned(),
    )
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

// ---------------------------------------------------------------------------------------------
// Methods.

#[tokio::test]
async fn wrong_methods_are_405_with_allow() {
    let server = server_with(|c| c.issuer = Some("https://auth.example.com".to_owned()));
    let cases: [(&str, &[Method], &str); 5] = [
        (
            "/token",
            &[
                Method::GET,
                Method::HEAD,
                Method::PUT,
                Method::DELETE,
                Method::PATCH,
            ],
            // OPTIONS is a CORS preflight (tests/protocol/cors.rs).
            "POST",
        ),
        (
            "/revoke",
            &[Method::GET, Method::PUT, Method::DELETE],
            "POST",
        ),
        (
            "/introspect",
            &[Method::GET, Method::PUT, Method::PATCH],
            "POST",
        ),
        (
            "/authorize",
            &[
                Method::HEAD,
                Method::PUT,
                Method::DELETE,
                Method::PATCH,
                Method::OPTIONS,
            ],
            "GET, POST",
        ),
        (
            "/.well-known/oauth-authorization-server",
            &[Method::POST, Method::PUT, Method::DELETE],
            // OPTIONS is a CORS preflight: a browser-based client may read the document.
            "GET, HEAD, OPTIONS",
        ),
    ];
    let custom = Method::from_bytes(b"BREW").unwrap();
    for (path, methods, allow) in cases {
        for method in methods.iter().chain([&custom]) {
            let uri = format!("https://auth.example.com{path}?grant_type=client_credentials");
            let basic = basic(SERVICE, SERVICE_SECRET);
            let request = raw_request(
                method.clone(),
                &uri,
                &[(CONTENT_TYPE, FORM), (AUTHORIZATION, basic.as_bytes())],
                "grant_type=client_credentials",
            );
            let reply = JsonReply::from_response(server.handle(request).await);
            assert_refused(&reply, StatusCode::METHOD_NOT_ALLOWED, "invalid_request");
            assert_eq!(reply.header(ALLOW), Some(allow), "{method} {path}");
        }
    }
    assert_eq!(counts(&server), EMPTY);
}

// ---------------------------------------------------------------------------------------------
// Content types.

#[tokio::test]
async fn only_form_bodies_are_read_at_every_post_endpoint() {
    let server = server();
    let content_types: [Option<&[u8]>; 9] = [
        None,
        Some(b"application/json"),
        Some(b"text/plain"),
        Some(b"multipart/form-data; boundary=x"),
        Some(b"application/x-www-form-urlencodedx"),
        Some(b"application/x-www-form-urlencoded-evil"),
        Some(b"x-www-form-urlencoded"),
        Some(b""),
        Some(b"application/x-www-form-urlencoded\xff"),
    ];
    for path in ["/token", "/revoke", "/introspect", "/authorize"] {
        for content_type in content_types {
            let body = match content_type {
                Some(b"application/json") => r#"{"grant_type":"client_credentials"}"#,
                _ => "grant_type=client_credentials&token=x&client_id=web-app&response_type=code",
            };
            let reply =
                JsonReply::from_response(server.handle(post(path, content_type, true, body)).await);
            assert_refused(&reply, StatusCode::BAD_REQUEST, "invalid_request");
        }
        // Two Content-Type headers, even two right ones, are one too many.
        let basic = basic(SERVICE, SERVICE_SECRET);
        let request = raw_request(
            Method::POST,
            &format!("https://auth.example.com{path}"),
            &[
                (CONTENT_TYPE, FORM),
                (CONTENT_TYPE, FORM),
                (AUTHORIZATION, basic.as_bytes()),
            ],
            "grant_type=client_credentials",
        );
        let reply = JsonReply::from_response(server.handle(request).await);
        assert_refused(&reply, StatusCode::BAD_REQUEST, "invalid_request");
    }
    assert_eq!(counts(&server), EMPTY);
}

// ---------------------------------------------------------------------------------------------
// Repeated parameters and percent-encoding.

#[tokio::test]
async fn a_repeated_parameter_is_invalid_request_at_the_token_endpoint() {
    let server = password_server();
    let bodies = [
        "grant_type=client_credentials&grant_type=client_credentials",
        "grant_type=client_credentials&grant_type=password",
        "grant_type=client_credentials&scope=read&scope=read",
        // The same name under another encoding is the same name.
        "grant_type=client_credentials&scope=read&sc%6Fpe=read",
        "grant_type=client_credentials&%67rant_type=client_credentials",
        "grant_type=password&username=alice&username=bob&password=wonderland",
        "grant_type=password&username=alice&password=wonderland&password=wonderland",
        "grant_type=authorization_code&code=a&code=b",
        "grant_type=refresh_token&refresh_token=a&refresh_token=b",
    ];
    for body in bodies {
        let reply =
            JsonReply::from_response(server.token(post("/token", Some(FORM), true, body)).await);
        assert_refused(&reply, StatusCode::BAD_REQUEST, "invalid_request");
    }
    // client_secret_post, repeated.
    for body in [
        format!(
            "grant_type=client_credentials&client_id={SERVICE}&client_id={SERVICE}&client_secret={SERVICE_SECRET}"
        ),
        format!(
            "grant_type=client_credentials&client_id={SERVICE}&client_secret={SERVICE_SECRET}&client_secret={SERVICE_SECRET}"
        ),
    ] {
        let reply =
            JsonReply::from_response(server.token(post("/token", Some(FORM), false, &body)).await);
        assert_refused(&reply, StatusCode::BAD_REQUEST, "invalid_request");
    }
    assert_eq!(counts(&server), EMPTY);

    // An empty value is an omitted parameter (Appendix B), so this is not a repeat.
    let reply = JsonReply::from_response(
        server
            .token(post(
                "/token",
                Some(FORM),
                true,
                "grant_type=&grant_type=client_credentials&scope=",
            ))
            .await,
    );
    assert_token_ok(&reply);
}

#[tokio::test]
async fn a_repeated_parameter_at_the_authorization_endpoint() {
    let server = server();
    let base = [
        ("response_type", "code"),
        ("client_id", WEB),
        ("redirect_uri", WEB_CALLBACK),
        ("scope", "read"),
        ("state", "s-1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("decision", "approve"),
    ];
    // Repeats that locate the client: shown, never redirected.
    for repeated in [("client_id", WEB), ("redirect_uri", WEB_CALLBACK)] {
        let mut params = base.to_vec();
        params.push(repeated);
        let reply = authorize(&server, &params, Some(ALICE)).await;
        reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    }
    // Other repeats from a verified client: back to the client as invalid_request.
    for repeated in [
        ("response_type", "code"),
        ("scope", "read"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("decision", "approve"),
    ] {
        let mut params = base.to_vec();
        params.push(repeated);
        let reply = authorize(&server, &params, Some(ALICE)).await;
        assert_eq!(reply.target(), WEB_CALLBACK, "{repeated:?}");
        let query = reply.query();
        assert_eq!(query["error"], "invalid_request", "{repeated:?}");
        assert_eq!(query["state"], "s-1");
        assert!(!query.contains_key("code"));
        assert_description_is_clean(&query["error_description"], &[CHALLENGE]);
        assert_no_internals(&query["error_description"]);
    }
    assert_eq!(counts(&server), EMPTY);
}

/// Percent-encoding that a lenient decoder would repair or guess at is refused.
const BROKEN: [&str; 12] = [
    "%",
    "%4",
    "%zz",
    "%%41",
    "%ff",
    "%C3",
    "%C3%28",
    "%C0%AF",
    "%ED%A0%80",
    "%F4%90%80%80",
    "%e2%82",
    "%G1",
];

#[tokio::test]
async fn malformed_percent_encoding_is_invalid_request() {
    let server = server();
    for broken in BROKEN {
        for body in [
            format!("grant_type=client_credentials&scope={broken}"),
            format!("grant_type=client_credentials&x{broken}=1"),
            format!("grant_type=client_credentials{broken}"),
        ] {
            for path in ["/token", "/revoke", "/introspect"] {
                let body = format!("{body}&token={MARKER}");
                let reply = JsonReply::from_response(
                    server.handle(post(path, Some(FORM), true, &body)).await,
                );
                assert_refused(&reply, StatusCode::BAD_REQUEST, "invalid_request");
            }
        }
        // In the token endpoint's query, too.
        let request = raw_request(
            Method::POST,
            &format!("https://auth.example.com/token?x={broken}"),
            &[
                (CONTENT_TYPE, FORM),
                (AUTHORIZATION, basic(SERVICE, SERVICE_SECRET).as_bytes()),
            ],
            "grant_type=client_credentials",
        );
        let reply = JsonReply::from_response(server.token(request).await);
        assert_refused(&reply, StatusCode::BAD_REQUEST, "invalid_request");
    }
    // Raw bytes that are not UTF-8.
    let request = raw_request(
        Method::POST,
        "https://auth.example.com/token",
        &[
            (CONTENT_TYPE, FORM),
            (AUTHORIZATION, basic(SERVICE, SERVICE_SECRET).as_bytes()),
        ],
        &b"grant_type=client_credentials&scope=\xff\xfe"[..],
    );
    let reply = JsonReply::from_response(server.token(request).await);
    assert_refused(&reply, StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn malformed_percent_encoding_at_the_authorization_endpoint() {
    let server = server();
    let verified = format!(
        "response_type=code&client_id={WEB}&redirect_uri={}&state=s-2&decision=approve",
        encode(WEB_CALLBACK)
    );
    for broken in BROKEN {
        // In a parameter that locates the client: shown.
        let query = format!("response_type=code&client_id=web{broken}&state=s-2");
        let request = raw_request(
            Method::GET,
            &format!("https://auth.example.com/authorize?{query}"),
            &[(COOKIE, b"session=alice")],
            "",
        );
        let reply = AuthorizeReply::from_response(server.authorize(request).await);
        reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
        // Elsewhere, from a verified client: redirected, with state.
        let query = format!("{verified}&scope={broken}");
        let request = raw_request(
            Method::GET,
            &format!("https://auth.example.com/authorize?{query}"),
            &[(COOKIE, b"session=alice")],
            "",
        );
        let reply = AuthorizeReply::from_response(server.authorize(request).await);
        assert_eq!(reply.target(), WEB_CALLBACK, "{broken}");
        let query = reply.query();
        assert_eq!(query["error"], "invalid_request");
        assert_eq!(query["state"], "s-2");
        assert_no_internals(&query["error_description"]);
    }
    assert_eq!(counts(&server), EMPTY);
}

// ---------------------------------------------------------------------------------------------
// Sizes: bodies, state, scope.

#[tokio::test]
async fn a_body_over_the_limit_is_413_at_every_post_endpoint() {
    let limit = 256;
    let server = server_with(|c| c.max_body_bytes = limit);
    let valid = "grant_type=client_credentials&pad=";
    for path in ["/token", "/revoke", "/introspect", "/authorize"] {
        let body = format!("{valid}{}", "x".repeat(limit + 1 - valid.len()));
        assert_eq!(body.len(), limit + 1);
        let reply =
            JsonReply::from_response(server.handle(post(path, Some(FORM), true, &body)).await);
        assert_refused(&reply, StatusCode::PAYLOAD_TOO_LARGE, "invalid_request");
        // At the limit exactly, the body is read.
        let body = &body[..limit];
        let reply = server.handle(post(path, Some(FORM), true, body)).await;
        assert_ne!(reply.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
    }
    // Only the one request at the limit to the token endpoint issued anything.
    assert_eq!(counts(&server).access, 1);
}

fn state_request(state: &str) -> Vec<(&str, &str)> {
    vec![
        ("response_type", "code"),
        ("client_id", WEB),
        ("redirect_uri", WEB_CALLBACK),
        ("state", state),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("decision", "approve"),
    ]
}

/// `Config::max_state_bytes` (default 2048): a `state` that long is echoed, one byte more is
/// refused on an error page, so the redirect's `Location` stays bounded.
#[tokio::test]
async fn state_is_capped_and_the_location_stays_bounded() {
    let server = server_with(|c| c.issuer = Some("https://auth.example.com".to_owned()));
    let max = oauth2_provider::Config::default().max_state_bytes;
    assert_eq!(max, 2048);
    // The worst case for the Location: every byte percent-encoded.
    for (state, accepted) in [
        ("&".repeat(max), true),
        ("é".repeat(max / 2), true),
        ("&".repeat(max + 1), false),
        ("é".repeat(max / 2 + 1), false),
        (format!("{MARKER}{}", "a".repeat(32 * 1024)), false),
    ] {
        let before = counts(&server);
        let reply = authorize(&server, &state_request(&state), Some(ALICE)).await;
        if accepted {
            assert_eq!(reply.query()["state"], state);
            let location = reply.headers[LOCATION].len();
            let bound =
                3 * max + WEB_CALLBACK.len() + 43 + "https://auth.example.com".len() * 3 + 32;
            assert!(location <= bound, "{location} > {bound}");
            assert_eq!(counts(&server).codes, before.codes + 1);
        } else {
            reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
            let body = std::str::from_utf8(&reply.body).unwrap();
            assert!(!body.contains(MARKER) && body.len() < 200, "{body:?}");
            let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
            assert_no_internals(body["error_description"].as_str().unwrap());
            assert_eq!(counts(&server), before);
        }
    }
}

#[tokio::test]
async fn the_state_cap_is_configurable_and_holds_on_every_path() {
    let server = server_with(|c| c.max_state_bytes = 16);
    let ok = "a".repeat(16);
    let long = "a".repeat(17);
    let reply = authorize(&server, &state_request(&ok), Some(ALICE)).await;
    assert_eq!(reply.query()["state"], ok);
    let codes = counts(&server).codes;
    assert_eq!(codes, 1);

    // Too long: shown whatever else is wrong or right with the request, and by POST too.
    let mut unknown_client = state_request(&long);
    unknown_client[1] = ("client_id", "no-such-client");
    let mut denied = state_request(&long);
    denied.retain(|(n, _)| *n != "decision");
    denied.push(("decision", "deny"));
    let mut malformed = state_request(&long);
    malformed.push(("scope", "read"));
    malformed.push(("scope", "read"));
    for params in [state_request(&long), unknown_client, denied, malformed] {
        let reply = authorize(&server, &params, Some(ALICE)).await;
        reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
        let request = raw_request(
            Method::POST,
            "https://auth.example.com/authorize",
            &[(CONTENT_TYPE, FORM), (COOKIE, b"session=alice")],
            form_encode(&params),
        );
        let reply = AuthorizeReply::from_response(server.authorize(request).await);
        reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    }
    assert_eq!(counts(&server).codes, codes);
}

/// A huge `scope` is never echoed: unknown, it is `invalid_scope` with a short `Location`;
/// made of known names, it is their set. Its size is bounded by the body limit (POST) and by
/// the URI limit of the HTTP layer (GET); parsing it is linear.
#[tokio::test]
async fn a_huge_scope_is_never_echoed() {
    let server = server();
    let unknown = format!("{MARKER} {}", "x".repeat(60 * 1024));
    let reply = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", WEB),
            ("redirect_uri", WEB_CALLBACK),
            ("state", "s-3"),
            ("scope", &unknown),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    assert_eq!(reply.query()["error"], "invalid_scope");
    assert!(reply.headers[LOCATION].len() < 512);
    assert!(!reply.headers[LOCATION].to_str().unwrap().contains(MARKER));

    let repeated = vec!["read"; 12 * 1024].join(" ");
    let reply = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", WEB),
            ("redirect_uri", WEB_CALLBACK),
            ("scope", &repeated),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    assert!(reply.headers[LOCATION].len() < 512);
    assert!(reply.query().contains_key("code"));

    // At the token endpoint, within the body limit.
    let body = format!(
        "grant_type=client_credentials&scope={}",
        encode(&unknown[..15 * 1024])
    );
    let reply =
        JsonReply::from_response(server.token(post("/token", Some(FORM), true, &body)).await);
    assert_refused(&reply, StatusCode::BAD_REQUEST, "invalid_scope");
    assert_eq!(counts(&server).access, 0);
}
