//! The shared harness of the end-to-end tests: one hand-written impl of every trait the runtime
//! is written against (`Scope`, `OAuthClient`, `ResourceOwner`, `Provider`), registered clients,
//! and helpers that build real `http::Request<Bytes>` values and read real responses.
//!
//! Nothing here uses the macros: the hand-written path must stay first-class.
#![allow(dead_code)] // each test file uses a part of the harness

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use bytes::Bytes;
use http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, COOKIE, HeaderValue, LOCATION, PRAGMA,
    WWW_AUTHENTICATE,
};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use oauth2_provider::Server;
use oauth2_provider::config::Config;
use oauth2_provider::error::{ErrorCode, OAuthError};
use oauth2_provider::grant::GrantType;
use oauth2_provider::grant::{Grant, TokenRequest, token_exchange};
use oauth2_provider::model::{AuthMethod, ClientKeys, OAuthClient, ResourceOwner};
use oauth2_provider::provider::{AuthorizationRequest, Decision};
use oauth2_provider::provider::{Provider, RevokeEvent, RevokeReason};
use oauth2_provider::resource::ResourceServers;
use oauth2_provider::scope::{ScopeDef, Scopes};
use oauth2_provider::secret::{hash_password, hash_secret};
use oauth2_provider::store::{MemoryStore, StateRef};
use serde_json::Value;
use url::Url;

// ---------------------------------------------------------------------------------------------
// The scope type, written by hand.

/// `read`, `write`, `admin`, and the combination `read_write`; `read` by default.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ApiScope(u8);

impl ApiScope {
    pub const READ: ApiScope = ApiScope(1 << 0);
    pub const WRITE: ApiScope = ApiScope(1 << 1);
    pub const ADMIN: ApiScope = ApiScope(1 << 2);
}

impl Scopes for ApiScope {
    type Bits = u8;
    const DEFS: &'static [ScopeDef<u8>] = &[
        ScopeDef::single("read", 1 << 0),
        ScopeDef::single("write", 1 << 1),
        ScopeDef::single("admin", 1 << 2),
        ScopeDef::combined("read_write", (1 << 0) | (1 << 1)),
    ];
    const DEFAULT: u8 = 1 << 0;

    fn from_bits_retain(bits: u8) -> Self {
        ApiScope(bits)
    }

    fn bits(&self) -> u8 {
        self.0
    }
}

/// Parses a scope string of the harness's scope type.
pub fn scope(s: &str) -> ApiScope {
    ApiScope::parse(s).expect("a scope of the harness")
}

// ---------------------------------------------------------------------------------------------
// The client model, written by hand.

/// A registered client.
pub struct App {
    pub id: String,
    pub secret_hash: Option<String>,
    pub redirect_uris: Vec<String>,
    pub allowed: ApiScope,
    /// `None`: every grant the provider serves; `Some`: only these.
    pub grants: Option<Vec<&'static str>>,
    /// May introspect every client's access tokens.
    pub resource_server: bool,
    /// Authenticates with JWT assertions, `private_key_jwt` or `client_secret_jwt`.
    pub jwt: Option<JwtAuth>,
}

/// How a JWT-authenticating client is registered.
pub struct JwtAuth {
    /// `None`: a method the client model does not know.
    pub method: Option<AuthMethod>,
    pub jwks: Option<Value>,
    pub jwks_uri: Option<String>,
    /// The `client_secret_jwt` secret, in plain text.
    pub secret: Option<Vec<u8>>,
}

impl OAuthClient for App {
    type Scope = ApiScope;

    fn client_id(&self) -> &str {
        &self.id
    }

    fn secret_hash(&self) -> Option<&str> {
        self.secret_hash.as_deref()
    }

    fn redirect_uris(&self) -> &[String] {
        &self.redirect_uris
    }

    fn allowed_scope(&self) -> ApiScope {
        self.allowed
    }

    fn allows_grant_type(&self, grant_type: &str) -> bool {
        self.grants
            .as_ref()
            .is_none_or(|grants| grants.contains(&grant_type))
    }

    fn is_resource_server(&self) -> bool {
        self.resource_server
    }

    fn auth_method(&self) -> Option<AuthMethod> {
        self.jwt.as_ref()?.method
    }

