//! No secret, token, code, verifier or password in `Debug` output (RFC 6819 §5.1.4.1,
//! §5.1.6; RFC 9700 §4.14): every model and request type, built or reached with known secret
//! strings, is formatted and searched for them. What hooks see is captured from inside a real
//! flow, so the values are the ones the runtime handled.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::support::{
    ApiScope, App, Auth, JsonReply, assert_token_ok, bearer_headers, token_request,
};
use bytes::Bytes;
use http::StatusCode;
use oauth2_provider::__fuzz::Params;
use oauth2_provider::config::Config;
use oauth2_provider::error::{OAuthError, StoreError};
use oauth2_provider::grant::GrantType;
use oauth2_provider::grant::{Grant, TokenRequest, TokenResponse};
use oauth2_provider::model::{
    AccessKind, ClientRecord, CodeRecord, NewCode, NewToken, RefreshKind, TokenModel, TokenRecord,
};
use oauth2_provider::model::{GrantId, TokenHash};
use oauth2_provider::pkce::{ChallengeMethod, PkceChallenge};
use oauth2_provider::provider::{AuthorizationRequest, Decision};
use oauth2_provider::provider::{Provider, RevokeEvent, TokenEvent};
use oauth2_provider::secret::{hash_password, hash_secret};
use oauth2_provider::store::{MemoryStore, TokenStore};
use oauth2_provider::{
    AccessToken, AuthorizationCode, OAuthClient, RefreshToken, Scopes as _, Server, scopes,
};

const CLIENT: &str = "debug-app";
const CLIENT_SECRET: &str = "Cl1entS3cret-zz91";
const CALLBACK: &str = "https://debug.example.com/cb";
const OWNER: &str = "alice";
const PASSWORD: &str = "P4ssw0rd-zz92";
/// A `plain` challenge is the verifier itself.
const VERIFIER: &str = "V3rifierZZ93V3rifierZZ93V3rifierZZ93V3rifierZZ93";
const STATE: &str = "St4te-zz94";

