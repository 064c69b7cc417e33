//! The axum adapter (feature `axum`): every endpoint mounted at its configured path.
//!
//! Because the core speaks `http`, the adapter only reads the body (bounded by
//! [`Config::max_body_bytes`](crate::config::Config::max_body_bytes)) and hands the request over.
//!
//! ```no_run
//! # async fn run<P: oauth2_provider::provider::Provider>(provider: P) {
//! use std::sync::Arc;
//! use oauth2_provider::Server;
//!
//! let app = oauth2_provider::axum::router(Arc::new(Server::new(provider)));
//! // axum::serve(listener, app).await
//! # let _: axum::Router = app;
//! # }
//! ```
//!
//! With plain hyper, call [`Server::handle`] from a `service_fn` after collecting the body:
//! `server.handle(http::Request::from_parts(parts, bytes)).await`.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::any;
use bytes::Bytes;

use crate::endpoint::Server;
use crate::endpoint::response;
use crate::provider::Provider;

/// A router serving every endpoint of `server` at the paths of its configuration.
pub fn router<P: Provider>(server: Arc<Server<P>>) -> Router {
    let paths = server.provider().config().paths.clone();
    let mut router = Router::new()
        .route(&paths.authorize, any(authorize::<P>))
        .route(&paths.token, any(token::<P>))
        .route(&paths.revoke, any(revoke::<P>))
        .route(&paths.introspect, any(introspect::<P>));
    if let Some(path) = server.metadata_path() {
        router = router.route(&path, any(metadata::<P>));
    }
    router.with_state(server)
}

/// Splits the request and collects at most `limit` bytes of its body.
async fn collect(request: Request, limit: usize) -> Result<http::Request<Bytes>, Response> {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(http::Request::from_parts(parts, bytes)),
        // Over the limit or a broken body stream: either way nothing usable arrived.
        Err(_) => Err(response::too_large().map(Body::from)),
    }
}

macro_rules! handler {
    ($name:ident) => {
        async fn $name<P: Provider>(
            State(server): State<Arc<Server<P>>>,
            request: Request,
        ) -> Response {
            let limit = server.provider().config().max_body_bytes;
            match collect(request, limit).await {
                Ok(request) => server.$name(request).await.map(Body::from),
                Err(response) => response,
            }
        }
    };
}

handler!(authorize);
handler!(token);
handler!(revoke);
handler!(introspect);

async fn metadata<P: Provider>(State(server): State<Arc<Server<P>>>, request: Request) -> Response {
    match *request.method() {
        http::Method::GET | http::Method::HEAD => server.metadata().map(Body::from),
        _ => response::method_not_allowed("GET, HEAD").map(Body::from),
    }
}
