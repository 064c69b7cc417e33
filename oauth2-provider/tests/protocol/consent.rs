//! A consent hook written the safe way (RFC 6749 §10.12): a decision counts only when it comes
//! in the form POST of the consent page with the session's CSRF token, never from a GET link
//! or a form another site posts.

use crate::support::*;
use bytes::Bytes;
use http::header::{CONTENT_TYPE, COOKIE};
use http::{Method, Request, StatusCode};

const CSRF: &str = "Wn3yQ5oTqzJc8rVQf1rJ1g";

fn approval(csrf: Option<&str>) -> Vec<(&str, &str)> {
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
    params.extend(csrf.map(|csrf| ("csrf_token", csrf)));
    params
}

fn form_post(params: &[(&str, &str)]) -> Request<Bytes> {
    Request::builder()
        .method(Method::POST)
        .uri("https://auth.example.com/authorize")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(COOKIE, "session=alice")
        .body(Bytes::from(form_encode(params)))
        .unwrap()
}

/// Shown the page again, nothing issued.
async fn assert_not_approved(server: &TestServer, request: Request<Bytes>) {
    let reply = AuthorizeReply::from_response(server.authorize(request).await);
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(&reply.body[..], LOGIN_PAGE.as_bytes());
    assert_eq!(counts(server), EMPTY);
}

#[tokio::test]
async fn a_decision_in_a_get_link_is_not_a_decision() {
    let server = csrf_server(CSRF);
    // Even with the right token: a GET can be sent by any page the user visits.
    let request = authorize_request(&approval(Some(CSRF)), Some("alice"));
    assert_not_approved(&server, request).await;
}

#[tokio::test]
async fn a_form_post_without_the_csrf_token_is_not_a_decision() {
    let server = csrf_server(CSRF);
    assert_not_approved(&server, form_post(&approval(None))).await;
}

#[tokio::test]
async fn a_form_post_with_another_csrf_token_is_not_a_decision() {
    let server = csrf_server(CSRF);
    for forged in ["", "Wn3yQ5oTqzJc8rVQf1rJ1h", "Wn3yQ5oTqzJc8rVQf1rJ1", "x"] {
        assert_not_approved(&server, form_post(&approval(Some(forged)))).await;
    }
}

#[tokio::test]
async fn the_consent_pages_own_form_post_approves() {
    let server = csrf_server(CSRF);
    let reply =
        AuthorizeReply::from_response(server.authorize(form_post(&approval(Some(CSRF)))).await);
    // §4.1.2 after a POST: 303, so the browser follows with a GET.
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{:?}", reply.body);
    assert_eq!(reply.target(), WEB_CALLBACK);
    assert!(reply.query().contains_key("code"));
    assert_eq!(counts(&server).codes, 1);
}

#[tokio::test]
async fn a_page_from_the_hook_carries_the_headers_of_a_sign_in_page() {
    let page = oauth2_provider::endpoint::html_page(StatusCode::OK, "<h1>Sign in</h1>");
    let headers = page.headers();
    assert_eq!(headers[CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"));
}
