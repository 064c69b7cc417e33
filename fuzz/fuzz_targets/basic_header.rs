//! The Basic-header decoder, through the public token endpoint: any bytes as the
//! `Authorization` header of a few fixed token requests. Never a panic or a 5xx; a token only
//! when the header, decoded independently, carries a registered client's right credentials.
#![no_main]

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, Method, Request};
use libfuzzer_sys::fuzz_target;
use oauth2_provider_fuzz::{SEEDED_REFRESH, check_token_request};

fuzz_target!(|data: &[u8]| {
    let Some((&which, header)) = data.split_first() else {
        return;
    };
    let Ok(header) = HeaderValue::from_bytes(header) else {
        return;
    };
    let refresh = format!("grant_type=refresh_token&refresh_token={SEEDED_REFRESH}");
    let body = match which % 4 {
        0 => "grant_type=client_credentials",
        // Two methods at once, or an id that disagrees with the header.
        1 => "grant_type=client_credentials&client_secret=conf-secret",
        2 => "grant_type=client_credentials&client_id=conf",
        _ => refresh.as_str(),
    };
    let request = Request::builder()
        .method(Method::POST)
        .uri("https://auth.example/token")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(AUTHORIZATION, header)
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .expect("a valid request");
    check_token_request(request);
});
