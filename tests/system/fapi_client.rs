//! A FAPI 2.0-shaped client from outside the project: openid-client (npm, over oauth4webapi)
//! registered with `private_key_jwt` and its public key in `jwks`, pushing its request (PAR),
//! with PKCE and DPoP; alice signs in and consents on the example's pages; then the code, a
//! refresh and the resource, every token DPoP-bound and every request signed by the client.

use std::process::Stdio;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use oauth2_provider::jose::{Algorithm, SigningKey};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::example::{http, sign_in_and_decide};

const CLIENT: &str = "fapi-app";
const CALLBACK: &str = "https://fapi.example/cb";

#[tokio::test]
async fn openid_client_signs_pushes_and_binds() {
    let test = "openid_client_signs_pushes_and_binds";
    let Some(dir) = crate::npm::packages_or_skip(test) else {
        return;
    };
    let key = SigningKey::generate(Algorithm::ES256).unwrap();
    let fixtures = json!({
        "clients": [{
            "client_id": CLIENT, "redirect_uris": [CALLBACK],
            "grant_types": ["authorization_code", "refresh_token"], "scope": "read",
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": { "keys": [key.public_jwk()] },
            "dpop_bound_access_tokens": true,
            "require_pushed_authorization_requests": true,
        }],
        "users": [{ "username": "alice", "password": "wonderland" }],
    });
    let (running, _file) = crate::example::start_with_fixtures(0, &fixtures, &[]).await;
    let mut rp = tokio::process::Command::new("node")
        .arg(dir.join("fapi.mjs"))
        .args([&running.issuer, CLIENT])
        .arg(STANDARD.encode(key.to_pkcs8_der()))
        .args([key.kid(), CALLBACK])
        .arg(format!("{}/api/me", running.issuer))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs");
    let mut out = BufReader::new(rp.stdout.take().unwrap()).lines();
    let first: Value =
        serde_json::from_str(&out.next_line().await.unwrap().expect("a line")).unwrap();
    let authorize = url::Url::parse(first["authorize"].as_str().expect("a URL")).unwrap();
    // Only the reference travels through the browser.
    let mut names: Vec<String> = authorize
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["client_id", "request_uri"], "{authorize}");

    let landed =
        sign_in_and_decide(&http(), authorize.as_str(), "alice", "wonderland", "allow").await;
    let mut stdin = rp.stdin.take().unwrap();
    stdin
        .write_all(format!("{landed}\n").as_bytes())
        .await
        .unwrap();
    let line = out.next_line().await.unwrap().expect("the client's result");
    let result: Value = serde_json::from_str(&line).unwrap();
    assert!(rp.wait().await.unwrap().success());
    for member in ["token_type", "refreshed_type"] {
        let kind = result[member].as_str().unwrap();
        assert!(kind.eq_ignore_ascii_case("DPoP"), "{result}");
    }
    assert_eq!(result["scope"], "read");
    assert_eq!(result["status"], 200, "{result}");
    assert_eq!(result["me"]["sub"], "alice");
    running.stop().await.unwrap();
}
