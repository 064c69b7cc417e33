//! JWTs beside opaque tokens (BENCHMARKS.md, "JWT access tokens and ID tokens"): the token
//! endpoint issuing an RFC 9068 access token per algorithm against an opaque one, a resource
//! server's local validation (`resource::JwtValidator`) against the store lookup of an opaque
//! token, and an ID token's signing and verification per algorithm; and, in the same run, the
//! crypto crate's own cost (aws-lc-rs, which jsonwebtoken signs and verifies with) for the same
//! keys and the same signing inputs, which the JWT rows are measured against (issue 17).

mod support;

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, ParsedPublicKey, RsaKeyPair,
    UnparsedPublicKey, VerificationAlgorithm,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

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

/// One key per algorithm for the whole run, so that every group, the baseline's included,
/// signs and verifies with the very same keys.
fn keys() -> &'static KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys = KeySet::new();
        for alg in Algorithm::ALL {
            keys.rotate(alg, SystemTime::now(), &RotationPolicy::new())
                .unwrap();
        }
        keys
    })
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
    let opaque = server(TokenFormat::Opaque, Algorithm::ES256, keys);
    group.bench_function("opaque", |b| b.iter(|| client_credentials(&opaque)));
    for alg in Algorithm::ALL {
        let jwt = server(TokenFormat::Jwt, alg, keys);
        group.bench_with_input(BenchmarkId::new("jwt", alg), &alg, |b, _| {
            b.iter(|| client_credentials(&jwt))
        });
        // The minting alone: `jose::sign` over the claims the endpoint signed.
        let claims = access_claims(&client_credentials(&jwt));
        let key = keys.signer(alg, SystemTime::now()).unwrap();
        group.bench_with_input(BenchmarkId::new("sign", alg), &alg, |b, _| {
            b.iter(|| jose::sign(key, "at+jwt", black_box(&claims)).unwrap())
        });
    }
    group.finish();
}

fn validation(c: &mut Criterion) {
    let keys = keys();
    let mut group = c.benchmark_group("jwt_validate");
    let opaque = server(TokenFormat::Opaque, Algorithm::ES256, keys);
    let store = opaque.provider().store();
    let tokens: Vec<String> = (0..1_000).map(|_| insert_access_token(store)).collect();
    let headers = bearer_headers(&tokens[500]);
    group.bench_function("opaque_store_lookup", |b| {
        b.iter(|| ready(opaque.bearer(&headers, Scope::READ)).is_ok())
    });
    let published = PublicKeys::from_jwks(&keys.jwks(SystemTime::now())).unwrap();
    let validator = JwtValidator::new(ISSUER, ISSUER, published);
    for alg in Algorithm::ALL {
        let token = client_credentials(&server(TokenFormat::Jwt, alg, keys));
        group.bench_with_input(BenchmarkId::new("jwt_local", alg), &alg, |b, _| {
            b.iter(|| validator.validate(black_box(&token)).unwrap())
        });
    }
    group.finish();
}

fn id_claims() -> serde_json::Value {
    let iat = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    serde_json::json!({
        "iss": ISSUER, "sub": "alice", "aud": "rp", "iat": iat, "exp": iat + 3600,
        "auth_time": iat, "nonce": "n-0S6_WzA2Mj", "at_hash": "77QmUPtjPfzWtF2AnpK9RQ",
    })
}

/// The claims of a real access token of `alg`, as the token endpoint signed them.
fn access_claims(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn id_tokens(c: &mut Criterion) {
    let keys = keys();
    let now = SystemTime::now();
    let claims = id_claims();
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
            b.iter(|| jose::verify::<serde_json::Value>(black_box(&token), keys, &expect).unwrap())
        });
    }
    group.finish();
}

