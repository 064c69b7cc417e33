//! Client authentication at the token endpoint (RFC 6749 §2.3, §3.2.1, §5.2):
//! `client_secret_basic` with the Appendix B encoding, `client_secret_post`, `none` for public
//! clients, and the failures, which must not tell an unknown client from a wrong secret.

use crate::support::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, WWW_AUTHENTICATE};
use http::{Method, Request, StatusCode};

const EMPTY: Counts = Counts {
    codes: 0,
    access: 0,
    refresh: 0,
};

const CC: [(&str, &str); 1] = [("grant_type", "client_credentials")];

/// A token request with these exact headers and body.
fn request(authorization: &[HeaderValue], body: &str) -> Request<Bytes> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri("https://auth.example.com/token")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
    for value in authorization {
        builder = builder.header(AUTHORIZATION, value.clone());
    }
    builder.body(Bytes::from(body.to_owned())).unwrap()
}

async fn send(server: &TestServer, authorization: &[HeaderValue], body: &str) -> JsonReply {
    JsonReply::from_response(server.token(request(authorization, body)).await)
}

#[tokio::test]
async fn client_secret_basic() {
    let server = server();
    let reply = token(&server, Auth::Basic(WEB, WEB_SECRET), &CC).await;
    assert_token_ok(&reply);
    let token = server
        .bearer(&bearer_headers(reply.access_token()), scope("read"))
        .await
        .unwrap();
    assert_eq!(token.client_id(), WEB);
}

#[tokio::test]
async fn client_secret_basic_form_urlencodes_id_and_secret() {
    let server = server();
    // `basic` encodes both halves as RFC 6749 §2.3.1 requires: ':' '+' '/' '%' '&' '=' ' ' and
    // non-ASCII all survive.
    let reply = token(&server, Auth::Basic(ODD, ODD_SECRET), &CC).await;
    assert_token_ok(&reply);

    // The same credentials without the encoding are different credentials: a raw '+' is a
    // space, and a raw ':' in the id splits it early.
    let raw = |id: &str, secret: &str| {
        HeaderValue::try_from(format!(
            "Basic {}",
            STANDARD.encode(format!("{id}:{secret}"))
        ))
        .unwrap()
    };
    let reply = send(
        &server,
        &[raw(ODD, ODD_SECRET)],
        "grant_type=client_credentials",
    )
    .await;
    assert_token_error(
        &reply,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        &[ODD_SECRET],
    );

    // Percent-escapes are decoded even where no escape was needed.
    let reply = send(
        &server,
        &[raw("web-app", &WEB_SECRET.replace('-', "%2D"))],
        "grant_type=client_credentials",
    )
    .await;
    assert_token_ok(&reply);

    // The scheme is case-insensitive (RFC 9110 §11.1).
    let lower = HeaderValue::try_from(
        basic(WEB, WEB_SECRET)
            .to_str()
            .unwrap()
            .replacen("Basic", "basic", 1),
    )
    .unwrap();
    let reply = send(&server, &[lower], "grant_type=client_credentials").await;
    assert_token_ok(&reply);
}

#[tokio::test]
async fn client_secret_post() {
    let server = server();
    let reply = token(&server, Auth::Post(ODD, ODD_SECRET), &CC).await;
    assert_token_ok(&reply);
    assert_eq!(reply.str("scope"), "read");
}

#[tokio::test]
async fn none_for_a_public_client() {
    let server = server();
    let code = code_for(&server, NATIVE, NATIVE_SCHEME, "read").await;
    let reply = token(
        &server,
        Auth::Public(NATIVE),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", NATIVE_SCHEME),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_token_ok(&reply);
}

#[tokio::test]
async fn basic_and_post_at_once_is_invalid_request() {
    let server = server();
    let reply = send(
        &server,
        &[basic(WEB, WEB_SECRET)],
        &form_encode(&[
            ("grant_type", "client_credentials"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
        ]),
    )
    .await;
    assert_token_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &[WEB_SECRET],
    );
    // Also when the body names another client.
    let reply = send(
        &server,
        &[basic(WEB, WEB_SECRET)],
        &form_encode(&[("grant_type", "client_credentials"), ("client_id", OTHER)]),
    )
    .await;
    assert_token_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &[WEB_SECRET],
    );
    assert_eq!(counts(&server), EMPTY);

    // A client_id in the body that repeats the Basic one is allowed (§4.1.3 asks for it).
    let reply = send(
        &server,
        &[basic(WEB, WEB_SECRET)],
        &form_encode(&[("grant_type", "client_credentials"), ("client_id", WEB)]),
    )
    .await;
    assert_token_ok(&reply);
}