    fn jwks(&self) -> Option<ClientKeys<'_>> {
        let jwt = self.jwt.as_ref()?;
        match (&jwt.jwks, &jwt.jwks_uri) {
            (Some(jwks), _) => Some(ClientKeys::Jwks(jwks)),
            (None, Some(uri)) => Some(ClientKeys::Uri(uri)),
            (None, None) => None,
        }
    }

    fn assertion_secret(&self) -> Option<&[u8]> {
        self.jwt.as_ref()?.secret.as_deref()
    }

    /// The native app may not ask for the administration API (RFC 8707 `invalid_target`).
    fn allows_resource(&self, resource: &str) -> bool {
        !(self.id == NATIVE && resource == ADMIN_RESOURCE)
    }
}

/// The resource servers of `resource_server()` (RFC 8707): the MCP server (the default, read
/// and write), the documents (read) and the administration API (admin and read).
pub const MCP_RESOURCE: &str = "https://mcp.example.com/mcp";
pub const DOCS_RESOURCE: &str = "https://docs.example.com/";
pub const ADMIN_RESOURCE: &str = "https://admin.example.com/api";

pub fn resources() -> ResourceServers<ApiScope> {
    ResourceServers::builder()
        .default_resource(MCP_RESOURCE, ApiScope::READ.union(ApiScope::WRITE))
        .resource(DOCS_RESOURCE, ApiScope::READ)
        .resource(ADMIN_RESOURCE, ApiScope::ADMIN.union(ApiScope::READ))
        .build()
        .unwrap()
}

/// A confidential web application: `client_secret_basic` or `client_secret_post`.
pub const WEB: &str = "web-app";
pub const WEB_SECRET: &str = "web-app-secret-7f3a9c";
pub const WEB_CALLBACK: &str = "https://app.example.com/cb";

/// A second confidential client, to steal the first one's codes and tokens.
pub const OTHER: &str = "other-app";
pub const OTHER_SECRET: &str = "other-app-secret-51b2";
pub const OTHER_CALLBACK: &str = "https://other.example.com/cb";

/// A protected resource (RFC 7662 §2.1): it may introspect every client's access tokens.
pub const API: &str = "api-resource";
pub const API_SECRET: &str = "api-resource-secret-3e8d";

/// A public native application (`none`): loopback and private-use scheme redirects.
pub const NATIVE: &str = "native-app";
pub const NATIVE_LOOPBACK: &str = "http://127.0.0.1/callback";
pub const NATIVE_SCHEME: &str = "com.example.app:/oauth2redirect";

/// A client whose id and secret need RFC 6749 Appendix B encoding in a Basic header.
pub const ODD: &str = "odd app:1/é";
pub const ODD_SECRET: &str = "p@ss:w+rd/%&=é ";

/// A confidential client whose secret a person chose: stored as argon2id.
pub const HUMAN: &str = "human-app";
pub const HUMAN_SECRET: &str = "correct horse battery staple";

/// Its stored secret, hashed once for every server of the suite.
fn human_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(HUMAN_SECRET)).clone()
}

/// A confidential client that may only use `client_credentials`.
pub const SERVICE: &str = "service-only";
pub const SERVICE_SECRET: &str = "service-only-secret-00";
pub const SERVICE_CALLBACK: &str = "https://service.example.com/cb";

/// A confidential client that may use `authorization_code` but not `refresh_token`.
pub const NO_REFRESH: &str = "no-refresh";
pub const NO_REFRESH_SECRET: &str = "no-refresh-secret-99";

/// A confidential client with two redirect URIs (one with a query of its own).
pub const MULTI: &str = "multi-app";
pub const MULTI_SECRET: &str = "multi-app-secret-42";
pub const MULTI_CALLBACK_A: &str = "https://multi.example.com/a";
pub const MULTI_CALLBACK_B: &str = "https://multi.example.com/b?tenant=7";

