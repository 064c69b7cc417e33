//! Ours and oxide-auth 0.6 in one process, side by side: each criterion group has an `ours` and
//! an `oxide` function, measured back to back in the same run.
//!
//! - `token_client_credentials`: a whole token-endpoint request, `client_credentials` with the
//!   client authenticated by HTTP Basic, from the same `http::Request<Bytes>` to a response whose
//!   JSON body carries an `access_token`. Ours: `Server::token`, the client secret stored as
//!   `hash_secret(SECRET)` (`sha256$`). oxide-auth: `client_credentials_flow` over a `ClientMap`
//!   with `Sha256Policy` (one SHA-256, constant-time compare: the same secret cost) and a
//!   `TokenMap<RandomGenerator::new(32)>` behind `SharedIssuer`, the request turned into
//!   oxide-auth's simple in-memory `Request` inside the timed section the way oxide-auth-axum
//!   extracts one (the `Authorization` header copied to a `String`, the form body parsed into a
//!   map), since ours parses the same header and body itself.
//! - `bearer_validation`: one bearer token checked for scope `read`, 10^3 live tokens in each
//!   store, each iteration presenting the next of them. Ours: `Server::bearer`. oxide-auth:
//!   `resource_flow(..).execute(..)` on a simple `Request` whose `auth` is copied from the same
//!   `HeaderMap` inside the timed section, as oxide-auth-axum's `OAuthResource` does.
//!
//! Every timed call asserts its success, so a broken setup cannot pass for a fast one.
//!
//! What one side does per request and the other does not:
//! - issuance: oxide-auth's `TokenMap` draws, encodes and stores a refresh token too (two OS
//!   random reads, a second map insert), which its client credentials flow then drops from the
//!   response; ours draws its random values in one read, stores no refresh token, and stores
//!   the SHA-256 of the token rather than the token. Ours builds an `http::Response` with its
//!   headers (`Content-Type`, `Cache-Control`, `Pragma`); oxide-auth's simple `Response` is a
//!   status and a JSON `String` (turning it into HTTP, oxide-auth-axum's part, is not timed).
//!   oxide-auth's `ClientMap` ignores the requested scope and grants the client's default one.
//! - validation: ours hashes the presented token (SHA-256) before the lookup; oxide-auth looks
//!   the token up in clear, but copies the header into a `String` and clones the stored `Grant`
//!   (owner, client, scope set, URL) on every success, and takes the `RwLock` (uncontended here).
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-oxide cargo bench --bench side_by_side
//! ```

use std::collections::HashMap;
use std::sync::RwLock;

use bytes::Bytes;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use http::header::AUTHORIZATION;
use http::{HeaderMap, StatusCode};
use oxide_auth::endpoint::{OwnerConsent, Solicitation};
use oxide_auth::frontends::simple::endpoint::{
    FnSolicitor, client_credentials_flow, resource_flow,
};
use oxide_auth::frontends::simple::request::{Request as OxideRequest, Status};
use oxide_auth::primitives::generator::RandomGenerator;
use oxide_auth::primitives::grant::{Extensions, Grant};
use oxide_auth::primitives::issuer::{Issuer, TokenMap};
use oxide_auth::primitives::registrar::{Client, ClientMap, RegisteredUrl};
use oxide_auth::primitives::scope::Scope as OxideScope;

use bench_oxide::{Sha256Policy, SharedIssuer};

/// How many live tokens each store holds for `bearer_validation`.
const LIVE: usize = 1_000;

const TOKEN_BODY: &str = "grant_type=client_credentials&scope=read";

// --- ours: the provider of the workspace's own benches, public API only -------------------------

#[path = "../../../benches/support/mod.rs"]
mod support;

use support::{
    CALLBACK, CLIENT, SECRET, Scope, basic, bearer_headers, insert_access_token, ready, server,
    token_request,
};

// --- oxide-auth: the same registrar and issuer as `src/main.rs` ---------------------------------

struct Oxide {
    registrar: ClientMap,
    issuer: RwLock<TokenMap<RandomGenerator>>,
    read: Vec<OxideScope>,
}

fn oxide() -> Oxide {
    let mut registrar = ClientMap::new();
    registrar.set_password_policy(Sha256Policy);
    registrar.register_client(Client::confidential(
        CLIENT,
        RegisteredUrl::Exact(CALLBACK.parse().expect("a URL")),
        "read".parse().expect("a scope"),
        SECRET.as_bytes(),
    ));
    let mut issuer = TokenMap::new(RandomGenerator::new(32));
    issuer.valid_for(chrono::Duration::seconds(3600));
    Oxide {
        registrar,
        issuer: RwLock::new(issuer),
        read: vec!["read".parse().expect("a scope")],
    }
}

