//! PostgreSQL's feed of client changes: the `oauth_clients_changed` trigger (migration 0006)
//! notifies a channel per schema, and each node's listener forgets what it names.

use std::sync::Weak;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};

use crate::store::client_cache::CachedClients;

/// How long a node waits before listening again after its listening connection failed.
const RETRY: Duration = Duration::from_secs(1);

/// The channel the trigger notifies for `schema`: cut as PostgreSQL cuts identifiers.
pub(super) fn channel(schema: &str) -> String {
    let mut channel = format!("oauth_clients.{schema}");
    // The schema is `[a-z_][a-z0-9_]*`, so every byte is a character boundary.
    channel.truncate(63);
    channel
}

/// Follows the feed into `cache` until the cache is gone: listening, it forgets each client
/// named; while it cannot listen, the cache keeps nothing.
///
/// It connects as the store's pool does (`connect`), but on a connection of its own, outside
/// that pool: a listener holds its connection for good, which would take a slot from the pool
/// and keep `close` waiting.
pub(super) async fn follow<C>(
    connect: PgConnectOptions,
    channel: String,
    cache: Weak<CachedClients<C>>,
) {
    let own = PgPoolOptions::new()
        .max_connections(1)
        .max_lifetime(None)
        .idle_timeout(None)
        .acquire_timeout(RETRY)
        .connect_lazy_with(connect);
    loop {
        if let Ok(mut listener) = PgListener::connect_with(&own).await
            && listener.listen(&channel).await.is_ok()
        {
            let Some(live) = cache.upgrade() else { return };
            live.feed_up();
            drop(live);
            loop {
                let received = listener.try_recv().await;
                let Some(live) = cache.upgrade() else { return };
                match received {
                    Ok(Some(notice)) if notice.payload().is_empty() => live.forget_all(),
                    Ok(Some(notice)) => live.forget(notice.payload()),
                    // The connection is gone, and what was notified meanwhile with it.
                    Ok(None) | Err(_) => {
                        live.feed_down();
                        break;
                    }
                }
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}