fn clients() -> Vec<App> {
    let confidential = |id: &str, secret: &str, uris: &[&str], allowed, grants| App {
        id: id.to_owned(),
        secret_hash: Some(hash_secret(secret)),
        redirect_uris: uris.iter().map(|u| (*u).to_owned()).collect(),
        allowed,
        grants,
        resource_server: false,
        jwt: None,
    };
    vec![
        confidential(
            WEB,
            WEB_SECRET,
            &[WEB_CALLBACK],
            ApiScope::READ.union(ApiScope::WRITE),
            None,
        ),
        confidential(
            OTHER,
            OTHER_SECRET,
            &[OTHER_CALLBACK],
            ApiScope::all(),
            None,
        ),
        App {
            id: NATIVE.to_owned(),
            secret_hash: None,
            redirect_uris: vec![NATIVE_LOOPBACK.to_owned(), NATIVE_SCHEME.to_owned()],
            allowed: ApiScope::READ.union(ApiScope::WRITE),
            grants: None,
            resource_server: false,
            jwt: None,
        },
        App {
            resource_server: true,
            jwt: None,
            ..confidential(API, API_SECRET, &[], ApiScope::empty(), None)
        },
        confidential(ODD, ODD_SECRET, &[], ApiScope::READ, None),
        App {
            secret_hash: Some(human_hash()),
            ..confidential(HUMAN, "", &[], ApiScope::READ, None)
        },
        confidential(
            SERVICE,
            SERVICE_SECRET,
            &[SERVICE_CALLBACK],
            ApiScope::all(),
            Some(vec!["client_credentials"]),
        ),
        confidential(
            NO_REFRESH,
            NO_REFRESH_SECRET,
            &[WEB_CALLBACK],
            ApiScope::READ,
            Some(vec!["authorization_code", "password"]),
        ),
        confidential(
            MULTI,
            MULTI_SECRET,
            &[MULTI_CALLBACK_A, MULTI_CALLBACK_B],
            ApiScope::READ,
            None,
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// The resource owner, written by hand.

pub struct User {
    pub name: String,
}

impl ResourceOwner for User {
    fn subject(&self) -> String {
        format!("user:{}", self.name)
    }
}

pub const ALICE: &str = "alice";
pub const ALICE_PASSWORD: &str = "wonderland";

// ---------------------------------------------------------------------------------------------
// The provider, written by hand.

/// An extension grant (RFC 6749 §8.3) served through the same dispatch as the standard ones.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// The only assertion the extension grant accepts, unless the configuration trusts issuers:
/// then the grant is `grant::jwt_bearer`'s (`jwt_bearer.rs`).
pub const GOOD_ASSERTION: &str = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.";

/// The grants the harness serves unless a test asks for more: the default table of RFC 9700
/// (no implicit, no password) and the extension grant.
pub const DEFAULT_GRANTS: &[GrantType] = &[
    GrantType::AuthorizationCode,
    GrantType::ClientCredentials,
    GrantType::RefreshToken,
    GrantType::Extension(JWT_BEARER),
];

/// Every grant the harness can serve.
pub const ALL_GRANTS: &[GrantType] = &[
    GrantType::AuthorizationCode,
    GrantType::Implicit,
    GrantType::Password,
    GrantType::ClientCredentials,
    GrantType::RefreshToken,
    GrantType::Extension(JWT_BEARER),
];

/// Every grant, RFC 8693 token exchange included: what `resource_server()` serves.
pub const EXCHANGE_GRANTS: &[GrantType] = &[
    GrantType::AuthorizationCode,
    GrantType::Implicit,
    GrantType::Password,
    GrantType::ClientCredentials,
    GrantType::RefreshToken,
    GrantType::Extension(JWT_BEARER),
    GrantType::Extension(token_exchange::GRANT_TYPE),
];

pub struct TestProvider {
    pub store: MemoryStore<App>,
    pub config: Config,
    /// What `grant_types` answers: the one switch of a grant.
    pub grants: &'static [GrantType],
    /// Every `token_revoked` event, in order.
    pub revocations: Mutex<Vec<RevokeReason>>,
    /// Owners removed since their grants were given.
    pub removed: Mutex<Vec<String>>,
    /// The session's CSRF token, when the consent hook reads decisions the safe way (only
    /// from a form POST carrying it); `None` for the shortcut most suites drive with a GET.
    pub csrf: Option<&'static str>,
    /// The resource servers of RFC 8707, if any.
    pub resources: Option<ResourceServers<ApiScope>>,
}

impl Provider for TestProvider {
    type Clients = MemoryStore<App>;
    type Tokens = MemoryStore<App>;
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

    fn grant_types(&self) -> &'static [GrantType] {
        self.grants
    }

    fn resources(&self) -> Option<&ResourceServers<ApiScope>> {
        self.resources.as_ref()
    }

    fn state_store(&self) -> Option<StateRef<'_>> {
        Some(StateRef::new(&self.store))
    }

    async fn authenticate_owner(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<User>, OAuthError> {
        Ok(
            (username == ALICE && password == ALICE_PASSWORD).then(|| User {
                name: ALICE.to_owned(),
            }),
        )
    }

    /// The owner is named by a `session` cookie; the `decision` parameter carries what they
    /// chose on the consent page (`approve` or `deny`) and `approve_scope` what they ticked.
    /// Without a decision the consent page itself is the response. With [`Self::csrf`] set,
    /// both are read through `form_field`, as a real consent page must.
    async fn consent(
        &self,
        request: &AuthorizationRequest<'_, App>,
    ) -> Result<Decision<ApiScope>, OAuthError> {
        let session = request
            .http()
            .headers
            .get(COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("session="));
        let Some(name) = session else {
            return Ok(Decision::Respond(login_page()));
        };
        let user = User {
            name: name.to_owned(),
        };
        let field = |name| match self.csrf {
            Some(csrf) => request.form_field(name, csrf),
            None => request.param(name),
        };
        match field("decision") {
            Some("approve") => {
                let approved = match field("approve_scope") {
                    Some(s) => ApiScope::parse(s).map_err(|_| {
                        OAuthError::new(ErrorCode::InvalidRequest, "bad consent form")
                    })?,
                    None => request.scope(),
                };
                Ok(Decision::approve(&user, approved))
            }
            Some("deny") => Ok(Decision::Deny),
            _ => Ok(Decision::Respond(login_page())),
        }
    }

    async fn extension_grant(
        &self,
        grant_type: &str,
        request: &TokenRequest<'_>,
        client: &App,
    ) -> Result<Grant<ApiScope>, OAuthError> {
        if grant_type == token_exchange::GRANT_TYPE {
            let exchange = token_exchange::Exchange::parse(request)?;
            return token_exchange::exchange(self, &exchange, client).await;
        }
        // With trusted issuers configured, the grant is the runtime's own (RFC 7523).
        #[cfg(feature = "jwt")]
        if grant_type == JWT_BEARER && !self.config.trusted_issuers.is_empty() {
            let assertion = oauth2_provider::grant::jwt_bearer::Assertion::parse(request)?;
            return oauth2_provider::grant::jwt_bearer::grant(self, &assertion, client).await;
        }
        if grant_type != JWT_BEARER {
            return Err(OAuthError::new(
                ErrorCode::UnsupportedGrantType,
                "the grant type is not supported",
            ));
        }
        if request.required("assertion")? != GOOD_ASSERTION {
            return Err(OAuthError::new(
                ErrorCode::InvalidGrant,
                "the assertion is invalid",
            ));
        }
        // The assertion decides the scope, which may exceed what the client may hold: the
        // runtime must cut that off.
        let scope = match request.param("scope") {
            Some(s) => ApiScope::parse(s)
                .map_err(|_| OAuthError::new(ErrorCode::InvalidScope, "unknown scope"))?,
            None => client.allowed_scope(),
        };
        Ok(Grant::for_owner("user:alice", scope).without_refresh_token())
    }

    async fn token_revoked(&self, event: &RevokeEvent<'_>) {
        self.revocations.lock().unwrap().push(event.reason);
    }

    async fn owner_active(&self, subject: &str) -> Result<bool, OAuthError> {
        Ok(!self.removed.lock().unwrap().iter().any(|s| s == subject))
    }
}

impl TestProvider {
    /// The owner `subject` is gone (deleted, disabled): their grants must stop working.
    pub fn remove_owner(&self, subject: &str) {
        self.removed.lock().unwrap().push(subject.to_owned());
    }
}

pub const LOGIN_PAGE: &str = "<form method=post>log in</form>";

fn login_page() -> Response<Bytes> {
    let mut response = Response::new(Bytes::from_static(LOGIN_PAGE.as_bytes()));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}

// ---------------------------------------------------------------------------------------------
// Servers.

pub type TestServer = Server<TestProvider>;

/// A server with the default configuration and every client of the harness.
pub fn server() -> TestServer {
    server_with(|_| {})
}

/// A server whose default configuration `configure` adjusts.
pub fn server_with(configure: impl FnOnce(&mut Config)) -> TestServer {
    serving(DEFAULT_GRANTS, configure)
}

/// A server serving `grants`, whose default configuration `configure` adjusts.
pub fn serving(grants: &'static [GrantType], configure: impl FnOnce(&mut Config)) -> TestServer {
    provider(grants, configure, None)
}

/// A server whose consent hook reads decisions only from a form POST carrying `csrf`.
pub fn csrf_server(csrf: &'static str) -> TestServer {
    provider(DEFAULT_GRANTS, |_| {}, Some(csrf))
}

fn provider(
    grants: &'static [GrantType],
    configure: impl FnOnce(&mut Config),
    csrf: Option<&'static str>,
) -> TestServer {
    Server::new(test_provider(grants, configure, csrf))
}

pub fn test_provider(
    grants: &'static [GrantType],
    configure: impl FnOnce(&mut Config),
    csrf: Option<&'static str>,
) -> TestProvider {
    let mut config = Config::default();
    configure(&mut config);
    let store = MemoryStore::new();
    for client in clients() {
        store.add_client(client);
    }
    TestProvider {
        store,
        config,
        grants,
        revocations: Mutex::new(Vec::new()),
        removed: Mutex::new(Vec::new()),
        csrf,
        resources: None,
    }
}

/// A server issuing tokens for `resources` (RFC 8707), with every grant and an issuer.
pub fn resource_server(resources: ResourceServers<ApiScope>) -> TestServer {
    let issuer = |c: &mut Config| c.issuer = Some("https://auth.example.com".to_owned());
    Server::new(TestProvider {
        resources: Some(resources),
        ..test_provider(EXCHANGE_GRANTS, issuer, None)
    })
}

/// A server serving the password grant too.
pub fn password_server() -> TestServer {
    serving(ALL_GRANTS, |_| {})
}

/// How many codes, access tokens and refresh tokens the store holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub codes: usize,
    pub access: usize,
    pub refresh: usize,
}

/// Nothing stored at all.
pub const EMPTY: Counts = Counts {
    codes: 0,
    access: 0,
    refresh: 0,
};

pub fn counts(server: &TestServer) -> Counts {
    let store = &server.provider().store;
    Counts {
        codes: store.code_count(),
        access: store.access_token_count(),
        refresh: store.refresh_token_count(),
    }
}

pub fn revocations(server: &TestServer) -> Vec<RevokeReason> {
    server.provider().revocations.lock().unwrap().clone()
}

// ---------------------------------------------------------------------------------------------
// Requests.

/// How the client authenticates at the token endpoint.
#[derive(Clone, Copy, Debug)]
pub enum Auth<'a> {
    /// `client_secret_basic`, id and secret form-urlencoded as RFC 6749 §2.3.1 requires.
    Basic(&'a str, &'a str),
    /// `client_secret_post`.
    Post(&'a str, &'a str),
    /// `none`: `client_id` alone.
    Public(&'a str),
    /// A JWT client assertion (RFC 7523 §2.2), without `client_id`.
    Assertion(&'a str),
    /// No client credentials at all.
    Nothing,
}

/// `client_assertion_type` for a JWT (RFC 7523 §2.2).
pub const JWT_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`.
pub fn basic(id: &str, secret: &str) -> HeaderValue {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let raw = format!("{}:{}", encode(id), encode(secret));
    HeaderValue::try_from(format!("Basic {}", STANDARD.encode(raw))).unwrap()
}

/// A token request: POST `/token`, form-encoded, with the client's credentials.
pub fn token_request(auth: Auth<'_>, params: &[(&str, &str)]) -> Request<Bytes> {
    let mut pairs: Vec<(&str, &str)> = params.to_vec();
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri("https://auth.example.com/token")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
    match auth {
        Auth::Basic(id, secret) => builder = builder.header(AUTHORIZATION, basic(id, secret)),
        Auth::Post(id, secret) => {
            pairs.push(("client_id", id));
            pairs.push(("client_secret", secret));
        }
        Auth::Public(id) => pairs.push(("client_id", id)),
        Auth::Assertion(jwt) => {
            pairs.push(("client_assertion_type", JWT_ASSERTION));
            pairs.push(("client_assertion", jwt));
        }
        Auth::Nothing => {}
    }
    builder.body(Bytes::from(form_encode(&pairs))).unwrap()
}

/// A parsed token-endpoint (or any JSON) response.
#[derive(Debug)]
pub struct JsonReply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl JsonReply {
    pub fn from_response(response: Response<Bytes>) -> Self {
        let (parts, body) = response.into_parts();
        let body = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "a {} response whose body is not JSON ({e}): {:?}",
                parts.status, body
            )
        });
        JsonReply {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    pub fn str(&self, field: &str) -> &str {
        self.body[field]
            .as_str()
            .unwrap_or_else(|| panic!("no string `{field}` in {}", self.body))
    }

    pub fn access_token(&self) -> &str {
        self.str("access_token")
    }

    pub fn refresh_token(&self) -> &str {
        self.str("refresh_token")
    }

    pub fn header(&self, name: http::header::HeaderName) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

/// Sends a token request and parses the JSON answer.
pub async fn token(server: &TestServer, auth: Auth<'_>, params: &[(&str, &str)]) -> JsonReply {
    JsonReply::from_response(server.token(token_request(auth, params)).await)
}

/// RFC 6749 §5.1 headers, on successes and errors alike.
pub fn assert_no_store(reply: &JsonReply) {
    assert_eq!(reply.header(CACHE_CONTROL), Some("no-store"), "{reply:?}");
    assert_eq!(reply.header(PRAGMA), Some("no-cache"), "{reply:?}");
    assert!(
        reply
            .header(CONTENT_TYPE)
            .is_some_and(|v| v.starts_with("application/json")),
        "{reply:?}"
    );
}

/// A §5.1 success: 200, `Bearer`, a fresh 256-bit base64url access token, the cache headers.
pub fn assert_token_ok(reply: &JsonReply) {
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_no_store(reply);
    assert_eq!(reply.str("token_type"), "Bearer");
    assert_is_256_bit_token(reply.access_token());
    assert!(reply.body["expires_in"].as_u64().is_some_and(|s| s > 0));
    if let Some(refresh) = reply.body.get("refresh_token") {
        assert_is_256_bit_token(refresh.as_str().unwrap());
    }
}

/// 256 bits from base64url without padding: 43 characters that decode to 32 bytes (the first
/// 12 bits the grant family's tag, the other 244 the token's own).
pub fn assert_is_256_bit_token(token: &str) {
    assert_eq!(token.len(), 43, "{token}");
    let bytes = URL_SAFE_NO_PAD
        .decode(token)
        .expect("a token is base64url without padding");
    assert_eq!(bytes.len(), 32);
}

/// A §5.2 error: the status, the `error` code, the cache headers, a description fit for the
/// wire that gives away none of the values the client sent (`sent`).
pub fn assert_token_error(reply: &JsonReply, status: StatusCode, code: &str, sent: &[&str]) {
    assert_eq!(reply.status, status, "{:?}", reply.body);
    assert_eq!(reply.str("error"), code, "{:?}", reply.body);
    assert_no_store(reply);
    assert!(reply.body.get("access_token").is_none());
    assert_description_is_clean(reply.str("error_description"), sent);
    if status == StatusCode::UNAUTHORIZED {
        assert!(
            reply
                .header(WWW_AUTHENTICATE)
                .is_some_and(|v| v.starts_with("Basic")),
            "a 401 from the token endpoint challenges with Basic: {reply:?}"
        );
    }
}

/// RFC 6749 §5.2: printable ASCII without `"` or `\`; and no echo of request values.
pub fn assert_description_is_clean(description: &str, sent: &[&str]) {
    assert!(!description.is_empty());
    assert!(
        description
            .bytes()
            .all(|b| matches!(b, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E)),
        "{description:?}"
    );
    for value in sent {
        assert!(
            !description.contains(value),
            "error_description {description:?} echoes {value:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The authorization endpoint.

/// RFC 7636 Appendix B: a verifier and its S256 challenge.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// A GET to the authorization endpoint with these query parameters, as `alice` when `session`.
pub fn authorize_request(params: &[(&str, &str)], session: Option<&str>) -> Request<Bytes> {
    let uri = format!("https://auth.example.com/authorize?{}", form_encode(params));
    let mut builder = Request::builder().method(Method::GET).uri(uri);
    if let Some(name) = session {
        builder = builder.header(COOKIE, format!("session={name}"));
    }
    builder.body(Bytes::new()).unwrap()
}

/// A response of the authorization endpoint.
#[derive(Debug)]
pub struct AuthorizeReply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl AuthorizeReply {
    pub fn from_response(response: Response<Bytes>) -> Self {
        let (parts, body) = response.into_parts();
        AuthorizeReply {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// The redirect target; panics when this is not a redirect.
    pub fn location(&self) -> Url {
        assert!(
            self.status == StatusCode::FOUND || self.status == StatusCode::SEE_OTHER,
            "expected a redirect, got {} {:?}",
            self.status,
            self.body
        );
        let location = self.headers.get(LOCATION).expect("a Location header");
        Url::parse(location.to_str().unwrap()).expect("an absolute Location")
    }

    /// The redirect's query parameters.
    pub fn query(&self) -> HashMap<String, String> {
        pairs_of(self.location().query().unwrap_or_default())
    }

    /// The redirect's fragment parameters.
    pub fn fragment(&self) -> HashMap<String, String> {
        pairs_of(self.location().fragment().unwrap_or_default())
    }

    /// The location without query or fragment.
    pub fn target(&self) -> String {
        let mut url = self.location();
        url.set_query(None);
        url.set_fragment(None);
        url.to_string()
    }

    /// An error shown to the user agent, not redirected: status, no `Location`, the code named.
    pub fn assert_shown(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "{:?}", self.body);
        assert!(
            self.headers.get(LOCATION).is_none(),
            "an error about the client or redirect URI must not redirect: {self:?}"
        );
        // RFC 6749 §5.2 JSON for a client without `Accept: text/html`.
        let body: Value = serde_json::from_slice(&self.body).expect("a JSON error body");
        assert_eq!(body["error"], code, "{body}");
        assert_eq!(self.headers[CACHE_CONTROL], "no-store");
    }
}

pub fn pairs_of(s: &str) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(s.as_bytes()) {
        assert!(
            map.insert(k.to_string(), v.to_string()).is_none(),
            "parameter {k} repeated in {s:?}"
        );
    }
    map
}

pub async fn authorize(
    server: &TestServer,
    params: &[(&str, &str)],
    session: Option<&str>,
) -> AuthorizeReply {
    AuthorizeReply::from_response(server.authorize(authorize_request(params, session)).await)
}

/// Alice approves a code request of `client` for `scope` with the RFC 7636 S256 challenge;
/// returns the code.
pub async fn code_for(
    server: &TestServer,
    client: &str,
    redirect_uri: &str,
    scope: &str,
) -> String {
    let reply = authorize(
        server,
        &[
            ("response_type", "code"),
            ("client_id", client),
            ("redirect_uri", redirect_uri),
            ("scope", scope),
            ("state", "xyz"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("decision", "approve"),
        ],
        Some(ALICE),
    )
    .await;
    let query = reply.query();
    assert_eq!(query.get("state").map(String::as_str), Some("xyz"));
    query
        .get("code")
        .unwrap_or_else(|| panic!("no code in {query:?}"))
        .clone()
}

/// The whole code flow for the confidential web client: returns the token response.
pub async fn web_tokens(server: &TestServer, scope: &str) -> JsonReply {
    let code = code_for(server, WEB, WEB_CALLBACK, scope).await;
    let reply = token(
        server,
        Auth::Basic(WEB, WEB_SECRET),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", WEB_CALLBACK),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_token_ok(&reply);
    reply
}

// ---------------------------------------------------------------------------------------------
// The resource-server side.

pub fn bearer_headers(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::try_from(format!("Bearer {token}")).unwrap(),
    );
    headers
}

/// `true` when `token` is a valid access token carrying `required`.
pub async fn token_is_valid(server: &TestServer, token: &str, required: ApiScope) -> bool {
    server
        .bearer(&bearer_headers(token), required)
        .await
        .is_ok()
}

/// Shared ownership for concurrency tests.
pub fn shared(server: TestServer) -> Arc<TestServer> {
    Arc::new(server)
}

// ---------------------------------------------------------------------------------------------
// Bad input (tests/bad_input_*.rs).

/// A request with exactly this method, URI, headers (raw bytes, repeats kept) and body.
pub fn raw_request(
    method: Method,
    uri: &str,
    headers: &[(http::header::HeaderName, &[u8])],
    body: impl Into<Bytes>,
) -> Request<Bytes> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(name, HeaderValue::from_bytes(value).unwrap());
    }
    builder.body(body.into()).unwrap()
}

/// An `error_description` (or an error page) that names no internals: no Rust paths or type
/// names, no source files, no debug formatting, no panic text.
pub fn assert_no_internals(text: &str) {
    for tell in [
        "::",
        ".rs",
        "src/",
        "/root",
        "/home",
        "/work",
        "panick",
        "Error",
        "Some(",
        "None",
        "Ok(",
        "Err(",
        "{",
        "}",
        "0x",
        "oauth2_provider",
        "StoreError",
        "OAuthError",
    ] {
        assert!(
            !text.contains(tell),
            "{text:?} gives away internals ({tell:?})"
        );
    }
}
