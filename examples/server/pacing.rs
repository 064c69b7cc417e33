//! Pacing by source, in front of the framework: one address cannot take the whole server.
//!
//! - The sign-in and consent pages (the authorization endpoint) have a request budget per source
//!   (an IPv4 address, an IPv6 /64): a person needs a few requests a sign-in, a flood of
//!   anonymous visits is refused (429, `Retry-After`) once the burst is spent.
//! - Every refusal, the framework's guess budgets' included, is answered after a delay, so a
//!   flooding connection waits instead of looping as fast as the server can refuse it: the
//!   refusals of one source then cost little CPU, and the rest of the world is served.
//!
//! The budget counts in this process ([`governor`], pruned as it refills). Behind a proxy every
//! request has the proxy's address: turn the budget off (`--page-rate-per-source 0`) and pace in
//! the proxy.

use std::hash::{BuildHasher, RandomState};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use http::{HeaderValue, StatusCode, header};
use oauth2_provider::endpoint::html_page;

/// The knobs: the pages' budget per source and the delay before a refusal.
#[derive(Clone, Debug)]
pub struct Pacing {
    /// The path of the pages (the authorization endpoint).
    pub pages: String,
    /// Page requests a minute per source, and the burst; `None`: no budget.
    pub page_rate: Option<(NonZeroU32, NonZeroU32)>,
    /// How long every 429 waits before it is sent.
    pub refusal_delay: Duration,
}

struct Paced {
    pacing: Pacing,
    budget: Option<DefaultKeyedRateLimiter<u64>>,
    /// Sources are hashed with a per-process key, so no address is kept and none can be aimed
    /// at another's bucket.
    hasher: RandomState,
    checks: AtomicU64,
}

/// How often the budget drops the sources whose buckets have refilled.
const PRUNE_EVERY: u64 = 4096;

/// `router` behind the pacing.
pub fn layer(router: Router, pacing: Pacing) -> Router {
    let budget = pacing.page_rate.map(|(per_minute, burst)| {
        RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst))
    });
    let paced = Arc::new(Paced {
        pacing,
        budget,
        hasher: RandomState::new(),
        checks: AtomicU64::new(0),
    });
    router.layer(middleware::from_fn_with_state(paced, pace))
}

async fn pace(State(paced): State<Arc<Paced>>, request: Request, next: Next) -> Response {
    let source = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    let response = match paced.page_budget(request.uri().path(), source) {
        Ok(()) => next.run(request).await,
        Err(retry_after) => too_many(retry_after),
    };
    if response.status() == StatusCode::TOO_MANY_REQUESTS {
        tokio::time::sleep(paced.pacing.refusal_delay).await;
    }
    response
}

impl Paced {
    /// `Err(retry after)` when `path` is a page and `source` has spent its budget.
    fn page_budget(&self, path: &str, source: Option<IpAddr>) -> Result<(), Duration> {
        let (Some(budget), Some(source)) = (&self.budget, source) else {
            return Ok(());
        };
        if path != self.pacing.pages {
            return Ok(());
        }
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            budget.retain_recent();
        }
        let key = self.hasher.hash_one(prefix(source));
        budget.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.max(Duration::from_secs(1))
        })
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

fn too_many(retry_after: Duration) -> Response {
    let mut response = html_page(
        StatusCode::TOO_MANY_REQUESTS,
        "<!doctype html><title>Too many requests</title>\
         <p>Too many requests from your network. Please wait a moment and try again.",
    )
    .map(Body::from);
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(retry_after.as_secs()),
    );
    response
}
