//! The example's sign-in and consent pages under abuse (issue 13): anonymous visits keep
//! nothing on the server, sessions and approvals live in the store (so nodes share them), a
//! public client is asked every time, sign-in guesses are throttled, and the demo's own
//! routes are bounded and mounted only for the demo.

use oauth2::reqwest::{self, StatusCode, header};
use sqlx::Row as _;

use crate::example::{self, cookie, hidden_input, location, session_cookie, sign_in};

const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// An authorization request of the demo fixtures' `client_id` at `issuer`.
fn authorize_url(issuer: &str, client_id: &str, redirect_uri: &str) -> String {
    let mut url = url::Url::parse(&format!("{issuer}/authorize")).expect("a URL");
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", "read")
        .append_pair("state", "s")
        .append_pair("code_challenge", CHALLENGE)
        .append_pair("code_challenge_method", "S256");
    url.into()
}

fn demo_app(issuer: &str) -> String {
    authorize_url(issuer, "demo-app", &format!("{issuer}/demo/callback"))
}

async fn get_with(http: &reqwest::Client, url: &str, cookie: &str) -> reqwest::Response {
    http.get(url)
        .header(header::COOKIE, cookie)
        .send()
        .await
        .expect("GET")
}

async fn json(request: reqwest::RequestBuilder) -> serde_json::Value {
    let body = request.send().await.expect("a response").bytes().await;
    serde_json::from_slice(&body.expect("a body")).expect("JSON")
}

async fn state_rows(pool: &sqlx::SqlitePool) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM oauth_state")
        .fetch_one(pool)
        .await
        .expect("the state table")
        .get(0)
}

#[tokio::test]
async fn anonymous_visits_keep_nothing_and_nodes_share_sessions() {
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("oauth.db");
    let store = format!("sqlite:{}", path.display());
    let a = example::start(&["--store", &store]).await;
    let issuer = a.issuer.clone();
    let http = example::http();
    for _ in 0..50 {
        let page = http.get(demo_app(&issuer)).send().await.expect("GET");
        assert_eq!(page.status(), 200);
        assert!(session_cookie(&page).is_none());
    }
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
        .await
        .expect("the example's SQLite file");
    assert_eq!(state_rows(&pool).await, 0, "anonymous visits kept state");

    let signed = sign_in(&http, &demo_app(&issuer), "alice", "wonderland").await;
    assert_eq!(signed.response.status(), 200);
    assert_eq!(state_rows(&pool).await, 1, "the session is in the store");

    // Another node over the same store knows the session: its consent page, not a sign-in.
    let b = example::start(&["--store", &store]).await;
    let page = get_with(&http, &demo_app(&b.issuer), &signed.cookie).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("a page");
    assert!(
        page.contains(">Allow</button>"),
        "not a consent page: {page}"
    );

    // The file holds secret hashes and sessions: only its owner reads it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path)
            .expect("the file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    }
    b.stop().await.expect("b stops");
    a.stop().await.expect("a stops");
}

#[tokio::test]
async fn a_public_client_is_asked_every_time_a_confidential_one_once() {
    let running = example::start(&[]).await;
    let issuer = running.issuer.clone();
    let http = example::http();
    for (url, remembered) in [
        (demo_app(&issuer), true),
        (
            authorize_url(&issuer, "demo-native", "http://127.0.0.1/callback"),
            false,
        ),
    ] {
        let signed = sign_in(&http, &url, "alice", "wonderland").await;
        let cookie = signed.cookie.clone();
        let redirect = signed.decide(&http, "allow").await;
        assert!(
            redirect.query_pairs().any(|(k, _)| k == "code"),
            "{redirect}"
        );
        let again = get_with(&http, &url, &cookie).await;
        if remembered {
            assert!(again.status().is_redirection(), "{}", again.status());
            assert!(location(&again).query_pairs().any(|(k, _)| k == "code"));
        } else {
            // RFC 8252 §8.6: anyone can send a public client's request, with a loopback port
            // and a challenge of their own; the user is asked again.
            assert_eq!(again.status(), 200, "a public client was approved silently");
            let page = again.text().await.expect("a page");
            assert!(page.contains(">Allow</button>"), "{page}");
        }
    }
    running.stop().await.expect("the server stops");
}

/// Posts the sign-in form of `page` (a sign-in page answered with `csrf_cookie`).
async fn post_sign_in(
    http: &reqwest::Client,
    url: &str,
    csrf_cookie: &str,
    csrf: &str,
    password: &str,
) -> reqwest::Response {
    let parsed = url::Url::parse(url).expect("a URL");
    let mut form: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    form.extend([
        ("csrf_token".into(), csrf.into()),
        ("username".into(), "alice".into()),
        ("password".into(), password.into()),
        ("action".into(), "login".into()),
    ]);
    http.post(format!("{}/authorize", running_base(url)))
        .header(header::COOKIE, csrf_cookie)
        .form(&form)
        .send()
        .await
        .expect("POST sign-in")
}

fn running_base(url: &str) -> String {
    let parsed = url::Url::parse(url).expect("a URL");
    format!("{}://{}", parsed.scheme(), parsed.authority())
}

#[tokio::test]
async fn sign_in_guesses_are_throttled_even_in_parallel_and_csrf_is_checked() {
    let running = example::start(&[]).await;
    let url = demo_app(&running.issuer);
    let http = example::http();
    let page = http.get(&url).send().await.expect("GET");
    let csrf_cookie = cookie(&page, "oauth2_csrf").expect("a CSRF cookie");
    let csrf = hidden_input(&page.text().await.expect("a page"), "csrf_token")
        .expect("a token")
        .to_owned();

    // A form without its cookie signs nobody in; one with a wrong token is refused.
    let no_cookie = post_sign_in(&http, &url, "", &csrf, "wonderland").await;
    assert!(session_cookie(&no_cookie).is_none());
    let forged = post_sign_in(&http, &url, &csrf_cookie, "forged", "wonderland").await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&forged).is_none());

    // The account's budget is 10 guesses a minute, sent all at once here.
    let guesses = (0..12).map(|_| post_sign_in(&http, &url, &csrf_cookie, &csrf, "guess"));
    let statuses: Vec<StatusCode> = futures::future::join_all(guesses)
        .await
        .iter()
        .map(reqwest::Response::status)
        .collect();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(refused >= 1, "no guess refused: {statuses:?}");
    // While the budget is spent, even the right password is not checked.
    let right = post_sign_in(&http, &url, &csrf_cookie, &csrf, "wonderland").await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(right.headers().contains_key(header::RETRY_AFTER));
    assert!(session_cookie(&right).is_none());
    running.stop().await.expect("the server stops");
}

