//! Authorization server metadata (RFC 8414) and RFC 9207 `iss`.

use crate::support::*;
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use oauth2_provider::grant::GrantType;
use serde_json::{Value, json};

async fn get(server: &TestServer, path: &str) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(Method::GET)
        .uri(path)
        .body(Bytes::new())
        .unwrap();
    let response = server.handle(request).await;
    let status = response.status();
    (
        status,
        serde_json::from_slice(response.body()).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn metadata_advertises_exactly_what_is_accepted() {
    let server = server_with(|c| c.issuer = Some("https://auth.example.com".into()));
    let (status, doc) = get(&server, "/.well-known/oauth-authorization-server").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["issuer"], "https://auth.example.com");
    assert_eq!(
        doc["authorization_endpoint"],
        "https://auth.example.com/authorize"
    );
    assert_eq!(doc["token_endpoint"], "https://auth.example.com/token");
    assert_eq!(
        doc["revocation_endpoint"],
        "https://auth.example.com/revoke"
    );
    assert_eq!(
        doc["introspection_endpoint"],
        "https://auth.example.com/introspect"
    );
    assert_eq!(doc["scopes_supported"], json!(["read", "write", "admin"]));
    // Implicit and password are off by default, so neither is advertised.
    assert_eq!(doc["response_types_supported"], json!(["code"]));
    assert_eq!(
        doc["grant_types_supported"],
        json!([
            "authorization_code",
            "client_credentials",
            "refresh_token",
            JWT_BEARER
        ])
    );
    let methods = ["client_secret_basic", "client_secret_post", "none"];
    if cfg!(feature = "jwt") {
        assert_eq!(
            doc["token_endpoint_auth_methods_supported"],
            json!([&methods[..], &["private_key_jwt"]].concat())
        );
    } else {
        assert_eq!(doc["token_endpoint_auth_methods_supported"], json!(methods));
    }
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
}

#[tokio::test]
async fn switching_grants_on_changes_what_is_advertised() {
    let server = serving(ALL_GRANTS, |c| {
        c.issuer = Some("https://auth.example.com".into());
        c.grants.disable(GrantType::ClientCredentials);
        c.allow_plain_pkce = true;
    });
    let (_, doc) = get(&server, "/.well-known/oauth-authorization-server").await;
    assert_eq!(doc["response_types_supported"], json!(["code", "token"]));
    assert_eq!(
        doc["grant_types_supported"],
        json!([
            "authorization_code",
            "implicit",
            "password",
            "refresh_token",
            JWT_BEARER
        ])
    );
    assert_eq!(
        doc["code_challenge_methods_supported"],
        json!(["S256", "plain"])
    );
}

#[tokio::test]
async fn an_issuer_with_a_path_moves_the_document() {
    // RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path.
    let server = server_with(|c| c.issuer = Some("https://auth.example.com/tenant-a".into()));
    let (status, doc) = get(&server, "/.well-known/oauth-authorization-server/tenant-a").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["issuer"], "https://auth.example.com/tenant-a");
    let (status, _) = get(&server, "/.well-known/oauth-authorization-server").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn without_an_issuer_there_is_no_document() {
    let (status, _) = get(&server(), "/.well-known/oauth-authorization-server").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn iss_is_on_every_authorization_response() {
    let server = server_with(|c| c.issuer = Some("https://auth.example.com".into()));
    let base = [
        ("response_type", "code"),
        ("client_id", WEB),
        ("redirect_uri", WEB_CALLBACK),
        ("state", "s1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    let mut approve = base.to_vec();
    approve.push(("decision", "approve"));
    let mut deny = base.to_vec();
    deny.push(("decision", "deny"));
    let mut bad_scope = base.to_vec();
    bad_scope.push(("scope", "nope"));
    for params in [approve, deny, bad_scope] {
        let reply = authorize(&server, &params, Some(ALICE)).await;
        let query = reply.query();
        assert_eq!(
            query.get("iss").map(String::as_str),
            Some("https://auth.example.com"),
            "{query:?}"
        );
        assert_eq!(query.get("state").map(String::as_str), Some("s1"));
    }
}
