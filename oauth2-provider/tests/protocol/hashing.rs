//! Slow hashes under load (RFC 6819 §5.1.4.2; OWASP: a slow hash is a denial-of-service
//! vector, so bound it): argon2 checks run on the configured pool, off the async executor;
//! when the pool is full a check is refused at once with 503 and `Retry-After`, and clients
//! whose secrets are cheap to check are not held up.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use http::StatusCode;
use http::header::RETRY_AFTER;
use oauth2_provider::secret::HashPool;

use crate::support::*;

const CC: [(&str, &str); 1] = [("grant_type", "client_credentials")];

#[tokio::test]
async fn a_full_hash_pool_refuses_argon2_checks_at_once_and_serves_the_rest() {
    // One thread, no queue: while it hashes, every other argon2 check is refused.
    let pool = HashPool::new(1, 0);
    let server = server_with(|config| config.hashing = pool.clone());
    let gate = Arc::new(Barrier::new(2));
    let held = {
        let gate = Arc::clone(&gate);
        tokio::spawn(async move { pool.run(move || gate.wait()).await })
    };
    // Until it is taken, nothing else is (the count of checks in flight is one at once).
    tokio::task::yield_now().await;

    let started = Instant::now();
    for auth in [
        Auth::Basic(HUMAN, HUMAN_SECRET),
        Auth::Basic(HUMAN, "a wrong guess"),
        // An unknown client costs an argon2 check too, so it is refused the same way.
        Auth::Basic("no-such-client", "a wrong guess"),
    ] {
        let reply = token(&server, auth, &CC).await;
        assert_token_error(
            &reply,
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            &[HUMAN_SECRET],
        );
        assert_eq!(reply.header(RETRY_AFTER), Some("5"));
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "refusals must be fast"
    );
    // A generated (sha256$) secret is checked in place: the flood does not reach it.
    assert_token_ok(&token(&server, Auth::Basic(SERVICE, SERVICE_SECRET), &CC).await);

    gate.wait();
    held.await.unwrap().unwrap();
    // Served again as soon as the thread is free.
    assert_token_ok(&token(&server, Auth::Basic(HUMAN, HUMAN_SECRET), &CC).await);
    let wrong = token(&server, Auth::Basic(HUMAN, "a wrong guess"), &CC).await;
    assert_token_error(&wrong, StatusCode::UNAUTHORIZED, "invalid_client", &[]);
}
