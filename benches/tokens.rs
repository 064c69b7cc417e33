//! Token generation (`generate_token` + `TokenHash::of`) and bearer validation
//! (`Server::bearer`) on the memory store holding 10^3 and 10^6 live tokens.

mod support;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use oauth2_provider::model::TokenHash;
use oauth2_provider::secret::generate_token;

use support::{Scope, bearer_headers, insert_access_token, ready, server};

fn generation(c: &mut Criterion) {
    let mut group = c.benchmark_group("token");
    group.bench_function("generate", |b| b.iter(generate_token));
    let token = generate_token();
    group.bench_function("hash", |b| b.iter(|| TokenHash::of(black_box(&token))));
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

criterion_group!(benches, generation, bearer);
criterion_main!(benches);
