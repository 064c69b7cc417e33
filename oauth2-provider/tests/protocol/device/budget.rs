//! The device grant's resource indicators (RFC 8707) and user-code budget (RFC 8628 §5.1).

use std::net::{IpAddr, Ipv4Addr};

use http::StatusCode;
use oauth2_provider::limit::Rate;
use oauth2_provider::provider::Provider;

use super::{DEVICE_GRANTS, device_request, device_server_with, error_of, issuer, poll, start};
use crate::support::*;

#[tokio::test]
async fn resources_are_bound_into_the_audience() {
    let provider = TestProvider {
        resources: Some(resources()),
        ..test_provider(DEVICE_GRANTS, issuer, None)
    };
    assert!(provider.state_store().is_some());
    let server = TestServer::new(provider);
    let unknown = device_request(
        &server,
        Auth::Public(NATIVE),
        &[
            ("scope", "read"),
            ("resource", "https://elsewhere.example.com/"),
        ],
    )
    .await;
    assert_eq!(error_of(&unknown), "invalid_target");

    let reply = device_request(
        &server,
        Auth::Public(NATIVE),
        &[("scope", "read"), ("resource", DOCS_RESOURCE)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let request = server
        .device_verification(reply.str("user_code"), None)
        .await
        .unwrap();
    assert_eq!(request.resources(), [DOCS_RESOURCE]);
    server
        .approve_device(&request, ALICE, request.scope(), None)
        .await
        .unwrap();
    let tokens = poll(&server, Auth::Public(NATIVE), reply.str("device_code")).await;
    assert_token_ok(&tokens);
    let mut introspection = token_request(
        Auth::Basic(API, API_SECRET),
        &[("token", tokens.access_token())],
    );
    *introspection.uri_mut() = "/introspect".parse().unwrap();
    let body = JsonReply::from_response(server.introspect(introspection).await).body;
    assert_eq!(body["active"], true);
    assert_eq!(body["aud"], DOCS_RESOURCE);
}

#[tokio::test]
async fn user_code_guesses_are_budgeted_per_source() {
    let server = device_server_with(|c| {
        c.device = std::mem::take(&mut c.device).with_user_code_rate(Rate::per_minute(1, 3));
    });
    let (_, user_code) = start(&server, "read").await;
    let guesser = Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7)));
    for guess in ["BCDF-GHJK", "XZXZ-XZXZ", "not a code"] {
        if guess == user_code {
            continue;
        }
        let wrong = server
            .device_verification(guess, guesser)
            .await
            .unwrap_err();
        assert_eq!(wrong.code().as_str(), "invalid_grant");
    }
    // Spent: even the right code is refused, with 429 and Retry-After.
    let refused = server
        .device_verification(&user_code, guesser)
        .await
        .unwrap_err();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.retry_after().is_some_and(|s| s >= 1));
    // Another source is not affected.
    let other = Some(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1)));
    assert!(server.device_verification(&user_code, other).await.is_ok());
}
