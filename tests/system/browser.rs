//! The example server's sign-in and consent pages in real headless Chromium (Debian's
//! `chromium` and `chromium-driver`, which `.ci/run` installs), driven by WebDriver the way a
//! person uses them: by input names and button labels.
//!
//! Without Chromium this test says so loudly and passes; under `CI=true` it fails instead.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const SECRET: &str = "browser-app-secret";

/// A ChromeDriver process and a session on it; both end when this is dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts ChromeDriver and headless Chromium, or explains why it cannot.
async fn browser() -> Result<Browser, String> {
    let port = free_port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            format!("cannot start chromedriver ({e}); install Debian's chromium-driver")
        })?;
    let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            // The flags that keep Chromium off the network in a closed sandbox.
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        }
    });
    let capabilities = capabilities.as_object().cloned().unwrap_or_default();
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = String::new();
    for _ in 0..50 {
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        match builder
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                return Ok(Browser {
                    client,
                    driver,
                    _profile: profile,
                });
            }
            Err(e) => last_error = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut browser_less = driver;
    let _ = browser_less.kill();
    Err(format!("no WebDriver session: {last_error}"))
}

/// The browser, or `None` after announcing the skip; under CI the test fails instead.
pub async fn browser_or_skip(test: &str) -> Option<Browser> {
    match browser().await {
        Ok(browser) => Some(browser),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test}: Chromium is required under CI=true: {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED: {test} — {why}");
            None
        }
    }
}

/// The example server with its own fixtures: a confidential client whose redirect URI is the
/// server's demo callback, and alice.
async fn server_with_fixtures() -> (
    crate::example::server::Running,
    String,
    tempfile::NamedTempFile,
) {
    let port = free_port();
    let callback = format!("http://127.0.0.1:{port}/demo/callback");
    let body = json!({
        "clients": [{
            "client_id": "browser-app",
            "client_secret": SECRET,
            "redirect_uris": [callback],
            "grant_types": ["authorization_code", "refresh_token"],
            "scope": "read write",
            "client_name": "Browser Test App",
        }],
        "users": [{"username": "alice", "password": "wonderland"}],
    });
    let (running, fixtures) = crate::example::start_with_fixtures(port, &body, &[]).await;
    (running, callback, fixtures)
}

fn authorize_url(issuer: &str, callback: &str, state: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("response_type", "code"),
            ("client_id", "browser-app"),
            ("redirect_uri", callback),
            ("scope", "read write"),
            ("state", state),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
        .finish();
    format!("{issuer}/authorize?{query}")
}

pub async fn button(client: &Client, label: &str) -> fantoccini::elements::Element {
    let xpath = format!("//button[normalize-space()='{label}']");
    client
        .wait()
        .for_element(Locator::XPath(&xpath))
        .await
        .expect("the button")
}

pub async fn sign_in(client: &Client, password: &str) {
    let username = client
        .wait()
        .for_element(Locator::Css("input[name=username]"))
        .await
        .unwrap();
    username.clear().await.unwrap();
    username.send_keys("alice").await.unwrap();
    let field = client
        .find(Locator::Css("input[name=password]"))
        .await
        .unwrap();
    field.send_keys(password).await.unwrap();
    button(client, "Sign in").await.click().await.unwrap();
}

/// Waits until the browser has landed on `prefix`, and returns the URL it landed on.
pub async fn landed_on(client: &Client, prefix: &str) -> url::Url {
    for _ in 0..100 {
        let url = client.current_url().await.unwrap();
        if url.as_str().starts_with(prefix) {
            return url;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "never reached {prefix}; at {}",
        client.current_url().await.unwrap()
    );
}

pub fn query(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn sign_in_approve_and_exchange_the_code() {
    let Some(browser) = browser_or_skip("sign_in_approve_and_exchange_the_code").await else {
        return;
    };
    let (running, callback, _fixtures) = server_with_fixtures().await;
    let client = &browser.client;
    client
        .goto(&authorize_url(&running.issuer, &callback, "st4te"))
        .await
        .unwrap();

    // A wrong password shows the form again, with a message.
    sign_in(client, "not-the-password").await;
    let alert = client
        .wait()
        .for_element(Locator::Css("[role=alert]"))
        .await
        .unwrap();
    assert_eq!(alert.text().await.unwrap(), "Wrong username or password.");

    sign_in(client, "wonderland").await;
    let allow = button(client, "Allow").await;
    let page = client.source().await.unwrap();
    assert!(
        page.contains("Browser Test App"),
        "the consent page names the client"
    );
    assert!(page.contains("<code>read</code>") && page.contains("<code>write</code>"));
    allow.click().await.unwrap();

    let landed = landed_on(client, &callback).await;
    assert_eq!(query(&landed, "state").as_deref(), Some("st4te"));
    assert_eq!(
        query(&landed, "iss").as_deref(),
        Some(running.issuer.as_str())
    );
    let code = query(&landed, "code").expect("a code");

    let http = crate::example::http();
    let response = http
        .post(format!("{}/token", running.issuer))
        .basic_auth("browser-app", Some(SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &callback),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let token: serde_json::Value =
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], "read write");
    assert!(
        token["access_token"]
            .as_str()
            .is_some_and(|t| t.len() == 43)
    );

    browser.client.clone().close().await.unwrap();
    running.stop().await.unwrap();
}

#[tokio::test]
async fn deny_returns_access_denied() {
    let Some(browser) = browser_or_skip("deny_returns_access_denied").await else {
        return;
    };
    let (running, callback, _fixtures) = server_with_fixtures().await;
    let client = &browser.client;
    client
        .goto(&authorize_url(&running.issuer, &callback, "n0pe"))
        .await
        .unwrap();
    sign_in(client, "wonderland").await;
    button(client, "Deny").await.click().await.unwrap();

    let landed = landed_on(client, &callback).await;
    assert_eq!(query(&landed, "error").as_deref(), Some("access_denied"));
    assert_eq!(query(&landed, "state").as_deref(), Some("n0pe"));
    assert_eq!(query(&landed, "code"), None);

    browser.client.clone().close().await.unwrap();
    running.stop().await.unwrap();
}
