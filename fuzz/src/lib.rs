//! What the fuzz targets share: a provider over the memory store with known clients, a seeded
//! code and refresh token, a raw-request reader, and the oracle that judges a token-endpoint
//! response against an independent model of what may earn a token.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CACHE_CONTROL};
use http::{HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use oauth2_provider::Server;
use oauth2_provider::config::Config;
use oauth2_provider::error::OAuthError;
use oauth2_provider::grant::GrantType;
use oauth2_provider::model::{
    AccessKind, ClientRecord, CodeRecord, NewCode, NewToken, RefreshKind, ResourceOwner,
    TokenRecord,
};
use oauth2_provider::model::{GrantId, TokenHash};
use oauth2_provider::pkce::{ChallengeMethod, PkceChallenge};
use oauth2_provider::provider::Provider;
use oauth2_provider::scopes;
use oauth2_provider::secret::{HashPool, hash_secret};
use oauth2_provider::store::{MemoryStore, TokenStore as _};

/// A scope type from the macro: identifiers, string names, a combination, a default.
#[scopes(
    read = 1 << 0,
    write = 1 << 1,
    admin = 1 << 2,
    "user:email" = 1 << 3,
    "https://api.example.com/x" = 1 << 4,
    read_write = read | write,
    default = read,
)]
pub struct FuzzScope;

pub type Client = ClientRecord<FuzzScope>;

/// A confidential client with every grant.
pub const CONF: &str = "conf";
pub const CONF_SECRET: &str = "conf-secret";
/// A public client (PKCE, loopback redirect).
pub const PUBLIC: &str = "pub";
pub const PUBLIC_CALLBACK: &str = "http://127.0.0.1/cb";
/// A confidential client whose id and secret need RFC 6749 Appendix B encoding.
pub const ODD: &str = "odd:id é";
pub const ODD_SECRET: &str = "s:e+c/r%t &=";

pub const ALICE: &str = "alice";
pub const ALICE_PASSWORD: &str = "wonderland";

/// A code issued to `PUBLIC` for `PUBLIC_CALLBACK` with the RFC 7636 Appendix B challenge.
pub const SEEDED_CODE: &str = "seeded-code-0123456789abcdefghijklmnopqrstu";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
/// A refresh token of `CONF`.
pub const SEEDED_REFRESH: &str = "seeded-refresh-0123456789abcdefghijklmnopq";

pub struct User;

impl ResourceOwner for User {
    fn subject(&self) -> String {
        "user:alice".to_owned()
    }
}

pub struct FuzzProvider {
    store: MemoryStore<Client>,
    config: Config,
}

impl Provider for FuzzProvider {
    type Clients = MemoryStore<Client>;
    type Tokens = MemoryStore<Client>;
    type Owner = User;

    fn clients(&self) -> &Self::Clients {
        &self.store
    }

    fn tokens(&self) -> &Self::Tokens {
        &self.store
    }

    fn config(&self) -> &Config {
        &self.config
    }

    /// The password grant too: the fuzzer reaches its parsing.
    fn grant_types(&self) -> &'static [GrantType] {
        &[
            GrantType::AuthorizationCode,
            GrantType::Password,
            GrantType::ClientCredentials,
            GrantType::RefreshToken,
        ]
    }

    async fn authenticate_owner(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<User>, OAuthError> {
        Ok((username == ALICE && password == ALICE_PASSWORD).then_some(User))
    }
}

/// Runs a future to its end on this thread. The memory store answers at once, but a secret
/// check can wait on the hash pool's thread (the argon2 dummy for an unknown client): this
/// thread sleeps until the pool wakes it, instead of spinning (and feeding the spin's coverage
/// callbacks) on a second core.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // A wake that came before this returns at once; a spurious return polls again.
        thread::park();
    }
}

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

fn client(id: &str, secret: Option<&str>, uris: &[&str], grants: &[&str]) -> Client {
    ClientRecord {
        client_id: id.to_owned(),
        secret_hash: secret.map(hash_secret),
        redirect_uris: uris.iter().map(|u| (*u).to_owned()).collect(),
        grant_types: grants.iter().map(|g| (*g).to_owned()).collect(),
        scope: FuzzScope::all(),
        name: id.to_owned(),
        metadata: Default::default(),
    }
}

