//! Bad input: redirect URIs (RFC 6749 §3.1.2, §4.1.2.1; RFC 9700 §2.1, §4.1, §4.11; RFC 8252
//! §7.3).
//!
//! A requested `redirect_uri` must equal a registered one character for character; the only
//! freedom is the port of a registered `http://127.0.0.1` or `http://[::1]` URI. Every other
//! variant is refused with `invalid_request` *shown to the user agent*: no `Location`, no code,
//! nothing stored, and the error page does not echo the URI.

use crate::support::*;
use http::StatusCode;
use http::header::LOCATION;

/// A code request that alice approves, to `redirect_uri`, from `client`.
fn request<'a>(client: &'a str, redirect_uri: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", client),
        ("redirect_uri", redirect_uri),
        ("state", "s-4f1c"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("decision", "approve"),
    ]
}

/// Every trick, per client; each must be refused and shown.
const REFUSED: &[(&str, &[&str])] = &[
    (
        WEB, // registered: https://app.example.com/cb
        &[
            // Unregistered.
            "https://evil.example.com/cb",
            // Prefixes and suffixes of the registered URI.
            "https://app.example.com/c",
            "https://app.example.com/",
            "https://app.example.com",
            "https://app.example.com/cb/",
            "https://app.example.com/cbx",
            "https://app.example.com/cb/evil",
            "https://app.example.com/cb.evil.com",
            "https://app.example.com.evil.com/cb",
            // The registered URI as a substring of another.
            "https://evil.com/https://app.example.com/cb",
            "https://evil.com/?r=https://app.example.com/cb",
            "https://evil.com#https://app.example.com/cb",
            // Path traversal, plain and encoded.
            "https://app.example.com/cb/../evil",
            "https://app.example.com/evil/../cb",
            "https://app.example.com/cb/..%2Fevil",
            "https://app.example.com/cb/%2e%2e/evil",
            "https://app.example.com/./cb",
            "https://app.example.com//cb",
            // Userinfo: the host is whatever follows the `@`.
            "https://app.example.com@evil.com/cb",
            "https://app.example.com:443@evil.com/cb",
            "https://user@app.example.com/cb",
            "https://:@app.example.com/cb",
            "https://evil.com\\@app.example.com/cb",
            // Case, default port, other port, scheme.
            "https://APP.example.com/cb",
            "HTTPS://app.example.com/cb",
            "https://app.example.com/CB",
            "https://app.example.com:443/cb",
            "https://app.example.com:8443/cb",
            "http://app.example.com/cb",
            // An added query or fragment, even an empty one.
            "https://app.example.com/cb?x=1",
            "https://app.example.com/cb?",
            "https://app.example.com/cb#x",
            "https://app.example.com/cb#",
            // Encodings of the same URI.
            "https://app.example.com/%63b",
            "https%3A%2F%2Fapp.example.com%2Fcb",
            "https://app.example.com/cb%00",
            "https://app.exаmple.com/cb", // Cyrillic `а`
            "https://xn--app-example.com/cb",
            // Whitespace a lenient URL parser would strip.
            " https://app.example.com/cb",
            "https://app.example.com/cb ",
            "https://app.example.com/cb\t",
            "https://app.example.com/c\nb",
            // Schemes that run code or read files.
            "javascript:alert(1)",
            "javascript://app.example.com/cb%0aalert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            // Relative references.
            "/cb",
            "//evil.com/cb",
            "cb",
            "not a uri",
        ],
    ),
    (
        NATIVE, // registered: http://127.0.0.1/callback and com.example.app:/oauth2redirect
        &[
            // `localhost` gets no port freedom, and is not the registered host anyway.
            "http://localhost/callback",
            "http://localhost:51004/callback",
            // Hosts that start with the loopback literal.
            "http://127.0.0.1.evil.com/callback",
            "http://127.0.0.1:51004.evil.com/callback",
            "http://127.0.0.1:51004@evil.com/callback",
            "http://user@127.0.0.1:51004/callback",
            // Other spellings of a loopback address are other strings.
            "http://127.1:51004/callback",
            "http://2130706433:51004/callback",
            "http://0x7f000001:51004/callback",
            "http://127.0.0.2:51004/callback",
            "http://0.0.0.0:51004/callback",
            "http://[::1]:51004/callback",
            "http://[::ffff:127.0.0.1]:51004/callback",
            // The port is the only freedom: not the scheme, path, query or fragment.
            "https://127.0.0.1:51004/callback",
            "http://127.0.0.1:51004/callback/",
            "http://127.0.0.1:51004/callback/x",
            "http://127.0.0.1:51004/Callback",
            "http://127.0.0.1:51004/callback?x=1",
            "http://127.0.0.1:51004/callback#x",
            "http://127.0.0.1:51004/x/../callback",
            // Not a port.
            "http://127.0.0.1:65536/callback",
            "http://127.0.0.1:000080/callback",
            "http://127.0.0.1:/callback",
            "http://127.0.0.1:-1/callback",
            "http://127.0.0.1:+80/callback",
            "http://127.0.0.1: 80/callback",
            "http://127.0.0.1:0x50/callback",
            "http://127.0.0.1:99999999999999999999/callback",
            // The private-use scheme URI has no freedom at all.
            "com.example.app:/oauth2redirect/evil",
            "com.example.app://oauth2redirect",
            "COM.EXAMPLE.APP:/oauth2redirect",
            "com.example.app:/oauth2redirect?x=1",
            "com.example.app:51004/oauth2redirect",
            "com.example.evil:/oauth2redirect",
        ],
    ),
    (
        MULTI, // registered: https://multi.example.com/a and https://multi.example.com/b?tenant=7
        &[
            "https://multi.example.com/b",
            "https://multi.example.com/b?tenant=8",
            "https://multi.example.com/b?tenant=7&x=1",
            "https://multi.example.com/b?x=1&tenant=7",
            "https://multi.example.com/b?tenant=7#x",
            "https://multi.example.com/a?tenant=7",
            "https://multi.example.com/b?tenant%3D7",
        ],
    ),
];

