//! `#[oauth2_provider::provider(...)]` end to end: a provider written with the macro, over the
//! memory store, driven through `Server` with real `http::Request<Bytes>` values. Every test
//! checks what the generated dispatch table and the generated hook delegation do on the wire.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, LOCATION};
use http::{Method, Request, Response, StatusCode};
use oauth2_provider::config::Config;
use oauth2_provider::error::{ErrorCode, OAuthError, StoreError};
use oauth2_provider::grant::GrantType;
use oauth2_provider::grant::{Grant, TokenRequest};
use oauth2_provider::limit::{Attempt, Throttled};
use oauth2_provider::provider::{AuthorizationRequest, Decision};
use oauth2_provider::provider::{Provider, RevokeEvent, RevokeReason, TokenEvent};
use oauth2_provider::secret::hash_secret;
use oauth2_provider::store::{ClientStore, MemoryStore};
use oauth2_provider::{OAuthClient, ResourceOwner, Server, scopes};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// The models, with the macros.

#[scopes(read = 1 << 0, write = 1 << 1, admin = 1 << 2, default = read)]
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

const WEB: &str = "web";
const WEB_SECRET: &str = "web-secret-3d1f";
const CALLBACK: &str = "https://web.example/cb";
/// A client whose tokens the `before_issue` hook narrows to `read`.
const NARROW: &str = "narrow";
const NARROW_SECRET: &str = "narrow-secret-77a0";
/// A client allowed `write` only: the password override's `read` is beyond it.
const WRITER: &str = "writer";
const WRITER_SECRET: &str = "writer-secret-c41e";
/// A client whose tokens the `before_issue` hook widens with `admin`, beyond what it may hold.
const WIDEN: &str = "widen";
const WIDEN_SECRET: &str = "widen-secret-90b7";

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const DEVICE: &str = "urn:example:params:grant-type:device";
const GOOD_ASSERTION: &str = "assertion-for-carol";
const ISSUED_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

fn app(id: &str, secret: &str, allowed: Scope) -> App {
    App {
        id: id.to_owned(),
        secret: Some(hash_secret(secret)),
        callbacks: vec![CALLBACK.to_owned()],
        allowed,
    }
}

fn store() -> MemoryStore<App> {
    let store = MemoryStore::new();
    store.add_client(app(WEB, WEB_SECRET, Scope::all()));
    store.add_client(app(NARROW, NARROW_SECRET, Scope::READ | Scope::WRITE));
    store.add_client(app(WRITER, WRITER_SECRET, Scope::WRITE));
    store.add_client(app(WIDEN, WIDEN_SECRET, Scope::READ | Scope::WRITE));
    store
}

fn config() -> Config {
    Config::default()
}

// ---------------------------------------------------------------------------------------------
// The provider, with the macro.

/// Every hook call, in order.
#[derive(Default)]
struct Log(Mutex<Vec<String>>);

impl Log {
    fn push(&self, entry: String) {
        self.0.lock().unwrap().push(entry);
    }

    fn entries(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    fn count(&self, prefix: &str) -> usize {
        self.entries()
            .iter()
            .filter(|entry| entry.starts_with(prefix))
            .count()
    }
}

struct MyProvider {
    store: MemoryStore<App>,
    config: Config,
    log: Log,
}

#[oauth2_provider::provider(
    owner = User,
    grants(authorization_code, refresh_token, client_credentials, password),
)]
impl MyProvider {
    #[provider(store)]
    fn clients_and_tokens(&self) -> &MemoryStore<App> {
        &self.store
    }

    #[provider(config)]
    fn settings(&self) -> &Config {
        &self.config
    }

    /// The house rule: a password is the username followed by `-pass`; the token is always
    /// `read`, whatever was asked, for the subject `pw:<username>`, without a refresh token.
    #[grant(password)]
    async fn password(
        &self,
        request: &TokenRequest<'_>,
        client: &App,
    ) -> Result<Grant<Scope>, OAuthError> {
        let username = request.required("username")?;
        let password = request.required("password")?;
        if password.strip_suffix("-pass") != Some(username) {
            return Err(OAuthError::new(
                ErrorCode::InvalidGrant,
                "the username or password is wrong",
            ));
        }
        self.log.push(format!("password {} {username}", client.id));
        Ok(Grant::for_owner(format!("pw:{username}"), Scope::READ).without_refresh_token())
    }

