//! JWTs beside opaque tokens (BENCHMARKS.md, "JWT access tokens and ID tokens"): the token
//! endpoint issuing an RFC 9068 access token per algorithm against an opaque one, a resource
//! server's local validation (`resource::JwtValidator`) against the store lookup of an opaque
//! token, and an ID token's signing and verification per algorithm.

mod support;

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use http::StatusCode;
use oauth2_provider::config::Config;
use oauth2_provider::jose::{
    self, Algorithm, Expectations, KeySet, Keyring, PublicKeys, RotationPolicy,
};
use oauth2_provider::model::TokenFormat;
use oauth2_provider::oidc::OpenId;
use oauth2_provider::resource::JwtValidator;

use support::{
    BenchServer, Scope, basic, bearer_headers, insert_access_token, ready, server_with,
    token_request,
};

const ISSUER: &str = "https://as.example";

fn keys() -> KeySet {
    let mut keys = KeySet::new();
    for alg in Algorithm::ALL {
        keys.rotate(alg, SystemTime::now(), &RotationPolicy::new())
            .unwrap();
    }
    keys
}

fn server(format: TokenFormat, alg: Algorithm, keys: &KeySet) -> BenchServer {
    let openid = OpenId::new(Keyring::new(keys.clone())).access_tokens(format, alg);
    server_with(Config::builder().issuer(ISSUER).openid(openid).build())
}

fn client_credentials(server: &BenchServer) -> String {
    let request = token_request(
        &basic(),
        "grant_type=client_credentials&scope=read".to_owned(),
    );
    let response = ready(server.token(request));
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

fn issuance(c: &mut Criterion) {
    let keys = keys();
    let mut group = c.benchmark_group("jwt_issue");
    let opaque = server(TokenFormat::Opaque, Algorithm::ES256, &keys);
    group.bench_function("opaque", |b| b.iter(|| client_credentials(&opaque)));
    for alg in Algorithm::ALL {
        let jwt = server(TokenFormat::Jwt, alg, &keys);
        group.bench_with_input(BenchmarkId::new("jwt", alg), &alg, |b, _| {
            b.iter(|| client_credentials(&jwt))
        });
    }
    group.finish();
}

fn validation(c: &mut Criterion) {
    let keys = keys();
    let mut group = c.benchmark_group("jwt_validate");
    let opaque = server(TokenFormat::Opaque, Algorithm::ES256, &keys);
    let store = opaque.provider().store();
    let tokens: Vec<String> = (0..1_000).map(|_| insert_access_token(store)).collect();
    let headers = bearer_headers(&tokens[500]);
    group.bench_function("opaque_store_lookup", |b| {
        b.iter(|| ready(opaque.bearer(&headers, Scope::READ)).is_ok())
    });
    let published = PublicKeys::from_jwks(&keys.jwks(SystemTime::now())).unwrap();
    let validator = JwtValidator::new(ISSUER, ISSUER, published);
    for alg in Algorithm::ALL {
        let token = client_credentials(&server(TokenFormat::Jwt, alg, &keys));
        group.bench_with_input(BenchmarkId::new("jwt_local", alg), &alg, |b, _| {
            b.iter(|| validator.validate(black_box(&token)).unwrap())
        });
    }
    group.finish();
}

fn id_tokens(c: &mut Criterion) {
    let keys = keys();
    let now = SystemTime::now();
    let iat = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let claims = serde_json::json!({
        "iss": ISSUER, "sub": "alice", "aud": "rp", "iat": iat, "exp": iat + 3600,
        "auth_time": iat, "nonce": "n-0S6_WzA2Mj", "at_hash": "77QmUPtjPfzWtF2AnpK9RQ",
    });
    let mut group = c.benchmark_group("id_token");
    for alg in Algorithm::ALL {
        let key = keys.signer(alg, now).unwrap();
        group.bench_with_input(BenchmarkId::new("sign", alg), &alg, |b, _| {
            b.iter(|| jose::sign(key, "JWT", black_box(&claims)).unwrap())
        });
        let token = jose::sign(key, "JWT", &claims).unwrap();
        let expect = Expectations::new(&[alg])
            .typ("JWT")
            .issuer(ISSUER)
            .audience("rp")
            .leeway(Duration::from_secs(30));
        group.bench_with_input(BenchmarkId::new("verify", alg), &alg, |b, _| {
            b.iter(|| jose::verify::<serde_json::Value>(black_box(&token), &keys, &expect).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, issuance, validation, id_tokens);
criterion_main!(benches);
