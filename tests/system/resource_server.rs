//! The resource-server side of the examples: per-route scopes with RFC 6750 errors, validated
//! in-process (the example server's `/api`) and through introspection (`resource_server`).

#[allow(dead_code)]
#[path = "../../examples/resource_server.rs"]
mod introspecting;

use oauth2::reqwest::{self, StatusCode, header::WWW_AUTHENTICATE};
use serde_json::Value;

/// A client-credentials token of the demo client with `scope`.
async fn token(http: &reqwest::Client, issuer: &str, secret: &str, scope: &str) -> String {
    let response = http
        .post(format!("{issuer}/token"))
        .basic_auth("demo-app", Some(secret))
        .form(&[("grant_type", "client_credentials"), ("scope", scope)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// Checks the API at `base` against tokens from the authorization server at `issuer`.
async fn check_api(base: &str, issuer: &str, secret: &str) {
    let http = crate::example::http();
    let read = token(&http, issuer, secret, "read").await;
    let read_write = token(&http, issuer, secret, "read write profile").await;
    let call = |method: reqwest::Method, path: &str, token: Option<&str>| {
        let mut request = http.request(method, format!("{base}{path}"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(r#"{"text":"hello"}"#)
            .send()
    };

    let response = call(reqwest::Method::GET, "/api/notes", Some(&read))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // RFC 6750 §3.1: a token without the route's scope is 403 insufficient_scope, naming it.
    let response = call(reqwest::Method::POST, "/api/notes", Some(&read))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = response.headers()[WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"write\""), "{challenge}");

    let response = call(reqwest::Method::POST, "/api/notes", Some(&read_write))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let response = call(reqwest::Method::GET, "/api/notes", Some(&read_write))
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["notes"], serde_json::json!(["demo-app: hello"]));
    // Any valid token, a client's own included, may ask who it speaks for.
    let response = call(reqwest::Method::GET, "/api/me", Some(&read))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["sub"], "demo-app");
    let response = call(reqwest::Method::GET, "/api/me", None).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // No credentials: the bare challenge, no error code (§3.1).
    let response = call(reqwest::Method::GET, "/api/notes", None)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()[WWW_AUTHENTICATE].to_str().unwrap();
    assert!(
        challenge.starts_with("Bearer ") && !challenge.contains("error="),
        "{challenge}"
    );

    // An unknown token, then a revoked one: 401 invalid_token.
    let response = call(reqwest::Method::GET, "/api/notes", Some("not-a-token"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        response.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    let revoked = http
        .post(format!("{issuer}/revoke"))
        .basic_auth("demo-app", Some(secret))
        .form(&[("token", read.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    let response = call(reqwest::Method::GET, "/api/notes", Some(&read))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        response.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
}

#[tokio::test]
async fn in_process_validation() {
    let running = crate::example::start(&[]).await;
    let secret = running.demo_secret.clone().unwrap();
    check_api(&running.issuer, &running.issuer, &secret).await;
    running.stop().await.unwrap();
}

#[tokio::test]
async fn validation_by_introspection() {
    let running = crate::example::start(&[]).await;
    let secret = running.demo_secret.clone().unwrap();
    let cli = introspecting::Cli {
        listen: "127.0.0.1:0".parse().unwrap(),
        introspection_url: format!("{}/introspect", running.issuer),
        client_id: "demo-app".into(),
        client_secret: secret.clone(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move { axum::serve(listener, introspecting::router(cli)).await });
    check_api(&base, &running.issuer, &secret).await;
    task.abort();
    running.stop().await.unwrap();
}

#[tokio::test]
async fn introspection_fails_closed_when_the_authorization_server_is_down() {
    let cli = introspecting::Cli {
        listen: "127.0.0.1:0".parse().unwrap(),
        // Nothing listens on port 1.
        introspection_url: "http://127.0.0.1:1/introspect".into(),
        client_id: "demo-app".into(),
        client_secret: "x".into(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move { axum::serve(listener, introspecting::router(cli)).await });
    let response = crate::example::http()
        .get(format!("{base}/api/notes"))
        .bearer_auth("some-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    task.abort();
}
