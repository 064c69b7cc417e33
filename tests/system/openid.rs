//! OpenID Connect against the example server, as relying parties do it: the `openidconnect`
//! crate (discovery, the JWK Set, the ID token's signature, `nonce` and `at_hash`, UserInfo)
//! through real Chromium for the pages, then the OpenID Foundation's Basic OP cases that need
//! the example's pages (`prompt`, `max_age`), driven over HTTP.

use std::time::Duration;

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use serde_json::json;

use crate::browser::{browser_or_skip, button, free_port, landed_on, query, sign_in};
use crate::example::server::Running;

const CLIENT: &str = "oidc-app";
const SECRET: &str = "oidc-app-secret";

/// The example server with an OpenID Connect client and alice, who has claims; the client's
/// redirect URI is on the server itself (the browser only has to land there).
async fn server() -> (Running, String, tempfile::NamedTempFile) {
    let port = free_port();
    let callback = format!("http://127.0.0.1:{port}/rp/callback");
    let body = json!({
        "clients": [{
            "client_id": CLIENT, "client_secret": SECRET, "redirect_uris": [callback],
            "grant_types": ["authorization_code", "refresh_token"],
            "scope": "openid profile email offline_access read", "client_name": "OIDC RP",
        }],
        "users": [{
            "username": "alice", "password": "wonderland",
            "claims": {"name": "Alice Liddell", "email": "alice@example.com", "email_verified": true},
        }],
    });
    let (running, fixtures) = crate::example::start_with_fixtures(port, &body, &[]).await;
    (running, callback, fixtures)
}

/// `oidcc-server` with a Rust relying party: discovery, code + PKCE + nonce through the
/// pages, the ID token verified (signature by the published key, `iss`, `aud`, `exp`,
/// `nonce`, `at_hash`), and UserInfo's `sub` and claims.
#[tokio::test]
async fn openidconnect_crate_signs_in_through_a_browser() {
    let Some(browser) = browser_or_skip("openidconnect_crate_signs_in_through_a_browser").await
    else {
        return;
    };
    let (running, callback, _fixtures) = server().await;
    let http = crate::example::http();
    let issuer = IssuerUrl::new(running.issuer.clone()).unwrap();
    let metadata = CoreProviderMetadata::discover_async(issuer, &http)
        .await
        .expect("discovery");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(CLIENT.into()),
        Some(ClientSecret::new(SECRET.into())),
    )
    .set_redirect_uri(RedirectUrl::new(callback.clone()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();

    browser.client.goto(url.as_str()).await.unwrap();
    sign_in(&browser.client, "wonderland").await;
    button(&browser.client, "Allow")
        .await
        .click()
        .await
        .unwrap();
    let landed = landed_on(&browser.client, &callback).await;
    assert_eq!(
        query(&landed, "state").as_deref(),
        Some(state.secret().as_str())
    );
    let code = query(&landed, "code").expect("a code");

    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("the token response");
    let id_token = token.id_token().expect("an ID token");
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &nonce)
        .expect("a valid ID token");
    assert_eq!(claims.subject().as_str(), "alice");
    assert!(claims.auth_time().is_some());
    let expected = AccessTokenHash::from_token(
        token.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.access_token_hash(), Some(&expected));
    // Core §11: no offline_access, no refresh token.
    assert!(token.refresh_token().is_none());

    let info: CoreUserInfoClaims = client
        .user_info(token.access_token().clone(), Some(claims.subject().clone()))
        .unwrap()
        .request_async(&http)
        .await
        .expect("UserInfo");
    assert_eq!(info.email().map(|e| e.as_str()), Some("alice@example.com"));
    assert_eq!(info.email_verified(), Some(true));
    let name = info
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().to_owned());
    assert_eq!(name.as_deref(), Some("Alice Liddell"));

    browser.client.clone().close().await.unwrap();
    running.stop().await.unwrap();
}

