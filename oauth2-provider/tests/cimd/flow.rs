//! A provider accepting client ID metadata documents, driven through its endpoints: the code
//! flow of a client known only by its document's URL, and every refusal shown to the user
//! agent, never redirected to a URI the document did not list or that was never read.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, LOCATION};
use http::{Request, Response, StatusCode};
use oauth2_provider::OAuthError;
use oauth2_provider::Server as Endpoints;
use oauth2_provider::cimd::ClientIdDocuments;
use oauth2_provider::config::Config;
use oauth2_provider::fetch::SafeFetcher;
use oauth2_provider::model::{ClientRecord, ResourceOwner};
use oauth2_provider::provider::{AuthorizationRequest, Decision, Provider};
use oauth2_provider::store::MemoryStore;
use serde_json::{Value, json};

use super::server::{Scope, Server, doc, json_route};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const CALLBACK: &str = "https://notes.example/cb";

struct Alice;
impl ResourceOwner for Alice {
    fn subject(&self) -> String {
        "alice".into()
    }
}

struct Documents {
    store: MemoryStore<ClientRecord<Scope>>,
    config: Config,
}

impl Provider for Documents {
    type Clients = MemoryStore<ClientRecord<Scope>>;
    type Tokens = MemoryStore<ClientRecord<Scope>>;
    type Owner = Alice;
    fn clients(&self) -> &Self::Clients {
        &self.store
    }
    fn tokens(&self) -> &Self::Tokens {
        &self.store
    }
    fn config(&self) -> &Config {
        &self.config
    }
    /// Alice approves whatever is asked: the flow, not the page, is under test.
    async fn consent(
        &self,
        request: &AuthorizationRequest<'_, ClientRecord<Scope>>,
    ) -> Result<Decision<Scope>, OAuthError> {
        Ok(Decision::approve(&Alice, request.scope()))
    }
}

fn provider(fetcher: SafeFetcher) -> Endpoints<Documents> {
    provider_with(fetcher, |_| {})
}

fn provider_with(
    fetcher: SafeFetcher,
    configure: impl FnOnce(&mut Config),
) -> Endpoints<Documents> {
    let mut config = Config::builder()
        .issuer("https://auth.example.com")
        .client_id_documents(ClientIdDocuments::new(fetcher))
        .build();
    configure(&mut config);
    Endpoints::new(Documents {
        store: MemoryStore::new(),
        config,
    })
}

fn get(uri: &str) -> Request<Bytes> {
    Request::get(uri).body(Bytes::new()).unwrap()
}

fn authorize_uri(client_id: &str, redirect_uri: &str) -> String {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("scope", "read"),
            ("state", "s"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
        .finish();
    format!("/authorize?{query}")
}

/// A refusal shown to the user agent: no `Location`, whatever the document said.
fn assert_shown(response: &Response<Bytes>, status: StatusCode, code: &str) {
    assert_eq!(response.status(), status);
    assert!(response.headers().get(LOCATION).is_none());
    let body: Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(body["error"], code, "{body}");
}

#[tokio::test]
async fn a_document_client_completes_the_code_flow_and_is_fetched_once() {
    let server = Server::start(|base| {
        let path = "/client.json";
        vec![(path, json_route(doc(base, path), Some("max-age=600")))]
    })
    .await;
    let endpoints = provider(server.trusting());
    let client_id = server.url("/client.json");
    let metadata = endpoints
        .handle(get("/.well-known/oauth-authorization-server"))
        .await;
    let metadata: Value = serde_json::from_slice(metadata.body()).unwrap();
    assert_eq!(metadata["client_id_metadata_document_supported"], true);

    for _ in 0..2 {
        let reply = endpoints
            .handle(get(&authorize_uri(&client_id, CALLBACK)))
            .await;
        assert_eq!(reply.status(), StatusCode::FOUND);
        let location = url::Url::parse(reply.headers()[LOCATION].to_str().unwrap()).unwrap();
        assert!(location.as_str().starts_with(CALLBACK));
        let code = location
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .expect("a code");
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", CALLBACK),
                ("client_id", &client_id),
                ("code_verifier", VERIFIER),
            ])
            .finish();
        let request = Request::post("/token")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Bytes::from(body))
            .unwrap();
        let reply = endpoints.handle(request).await;
        assert_eq!(reply.status(), StatusCode::OK);
        let tokens: Value = serde_json::from_slice(reply.body()).unwrap();
        assert_eq!(tokens["scope"], "read");
    }
    // The second authorization and both token requests came from the cache.
    assert_eq!(server.hits("/client.json"), 1);
}

