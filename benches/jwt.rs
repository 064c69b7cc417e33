//! JWTs beside opaque tokens (BENCHMARKS.md, "JWT access tokens and ID tokens"): the token
//! endpoint issuing an RFC 9068 access token per algorithm against an opaque one, a resource
//! server's local validation (`resource::JwtValidator`, with and without its cache of verified
//! tokens) against the store lookup of an opaque token, and an ID token's signing and
//! verification per algorithm; each beside the crypto crate's own cost (aws-lc-rs) for the
//! same key and the same signing input, its floor (issue 17: within 1.3x of it).

mod support;

use std::cell::RefCell;
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, ParsedPublicKey, RsaKeyPair,
    UnparsedPublicKey, VerificationAlgorithm,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, criterion_group, criterion_main};
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

/// One operation of a row, returning what it made so that nothing is optimised away.
type Op<'a> = (&'static str, &'a dyn Fn() -> Box<dyn std::any::Any>);

/// Benchmarks each of `ops` for `alg` as its own row, interleaved with the others: every
/// iteration runs them all, in turn, and the row reports only its own's time. Each row is
/// measured in its own seconds, and on this shared machine the load moves a row by half its
/// time within a minute (BENCHMARKS.md); so every op is timed in every row, and at the end
/// the sums over all of them give each op's time as a multiple of the last op's (the floor),
/// from the same instants: the `paired` line this prints.
fn interleaved(
    group: &mut BenchmarkGroup<'_, WallTime>,
    group_name: &str,
    alg: Algorithm,
    ops: &[Op<'_>],
) {
    let totals = RefCell::new(vec![Duration::ZERO; ops.len()]);
    for (timed, (name, _)) in ops.iter().enumerate() {
        group.bench_with_input(BenchmarkId::new(*name, alg), &alg, |b, _| {
            b.iter_custom(|iters| {
                let mut spent = vec![Duration::ZERO; ops.len()];
                for _ in 0..iters {
                    for ((_, op), spent) in ops.iter().zip(&mut spent) {
                        let start = Instant::now();
                        black_box(op());
                        *spent += start.elapsed();
                    }
                }
                for (total, spent) in totals.borrow_mut().iter_mut().zip(&spent) {
                    *total += *spent;
                }
                spent[timed]
            })
        });
    }
    let totals = totals.into_inner();
    let (floor_name, floor) = (ops[ops.len() - 1].0, totals[ops.len() - 1]);
    let ratios: Vec<String> = ops[..ops.len() - 1]
        .iter()
        .zip(&totals)
        .map(|((name, _), total)| {
            format!("{name} {:.2}x", total.as_secs_f64() / floor.as_secs_f64())
        })
        .collect();
    println!(
        "paired {group_name}/{alg}: {} of {floor_name}",
        ratios.join(", ")
    );
}

fn issuance(c: &mut Criterion) {
    let keys = keys();
    let rng = SystemRandom::new();
    let name = "jwt_issue";
    let mut group = c.benchmark_group(name);
    let opaque = server(TokenFormat::Opaque, Algorithm::ES256, keys);
    group.bench_function("opaque", |b| b.iter(|| client_credentials(&opaque)));
    for alg in Algorithm::ALL {
        let jwt = server(TokenFormat::Jwt, alg, keys);
        let token = client_credentials(&jwt);
        let claims = access_claims(&token);
        let key = keys.signer(alg, SystemTime::now()).unwrap();
        let raw = Raw::new(alg, &key.to_pkcs8_der());
        let input = signing_input(&token).0;
        interleaved(
            &mut group,
            name,
            alg,
            &[
                // The whole token endpoint, client authentication included.
                ("jwt", &|| Box::new(client_credentials(&jwt))),
                // The minting alone: `jose::sign` over the claims the endpoint signed.
                ("sign", &|| {
                    Box::new(jose::sign(key, "at+jwt", black_box(&claims)).unwrap())
                }),
                ("baseline_sign", &|| {
                    Box::new(raw.sign(&rng, black_box(input)))
                }),
            ],
        );
    }
    group.finish();
}

fn validation(c: &mut Criterion) {
    let keys = keys();
    let name = "jwt_validate";
    let mut group = c.benchmark_group(name);
    let opaque = server(TokenFormat::Opaque, Algorithm::ES256, keys);
    let store = opaque.provider().store();
    let tokens: Vec<String> = (0..1_000).map(|_| insert_access_token(store)).collect();
    let headers = bearer_headers(&tokens[500]);
    group.bench_function("opaque_store_lookup", |b| {
        b.iter(|| ready(opaque.bearer(&headers, Scope::READ)).is_ok())
    });
    let published = PublicKeys::from_jwks(&keys.jwks(SystemTime::now())).unwrap();
    let validator = JwtValidator::new(ISSUER, ISSUER, published);
    // The same, keeping what it verified: every call after the first is a hit.
    let cached = validator.clone().cache(1_024);
    for alg in Algorithm::ALL {
        let token = client_credentials(&server(TokenFormat::Jwt, alg, keys));
        let raw = Raw::new(
            alg,
            &keys.signer(alg, SystemTime::now()).unwrap().to_pkcs8_der(),
        );
        let (input, signature) = signing_input(&token);
        let parsed = ParsedPublicKey::new(raw.verification, &raw.public).unwrap();
        let unparsed = UnparsedPublicKey::new(raw.verification, &raw.public);
        interleaved(
            &mut group,
            name,
            alg,
            &[
                ("jwt_local", &|| {
                    Box::new(validator.validate(black_box(&token)).unwrap())
                }),
                ("baseline_verify_unparsed", &|| {
                    unparsed.verify(black_box(input), &signature).unwrap();
                    Box::new(())
                }),
                ("baseline_verify", &|| {
                    verify_parsed(&parsed, black_box(input), &signature);
                    Box::new(())
                }),
            ],
        );
        // Sub-microsecond: on its own, where `Instant::now` per call would weigh.
        group.bench_with_input(BenchmarkId::new("jwt_cached", alg), &alg, |b, _| {
            b.iter(|| cached.validate(black_box(&token)).unwrap())
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

/// A token's signing input (`header.payload`, what the signature covers) and its signature.
fn signing_input(token: &str) -> (&[u8], Vec<u8>) {
    let (input, signature) = token.rsplit_once('.').unwrap();
    (input.as_bytes(), URL_SAFE_NO_PAD.decode(signature).unwrap())
}

fn id_tokens(c: &mut Criterion) {
    let keys = keys();
    let now = SystemTime::now();
    let rng = SystemRandom::new();
    let claims = id_claims();
    let name = "id_token";
    let mut group = c.benchmark_group(name);
    for alg in Algorithm::ALL {
        let key = keys.signer(alg, now).unwrap();
        let raw = Raw::new(alg, &key.to_pkcs8_der());
        let token = jose::sign(key, "JWT", &claims).unwrap();
        let (input, signature) = signing_input(&token);
        let expect = Expectations::new(&[alg])
            .typ("JWT")
            .issuer(ISSUER)
            .audience("rp")
            .leeway(Duration::from_secs(30));
        let parsed = ParsedPublicKey::new(raw.verification, &raw.public).unwrap();
        interleaved(
            &mut group,
            name,
            alg,
            &[
                ("sign", &|| {
                    Box::new(jose::sign(key, "JWT", black_box(&claims)).unwrap())
                }),
                ("baseline_sign", &|| {
                    Box::new(raw.sign(&rng, black_box(input)))
                }),
            ],
        );
        interleaved(
            &mut group,
            name,
            alg,
            &[
                ("verify", &|| {
                    Box::new(
                        jose::verify::<serde_json::Value>(black_box(&token), keys, &expect)
                            .unwrap(),
                    )
                }),
                ("baseline_verify", &|| {
                    verify_parsed(&parsed, black_box(input), &signature);
                    Box::new(())
                }),
            ],
        );
    }
    group.finish();
}

// Not inlined, so that callgrind counts it apart (BENCHMARKS.md).
#[inline(never)]
fn verify_parsed(key: &ParsedPublicKey, input: &[u8], signature: &[u8]) {
    key.verify_sig(input, signature).unwrap()
}

/// aws-lc-rs's own key pair for one key of the set, read from its stored form
/// (`SigningKey::to_pkcs8_der`), and its public key: the same key the JWT rows use, parsed
/// once. The floor each JWT row is compared with: `baseline_sign` signs the real token's
/// signing input (`header.payload`), `baseline_verify` verifies its real signature with a
/// pre-parsed public key (`ParsedPublicKey`), `baseline_verify_unparsed` parses it on every
/// call (`UnparsedPublicKey`), as jsonwebtoken did. Each is interleaved with the rows it is
/// the floor of ([`interleaved`]).
struct Raw {
    pair: Pair,
    verification: &'static dyn VerificationAlgorithm,
    public: Vec<u8>,
}

enum Pair {
    Rsa(RsaKeyPair, &'static dyn sig::RsaEncoding),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

impl Raw {
    fn new(alg: Algorithm, pkcs8: &[u8]) -> Raw {
        let rsa = || RsaKeyPair::from_pkcs8(pkcs8).unwrap();
        let (pair, verification): (Pair, &'static dyn VerificationAlgorithm) = match alg {
            Algorithm::RS256 => (
                Pair::Rsa(rsa(), &sig::RSA_PKCS1_SHA256),
                &sig::RSA_PKCS1_2048_8192_SHA256,
            ),
            Algorithm::PS256 => (
                Pair::Rsa(rsa(), &sig::RSA_PSS_SHA256),
                &sig::RSA_PSS_2048_8192_SHA256,
            ),
            Algorithm::ES256 => (
                Pair::Ec(
                    EcdsaKeyPair::from_pkcs8(&sig::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8).unwrap(),
                ),
                &sig::ECDSA_P256_SHA256_FIXED,
            ),
            Algorithm::EdDSA => (
                Pair::Ed(Ed25519KeyPair::from_pkcs8(pkcs8).unwrap()),
                &sig::ED25519,
            ),
        };
        let public = match &pair {
            Pair::Rsa(pair, _) => pair.public_key().as_ref().to_vec(),
            Pair::Ec(pair) => pair.public_key().as_ref().to_vec(),
            Pair::Ed(pair) => pair.public_key().as_ref().to_vec(),
        };
        Raw {
            pair,
            verification,
            public,
        }
    }

    // Not inlined, so that callgrind counts it apart (BENCHMARKS.md).
    #[inline(never)]
    fn sign(&self, rng: &SystemRandom, message: &[u8]) -> Vec<u8> {
        match &self.pair {
            Pair::Rsa(pair, encoding) => {
                let mut out = vec![0; pair.public_modulus_len()];
                pair.sign(*encoding, rng, message, &mut out).unwrap();
                out
            }
            Pair::Ec(pair) => pair.sign(rng, message).unwrap().as_ref().to_vec(),
            Pair::Ed(pair) => pair.sign(message).as_ref().to_vec(),
        }
    }
}

criterion_group!(benches, issuance, validation, id_tokens);
criterion_main!(benches);
