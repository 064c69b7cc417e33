//! Scope parse, format and containment on a `#[scopes(...)]`-generated type.

mod support;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use oauth2_provider::scope::Scopes as _;

use support::Scope;

fn scopes(c: &mut Criterion) {
    let mut group = c.benchmark_group("scope");
    group.bench_function("parse/1", |b| b.iter(|| Scope::parse(black_box("read"))));
    group.bench_function("parse/4", |b| {
        b.iter(|| Scope::parse(black_box("user:email profile write read")))
    });
    group.bench_function("parse/combination", |b| {
        b.iter(|| Scope::parse(black_box("read_write profile")))
    });
    group.bench_function("parse/unknown", |b| {
        b.iter(|| Scope::parse(black_box("read admin")))
    });
    let all = Scope::all();
    group.bench_function("format/1", |b| {
        b.iter(|| black_box(Scope::READ).to_scope_string())
    });
    group.bench_function("format/4", |b| b.iter(|| black_box(all).to_scope_string()));
    group.bench_function("display/4", |b| b.iter(|| black_box(all).to_string()));
    group.bench_function("contains", |b| {
        b.iter(|| black_box(all).contains(black_box(Scope::READ | Scope::WRITE)))
    });
    group.finish();
}

criterion_group!(benches, scopes);
criterion_main!(benches);
