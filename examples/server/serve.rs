//! Serving over TCP with the limits a public server needs: a deadline for a request's header
//! (slowloris), one for the whole request body included, and a cap on open connections, so
//! half-sent requests cannot hold sockets or file descriptors for long. Each connection's peer
//! address reaches the framework as connect info, which its guess budgets count by.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use oauth2_provider::tower::Service as _;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};

/// How long a client may take to send a request's header, and the whole request.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub header_timeout: Duration,
    pub request_timeout: Duration,
    pub max_connections: usize,
}

/// Serves `app` on `listener` until `stop` fires, then lets the requests in flight finish
/// (for at most the request deadline).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    mut stop: oneshot::Receiver<()>,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, say: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        // Over the cap the connection is closed at once: the others keep being served.
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            drop(tcp);
            continue;
        };
        let app = app.clone();
        let deadline = limits.request_timeout;
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let mut app = app.clone();
            async move {
                let answer = app.call(request.map(Body::new));
                Ok::<Response, Infallible>(match tokio::time::timeout(deadline, answer).await {
                    Ok(Ok(response)) => response,
                    Ok(Err(never)) => match never {},
                    // The body (or a handler) took too long: RFC 9110 §15.5.9.
                    Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
                })
            }
        });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(tcp), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    // Requests in flight finish, within the request deadline.
    let _ = tokio::time::timeout(limits.request_timeout, graceful.shutdown()).await;
    Ok(())
}