#[tokio::test]
async fn every_redirect_uri_trick_is_shown_not_redirected() {
    let server = server();
    for (client, uris) in REFUSED {
        for uri in *uris {
            let reply = authorize(&server, &request(client, uri), Some(ALICE)).await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{client} {uri:?}: {reply:?}"
            );
            assert!(
                reply.headers.get(LOCATION).is_none(),
                "{client} {uri:?} redirected"
            );
            reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
            let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
            let description = body["error_description"].as_str().unwrap();
            assert_description_is_clean(description, &[uri]);
            assert_no_internals(description);
            assert_eq!(counts(&server), EMPTY, "{client} {uri:?} stored something");
        }
    }
}

/// The positive control: the registered URIs, and the loopback one on any port, are served
/// and the code goes exactly there.
#[tokio::test]
async fn the_registered_uris_and_the_loopback_port_are_served() {
    let server = server();
    let accepted: &[(&str, &str)] = &[
        (WEB, WEB_CALLBACK),
        (NATIVE, NATIVE_LOOPBACK),
        (NATIVE, "http://127.0.0.1:1/callback"),
        (NATIVE, "http://127.0.0.1:51004/callback"),
        (NATIVE, "http://127.0.0.1:65535/callback"),
        (NATIVE, NATIVE_SCHEME),
        (MULTI, MULTI_CALLBACK_A),
        (MULTI, MULTI_CALLBACK_B),
    ];
    for (i, (client, uri)) in accepted.iter().enumerate() {
        let reply = authorize(&server, &request(client, uri), Some(ALICE)).await;
        let location = reply.location();
        // Exactly there: the URI, then the response's parameters (after the URI's own query).
        assert!(
            location
                .as_str()
                .strip_prefix(uri)
                .is_some_and(|rest| rest.starts_with(['?', '&'])),
            "{client} {uri:?} went to {location}"
        );
        let query = reply.query();
        assert_is_256_bit_token(&query["code"]);
        assert_eq!(query["state"], "s-4f1c");
        assert_eq!(server.provider().store.code_count(), i + 1);
    }
}

/// RFC 6749 §3.1.2.3: with several registered URIs, none may be picked for the client; and a
/// client with none registered has nowhere to go.
#[tokio::test]
async fn an_omitted_redirect_uri_is_refused_without_exactly_one_registered() {
    let server = server();
    for client in [MULTI, ODD] {
        let mut params = request(client, "");
        params.retain(|(n, _)| *n != "redirect_uri");
        let reply = authorize(&server, &params, Some(ALICE)).await;
        reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    }
    assert_eq!(counts(&server), EMPTY);
}

/// RFC 9700 §4.11.2: an error about the client itself is never redirected either, whatever
/// `redirect_uri` says: an unknown, missing, empty or repeated `client_id`.
#[tokio::test]
async fn no_client_no_redirect() {
    let server = server();
    let evil = "https://evil.example.com/cb";
    let cases: [Vec<(&str, &str)>; 4] = [
        request("no-such-client", evil),
        request("no-such-client", WEB_CALLBACK),
        vec![("response_type", "code"), ("redirect_uri", evil)],
        vec![
            ("response_type", "code"),
            ("client_id", WEB),
            ("client_id", OTHER),
            ("redirect_uri", WEB_CALLBACK),
        ],
    ];
    for params in cases {
        let reply = authorize(&server, &params, Some(ALICE)).await;
        reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    }
    // A redirect_uri registered to another client is not this client's.
    let reply = authorize(&server, &request(WEB, OTHER_CALLBACK), Some(ALICE)).await;
    reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(counts(&server), EMPTY);
}

/// The same rules in the form body of a POST to the authorization endpoint.
#[tokio::test]
async fn post_requests_get_the_same_matching() {
    let server = server();
    for uri in [
        "https://app.example.com/cb/",
        "https://app.example.com@evil.com/cb",
        "javascript:alert(1)",
    ] {
        let request = raw_request(
            http::Method::POST,
            "https://auth.example.com/authorize",
            &[
                (
                    http::header::CONTENT_TYPE,
                    b"application/x-www-form-urlencoded",
                ),
                (http::header::COOKIE, b"session=alice"),
            ],
            form_encode(&request(WEB, uri)),
        );
        let reply = AuthorizeReply::from_response(server.authorize(request).await);
        reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    }
    assert_eq!(counts(&server), EMPTY);
}
