//! Outages on demand: a proxy in front of a store's service that a test cuts and restores,
//! to show that a store fails closed (`StoreError::Unavailable`) and recovers by itself.

/// A TCP proxy on the loopback interface in front of a service, which a test can cut (closing
/// every connection and refusing new ones) and restore on the same port: an outage without
/// touching the shared service.
pub struct Proxy {
    addr: std::net::SocketAddr,
    target: String,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// A proxy to `target` (`host:port`) on a free local port.
    pub async fn start(target: &str) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(Self::serve(listener, target.to_owned()));
        Proxy {
            addr,
            target: target.to_owned(),
            task,
        }
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
        self.task = tokio::spawn(Self::serve(listener, self.target.clone()));
    }

    async fn serve(listener: tokio::net::TcpListener, target: String) {
        // Dropped with this task, aborting every connection in it.
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else {
                continue;
            };
            let target = target.clone();
            connections.spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
            while connections.try_join_next().is_some() {}
        }
    }
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
