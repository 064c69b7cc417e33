//! The HTTP envelope: method, content type, size, parameters.

use super::*;

// ---------------------------------------------------------------------------------------------
// The HTTP envelope: method, content type, size, parameters.

#[tokio::test]
async fn get_is_405_with_allow_post() {
    let server = server();
    let request = Request::builder()
        .method(Method::GET)
        .uri("https://auth.example.com/token?grant_type=client_credentials")
        .header(AUTHORIZATION, basic(SERVICE, SERVICE_SECRET))
        .body(Bytes::new())
        .unwrap();
    let reply = JsonReply::from_response(server.token(request).await);
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.header(ALLOW), Some("POST"));
    assert_eq!(reply.str("error"), "invalid_request");
    assert_no_store(&reply);
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn only_form_urlencoded_bodies_are_read() {
    let server = server();
    for content_type in [
        Some("application/json"),
        Some("text/plain"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let body = if content_type == Some("application/json") {
            r#"{"grant_type":"client_credentials"}"#
        } else {
            "grant_type=client_credentials"
        };
        let request = raw_post(content_type, "https://auth.example.com/token", body);
        let reply = JsonReply::from_response(server.token(request).await);
        assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    }
    assert_eq!(counts(&server), EMPTY);

    // Parameters and case of the media type are not a reason to refuse.
    let request = raw_post(
        Some("Application/X-WWW-Form-Urlencoded; charset=UTF-8"),
        "https://auth.example.com/token",
        "grant_type=client_credentials",
    );
    let reply = JsonReply::from_response(server.token(request).await);
    assert_token_ok(&reply);
}

#[tokio::test]
async fn a_repeated_parameter_is_invalid_request() {
    let server = server();
    for body in [
        "grant_type=client_credentials&grant_type=client_credentials",
        "grant_type=client_credentials&scope=read&scope=write",
    ] {
        let request = raw_post(
            Some("application/x-www-form-urlencoded"),
            "https://auth.example.com/token",
            body,
        );
        let reply = JsonReply::from_response(server.token(request).await);
        assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn malformed_encoding_is_invalid_request() {
    let server = server();
    for body in [
        "grant_type=client_credentials&scope=%zz",
        "grant_type=client_credentials&scope=%",
        "grant_type=client_credentials&scope=%ff",
    ] {
        let request = raw_post(
            Some("application/x-www-form-urlencoded"),
            "https://auth.example.com/token",
            body,
        );
        let reply = JsonReply::from_response(server.token(request).await);
        assert_token_error(&reply, StatusCode::BAD_REQUEST, "invalid_request", &[]);
    }
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn credentials_in_the_query_string_are_refused() {
    let server = password_server();
    let request = raw_post(
        Some("application/x-www-form-urlencoded"),
        "https://auth.example.com/token?password=wonderland",
        "grant_type=password&username=alice&password=wonderland",
    );
    let reply = JsonReply::from_response(server.token(request).await);
    assert_token_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &[ALICE_PASSWORD],
    );
    assert_eq!(counts(&server), EMPTY);
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let server = server_with(|c| c.max_body_bytes = 64);
    let padding = "x".repeat(100);
    let request = raw_post(
        Some("application/x-www-form-urlencoded"),
        "https://auth.example.com/token",
        &format!("grant_type=client_credentials&pad={padding}"),
    );
    let reply = JsonReply::from_response(server.token(request).await);
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.str("error"), "invalid_request");
    assert_no_store(&reply);
    assert_eq!(counts(&server), EMPTY);
}