fn authorize_url(running: &Running, callback: &str, extra: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.extend_pairs([
        ("response_type", "code"),
        ("client_id", CLIENT),
        ("redirect_uri", callback),
        ("scope", "openid email"),
        ("state", "st4te"),
        (
            "code_challenge",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        ),
        ("code_challenge_method", "S256"),
    ]);
    query.extend_pairs(extra.iter().copied());
    format!("{}/authorize?{}", running.issuer, query.finish())
}

/// The authorization endpoint's answer for `url`, with the session `cookie`.
async fn visit(
    http: &oauth2::reqwest::Client,
    url: &str,
    cookie: Option<&str>,
) -> oauth2::reqwest::Response {
    let mut request = http.get(url);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

fn redirect_param(response: &oauth2::reqwest::Response, name: &str) -> Option<String> {
    query(&crate::example::location(response), name)
}

/// `oidcc-prompt-none-not-logged-in`, `oidcc-prompt-none-logged-in`, `oidcc-prompt-login`,
/// `oidcc-max-age-1` and `oidcc-max-age-10000` (Core §3.1.2.1) on the example's pages.
#[tokio::test]
async fn prompt_and_max_age_on_the_example_pages() {
    let (running, callback, _fixtures) = server().await;
    let http = crate::example::http();

    // Nobody signed in: login_required, by redirect, with state and iss.
    let none = visit(
        &http,
        &authorize_url(&running, &callback, &[("prompt", "none")]),
        None,
    )
    .await;
    assert_eq!(none.status(), 302, "prompt=none is answered by redirect");
    assert_eq!(
        redirect_param(&none, "error").as_deref(),
        Some("login_required")
    );
    assert_eq!(redirect_param(&none, "state").as_deref(), Some("st4te"));
    assert_eq!(
        redirect_param(&none, "iss").as_deref(),
        Some(running.issuer.as_str())
    );

    // Signed in, nothing approved yet: consent_required.
    let plain = authorize_url(&running, &callback, &[]);
    let signed_in = crate::example::sign_in(&http, &plain, "alice", "wonderland").await;
    let cookie = signed_in.cookie.clone();
    let none = visit(
        &http,
        &authorize_url(&running, &callback, &[("prompt", "none")]),
        Some(&cookie),
    )
    .await;
    assert_eq!(
        redirect_param(&none, "error").as_deref(),
        Some("consent_required")
    );

    // Approved: prompt=none answers with a code.
    let approved = signed_in.decide(&http, "allow").await;
    assert!(query(&approved, "code").is_some(), "{approved}");
    let none = visit(
        &http,
        &authorize_url(&running, &callback, &[("prompt", "none")]),
        Some(&cookie),
    )
    .await;
    assert!(
        redirect_param(&none, "code").is_some(),
        "a code without a page"
    );
    // max_age=10000: the session is recent enough, a code at once.
    let recent = visit(
        &http,
        &authorize_url(&running, &callback, &[("max_age", "10000")]),
        Some(&cookie),
    )
    .await;
    assert!(redirect_param(&recent, "code").is_some());

    // prompt=login, and max_age=1 two seconds on: the sign-in page again.
    let login = visit(
        &http,
        &authorize_url(&running, &callback, &[("prompt", "login")]),
        Some(&cookie),
    )
    .await;
    assert_eq!(login.status(), 200);
    assert!(login.text().await.unwrap().contains("name=\"password\""));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let old = visit(
        &http,
        &authorize_url(&running, &callback, &[("max_age", "1")]),
        Some(&cookie),
    )
    .await;
    assert_eq!(old.status(), 200);
    assert!(old.text().await.unwrap().contains("name=\"password\""));
    // ... and with prompt=none it cannot ask: login_required.
    let old_none = authorize_url(&running, &callback, &[("max_age", "1"), ("prompt", "none")]);
    let old_none = visit(&http, &old_none, Some(&cookie)).await;
    assert_eq!(
        redirect_param(&old_none, "error").as_deref(),
        Some("login_required")
    );

    running.stop().await.unwrap();
}
