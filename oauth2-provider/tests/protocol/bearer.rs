//! The resource-server side: bearer token validation (RFC 6750 §2.1) and the §3 challenge.

use std::time::Duration;

use crate::support::*;
use http::header::{AUTHORIZATION, CACHE_CONTROL, HeaderValue, WWW_AUTHENTICATE};
use http::{HeaderMap, StatusCode};
use oauth2_provider::endpoint::bearer::BearerRejection;
use oauth2_provider::model::TokenModel;
use oauth2_provider::scope::Scopes;

/// The status and `WWW-Authenticate` value of a rejection's response.
fn challenge(rejection: BearerRejection) -> (StatusCode, String) {
    let response = rejection.into_response();
    assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
    let value = response
        .headers()
        .get(WWW_AUTHENTICATE)
        .expect("RFC 6750 §3: every rejection carries WWW-Authenticate")
        .to_str()
        .unwrap()
        .to_owned();
    (response.status(), value)
}

fn authorization(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, HeaderValue::try_from(value).unwrap());
    headers
}

async fn read_token(server: &TestServer, scope: &str) -> String {
    token(
        server,
        Auth::Basic(OTHER, OTHER_SECRET),
        &[("grant_type", "client_credentials"), ("scope", scope)],
    )
    .await
    .access_token()
    .to_owned()
}

#[tokio::test]
async fn a_valid_token_with_the_scope_is_accepted() {
    let server = server();
    let token = read_token(&server, "read write").await;
    let record = server
        .bearer(&bearer_headers(&token), scope("read write"))
        .await
        .unwrap();
    assert_eq!(record.client_id(), OTHER);
    assert_eq!(record.scope(), scope("read write"));
    // The empty requirement and a subset pass; the scheme is case-insensitive.
    assert!(
        server
            .bearer(&bearer_headers(&token), ApiScope::empty())
            .await
            .is_ok()
    );
    assert!(
        server
            .bearer(&authorization(&format!("bearer {token}")), scope("write"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn no_credentials_is_401_with_a_bare_challenge() {
    let server = server();
    let rejection = server
        .bearer(&HeaderMap::new(), scope("read"))
        .await
        .unwrap_err();
    // §3.1: a request without authentication gets no error code.
    assert!(rejection.error().is_none());
    let (status, value) = challenge(rejection);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(value, "Bearer realm=\"oauth2\"");
}

#[tokio::test]
async fn an_unknown_token_is_invalid_token() {
    let server = server();
    let forged = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let rejection = server
        .bearer(&bearer_headers(forged), scope("read"))
        .await
        .unwrap_err();
    let (status, value) = challenge(rejection);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        value.starts_with("Bearer realm=\"oauth2\", error=\"invalid_token\""),
        "{value}"
    );
    assert!(value.contains("error_description=\""), "{value}");
    assert!(!value.contains(forged));
}

#[tokio::test]
async fn an_expired_token_is_invalid_token() {
    let server = server_with(|c| c.access_token_ttl = Duration::ZERO);
    let token = read_token(&server, "read").await;
    let rejection = server
        .bearer(&bearer_headers(&token), scope("read"))
        .await
        .unwrap_err();
    let (status, value) = challenge(rejection);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(value.contains("error=\"invalid_token\""), "{value}");
}

#[tokio::test]
async fn a_refresh_token_is_not_an_access_token() {
    let server = server();
    let tokens = web_tokens(&server, "read").await;
    let rejection = server
        .bearer(&bearer_headers(tokens.refresh_token()), scope("read"))
        .await
        .unwrap_err();
    let (status, value) = challenge(rejection);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(value.contains("error=\"invalid_token\""), "{value}");
}

#[tokio::test]
async fn a_missing_scope_is_403_insufficient_scope_naming_the_scope() {
    let server = server();
    let token = read_token(&server, "read").await;
    let rejection = server
        .bearer(&bearer_headers(&token), scope("read write"))
        .await
        .unwrap_err();
    assert_eq!(
        rejection.error().unwrap().code().as_str(),
        "insufficient_scope"
    );
    let (status, value) = challenge(rejection);
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(value.contains("error=\"insufficient_scope\""), "{value}");
    assert!(value.contains("scope=\"read write\""), "{value}");
}

#[tokio::test]
async fn a_malformed_authorization_header_is_400_invalid_request() {
    let server = server();
    let token = read_token(&server, "read").await;
    for value in [
        format!("Basic {token}"),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        "Bearer a b".to_owned(),
        format!("Token {token}"),
    ] {
        let rejection = server
            .bearer(&authorization(&value), scope("read"))
            .await
            .unwrap_err();
        let (status, header) = challenge(rejection);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{value}");
        assert!(header.contains("error=\"invalid_request\""), "{header}");
    }
    // Two Authorization headers, even both good.
    let mut headers = bearer_headers(&token);
    headers.append(
        AUTHORIZATION,
        HeaderValue::try_from(format!("Bearer {token}")).unwrap(),
    );
    let rejection = server.bearer(&headers, scope("read")).await.unwrap_err();
    let (status, header) = challenge(rejection);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(header.contains("error=\"invalid_request\""), "{header}");
}