    /// Machines must name an `audience`; they get what they ask within what they may hold.
    #[grant(client_credentials)]
    async fn machine(
        &self,
        request: &TokenRequest<'_>,
        client: &App,
    ) -> Result<Grant<Scope>, OAuthError> {
        let audience = request.required("audience")?;
        self.log.push(format!("client_credentials {audience}"));
        Ok(Grant::for_client(request.scope_within(client.allowed)?))
    }

    #[grant("urn:ietf:params:oauth:grant-type:jwt-bearer")]
    async fn jwt_bearer(
        &self,
        request: &TokenRequest<'_>,
        client: &App,
    ) -> Result<Grant<Scope>, OAuthError> {
        if request.required("assertion")? != GOOD_ASSERTION {
            return Err(OAuthError::new(
                ErrorCode::InvalidGrant,
                "the assertion is invalid",
            ));
        }
        self.log
            .push(format!("jwt-bearer {}", request.grant_type()));
        // RFC 8693 §2.2.1's member, as an exchange would send it; a §5.1 member stays the
        // runtime's.
        Ok(
            Grant::for_owner("carol", request.scope_within(client.allowed)?)
                .with_response_member("issued_token_type", ISSUED_TOKEN_TYPE)
                .with_response_member("access_token", "forged"),
        )
    }

    /// A second extension grant: the arm of the generated `match` must pick the right method.
    #[grant("urn:example:params:grant-type:device")]
    async fn device(
        &self,
        request: &TokenRequest<'_>,
        _client: &App,
    ) -> Result<Grant<Scope>, OAuthError> {
        self.log.push(format!("device {}", request.grant_type()));
        Ok(Grant::for_client(Scope::ADMIN))
    }

    /// The owner is the `session` cookie; `decision` says what they chose.
    #[hook(consent)]
    async fn ask_the_owner(
        &self,
        request: &AuthorizationRequest<'_, App>,
    ) -> Result<Decision<Scope>, OAuthError> {
        let session = request
            .http()
            .headers
            .get(COOKIE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("session="));
        self.log.push(format!("consent {}", request.client().id));
        match (session, request.param("decision")) {
            (Some(name), Some("approve")) => Ok(Decision::approve(
                &User {
                    name: name.to_owned(),
                },
                request.scope(),
            )),
            (Some(_), Some("deny")) => Ok(Decision::Deny),
            _ => Ok(Decision::Respond(Response::new(Bytes::from_static(
                b"log in",
            )))),
        }
    }

    /// Written as a plain `fn` returning a `Send` future, with lifetimes of its own.
    #[hook(lookup_client)]
    #[allow(clippy::needless_lifetimes)] // named on purpose: the macro copes with them
    fn find_client<'s, 'c>(
        &'s self,
        client_id: &'c str,
    ) -> impl Future<Output = Result<Option<Arc<App>>, StoreError>> + Send {
        self.log.push(format!("lookup {client_id}"));
        self.store.find_client(client_id)
    }

    #[hook(before_issue)]
    async fn narrow(
        &self,
        grant_type: GrantType,
        client: &App,
        grant: &mut Grant<Scope>,
    ) -> Result<(), OAuthError> {
        self.log.push(format!(
            "before_issue {} {}",
            grant_type.as_str(),
            client.id
        ));
        if client.id == NARROW {
            grant.scope &= Scope::READ;
        }
        if client.id == WIDEN {
            grant.scope |= Scope::ADMIN;
        }
        Ok(())
    }

    #[hook(token_issued)]
    async fn audit(&self, event: &TokenEvent<'_, Scope>) {
        self.log.push(format!(
            "issued {} {} {} {}",
            event.grant_type.as_str(),
            event.client_id,
            event.subject.unwrap_or("-"),
            event.scope,
        ));
    }

    #[hook(token_revoked)]
    async fn revoked(&self, event: &RevokeEvent<'_>) {
        self.log.push(format!("revoked {:?}", event.reason));
        assert_eq!(self.helper(), 7);
    }

