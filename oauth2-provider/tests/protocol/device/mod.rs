//! The device authorization grant (RFC 8628): endpoint, polling errors, the user-code API,
//! single use, client binding, resource indicators and the user-code budget.

use std::time::Duration;

use http::StatusCode;
use oauth2_provider::config::Config;
use oauth2_provider::grant::GrantType;
use serde_json::Value;

use crate::support::*;

mod budget;

const DEVICE: &str = "urn:ietf:params:oauth:grant-type:device_code";

pub(super) const DEVICE_GRANTS: &[GrantType] = &[
    GrantType::AuthorizationCode,
    GrantType::ClientCredentials,
    GrantType::RefreshToken,
    GrantType::DeviceCode,
];

pub(super) fn issuer(config: &mut Config) {
    config.issuer = Some("https://auth.example.com".to_owned());
}

pub(super) fn device_server_with(configure: impl FnOnce(&mut Config)) -> TestServer {
    serving(DEVICE_GRANTS, |config| {
        issuer(config);
        configure(config);
    })
}

fn device_server() -> TestServer {
    device_server_with(|_| {})
}

/// POST /device_authorization through `handle`, as any adapter routes it.
pub(super) async fn device_request(
    server: &TestServer,
    auth: Auth<'_>,
    params: &[(&str, &str)],
) -> JsonReply {
    let mut request = token_request(auth, params);
    *request.uri_mut() = "https://auth.example.com/device_authorization"
        .parse()
        .unwrap();
    JsonReply::from_response(server.handle(request).await)
}

pub(super) async fn poll(server: &TestServer, auth: Auth<'_>, device_code: &str) -> JsonReply {
    token(
        server,
        auth,
        &[("grant_type", DEVICE), ("device_code", device_code)],
    )
    .await
}

