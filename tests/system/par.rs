//! Pushed authorization requests (RFC 9126) at the example server: the demo client pushes its
//! request, the browser carries only `client_id` and `request_uri` through sign-in and consent,
//! the code comes back with the pushed `state`, and the `request_uri` is then spent.

use oauth2::reqwest::StatusCode;
use serde_json::Value;

use crate::example::{http, sign_in_and_decide, start};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

#[tokio::test]
async fn a_pushed_request_runs_through_the_pages_once() {
    let running = start(&[]).await;
    let issuer = &running.issuer;
    let secret = running.demo_secret.clone().unwrap();
    let callback = format!("{issuer}/demo/callback");
    let pushed = http()
        .post(format!("{issuer}/par"))
        .basic_auth("demo-app", Some(&secret))
        .form(&[
            ("response_type", "code"),
            ("redirect_uri", callback.as_str()),
            ("scope", "read"),
            ("state", "pushed-7"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(pushed.status(), StatusCode::CREATED);
    let pushed: Value = serde_json::from_slice(&pushed.bytes().await.unwrap()).unwrap();
    let request_uri = pushed["request_uri"].as_str().unwrap();
    let authorize = url::Url::parse_with_params(
        &format!("{issuer}/authorize"),
        &[("client_id", "demo-app"), ("request_uri", request_uri)],
    )
    .unwrap();
    let landed =
        sign_in_and_decide(&http(), authorize.as_str(), "alice", "wonderland", "allow").await;
    let query: std::collections::HashMap<_, _> = landed.query_pairs().into_owned().collect();
    assert_eq!(query["state"], "pushed-7", "{landed}");
    let reply = http()
        .post(format!("{issuer}/token"))
        .basic_auth("demo-app", Some(&secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", query["code"].as_str()),
            ("redirect_uri", callback.as_str()),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    // Spent: the same request_uri now gets the error page.
    let again = http().get(authorize.as_str()).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(again.headers().get("location").is_none());
}
