//! A grant follows what changed since it was given (RFC 6749 §6, RFC 9700 §4.14): a refresh
//! never yields more than the client may hold now, fails once the owner is gone (and takes the
//! family with it), and no rotation carries a family past its absolute lifetime.

use std::time::Duration;

use http::StatusCode;
use oauth2_provider::resource::Requirements;
use oauth2_provider::scope::Scopes as _;

use crate::support::*;

const WEB_AUTH: Auth<'static> = Auth::Basic(WEB, WEB_SECRET);

fn refresh<'a>(token: &'a str, scope: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![("grant_type", "refresh_token"), ("refresh_token", token)];
    params.extend(scope.map(|s| ("scope", s)));
    params
}

/// The web client, allowed only `allowed` from now on.
fn narrow_web(server: &TestServer, allowed: ApiScope) {
    server.provider().store.add_client(App {
        id: WEB.to_owned(),
        secret_hash: Some(oauth2_provider::secret::hash_secret(WEB_SECRET)),
        redirect_uris: vec![WEB_CALLBACK.to_owned()],
        allowed,
        grants: None,
        resource_server: false,
        jwt: None,
    });
}

/// The introspected `exp` of `token`, as the web client sees it.
async fn exp(server: &TestServer, token: &str) -> u64 {
    let mut request = token_request(WEB_AUTH, &[("token", token)]);
    *request.uri_mut() = "/introspect".parse().unwrap();
    let reply = JsonReply::from_response(server.introspect(request).await);
    reply.body["exp"]
        .as_u64()
        .expect("an active token with exp")
}

#[tokio::test]
async fn a_refresh_after_the_clients_scope_narrowed_yields_only_what_it_may_hold_now() {
    let server = server();
    let first = web_tokens(&server, "read write").await;
    narrow_web(&server, ApiScope::READ);

    let second = token(&server, WEB_AUTH, &refresh(first.refresh_token(), None)).await;
    assert_token_ok(&second);
    assert_eq!(second.str("scope"), "read");
    assert!(!token_is_valid(&server, second.access_token(), ApiScope::WRITE).await);
    // The successor carries the narrowed grant: `write` is gone for good.
    let third = token(
        &server,
        WEB_AUTH,
        &refresh(second.refresh_token(), Some("write")),
    )
    .await;
    assert_token_error(&third, StatusCode::BAD_REQUEST, "invalid_scope", &[]);
}

#[tokio::test]
async fn a_refresh_after_the_owner_is_gone_fails_and_revokes_the_family() {
    let server = server();
    let first = web_tokens(&server, "read").await;
    server.provider().remove_owner(&format!("user:{ALICE}"));

    let second = token(&server, WEB_AUTH, &refresh(first.refresh_token(), None)).await;
    assert_token_error(&second, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
    // Nothing of the grant works any more, not even the access token issued before.
    assert!(!token_is_valid(&server, first.access_token(), ApiScope::empty()).await);
    assert_eq!(counts(&server).access, 0, "no token issued");
}

#[tokio::test]
async fn no_rotation_carries_a_family_past_its_lifetime() {
    let server = server_with(|config| config.grant_lifetime = Some(Duration::from_secs(2)));
    let first = web_tokens(&server, "read").await;
    let second = token(&server, WEB_AUTH, &refresh(first.refresh_token(), None)).await;
    assert_token_ok(&second);
    // The successor expires with the family, not a refresh-token lifetime after now.
    let family_end = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 2;
    assert!(exp(&server, second.refresh_token()).await <= family_end);
    assert!(
        server
            .validate(second.access_token(), &Requirements::any())
            .await
            .is_ok()
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let third = token(&server, WEB_AUTH, &refresh(second.refresh_token(), None)).await;
    assert_token_error(&third, StatusCode::BAD_REQUEST, "invalid_grant", &[]);
}