/// aws-lc-rs's own key pair and pre-parsed public key for one key of the set, read from its
/// stored form (`SigningKey::to_pkcs8_der`): the same key the JWT rows use, parsed once.
enum Raw {
    Rsa(RsaKeyPair, &'static dyn sig::RsaEncoding),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

impl Raw {
    fn new(alg: Algorithm, pkcs8: &[u8]) -> (Raw, &'static dyn VerificationAlgorithm, Vec<u8>) {
        let (raw, verification): (Raw, &'static dyn VerificationAlgorithm) = match alg {
            Algorithm::RS256 => (
                Raw::Rsa(
                    RsaKeyPair::from_pkcs8(pkcs8).unwrap(),
                    &sig::RSA_PKCS1_SHA256,
                ),
                &sig::RSA_PKCS1_2048_8192_SHA256,
            ),
            Algorithm::PS256 => (
                Raw::Rsa(RsaKeyPair::from_pkcs8(pkcs8).unwrap(), &sig::RSA_PSS_SHA256),
                &sig::RSA_PSS_2048_8192_SHA256,
            ),
            Algorithm::ES256 => (
                Raw::Ec(
                    EcdsaKeyPair::from_pkcs8(&sig::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8).unwrap(),
                ),
                &sig::ECDSA_P256_SHA256_FIXED,
            ),
            Algorithm::EdDSA => (
                Raw::Ed(Ed25519KeyPair::from_pkcs8(pkcs8).unwrap()),
                &sig::ED25519,
            ),
        };
        let public = match &raw {
            Raw::Rsa(pair, _) => pair.public_key().as_ref().to_vec(),
            Raw::Ec(pair) => pair.public_key().as_ref().to_vec(),
            Raw::Ed(pair) => pair.public_key().as_ref().to_vec(),
        };
        (raw, verification, public)
    }

    fn sign(&self, rng: &SystemRandom, message: &[u8]) -> Vec<u8> {
        match self {
            Raw::Rsa(pair, encoding) => {
                let mut out = vec![0; pair.public_modulus_len()];
                pair.sign(*encoding, rng, message, &mut out).unwrap();
                out
            }
            Raw::Ec(pair) => pair.sign(rng, message).unwrap().as_ref().to_vec(),
            Raw::Ed(pair) => pair.sign(message).as_ref().to_vec(),
        }
    }
}

/// The floor: aws-lc-rs signing and verifying the signing inputs (`header.payload`) of a real
/// access token and a real ID token per algorithm, with the same keys, parsed once. `verify`
/// uses a pre-parsed public key (`ParsedPublicKey`); `verify_unparsed` parses it on every call,
/// as `UnparsedPublicKey` does.
fn baseline(c: &mut Criterion) {
    let keys = keys();
    let now = SystemTime::now();
    let rng = SystemRandom::new();
    let mut group = c.benchmark_group("jwt_baseline");
    for alg in Algorithm::ALL {
        let key = keys.signer(alg, now).unwrap();
        let (raw, verification, public) = Raw::new(alg, &key.to_pkcs8_der());
        let parsed = ParsedPublicKey::new(verification, &public).unwrap();
        let unparsed = UnparsedPublicKey::new(verification, &public);
        let access = client_credentials(&server(TokenFormat::Jwt, alg, keys));
        let id = jose::sign(key, "JWT", &id_claims()).unwrap();
        for (suffix, token) in [("", &access), ("_id", &id)] {
            let (input, signature) = token.rsplit_once('.').unwrap();
            let (input, signature) = (input.as_bytes(), URL_SAFE_NO_PAD.decode(signature).unwrap());
            parsed.verify_sig(input, &signature).unwrap();
            group.bench_with_input(
                BenchmarkId::new(format!("sign{suffix}"), alg),
                &alg,
                |b, _| b.iter(|| raw.sign(&rng, black_box(input))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("verify{suffix}"), alg),
                &alg,
                |b, _| b.iter(|| parsed.verify_sig(black_box(input), &signature).unwrap()),
            );
            if suffix.is_empty() {
                group.bench_with_input(BenchmarkId::new("verify_unparsed", alg), &alg, |b, _| {
                    b.iter(|| unparsed.verify(black_box(input), &signature).unwrap())
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, issuance, validation, id_tokens, baseline);
criterion_main!(benches);
