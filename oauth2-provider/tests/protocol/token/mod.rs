//! The token endpoint (RFC 6749 §3.2, §4.1.3, §4.3, §4.4, §5, §8.3), driven with real
//! `http::Request`s: a flow per grant, and every request-level error with its status, code,
//! headers, and proof that nothing was stored.

use crate::support::*;
use bytes::Bytes;
use http::header::{ALLOW, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use http::{Method, Request, StatusCode};
use oauth2_provider::grant::GrantType;
use oauth2_provider::model::TokenHash;
use oauth2_provider::model::TokenModel;
use oauth2_provider::store::TokenStore;

fn raw_post(content_type: Option<&str>, uri: &str, body: &str) -> Request<Bytes> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(AUTHORIZATION, basic(SERVICE, SERVICE_SECRET));
    if let Some(content_type) = content_type {
        builder = builder.header(CONTENT_TYPE, content_type);
    }
    builder.body(Bytes::from(body.to_owned())).unwrap()
}

const EMPTY: Counts = Counts {
    codes: 0,
    access: 0,
    refresh: 0,
};

async fn token_value(server: &TestServer) -> String {
    token(
        server,
        Auth::Basic(SERVICE, SERVICE_SECRET),
        &[("grant_type", "client_credentials")],
    )
    .await
    .access_token()
    .to_owned()
}

mod code;
mod dispatch;
mod envelope;
mod flows;
mod grants;