    /// Counts every guess, then draws on the configured budgets.
    #[hook(throttle)]
    async fn budget(&self, attempt: &Attempt<'_>) -> Result<(), Throttled> {
        self.log.push(format!("throttle {:?}", attempt.target));
        self.config.limits.admit(attempt)
    }

    /// `mallory` left: her grants must stop at the next refresh.
    #[hook(owner_active)]
    async fn still_here(&self, subject: &str) -> Result<bool, OAuthError> {
        self.log.push(format!("owner_active {subject}"));
        Ok(subject != "mallory")
    }

    /// Ordinary methods stay ordinary.
    fn helper(&self) -> u8 {
        7
    }
}

fn server() -> Server<MyProvider> {
    Server::new(MyProvider {
        store: store(),
        config: config(),
        log: Log::default(),
    })
}

fn log(server: &Server<MyProvider>) -> &Log {
    &server.provider().log
}

// ---------------------------------------------------------------------------------------------
// Requests and replies.

fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn basic(id: &str, secret: &str) -> String {
    use base64::Engine as _;
    let raw = format!("{id}:{secret}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

fn token_request(client: (&str, &str), params: &[(&str, &str)]) -> Request<Bytes> {
    Request::builder()
        .method(Method::POST)
        .uri("https://auth.example/token")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(AUTHORIZATION, basic(client.0, client.1))
        .body(Bytes::from(form(params)))
        .unwrap()
}

/// Status and JSON body of a token response.
async fn token<P: Provider>(
    server: &Server<P>,
    client: (&str, &str),
    params: &[(&str, &str)],
) -> (StatusCode, Value) {
    let response = server.token(token_request(client, params)).await;
    let status = response.status();
    let body = serde_json::from_slice(response.body()).expect("a JSON body");
    (status, body)
}

fn assert_error(reply: &(StatusCode, Value), status: StatusCode, code: &str) {
    assert_eq!(reply.0, status, "{}", reply.1);
    assert_eq!(reply.1["error"], code, "{}", reply.1);
    assert!(reply.1.get("access_token").is_none());
}

fn assert_issued(reply: &(StatusCode, Value), scope: &str) {
    assert_eq!(reply.0, StatusCode::OK, "{}", reply.1);
    assert_eq!(reply.1["token_type"], "Bearer");
    assert_eq!(reply.1["access_token"].as_str().map(str::len), Some(43));
    assert_eq!(reply.1["scope"], scope, "{}", reply.1);
}

const WEB_CLIENT: (&str, &str) = (WEB, WEB_SECRET);

/// A GET to the authorization endpoint, as `session` when given; the redirect's query (or
/// fragment) parameters, or the response's status when it is no redirect.
async fn authorize(
    server: &Server<MyProvider>,
    params: &[(&str, &str)],
    session: Option<&str>,
) -> Result<HashMap<String, String>, StatusCode> {
    let mut request = Request::builder()
        .method(Method::GET)
        .uri(format!("https://auth.example/authorize?{}", form(params)));
    if let Some(name) = session {
        request = request.header(COOKIE, format!("session={name}"));
    }
    let response = server.authorize(request.body(Bytes::new()).unwrap()).await;
    let Some(location) = response.headers().get(LOCATION) else {
        return Err(response.status());
    };
    let url = url::Url::parse(location.to_str().unwrap()).unwrap();
    assert!(url.as_str().starts_with(CALLBACK), "{url}");
    let fragment = url::form_urlencoded::parse(url.fragment().unwrap_or_default().as_bytes());
    Ok(url
        .query_pairs()
        .chain(fragment)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect())
}

fn code_request<'a>(decision: &'a str, scope: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", WEB),
        ("redirect_uri", CALLBACK),
        ("scope", scope),
        ("state", "s1"),
        ("decision", decision),
    ]
}

// ---------------------------------------------------------------------------------------------
// The dispatch table.

#[test]
fn grant_types_is_the_listed_table() {
    let server = server();
    assert_eq!(
        server.provider().grant_types(),
        &[
            GrantType::AuthorizationCode,
            GrantType::RefreshToken,
            GrantType::ClientCredentials,
            GrantType::Password,
            GrantType::Extension(JWT_BEARER),
            GrantType::Extension(DEVICE),
        ]
    );
    // A `static` table: the same slice on every call.
    assert!(std::ptr::eq(
        server.provider().grant_types(),
        server.provider().grant_types()
    ));
}