#[tokio::test]
async fn a_bad_document_or_an_unlisted_redirect_is_shown_not_redirected() {
    let server = Server::start(|base| {
        let mut secret = doc(base, "/secret.json");
        secret["token_endpoint_auth_method"] = json!("client_secret_basic");
        let mut keyed = doc(base, "/keyed.json");
        keyed["token_endpoint_auth_method"] = json!("private_key_jwt");
        keyed["jwks_uri"] = json!("https://notes.example/jwks");
        vec![
            ("/client.json", json_route(doc(base, "/client.json"), None)),
            ("/mismatch.json", json_route(doc(base, "/other.json"), None)),
            ("/secret.json", json_route(secret, None)),
            ("/keyed.json", json_route(keyed, None)),
        ]
    })
    .await;
    let endpoints = provider(server.trusting());
    // With feature `jwt` a private_key_jwt document is a confidential client (see
    // `a_private_key_jwt_document_client_signs_with_the_keys_at_its_jwks_uri`).
    let refused: &[&str] = if cfg!(feature = "jwt") {
        &["/mismatch.json", "/secret.json"]
    } else {
        &["/mismatch.json", "/secret.json", "/keyed.json"]
    };
    for path in refused {
        let reply = endpoints
            .handle(get(&authorize_uri(&server.url(path), CALLBACK)))
            .await;
        assert_shown(&reply, StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let unlisted = authorize_uri(&server.url("/client.json"), "https://evil.example/cb");
    let reply = endpoints.handle(get(&unlisted)).await;
    assert_shown(&reply, StatusCode::BAD_REQUEST, "invalid_request");
}

/// A document client that signs its assertions with the key its `jwks_uri` publishes: it
/// gets a code like a public client, and tokens only with an assertion, whose keys came
/// through the same SSRF-hardened fetcher.
#[cfg(feature = "jwt")]
#[tokio::test]
async fn a_private_key_jwt_document_client_signs_with_the_keys_at_its_jwks_uri() {
    use oauth2_provider::client_assertion::ClientAssertions;
    use oauth2_provider::jose::{Algorithm, SigningKey, sign};

    let key = SigningKey::generate(Algorithm::ES256).unwrap();
    let jwks = json!({ "keys": [key.public_jwk()] });
    let server = Server::start(|base| {
        let mut keyed = doc(base, "/keyed.json");
        keyed["token_endpoint_auth_method"] = json!("private_key_jwt");
        keyed["jwks_uri"] = json!(format!("{base}/jwks.json"));
        vec![
            ("/keyed.json", json_route(keyed, None)),
            ("/jwks.json", json_route(jwks, None)),
        ]
    })
    .await;
    let fetcher = std::sync::Arc::new(server.trusting());
    let endpoints = provider_with(server.trusting(), |config| {
        config.client_assertions = ClientAssertions::new().fetcher(fetcher);
    });
    let client_id = server.url("/keyed.json");
    let reply = endpoints
        .handle(get(&authorize_uri(&client_id, CALLBACK)))
        .await;
    assert_eq!(reply.status(), StatusCode::FOUND);
    let location = url::Url::parse(reply.headers()[LOCATION].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({ "iss": client_id, "sub": client_id, "aud": "https://auth.example.com",
        "exp": now + 60, "jti": code.clone() });
    let assertion = sign(&key, "JWT", &claims).unwrap();
    let redeem = |extra: (&str, &str)| {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", CALLBACK),
                ("client_id", &client_id),
                ("code_verifier", VERIFIER),
                extra,
            ])
            .finish();
        Request::post("/token")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Bytes::from(body))
            .unwrap()
    };
    // Without an assertion it is not a public client.
    let reply = endpoints.handle(redeem(("state", "none"))).await;
    assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
    let mut request = redeem(("client_assertion", &assertion));
    let body = [
        request.body().as_ref(),
        b"&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer",
    ]
    .concat();
    *request.body_mut() = Bytes::from(body);
    let reply = endpoints.handle(request).await;
    let tokens: Value = serde_json::from_slice(reply.body()).unwrap();
    assert_eq!(reply.status(), StatusCode::OK, "{tokens}");
    assert_eq!(server.hits("/jwks.json"), 1);
}

/// The default fetcher refuses the loopback host before connecting: the request is refused,
/// and nothing reached the server.
#[tokio::test]
async fn a_document_on_a_non_public_address_is_refused() {
    let server =
        Server::start(|base| vec![("/client.json", json_route(doc(base, "/client.json"), None))])
            .await;
    let endpoints = provider(SafeFetcher::new());
    let reply = endpoints
        .handle(get(&authorize_uri(&server.url("/client.json"), CALLBACK)))
        .await;
    assert_shown(&reply, StatusCode::UNAUTHORIZED, "invalid_client");
    assert_eq!(server.hits("/client.json"), 0);
}

/// Claude Code's document lists `http://localhost/callback` and then listens on a port of its
/// own: with `localhost_any_port` that is the registered URI, without it an error page.
#[tokio::test]
async fn a_localhost_redirect_takes_any_port_only_when_configured() {
    let server = Server::start(|base| {
        let path = "/client.json";
        vec![(path, json_route(doc(base, path), Some("max-age=600")))]
    })
    .await;
    let client_id = server.url("/client.json");
    let chosen = "http://localhost:52163/callback";
    let strict = provider(server.trusting());
    let reply = strict.handle(get(&authorize_uri(&client_id, chosen))).await;
    assert_shown(&reply, StatusCode::BAD_REQUEST, "invalid_request");
    let lenient = provider_with(server.trusting(), |c| c.localhost_any_port = true);
    let reply = lenient
        .handle(get(&authorize_uri(&client_id, chosen)))
        .await;
    assert_eq!(reply.status(), StatusCode::FOUND);
    let location = reply.headers()[LOCATION].to_str().unwrap();
    assert!(location.starts_with(chosen), "{location}");
}
