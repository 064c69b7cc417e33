//! Bad input: client authentication (RFC 6749 §2.3, §2.3.1, §3.2.1, §5.2; RFC 7617; RFC 9700
//! §2.5, §4.15).
//!
//! One method per request; a public client that sends a secret is refused, not waved through;
//! credentials never travel in the URI; a Basic header that does not decode is
//! `invalid_client`. Each case: status, `error`, a clean `error_description` that echoes
//! nothing sent, no token, nothing stored. The same rules hold at revocation and introspection.

use crate::support::*;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, WWW_AUTHENTICATE};
use http::{Method, StatusCode};

const FORM: (HeaderName, &[u8]) = (CONTENT_TYPE, b"application/x-www-form-urlencoded");

/// A case: what is sent, and the error it must get.
struct Case {
    what: &'static str,
    uri: String,
    authorization: Vec<Vec<u8>>,
    body: String,
    status: StatusCode,
    error: &'static str,
}

fn case(
    what: &'static str,
    authorization: &[&[u8]],
    body: &str,
    status: StatusCode,
    error: &'static str,
) -> Case {
    Case {
        what,
        uri: "https://auth.example.com/token".to_owned(),
        authorization: authorization.iter().map(|v| v.to_vec()).collect(),
        body: body.to_owned(),
        status,
        error,
    }
}

fn basic_raw(raw: impl AsRef<[u8]>) -> Vec<u8> {
    format!("Basic {}", STANDARD.encode(raw)).into_bytes()
}

