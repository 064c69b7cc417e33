//! Pushed authorization requests (RFC 9126): the request pushed by an authenticated client,
//! redeemed once by its `request_uri` at the authorization endpoint, refused after its code was
//! issued, after its lifetime, for another client; and required when configured.

use std::time::Duration;

use http::StatusCode;
use oauth2_provider::grant::REQUEST_URI_PREFIX;

use crate::support::*;

async fn push(server: &TestServer, auth: Auth<'_>, extra: &[(&str, &str)]) -> JsonReply {
    let mut params = vec![
        ("response_type", "code"),
        ("redirect_uri", WEB_CALLBACK),
        ("scope", "read"),
        ("state", "pushed-state"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    params.extend_from_slice(extra);
    let mut request = token_request(auth, &params);
    *request.uri_mut() = "/par".parse().unwrap();
    JsonReply::from_response(server.handle(request).await)
}

async fn by_reference(server: &TestServer, client: &str, request_uri: &str) -> AuthorizeReply {
    let params = [
        ("client_id", client),
        ("request_uri", request_uri),
        ("decision", "approve"),
    ];
    authorize(server, &params, Some(ALICE)).await
}

#[tokio::test]
async fn a_pushed_request_gives_one_code_by_its_request_uri() {
    let server = server_with(|c| c.issuer = Some("https://auth.example.com".into()));
    let pushed = push(&server, Auth::Basic(WEB, WEB_SECRET), &[]).await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{:?}", pushed.body);
    assert_no_store(&pushed);
    let request_uri = pushed.str("request_uri").to_owned();
    assert!(request_uri.starts_with(REQUEST_URI_PREFIX));
    assert_eq!(pushed.body["expires_in"], 60);

    let reply = by_reference(&server, WEB, &request_uri).await;
    let query = reply.query();
    assert_eq!(
        query["state"], "pushed-state",
        "the pushed parameters are the request"
    );
    let code = &query["code"];
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", WEB_CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    assert_token_ok(&token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await);

    // Once a code was issued from it, the request_uri is spent.
    by_reference(&server, WEB, &request_uri)
        .await
        .assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn a_request_uri_is_the_pushing_clients_and_short_lived() {
    let server = server_with(|c| c.par_lifetime = Duration::from_secs(1));
    let pushed = push(&server, Auth::Basic(WEB, WEB_SECRET), &[]).await;
    let request_uri = pushed.str("request_uri").to_owned();
    by_reference(&server, OTHER, &request_uri)
        .await
        .assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    by_reference(&server, WEB, "urn:ietf:params:oauth:request_uri:made-up")
        .await
        .assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    tokio::time::sleep(Duration::from_millis(1300)).await;
    by_reference(&server, WEB, &request_uri)
        .await
        .assert_shown(StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(counts(&server).codes, 0);
}

/// Who pushes, what they add, and the status and error they get.
type Refusal<'a> = (Auth<'a>, &'a [(&'a str, &'a str)], StatusCode, &'a str);

#[tokio::test]
async fn a_bad_push_is_refused() {
    let server = server();
    let web = Auth::Basic(WEB, WEB_SECRET);
    let cases: [Refusal<'_>; 4] = [
        (
            web,
            &[("request_uri", "urn:x")],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            web,
            &[("client_id", OTHER)],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            Auth::Basic(WEB, "wrong"),
            &[],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            Auth::Basic(OTHER, OTHER_SECRET),
            &[],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
    ];
    for (auth, extra, status, code) in cases {
        let reply = push(&server, auth, extra).await;
        assert_token_error(&reply, status, code, &[WEB_SECRET]);
    }
}

#[tokio::test]
async fn required_pushed_requests_refuse_a_plain_request_and_are_advertised() {
    let server = server_with(|c| {
        c.require_par = true;
        c.issuer = Some("https://auth.example.com".into());
    });
    let reply = authorize(
        &server,
        &[
            ("response_type", "code"),
            ("client_id", WEB),
            ("redirect_uri", WEB_CALLBACK),
            ("state", "s"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    assert_eq!(reply.query()["error"], "invalid_request");
    let pushed = push(&server, Auth::Basic(WEB, WEB_SECRET), &[]).await;
    let reply = by_reference(&server, WEB, pushed.str("request_uri")).await;
    assert!(reply.query().contains_key("code"));

    let request = http::Request::get("/.well-known/oauth-authorization-server")
        .body(bytes::Bytes::new())
        .unwrap();
    let metadata = JsonReply::from_response(server.handle(request).await);
    assert_eq!(
        metadata.body["pushed_authorization_request_endpoint"],
        "https://auth.example.com/par"
    );
    assert_eq!(metadata.body["require_pushed_authorization_requests"], true);
}
