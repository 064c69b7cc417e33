//! One Redis or a Redis Cluster behind the same commands: the store asks [`Conn::is_cluster`]
//! only to name a grant family's keys, which carry a hash tag on a cluster.

use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClientBuilder;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, Pipeline, RedisFuture, Value};

use super::redis_error;
use crate::error::StoreError;

/// A connection to one Redis (reconnecting by itself) or to every primary of a cluster
/// (following `MOVED` and `ASK`, refreshing its slot map by itself).
#[derive(Clone)]
pub(super) enum Conn {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl Conn {
    pub(super) async fn single(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|e| StoreError::Other(Box::new(e)))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            // A request during an outage waits for at most one retry, then fails with a 503;
            // the next request starts a fresh reconnect.
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(redis_error)?;
        Ok(Conn::Single(conn))
    }

    pub(super) async fn cluster(urls: &[&str], timeout: Duration) -> Result<Self, StoreError> {
        let client = ClusterClientBuilder::new(urls.iter().copied())
            .connection_timeout(timeout)
            // Also the bound on a whole request with its redirections and retries, so an
            // outage is a 503 within `timeout`, as on one Redis.
            .response_timeout(timeout)
            .max_retry_wait(500)
            .build()
            .map_err(|e| StoreError::Other(Box::new(e)))?;
        let conn = client.get_async_connection().await.map_err(redis_error)?;
        Ok(Conn::Cluster(conn))
    }

    /// `true` on a cluster, where one script or transaction may only touch keys of one slot.
    pub(super) fn is_cluster(&self) -> bool {
        matches!(self, Conn::Cluster(_))
    }
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Conn::Single(conn) => conn.req_packed_command(cmd),
            Conn::Cluster(conn) => conn.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Conn::Single(conn) => conn.req_packed_commands(pipeline, offset, count),
            Conn::Cluster(conn) => conn.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Conn::Single(conn) => conn.get_db(),
            Conn::Cluster(conn) => conn.get_db(),
        }
    }
}