/// Searches `debug` for every secret of the fixture and every value in `also`.
fn assert_clean(what: &str, debug: &str, also: &[&str]) {
    for secret in [CLIENT_SECRET, PASSWORD, VERIFIER].iter().chain(also) {
        assert!(
            !debug.contains(secret),
            "the Debug of {what} shows {secret:?}: {debug}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A provider whose hooks record the `Debug` of everything they are handed.

struct Recorder {
    store: MemoryStore<App>,
    config: Config,
    seen: Mutex<Vec<(&'static str, String)>>,
}

impl Recorder {
    fn record(&self, what: &'static str, value: &dyn fmt::Debug) {
        let mut seen = self.seen.lock().unwrap();
        seen.push((what, format!("{value:?}")));
        seen.push((what, format!("{value:#?}")));
    }
}

struct Owner;

impl oauth2_provider::model::ResourceOwner for Owner {
    fn subject(&self) -> String {
        format!("user:{OWNER}")
    }
}

impl Provider for Recorder {
    type Clients = MemoryStore<App>;
    type Tokens = MemoryStore<App>;
    type Owner = Owner;

    fn clients(&self) -> &Self::Clients {
        &self.store
    }

    fn tokens(&self) -> &Self::Tokens {
        &self.store
    }

    fn config(&self) -> &Config {
        &self.config
    }

    async fn authenticate_owner(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<Owner>, OAuthError> {
        Ok((username == OWNER && password == PASSWORD).then_some(Owner))
    }

    async fn consent(
        &self,
        request: &AuthorizationRequest<'_, App>,
    ) -> Result<Decision<ApiScope>, OAuthError> {
        self.record("AuthorizationRequest", request);
        let decision = Decision::approve(&Owner, request.scope());
        self.record("Decision", &decision);
        Ok(decision)
    }

    async fn password_grant(
        &self,
        request: &TokenRequest<'_>,
        client: &App,
    ) -> Result<Grant<ApiScope>, OAuthError> {
        self.record("TokenRequest", request);
        let result = oauth2_provider::provider::defaults::password(self, request, client).await;
        self.record("Result<Grant, OAuthError>", &result);
        result
    }

    async fn before_issue(
        &self,
        _: GrantType,
        _: &App,
        grant: &mut Grant<ApiScope>,
    ) -> Result<(), OAuthError> {
        self.record("Grant", grant);
        Ok(())
    }

    async fn token_issued(&self, event: &TokenEvent<'_, ApiScope>) {
        self.record("TokenEvent", event);
    }

    async fn token_revoked(&self, event: &RevokeEvent<'_>) {
        self.record("RevokeEvent", event);
    }

    fn grant_types(&self) -> &'static [GrantType] {
        crate::support::ALL_GRANTS
    }
}

fn recorder() -> Server<Recorder> {
    let config = Config::builder().allow_plain_pkce(true).build();
    let store = MemoryStore::new();
    store.add_client(App {
        id: CLIENT.to_owned(),
        secret_hash: Some(hash_secret(CLIENT_SECRET)),
        redirect_uris: vec![CALLBACK.to_owned()],
        allowed: ApiScope::READ.union(ApiScope::WRITE),
        grants: None,
        resource_server: false,
        jwt: None,
    });
    Server::new(Recorder {
        store,
        config,
        seen: Mutex::new(Vec::new()),
    })
}

/// Sends a token request to the recorder (the support helpers are typed to the test provider).
async fn send(server: &Server<Recorder>, auth: Auth<'_>, params: &[(&str, &str)]) -> JsonReply {
    JsonReply::from_response(server.token(token_request(auth, params)).await)
}

#[tokio::test]
async fn what_hooks_and_stores_see_shows_no_secret() {
    let server = recorder();
    // The code flow with a `plain` challenge, client_secret_post.
    let reply = crate::support::AuthorizeReply::from_response(
        server
            .authorize(crate::support::authorize_request(
                &[
                    ("response_type", "code"),
                    ("client_id", CLIENT),
                    ("redirect_uri", CALLBACK),
                    ("state", STATE),
                    ("code_challenge", VERIFIER),
                    ("code_challenge_method", "plain"),
                ],
                None,
            ))
            .await,
    );
    let code = reply.query()["code"].clone();
    let stored_code = server
        .provider()
        .store
        .find_code(&TokenHash::of(&code))
        .await
        .unwrap()
        .unwrap();
    assert_clean("the stored code", &format!("{stored_code:?}"), &[&code]);

    let auth = Auth::Post(CLIENT, CLIENT_SECRET);
    let tokens = send(
        &server,
        auth,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_token_ok(&tokens);
    let (access, refresh) = (tokens.access_token(), tokens.refresh_token());
    let store = &server.provider().store;
    let stored_access = store
        .find_access_token(&TokenHash::of(access))
        .await
        .unwrap()
        .unwrap();
    let stored_refresh = store
        .find_refresh_token(&TokenHash::of(refresh))
        .await
        .unwrap()
        .unwrap();
    let issued = [code.as_str(), access, refresh];
    assert_clean(
        "the stored access token",
        &format!("{stored_access:?}"),
        &issued,
    );
    assert_clean(
        "the stored refresh token",
        &format!("{stored_refresh:#?}"),
        &issued,
    );

    // The password grant by Basic: the hook sees the request, then a failure.
    let basic = Auth::Basic(CLIENT, CLIENT_SECRET);
    let password = [
        ("grant_type", "password"),
        ("username", OWNER),
        ("password", PASSWORD),
    ];
    assert_token_ok(&send(&server, basic, &password).await);
    let wrong = [
        ("grant_type", "password"),
        ("username", OWNER),
        ("password", "Wr0ng-zz95"),
    ];
    assert_eq!(
        send(&server, basic, &wrong).await.status,
        StatusCode::BAD_REQUEST
    );

    // A refresh, then a replay of the rotated token: the revocation event.
    let refreshed = send(
        &server,
        basic,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_token_ok(&refreshed);
    let replay = send(
        &server,
        basic,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);

    // A resource server refusing a token: the rejection.
    let rejection = server
        .bearer(&bearer_headers(refreshed.access_token()), ApiScope::READ)
        .await
        .unwrap_err();
    let also = [
        code.as_str(),
        access,
        refresh,
        refreshed.access_token(),
        refreshed.refresh_token(),
        STATE,
        "Wr0ng-zz95",
    ];
    assert_clean("BearerRejection", &format!("{rejection:?}"), &also);

    let seen = server.provider().seen.lock().unwrap().clone();
    for what in [
        "AuthorizationRequest",
        "Decision",
        "TokenRequest",
        "Result<Grant, OAuthError>",
        "Grant",
        "TokenEvent",
        "RevokeEvent",
    ] {
        assert!(
            seen.iter().any(|(w, _)| *w == what),
            "no {what} was recorded"
        );
    }
    for (what, debug) in &seen {
        assert_clean(what, debug, &also);
    }
    // The recorder did see the failure it was meant to: an error, not a grant.
    assert!(
        seen.iter()
            .any(|(w, d)| *w == "Result<Grant, OAuthError>" && d.contains("InvalidGrant"))
    );
}

// ---------------------------------------------------------------------------------------------
// Types built by hand with known secrets.

const TOKEN: &str = "T0ken-zz96-T0ken-zz96-T0ken-zz96-T0ken-zz96";

fn new_code() -> NewCode<ApiScope> {
    NewCode {
        code_hash: TokenHash::of(TOKEN),
        grant_id: GrantId::generate(),
        client_id: CLIENT.to_owned(),
        subject: "user:alice".to_owned(),
        redirect_uri: Some(CALLBACK.to_owned()),
        scope: ApiScope::READ,
        challenge: PkceChallenge::new(ChallengeMethod::Plain, VERIFIER),
        expires_at: SystemTime::now() + Duration::from_secs(60),
        extras: Default::default(),
    }
}

fn new_token() -> NewToken<ApiScope> {
    NewToken {
        token_hash: TokenHash::of(TOKEN),
        grant_id: GrantId::generate(),
        client_id: CLIENT.to_owned(),
        subject: Some("user:alice".to_owned()),
        scope: ApiScope::READ,
        expires_at: None,
        extras: Default::default(),
    }
}

#[test]
fn request_and_response_types_show_no_secret() {
    let body = format!(
        "client_secret={CLIENT_SECRET}&password={PASSWORD}&code={TOKEN}&code_verifier={VERIFIER}&refresh_token={TOKEN}&state={STATE}"
    );
    let params = Params::parse(body.as_bytes()).unwrap();
    assert_clean("Params", &format!("{params:?}"), &[TOKEN, STATE]);
    assert_clean("Params", &format!("{params:#?}"), &[TOKEN, STATE]);

    let response = TokenResponse {
        access_token: TOKEN.to_owned(),
        token_type: "Bearer",
        expires_in: 3600,
        refresh_token: Some(format!("{TOKEN}-refresh")),
        scope: "read".to_owned(),
        extra: Default::default(),
    };
    assert_clean("TokenResponse", &format!("{response:?}"), &[TOKEN]);
    assert_clean("TokenResponse", &format!("{response:#?}"), &[TOKEN]);

    let mut page = http::Response::new(Bytes::from(format!("<p>{PASSWORD}</p>")));
    page.headers_mut().insert(
        http::header::SET_COOKIE,
        http::HeaderValue::try_from(format!("session={TOKEN}")).unwrap(),
    );
    let decision: Decision<ApiScope> = Decision::Respond(page);
    assert_clean("Decision::Respond", &format!("{decision:?}"), &[TOKEN]);
}

#[test]
fn records_show_no_secret() {
    let challenge = PkceChallenge::new(ChallengeMethod::Plain, VERIFIER).unwrap();
    assert_clean("PkceChallenge", &format!("{challenge:?}"), &[]);
    assert_clean("NewCode", &format!("{:?}", new_code()), &[TOKEN]);
    assert_clean("Code", &format!("{:#?}", CodeRecord(new_code())), &[TOKEN]);
    assert_clean("NewToken", &format!("{:?}", new_token()), &[TOKEN]);
    assert_clean(
        "Access",
        &format!("{:?}", TokenRecord::<_, AccessKind>::of(new_token())),
        &[TOKEN],
    );
    assert_clean(
        "Refresh",
        &format!("{:#?}", TokenRecord::<_, RefreshKind>::of(new_token())),
        &[TOKEN],
    );
    // Even the hashes stay out of a client's Debug: an argon2 hash of a weak secret can be
    // attacked offline.
    for stored in [hash_secret(CLIENT_SECRET), hash_password(CLIENT_SECRET)] {
        let client = ClientRecord {
            client_id: CLIENT.to_owned(),
            secret_hash: Some(stored.clone()),
            redirect_uris: vec![CALLBACK.to_owned()],
            grant_types: vec!["authorization_code".to_owned()],
            scope: ApiScope::READ,
            name: "Debug".to_owned(),
            metadata: Default::default(),
        };
        let digest = stored.rsplit('$').next().unwrap();
        assert_clean("ClientRecord", &format!("{client:?}"), &[&stored, digest]);
    }
}

/// What a store failed with stays out of the error a client gets.
#[test]
fn a_store_failure_reaches_the_client_as_a_fixed_description() {
    let inner = "connect postgres://oauth:Db-Passw0rd-zz97@db.internal:5432/oauth";
    for error in [
        StoreError::Unavailable(Box::new(std::io::Error::other(inner))),
        StoreError::Other(Box::new(std::io::Error::other(inner))),
    ] {
        let client_sees = OAuthError::from(error);
        for shown in [format!("{client_sees:?}"), client_sees.to_string()] {
            assert!(!shown.contains("Db-Passw0rd-zz97"), "{shown}");
            assert!(!shown.contains("db.internal"), "{shown}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The derives.

#[scopes(read = 1 << 0, write = 1 << 1, default = read)]
pub struct DerivedScope;

/// `#[derive(OAuthClient)]` generates no `Debug`: this hand-written one would conflict with
/// it. A user who derives `Debug` on such a struct prints its `secret_hash` field; redact it
/// as here (the ready-made `ClientRecord` does).
#[derive(OAuthClient)]
pub struct DerivedApp {
    #[oauth(client_id)]
    id: String,
    #[oauth(secret_hash)]
    secret: Option<String>,
    #[oauth(redirect_uris)]
    callbacks: Vec<String>,
    #[oauth(scope)]
    allowed: DerivedScope,
}

impl fmt::Debug for DerivedApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DerivedApp")
            .field("id", &self.id)
            .field("confidential", &self.secret.is_some())
            .field("callbacks", &self.callbacks)
            .field("allowed", &self.allowed)
            .finish()
    }
}

/// Derived records hold the runtime's own field types, whose `Debug` redacts.
#[derive(AuthorizationCode, Debug)]
pub struct DerivedCode {
    #[oauth(code_hash)]
    hash: TokenHash,
    #[oauth(grant_id)]
    grant: GrantId,
    #[oauth(client_id)]
    client: String,
    #[oauth(subject)]
    user: String,
    #[oauth(redirect_uri)]
    redirect_uri: Option<String>,
    #[oauth(scope)]
    scope: ApiScope,
    #[oauth(challenge)]
    challenge: Option<PkceChallenge>,
    #[oauth(expires_at)]
    expires: SystemTime,
    #[oauth(extras)]
    extras: ::oauth2_provider::model::Extras,
}

#[derive(AccessToken, RefreshToken, Debug)]
pub struct DerivedToken {
    #[oauth(token_hash)]
    hash: TokenHash,
    #[oauth(grant_id)]
    grant: GrantId,
    #[oauth(client_id)]
    client: String,
    #[oauth(subject)]
    user: Option<String>,
    #[oauth(scope)]
    scope: ApiScope,
    #[oauth(expires_at)]
    expires: Option<SystemTime>,
    #[oauth(extras)]
    extras: ::oauth2_provider::model::Extras,
}

#[test]
fn derived_types_show_no_secret() {
    let app = DerivedApp {
        id: CLIENT.to_owned(),
        secret: Some(hash_secret(CLIENT_SECRET)),
        callbacks: vec![CALLBACK.to_owned()],
        allowed: DerivedScope::READ | DerivedScope::WRITE,
    };
    assert!(app.is_confidential());
    let hash = app.secret.clone().unwrap();
    assert_eq!(app.secret_hash(), Some(hash.as_str()));
    assert_clean("a derived client", &format!("{app:?}"), &[&hash]);
    assert_eq!(format!("{:?}", app.allowed), "DerivedScope(read | write)");

    let code = <DerivedCode as AuthorizationCode>::new(new_code());
    assert_eq!(code.client_id(), CLIENT);
    assert_clean("a derived code", &format!("{code:?}"), &[TOKEN]);
    let access = <DerivedToken as TokenModel<AccessKind>>::new(new_token());
    let refresh = <DerivedToken as TokenModel<RefreshKind>>::new(new_token());
    assert_clean("a derived access token", &format!("{access:?}"), &[TOKEN]);
    assert_clean(
        "a derived refresh token",
        &format!("{refresh:#?}"),
        &[TOKEN],
    );
}
