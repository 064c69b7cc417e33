//! The OpenID Connect harness: a provider written by hand over scopes that declare the
//! OpenID Connect values, an RS256 keyring, and a consent hook driven by request parameters
//! (`who`: the signed-in subject; `signed_in`: how many seconds ago; `page`: show a page).

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use oauth2_provider::config::Config;
use oauth2_provider::jose::{self, Algorithm, Expectations, KeySet, Keyring, RotationPolicy};
use oauth2_provider::model::{AuthContext, Claims, ClientMetadata, ClientRecord, ResourceOwner};
use oauth2_provider::oidc::OpenId;
use oauth2_provider::provider::{AuthorizationRequest, Decision, Provider};
use oauth2_provider::scope::{ScopeDef, Scopes};
use oauth2_provider::secret::hash_secret;
use oauth2_provider::store::MemoryStore;
use oauth2_provider::{OAuthError, Server};
use serde_json::Value;

use crate::support::{AuthorizeReply, CHALLENGE, VERIFIER, form_encode};

pub const ISSUER: &str = "https://auth.example.com";
pub const RP: &str = "rp";
pub const RP_SECRET: &str = "rp-secret-0d1e2f";
pub const RP_CALLBACK: &str = "https://rp.example.com/cb";
/// A client registered with `access_token_format: jwt`.
pub const JWT_RP: &str = "jwt-rp";

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct OidcScope(u8);

impl Scopes for OidcScope {
    type Bits = u8;
    const DEFS: &'static [ScopeDef<u8>] = &[
        ScopeDef::single("read", 1 << 0),
        ScopeDef::single("openid", 1 << 1),
        ScopeDef::single("profile", 1 << 2),
        ScopeDef::single("email", 1 << 3),
        ScopeDef::single("offline_access", 1 << 4),
    ];
    const DEFAULT: u8 = 1 << 0;
    fn from_bits_retain(bits: u8) -> Self {
        OidcScope(bits)
    }
    fn bits(&self) -> u8 {
        self.0
    }
}

pub struct Person {
    pub sub: String,
}

impl ResourceOwner for Person {
    fn subject(&self) -> String {
        self.sub.clone()
    }
    fn claims(&self) -> Claims {
        let mut claims = Claims::new();
        claims
            .set("name", "Alice Liddell")
            .set("email", "alice@example.com")
            .set("email_verified", true)
            .set("sub", "not-the-subject");
        claims
    }
}

pub struct OidcProvider {
    pub store: MemoryStore<ClientRecord<OidcScope>>,
    pub config: Config,
    /// The `openid()` the consent hook last saw, as text.
    pub seen: Mutex<Option<String>>,
}

impl Provider for OidcProvider {
    type Clients = MemoryStore<ClientRecord<OidcScope>>;
    type Tokens = MemoryStore<ClientRecord<OidcScope>>;
    type Owner = Person;

    fn clients(&self) -> &Self::Clients {
        &self.store
    }
    fn tokens(&self) -> &Self::Tokens {
        &self.store
    }
    fn config(&self) -> &Config {
        &self.config
    }

    async fn consent(
        &self,
        request: &AuthorizationRequest<'_, ClientRecord<OidcScope>>,
    ) -> Result<Decision<OidcScope>, OAuthError> {
        *self.seen.lock().unwrap() = request.openid().map(|o| format!("{o:?}"));
        let prompt_none = request.openid().is_some_and(|o| o.prompt().none());
        if request.param("page").is_some() {
            return Ok(Decision::page(StatusCode::OK, "<p>a page</p>"));
        }
        let Some(who) = request.param("who") else {
            return match prompt_none {
                true => Err(OAuthError::login_required()),
                false => Ok(Decision::page(StatusCode::OK, "<p>sign in</p>")),
            };
        };
        let decision = Decision::approve(who, request.scope());
        Ok(match request.param("signed_in") {
            Some(ago) => decision.with_auth(AuthContext {
                auth_time: Some(SystemTime::now() - Duration::from_secs(ago.parse().unwrap())),
                acr: Some("urn:example:pwd".into()),
                amr: vec!["pwd".into()],
            }),
            None => decision,
        })
    }

    async fn find_owner(&self, subject: &str) -> Result<Option<Person>, OAuthError> {
        Ok((subject == "alice").then(|| Person {
            sub: subject.into(),
        }))
    }
}

pub type OidcServer = Server<OidcProvider>;

/// A provider with an RS256 and an ES256 key, and `rp` and `jwt-rp` allowed every scope.
pub fn oidc_server() -> OidcServer {
    let mut keys = KeySet::new();
    for alg in [Algorithm::RS256, Algorithm::ES256] {
        keys.rotate(alg, SystemTime::now(), &RotationPolicy::new())
            .unwrap();
    }
    oidc_server_with(Keyring::new(keys))
}