#[tokio::test]
async fn a_grant_not_listed_is_unsupported() {
    let server = server();
    // `implicit` is not in `grants(...)`: neither its response type nor a token request for it.
    let reply = token(&server, WEB_CLIENT, &[("grant_type", "implicit")]).await;
    assert_error(&reply, StatusCode::BAD_REQUEST, "unsupported_grant_type");
    let query = authorize(
        &server,
        &[
            ("response_type", "token"),
            ("client_id", WEB),
            ("redirect_uri", CALLBACK),
            ("decision", "approve"),
        ],
        Some("alice"),
    )
    .await;
    assert_eq!(query.unwrap()["error"], "unsupported_response_type");
    assert_eq!(log(&server).count("consent"), 0);
}

// ---------------------------------------------------------------------------------------------
// Overridden grants.

#[tokio::test]
async fn the_overridden_password_grant_applies_its_own_rule() {
    let server = server();
    let reply = token(
        &server,
        WEB_CLIENT,
        &[
            ("grant_type", "password"),
            ("username", "dave"),
            ("password", "dave-pass"),
            ("scope", "read write"),
        ],
    )
    .await;
    // The house rule: always `read`, never a refresh token, for `pw:dave`.
    assert_issued(&reply, "read");
    assert!(reply.1.get("refresh_token").is_none());
    assert!(
        log(&server)
            .entries()
            .contains(&"issued password web pw:dave read".to_owned()),
        "{:?}",
        log(&server).entries()
    );

    let wrong = token(
        &server,
        WEB_CLIENT,
        &[
            ("grant_type", "password"),
            ("username", "dave"),
            ("password", "wonderland"),
        ],
    )
    .await;
    assert_error(&wrong, StatusCode::BAD_REQUEST, "invalid_grant");
    assert_eq!(log(&server).count("password"), 1);
}

#[tokio::test]
async fn the_overridden_client_credentials_grant_applies_its_own_rule() {
    let server = server();
    let missing = token(
        &server,
        WEB_CLIENT,
        &[("grant_type", "client_credentials"), ("scope", "write")],
    )
    .await;
    assert_error(&missing, StatusCode::BAD_REQUEST, "invalid_request");

    let reply = token(
        &server,
        WEB_CLIENT,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "write"),
            ("audience", "billing"),
        ],
    )
    .await;
    assert_issued(&reply, "write");
    assert_eq!(
        log(&server).count("client_credentials billing"),
        1,
        "{:?}",
        log(&server).entries()
    );
}

// ---------------------------------------------------------------------------------------------
// Extension grants.

#[tokio::test]
async fn an_extension_grant_is_served_end_to_end() {
    let server = server();
    let reply = token(
        &server,
        WEB_CLIENT,
        &[
            ("grant_type", JWT_BEARER),
            ("assertion", GOOD_ASSERTION),
            ("scope", "read admin"),
        ],
    )
    .await;
    assert_issued(&reply, "read admin");
    assert_eq!(reply.1["issued_token_type"], ISSUED_TOKEN_TYPE);
    let entries = log(&server).entries();
    assert!(
        entries.contains(&format!("jwt-bearer {JWT_BEARER}")),
        "{entries:?}"
    );
    assert!(
        entries.contains(&format!("issued {JWT_BEARER} web carol read admin")),
        "{entries:?}"
    );

    let bad = token(
        &server,
        WEB_CLIENT,
        &[("grant_type", JWT_BEARER), ("assertion", "forged")],
    )
    .await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn each_extension_grant_reaches_its_own_method() {
    let server = server();
    let reply = token(&server, WEB_CLIENT, &[("grant_type", DEVICE)]).await;
    assert_issued(&reply, "admin");
    assert_eq!(log(&server).count("device "), 1);
    assert_eq!(log(&server).count("jwt-bearer"), 0);
}

#[tokio::test]
async fn an_unknown_extension_grant_is_unsupported() {
    let server = server();
    let reply = token(
        &server,
        WEB_CLIENT,
        &[
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:saml2-bearer",
            ),
            ("assertion", GOOD_ASSERTION),
        ],
    )
    .await;
    assert_error(&reply, StatusCode::BAD_REQUEST, "unsupported_grant_type");
    assert_eq!(log(&server).count("issued"), 0);
}

