//! JWT client authentication (RFC 7523 §2.2, OpenID Connect Core §9): `private_key_jwt` with
//! inline keys and a `jwks_uri`, `client_secret_jwt`, the audience policies, replay, and the
//! other endpoints that authenticate clients.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use oauth2_provider::client_assertion::{AssertionAudience, ClientAssertions};
use oauth2_provider::fetch::{Fetch, FetchFuture, Fetched, Limits};
use oauth2_provider::jose::{Algorithm, SigningKey, sign};
use oauth2_provider::model::AuthMethod;
use oauth2_provider::scope::Scopes;
use serde_json::{Value, json};

pub use super::support::*;

mod endpoints;
mod private_key;

pub const ISSUER: &str = "https://auth.example.com";
pub const TOKEN_URL: &str = "https://auth.example.com/token";
/// A `private_key_jwt` client with its keys inline.
pub const PKJ: &str = "pkj-app";
/// A `private_key_jwt` client publishing its keys at [`JWKS_URI`].
pub const PKJ_URI: &str = "pkj-uri-app";
pub const PKJ_CALLBACK: &str = "https://pkj.example/cb";
pub const JWKS_URI: &str = "https://pkj.example/jwks.json";
/// A client with keys whose registered method the model does not know.
pub const UNKNOWN_METHOD: &str = "typo-app";
/// A `client_secret_jwt` client.
pub const CSJ: &str = "csj-app";
pub const CSJ_SECRET: &[u8] = b"a 32-byte secret for HMAC-SHA256";

pub const CLIENT_CREDENTIALS: &[(&str, &str)] = &[("grant_type", "client_credentials")];

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub fn random_jti() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What a well-formed assertion of `client` says: `iss` = `sub` = the client, `aud` the
/// issuer, a minute to live, a fresh `jti`.
pub fn claims(client: &str) -> Value {
    json!({ "iss": client, "sub": client, "aud": ISSUER, "iat": now(), "exp": now() + 60,
            "jti": random_jti() })
}

/// `claims` with `changes` applied; a `null` removes the claim.
pub fn claims_with(client: &str, changes: Value) -> Value {
    let mut claims = claims(client);
    for (name, value) in changes.as_object().unwrap() {
        match value {
            Value::Null => claims.as_object_mut().unwrap().remove(name),
            value => claims
                .as_object_mut()
                .unwrap()
                .insert(name.clone(), value.clone()),
        };
    }
    claims
}

/// The JWK Set a client publishes: the public keys of `keys`.
pub fn jwks(keys: &[&SigningKey]) -> Value {
    json!({ "keys": keys.iter().map(|k| k.public_jwk()).collect::<Vec<_>>() })
}

/// A compact JWS of `claims` under `header`, signed with `key` by jsonwebtoken, whatever the
/// header says (so tests can send a `kid` or leave it out).
pub fn signed(key: &SigningKey, header: Value, claims: &Value) -> String {
    let der = key.to_pkcs8_der();
    let (encoding, alg) = match key.alg() {
        Algorithm::ES256 => (
            jsonwebtoken::EncodingKey::from_ec_der(&der),
            jsonwebtoken::Algorithm::ES256,
        ),
        Algorithm::EdDSA => (
            jsonwebtoken::EncodingKey::from_ed_der(&der),
            jsonwebtoken::Algorithm::EdDSA,
        ),
        other => panic!("no test signer for {other:?}"),
    };
    let message = format!("{}.{}", b64(&header), b64(claims));
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &encoding, alg).unwrap();
    format!("{message}.{signature}")
}

/// An HMAC assertion under `alg`, keyed by `secret`.
pub fn maced(secret: &[u8], alg: jsonwebtoken::Algorithm, claims: &Value) -> String {
    let header = jsonwebtoken::Header::new(alg);
    let key = jsonwebtoken::EncodingKey::from_secret(secret).unwrap();
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

pub fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

/// Serves a JWK Set that the test can change, counting fetches: a client's `jwks_uri`.
#[derive(Default)]
pub struct Publisher {
    pub set: Mutex<Value>,
    pub fetches: Mutex<usize>,
}

impl Fetch for Publisher {
    fn get<'a>(&'a self, url: &'a url::Url, _: &'a str, _: Limits) -> FetchFuture<'a> {
        *self.fetches.lock().unwrap() += 1;
        assert_eq!(url.as_str(), JWKS_URI);
        let body = self.set.lock().unwrap().to_string();
        Box::pin(async move { Ok(Fetched::json(StatusCode::OK, body)) })
    }
}

