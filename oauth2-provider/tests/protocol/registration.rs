//! Dynamic client registration (RFC 7591) and management (RFC 7592), through `Server::handle`
//! over a provider whose client store keeps the ready-made `ClientRecord`, the model
//! registration builds through `from_record`. The harness of `support` is reused for its
//! scope type, owner and request builders.

mod lifecycle;
mod management;
mod policy;
mod validation;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE};
use http::{Method, Request, Response, StatusCode};
use oauth2_provider::Server;
use oauth2_provider::config::Config;
use oauth2_provider::endpoint::RemoteAddr;
use oauth2_provider::error::{ErrorCode, OAuthError};
use oauth2_provider::limit::Rate;
use oauth2_provider::model::ClientRecord;
use oauth2_provider::provider::{AuthorizationRequest, Decision, Provider};
use oauth2_provider::registration::{Registration, RegistrationRequest};
use oauth2_provider::scope::Scopes;
use oauth2_provider::store::MemoryStore;
use serde_json::Value;

use crate::support::{ApiScope, JsonReply, User};

pub const ISSUER: &str = "https://auth.example.com";
pub const ENDPOINT: &str = "https://auth.example.com/register";

/// What the `register_client` hook does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Accept,
    /// Refuses a registration without `client_name`.
    RequireName,
    /// Takes `admin` out of every registration, and the `client_credentials` grant.
    NoAdmin,
}

pub struct DcrProvider {
    pub store: MemoryStore<ClientRecord<ApiScope>>,
    pub config: Config,
    pub policy: Policy,
    /// How often the hook ran.
    pub hook_calls: Mutex<usize>,
}

impl Provider for DcrProvider {
    type Clients = MemoryStore<ClientRecord<ApiScope>>;
    type Tokens = MemoryStore<ClientRecord<ApiScope>>;
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

    /// Alice, named by a `session` cookie, approves what was asked.
    async fn consent(
        &self,
        request: &AuthorizationRequest<'_, ClientRecord<ApiScope>>,
    ) -> Result<Decision<ApiScope>, OAuthError> {
        let signed_in = request.http().headers.get(COOKIE).is_some();
        Ok(match signed_in {
            true => Decision::approve(
                &User {
                    name: "alice".into(),
                },
                request.scope(),
            ),
            false => Decision::Deny,
        })
    }

    async fn register_client(
        &self,
        request: &RegistrationRequest<'_>,
        client: &mut ClientRecord<ApiScope>,
    ) -> Result<(), OAuthError> {
        *self.hook_calls.lock().unwrap() += 1;
        match self.policy {
            Policy::Accept => Ok(()),
            Policy::RequireName if !request.metadata().contains_key("client_name") => Err(
                OAuthError::new(ErrorCode::InvalidClientMetadata, "client_name is required"),
            ),
            Policy::RequireName => Ok(()),
            Policy::NoAdmin => {
                client.scope = client.scope.difference(ApiScope::ADMIN);
                client.grant_types.retain(|g| g != "client_credentials");
                // Not the hook's to change: the runtime puts it back.
                client.client_id = "hijacked".into();
                Ok(())
            }
        }
    }
}

pub type DcrServer = Server<DcrProvider>;

/// Open registration with a generous budget, an issuer, and `configure`'s changes.
pub fn dcr_server_with(policy: Policy, configure: impl FnOnce(&mut Config)) -> DcrServer {
    let mut config = Config::builder()
        .issuer(ISSUER)
        .registration(
            Registration::open().rate(Rate::per_minute(1000, 1000), Rate::per_minute(1000, 1000)),
        )
        .build();
    configure(&mut config);
    Server::new(DcrProvider {
        store: MemoryStore::new(),
        config,
        policy,
        hook_calls: Mutex::new(0),
    })
}

pub fn dcr_server() -> DcrServer {
    dcr_server_with(Policy::Accept, |_| {})
}

/// A request to `uri` with a JSON body (when given) and a bearer token (when given).
pub fn json_request(
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Request<Bytes> {
    let mut builder = Request::builder().method(method).uri(uri);
    if body.is_some() {
        builder = builder.header(CONTENT_TYPE, "application/json");
    }
    if let Some(token) = token {
        builder = builder.header(AUTHORIZATION, format!("Bearer {token}"));
    }
    let mut request = builder
        .body(Bytes::from(body.unwrap_or_default().to_owned()))
        .unwrap();
    request
        .extensions_mut()
        .insert(RemoteAddr(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9))));
    request
}

pub async fn send(server: &DcrServer, request: Request<Bytes>) -> Response<Bytes> {
    server.handle(request).await
}

/// POST `/register` with `body`.
pub async fn register(server: &DcrServer, body: &str) -> JsonReply {
    JsonReply::from_response(
        send(
            server,
            json_request(Method::POST, ENDPOINT, None, Some(body)),
        )
        .await,
    )
}

/// A 201 registration of `body`: its response.
pub async fn registered(server: &DcrServer, body: &str) -> JsonReply {
    let reply = register(server, body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply
}

/// GET, PUT or DELETE on a client's configuration endpoint.
pub async fn manage(
    server: &DcrServer,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Response<Bytes> {
    send(server, json_request(method, uri, token, body)).await
}

/// An RFC 7591 §3.2.2 error: the status, the code, `no-store`, a clean description.
pub fn assert_registration_error(reply: &JsonReply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.str("error"), code, "{}", reply.body);
    crate::support::assert_no_store(reply);
    let description = reply.str("error_description");
    crate::support::assert_description_is_clean(description, &[]);
    // `[::1]` is a loopback address a description may name, not a Rust path.
    crate::support::assert_no_internals(&description.replace("[::1]", "loopback"));
}

/// The 401 of management: `invalid_token` and the Bearer challenge.
pub fn assert_unauthorized(response: Response<Bytes>) {
    let reply = JsonReply::from_response(response);
    assert_registration_error(&reply, StatusCode::UNAUTHORIZED, "invalid_token");
    assert_eq!(
        reply.header(http::header::WWW_AUTHENTICATE),
        Some("Bearer error=\"invalid_token\"")
    );
}

/// The names of a scope string, as a set.
pub fn scope_of(value: &Value) -> ApiScope {
    ApiScope::parse(value.as_str().expect("a scope string")).expect("a scope of the harness")
}