fn cases() -> Vec<Case> {
    use StatusCode as S;
    let web = basic(WEB, WEB_SECRET);
    let web = web.as_bytes();
    let native_with_secret = basic(NATIVE, "a-secret-it-does-not-have");
    let cc = "grant_type=client_credentials";
    let mut cases = vec![
        // A control character in the id (Appendix A.1 allows none): unknown, whatever the store.
        case(
            "a NUL after a known id, with its secret",
            &[],
            &format!("{cc}&client_id={WEB}%00&client_secret={WEB_SECRET}"),
            S::UNAUTHORIZED,
            "invalid_client",
        ),
        case(
            "a line feed in a Basic id",
            &[basic(&format!("{WEB}\n"), WEB_SECRET).as_bytes()],
            cc,
            S::UNAUTHORIZED,
            "invalid_client",
        ),
        // Two methods at once.
        case(
            "basic and client_secret_post",
            &[web],
            &format!("{cc}&client_secret={WEB_SECRET}"),
            S::BAD_REQUEST,
            "invalid_request",
        ),
        case(
            "basic and another client's client_secret_post",
            &[web],
            &format!("{cc}&client_id={OTHER}&client_secret={OTHER_SECRET}"),
            S::BAD_REQUEST,
            "invalid_request",
        ),
        case(
            "basic and a client_id that disagrees",
            &[web],
            &format!("{cc}&client_id={OTHER}"),
            S::BAD_REQUEST,
            "invalid_request",
        ),
        case(
            "two Authorization headers",
            &[web, basic(OTHER, OTHER_SECRET).as_bytes()],
            cc,
            S::BAD_REQUEST,
            "invalid_request",
        ),
        case(
            "the same Authorization header twice",
            &[web, web],
            cc,
            S::BAD_REQUEST,
            "invalid_request",
        ),
        // A public client sending a secret it does not have (§2.3: refused, not ignored).
        case(
            "public client, client_secret_post",
            &[],
            &format!(
                "grant_type=refresh_token&refresh_token=x&client_id={NATIVE}&client_secret=guess"
            ),
            S::UNAUTHORIZED,
            "invalid_client",
        ),
        case(
            "public client, basic with a secret",
            &[native_with_secret.as_bytes()],
            "grant_type=refresh_token&refresh_token=x",
            S::UNAUTHORIZED,
            "invalid_client",
        ),
        case(
            "public client, another client's secret",
            &[basic(NATIVE, WEB_SECRET).as_bytes()],
            "grant_type=refresh_token&refresh_token=x",
            S::UNAUTHORIZED,
            "invalid_client",
        ),
        // A confidential client without (the right) secret.
        case(
            "confidential client, none",
            &[],
            &format!("{cc}&client_id={WEB}"),
            S::UNAUTHORIZED,
            "invalid_client",
        ),
        case(
            "confidential client, empty secret",
            &[],
            &format!("{cc}&client_id={WEB}&client_secret="),
            S::UNAUTHORIZED,
            "invalid_client",
        ),
        case(
            "confidential client, empty basic secret",
            &[basic(WEB, "").as_bytes()],
            cc,
            S::UNAUTHORIZED,
            "invalid_client",
        ),
        case(
            "confidential client, another client's secret",
            &[basic(WEB, OTHER_SECRET).as_bytes()],
            cc,
            S::UNAUTHORIZED,
            "invalid_client",
        ),
        case(
            "confidential client, secret with a trailing space",
            &[basic(WEB, &format!("{WEB_SECRET} ")).as_bytes()],
            cc,
            S::UNAUTHORIZED,
            "invalid_client",
        ),
        case(
            "client id in another case",
            &[basic(&WEB.to_uppercase(), WEB_SECRET).as_bytes()],
            cc,
            S::UNAUTHORIZED,
            "invalid_client",
        ),
        case(
            "unknown client",
            &[basic("no-such-client", WEB_SECRET).as_bytes()],
            cc,
            S::UNAUTHORIZED,
            "invalid_client",
        ),
        case("no credentials", &[], cc, S::UNAUTHORIZED, "invalid_client"),
        // RFC 6749 Appendix B: the same credentials unencoded are other credentials.
        case(
            "basic without the form-urlencoding",
            &[&basic_raw(format!("{ODD}:{ODD_SECRET}"))],
            cc,
            S::UNAUTHORIZED,
            "invalid_client",
        ),
    ];
    // Malformed Basic headers: none decodes to credentials.
    let malformed: Vec<Vec<u8>> = vec![
        b"Basic".to_vec(),
        b"Basic ".to_vec(),
        b"Basic    ".to_vec(),
        b"Basic =".to_vec(),
        b"Basic !!!not-base64!!!".to_vec(),
        format!(
            "Basic {}",
            URL_SAFE_NO_PAD.encode(format!("{WEB}:{WEB_SECRET}??>"))
        )
        .into_bytes(),
        basic_raw(WEB),
        basic_raw(format!(":{WEB_SECRET}")),
        basic_raw(format!("{WEB}%zz:{WEB_SECRET}")),
        basic_raw(format!("{WEB}:{WEB_SECRET}%")),
        basic_raw([0xff, b':', b'x']),
        basic_raw(b"web-app:\xc3\x28"),
        basic_raw(format!("{WEB}%ff:{WEB_SECRET}")),
        // Not UTF-8 in the header itself (obs-text).
        b"Basic \xd7\xa9\xff".to_vec(),
        b"Basic\t".to_vec(),
        format!("Basic{}", STANDARD.encode(format!("{WEB}:{WEB_SECRET}"))).into_bytes(),
        format!("Bearer {}", STANDARD.encode(format!("{WEB}:{WEB_SECRET}"))).into_bytes(),
        b"Digest username=\"web-app\"".to_vec(),
        b"Basic dXNlcjpwYXNz dXNlcjpwYXNz".to_vec(),
    ];
    for header in malformed {
        cases.push(case(
            "malformed basic header",
            &[&header],
            cc,
            S::UNAUTHORIZED,
            "invalid_client",
        ));
    }
    // Credentials in the query string, whatever the body says (§2.3.1, §3.2).
    for param in [
        "client_secret",
        "password",
        "code",
        "refresh_token",
        "code_verifier",
    ] {
        cases.push(Case {
            what: "a credential in the query",
            uri: format!("https://auth.example.com/token?{param}=leaked-zq7"),
            authorization: vec![web.to_vec()],
            body: cc.to_owned(),
            status: S::BAD_REQUEST,
            error: "invalid_request",
        });
    }
    // A client that puts all of its authentication in the query is unauthenticated: the
    // query is not where parameters are read from.
    cases.push(Case {
        what: "client_id only in the query",
        uri: format!("https://auth.example.com/token?client_id={NATIVE}"),
        authorization: vec![],
        body: "grant_type=refresh_token&refresh_token=x".to_owned(),
        status: S::UNAUTHORIZED,
        error: "invalid_client",
    });
    cases
}

#[tokio::test]
async fn every_client_authentication_confusion_is_refused() {
    let server = password_server();
    for case in cases() {
        let mut headers = vec![FORM];
        for value in &case.authorization {
            headers.push((AUTHORIZATION, value.as_slice()));
        }
        let request = raw_request(Method::POST, &case.uri, &headers, case.body.clone());
        let reply = JsonReply::from_response(server.token(request).await);
        assert_eq!(reply.status, case.status, "{}: {:?}", case.what, reply.body);
        assert_token_error(
            &reply,
            case.status,
            case.error,
            &[
                WEB_SECRET,
                OTHER_SECRET,
                "leaked-zq7",
                "guess",
                "a-secret-it-does-not-have",
            ],
        );
        assert_no_internals(reply.str("error_description"));
        assert_eq!(counts(&server), EMPTY, "{}", case.what);
    }
}

