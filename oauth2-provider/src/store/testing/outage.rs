//! Outages on demand: a proxy in front of a store's service that a test cuts and restores,
//! to show that a store fails closed (`StoreError::Unavailable`) and recovers by itself. It
//! also counts round trips, to show how many an operation costs.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};

/// A TCP proxy on the loopback interface in front of a service, which a test can cut (closing
/// every connection and refusing new ones) and restore on the same port: an outage without
/// touching the shared service.
pub struct Proxy {
    addr: std::net::SocketAddr,
    target: String,
    task: tokio::task::JoinHandle<()>,
    turns: Arc<Turns>,
}

/// Who spoke last on any proxied connection, and how many times the client spoke after the
/// service had: the round trips.
#[derive(Default)]
struct Turns {
    client_spoke_last: AtomicBool,
    round_trips: AtomicU64,
}

impl Proxy {
    /// A proxy to `target` (`host:port`) on a free local port.
    pub async fn start(target: &str) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let turns = Arc::<Turns>::default();
        let task = tokio::spawn(Self::serve(listener, target.to_owned(), Arc::clone(&turns)));
        Proxy {
            addr,
            target: target.to_owned(),
            task,
            turns,
        }
    }

    /// How many times a client has sent something after the service last answered, over every
    /// connection so far: an operation on a store costs the difference before and after it
    /// (run it alone: two connections at once interleave their turns).
    pub fn round_trips(&self) -> u64 {
        self.turns.round_trips.load(Ordering::SeqCst)
    }

    /// The proxy's `host:port`.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// Closes every proxied connection and stops listening.
    pub fn cut(&self) {
        self.task.abort();
    }

    /// Listens again on the same port.
    pub async fn restore(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.addr).await.unwrap();
        self.task = tokio::spawn(Self::serve(
            listener,
            self.target.clone(),
            Arc::clone(&self.turns),
        ));
    }

    async fn serve(listener: tokio::net::TcpListener, target: String, turns: Arc<Turns>) {
        // Dropped with this task, aborting every connection in it.
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let Ok((inbound, _)) = listener.accept().await else {
                continue;
            };
            let (target, turns) = (target.clone(), Arc::clone(&turns));
            connections.spawn(async move {
                if let Ok(outbound) = tokio::net::TcpStream::connect(&target).await {
                    let (from_client, to_client) = inbound.into_split();
                    let (from_service, to_service) = outbound.into_split();
                    futures_util::future::join(
                        relay(from_client, to_service, &turns, true),
                        relay(from_service, to_client, &turns, false),
                    )
                    .await;
                }
            });
            while connections.try_join_next().is_some() {}
        }
    }
}

/// Copies `from` to `to` until `from` closes or `to` fails, noting who spoke in `turns`; then
/// closes `to`, as `copy_bidirectional` would.
async fn relay(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    turns: &Turns,
    client: bool,
) {
    let mut buffer = vec![0; 16 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let before = turns.client_spoke_last.swap(client, Ordering::SeqCst);
        if client && !before {
            turns.round_trips.fetch_add(1, Ordering::SeqCst);
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `host:port` of a `scheme://[user@]host:port/...` URL.
pub fn host_port(url: &str) -> String {
    let url = url::Url::parse(url).unwrap();
    format!(
        "{}:{}",
        url.host_str().unwrap(),
        url.port_or_known_default().unwrap_or(match url.scheme() {
            "redis" => 6379,
            "mysql" => 3306,
            _ => 5432,
        })
    )
}

/// `url` with its host and port replaced by `addr`.
pub fn via(url: &str, addr: std::net::SocketAddr) -> String {
    let mut url = url::Url::parse(url).unwrap();
    url.set_host(Some(&addr.ip().to_string())).unwrap();
    url.set_port(Some(addr.port())).unwrap();
    url.to_string()
}
