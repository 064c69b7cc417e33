//! RFC 7592: reading, replacing and deleting a registration with its access token.

use http::header::WWW_AUTHENTICATE;
use http::{Method, StatusCode};
use oauth2_provider::store::ClientStore;

use super::*;
use crate::support::{ALICE, AuthorizeReply, authorize_request};

const WEB: &str = r#"{"redirect_uris":["https://app.example.org/cb"],"client_name":"Web"}"#;

struct Registered {
    uri: String,
    client_id: String,
    token: String,
    secret: String,
}

async fn web_client(server: &DcrServer) -> Registered {
    let reply = registered(server, WEB).await;
    Registered {
        uri: reply.str("registration_client_uri").to_owned(),
        client_id: reply.str("client_id").to_owned(),
        token: reply.str("registration_access_token").to_owned(),
        secret: reply.str("client_secret").to_owned(),
    }
}

fn replacement(client_id: &str, extra: &str) -> String {
    format!(
        r#"{{"client_id":"{client_id}","redirect_uris":["https://app.example.org/new"]{extra}}}"#
    )
}

#[tokio::test]
async fn get_reads_the_registration_without_secrets() {
    let server = dcr_server();
    let client = web_client(&server).await;
    let reply = JsonReply::from_response(
        manage(&server, Method::GET, &client.uri, Some(&client.token), None).await,
    );
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    crate::support::assert_no_store(&reply);
    assert_eq!(reply.str("client_id"), client.client_id);
    assert_eq!(reply.str("client_name"), "Web");
    assert_eq!(reply.str("registration_client_uri"), client.uri);
    for absent in [
        "client_secret",
        "registration_access_token",
        "registration_access_token_hash",
    ] {
        assert!(
            reply.body.get(absent).is_none(),
            "{absent} in {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn a_wrong_missing_or_foreign_token_and_an_unknown_client_all_get_401() {
    let server = dcr_server();
    let client = web_client(&server).await;
    let other = web_client(&server).await;
    for token in [Some("guess"), None, Some(other.token.as_str())] {
        assert_unauthorized(manage(&server, Method::GET, &client.uri, token, None).await);
    }
    let unknown = format!("{ENDPOINT}/no-such-client");
    assert_unauthorized(manage(&server, Method::GET, &unknown, Some(&client.token), None).await);
    assert_unauthorized(manage(&server, Method::DELETE, &client.uri, Some("guess"), None).await);
    let body = replacement(&client.client_id, "");
    assert_unauthorized(
        manage(
            &server,
            Method::PUT,
            &client.uri,
            Some("guess"),
            Some(&body),
        )
        .await,
    );
    assert!(
        server
            .provider()
            .store
            .find_client(&client.client_id)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn put_rotates_the_token_applies_changes_and_keeps_the_secret() {
    let server = dcr_server();
    let client = web_client(&server).await;
    let body = replacement(&client.client_id, r#","scope":"read""#);
    let reply = JsonReply::from_response(
        manage(
            &server,
            Method::PUT,
            &client.uri,
            Some(&client.token),
            Some(&body),
        )
        .await,
    );
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.body["redirect_uris"],
        serde_json::json!(["https://app.example.org/new"])
    );
    assert_eq!(scope_of(&reply.body["scope"]), ApiScope::READ);
    // Omitted members go back to their defaults: the name is gone.
    assert!(reply.body.get("client_name").is_none());
    assert!(
        reply.body.get("client_secret").is_none(),
        "the secret is kept, not reissued"
    );
    let rotated = reply.str("registration_access_token").to_owned();
    assert_ne!(rotated, client.token);

    assert_unauthorized(manage(&server, Method::GET, &client.uri, Some(&client.token), None).await);
    let read = manage(&server, Method::GET, &client.uri, Some(&rotated), None).await;
    assert_eq!(read.status(), StatusCode::OK);
    let stored = server
        .provider()
        .store
        .find_client(&client.client_id)
        .await
        .unwrap()
        .unwrap();
    assert!(oauth2_provider::secret::verify_secret(
        stored.secret_hash.as_deref().unwrap(),
        &client.secret
    ));
    assert_eq!(stored.redirect_uris, ["https://app.example.org/new"]);
}

#[tokio::test]
async fn put_may_not_choose_a_secret_or_another_client_id_and_changes_nothing() {
    let server = dcr_server();
    let client = web_client(&server).await;
    let before = server
        .provider()
        .store
        .find_client(&client.client_id)
        .await
        .unwrap()
        .unwrap();
    for body in [
        replacement(&client.client_id, r#","client_secret":"my-own-secret""#),
        replacement("someone-else", ""),
        r#"{"redirect_uris":["https://app.example.org/new"]}"#.to_owned(),
        replacement(
            &client.client_id,
            r#","jwks":{},"jwks_uri":"https://a.example/j""#,
        ),
    ] {
        let reply = JsonReply::from_response(
            manage(
                &server,
                Method::PUT,
                &client.uri,
                Some(&client.token),
                Some(&body),
            )
            .await,
        );
        assert_registration_error(&reply, StatusCode::BAD_REQUEST, "invalid_client_metadata");
        let after = server
            .provider()
            .store
            .find_client(&client.client_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(*after, *before, "a refused update changed the client");
    }
    // The current secret, sent back, is not a choice (RFC 7592 §2.2).
    let same = replacement(
        &client.client_id,
        &format!(r#","client_secret":"{}""#, client.secret),
    );
    let reply = manage(
        &server,
        Method::PUT,
        &client.uri,
        Some(&client.token),
        Some(&same),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::OK);
}

#[tokio::test]
async fn delete_removes_the_client_everywhere() {
    let server = dcr_server();
    let client = web_client(&server).await;
    let deleted = manage(
        &server,
        Method::DELETE,
        &client.uri,
        Some(&client.token),
        None,
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(deleted.headers()[http::header::CACHE_CONTROL], "no-store");
    let again = manage(&server, Method::GET, &client.uri, Some(&client.token), None).await;
    assert!(
        again.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    assert_unauthorized(again);
    assert!(
        server
            .provider()
            .store
            .find_client(&client.client_id)
            .await
            .unwrap()
            .is_none()
    );

    let request = authorize_request(
        &[
            ("response_type", "code"),
            ("client_id", &client.client_id),
            ("redirect_uri", "https://app.example.org/cb"),
        ],
        Some(ALICE),
    );
    let reply = AuthorizeReply::from_response(send(&server, request).await);
    reply.assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn a_configured_client_cannot_be_managed() {
    let server = dcr_server();
    let client = web_client(&server).await;
    // Written by an operator, with no registration access token.
    let mut configured = (*server
        .provider()
        .store
        .find_client(&client.client_id)
        .await
        .unwrap()
        .unwrap())
    .clone();
    configured.client_id = "configured".into();
    configured
        .metadata
        .other
        .remove("registration_access_token_hash");
    server.provider().store.add_client(configured);
    let uri = format!("{ENDPOINT}/configured");
    assert_unauthorized(manage(&server, Method::GET, &uri, Some(&client.token), None).await);
    assert_unauthorized(manage(&server, Method::DELETE, &uri, Some(""), None).await);
}
