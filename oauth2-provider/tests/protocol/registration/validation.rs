//! Metadata that is refused: RFC 7591 §2, §3.2.2 and OpenID Connect Registration §2; and
//! nothing is stored for a refused request.

use http::header::CONTENT_TYPE;
use http::{Method, StatusCode};
use oauth2_provider::store::ClientStore;

use super::*;

async fn refused(server: &DcrServer, body: &str, code: &str) {
    let reply = register(server, body).await;
    assert_registration_error(&reply, StatusCode::BAD_REQUEST, code);
    assert!(
        server
            .provider()
            .store
            .list_clients()
            .await
            .unwrap()
            .is_empty(),
        "a refused registration stored a client"
    );
}

#[tokio::test]
async fn jwks_and_jwks_uri_together_are_invalid_client_metadata() {
    let server = dcr_server();
    let both = r#"{"redirect_uris":["https://a.example/cb"],"jwks":{"keys":[]},"jwks_uri":"https://a.example/jwks"}"#;
    refused(&server, both, "invalid_client_metadata").await;
    registered(
        &server,
        r#"{"redirect_uris":["https://a.example/cb"],"jwks_uri":"https://a.example/jwks"}"#,
    )
    .await;
}

#[tokio::test]
async fn a_web_client_may_not_use_loopback_a_native_one_may() {
    let server = dcr_server();
    for uri in [
        "http://127.0.0.1/cb",
        "https://localhost/cb",
        "com.example.app:/cb",
    ] {
        let web = format!(r#"{{"redirect_uris":["{uri}"]}}"#);
        refused(&server, &web, "invalid_redirect_uri").await;
    }
    let native = |uri: &str| {
        format!(
            r#"{{"application_type":"native","token_endpoint_auth_method":"none","redirect_uris":["{uri}"]}}"#
        )
    };
    // Loopback http, a private-use scheme, a claimed https URL.
    for uri in [
        "http://127.0.0.1/cb",
        "http://[::1]:8080/cb",
        "com.example.app:/cb",
        "https://app.example.org/cb",
    ] {
        registered(&server, &native(uri)).await;
    }
    // Not even a native app: https to localhost, http to a remote host.
    let server = dcr_server();
    for uri in [
        "https://127.0.0.1/cb",
        "http://app.example.org/cb",
        "http://localhost/cb",
    ] {
        refused(&server, &native(uri), "invalid_redirect_uri").await;
    }
}

#[tokio::test]
async fn bad_redirect_uris_are_invalid_redirect_uri() {
    let server = dcr_server();
    for uris in [r#"["https://a.example/cb#frag"]"#, r#"["/relative"]"#, "[]"] {
        refused(
            &server,
            &format!(r#"{{"redirect_uris":{uris}}}"#),
            "invalid_redirect_uri",
        )
        .await;
    }
    // The default grant redirects, so a registration without any is refused.
    refused(&server, "{}", "invalid_redirect_uri").await;
}

#[tokio::test]
async fn inconsistent_or_unsupported_members_are_invalid_client_metadata() {
    let server = dcr_server();
    for body in [
        r#"{"redirect_uris":["https://a.example/cb"],"response_types":["token"]}"#,
        r#"{"redirect_uris":["https://a.example/cb"],"grant_types":["implicit"],"response_types":["token"]}"#,
        r#"{"redirect_uris":["https://a.example/cb"],"grant_types":["authorization_code"],"response_types":["code","id_token"]}"#,
        r#"{"grant_types":["client_credentials"],"response_types":[],"token_endpoint_auth_method":"none"}"#,
        r#"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt"}"#,
        r#"{"redirect_uris":["https://a.example/cb"],"application_type":"desktop"}"#,
        r#"{"redirect_uris":"https://a.example/cb"}"#,
        r#"{"redirect_uris":["https://a.example/cb"],"logo_uri":"javascript:alert(1)"}"#,
    ] {
        refused(&server, body, "invalid_client_metadata").await;
    }
    let reply = register(&server, r#"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt"}"#).await;
    assert!(reply.str("error_description").contains("private_key_jwt"));
}

#[tokio::test]
async fn a_client_credentials_client_needs_no_redirect_uri() {
    let server = dcr_server();
    let reply = registered(
        &server,
        r#"{"grant_types":["client_credentials"],"response_types":[]}"#,
    )
    .await;
    assert!(reply.body.get("client_secret").is_some());
    assert_eq!(reply.body["redirect_uris"], serde_json::json!([]));
    // §2's defaults each give way to the other member: no `response_types` with only
    // `client_credentials` is none, not `code`; `code` alone is the code grant.
    let reply = registered(&server, r#"{"grant_types":["client_credentials"]}"#).await;
    assert_eq!(reply.body["response_types"], serde_json::json!([]));
    let reply = registered(
        &server,
        r#"{"redirect_uris":["https://a.example/cb"],"response_types":["code"]}"#,
    )
    .await;
    assert_eq!(
        reply.body["grant_types"],
        serde_json::json!(["authorization_code"])
    );
}

#[tokio::test]
async fn malformed_json_and_wrong_content_type_are_400() {
    let server = dcr_server();
    for body in ["{not json", "[]", "\"a string\"", ""] {
        refused(&server, body, "invalid_client_metadata").await;
    }
    let mut request = json_request(
        Method::POST,
        ENDPOINT,
        None,
        Some(r#"{"redirect_uris":["https://a.example/cb"]}"#),
    );
    request.headers_mut().insert(
        CONTENT_TYPE,
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    let reply = JsonReply::from_response(send(&server, request).await);
    assert_registration_error(&reply, StatusCode::BAD_REQUEST, "invalid_request");

    let huge = format!(r#"{{"client_name":"{}"}}"#, "x".repeat(20 * 1024));
    let reply = register(&server, &huge).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        server
            .provider()
            .store
            .list_clients()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn only_post_and_options_at_the_endpoint() {
    let server = dcr_server();
    let reply = JsonReply::from_response(manage(&server, Method::GET, ENDPOINT, None, None).await);
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.header(http::header::ALLOW), Some("POST, OPTIONS"));
}