/// The keys of the suite's clients.
pub struct Keys {
    /// Inline in [`PKJ`]'s `jwks`, with its `kid`.
    pub es256: SigningKey,
    /// Inline in [`PKJ`]'s `jwks` too; the assertions it signs carry no `kid`.
    pub ed25519: SigningKey,
    /// At [`PKJ_URI`]'s `jwks_uri`.
    pub published: SigningKey,
}

pub struct Suite {
    pub server: TestServer,
    pub keys: Keys,
    pub publisher: Arc<Publisher>,
}

/// A server with an issuer, the `policy` for assertions (its fetcher replaced by the
/// suite's publisher), and the three JWT clients.
pub fn suite(policy: ClientAssertions) -> Suite {
    let keys = Keys {
        es256: SigningKey::generate(Algorithm::ES256).unwrap(),
        ed25519: SigningKey::generate(Algorithm::EdDSA).unwrap(),
        published: SigningKey::generate(Algorithm::ES256).unwrap(),
    };
    let publisher = Arc::new(Publisher::default());
    *publisher.set.lock().unwrap() = jwks(&[&keys.published]);
    let fetcher = publisher.clone();
    let server = server_with(move |c| {
        c.issuer = Some(ISSUER.to_owned());
        c.client_assertions = policy.fetcher(fetcher);
    });
    let mut kidless = keys.ed25519.public_jwk();
    kidless.as_object_mut().unwrap().remove("kid");
    let inline = json!({ "keys": [keys.es256.public_jwk(), kidless] });
    let client = |id: &str, jwt| App {
        id: id.to_owned(),
        secret_hash: None,
        redirect_uris: vec![PKJ_CALLBACK.to_owned()],
        allowed: ApiScope::READ.union(ApiScope::WRITE),
        grants: None,
        resource_server: false,
        jwt: Some(jwt),
    };
    let store = &server.provider().store;
    store.add_client(client(
        PKJ,
        JwtAuth {
            method: Some(AuthMethod::PrivateKeyJwt),
            jwks: Some(inline),
            jwks_uri: None,
            secret: None,
        },
    ));
    store.add_client(client(
        PKJ_URI,
        JwtAuth {
            method: Some(AuthMethod::PrivateKeyJwt),
            jwks: None,
            jwks_uri: Some(JWKS_URI.to_owned()),
            secret: None,
        },
    ));
    store.add_client(client(
        CSJ,
        JwtAuth {
            method: Some(AuthMethod::ClientSecretJwt),
            jwks: None,
            jwks_uri: None,
            secret: Some(CSJ_SECRET.to_vec()),
        },
    ));
    store.add_client(client(
        UNKNOWN_METHOD,
        JwtAuth {
            method: None,
            jwks: Some(jwks(&[&keys.es256])),
            jwks_uri: None,
            secret: None,
        },
    ));
    Suite {
        server,
        keys,
        publisher,
    }
}

/// The default policy.
pub fn strict() -> Suite {
    suite(ClientAssertions::new())
}

/// The issuer or an endpoint, as a string or in an array.
pub fn compat() -> Suite {
    suite(ClientAssertions::new().audience(AssertionAudience::IssuerOrEndpoint))
}

/// An ES256 assertion of [`PKJ`] with `claims`, with its `kid`.
pub fn pkj_assertion(suite: &Suite, claims: &Value) -> String {
    sign(&suite.keys.es256, "JWT", claims).unwrap()
}

/// A client-credentials request authenticated by `assertion`.
pub async fn with_assertion(suite: &Suite, assertion: &str) -> JsonReply {
    token(
        &suite.server,
        Auth::Assertion(assertion),
        CLIENT_CREDENTIALS,
    )
    .await
}

/// Introspected by the resource server.
pub async fn introspect(server: &TestServer, token: &str) -> JsonReply {
    let mut request = token_request(Auth::Basic(API, API_SECRET), &[("token", token)]);
    *request.uri_mut() = "/introspect".parse().unwrap();
    JsonReply::from_response(server.introspect(request).await)
}

pub fn assert_invalid_client(reply: &JsonReply, sent: &[&str]) {
    assert_token_error(reply, StatusCode::UNAUTHORIZED, "invalid_client", sent);
}
