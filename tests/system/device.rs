//! The device authorization grant (RFC 8628) on the example server, over HTTP: the `oauth2`
//! crate's device client asks for codes and polls; a browser-like client enters the code in
//! lower case without its dash on the `verification_uri` page, signs in and allows; the
//! device gets its tokens once.

use oauth2::basic::BasicClient;
use oauth2::{
    ClientId, DeviceAuthorizationUrl, Scope, StandardDeviceAuthorizationResponse, TokenResponse,
    TokenUrl, reqwest,
};
use serde_json::{Value, json};

use crate::browser::free_port;
use crate::example::{cookie, hidden_input, http, session_cookie, start_with_fixtures};

const DEVICE: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn post_page(
    http: &reqwest::Client,
    url: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    http.post(url)
        .header(reqwest::header::COOKIE, cookie)
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_device_signs_in_through_the_user_code_page() {
    let port = free_port();
    let body = json!({
        "clients": [{
            "client_id": "tv", "grant_types": [DEVICE, "refresh_token"], "scope": "read",
            "client_name": "Living Room TV",
        }],
        "users": [{"username": "alice", "password": "wonderland"}],
    });
    let (running, _fixtures) = start_with_fixtures(port, &body, &[]).await;
    let issuer = running.issuer.clone();
    let http = http();
    let metadata: Value = http
        .get(format!("{issuer}/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|text| serde_json::from_str(&text).unwrap())
        .unwrap();
    let endpoint = metadata["device_authorization_endpoint"].as_str().unwrap();
    assert_eq!(endpoint, format!("{issuer}/device_authorization"));

    let client = BasicClient::new(ClientId::new("tv".into()))
        .set_token_uri(TokenUrl::new(format!("{issuer}/token")).unwrap())
        .set_device_authorization_url(DeviceAuthorizationUrl::new(endpoint.to_owned()).unwrap());
    let details: StandardDeviceAuthorizationResponse = client
        .exchange_device_code()
        .add_scope(Scope::new("read".into()))
        .request_async(&http)
        .await
        .unwrap();
    let user_code = details.user_code().secret().clone();
    assert_eq!(
        details.verification_uri().as_str(),
        format!("{issuer}/device")
    );
    assert_eq!(details.interval().as_secs(), 5);

    // The complete URI pre-fills the code.
    let complete = details
        .verification_uri_complete()
        .unwrap()
        .secret()
        .clone();
    let page = http.get(&complete).send().await.unwrap();
    let csrf_cookie = cookie(&page, "oauth2_csrf").expect("a CSRF cookie");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("name=\"user_code\" value=\"{user_code}\"")),
        "{html}"
    );
    assert!(html.contains(">Continue</button>"));
    let csrf = hidden_input(&html, "csrf_token").unwrap().to_owned();

    // Typed in lower case, without the dash: the sign-in page.
    let typed = user_code.replace('-', "").to_lowercase();
    let device_page = format!("{issuer}/device");
    let form = [
        ("csrf_token", csrf.as_str()),
        ("user_code", &typed),
        ("action", "continue"),
    ];
    let sign_in = post_page(&http, &device_page, &csrf_cookie, &form).await;
    assert_eq!(sign_in.status(), 200);
    let html = sign_in.text().await.unwrap();
    assert!(
        html.contains("name=\"password\"") && html.contains("Living Room TV"),
        "{html}"
    );

    let form = [
        ("csrf_token", csrf.as_str()),
        ("user_code", &user_code),
        ("action", "login"),
        ("username", "alice"),
        ("password", "wonderland"),
    ];
    let consent = post_page(&http, &device_page, &csrf_cookie, &form).await;
    let session = session_cookie(&consent).expect("a session");
    let html = consent.text().await.unwrap();
    assert!(
        html.contains(">Allow</button>") && html.contains(">Deny</button>"),
        "{html}"
    );
    let csrf = hidden_input(&html, "csrf_token").unwrap().to_owned();

    // A forged form (no session CSRF token) decides nothing.
    let forged = [
        ("csrf_token", "forged"),
        ("user_code", &user_code),
        ("decision", "allow"),
    ];
    assert_eq!(
        post_page(&http, &device_page, &session, &forged)
            .await
            .status(),
        403
    );

    let form = [
        ("csrf_token", csrf.as_str()),
        ("user_code", &user_code),
        ("decision", "allow"),
    ];
    let done = post_page(&http, &device_page, &session, &form).await;
    assert_eq!(done.status(), 200);

    let token = client
        .exchange_device_access_token(&details)
        .request_async(&http, tokio::time::sleep, None)
        .await
        .unwrap();
    assert_eq!(token.scopes().unwrap()[0].as_str(), "read");
    let me = http
        .get(format!("{issuer}/api/me"))
        .bearer_auth(token.access_token().secret())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);

    // Used: a second exchange is invalid_grant.
    let again = http
        .post(format!("{issuer}/token"))
        .form(&[
            ("grant_type", DEVICE),
            ("device_code", details.device_code().secret()),
            ("client_id", "tv"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);
    let body: Value = serde_json::from_str(&again.text().await.unwrap()).unwrap();
    assert_eq!(body["error"], "invalid_grant");
    running.stop().await.unwrap();
}
