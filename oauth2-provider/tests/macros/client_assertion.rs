//! A derived client authenticating with a JWT assertion at the token endpoint (RFC 7523
//! §2.2): `private_key_jwt` with the keys in its `jwks` field, `client_secret_jwt` with the
//! secret in its `assertion_secret` field, over the memory store.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{Method, Request, StatusCode};
use oauth2_provider::client_assertion::ClientAssertions;
use oauth2_provider::config::Config;
use oauth2_provider::jose::{Algorithm, SigningKey, sign};
use oauth2_provider::model::AuthMethod;
use oauth2_provider::store::MemoryStore;
use oauth2_provider::{ResourceOwner, Server};
use serde_json::{Value, json};

use super::client_roles::{JwtApp, jwt_app};

const ISSUER: &str = "https://auth.example.com";
const PKJ: &str = "pkj-app";
const CSJ: &str = "csj-app";
const CSJ_SECRET: &[u8] = b"a 32-byte secret for HMAC-SHA256";

#[derive(ResourceOwner)]
pub struct Nobody {
    #[oauth(subject)]
    id: String,
}

pub struct JwtProvider {
    store: MemoryStore<JwtApp>,
    config: Config,
}

#[oauth2_provider::provider(owner = Nobody, grants(client_credentials))]
impl JwtProvider {
    #[provider(store)]
    fn store(&self) -> &MemoryStore<JwtApp> {
        &self.store
    }

    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }
}

/// A server with `key`'s public half in [`PKJ`]'s `jwks` field, and [`CSJ`].
fn server(key: &SigningKey) -> Server<JwtProvider> {
    let store = MemoryStore::new();
    let mut pkj = jwt_app(PKJ);
    pkj.jwks = Some(json!({ "keys": [key.public_jwk()] }));
    pkj.jwks_uri = None;
    pkj.mac_secret = None;
    (pkj.format, pkj.dpop) = (None, false);
    let mut csj = pkj.clone();
    csj.id = CSJ.to_owned();
    csj.method = Some(AuthMethod::ClientSecretJwt);
    csj.jwks = None;
    csj.mac_secret = Some(CSJ_SECRET.to_vec());
    store.add_client(pkj);
    store.add_client(csj);
    let config = Config::builder()
        .issuer(ISSUER)
        .client_assertions(ClientAssertions::new().client_secret_jwt(true))
        .build();
    Server::new(JwtProvider { store, config })
}

fn claims(client: &str) -> Value {
    static JTI: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let jti = format!("jti-{}", JTI.fetch_add(1, Ordering::Relaxed));
    json!({ "iss": client, "sub": client, "aud": ISSUER, "iat": now, "exp": now + 60, "jti": jti })
}

/// A client-credentials request authenticated by `assertion`: status and JSON body.
async fn token(server: &Server<JwtProvider>, assertion: &str) -> (StatusCode, Value) {
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("grant_type", "client_credentials"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion),
        ])
        .finish();
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("{ISSUER}/token"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Bytes::from(form))
        .unwrap();
    let response = server.token(request).await;
    let body = serde_json::from_slice(response.body()).expect("a JSON body");
    (response.status(), body)
}

#[tokio::test]
async fn private_key_jwt_with_the_keys_of_its_jwks_field() {
    let key = SigningKey::generate(Algorithm::ES256).unwrap();
    let server = server(&key);
    let assertion = sign(&key, "JWT", &claims(PKJ)).unwrap();
    let (status, body) = token(&server, &assertion).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["access_token"].is_string(), "{body}");

    let (status, body) = token(&server, &assertion).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a replay: {body}");
    assert_eq!(body["error"], "invalid_client");

    let stranger = SigningKey::generate(Algorithm::ES256).unwrap();
    let forged = sign(&stranger, "JWT", &claims(PKJ)).unwrap();
    let (status, body) = token(&server, &forged).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "another key: {body}");
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn client_secret_jwt_with_the_secret_of_its_assertion_secret_field() {
    let server = server(&SigningKey::generate(Algorithm::ES256).unwrap());
    let mac = |secret: &[u8]| {
        let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        let key = jsonwebtoken::EncodingKey::from_secret(secret).unwrap();
        jsonwebtoken::encode(&header, &claims(CSJ), &key).unwrap()
    };
    let (status, body) = token(&server, &mac(CSJ_SECRET)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body) = token(&server, &mac(b"another 32-byte secret, not CSJ's")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "another secret: {body}");
    assert_eq!(body["error"], "invalid_client");
}
