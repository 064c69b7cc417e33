//! Who may register and how often, the `register_client` hook, switching registration off,
//! CORS, and the metadata document.

use http::header::{ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, RETRY_AFTER};
use http::{Method, StatusCode};
use oauth2_provider::store::ClientStore;

use super::*;

const BODY: &str = r#"{"redirect_uris":["https://app.example.org/cb"]}"#;

#[tokio::test]
async fn an_initial_access_token_is_required_when_configured() {
    let server = dcr_server_with(Policy::Accept, |config| {
        config.registration = Some(Registration::with_initial_access_token("iat-7f3a"));
    });
    for token in [None, Some("wrong"), Some("iat-7f3")] {
        let reply = JsonReply::from_response(
            send(
                &server,
                json_request(Method::POST, ENDPOINT, token, Some(BODY)),
            )
            .await,
        );
        assert_registration_error(&reply, StatusCode::UNAUTHORIZED, "invalid_token");
        assert!(reply.header(http::header::WWW_AUTHENTICATE).is_some());
    }
    assert!(
        server
            .provider()
            .store
            .list_clients()
            .await
            .unwrap()
            .is_empty()
    );
    let reply = send(
        &server,
        json_request(Method::POST, ENDPOINT, Some("iat-7f3a"), Some(BODY)),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_spent_budget_is_429_with_retry_after() {
    let server = dcr_server_with(Policy::Accept, |config| {
        config.registration =
            Some(Registration::open().rate(Rate::per_minute(1, 2), Rate::per_minute(100, 100)));
    });
    for _ in 0..2 {
        registered(&server, BODY).await;
    }
    let reply = register(&server, BODY).await;
    assert_eq!(
        reply.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        reply.body
    );
    assert!(
        reply
            .header(RETRY_AFTER)
            .is_some_and(|s| s.parse::<u64>().unwrap() >= 1)
    );
    assert_eq!(
        server.provider().store.list_clients().await.unwrap().len(),
        2
    );
}

#[tokio::test]
async fn the_global_budget_holds_across_sources() {
    let server = dcr_server_with(Policy::Accept, |config| {
        config.registration =
            Some(Registration::open().rate(Rate::per_minute(100, 100), Rate::per_minute(1, 1)));
    });
    registered(&server, BODY).await;
    let mut request = json_request(Method::POST, ENDPOINT, None, Some(BODY));
    request
        .extensions_mut()
        .insert(RemoteAddr(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1))));
    assert_eq!(
        send(&server, request).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn the_hook_may_refuse() {
    let server = dcr_server_with(Policy::RequireName, |_| {});
    let reply = register(&server, BODY).await;
    assert_registration_error(&reply, StatusCode::BAD_REQUEST, "invalid_client_metadata");
    assert!(
        server
            .provider()
            .store
            .list_clients()
            .await
            .unwrap()
            .is_empty()
    );
    registered(
        &server,
        r#"{"redirect_uris":["https://app.example.org/cb"],"client_name":"A"}"#,
    )
    .await;
}

#[tokio::test]
async fn the_hook_may_narrow_on_post_and_put_but_not_change_the_identity() {
    let server = dcr_server_with(Policy::NoAdmin, |_| {});
    let body = r#"{"grant_types":["client_credentials"],"response_types":[],"scope":"read admin"}"#;
    let reply = registered(&server, body).await;
    assert_eq!(scope_of(&reply.body["scope"]), ApiScope::READ);
    assert_eq!(reply.body["grant_types"], serde_json::json!([]));
    let client_id = reply.str("client_id").to_owned();
    assert_ne!(client_id, "hijacked");
    let stored = server
        .provider()
        .store
        .find_client(&client_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.scope, ApiScope::READ);

    let update = format!(
        r#"{{"client_id":"{client_id}","grant_types":["client_credentials"],"response_types":[],"scope":"admin write"}}"#
    );
    let token = reply.str("registration_access_token");
    let uri = reply.str("registration_client_uri");
    let updated = JsonReply::from_response(
        manage(&server, Method::PUT, uri, Some(token), Some(&update)).await,
    );
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(scope_of(&updated.body["scope"]), ApiScope::WRITE);
    assert_eq!(*server.provider().hook_calls.lock().unwrap(), 2);
}

#[tokio::test]
async fn off_by_default_404_and_not_in_the_metadata() {
    let server = dcr_server_with(Policy::Accept, |config| config.registration = None);
    let post = send(
        &server,
        json_request(Method::POST, ENDPOINT, None, Some(BODY)),
    )
    .await;
    assert_eq!(post.status(), StatusCode::NOT_FOUND);
    let client = format!("{ENDPOINT}/anything");
    assert_eq!(
        manage(&server, Method::GET, &client, Some("t"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(!server.serves("/register"));
    let metadata = JsonReply::from_response(server.metadata());
    assert!(
        metadata.body.get("registration_endpoint").is_none(),
        "{}",
        metadata.body
    );
}

#[tokio::test]
async fn on_it_is_in_the_metadata_and_routed() {
    let server = dcr_server();
    let metadata = JsonReply::from_response(server.metadata());
    assert_eq!(metadata.str("registration_endpoint"), ENDPOINT);
    assert!(server.serves("/register") && server.serves("/register/abc"));
    assert!(!server.serves("/register/a/b"));
}

#[tokio::test]
async fn cors_preflight_and_headers_on_every_answer() {
    let server = dcr_server();
    let preflight = manage(&server, Method::OPTIONS, ENDPOINT, None, None).await;
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(preflight.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(preflight.headers()[ACCESS_CONTROL_ALLOW_METHODS], "POST");
    let client = format!("{ENDPOINT}/abc");
    let preflight = manage(&server, Method::OPTIONS, &client, None, None).await;
    assert_eq!(
        preflight.headers()[ACCESS_CONTROL_ALLOW_METHODS],
        "GET, PUT, DELETE"
    );

    let created = send(
        &server,
        json_request(Method::POST, ENDPOINT, None, Some(BODY)),
    )
    .await;
    assert_eq!(created.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let refused = manage(&server, Method::GET, &client, None, None).await;
    assert_eq!(refused.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(refused.headers()[http::header::CACHE_CONTROL], "no-store");
}