/// A fresh server: three clients, one unused code, one refresh token (with its access token).
/// The body limit is small so the fuzzer reaches the 413 branch. Everything is new but the hash
/// pool, which one process keeps for its life as a real server does: a pool per input would
/// start and leave a thread per input (for the argon2 dummy of an unknown client).
pub fn server() -> Server<FuzzProvider> {
    static POOL: OnceLock<HashPool> = OnceLock::new();
    let config = Config::builder()
        .max_body_bytes(1024)
        .hashing(POOL.get_or_init(HashPool::default).clone())
        .build();
    let store = MemoryStore::new();
    let all = [
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "password",
    ];
    store.add_client(client(
        CONF,
        Some(CONF_SECRET),
        &["https://app.example/cb"],
        &all,
    ));
    store.add_client(client(PUBLIC, None, &[PUBLIC_CALLBACK], &all));
    store.add_client(client(ODD, Some(ODD_SECRET), &[], &["client_credentials"]));
    let later = SystemTime::now() + Duration::from_secs(600);
    block_on(store.insert_code(CodeRecord(NewCode {
        code_hash: TokenHash::of(SEEDED_CODE),
        grant_id: GrantId::generate(),
        client_id: PUBLIC.to_owned(),
        subject: "user:alice".to_owned(),
        redirect_uri: Some(PUBLIC_CALLBACK.to_owned()),
        scope: FuzzScope::READ,
        challenge: PkceChallenge::new(ChallengeMethod::S256, CHALLENGE),
        expires_at: later,
        extras: Default::default(),
    })))
    .expect("the memory store does not fail");
    let grant_id = GrantId::generate();
    let token = |hash| NewToken {
        token_hash: hash,
        grant_id,
        client_id: CONF.to_owned(),
        subject: Some("user:alice".to_owned()),
        scope: FuzzScope::READ_WRITE,
        expires_at: Some(later),
        extras: Default::default(),
    };
    block_on(store.insert_tokens(
        TokenRecord::<_, AccessKind>::of(token(TokenHash::of("seeded-access"))),
        Some(TokenRecord::<_, RefreshKind>::of(token(TokenHash::of(
            SEEDED_REFRESH,
        )))),
    ))
    .expect("the memory store does not fail");
    Server::new(FuzzProvider { store, config })
}

/// How many codes, access tokens and refresh tokens the store holds.
pub fn counts(server: &Server<FuzzProvider>) -> [usize; 3] {
    let store = &server.provider().store;
    [
        store.code_count(),
        store.access_token_count(),
        store.refresh_token_count(),
    ]
}

/// A request read from fuzz input shaped like HTTP/1.1: `METHOD TARGET`, header lines
/// `name: value`, an empty line, the body. `None` when the method or target cannot be part of
/// an `http::Request` at all (no server would hand such a request over); a header line that
/// cannot be a header is dropped.
pub fn read_request(data: &[u8]) -> Option<Request<Bytes>> {
    let (head, body) = match find(data, b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let mut lines = head.split(|&b| b == b'\n');
    let first = lines.next().unwrap_or_default();
    let (method, target) = match first.iter().position(|&b| b == b' ') {
        Some(at) => (&first[..at], &first[at + 1..]),
        None => (first, &b"/token"[..]),
    };
    let mut builder = Request::builder()
        .method(Method::from_bytes(method).ok()?)
        .uri(http::Uri::try_from(target).ok()?);
    for line in lines {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(line[colon + 1..].trim_ascii()),
        ) else {
            continue;
        };
        builder = builder.header(name, value);
    }
    builder.body(Bytes::copy_from_slice(body)).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// RFC 6749 §5.2's `error_description` characters.
pub fn is_description_char(b: u8) -> bool {
    matches!(b, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E)
}

const ERRORS: [&str; 8] = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "access_denied",
    "server_error",
];