// ---------------------------------------------------------------------------------------------
// Hooks.

#[tokio::test]
async fn before_issue_narrows_the_scope() {
    let server = server();
    let reply = token(
        &server,
        (NARROW, NARROW_SECRET),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "read write"),
            ("audience", "api"),
        ],
    )
    .await;
    assert_issued(&reply, "read");
    let entries = log(&server).entries();
    assert!(
        entries.contains(&"before_issue client_credentials narrow".to_owned()),
        "{entries:?}"
    );
    assert!(
        entries.contains(&"issued client_credentials narrow - read".to_owned()),
        "{entries:?}"
    );
}

/// The scope ceiling holds for every grant: an override or the `before_issue` hook that hands
/// out more than the client may hold issues nothing.
#[tokio::test]
async fn nothing_wider_than_the_client_may_hold_is_issued() {
    let server = server();
    // The password override always grants `read`; this client may hold `write` only.
    let password = token(
        &server,
        (WRITER, WRITER_SECRET),
        &[
            ("grant_type", "password"),
            ("username", "dave"),
            ("password", "dave-pass"),
        ],
    )
    .await;
    assert_error(&password, StatusCode::BAD_REQUEST, "invalid_scope");
    // The client credentials override asks within the client's scope; the hook adds `admin`.
    let widened = token(
        &server,
        (WIDEN, WIDEN_SECRET),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "read"),
            ("audience", "api"),
        ],
    )
    .await;
    assert_error(&widened, StatusCode::BAD_REQUEST, "invalid_scope");
    // Both handlers ran; neither issued anything.
    assert_eq!(log(&server).count("password writer"), 1);
    assert_eq!(log(&server).count("before_issue"), 2);
    assert_eq!(log(&server).count("issued"), 0);
    assert_eq!(server.provider().store.access_token_count(), 0);
}

#[tokio::test]
async fn lookup_client_finds_every_client() {
    let server = server();
    let reply = token(
        &server,
        WEB_CLIENT,
        &[("grant_type", "client_credentials"), ("audience", "api")],
    )
    .await;
    assert_issued(&reply, "read");
    assert_eq!(log(&server).count("lookup web"), 1);

    let unknown = token(
        &server,
        ("nobody", "secret"),
        &[("grant_type", "client_credentials"), ("audience", "api")],
    )
    .await;
    assert_error(&unknown, StatusCode::UNAUTHORIZED, "invalid_client");
    assert_eq!(log(&server).count("lookup nobody"), 1);
}

