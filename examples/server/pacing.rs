//! Pacing by source, in front of the framework: one address cannot take the whole server.
//!
//! - The sign-in and consent pages (the authorization endpoint) have a request budget per source
//!   (an IPv4 address, an IPv6 /64): a person needs a few requests a sign-in, a flood of
//!   anonymous visits is refused (429, `Retry-After`) once the burst is spent.
//! - Every refusal, the framework's guess budgets' included, is answered after a delay, so a
//!   flooding connection waits instead of looping as fast as the server can refuse it: the
//!   refusals of one source then cost little CPU, and the rest of the world is served.
//!
//! The budget counts in this process (the runtime's [`Budget`], as its guess budgets do). Behind a proxy every
//! request has the proxy's address: turn the budget off (`--page-rate-per-source 0`) and pace in
//! the proxy.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use futures::future::BoxFuture;
use http::{HeaderValue, StatusCode, header};
use oauth2_provider::endpoint::html_page;
use oauth2_provider::limit::{Budget, Rate, Throttled};
use oauth2_provider::tower::{Layer, Service};

/// The knobs: the pages' budget per source and the delay before a refusal.
#[derive(Clone, Debug)]
pub struct Pacing {
    /// The path of the pages (the authorization endpoint).
    pub pages: String,
    /// Page requests per source; `None`: no budget.
    pub page_rate: Option<Rate>,
    /// How long every 429 waits before it is sent.
    pub refusal_delay: Duration,
}

struct Paced {
    pages: String,
    budget: Option<Budget>,
    refusal_delay: Duration,
}

/// `router` behind the pacing.
pub fn layer(router: Router, pacing: Pacing) -> Router {
    let paced = Arc::new(Paced {
        pages: pacing.pages,
        budget: pacing.page_rate.map(Budget::new),
        refusal_delay: pacing.refusal_delay,
    });
    router.layer(PaceLayer(paced))
}

/// A plain tower layer rather than `axum::middleware::from_fn`, which boxes a clone of the
/// whole inner service into every request: this wraps each route once and boxes only the
/// answer, on the path every bearer-protected request of the benchmarks takes.
#[derive(Clone)]
struct PaceLayer(Arc<Paced>);

impl<S> Layer<S> for PaceLayer {
    type Service = Pace<S>;

    fn layer(&self, inner: S) -> Pace<S> {
        Pace {
            paced: Arc::clone(&self.0),
            inner,
        }
    }
}

#[derive(Clone)]
struct Pace<S> {
    paced: Arc<Paced>,
    inner: S,
}

impl<S> Service<Request> for Pace<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let source = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip());
        let delay = self.paced.refusal_delay;
        if let Err(throttled) = self.paced.page_budget(request.uri().path(), source) {
            let response = too_many(throttled);
            return Box::pin(async move {
                tokio::time::sleep(delay).await;
                Ok(response)
            });
        }
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = answer.await?;
            // The framework's refusals (its guess budgets) wait as long as the pages' do.
            if response.status() == StatusCode::TOO_MANY_REQUESTS {
                tokio::time::sleep(delay).await;
            }
            Ok(response)
        })
    }
}

impl Paced {
    /// [`Throttled`] when `path` is a page and `source` has spent its budget.
    fn page_budget(&self, path: &str, source: Option<IpAddr>) -> Result<(), Throttled> {
        match (&self.budget, source) {
            (Some(budget), Some(source)) if path == self.pages => budget.take(&prefix(source)),
            _ => Ok(()),
        }
    }
}

/// The unit one party controls: an IPv4 address, or the /64 an IPv6 host is given.
fn prefix(source: IpAddr) -> IpAddr {
    match source {
        IpAddr::V4(_) => source,
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
    }
}

fn too_many(throttled: Throttled) -> Response {
    let mut response = html_page(
        StatusCode::TOO_MANY_REQUESTS,
        "<!doctype html><title>Too many requests</title>\
         <p>Too many requests from your network. Please wait a moment and try again.",
    )
    .map(Body::from);
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(throttled.retry_after().as_secs()),
    );
    response
}
