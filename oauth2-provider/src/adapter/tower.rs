//! The tower adapter (feature `tower`): the endpoints and bearer protection as tower
//! [`Service`]s and [`Layer`]s, for hyper, axum, tonic or anything else built on tower.
//!
//! - [`OAuthService`] serves the endpoints (404 elsewhere): a whole server on its own.
//! - [`OAuthLayer`] serves the endpoints in front of your service, which gets every other
//!   request.
//! - [`BearerLayer`] lets a request through only with a valid bearer token carrying the
//!   required scope, and hands the [`Validated`] token to your service in the request's
//!   extensions; otherwise it answers the RFC 6750 §3 challenge itself.
//!
//! ```no_run
//! # async fn run<P: oauth2_provider::provider::Provider>(provider: P) {
//! use std::sync::Arc;
//! use oauth2_provider::Server;
//! use oauth2_provider::tower::OAuthService;
//! use hyper_util::{rt::{TokioExecutor, TokioIo}, server::conn::auto, service::TowerToHyperService};
//!
//! let service = OAuthService::new(Arc::new(Server::new(provider)));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.unwrap();
//! loop {
//!     let (tcp, _) = listener.accept().await.unwrap();
//!     let service = TowerToHyperService::new(service.clone());
//!     tokio::spawn(async move {
//!         auto::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(tcp), service).await
//!     });
//! }
//! # }
//! ```

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use http_body::Body;
use http_body_util::{BodyExt as _, Full, Limited};
pub use tower_layer::Layer;
pub use tower_service::Service;

use crate::endpoint::{Server, response};
use crate::provider::{Provider, ScopeOf};
use crate::resource::{Requirements, Validated};

/// The error of a request body stream.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What a boxed response future of these services is.
type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

/// Reads at most `max_body_bytes` of the body and has `server` answer the request.
pub(crate) async fn serve<P, B>(server: &Server<P>, request: Request<B>) -> Response<Bytes>
where
    P: Provider,
    B: Body,
    B::Error: Into<BoxError>,
{
    let limit = server.provider().config().max_body_bytes;
    let (parts, body) = request.into_parts();
    match Limited::new(body, limit).collect().await {
        Ok(body) => {
            server
                .handle(Request::from_parts(parts, body.to_bytes()))
                .await
        }
        // Over the limit or a broken body stream: either way nothing usable arrived.
        Err(_) => response::too_large(),
    }
}

/// Every endpoint of a [`Server`], at the paths of its configuration; 404 elsewhere.
pub struct OAuthService<P> {
    server: Arc<Server<P>>,
}

impl<P> OAuthService<P> {
    /// Serves `server`.
    pub fn new(server: Arc<Server<P>>) -> Self {
        OAuthService { server }
    }
}

impl<P> Clone for OAuthService<P> {
    fn clone(&self) -> Self {
        OAuthService {
            server: Arc::clone(&self.server),
        }
    }
}

impl<P, B> Service<Request<B>> for OAuthService<P>
where
    P: Provider,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Infallible>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let server = Arc::clone(&self.server);
        Box::pin(async move { Ok(serve(&server, request).await.map(Full::new)) })
    }
}

/// A [`Layer`] serving the endpoints of a [`Server`] in front of another service, which gets
/// every request for any other path. Its response body must be buildable from [`Bytes`].
pub struct OAuthLayer<P> {
    server: Arc<Server<P>>,
}

impl<P> OAuthLayer<P> {
    /// Serves `server`'s endpoints in front of the wrapped service.
    pub fn new(server: Arc<Server<P>>) -> Self {
        OAuthLayer { server }
    }
}

impl<P> Clone for OAuthLayer<P> {
    fn clone(&self) -> Self {
        OAuthLayer {
            server: Arc::clone(&self.server),
        }
    }
}

impl<P, S> Layer<S> for OAuthLayer<P> {
    type Service = OAuthRoutes<P, S>;

