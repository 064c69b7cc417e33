//! Redis's feed of client changes: a store publishes the id of every client it saves or
//! deletes on `{prefix}clients`, and each node's subscription forgets what it names.

use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_util::StreamExt;

use crate::store::client_cache::CachedClients;

/// How long a node waits before subscribing again after its subscription failed.
const RETRY: Duration = Duration::from_secs(1);

/// Follows the channel into `cache` until the cache is gone: subscribed, it forgets each
/// client named; while it cannot subscribe, the cache keeps nothing.
///
/// On a cluster, `PUBLISH` reaches every node's subscribers, so any one node will do: each
/// of `urls` in turn.
pub(super) async fn follow<C>(
    urls: Arc<[redis::Client]>,
    channel: String,
    cache: Weak<CachedClients<C>>,
) {
    for client in urls.iter().cycle() {
        if let Ok(mut pubsub) = client.get_async_pubsub().await
            && pubsub.subscribe(&channel).await.is_ok()
        {
            let Some(live) = cache.upgrade() else { return };
            live.feed_up();
            drop(live);
            let mut messages = pubsub.into_on_message();
            // The stream ends when the connection does, and what was published meanwhile
            // with it.
            while let Some(message) = messages.next().await {
                let Some(live) = cache.upgrade() else { return };
                match std::str::from_utf8(message.get_payload_bytes()) {
                    Ok(client_id) => live.forget(client_id),
                    Err(_) => live.forget_all(),
                }
            }
            let Some(live) = cache.upgrade() else { return };
            live.feed_down();
        }
        tokio::time::sleep(RETRY).await;
    }
}