#[tokio::test]
async fn two_authorization_headers_are_invalid_request() {
    let server = server();
    let reply = send(
        &server,
        &[basic(WEB, WEB_SECRET), basic(WEB, WEB_SECRET)],
        "grant_type=client_credentials",
    )
    .await;
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn unknown_client_and_wrong_secret_are_indistinguishable_with_basic() {
    let server = server();
    let unknown = token(&server, Auth::Basic("no-such-app", WEB_SECRET), &CC).await;
    let wrong = token(&server, Auth::Basic(WEB, "not-the-secret"), &CC).await;
    for reply in [&unknown, &wrong] {
        assert_token_error(
            reply,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            &["no-such-app", WEB_SECRET, "not-the-secret"],
        );
    }
    assert_eq!(unknown.body, wrong.body);
    assert_eq!(unknown.headers, wrong.headers);
    assert_eq!(
        unknown.header(WWW_AUTHENTICATE),
        Some("Basic realm=\"oauth2\", charset=\"UTF-8\"")
    );
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn unknown_client_and_wrong_secret_are_indistinguishable_with_post() {
    let server = server();
    let unknown = token(&server, Auth::Post("no-such-app", WEB_SECRET), &CC).await;
    let wrong = token(&server, Auth::Post(WEB, "not-the-secret"), &CC).await;
    let empty = token(&server, Auth::Post(WEB, ""), &CC).await;
    for reply in [&unknown, &wrong, &empty] {
        assert_token_error(
            reply,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            &["no-such-app", WEB_SECRET, "not-the-secret"],
        );
    }
    assert_eq!(unknown.body, wrong.body);
    assert_eq!(unknown.headers, wrong.headers);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_confidential_client_without_its_secret_is_invalid_client() {
    let server = server();
    let reply = token(&server, Auth::Public(WEB), &CC).await;
    assert_token_error(&reply, StatusCode::UNAUTHORIZED, "invalid_client", &[]);
    // The secret of another client does not do either.
    let reply = token(&server, Auth::Basic(WEB, OTHER_SECRET), &CC).await;
    assert_token_error(
        &reply,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        &[OTHER_SECRET],
    );
    // Nor the stored hash of its own.
    let hash = oauth2_provider::secret::hash_secret(WEB_SECRET);
    let reply = token(&server, Auth::Basic(WEB, &hash), &CC).await;
    assert_token_error(&reply, StatusCode::UNAUTHORIZED, "invalid_client", &[&hash]);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_public_client_presenting_a_secret_is_invalid_client() {
    let server = server();
    let code = code_for(&server, NATIVE, NATIVE_SCHEME, "read").await;
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", NATIVE_SCHEME),
        ("code_verifier", VERIFIER),
    ];
    let reply = token(&server, Auth::Post(NATIVE, "made-up"), &params).await;
    assert_token_error(
        &reply,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        &["made-up"],
    );
    // Nothing was consumed: the code still works for the real public client.
    assert_eq!(
        counts(&server),
        Counts {
            codes: 1,
            access: 0,
            refresh: 0
        }
    );
    assert_token_ok(&token(&server, Auth::Public(NATIVE), &params).await);
}

#[tokio::test]
async fn no_client_credentials_is_invalid_client() {
    let server = server();
    let reply = token(&server, Auth::Nothing, &CC).await;
    assert_token_error(&reply, StatusCode::UNAUTHORIZED, "invalid_client", &[]);
    // A secret without a client_id names no client.
    let reply = send(
        &server,
        &[],
        &form_encode(&[
            ("grant_type", "client_credentials"),
            ("client_secret", WEB_SECRET),
        ]),
    )
    .await;
    assert_token_error(
        &reply,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        &[WEB_SECRET],
    );
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn a_malformed_basic_header_is_invalid_client() {
    let server = server();
    let headers = [
        "Basic".to_owned(),
        "Basic !!!not-base64!!!".to_owned(),
        format!("Basic {}", STANDARD.encode("no-colon")),
        format!("Basic {}", STANDARD.encode(format!(":{WEB_SECRET}"))),
        format!("Basic {}", STANDARD.encode("web-app:%zz")),
        format!("Basic {}", STANDARD.encode([0xff, b':', b'x'])),
        "Digest username=\"web-app\"".to_owned(),
    ];
    for header in headers {
        let reply = send(
            &server,
            &[HeaderValue::try_from(header).unwrap()],
            "grant_type=client_credentials",
        )
        .await;
        assert_token_error(&reply, StatusCode::UNAUTHORIZED, "invalid_client", &[]);
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn client_authentication_guards_every_grant() {
    let server = password_server();
    let code = code_for(&server, WEB, WEB_CALLBACK, "read").await;
    let cases: [Vec<(&str, &str)>; 4] = [
        vec![
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", WEB_CALLBACK),
            ("code_verifier", VERIFIER),
        ],
        vec![
            ("grant_type", "password"),
            ("username", ALICE),
            ("password", ALICE_PASSWORD),
        ],
        vec![("grant_type", "refresh_token"), ("refresh_token", "x")],
        vec![("grant_type", JWT_BEARER), ("assertion", GOOD_ASSERTION)],
    ];
    for params in cases {
        let reply = token(&server, Auth::Basic(WEB, "wrong-secret"), &params).await;
        assert_token_error(
            &reply,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            &["wrong-secret", ALICE_PASSWORD, &code],
        );
    }
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
async fn a_public_client_may_send_its_id_by_basic_with_an_empty_secret() {
    let server = server();
    let code = code_for(&server, NATIVE, NATIVE_SCHEME, "read").await;
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", NATIVE_SCHEME),
        ("code_verifier", VERIFIER),
    ];
    // A non-empty secret from a public client is refused, over Basic as over the body.
    let reply = token(&server, Auth::Basic(NATIVE, "made-up"), &params).await;
    assert_token_error(
        &reply,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        &["made-up"],
    );
    assert_eq!(
        reply
            .header(http::header::WWW_AUTHENTICATE)
            .map(|h| h.starts_with("Basic")),
        Some(true)
    );
    // `Basic base64("native-app:")` carries no secret: it is the `none` method.
    assert_token_ok(&token(&server, Auth::Basic(NATIVE, ""), &params).await);
}
