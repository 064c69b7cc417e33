//! The tower adapter under plain hyper, no web framework: `OAuthService` alone, and
//! `OAuthLayer` and `BearerLayer` in front of an application's own service.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use oauth2_provider::resource::Validated;
use oauth2_provider::tower::{BearerLayer, Layer, OAuthLayer, OAuthService, Service};
use tokio::net::TcpListener;

use crate::support::*;
use crate::wire::*;

/// Serves `service` with hyper on a loopback port.
async fn serve<S>(service: S) -> SocketAddr
where
    S: Service<
            Request<hyper::body::Incoming>,
            Response = Response<Full<Bytes>>,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let _ = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tcp), service)
                    .await;
            });
        }
    });
    addr
}

/// The application's own service: `/me` and `/writers` answer the client id of the token a
/// `BearerLayer` validated, `/admin` checks `admin` itself; anything else is 404.
#[derive(Clone)]
struct App;

impl<B> Service<Request<B>> for App {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let token = request.extensions().get::<Validated<TestProvider>>();
        let response = match (request.uri().path(), token) {
            ("/admin", Some(token)) => match token.require(ApiScope::ADMIN) {
                Ok(()) => Response::new(Full::from("admin")),
                Err(error) => oauth2_provider::endpoint::bearer::BearerRejection::refusing(
                    &error,
                    ApiScope::ADMIN,
                )
                .into_response()
                .map(Full::new),
            },
            (_, Some(token)) => Response::new(Full::from(token.client_id().to_owned())),
            (_, None) => {
                let mut response = Response::new(Full::default());
                *response.status_mut() = StatusCode::NOT_FOUND;
                response
            }
        };
        ready(Ok(response))
    }
}

/// Routes `/writers` through a `write` layer and the rest through an any-token layer.
#[derive(Clone)]
struct Split<A, W> {
    any: A,
    writers: W,
}

impl<A, W, B> Service<Request<B>> for Split<A, W>
where
    A: Service<Request<B>>,
    W: Service<Request<B>, Response = A::Response, Error = A::Error, Future = A::Future>,
{
    type Response = A::Response;
    type Error = A::Error;
    type Future = A::Future;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), A::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        if request.uri().path() == "/writers" {
            self.writers.call(request)
        } else {
            self.any.call(request)
        }
    }
}

#[tokio::test]
async fn the_oauth_service_alone_bounds_the_body_under_hyper() {
    let server = shared(server());
    let addr = serve(OAuthService::new(Arc::clone(&server))).await;
    bounds_the_body(addr, &server).await;
}

#[tokio::test]
async fn the_layers_serve_the_endpoints_and_protect_the_rest_under_hyper() {
    let server = shared(server());
    let any = BearerLayer::new(
        Arc::clone(&server),
        oauth2_provider::resource::Requirements::any(),
    );
    let writers = BearerLayer::scope(Arc::clone(&server), ApiScope::WRITE);
    let app = Split {
        any: any.layer(App),
        writers: writers.layer(App),
    };
    let addr = serve(OAuthLayer::new(Arc::clone(&server)).layer(app)).await;
    protects_its_routes(addr).await;
}
