//! `examples/minimal.rs`, the README's quick start: it is the README's code, and it works end
//! to end over HTTP: client credentials, the code flow through its consent page (only the
//! page's own form POST approves), and the `BearerToken`-protected route.

#[allow(dead_code)]
#[path = "../../examples/minimal.rs"]
mod quick_start;

use oauth2::reqwest::{self, StatusCode, header};
use serde_json::Value;

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const MARKER: &str = "// quick start: from here to the end, the README's code block\n";

#[test]
fn the_readme_quick_start_is_the_example() {
    let readme = include_str!("../../README.md");
    let example = include_str!("../../examples/minimal.rs");
    let code = &example[example.find(MARKER).expect("the marker") + MARKER.len()..];
    let section = &readme[readme.find("## Quick start").expect("a quick start")..];
    let block = &section[section.find("```rust").expect("a rust block")..];
    let block = &block[block.find('\n').unwrap() + 1..];
    let block = &block[..block.find("```").expect("the block's end")];
    assert_eq!(
        block, code,
        "README.md's quick start and examples/minimal.rs differ"
    );
}

async fn me(http: &reqwest::Client, base: &str, token: &str) -> (StatusCode, String) {
    let response = http
        .get(format!("{base}/api/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn token(http: &reqwest::Client, base: &str, form: &[(&str, &str)]) -> String {
    let response = http
        .post(format!("{base}/token"))
        .basic_auth("demo", Some("demo-secret"))
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_quick_start_serves_tokens_consent_and_a_protected_route() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = quick_start::app(&base);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = crate::example::http();

    let service = token(&http, &base, &[("grant_type", "client_credentials")]).await;
    assert_eq!(
        me(&http, &base, &service).await,
        (StatusCode::OK, "hello, demo".into())
    );
    let (status, _) = me(&http, &base, "not-a-token").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let callback = format!("{base}/callback");
    let request = [
        ("response_type", "code"),
        ("client_id", "demo"),
        ("redirect_uri", callback.as_str()),
        ("scope", "read"),
        ("state", "xyz"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    // A GET, even one that says `decision=allow`, only shows the page.
    let mut link = request.to_vec();
    link.push(("decision", "allow"));
    let page = http
        .get(format!("{base}/authorize"))
        .query(&link)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let html = page.text().await.unwrap();
    assert!(html.contains("name=decision value=allow"), "{html}");

    // The page's own POST, with its CSRF token, approves.
    let mut form = request.to_vec();
    form.extend([
        ("csrf_token", "the session's CSRF token"),
        ("decision", "allow"),
    ]);
    let approved = http
        .post(format!("{base}/authorize"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let location = url::Url::parse(approved.headers()[header::LOCATION].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let user = token(
        &http,
        &base,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &callback),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(
        me(&http, &base, &user).await,
        (StatusCode::OK, "hello, 42".into())
    );
}
