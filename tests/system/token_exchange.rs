//! RFC 8693 token exchange at the example server (SERVER-INTERFACE.md, "Token exchange"): a
//! client that lists the grant exchanges a token this server issued for one within its grant.

use oauth2::reqwest::StatusCode;
use serde_json::{Value, json};

use crate::example::{http, start_with_fixtures};

const EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS: &str = "urn:ietf:params:oauth:token-type:access_token";

#[tokio::test]
async fn a_client_exchanges_its_token_within_its_grant() {
    let fixtures = json!({
        "clients": [{
            "client_id": "agent",
            "client_secret": "agent-secret-7d1c",
            "grant_types": ["client_credentials", EXCHANGE],
            "scope": "read write",
        }],
        "users": [],
    });
    let other = "https://other.example/api";
    let (running, _file) = start_with_fixtures(0, &fixtures, &["--resource", other]).await;
    let issuer = running.issuer.clone();
    let post = |form: Vec<(&'static str, String)>| {
        let issuer = issuer.clone();
        async move {
            let reply = http()
                .post(format!("{issuer}/token"))
                .basic_auth("agent", Some("agent-secret-7d1c"))
                .form(&form)
                .send()
                .await
                .unwrap();
            let status = reply.status();
            let body: Value = serde_json::from_slice(&reply.bytes().await.unwrap()).unwrap();
            (status, body)
        }
    };
    let (_, subject) = post(vec![
        ("grant_type", "client_credentials".into()),
        ("scope", "read write".into()),
    ])
    .await;
    let subject = subject["access_token"].as_str().unwrap().to_owned();
    let exchange = |extra: Vec<(&'static str, String)>| {
        let mut form = vec![
            ("grant_type", EXCHANGE.to_owned()),
            ("subject_token", subject.clone()),
            ("subject_token_type", ACCESS.to_owned()),
        ];
        form.extend(extra);
        post(form)
    };
    let (status, issued) = exchange(vec![("scope", "read".into())]).await;
    assert_eq!(status, StatusCode::OK, "{issued}");
    assert_eq!(issued["issued_token_type"], ACCESS);
    assert_eq!(issued["scope"], "read");
    // Its grant was for `{issuer}/api` only: another resource is beyond it.
    let (status, refused) = exchange(vec![("resource", other.into())]).await;
    assert_eq!(
        (status, &refused["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_target"))
    );
    let (status, refused) = exchange(vec![("scope", "openid".into())]).await;
    assert_eq!(
        (status, &refused["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_scope"))
    );
}
