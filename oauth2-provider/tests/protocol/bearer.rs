//! The resource-server side: bearer token validation (RFC 6750 §2.1) and the §3 challenge.

use std::time::Duration;

use crate::support::*;
use http::header::{AUTHORIZATION, CACHE_CONTROL, HeaderValue, WWW_AUTHENTICATE};
use http::{HeaderMap, StatusCode};
use oauth2_provider::endpoint::bearer::BearerRejection;
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

// ---------------------------------------------------------------------------------------------
// Validation from code, without HTTP: what a hook, an interceptor or a job calls.

#[tokio::test]
async fn a_token_is_validated_from_code_with_expiry_revocation_and_scope() {
    use oauth2_provider::resource::{self, Requirements, TokenError};

    let server = server();
    let token = read_token(&server, "read").await;
    let any = Requirements::any();
    let valid = resource::validate(server.provider(), &token, &any)
        .await
        .unwrap();
    assert_eq!((valid.client_id(), valid.subject()), (OTHER, None));
    assert!(valid.require(scope("read")).is_ok());
    assert!(matches!(
        valid.require(scope("write")),
        Err(TokenError::InsufficientScope)
    ));
    let needs_write = Requirements::scope(scope("write"));
    assert!(matches!(
        server.validate(&token, &needs_write).await,
        Err(TokenError::InsufficientScope)
    ));
    assert!(matches!(
        server.validate("never-issued", &any).await,
        Err(TokenError::Invalid)
    ));

    // Revoked: gone from the store, refused.
    let mut request = token_request(Auth::Basic(OTHER, OTHER_SECRET), &[("token", &token)]);
    *request.uri_mut() = "/revoke".parse().unwrap();
    assert_eq!(server.revoke(request).await.status(), StatusCode::OK);
    assert!(matches!(
        server.validate(&token, &any).await,
        Err(TokenError::Invalid)
    ));

    // Expired: still stored, refused all the same.
    let expiring = server_with(|c| c.access_token_ttl = Duration::ZERO);
    let token = read_token(&expiring, "read").await;
    assert_eq!(counts(&expiring).access, 1);
    assert!(matches!(
        expiring.validate(&token, &any).await,
        Err(TokenError::Invalid)
    ));
}

#[tokio::test]
async fn a_token_restricted_to_other_resources_is_refused() {
    use oauth2_provider::model::{AccessKind, Extras, GrantId, NewToken, TokenHash, TokenRecord};
    use oauth2_provider::resource::{Requirements, TokenError};
    use oauth2_provider::store::TokenStore;

    let server = server();
    let issue = |raw: &str, audience: Vec<String>| NewToken {
        token_hash: TokenHash::of(raw),
        grant_id: GrantId::generate(),
        client_id: OTHER.to_owned(),
        subject: None,
        scope: scope("read"),
        expires_at: Some(std::time::SystemTime::now() + Duration::from_secs(60)),
        extras: Extras::default().with_audience(audience),
    };
    let store = &server.provider().store;
    for (raw, audience) in [
        ("for-api", vec!["https://api.example".to_owned()]),
        (
            "for-both",
            vec!["https://other.example".into(), "https://api.example".into()],
        ),
        ("for-other", vec!["https://other.example".to_owned()]),
        ("for-anyone", vec![]),
    ] {
        let record = TokenRecord::<_, AccessKind>::of(issue(raw, audience));
        store.insert_tokens(record, None).await.unwrap();
    }
    let at_api = Requirements::scope(scope("read")).audience("https://api.example");
    for accepted in ["for-api", "for-both", "for-anyone"] {
        assert!(
            server.validate(accepted, &at_api).await.is_ok(),
            "{accepted}"
        );
    }
    assert!(matches!(
        server.validate("for-other", &at_api).await,
        Err(TokenError::WrongAudience)
    ));
    // Over HTTP it is `invalid_token` (RFC 6750 §3.1), not a scope problem.
    let refused = server
        .bearer_with(&bearer_headers("for-other"), &at_api)
        .await
        .unwrap_err();
    let (status, value) = challenge(refused);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(value.contains("error=\"invalid_token\""), "{value}");
}