/// Issues an access token through `TokenMap::issue`, as `client_credentials_flow` does (the
/// client is the owner); returns the raw token.
fn oxide_access_token(oxide: &Oxide) -> String {
    let grant = Grant {
        owner_id: CLIENT.to_owned(),
        client_id: CLIENT.to_owned(),
        scope: "read write".parse().expect("a scope"),
        redirect_uri: CALLBACK.parse().expect("a URL"),
        until: chrono::Utc::now() + chrono::Duration::seconds(3600),
        extensions: Extensions::new(),
    };
    SharedIssuer(&oxide.issuer)
        .issue(grant)
        .expect("the token map cannot fail")
        .token
}

/// What oxide-auth-axum's `OAuthRequest` extracts from an HTTP request: the one `Authorization`
/// header as a `String`, and the form body as a map.
fn oxide_request(request: &http::Request<Bytes>) -> OxideRequest {
    OxideRequest {
        auth: one_authorization(request.headers()),
        urlbody: form_urlencoded::parse(request.body())
            .into_owned()
            .collect::<HashMap<_, _>>(),
        ..OxideRequest::default()
    }
}

/// oxide-auth-axum's header extraction: refused if repeated, copied out if text.
fn one_authorization(headers: &HeaderMap) -> Option<String> {
    let mut all = headers.get_all(AUTHORIZATION).iter();
    let first = all.next();
    assert!(all.next().is_none(), "one Authorization header");
    first.and_then(|value| value.to_str().ok().map(str::to_owned))
}

// --- shared checks ------------------------------------------------------------------------------

/// Whether a JSON token response names an `access_token` (the same check on both sides).
fn has_access_token(body: &[u8]) -> bool {
    const NAME: &[u8] = b"\"access_token\"";
    body.windows(NAME.len()).any(|w| w == NAME)
}

// --- the benches ---------------------------------------------------------------------------------

fn token_client_credentials(c: &mut Criterion) {
    let basic = basic();
    let mut group = c.benchmark_group("token_client_credentials");

    // Each side's store grows by one token per iteration (nothing expires within the run), as a
    // busy server's would. Each is dropped before the other side runs, so neither measures with
    // the other's hundreds of thousands of tokens resident.
    {
        let server = server();
        group.bench_function("ours", |b| {
            b.iter_batched(
                || token_request(&basic, TOKEN_BODY.to_owned()),
                |request| {
                    let response = ready(server.token(request));
                    assert_eq!(response.status(), StatusCode::OK);
                    assert!(has_access_token(response.body()));
                    response
                },
                BatchSize::SmallInput,
            )
        });
    }

    {
        let oxide = oxide();
        group.bench_function("oxide", |b| {
            b.iter_batched(
                || token_request(&basic, TOKEN_BODY.to_owned()),
                |request| {
                    let request = oxide_request(&request);
                    let mut issuer = SharedIssuer(&oxide.issuer);
                    // A client acting for itself: the client is the owner (as `src/main.rs`).
                    let mut solicitor = FnSolicitor(|_: &mut OxideRequest, s: Solicitation| {
                        OwnerConsent::Authorized(s.pre_grant().client_id.clone())
                    });
                    let response =
                        client_credentials_flow(&oxide.registrar, &mut issuer, &mut solicitor)
                            .execute(request)
                            .unwrap_or_else(|e| panic!("oxide-auth failed: {e:?}"));
                    assert_eq!(response.status, Status::Ok);
                    let body = response.body.as_ref().expect("a body").as_str();
                    assert!(has_access_token(body.as_bytes()), "{body}");
                    response
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn bearer_validation(c: &mut Criterion) {
    let mut group = c.benchmark_group("bearer_validation");

    {
        let server = server();
        let store = server.provider().store();
        let headers: Vec<HeaderMap> = (0..LIVE)
            .map(|_| bearer_headers(&insert_access_token(store)))
            .collect();
        let mut next = 0;
        group.bench_function("ours", |b| {
            b.iter(|| {
                next = (next + 1) % LIVE;
                ready(server.bearer(&headers[next], Scope::READ)).expect("a valid token")
            })
        });
    }

    {
        let oxide = oxide();
        let headers: Vec<HeaderMap> = (0..LIVE)
            .map(|_| bearer_headers(&oxide_access_token(&oxide)))
            .collect();
        let mut next = 0;
        group.bench_function("oxide", |b| {
            b.iter(|| {
                next = (next + 1) % LIVE;
                let request = OxideRequest {
                    auth: one_authorization(&headers[next]),
                    ..OxideRequest::default()
                };
                let mut issuer = SharedIssuer(&oxide.issuer);
                resource_flow(&mut issuer, &oxide.read)
                    .execute(request)
                    .expect("a valid token")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, token_client_credentials, bearer_validation);
criterion_main!(benches);
