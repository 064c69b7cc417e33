//! A real three-primary Redis Cluster of a test's own, started from the installed
//! `redis-server` on loopback ports and torn down when dropped.

use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;

use super::{unavailable, unique_suffix};

const PRIMARIES: usize = 3;
const SLOTS: u16 = 16384;
const READY_WITHIN: Duration = Duration::from_secs(30);

/// Three `redis-server` processes in cluster mode, each owning a third of the slots, with no
/// persistence and files in a temp dir of their own. Dropping it kills them and removes the
/// dir, also when the test panics.
///
/// ```no_run
/// # async fn demo() {
/// use oauth2_provider::store::RedisStore;
/// use oauth2_provider::store::testing::{RedisCluster, TestScope};
///
/// let Some(cluster) = RedisCluster::start("my_test").await else { return };
/// let store: RedisStore<TestScope> = RedisStore::cluster(&cluster.nodes()).await.unwrap();
/// # }
/// ```
pub struct RedisCluster {
    servers: Vec<Child>,
    urls: Vec<String>,
    dir: PathBuf,
}

impl RedisCluster {
    /// Starts a cluster and waits until every node says `cluster_state:ok`; `None` once the
    /// skip of `test` is reported (a failure under `CI=true`, see [`unavailable`]).
    pub async fn start(test: &str) -> Option<RedisCluster> {
        let dir = std::env::temp_dir().join(format!("oauth2-redis-cluster-{}", unique_suffix()));
        if let Err(err) = std::fs::create_dir_all(&dir) {
            return unavailable(test, format!("cannot create {}: {err}", dir.display()));
        }
        let mut cluster = RedisCluster {
            servers: Vec::new(),
            urls: Vec::new(),
            dir,
        };
        match cluster.boot().await {
            Ok(()) => Some(cluster),
            Err(why) => unavailable(test, format!("no Redis Cluster: {why}")),
        }
    }

    /// `redis://127.0.0.1:PORT` of every primary.
    pub fn nodes(&self) -> Vec<&str> {
        self.urls.iter().map(String::as_str).collect()
    }

    /// `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,...`: the form the example server's
    /// `--store` takes.
    pub fn url(&self) -> String {
        let hosts: Vec<&str> = self
            .urls
            .iter()
            .filter_map(|url| url.strip_prefix("redis://"))
            .collect();
        format!("redis+cluster://{}", hosts.join(","))
    }

    /// A plain connection to each primary, for what only a test does: `SCAN` every node.
    pub async fn primaries(&self) -> Result<Vec<MultiplexedConnection>, String> {
        let mut conns = Vec::with_capacity(self.urls.len());
        for url in &self.urls {
            conns.push(connect(url).await?);
        }
        Ok(conns)
    }

    async fn boot(&mut self) -> Result<(), String> {
        for port in free_ports(PRIMARIES)? {
            let dir = self.dir.display().to_string();
            let server = Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--cluster-enabled", "yes"])
                .args(["--cluster-config-file", &format!("{dir}/nodes-{port}.conf")])
                .args(["--cluster-node-timeout", "5000"])
                .args(["--save", "", "--appendonly", "no", "--dir", &dir])
                .args(["--logfile", &format!("{dir}/redis-{port}.log")])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot run redis-server: {e}"))?;
            self.servers.push(server);
            self.urls.push(format!("redis://127.0.0.1:{port}"));
        }
        let mut conns = Vec::with_capacity(PRIMARIES);
        for url in &self.urls {
            conns.push(wait_for(url).await?);
        }
        // What `redis-cli --cluster create` does, without needing redis-cli: a third of the
        // slots each, distinct config epochs, then every node meets the first.
        let share = SLOTS / PRIMARIES as u16;
        for (i, conn) in conns.iter_mut().enumerate() {
            let first = share * i as u16;
            let last = if i + 1 == PRIMARIES {
                SLOTS - 1
            } else {
                first + share - 1
            };
            run(
                conn,
                redis::cmd("CLUSTER")
                    .arg("ADDSLOTSRANGE")
                    .arg(first)
                    .arg(last),
            )
            .await?;
            run(
                conn,
                redis::cmd("CLUSTER").arg("SET-CONFIG-EPOCH").arg(i + 1),
            )
            .await?;
        }
        let first_port = port_of(&self.urls[0])?;
        for conn in conns.iter_mut().skip(1) {
            run(
                conn,
                redis::cmd("CLUSTER")
                    .arg("MEET")
                    .arg("127.0.0.1")
                    .arg(first_port),
            )
            .await?;
        }
        let started = Instant::now();
        for conn in &mut conns {
            loop {
                let info: String = redis::cmd("CLUSTER")
                    .arg("INFO")
                    .query_async(conn)
                    .await
                    .map_err(|e| e.to_string())?;
                let ready = info.contains("cluster_state:ok")
                    && info.contains(&format!("cluster_known_nodes:{PRIMARIES}"))
                    && info.contains(&format!("cluster_slots_ok:{SLOTS}"));
                if ready {
                    break;
                }
                if started.elapsed() > READY_WITHIN {
                    return Err(format!("not ready within {READY_WITHIN:?}: {info}"));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok(())
    }
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        for server in &mut self.servers {
            // Already gone is fine; the wait reaps it either way.
            let _ = server.kill();
            let _ = server.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `count` loopback ports free now, each with its cluster bus port (+10000) free too.
fn free_ports(count: usize) -> Result<Vec<u16>, String> {
    let mut held = Vec::new();
    let mut ports = Vec::new();
    for _ in 0..200 {
        if ports.len() == count {
            break;
        }
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let Some(bus) = port.checked_add(10000) else {
            continue;
        };
        if let Ok(bus) = TcpListener::bind((Ipv4Addr::LOCALHOST, bus)) {
            // Both held until all are chosen, so no two nodes draw the same port.
            held.push((listener, bus));
            ports.push(port);
        }
    }
    if ports.len() < count {
        return Err("no free loopback ports".to_owned());
    }
    Ok(ports)
}

fn port_of(url: &str) -> Result<u16, String> {
    url.rsplit(':')
        .next()
        .and_then(|port| port.parse().ok())
        .ok_or_else(|| format!("no port in {url}"))
}

async fn connect(url: &str) -> Result<MultiplexedConnection, String> {
    let client = redis::Client::open(url).map_err(|e| e.to_string())?;
    client
        .get_multiplexed_async_connection()
        .await
        .map_err(|e| e.to_string())
}

/// A connection to the server at `url`, once it answers.
async fn wait_for(url: &str) -> Result<MultiplexedConnection, String> {
    let started = Instant::now();
    loop {
        match connect(url).await {
            Ok(conn) => return Ok(conn),
            Err(err) if started.elapsed() > READY_WITHIN => {
                return Err(format!("{url} never answered: {err}"));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

async fn run(conn: &mut MultiplexedConnection, cmd: &mut redis::Cmd) -> Result<(), String> {
    cmd.query_async::<()>(conn).await.map_err(|e| e.to_string())
}