/// A device code and its user code for the native (public) client.
pub(super) async fn start(server: &TestServer, scope: &str) -> (String, String) {
    let reply = device_request(server, Auth::Public(NATIVE), &[("scope", scope)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    (
        reply.str("device_code").to_owned(),
        reply.str("user_code").to_owned(),
    )
}

pub(super) fn error_of(reply: &JsonReply) -> &str {
    reply.str("error")
}
#[tokio::test]
async fn the_whole_flow_issues_tokens_once() {
    let server = device_server();
    let reply = device_request(&server, Auth::Public(NATIVE), &[("scope", "read")]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_no_store(&reply);
    let device_code = reply.str("device_code").to_owned();
    assert_is_256_bit_token(&device_code);
    let user_code = reply.str("user_code").to_owned();
    // XXXX-XXXX, of the base-20 alphabet (no vowels).
    assert!(
        user_code.len() == 9 && &user_code[4..5] == "-",
        "{user_code}"
    );
    assert!(
        user_code
            .chars()
            .all(|c| c == '-' || "BCDFGHJKLMNPQRSTVWXZ".contains(c))
    );
    assert_eq!(
        reply.str("verification_uri"),
        "https://auth.example.com/device"
    );
    assert_eq!(
        reply.str("verification_uri_complete"),
        format!("https://auth.example.com/device?user_code={user_code}")
    );
    assert_eq!(reply.body["expires_in"], 600);
    assert_eq!(reply.body["interval"], 5);

    let pending = poll(&server, Auth::Public(NATIVE), &device_code).await;
    assert_eq!(pending.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_of(&pending), "authorization_pending");
    assert_no_store(&pending);

    // Typed in lower case, without the dash.
    let typed = user_code.replace('-', "").to_lowercase();
    let request = server.device_verification(&typed, None).await.unwrap();
    assert_eq!(request.client().id, NATIVE);
    assert_eq!(request.scope(), scope("read"));
    assert_eq!(request.user_code(), user_code);
    server
        .approve_device(&request, ALICE, request.scope(), None)
        .await
        .unwrap();
    // Decided: the user code is spent.
    let again = server
        .device_verification(&user_code, None)
        .await
        .unwrap_err();
    assert_eq!(again.code().as_str(), "invalid_grant");

    let tokens = poll(&server, Auth::Public(NATIVE), &device_code).await;
    assert_token_ok(&tokens);
    assert_eq!(tokens.str("scope"), "read");
    assert!(token_is_valid(&server, tokens.access_token(), scope("read")).await);
    assert!(tokens.body["refresh_token"].is_string());

    let replay = poll(&server, Auth::Public(NATIVE), &device_code).await;
    assert_token_error(
        &replay,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[&device_code],
    );
    let unknown = poll(&server, Auth::Public(NATIVE), "not-a-device-code").await;
    assert_eq!(error_of(&unknown), "invalid_grant");
}

#[tokio::test]
async fn polling_too_fast_slows_down_for_the_rest_of_the_flow() {
    let server = device_server_with(|c| c.device.interval = Duration::from_secs(1));
    let (device_code, _) = start(&server, "read").await;
    let first = poll(&server, Auth::Public(NATIVE), &device_code).await;
    assert_eq!(error_of(&first), "authorization_pending");
    let fast = poll(&server, Auth::Public(NATIVE), &device_code).await;
    assert_eq!(error_of(&fast), "slow_down");
    assert_eq!(fast.status, StatusCode::BAD_REQUEST);
    // Past the first interval (1 s), within the new one (6 s): still too fast.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let still = poll(&server, Auth::Public(NATIVE), &device_code).await;
    assert_eq!(error_of(&still), "slow_down");
}

#[tokio::test]
async fn a_polite_device_is_not_slowed_down() {
    let server = device_server_with(|c| c.device.interval = Duration::from_secs(1));
    let (device_code, _) = start(&server, "read").await;
    for _ in 0..2 {
        let reply = poll(&server, Auth::Public(NATIVE), &device_code).await;
        assert_eq!(error_of(&reply), "authorization_pending");
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
}

#[tokio::test]
async fn a_denial_is_access_denied_once() {
    let server = device_server();
    let (device_code, user_code) = start(&server, "read").await;
    let request = server.device_verification(&user_code, None).await.unwrap();
    server.deny_device(&request).await.unwrap();
    // A second decision loses.
    let late = server
        .approve_device(&request, ALICE, request.scope(), None)
        .await;
    assert_eq!(late.unwrap_err().code().as_str(), "invalid_grant");
    let denied = poll(&server, Auth::Public(NATIVE), &device_code).await;
    assert_token_error(&denied, StatusCode::BAD_REQUEST, "access_denied", &[]);
    let after = poll(&server, Auth::Public(NATIVE), &device_code).await;
    assert_eq!(error_of(&after), "invalid_grant");
    assert_eq!(counts(&server).access, 0);
}

#[tokio::test]
async fn an_expired_device_code_is_expired_token() {
    let server = device_server_with(|c| c.device.lifetime = Duration::from_secs(1));
    let (device_code, user_code) = start(&server, "read").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = poll(&server, Auth::Public(NATIVE), &device_code).await;
    assert_token_error(&expired, StatusCode::BAD_REQUEST, "expired_token", &[]);
    let page = server
        .device_verification(&user_code, None)
        .await
        .unwrap_err();
    assert_eq!(page.code().as_str(), "invalid_grant");
}

#[tokio::test]
async fn user_codes_ignore_case_and_punctuation() {
    let server = device_server();
    let (_, user_code) = start(&server, "read").await;
    let bare = user_code.replace('-', "");
    let typed = [
        user_code.to_lowercase(),
        format!(" {} {} ", &bare[..4], &bare[4..]),
        format!("{}.{}", &bare[..4].to_lowercase(), &bare[4..]),
    ];
    for typed in typed {
        let request = server.device_verification(&typed, None).await;
        assert_eq!(request.unwrap().user_code(), user_code, "{typed:?}");
    }
    let wrong = server.device_verification("BCDF-GHJK", None).await;
    assert!(wrong.is_err() || user_code == "BCDF-GHJK");
}

#[tokio::test]
async fn another_clients_device_code_is_invalid_grant() {
    let server = device_server();
    let (device_code, user_code) = start(&server, "read").await;
    let request = server.device_verification(&user_code, None).await.unwrap();
    server
        .approve_device(&request, ALICE, request.scope(), None)
        .await
        .unwrap();
    let stolen = poll(&server, Auth::Basic(WEB, WEB_SECRET), &device_code).await;
    assert_token_error(
        &stolen,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &[&device_code],
    );
    // Not consumed by the other client's attempt.
    assert_token_ok(&poll(&server, Auth::Public(NATIVE), &device_code).await);
}

#[tokio::test]
async fn a_client_not_allowed_the_grant_is_unauthorized_client() {
    let server = device_server();
    let reply = device_request(&server, Auth::Basic(SERVICE, SERVICE_SECRET), &[]).await;
    assert_token_error(&reply, StatusCode::BAD_REQUEST, "unauthorized_client", &[]);
    let polled = poll(&server, Auth::Basic(SERVICE, SERVICE_SECRET), "whatever").await;
    assert_eq!(error_of(&polled), "unauthorized_client");
    let wrong_secret = device_request(&server, Auth::Basic(WEB, "nope"), &[]).await;
    assert_eq!(wrong_secret.status, StatusCode::UNAUTHORIZED);
    let bad_scope = device_request(&server, Auth::Public(NATIVE), &[("scope", "admin")]).await;
    assert_eq!(error_of(&bad_scope), "invalid_scope");
}

#[tokio::test]
async fn a_confidential_client_authenticates() {
    let server = device_server();
    let reply = device_request(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        &[("scope", "read write")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let request = server
        .device_verification(reply.str("user_code"), None)
        .await
        .unwrap();
    // The user may approve less than asked, never more.
    let wider = server
        .approve_device(&request, ALICE, scope("read write admin"), None)
        .await;
    assert_eq!(wider.unwrap_err().code().as_str(), "invalid_scope");
    server
        .approve_device(&request, ALICE, scope("read"), None)
        .await
        .unwrap();
    let tokens = poll(
        &server,
        Auth::Basic(WEB, WEB_SECRET),
        reply.str("device_code"),
    )
    .await;
    assert_token_ok(&tokens);
    assert_eq!(tokens.str("scope"), "read");
}

async fn metadata(server: &TestServer) -> Value {
    let request =
        http::Request::get("https://auth.example.com/.well-known/oauth-authorization-server")
            .body(bytes::Bytes::new())
            .unwrap();
    JsonReply::from_response(server.handle(request).await).body
}

#[tokio::test]
async fn the_metadata_names_the_endpoint_only_when_served() {
    let served = metadata(&device_server()).await;
    assert_eq!(
        served["device_authorization_endpoint"],
        "https://auth.example.com/device_authorization"
    );
    assert!(
        served["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&DEVICE.into())
    );

    let plain = server_with(issuer);
    let body = metadata(&plain).await;
    assert!(
        body.get("device_authorization_endpoint").is_none(),
        "{body}"
    );
    let mut request = token_request(Auth::Public(NATIVE), &[]);
    *request.uri_mut() = "/device_authorization".parse().unwrap();
    assert_eq!(plain.handle(request).await.status(), StatusCode::NOT_FOUND);
    let polled = poll(&plain, Auth::Public(NATIVE), "x").await;
    assert_eq!(error_of(&polled), "unsupported_grant_type");

    // Switched off in the configuration: neither.
    let off = device_server_with(|c| {
        c.grants.disable(GrantType::DeviceCode);
    });
    assert!(
        metadata(&off)
            .await
            .get("device_authorization_endpoint")
            .is_none()
    );
}
