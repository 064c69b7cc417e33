//! What the in-process benchmarks share: a provider declared with the macros over the memory
//! store, its clients, and builders of real `http::Request<Bytes>` values.
//!
//! Nothing here comes from `tests/`: the benches stand on the public API alone.
#![allow(dead_code)] // each bench uses a part of it

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, Method, Request};
use oauth2_provider::config::Config;
use oauth2_provider::model::{AccessKind, CodeRecord, NewCode, NewToken, RefreshKind, TokenRecord};
use oauth2_provider::model::{GrantId, TokenHash};
use oauth2_provider::pkce::{ChallengeMethod, PkceChallenge};
use oauth2_provider::secret::{generate_token, hash_secret};
use oauth2_provider::store::{MemoryStore, TokenStore};
use oauth2_provider::{OAuthClient, ResourceOwner, Server, scopes};

/// Four single scopes and a combination, as an API might declare them.
#[scopes(
    read = 1 << 0,
    write = 1 << 1,
    profile = 1 << 2,
    "user:email" = 1 << 3,
    read_write = read | write,
    default = read
)]
pub struct Scope;

#[derive(OAuthClient)]
pub struct App {
    #[oauth(client_id)]
    id: String,
    #[oauth(secret_hash)]
    secret: Option<String>,
    #[oauth(redirect_uris)]
    callbacks: Vec<String>,
    #[oauth(scope)]
    allowed: Scope,
}

#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    name: String,
}

pub type BenchStore = MemoryStore<App>;

pub struct BenchProvider {
    store: BenchStore,
    config: Config,
}

#[oauth2_provider::provider(
    owner = User,
    grants(authorization_code, refresh_token, client_credentials),
)]
impl BenchProvider {
    #[provider(store)]
    pub fn store(&self) -> &BenchStore {
        &self.store
    }

    #[provider(config)]
    pub fn config(&self) -> &Config {
        &self.config
    }
}

pub type BenchServer = Server<BenchProvider>;

/// The confidential client; its secret is stored as `sha256$...` (a generated 256-bit secret).
pub const CLIENT: &str = "bench-client";
pub const SECRET: &str = "hJ3k9vQ2xW7mN4pL8sT1yB6cF0dG5rZ2aE9uK3iO7wQ";
pub const CALLBACK: &str = "https://app.example/cb";
pub const SUBJECT: &str = "alice";
/// RFC 7636 Appendix B.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// A server with the default configuration and the bench client.
pub fn server() -> BenchServer {
    server_with(Config::default())
}

/// A server with `config` and the bench client.
pub fn server_with(config: Config) -> BenchServer {
    let store = MemoryStore::new();
    store.add_client(App {
        id: CLIENT.to_owned(),
        secret: Some(hash_secret(SECRET)),
        callbacks: vec![CALLBACK.to_owned()],
        allowed: Scope::all(),
    });
    Server::new(BenchProvider { store, config })
}

/// Runs a store future to completion; the memory store's futures are ready at once.
pub fn ready<F: Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}

fn token_record(hash: TokenHash, grant_id: GrantId, subject: Option<&str>) -> NewToken<Scope> {
    NewToken {
        token_hash: hash,
        grant_id,
        client_id: CLIENT.to_owned(),
        subject: subject.map(str::to_owned),
        scope: Scope::READ | Scope::WRITE,
        expires_at: Some(SystemTime::now() + Duration::from_secs(3600)),
        extras: Default::default(),
    }
}

/// Stores a fresh access token, as the client credentials grant does (one grant per token);
/// returns the raw token.
pub fn insert_access_token(store: &BenchStore) -> String {
    let token = generate_token();
    let record = TokenRecord::<_, AccessKind>::of(token_record(
        TokenHash::of(&token),
        GrantId::generate(),
        None,
    ));
    ready(store.insert_tokens(record, None)).expect("the memory store cannot fail");
    token
}

/// Stores a fresh access and refresh token pair for `SUBJECT`; returns the raw refresh token.
pub fn insert_refresh_token(store: &BenchStore) -> String {
    let grant_id = GrantId::generate();
    let access = TokenRecord::<_, AccessKind>::of(token_record(
        TokenHash::of(&generate_token()),
        grant_id,
        Some(SUBJECT),
    ));
    let token = generate_token();
    let refresh = TokenRecord::<_, RefreshKind>::of(token_record(
        TokenHash::of(&token),
        grant_id,
        Some(SUBJECT),
    ));
    ready(store.insert_tokens(access, Some(refresh))).expect("the memory store cannot fail");
    token
}

/// Stores a fresh authorization code for `SUBJECT`, bound to `CALLBACK` and the RFC 7636
/// challenge, as the authorization endpoint would; returns the raw code.
pub fn insert_code(store: &BenchStore) -> String {
    let code = generate_token();
    let record = CodeRecord(NewCode {
        code_hash: TokenHash::of(&code),
        grant_id: GrantId::generate(),
        client_id: CLIENT.to_owned(),
        subject: SUBJECT.to_owned(),
        redirect_uri: Some(CALLBACK.to_owned()),
        scope: Scope::READ | Scope::PROFILE,
        challenge: PkceChallenge::new(ChallengeMethod::S256, CHALLENGE),
        expires_at: SystemTime::now() + Duration::from_secs(600),
        extras: Default::default(),
    });
    ready(store.insert_code(record)).expect("the memory store cannot fail");
    code
}

/// `Authorization: Bearer <token>`.
pub fn bearer_headers(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::try_from(format!("Bearer {token}")).expect("a token is a header value"),
    );
    headers
}

/// The bench client's `client_secret_basic` header.
pub fn basic() -> HeaderValue {
    let raw = format!("{CLIENT}:{SECRET}");
    HeaderValue::try_from(format!("Basic {}", STANDARD.encode(raw))).expect("base64 is ASCII")
}

/// POST /token, form-encoded, authenticated with HTTP Basic.
pub fn token_request(basic: &HeaderValue, body: String) -> Request<Bytes> {
    Request::builder()
        .method(Method::POST)
        .uri("https://auth.example/token")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(AUTHORIZATION, basic.clone())
        .body(Bytes::from(body))
        .expect("a valid request")
}
