//! Token generation (`generate_token` + `TokenHash::of`, and `TokenHash::of` of a JWT-shaped
//! access token) and bearer validation
//! (`Server::bearer`) on the memory store holding 10^3 and 10^6 live tokens, beside its floor:
//! one SHA-256 of the token and one lookup in a plain `HashMap` of as many entries
//! (`bearer/baseline_sha256_lookup`), so their ratio comes out of one run. `bearer/validate`
//! takes the same presented tokens as the floor (`Server::validate`, no header);
//! `bearer/valid` starts from an `Authorization` header, one per token, as cold as the record.

mod support;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use oauth2_provider::model::TokenHash;
use oauth2_provider::resource::Requirements;
use oauth2_provider::secret::generate_token;
use oauth2_provider::store::TokenStore;

use support::{Scope, bearer_headers, insert_access_token, ready, server};

fn generation(c: &mut Criterion) {
    let mut group = c.benchmark_group("token");
    group.bench_function("generate", |b| b.iter(generate_token));
    let token = generate_token();
    group.bench_function("hash", |b| b.iter(|| TokenHash::of(black_box(&token))));
    // An RFC 9068 access token of the usual size, whose `jti` names its family.
    let jwt = jwt_shaped(&token);
    group.bench_function("hash_jwt", |b| b.iter(|| TokenHash::of(black_box(&jwt))));
    group.bench_function("generate+hash", |b| {
        b.iter(|| {
            let token = generate_token();
            let hash = TokenHash::of(&token);
            (token, hash)
        })
    });
    group.finish();
}

fn bearer(c: &mut Criterion) {
    let mut group = c.benchmark_group("bearer");
    for live in [1_000usize, 1_000_000] {
        let server = server();
        let store = &server.provider().store();
        let tokens: Vec<String> = (0..live).map(|_| insert_access_token(store)).collect();
        // Every lookup goes to a different token, spread over the whole store (up to 10^5 of
        // them), so the 10^6 case pays its cache and TLB misses.
        let spread = live.min(100_000);
        let headers: Vec<_> = tokens
            .iter()
            .step_by(live / spread)
            .map(|t| bearer_headers(t))
            .collect();
        let mut next = 0;
        let floor = Floor::of(&tokens);
        let presented: Vec<&str> = tokens
            .iter()
            .step_by(live / spread)
            .map(String::as_str)
            .collect();
        let mut at = 0;
        group.bench_with_input(
            BenchmarkId::new("baseline_sha256_lookup", live),
            &live,
            |b, _| {
                b.iter(|| {
                    at = (at + 1) % presented.len();
                    floor.find(presented[at]).is_some()
                })
            },
        );
        drop(floor);
        // The same presented tokens through the store alone, then through the whole in-process
        // validation (`resource::validate`: store, expiry, audience, key binding, scope), so the
        // steps above the floor show one by one.
        group.bench_with_input(
            BenchmarkId::new("find_access_token", live),
            &live,
            |b, _| {
                b.iter(|| {
                    at = (at + 1) % presented.len();
                    let hash = TokenHash::of(black_box(presented[at]));
                    ready(store.find_access_token(&hash)).is_ok_and(|t| t.is_some())
                })
            },
        );
        let needs = Requirements::scope(Scope::READ);
        group.bench_with_input(BenchmarkId::new("validate", live), &live, |b, _| {
            b.iter(|| {
                at = (at + 1) % presented.len();
                ready(server.validate(black_box(presented[at]), &needs)).is_ok()
            })
        });
        group.bench_with_input(BenchmarkId::new("valid", live), &live, |b, _| {
            b.iter(|| {
                next = (next + 1) % headers.len();
                ready(server.bearer(&headers[next], Scope::READ)).is_ok()
            })
        });
        let unknown = bearer_headers(&generate_token());
        group.bench_with_input(BenchmarkId::new("unknown", live), &live, |b, _| {
            b.iter(|| ready(server.bearer(&unknown, Scope::READ)).is_err())
        });
        let needs_more = Scope::PROFILE;
        group.bench_with_input(
            BenchmarkId::new("insufficient_scope", live),
            &live,
            |b, _| b.iter(|| ready(server.bearer(&headers[0], needs_more)).is_err()),
        );
    }
    group.finish();
}

/// A signed JWT's shape around `jti`: an ES256 header, the claims an access token carries, a
/// 64-byte signature.
fn jwt_shaped(jti: &str) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    let claims = format!(
        r#"{{"iss":"https://issuer.example","exp":1767225600,"aud":"https://api.example","sub":"alice","client_id":"web","iat":1767222000,"jti":"{jti}","scope":"read write","auth_time":1767222000}}"#
    );
    format!(
        "{}.{}.{}",
        B64.encode(r#"{"alg":"ES256","typ":"at+jwt","kid":"2026-01"}"#),
        B64.encode(claims),
        B64.encode([7u8; 64])
    )
}

/// The least a validation can do: hash the presented token and find its record in a map keyed
/// by the digest, with the memory store's hasher (a digest's first 64 bits, no SipHash).
struct Floor(HashMap<TokenHash, Small, BuildHasherDefault<FirstBits>>);

/// A record the size of what a validation needs from it, stored inline in the map's slot.
struct Small {
    grant: [u8; 16],
    expires_at: u64,
    scope: u8,
}

impl Floor {
    fn of(tokens: &[String]) -> Self {
        let mut map = HashMap::with_capacity_and_hasher(tokens.len(), Default::default());
        for (n, token) in tokens.iter().enumerate() {
            let small = Small {
                grant: [n as u8; 16],
                expires_at: n as u64,
                scope: 1,
            };
            map.insert(TokenHash::of(token), small);
        }
        Floor(map)
    }

    /// Reads the found record's fields, as a validation reads its record's.
    fn find(&self, token: &str) -> Option<u64> {
        let small = self.0.get(&TokenHash::of(black_box(token)))?;
        Some(black_box(small.expires_at) + u64::from(small.scope) + u64::from(small.grant[0]))
    }
}

/// The memory store's `RandomKey` hasher, copied: `TokenHash` hashes as one `u64`, passed through.
#[derive(Default)]
struct FirstBits(u64);

impl Hasher for FirstBits {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
}

criterion_group!(benches, generation, bearer);
criterion_main!(benches);