#[tokio::test]
async fn the_demo_routes_are_bounded_and_mounted_only_for_the_demo() {
    let running = example::start(&[]).await;
    let http = example::http();
    let callback = http
        .get(format!("{}/demo/callback?code=<b>x</b>", running.issuer))
        .send()
        .await
        .expect("GET callback");
    assert_eq!(callback.status(), 200);
    assert_eq!(callback.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(callback.headers()["x-frame-options"], "DENY");
    let page = callback.text().await.expect("a page");
    assert!(
        page.contains("x") && !page.contains("<b>"),
        "not escaped: {page}"
    );

    // Notes: the newest hundred kept, a body of at most 4 KiB.
    let secret = running.demo_secret.clone().expect("the demo secret");
    let token = json(
        http.post(format!("{}/token", running.issuer))
            .basic_auth("demo-app", Some(&secret))
            .form(&[
                ("grant_type", "client_credentials"),
                ("scope", "read write"),
            ]),
    )
    .await;
    let token = token["access_token"].as_str().expect("an access token");
    let notes = format!("{}/api/notes", running.issuer);
    for i in 0..105 {
        let posted = http
            .post(&notes)
            .bearer_auth(token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(serde_json::json!({ "text": format!("note {i}") }).to_string())
            .send()
            .await
            .expect("POST note");
        assert_eq!(posted.status(), StatusCode::CREATED);
    }
    let big = http
        .post(&notes)
        .bearer_auth(token)
        .header(header::CONTENT_TYPE, "application/json")
        .body(serde_json::json!({ "text": "x".repeat(5000) }).to_string())
        .send()
        .await
        .expect("POST note");
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let listed = json(http.get(&notes).bearer_auth(token)).await;
    let listed = listed["notes"].as_array().expect("notes");
    assert_eq!(listed.len(), 100);
    assert_eq!(listed[0], "demo-app: note 5");
    running.stop().await.expect("the server stops");

    // With fixtures there is no demo client, and no demo callback.
    let file = tempfile::NamedTempFile::new().expect("a fixtures file");
    std::fs::write(file.path(), r#"{"clients": []}"#).expect("written");
    let path = file.path().to_str().expect("UTF-8");
    let running = example::start(&["--fixtures", path]).await;
    let callback = http
        .get(format!("{}/demo/callback?code=x", running.issuer))
        .send()
        .await
        .expect("GET callback");
    assert_eq!(callback.status(), StatusCode::NOT_FOUND);
    running.stop().await.expect("the server stops");
}

/// "Signed in as … — not you?" (issue 18): the consent page's switch ends the session on the
/// server, clears its cookie and shows the sign-in page with a fresh anonymous CSRF token;
/// the old session cookie no longer signs anyone in. A switch without the session's CSRF
/// token changes nothing.
#[tokio::test]
async fn not_you_ends_the_session_and_signs_in_again() {
    let running = example::start(&[]).await;
    let url = demo_app(&running.issuer);
    let http = example::http();
    let signed = sign_in(&http, &url, "alice", "wonderland").await;
    let session = signed.cookie.clone();
    let page = signed.response.text().await.expect("the consent page");
    assert!(
        page.contains("Not you?") && page.contains("Read your notes"),
        "{page}"
    );
    let csrf = hidden_input(&page, "csrf_token")
        .expect("a CSRF token")
        .to_owned();
    let endpoint = format!("{}/authorize", running.issuer);
    let mut form: Vec<(String, String)> = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let forged = [form.clone(), vec![("action".into(), "switch".into())]].concat();
    let refused = http
        .post(&endpoint)
        .header(header::COOKIE, &session)
        .form(&forged)
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    form.extend([
        ("csrf_token".into(), csrf),
        ("action".into(), "switch".into()),
    ]);
    let switched = http
        .post(&endpoint)
        .header(header::COOKIE, &session)
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(switched.status(), 200);
    assert!(
        session_cookie(&switched).is_none(),
        "the session cookie is cleared"
    );
    assert!(
        cookie(&switched, "oauth2_csrf").is_some(),
        "a new anonymous CSRF cookie"
    );
    let page = switched.text().await.expect("the sign-in page");
    assert!(page.contains("name=\"password\""), "{page}");
    let again = get_with(&http, &url, &session).await;
    let page = again.text().await.expect("a page");
    assert!(
        page.contains("name=\"password\""),
        "the old session still signs in: {page}"
    );
    running.stop().await.expect("the server stops");
}

/// A client's `logo_uri` is shown only when its origin is one of `--logo-origin`, and the page's
/// policy then lets images come from that origin alone.
#[tokio::test]
async fn a_logo_is_shown_only_from_an_allowed_origin() {
    let http = example::http();
    for (flags, shown) in [
        (&["--logo-origin", "https://cdn.example.com"][..], true),
        (&["--logo-origin", "https://other.example.com"][..], false),
        (&[][..], false),
    ] {
        let port = crate::browser::free_port();
        let callback = format!("http://127.0.0.1:{port}/cb");
        let fixtures = serde_json::json!({
            "clients": [{"client_id": "app", "client_secret": "app-secret", "redirect_uris": [callback],
                         "grant_types": ["authorization_code"], "scope": "read",
                         "logo_uri": "https://cdn.example.com/app.png"}],
            "users": [{"username": "alice", "password": "wonderland"}],
        });
        let (running, _file) = example::start_with_fixtures(port, &fixtures, flags).await;
        let url = authorize_url(&running.issuer, "app", &callback);
        let signed = sign_in(&http, &url, "alice", "wonderland").await;
        let csp = signed.response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let page = signed.response.text().await.unwrap();
        assert_eq!(
            page.contains("src=\"https://cdn.example.com/app.png\""),
            shown,
            "{flags:?}: {page}"
        );
        assert_eq!(
            csp.contains("img-src https://cdn.example.com;"),
            shown,
            "{flags:?}: {csp}"
        );
        assert!(csp.starts_with("default-src 'none';"), "{csp}");
        running.stop().await.unwrap();
    }
}
