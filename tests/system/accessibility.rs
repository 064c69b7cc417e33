//! Every page a person sees, checked by axe-core (npm) inside headless Chromium: sign-in,
//! a wrong password, consent (English and German), and the error pages of requests that must
//! not be redirected. No serious or critical violation is allowed.
//!
//! With `SCREENSHOTS_DIR` set, each page is also saved at 1280 and 360 px wide:
//! `SCREENSHOTS_DIR=docs/screenshots cargo test --test system accessibility`.

use std::path::PathBuf;

use fantoccini::Client;
use serde_json::{Value, json};

use crate::browser::{browser_or_skip, button, free_port};

const SECRET: &str = "pages-secret";

/// Runs axe-core on the page `client` shows; returns the serious and critical violations.
async fn violations(client: &Client, axe: &str) -> Vec<Value> {
    client
        .execute(&format!("{axe}\nreturn true;"), vec![])
        .await
        .expect("axe-core loads");
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] })
          .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html) }))))
          .catch(e => done([{ id: 'axe-failed', impact: 'critical', help: String(e) }]));
    "#;
    let found = client
        .execute_async(script, vec![])
        .await
        .expect("axe-core runs");
    found
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect()
}

/// Checks the page and, when asked, saves it at both widths.
async fn check(client: &Client, axe: &str, name: &str, failures: &mut Vec<String>) {
    let found = violations(client, axe).await;
    if !found.is_empty() {
        failures.push(format!(
            "{name}: {}",
            serde_json::to_string_pretty(&found).unwrap()
        ));
    }
    let lang: Value = client
        .execute("return document.documentElement.lang;", vec![])
        .await
        .unwrap();
    if lang.as_str().is_none_or(str::is_empty) {
        failures.push(format!("{name}: no lang attribute"));
    }
    if let Some(dir) = std::env::var_os("SCREENSHOTS_DIR") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (width, height) in [(1280, 900), (360, 780)] {
            client.set_window_size(width, height).await.unwrap();
            let png = client.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}-{width}.png")), png).unwrap();
        }
        client.set_window_size(1280, 900).await.unwrap();
    }
}

fn authorize_url(issuer: &str, pairs: &[(&str, &str)]) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{issuer}/authorize?{query}")
}

#[tokio::test]
async fn every_page_passes_axe_core() {
    let test = "every_page_passes_axe_core";
    let Some(npm) = crate::npm::packages_or_skip(test) else {
        return;
    };
    let Some(browser) = browser_or_skip(test).await else {
        return;
    };
    let axe = std::fs::read_to_string(npm.join("node_modules/axe-core/axe.min.js")).unwrap();
    let port = free_port();
    let callback = format!("http://127.0.0.1:{port}/app/callback");
    let body = json!({
        "clients": [{
            "client_id": "notes-app", "client_secret": SECRET, "redirect_uris": [callback],
            "grant_types": ["authorization_code"], "scope": "openid profile email read write",
            "client_name": "Notes App",
        }],
        "users": [{"username": "alice", "password": "wonderland"}],
    });
    let (running, _fixtures) = crate::example::start_with_fixtures(port, &body, &[]).await;
    let issuer = running.issuer.clone();
    let client = &browser.client;
    client.set_window_size(1280, 900).await.unwrap();
    let mut failures = Vec::new();
    let request = |extra: &[(&'static str, &'static str)]| {
        let mut pairs = vec![
            ("response_type", "code"),
            ("client_id", "notes-app"),
            ("redirect_uri", callback.as_str()),
            ("scope", "openid profile read write"),
            ("state", "s"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
        ];
        for (name, value) in extra {
            pairs.retain(|(n, _)| n != name);
            pairs.push((name, value));
        }
        authorize_url(&issuer, &pairs)
    };

    client.goto(&request(&[])).await.unwrap();
    check(client, &axe, "sign-in", &mut failures).await;
    crate::browser::sign_in(client, "not-the-password").await;
    client
        .wait()
        .for_element(fantoccini::Locator::Css("[role=alert]"))
        .await
        .unwrap();
    check(client, &axe, "sign-in-wrong-password", &mut failures).await;
    crate::browser::sign_in(client, "wonderland").await;
    button(client, "Allow").await;
    check(client, &axe, "consent", &mut failures).await;
    let page = client.source().await.unwrap();
    assert!(
        page.contains("Notes App") && page.contains("127.0.0.1"),
        "client and redirect host"
    );
    assert!(
        page.contains("Read your notes"),
        "scope descriptions: {page}"
    );
    button(client, "Allow").await.click().await.unwrap();
    crate::browser::landed_on(client, &callback).await;
    // Asked again for one more scope, in German: what was approved before is marked.
    let wider = [
        ("ui_locales", "de"),
        ("scope", "openid profile email read write"),
    ];
    client.goto(&request(&wider)).await.unwrap();
    button(client, "Erlauben").await;
    let page = client.source().await.unwrap();
    assert!(
        page.contains("lang=\"de\"") && page.contains("bereits erlaubt"),
        "{page}"
    );
    check(client, &axe, "consent-de", &mut failures).await;

    let errors = [
        (
            "error-unknown-client",
            authorize_url(
                &issuer,
                &[("response_type", "code"), ("client_id", "nobody")],
            ),
        ),
        (
            "error-redirect-uri",
            authorize_url(
                &issuer,
                &[
                    ("response_type", "code"),
                    ("client_id", "notes-app"),
                    ("redirect_uri", "https://evil.example/cb"),
                ],
            ),
        ),
        (
            "error-no-client-id",
            authorize_url(&issuer, &[("response_type", "code")]),
        ),
    ];
    for (name, url) in errors {
        client.goto(&url).await.unwrap();
        let text = client.source().await.unwrap();
        assert!(
            text.contains("<code>invalid_request</code>"),
            "{name}: {text}"
        );
        assert!(
            !text.contains("evil.example") && !text.contains("nobody"),
            "{name} reflects input"
        );
        check(client, &axe, name, &mut failures).await;
    }
    assert!(
        failures.is_empty(),
        "axe-core found:\n{}",
        failures.join("\n")
    );

    browser.client.clone().close().await.unwrap();
    running.stop().await.unwrap();
}
