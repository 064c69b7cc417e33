//! The token endpoint as `http::Request` -> `http::Response` (`Server::token`): client
//! credentials, refresh token rotation and the authorization code exchange with PKCE, each
//! authenticated with HTTP Basic against a `sha256$` client secret.
//!
//! Codes and refresh tokens are single-use, so each iteration gets a fresh one stored in the
//! (untimed) setup, as the authorization endpoint or an earlier token response would have.

mod support;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use http::StatusCode;

use support::{
    CALLBACK, VERIFIER, basic, insert_code, insert_refresh_token, ready, server, token_request,
};

fn token_endpoint(c: &mut Criterion) {
    let server = server();
    let store = server.provider().store();
    let basic = basic();
    let mut group = c.benchmark_group("token_endpoint");

    group.bench_function("client_credentials", |b| {
        b.iter_batched(
            || {
                token_request(
                    &basic,
                    "grant_type=client_credentials&scope=read".to_owned(),
                )
            },
            |request| {
                let response = ready(server.token(request));
                assert_eq!(response.status(), StatusCode::OK);
                response
            },
            BatchSize::SmallInput,
        )
    });

    group.bench_function("refresh_token", |b| {
        b.iter_batched(
            || {
                let token = insert_refresh_token(store);
                token_request(
                    &basic,
                    format!("grant_type=refresh_token&refresh_token={token}"),
                )
            },
            |request| {
                let response = ready(server.token(request));
                assert_eq!(response.status(), StatusCode::OK);
                response
            },
            BatchSize::SmallInput,
        )
    });

    let redirect: String = url::form_urlencoded::byte_serialize(CALLBACK.as_bytes()).collect();
    group.bench_function("authorization_code", |b| {
        b.iter_batched(
            || {
                let code = insert_code(store);
                token_request(
                    &basic,
                    format!(
                        "grant_type=authorization_code&code={code}&redirect_uri={redirect}\
                         &code_verifier={VERIFIER}"
                    ),
                )
            },
            |request| {
                let response = ready(server.token(request));
                assert_eq!(response.status(), StatusCode::OK);
                response
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, token_endpoint);
criterion_main!(benches);