#[tokio::test]
async fn consent_approves_through_the_authorization_endpoint() {
    let server = server();
    let query = authorize(
        &server,
        &code_request("approve", "read write"),
        Some("erin"),
    )
    .await
    .expect("a redirect");
    assert_eq!(query["state"], "s1");
    let code = &query["code"];
    assert_eq!(log(&server).count("consent web"), 1);

    let reply = token(
        &server,
        WEB_CLIENT,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await;
    assert_issued(&reply, "read write");
    assert!(reply.1["refresh_token"].is_string());
    let entries = log(&server).entries();
    assert!(
        entries.contains(&"issued authorization_code web erin read write".to_owned()),
        "{entries:?}"
    );

    // The refresh grant, listed, is served too.
    let refreshed = token(
        &server,
        WEB_CLIENT,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", reply.1["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_issued(&refreshed, "read write");
}

#[tokio::test]
async fn owner_active_is_asked_on_refresh_and_a_gone_owner_loses_the_grant() {
    let server = server();
    for (user, refreshed) in [
        ("erin", StatusCode::OK),
        ("mallory", StatusCode::BAD_REQUEST),
    ] {
        let query = authorize(&server, &code_request("approve", "read"), Some(user))
            .await
            .expect("a redirect");
        let params = [
            ("grant_type", "authorization_code"),
            ("code", query["code"].as_str()),
            ("redirect_uri", CALLBACK),
        ];
        let reply = token(&server, WEB_CLIENT, &params).await;
        let refresh = [
            ("grant_type", "refresh_token"),
            ("refresh_token", reply.1["refresh_token"].as_str().unwrap()),
        ];
        let again = token(&server, WEB_CLIENT, &refresh).await;
        assert_eq!(again.0, refreshed, "{user}: {:?}", again.1);
        assert_eq!(log(&server).count(&format!("owner_active {user}")), 1);
    }
}

#[tokio::test]
async fn throttle_is_asked_before_a_slow_secret_check() {
    let server = server();
    let reply = token(
        &server,
        ("no-such-client", "a guess"),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(reply.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        log(&server).count("throttle ClientSecret { client_id: \"no-such-client\" }"),
        1
    );
}

#[tokio::test]
async fn consent_denies_and_responds_through_the_authorization_endpoint() {
    let server = server();
    let query = authorize(&server, &code_request("deny", "read"), Some("erin"))
        .await
        .expect("a redirect");
    assert_eq!(query["error"], "access_denied");
    assert!(!query.contains_key("code"));

    // No session: the hook's own response (a login page) goes back as it is.
    let page = authorize(&server, &code_request("approve", "read"), None).await;
    assert_eq!(page, Err(StatusCode::OK));
    assert_eq!(log(&server).count("consent web"), 2);
    assert_eq!(log(&server).count("issued"), 0);
}

#[tokio::test]
async fn token_revoked_runs_on_code_replay() {
    let server = server();
    let query = authorize(&server, &code_request("approve", "read"), Some("erin"))
        .await
        .expect("a redirect");
    let params = [
        ("grant_type", "authorization_code"),
        ("code", query["code"].as_str()),
        ("redirect_uri", CALLBACK),
    ];
    assert_issued(&token(&server, WEB_CLIENT, &params).await, "read");
    assert_eq!(log(&server).count("revoked"), 0);

    let replay = token(&server, WEB_CLIENT, &params).await;
    assert_error(&replay, StatusCode::BAD_REQUEST, "invalid_grant");
    assert_eq!(
        log(&server).count(&format!("revoked {:?}", RevokeReason::CodeReplay)),
        1,
        "{:?}",
        log(&server).entries()
    );
}

// ---------------------------------------------------------------------------------------------
// A generic provider.

/// A provider generic over a tag, serving only `client_credentials` with the default handler;
/// its one hook is written as a `fn` returning a `Send` future.
struct Tagged<T> {
    store: MemoryStore<App>,
    config: Config,
    tag: T,
    issued: Mutex<Vec<String>>,
}

#[oauth2_provider::provider(owner = User, grants(client_credentials))]
impl<T: Send + Sync + 'static> Tagged<T>
where
    T: std::fmt::Display,
{
    #[provider(store)]
    fn store(&self) -> &MemoryStore<App> {
        &self.store
    }

    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }

    #[hook(token_issued)]
    fn token_issued(&self, event: &TokenEvent<'_, Scope>) -> impl Future<Output = ()> + Send {
        let entry = format!("{} {} {}", self.tag, event.client_id, event.scope);
        self.issued.lock().unwrap().push(entry);
        async {}
    }
}

fn tagged() -> Server<Tagged<&'static str>> {
    Server::new(Tagged {
        store: store(),
        config: config(),
        tag: "tag-1",
        issued: Mutex::new(Vec::new()),
    })
}

#[tokio::test]
async fn a_generic_provider_serves_its_grants() {
    let server = tagged();
    assert_eq!(
        server.provider().grant_types(),
        &[GrantType::ClientCredentials]
    );
    let reply = token(
        &server,
        WEB_CLIENT,
        &[("grant_type", "client_credentials"), ("scope", "admin")],
    )
    .await;
    assert_issued(&reply, "admin");
    assert_eq!(
        *server.provider().issued.lock().unwrap(),
        ["tag-1 web admin"]
    );
}

#[tokio::test]
async fn a_generic_provider_refuses_the_grants_it_does_not_list() {
    let server = tagged();
    // `password` is switched on in the configuration but not listed.
    for grant_type in [
        "password",
        "authorization_code",
        "refresh_token",
        JWT_BEARER,
    ] {
        let reply = token(
            &server,
            WEB_CLIENT,
            &[
                ("grant_type", grant_type),
                ("username", "dave"),
                ("password", "dave-pass"),
            ],
        )
        .await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    assert!(server.provider().issued.lock().unwrap().is_empty());
}
