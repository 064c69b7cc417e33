//! When a pooled connection to a database server is checked before use.
//!
//! sqlx pings every connection it hands out unless told otherwise (`test_before_acquire`),
//! which made each statement of these stores two round trips: the ping's and its own. Here a
//! connection is pinged only after it sat idle for [`PING_AFTER_IDLE`], as HikariCP does: under
//! load connections go back out within milliseconds and a statement is one round trip, while
//! one left idle across a server restart or a cut is still found dead (and replaced) before a
//! request uses it. A connection that breaks within that window fails its statement, which the
//! store answers as `Unavailable`; sqlx then drops it, and the next request gets a fresh one.

use std::time::Duration;

use sqlx::pool::PoolOptions;
use sqlx::{Connection as _, Database};

/// How long a connection may sit idle in the pool before it is pinged on its way out.
pub(super) const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// `options`, pinging only connections idle for [`PING_AFTER_IDLE`] or longer.
pub(super) fn ping_when_idle<DB: Database>(options: PoolOptions<DB>) -> PoolOptions<DB> {
    options
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_AFTER_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}
