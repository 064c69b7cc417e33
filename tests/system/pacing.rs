//! Pacing by source in the example server (issue 13): the sign-in and consent pages have a
//! budget per source; beyond it a 429 with `Retry-After`, sent only after the refusal delay.
//! Another source, and the other endpoints of the same one, are served as before.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use oauth2::reqwest;

use crate::example;

const METADATA: &str = "/.well-known/oauth-authorization-server";

/// An HTTP client whose connections come from `source` (any 127/8 address is this host's).
fn from(source: Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(IpAddr::V4(source))
        .build()
        .expect("an HTTP client")
}

#[tokio::test]
async fn a_source_over_its_page_budget_waits_for_a_429_and_others_are_served() {
    let server = example::start(&[
        "--page-rate-per-source",
        "1",
        "--page-burst-per-source",
        "3",
        "--refusal-delay-ms",
        "300",
    ])
    .await;
    let base = format!("http://{}", server.addr);
    let authorize = format!("{base}/authorize?response_type=code&client_id=demo-app");
    let flooding = from(Ipv4Addr::new(127, 0, 0, 1));

    for visit in 1..=3 {
        let page = flooding
            .get(&authorize)
            .send()
            .await
            .expect("GET authorize");
        assert_ne!(page.status(), 429, "visit {visit} of a burst of 3 refused");
    }
    let started = Instant::now();
    let refused = flooding
        .get(&authorize)
        .send()
        .await
        .expect("GET authorize");
    assert_eq!(refused.status(), 429);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the refusal came after {:?}, before the 300 ms delay",
        started.elapsed()
    );
    let retry_after: u64 = refused
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    assert_eq!(
        refused.headers().get("cache-control").map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );

    // The same source's other endpoints are not the pages' budget.
    let metadata = flooding.get(format!("{base}{METADATA}")).send().await;
    assert_eq!(metadata.expect("GET metadata").status(), 200);

    // Another source has its own budget.
    let other = from(Ipv4Addr::new(127, 0, 0, 2));
    let page = other.get(&authorize).send().await.expect("GET authorize");
    assert_eq!(page.status(), 200);
}

#[tokio::test]
async fn without_a_budget_the_pages_are_not_refused() {
    let server = example::start(&["--page-rate-per-source", "0"]).await;
    let authorize = format!(
        "http://{}/authorize?response_type=code&client_id=demo-app",
        server.addr
    );
    let http = from(Ipv4Addr::LOCALHOST);
    for visit in 1..=400 {
        let page = http.get(&authorize).send().await.expect("GET authorize");
        assert_ne!(page.status(), 429, "visit {visit} refused without a budget");
    }
}
