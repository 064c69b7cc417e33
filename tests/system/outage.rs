//! Fail closed over HTTP: the example server (a process) reaches PostgreSQL or Redis through a
//! proxy the test cuts. While the store is gone the token endpoint answers 503
//! `temporarily_unavailable` and issues nothing, and the API answers 503 for a token it honoured
//! a moment before (never 200 from a stale answer, never a dropped connection). When the proxy
//! is back the same process serves again by itself.
#![cfg(all(feature = "postgres", feature = "redis"))]

use std::time::{Duration, Instant};

use crate::process::{Namespace, Reply, ServerProcess, Service};
use oauth2::reqwest::StatusCode;
use oauth2_provider::store::testing::{self as support_services, Proxy};

/// How long a request may take to fail while the store is gone: the stores give up on a
/// connection after 3 s (PostgreSQL pool) or 2 s (Redis), and a request may try twice.
const FAIL_WITHIN: Duration = Duration::from_secs(10);
/// How long the server may take to serve again once the store is back.
const RECOVER_WITHIN: Duration = Duration::from_secs(20);

// Multi-threaded: the proxy's tasks run in this test's runtime and must keep forwarding while
// the test waits on the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_fails_closed_and_recovers() {
    const TEST: &str = "outage::postgres_outage_fails_closed_and_recovers";
    let Some(namespace) = Namespace::open(TEST, Service::Postgres).await else {
        return;
    };
    fails_closed_and_recovers(&namespace).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_outage_fails_closed_and_recovers() {
    const TEST: &str = "outage::redis_outage_fails_closed_and_recovers";
    let Some(namespace) = Namespace::open(TEST, Service::Redis).await else {
        return;
    };
    fails_closed_and_recovers(&namespace).await;
}

async fn fails_closed_and_recovers(namespace: &Namespace) {
    let mut proxy = Proxy::start(&support_services::host_port(namespace.url())).await;
    let fixtures = crate::process::Fixtures::new();
    let mut flags = namespace.store_args_via(proxy.addr());
    flags.extend(["--fixtures".into(), fixtures.path().into()]);
    let mut server = ServerProcess::start(&flags).await;
    let base = server.url("");
    let http = crate::process::http();

    let issued = client_credentials(&http, &base).await;
    assert_eq!(issued.status, StatusCode::OK, "{issued:?}");
    let token = issued.str("access_token").to_owned();
    assert_eq!(
        crate::process::notes(&http, &base, &token).await.status,
        StatusCode::OK
    );

    proxy.cut();
    let started = Instant::now();
    let refused = client_credentials(&http, &base).await;
    let waited = started.elapsed();
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{refused:?}"
    );
    assert_eq!(
        refused.error(),
        Some("temporarily_unavailable"),
        "{refused:?}"
    );
    assert!(refused.body.get("access_token").is_none(), "{refused:?}");
    // RFC 9110 §10.2.3: when to try again.
    assert_eq!(refused.retry_after.as_deref(), Some("5"), "{refused:?}");
    assert!(waited < FAIL_WITHIN, "the token endpoint took {waited:?}");

    let started = Instant::now();
    let api = crate::process::notes(&http, &base, &token).await;
    let api_waited = started.elapsed();
    assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE, "{api:?}");
    let challenge = api.www_authenticate.as_deref().unwrap_or_default();
    assert!(
        challenge.contains("error=\"temporarily_unavailable\""),
        "{api:?}"
    );
    assert!(api_waited < FAIL_WITHIN, "the API took {api_waited:?}");
    assert_eq!(api.retry_after.as_deref(), Some("5"), "{api:?}");
    assert!(server.is_running(), "the server died: {}", server.log());

    proxy.restore().await;
    let started = Instant::now();
    let reissued = loop {
        let reply = client_credentials(&http, &base).await;
        match reply.status {
            StatusCode::OK => break reply,
            StatusCode::SERVICE_UNAVAILABLE if started.elapsed() < RECOVER_WITHIN => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            _ => panic!("no recovery after {:?}: {reply:?}", started.elapsed()),
        }
    };
    let recovered = started.elapsed();
    assert_eq!(
        crate::process::notes(&http, &base, reissued.str("access_token"))
            .await
            .status,
        StatusCode::OK
    );
    // The token issued before the outage was never lost.
    assert_eq!(
        crate::process::notes(&http, &base, &token).await.status,
        StatusCode::OK
    );
    assert!(server.is_running(), "the server died: {}", server.log());
    println!(
        "{:?}: token endpoint failed closed after {waited:?}, API after {api_waited:?}; \
         served again {recovered:?} after the store came back",
        namespace.service()
    );
}

async fn client_credentials(http: &oauth2::reqwest::Client, base: &str) -> Reply {
    crate::process::post(
        http,
        base,
        "/token",
        &[("grant_type", "client_credentials"), ("scope", "read")],
    )
    .await
}