    fn layer(&self, inner: S) -> Self::Service {
        OAuthRoutes {
            server: Arc::clone(&self.server),
            inner,
        }
    }
}

/// The service of an [`OAuthLayer`].
pub struct OAuthRoutes<P, S> {
    server: Arc<Server<P>>,
    inner: S,
}

impl<P, S: Clone> Clone for OAuthRoutes<P, S> {
    fn clone(&self) -> Self {
        OAuthRoutes {
            server: Arc::clone(&self.server),
            inner: self.inner.clone(),
        }
    }
}

impl<P, S, B, ResBody> Service<Request<B>> for OAuthRoutes<P, S>
where
    P: Provider,
    S: Service<Request<B>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
    ResBody: From<Bytes>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Response<ResBody>, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        if !self.server.serves(request.uri().path()) {
            return Box::pin(self.inner.call(request));
        }
        let server = Arc::clone(&self.server);
        Box::pin(async move { Ok(serve(&server, request).await.map(ResBody::from)) })
    }
}

/// A [`Layer`] admitting only requests with a valid bearer token that meets its
/// [`Requirements`]; the wrapped service finds the [`Validated`] token in the request's
/// extensions. Others get the RFC 6750 §3 challenge (401, 403, or 400), with an empty body.
///
/// ```
/// # fn demo<P: oauth2_provider::provider::Provider>(server: std::sync::Arc<oauth2_provider::Server<P>>, write: oauth2_provider::provider::ScopeOf<P>) {
/// use oauth2_provider::tower::BearerLayer;
///
/// let writers = BearerLayer::scope(server, write); // e.g. `.route_layer(writers)` in axum
/// # }
/// ```
pub struct BearerLayer<P: Provider> {
    server: Arc<Server<P>>,
    requirements: Arc<Requirements<ScopeOf<P>>>,
}

impl<P: Provider> BearerLayer<P> {
    /// Tokens must meet `requirements` (scope, audience).
    pub fn new(server: Arc<Server<P>>, requirements: Requirements<ScopeOf<P>>) -> Self {
        BearerLayer {
            server,
            requirements: Arc::new(requirements),
        }
    }

    /// Tokens must carry every scope of `scope`.
    pub fn scope(server: Arc<Server<P>>, scope: ScopeOf<P>) -> Self {
        Self::new(server, Requirements::scope(scope))
    }
}

impl<P: Provider> Clone for BearerLayer<P> {
    fn clone(&self) -> Self {
        BearerLayer {
            server: Arc::clone(&self.server),
            requirements: Arc::clone(&self.requirements),
        }
    }
}

impl<P: Provider, S> Layer<S> for BearerLayer<P> {
    type Service = RequireBearer<P, S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireBearer {
            layer: self.clone(),
            inner,
        }
    }
}

/// The service of a [`BearerLayer`].
pub struct RequireBearer<P: Provider, S> {
    layer: BearerLayer<P>,
    inner: S,
}

impl<P: Provider, S: Clone> Clone for RequireBearer<P, S> {
    fn clone(&self) -> Self {
        RequireBearer {
            layer: self.layer.clone(),
            inner: self.inner.clone(),
        }
    }
}

impl<P, S, B, ResBody> Service<Request<B>> for RequireBearer<P, S>
where
    P: Provider,
    S: Service<Request<B>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    B: Send + 'static,
    ResBody: From<Bytes>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Response<ResBody>, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone serves the next request; the one polled ready serves this one.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            // The method and URI too: a DPoP proof is for them (RFC 9449 §7.1).
            let (mut parts, body) = request.into_parts();
            let checked = layer
                .server
                .bearer_request(&parts, &layer.requirements)
                .await;
            match checked {
                Ok(token) => {
                    parts.extensions.insert::<Validated<P>>(token);
                    inner.call(Request::from_parts(parts, body)).await
                }
                Err(rejection) => Ok(rejection.into_response().map(ResBody::from)),
            }
        })
    }
}