/// Sends `request` to the token endpoint of a fresh server and checks the answer: never a
/// server error; an error is RFC 6749 §5.2 JSON and changes nothing in the store; a token only
/// for a request that the independent model below says proves a right to one.
pub fn check_token_request(request: Request<Bytes>) {
    let server = server();
    let before = counts(&server);
    let method = request.method().clone();
    let headers = request.headers().clone();
    let body = request.body().clone();
    let response = block_on(server.token(request));
    let status = response.status();
    assert!(!status.is_server_error(), "{status}");
    assert_eq!(
        response
            .headers()
            .get(CACHE_CONTROL)
            .map(HeaderValue::as_bytes),
        Some(&b"no-store"[..])
    );
    let json = json_of(&response);
    if status == StatusCode::OK {
        assert_eq!(method, Method::POST);
        let earned = model_allows(&headers, &body);
        assert!(earned.is_some(), "a token for {body:?} / {headers:?}");
        let [codes, access, refresh] = counts(&server);
        assert_eq!(codes, before[0]);
        assert_eq!(access, before[1] + 1);
        let issued_refresh = json.get("refresh_token").is_some();
        assert_eq!(refresh, before[2] + usize::from(issued_refresh));
        assert!(json["access_token"].as_str().is_some_and(|t| t.len() == 43));
    } else {
        assert!(
            matches!(status.as_u16(), 400 | 401 | 405 | 413),
            "unexpected status {status}"
        );
        let error = json["error"].as_str().expect("an error code");
        assert!(ERRORS.contains(&error), "{error}");
        let description = json["error_description"].as_str().unwrap_or_default();
        assert!(
            description.bytes().all(is_description_char),
            "{description:?}"
        );
        assert!(json.get("access_token").is_none());
        assert_eq!(counts(&server), before, "an error changed the store");
    }
}

fn json_of(response: &Response<Bytes>) -> serde_json::Value {
    serde_json::from_slice(response.body()).expect("every token-endpoint answer is JSON")
}

/// The independent model: which grant a request may be issued tokens for, from the raw
/// headers and body alone. It knows the fixture's secrets and nothing of the runtime's code.
fn model_allows(headers: &http::HeaderMap, body: &[u8]) -> Option<&'static str> {
    let param = |name: &str| {
        form_urlencoded::parse(body)
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.into_owned())
    };
    let (client_id, secret) = match headers.get_all(AUTHORIZATION).iter().next() {
        Some(value) => basic_credentials(value.as_bytes())?,
        None => (
            param("client_id")?,
            param("client_secret").unwrap_or_default(),
        ),
    };
    let confidential = match (client_id.as_str(), secret.as_str()) {
        (CONF, CONF_SECRET) | (ODD, ODD_SECRET) => true,
        (PUBLIC, "") => false,
        _ => return None,
    };
    match param("grant_type")?.as_str() {
        "client_credentials" if confidential => Some("client_credentials"),
        "authorization_code"
            if client_id == PUBLIC
                && param("code").as_deref() == Some(SEEDED_CODE)
                && param("code_verifier").as_deref() == Some(VERIFIER) =>
        {
            Some("authorization_code")
        }
        "refresh_token"
            if client_id == CONF && param("refresh_token").as_deref() == Some(SEEDED_REFRESH) =>
        {
            Some("refresh_token")
        }
        "password"
            if client_id != ODD
                && param("username").as_deref() == Some(ALICE)
                && param("password").as_deref() == Some(ALICE_PASSWORD) =>
        {
            Some("password")
        }
        _ => None,
    }
}

/// RFC 7617 with RFC 6749 Appendix B, decoded here without the runtime's code.
pub fn basic_credentials(value: &[u8]) -> Option<(String, String)> {
    let rest = value.get(6..)?;
    if !value[..6].eq_ignore_ascii_case(b"basic ") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(rest.trim_ascii()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

fn form_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The oracle is not vacuous: the seed requests that should earn tokens do, and the model
    /// agrees; one wrong byte and neither does.
    #[test]
    fn seeded_requests_earn_tokens() {
        for seed in 0..5 {
            let data = std::fs::read(format!("corpus/token_endpoint/seed-{seed}")).unwrap();
            let request = read_request(&data).unwrap();
            let (headers, body) = (request.headers().clone(), request.body().clone());
            assert!(model_allows(&headers, &body).is_some(), "seed {seed}");
            let server = server();
            let response = block_on(server.token(read_request(&data).unwrap()));
            assert_eq!(
                response.status(),
                StatusCode::OK,
                "seed {seed}: {response:?}"
            );
            check_token_request(read_request(&data).unwrap());

            // Seeds 0 and 3 end in a scope, which the model does not judge.
            let mut wrong = data.clone();
            let last = wrong.len() - 1;
            wrong[last] ^= 1;
            let request = read_request(&wrong).unwrap();
            assert!(model_allows(request.headers(), request.body()).is_none() || seed % 3 == 0);
            check_token_request(request);
        }
    }
}
