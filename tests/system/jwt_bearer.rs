//! The JWT-bearer grant at the example server with `--trust-id-jag-issuer`: an enterprise
//! identity provider's ID-JAG (MCP Enterprise-Managed Authorization) exchanged for an access
//! token over HTTP, that token used at the example's API, and the assertion refused again.

use std::time::{SystemTime, UNIX_EPOCH};

use oauth2::reqwest::StatusCode;
use oauth2_provider::jose::{Algorithm, SigningKey, sign};
use serde_json::{Value, json};

use crate::example::{http, start_with_fixtures};

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const IDP: &str = "https://idp.example.com";

#[tokio::test]
async fn an_id_jag_is_exchanged_for_a_token_for_its_resource() {
    let idp = SigningKey::generate(Algorithm::ES256).unwrap();
    let jwks = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        jwks.path(),
        json!({ "keys": [idp.public_jwk()] }).to_string(),
    )
    .unwrap();
    let fixtures = json!({
        "clients": [{
            "client_id": "mcp-client",
            "client_secret": "mcp-client-secret-4b1e",
            "grant_types": [JWT_BEARER],
            "scope": "read write",
        }],
        "users": [],
    });
    let trust = format!("{IDP}={}", jwks.path().display());
    let (running, _file) =
        start_with_fixtures(0, &fixtures, &["--trust-id-jag-issuer", &trust]).await;
    let issuer = running.issuer.clone();

    let metadata = http()
        .get(format!("{issuer}/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let metadata: Value = serde_json::from_slice(&metadata).unwrap();
    let grants = metadata["grant_types_supported"].as_array().unwrap();
    assert!(grants.contains(&json!(JWT_BEARER)), "{metadata}");
    assert_eq!(
        metadata["authorization_grant_profiles_supported"],
        json!(["urn:ietf:params:oauth:grant-profile:id-jag"])
    );
    let token_endpoint = metadata["token_endpoint"].as_str().unwrap().to_owned();

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let id_jag = sign(
        &idp,
        "oauth-id-jag+jwt",
        &json!({
            "iss": IDP, "sub": "carol@corp.example", "aud": issuer,
            "client_id": "mcp-client", "jti": format!("jag-{now}"),
            "iat": now, "exp": now + 300,
            "resource": format!("{issuer}/api"), "scope": "read",
        }),
    )
    .unwrap();
    let present = || async {
        let reply = http()
            .post(&token_endpoint)
            .basic_auth("mcp-client", Some("mcp-client-secret-4b1e"))
            .form(&[
                ("grant_type", JWT_BEARER),
                ("assertion", &id_jag),
                ("scope", "read write"),
            ])
            .send()
            .await
            .unwrap();
        let status = reply.status();
        let body: Value = serde_json::from_slice(&reply.bytes().await.unwrap()).unwrap();
        (status, body)
    };
    let (status, issued) = present().await;
    assert_eq!(status, StatusCode::OK, "{issued}");
    // The assertion approved read alone; no refresh token for an ID-JAG.
    assert_eq!(issued["scope"], "read");
    assert!(issued.get("refresh_token").is_none(), "{issued}");
    let access = issued["access_token"].as_str().unwrap();

    let me = http()
        .get(format!("{issuer}/api/me"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let me: Value = serde_json::from_slice(&me).unwrap();
    assert_eq!(me["sub"], "carol@corp.example");

    let (status, refused) = present().await;
    assert_eq!(
        (status, &refused["error"]),
        (StatusCode::BAD_REQUEST, &json!("invalid_grant"))
    );
}
