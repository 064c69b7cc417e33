//! CORS (Fetch §3.2) on the endpoints a browser-based client calls itself: token, revocation
//! and, with OpenID Connect, UserInfo; by default every origin, or an allow-list.

use bytes::Bytes;
use http::header::{
    ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, AUTHORIZATION, CONTENT_TYPE, ORIGIN,
    VARY,
};
use http::{Method, Request, StatusCode};
use oauth2_provider::config::Cors;

use crate::support::*;

fn from_origin(method: Method, path: &str, origin: &str, body: &str) -> Request<Bytes> {
    let basic = basic(SERVICE, SERVICE_SECRET);
    Request::builder()
        .method(method)
        .uri(path)
        .header(ORIGIN, origin)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(AUTHORIZATION, basic)
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

/// A preflight of the token and revocation endpoints is 204, allowing POST to any origin; the
/// answer itself is readable too, the error of a bad request included.
#[tokio::test]
async fn token_and_revocation_answer_preflights_and_any_origin() {
    let server = server();
    let origin = "https://inspector.example";
    for path in ["/token", "/revoke"] {
        let response = server
            .handle(from_origin(Method::OPTIONS, path, origin, ""))
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{path}");
        assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_METHODS], "POST");
    }
    let body = "grant_type=client_credentials";
    let response = server
        .handle(from_origin(Method::POST, "/token", origin, body))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let bad = server
        .handle(from_origin(
            Method::POST,
            "/token",
            origin,
            "grant_type=nope",
        ))
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(bad.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

/// An allow-list answers its own origins by name, with `Vary: Origin`, and no other.
#[tokio::test]
async fn an_allow_list_answers_only_its_origins() {
    let allowed = "http://localhost:6274";
    let server = server_with(|c| c.cors = Cors::origins([allowed]));
    let body = "grant_type=client_credentials";
    let response = server
        .handle(from_origin(Method::POST, "/token", allowed, body))
        .await;
    assert_eq!(response.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], allowed);
    assert_eq!(response.headers()[VARY], "Origin");
    let preflight = server
        .handle(from_origin(Method::OPTIONS, "/token", allowed, ""))
        .await;
    assert_eq!(preflight.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], allowed);
    let other = server
        .handle(from_origin(
            Method::POST,
            "/token",
            "https://evil.example",
            body,
        ))
        .await;
    assert_eq!(other.status(), StatusCode::OK);
    assert!(other.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    assert_eq!(other.headers()[VARY], "Origin");

    let off = server_with(|c| c.cors = Cors::Off);
    let response = off
        .handle(from_origin(Method::POST, "/token", allowed, body))
        .await;
    assert!(
        response
            .headers()
            .get(ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none()
    );
}