/// The positive controls of the table: each method alone works, including a public client's
/// id by Basic with an empty secret and a matching `client_id` beside Basic.
#[tokio::test]
async fn each_method_alone_is_served() {
    let server = server();
    let cc = "grant_type=client_credentials";
    for (authorization, body) in [
        (Some(basic(WEB, WEB_SECRET)), cc.to_owned()),
        (
            Some(basic(WEB, WEB_SECRET)),
            format!("{cc}&client_id={WEB}"),
        ),
        (
            None,
            format!("{cc}&client_id={WEB}&client_secret={WEB_SECRET}"),
        ),
        (Some(basic(ODD, ODD_SECRET)), cc.to_owned()),
    ] {
        let mut headers = vec![FORM];
        if let Some(value) = &authorization {
            headers.push((AUTHORIZATION, value.as_bytes()));
        }
        let request = raw_request(
            Method::POST,
            "https://auth.example.com/token",
            &headers,
            body,
        );
        assert_token_ok(&JsonReply::from_response(server.token(request).await));
    }
    let code = code_for(&server, NATIVE, NATIVE_LOOPBACK, "read").await;
    let body = form_encode(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", NATIVE_LOOPBACK),
        ("code_verifier", VERIFIER),
    ]);
    let native_empty = basic(NATIVE, "");
    let request = raw_request(
        Method::POST,
        "https://auth.example.com/token",
        &[FORM, (AUTHORIZATION, native_empty.as_bytes())],
        body,
    );
    assert_token_ok(&JsonReply::from_response(server.token(request).await));
}

/// An unknown client and a wrong secret get the very same response (no client enumeration).
#[tokio::test]
async fn an_unknown_client_and_a_wrong_secret_are_indistinguishable() {
    let server = server();
    let mut replies = Vec::new();
    for auth in [
        Auth::Basic("no-such-client", "whatever"),
        Auth::Basic(WEB, "whatever"),
        Auth::Post("no-such-client", "whatever"),
        Auth::Post(WEB, "whatever"),
    ] {
        let reply = token(&server, auth, &[("grant_type", "client_credentials")]).await;
        assert_token_error(
            &reply,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            &["whatever"],
        );
        let challenge = reply.header(WWW_AUTHENTICATE).map(str::to_owned);
        replies.push((reply.body, challenge));
    }
    assert!(replies.windows(2).all(|w| w[0] == w[1]), "{replies:?}");
    assert_eq!(counts(&server), EMPTY);
}

/// Revocation and introspection authenticate the same way and refuse the same confusions.
#[tokio::test]
async fn revocation_and_introspection_refuse_the_same_confusions() {
    let server = server();
    let issued = web_tokens(&server, "read").await;
    let before = counts(&server);
    let web = basic(WEB, WEB_SECRET);
    let native = basic(NATIVE, "guess");
    let token_param = format!("token={}", issued.access_token());
    for path in ["/revoke", "/introspect"] {
        let uri = format!("https://auth.example.com{path}");
        let cases: [(&[&[u8]], String, StatusCode, &str); 5] = [
            (
                &[web.as_bytes()],
                format!("{token_param}&client_secret={WEB_SECRET}"),
                StatusCode::BAD_REQUEST,
                "invalid_request",
            ),
            (
                &[web.as_bytes(), web.as_bytes()],
                token_param.clone(),
                StatusCode::BAD_REQUEST,
                "invalid_request",
            ),
            (
                &[native.as_bytes()],
                token_param.clone(),
                StatusCode::UNAUTHORIZED,
                "invalid_client",
            ),
            (
                &[b"Basic !!!"],
                token_param.clone(),
                StatusCode::UNAUTHORIZED,
                "invalid_client",
            ),
            (
                &[],
                format!("{token_param}&client_id={WEB}"),
                StatusCode::UNAUTHORIZED,
                "invalid_client",
            ),
        ];
        for (authorization, body, status, error) in cases {
            let mut headers = vec![FORM];
            for value in authorization {
                headers.push((AUTHORIZATION, *value));
            }
            let request = raw_request(Method::POST, &uri, &headers, body);
            let reply = JsonReply::from_response(server.handle(request).await);
            assert_token_error(&reply, status, error, &[WEB_SECRET, issued.access_token()]);
        }
    }
    // Nothing was revoked: the token is still good.
    assert_eq!(counts(&server), before);
    assert!(token_is_valid(&server, issued.access_token(), scope("read")).await);
}
