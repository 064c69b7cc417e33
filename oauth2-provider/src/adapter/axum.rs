//! The axum adapter (feature `axum`): the endpoints as a [`Router`] to merge into yours, a
//! [`BearerToken`] extractor for protected handlers, and [`BearerRejection`] as a response.
//!
//! ```no_run
//! # use oauth2_provider::{Server, provider::{Provider, ScopeOf}};
//! use std::sync::Arc;
//! use axum::{Router, routing::get};
//! use oauth2_provider::axum::BearerToken;
//! use oauth2_provider::endpoint::bearer::BearerRejection;
//!
//! async fn me<P: Provider>(token: BearerToken<P>) -> String {
//!     format!("hello, {}", token.subject().unwrap_or(token.client_id()))
//! }
//!
//! async fn admin<P: Provider>(token: BearerToken<P>) -> Result<&'static str, BearerRejection> {
//!     token.require(admin_scope::<P>())?; // 403 insufficient_scope, naming the scope
//!     Ok("welcome")
//! }
//! # fn admin_scope<P: Provider>() -> ScopeOf<P> { todo!() }
//!
//! # fn app<P: Provider>(provider: P) -> Router {
//! let server = Arc::new(Server::new(provider));
//! Router::new()
//!     .route("/api/me", get(me::<P>))
//!     .route("/api/admin", get(admin::<P>))
//!     .merge(oauth2_provider::axum::router(Arc::clone(&server)))
//!     .with_state(server)
//! # }
//! ```
//!
//! For a scope required by every handler of a route, put
//! [`BearerLayer`](crate::tower::BearerLayer) on it with `route_layer`: the extractor then
//! takes the token the layer validated.

use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::Request;
use http::request::Parts;

pub use super::BearerToken;
use super::tower::{OAuthService, Service};
use crate::endpoint::bearer::BearerRejection;
use crate::endpoint::{RemoteAddr, Server};
use crate::provider::Provider;
use crate::resource::{Requirements, Validated};

/// A router serving every endpoint of `server` at the paths of its configuration, for any
/// state type: merge it into your router before or after `with_state`.
pub fn router<P: Provider, S: Clone + Send + Sync + 'static>(server: Arc<Server<P>>) -> Router<S> {
    let paths = server.served_paths();
    let service = WithRemoteAddr(OAuthService::new(server));
    paths.iter().fold(Router::new(), |router, path| {
        router.route_service(path, service.clone())
    })
}

/// The peer address axum knows (when served with `into_make_service_with_connect_info`), as
/// the [`RemoteAddr`] the guess budgets count by.
#[derive(Clone)]
struct WithRemoteAddr<S>(S);

impl<S: Service<Request<Body>>> Service<Request<Body>> for WithRemoteAddr<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<Body>) -> S::Future {
        if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
            let addr = RemoteAddr(peer.ip());
            request.extensions_mut().insert(addr);
        }
        self.0.call(request)
    }
}

impl IntoResponse for BearerRejection {
    fn into_response(self) -> Response {
        BearerRejection::into_response(self).map(Body::from)
    }
}

/// Needs the [`Server`] in the router's state (`Arc<Server<P>>: FromRef<S>`).
impl<P, S> FromRequestParts<S> for BearerToken<P>
where
    P: Provider,
    Arc<Server<P>>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = BearerRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, BearerRejection> {
        if let Some(token) = parts.extensions.get::<Validated<P>>() {
            return Ok(BearerToken(token.clone()));
        }
        let server = Arc::<Server<P>>::from_ref(state);
        server
            .bearer_request(parts, &Requirements::any())
            .await
            .map(BearerToken)
    }
}
