//! A non-Rust relying party: openid-client (npm), the certified Node.js library, signs alice
//! in through real Chromium, validates the ID token and reads UserInfo; jose (npm) checks the
//! RFC 9068 access token independently (§4: `typ`, signature by the published key, `iss`,
//! `aud`, `exp`) and refuses the ID token in its place.
//!
//! `.ci/run` installs the packages (`npm ci` in `tests/system/npm`). Without them,
//! or without Node.js, the test says so and passes; under `CI=true` it fails instead.

use std::process::Stdio;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::browser::{browser_or_skip, button, free_port, landed_on, sign_in};

const CLIENT: &str = "node-rp";
const SECRET: &str = "node-rp-secret";

#[tokio::test]
async fn openid_client_and_jose_accept_the_tokens() {
    let test = "openid_client_and_jose_accept_the_tokens";
    let Some(dir) = crate::npm::packages_or_skip(test) else {
        return;
    };
    let Some(browser) = browser_or_skip(test).await else {
        return;
    };
    let port = free_port();
    let callback = format!("http://127.0.0.1:{port}/rp/callback");
    let body = json!({
        "clients": [{
            "client_id": CLIENT, "client_secret": SECRET, "redirect_uris": [callback],
            "grant_types": ["authorization_code"], "scope": "openid email read",
            "access_token_format": "jwt",
        }],
        "users": [{"username": "alice", "password": "wonderland",
                   "claims": {"email": "alice@example.com", "email_verified": true}}],
    });
    let (running, _fixtures) = crate::example::start_with_fixtures(port, &body, &[]).await;
    let audience = format!("{}/api", running.issuer);

    let mut rp = tokio::process::Command::new("node")
        .arg(dir.join("rp.mjs"))
        .args([&running.issuer, CLIENT, SECRET, &callback, &audience])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs");
    let mut out = BufReader::new(rp.stdout.take().unwrap()).lines();
    let first: Value =
        serde_json::from_str(&out.next_line().await.unwrap().expect("a line")).unwrap();
    let authorize = first["authorize"].as_str().expect("an authorization URL");

    browser.client.goto(authorize).await.unwrap();
    sign_in(&browser.client, "wonderland").await;
    button(&browser.client, "Allow")
        .await
        .click()
        .await
        .unwrap();
    let landed = landed_on(&browser.client, &callback).await;
    let mut stdin = rp.stdin.take().unwrap();
    stdin
        .write_all(format!("{landed}\n").as_bytes())
        .await
        .unwrap();

    let line = out
        .next_line()
        .await
        .unwrap()
        .expect("the relying party's result");
    let result: Value = serde_json::from_str(&line).unwrap();
    assert!(rp.wait().await.unwrap().success());
    assert_eq!(result["claims"]["sub"], "alice");
    assert_eq!(result["claims"]["iss"], running.issuer);
    assert_eq!(result["claims"]["aud"], CLIENT);
    assert_eq!(result["userinfo"]["email"], "alice@example.com");
    let access = &result["access_token"];
    assert_eq!(access["header"]["typ"], "at+jwt");
    assert_eq!(access["payload"]["aud"], audience);
    assert_eq!(access["payload"]["client_id"], CLIENT);
    assert_eq!(access["payload"]["scope"], "email openid");
    assert_eq!(access["id_token_accepted"], false);

    browser.client.clone().close().await.unwrap();
    running.stop().await.unwrap();
}