pub fn oidc_server_with(keys: Keyring) -> OidcServer {
    let store = MemoryStore::new();
    store.add_client(ClientRecord {
        client_id: RP.into(),
        secret_hash: Some(hash_secret(RP_SECRET)),
        redirect_uris: vec![RP_CALLBACK.into()],
        grant_types: vec!["authorization_code".into(), "refresh_token".into()],
        scope: OidcScope::all(),
        name: "Relying party".into(),
        metadata: Default::default(),
    });
    let mut metadata = ClientMetadata::default();
    metadata
        .other
        .insert("access_token_format".into(), "jwt".into());
    store.add_client(ClientRecord {
        client_id: JWT_RP.into(),
        secret_hash: Some(hash_secret(RP_SECRET)),
        redirect_uris: vec![RP_CALLBACK.into()],
        grant_types: ["authorization_code", "refresh_token", "client_credentials"]
            .map(String::from)
            .to_vec(),
        scope: OidcScope::all(),
        name: "JWT relying party".into(),
        metadata,
    });
    let config = Config::builder()
        .issuer(ISSUER)
        .openid(OpenId::new(keys))
        .build();
    Server::new(OidcProvider {
        store,
        config,
        seen: Mutex::new(None),
    })
}

/// The parameters of an authentication request for `scope`, plus `extra`.
pub fn auth_params<'a>(scope: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", RP),
        ("redirect_uri", RP_CALLBACK),
        ("scope", scope),
        ("state", "st4te"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    params.extend_from_slice(extra);
    params
}

pub async fn authorize(server: &OidcServer, params: &[(&str, &str)]) -> AuthorizeReply {
    let uri = format!("{ISSUER}/authorize?{}", form_encode(params));
    let request = Request::get(uri).body(Bytes::new()).unwrap();
    AuthorizeReply::from_response(server.handle(request).await)
}

/// The redirect's query parameter `name`.
pub fn redirected(reply: &AuthorizeReply, name: &str) -> Option<String> {
    reply
        .location()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A code for an approved request, then the token response.
pub async fn code_flow(server: &OidcServer, scope: &str, extra: &[(&str, &str)]) -> Value {
    code_flow_of(server, RP, scope, extra).await
}

/// [`code_flow`] for `client`.
pub async fn code_flow_of(
    server: &OidcServer,
    client: &str,
    scope: &str,
    extra: &[(&str, &str)],
) -> Value {
    let mut params = vec![("who", "alice"), ("signed_in", "5")];
    params.extend_from_slice(extra);
    let mut params = auth_params(scope, &params);
    params[1] = ("client_id", client);
    let reply = authorize(server, &params).await;
    let code = redirected(&reply, "code").expect("a code");
    exchange_of(server, client, &code).await.1
}

pub async fn exchange(server: &OidcServer, code: &str) -> (StatusCode, Value) {
    exchange_of(server, RP, code).await
}

async fn exchange_of(server: &OidcServer, client: &str, code: &str) -> (StatusCode, Value) {
    post(
        server,
        "/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", RP_CALLBACK),
            ("code_verifier", VERIFIER),
            ("client_id", client),
            ("client_secret", RP_SECRET),
        ],
    )
    .await
}

pub async fn post(server: &OidcServer, path: &str, params: &[(&str, &str)]) -> (StatusCode, Value) {
    let request = Request::post(format!("{ISSUER}{path}"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Bytes::from(form_encode(params)))
        .unwrap();
    let response = server.handle(request).await;
    (response.status(), json(&response))
}

pub async fn get(server: &OidcServer, path: &str, bearer: Option<&str>) -> Response<Bytes> {
    let mut request = Request::builder()
        .method(Method::GET)
        .uri(format!("{ISSUER}{path}"));
    if let Some(token) = bearer {
        request = request.header(AUTHORIZATION, format!("Bearer {token}"));
    }
    server.handle(request.body(Bytes::new()).unwrap()).await
}

pub fn json(response: &Response<Bytes>) -> Value {
    serde_json::from_slice(response.body()).unwrap_or(Value::Null)
}

/// The claims of an ID token, verified as a relying party would: RS256, `typ` JWT, this
/// issuer, audience `rp`.
pub fn id_token_claims(server: &OidcServer, id_token: &str) -> Value {
    let keys = server
        .provider()
        .config
        .openid
        .as_ref()
        .unwrap()
        .keys
        .snapshot();
    let expect = Expectations::new(&[Algorithm::RS256])
        .typ("JWT")
        .issuer(ISSUER)
        .audience(RP)
        .require("sub")
        .require("iat");
    jose::verify(id_token, &*keys, &expect).expect("a valid ID token")
}

/// Part `index` of a compact JWS, decoded, without checking anything: 0 is the header, 1
/// the claims.
pub fn jwt_part(token: &str, index: usize) -> Value {
    use base64::Engine as _;
    let part = token.split('.').nth(index).expect("a compact JWS");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("a JSON object")
}
