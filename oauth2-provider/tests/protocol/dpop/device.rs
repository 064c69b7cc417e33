//! DPoP at the device grant's token request (RFC 9449 §5 applies to every grant): the proof
//! of the polling request binds the tokens.

use super::*;
use crate::device::{device_server_with, start};

#[tokio::test]
async fn a_proof_with_the_device_token_request_binds_the_tokens() {
    let server = device_server_with(|_| {});
    let (device_code, user_code) = start(&server, "read").await;
    let request = server.device_verification(&user_code, None).await.unwrap();
    server
        .approve_device(&request, ALICE, request.scope(), None)
        .await
        .unwrap();
    let key = Key::new();
    let params = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", device_code.as_str()),
    ];
    let tokens = token_with(
        &server,
        Auth::Public(NATIVE),
        &params,
        &[&key.token_proof()],
    )
    .await;
    assert_eq!(tokens.status, StatusCode::OK, "{:?}", tokens.body);
    assert_eq!(tokens.str("token_type"), "DPoP");
    let introspected = introspect(&server, tokens.access_token()).await;
    assert_eq!(introspected.body["cnf"]["jkt"], key.jkt());
    // A public client's refresh token is bound too: refreshing needs the key.
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", tokens.refresh_token()),
    ];
    let without = token(&server, Auth::Public(NATIVE), &refresh).await;
    assert_dpop_error(&without, "invalid_dpop_proof");
}
