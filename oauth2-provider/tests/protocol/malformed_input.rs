//! Whatever a client sends, the endpoints answer with an OAuth error: never a panic, never a
//! 5xx, never a redirect to an unregistered URI, and nothing stored.

use crate::support::*;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, LOCATION};
use http::{Method, Request, StatusCode};
use proptest::prelude::*;

const EMPTY: Counts = Counts {
    codes: 0,
    access: 0,
    refresh: 0,
};

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

/// Form-ish text: the characters that matter to the parsers, and the parameter names.
fn formish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("grant_type=".to_owned()),
        Just("client_credentials".to_owned()),
        Just("authorization_code".to_owned()),
        Just("refresh_token".to_owned()),
        Just("password".to_owned()),
        Just(JWT_BEARER.to_owned()),
        Just("response_type=".to_owned()),
        Just("code".to_owned()),
        Just("token".to_owned()),
        Just(format!("client_id={WEB}")),
        Just(format!("redirect_uri={WEB_CALLBACK}")),
        Just("scope=".to_owned()),
        Just("state=".to_owned()),
        Just("code_challenge=".to_owned()),
        Just("code_verifier=".to_owned()),
        Just("decision=approve".to_owned()),
        "[&=%+ a-zA-Z0-9:/._~-]{1,8}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_token_endpoint_never_fails_or_stores_on_garbage(body in formish()) {
        let server = server();
        let request = Request::builder()
            .method(Method::POST)
            .uri("https://auth.example.com/token")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(AUTHORIZATION, basic(WEB, WEB_SECRET))
            .body(Bytes::from(body.clone()))
            .unwrap();
        let reply = JsonReply::from_response(block_on(server.token(request)));
        prop_assert!(!reply.status.is_server_error(), "{body:?}: {reply:?}");
        if reply.status != StatusCode::OK {
            assert_no_store(&reply);
            prop_assert!(reply.body["error"].is_string());
            assert_description_is_clean(reply.str("error_description"), &[WEB_SECRET]);
            prop_assert_eq!(counts(&server), EMPTY);
        }
    }

    #[test]
    fn the_token_endpoint_survives_any_authorization_header(value in prop::collection::vec(any::<u8>(), 0..64)) {
        let Ok(value) = HeaderValue::from_bytes(&value) else { return Ok(()); };
        let server = server();
        let request = Request::builder()
            .method(Method::POST)
            .uri("https://auth.example.com/token")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(AUTHORIZATION, value)
            .body(Bytes::from_static(b"grant_type=client_credentials"))
            .unwrap();
        let reply = JsonReply::from_response(block_on(server.token(request)));
        prop_assert!(
            reply.status == StatusCode::UNAUTHORIZED || reply.status == StatusCode::BAD_REQUEST,
            "{reply:?}"
        );
        prop_assert_eq!(counts(&server), EMPTY);
    }

    #[test]
    fn the_authorization_endpoint_never_fails_or_redirects_elsewhere(query in formish()) {
        let server = server();
        let request = Request::builder()
            .uri(format!("https://auth.example.com/authorize?{}", query.replace('#', "%23")))
            .body(Bytes::new());
        // Text that is not a valid URI never reaches a server.
        let Ok(request) = request else { return Ok(()); };
        let response = block_on(server.authorize(request));
        prop_assert!(!response.status().is_server_error(), "{query:?}: {response:?}");
        if let Some(location) = response.headers().get(LOCATION) {
            let location = location.to_str().unwrap();
            prop_assert!(location.starts_with(WEB_CALLBACK), "{query:?} went to {location}");
        }
        // No session cookie: nobody approved anything.
        prop_assert_eq!(counts(&server), EMPTY);
    }

    #[test]
    fn bearer_validation_survives_any_header(value in prop::collection::vec(any::<u8>(), 0..64)) {
        let Ok(value) = HeaderValue::from_bytes(&value) else { return Ok(()); };
        let server = server();
        let mut headers = http::HeaderMap::new();
        headers.insert(AUTHORIZATION, value);
        let rejection = block_on(server.bearer(&headers, scope("read"))).unwrap_err();
        let status = rejection.into_response().status();
        prop_assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::BAD_REQUEST);
    }
}
