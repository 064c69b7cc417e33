//! [`SafeFetcher`]: the SSRF-hardened [`Fetch`] over reqwest (feature `fetch`).
//!
//! A client ID metadata document is fetched from a URL an anonymous party chose, before any
//! login, so the fetch must not become a way into the provider's network (draft §6.5): the
//! host is resolved once, every address it resolves to must be public ([`is_public`]), and
//! the connection goes to those addresses only (reqwest's DNS overrides, with a resolver that
//! refuses every other name behind them), so a rebinding DNS answer cannot change the address
//! between the check and the connect. Redirects are never followed: a 3xx could point anywhere.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use url::{Host, Url};

use super::{Fetch, FetchError, FetchFuture, Fetched, Limits, TransportError, is_public};

/// The `User-Agent` of every fetch, so a publisher can tell what reads its documents.
const USER_AGENT: &str = concat!("oauth2-provider/", env!("CARGO_PKG_VERSION"));

/// The SSRF-hardened [`Fetch`]: https only, no redirects, public addresses only and the
/// connection pinned to the addresses checked, the body cut at [`Limits::max_bytes`], a total
/// and a connect timeout, at most [`max_concurrent`](SafeFetcherBuilder::max_concurrent)
/// fetches at once (one more is [`FetchError::Busy`] at once, never queued), no cookies, no
/// proxies from the environment, no decompression, a fixed `User-Agent`.
///
/// Servers are trusted through Mozilla's root certificates (webpki-roots) and any added with
/// [`add_root_certificate`](SafeFetcherBuilder::add_root_certificate).
///
/// ```no_run
/// # async fn run() -> Result<(), oauth2_provider::fetch::FetchError> {
/// use oauth2_provider::fetch::{Fetch, Limits, SafeFetcher};
///
/// let fetcher = SafeFetcher::new();
/// let url = url::Url::parse("https://app.example/oauth/client.json").unwrap();
/// let fetched = fetcher.get(&url, "application/json", Limits::default()).await?;
/// assert_eq!(fetched.status, 200);
/// # Ok(()) }
/// ```
///
/// The address policy holds before anything is sent:
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use oauth2_provider::fetch::{Fetch, FetchError, Limits, SafeFetcher};
///
/// let fetcher = SafeFetcher::new();
/// let metadata = url::Url::parse("https://169.254.169.254/latest/meta-data").unwrap();
/// let refused = fetcher.get(&metadata, "application/json", Limits::default()).await;
/// assert!(matches!(refused, Err(FetchError::NotAllowed)));
/// # });
/// ```
#[derive(Clone)]
pub struct SafeFetcher {
    inner: Arc<Inner>,
}

struct Inner {
    roots: Vec<reqwest::Certificate>,
    connect_timeout: Duration,
    allow_loopback: bool,
    permits: Semaphore,
}

/// Builds a [`SafeFetcher`]; see [`SafeFetcher::builder`].
pub struct SafeFetcherBuilder {
    roots: Vec<reqwest::Certificate>,
    connect_timeout: Duration,
    allow_loopback: bool,
    max_concurrent: usize,
}

impl SafeFetcher {
    /// A fetcher with the defaults: at most 10 concurrent fetches (django-oauth-toolkit's
    /// bound), a 2 s connect timeout, public addresses only.
    pub fn new() -> SafeFetcher {
        SafeFetcher::builder().build()
    }

    /// A builder, to add a root certificate or change the bounds.
    ///
    /// ```
    /// use oauth2_provider::fetch::SafeFetcher;
    ///
    /// let fetcher = SafeFetcher::builder()
    ///     .max_concurrent(4)
    ///     .connect_timeout(std::time::Duration::from_secs(1))
    ///     .build();
    /// # let _ = fetcher;
    /// ```
    pub fn builder() -> SafeFetcherBuilder {
        SafeFetcherBuilder {
            roots: Vec::new(),
            connect_timeout: Duration::from_secs(2),
            allow_loopback: false,
            max_concurrent: 10,
        }
    }

    /// Whether `addr` may be connected to under this fetcher's policy.
    fn allowed(&self, addr: IpAddr) -> bool {
        is_public(addr) || (self.inner.allow_loopback && is_test_loopback(addr))
    }

    async fn fetch(&self, url: &Url, accept: &str, limits: Limits) -> Result<Fetched, FetchError> {
        if url.scheme() != "https" {
            return Err(FetchError::NotAllowed);
        }
        let port = url.port_or_known_default().unwrap_or(443);
        // The literal-IP checks come first so that a refused address costs no permit.
        let (domain, addrs) = match url.host() {
            Some(Host::Ipv4(ip)) => (None, vec![SocketAddr::new(IpAddr::V4(ip), port)]),
            Some(Host::Ipv6(ip)) => (None, vec![SocketAddr::new(IpAddr::V6(ip), port)]),
            Some(Host::Domain(domain)) => (Some(domain), Vec::new()),
            None => return Err(FetchError::NotAllowed),
        };
        if addrs.iter().any(|a| !self.allowed(a.ip())) {
            return Err(FetchError::NotAllowed);
        }
        // Busy at once rather than queued: a caller waiting on a slow publisher must not hold
        // a request of the provider's open behind others.
        let Ok(_permit) = self.inner.permits.try_acquire() else {
            return Err(FetchError::Busy);
        };
        let mut client = reqwest::Client::builder()
            .use_rustls_tls()
            .https_only(true)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .referer(false)
            .user_agent(USER_AGENT)
            .connect_timeout(self.inner.connect_timeout.min(limits.timeout))
            .timeout(limits.timeout)
            // A pooled connection would outlive the check it was made under.
            .pool_max_idle_per_host(0)
            // Whatever name the overrides below do not cover is refused, not resolved.
            .dns_resolver(Arc::new(Refuse));
        for root in &self.inner.roots {
            client = client.add_root_certificate(root.clone());
        }
        if let Some(domain) = domain {
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((domain, port))
                .await
                .map_err(|_| FetchError::Unresolved)?
                .collect();
            if resolved.is_empty() {
                return Err(FetchError::Unresolved);
            }
            // Every address, not the first: the client may try any of them.
            if resolved.iter().any(|a| !self.allowed(a.ip())) {
                return Err(FetchError::NotAllowed);
            }
            client = client.resolve_to_addrs(domain, &resolved);
        }
        let client = client.build().map_err(transport)?;
        let mut response = client
            .get(url.clone())
            .header(http::header::ACCEPT, accept)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        if status.is_redirection() {
            return Err(FetchError::Redirect);
        }
        if response
            .content_length()
            .is_some_and(|len| len > limits.max_bytes as u64)
        {
            return Err(FetchError::TooLarge);
        }
        let headers = std::mem::take(response.headers_mut());
        let mut body = Vec::new();
        // Chunk by chunk, so a body past the limit is never held past the limit.
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > limits.max_bytes {
                return Err(FetchError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status,
            headers,
            body: body.into(),
        })
    }
}

impl Default for SafeFetcher {
    fn default() -> Self {
        SafeFetcher::new()
    }
}

impl std::fmt::Debug for SafeFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SafeFetcher")
            .field("extra_roots", &self.inner.roots.len())
            .field("allow_loopback", &self.inner.allow_loopback)
            .field("available", &self.inner.permits.available_permits())
            .finish_non_exhaustive()
    }
}

impl Fetch for SafeFetcher {
    fn get<'a>(&'a self, url: &'a Url, accept: &'a str, limits: Limits) -> FetchFuture<'a> {
        Box::pin(async move {
            // The total bound covers name resolution too, which reqwest's timeout does not.
            tokio::time::timeout(limits.timeout, self.fetch(url, accept, limits))
                .await
                .unwrap_or(Err(FetchError::Timeout))
        })
    }
}

impl SafeFetcherBuilder {
    /// Trusts `der` (a DER-encoded X.509 certificate) as a root, beside Mozilla's.
    ///
    /// ```
    /// # let der: Vec<u8> = Vec::new();
    /// use oauth2_provider::fetch::SafeFetcher;
    ///
    /// // `der` is a CA certificate: a private PKI's root, or a test's own.
    /// let fetcher = SafeFetcher::builder().add_root_certificate(&der).build();
    /// # let _ = fetcher;
    /// ```
    ///
    /// A certificate that does not parse is refused when it is used, by the TLS handshake
    /// failing ([`FetchError::Transport`]).
    pub fn add_root_certificate(mut self, der: &[u8]) -> Self {
        if let Ok(cert) = reqwest::Certificate::from_der(der) {
            self.roots.push(cert);
        }
        self
    }

    /// The most fetches running at once (default 10; at least 1). One more is answered
    /// [`FetchError::Busy`] at once.
    pub fn max_concurrent(mut self, n: usize) -> Self {
        self.max_concurrent = n.max(1);
        self
    }

    /// The time to establish the TCP connection (default 2 s); never more than the fetch's
    /// [`Limits::timeout`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// **For hermetic tests only, never in production**: also allows the loopback addresses
    /// 127.0.0.0/8 and `::1` (and nothing else private), so that a test can serve documents
    /// from a TLS server of its own on the same machine. In production this would let any
    /// client ID reach the provider's own local services.
    ///
    /// ```
    /// use oauth2_provider::fetch::SafeFetcher;
    ///
    /// # let test_ca: Vec<u8> = Vec::new();
    /// let fetcher = SafeFetcher::builder()
    ///     .add_root_certificate(&test_ca)
    ///     .allow_loopback_for_tests()
    ///     .build();
    /// # let _ = fetcher;
    /// ```
    pub fn allow_loopback_for_tests(mut self) -> Self {
        self.allow_loopback = true;
        self
    }

    /// The fetcher.
    pub fn build(self) -> SafeFetcher {
        SafeFetcher {
            inner: Arc::new(Inner {
                roots: self.roots,
                connect_timeout: self.connect_timeout,
                allow_loopback: self.allow_loopback,
                permits: Semaphore::new(self.max_concurrent),
            }),
        }
    }
}

/// 127.0.0.0/8 and `::1` (and `::ffff:127.0.0.0/104`), which the test escape allows.
fn is_test_loopback(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

fn transport(error: reqwest::Error) -> FetchError {
    if error.is_timeout() {
        FetchError::Timeout
    } else {
        FetchError::Transport(TransportError::new(error))
    }
}

/// The resolver behind the pinned addresses: every name not pinned is refused, so nothing
/// reqwest connects to escapes the check.
struct Refuse;

impl reqwest::dns::Resolve for Refuse {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async {
            Err(Box::new(std::io::Error::other(
                "name not pinned by the address check",
            )) as Box<dyn std::error::Error + Send + Sync>)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(fetcher: &SafeFetcher, url: &str) -> Result<Fetched, FetchError> {
        let url = Url::parse(url).unwrap();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(fetcher.get(&url, "application/json", Limits::default()))
    }

    #[test]
    fn refuses_other_schemes_and_private_literals_before_connecting() {
        let fetcher = SafeFetcher::new();
        for url in [
            "http://93.184.215.14/x",
            "https://10.0.0.1/x",
            "https://127.0.0.1:1/x",
            "https://[::1]/x",
            "https://169.254.169.254/latest",
            "https://[::ffff:10.0.0.1]/x",
        ] {
            assert!(
                matches!(get(&fetcher, url), Err(FetchError::NotAllowed)),
                "{url}"
            );
        }
    }

    #[test]
    fn the_test_escape_allows_loopback_and_nothing_else() {
        let fetcher = SafeFetcher::builder().allow_loopback_for_tests().build();
        assert!(fetcher.allowed("127.0.0.1".parse().unwrap()));
        assert!(fetcher.allowed("127.8.9.1".parse().unwrap()));
        assert!(fetcher.allowed("::1".parse().unwrap()));
        for private in [
            "10.0.0.1",
            "169.254.169.254",
            "192.168.1.1",
            "fe80::1",
            "0.0.0.0",
        ] {
            assert!(!fetcher.allowed(private.parse().unwrap()), "{private}");
        }
        assert!(!SafeFetcher::new().allowed("127.0.0.1".parse().unwrap()));
    }

    #[test]
    fn localhost_by_name_is_refused_without_the_escape() {
        // `localhost` resolves to loopback addresses, so the resolved-address check refuses it.
        let refused = get(&SafeFetcher::new(), "https://localhost:1/x");
        assert!(
            matches!(refused, Err(FetchError::NotAllowed)),
            "{refused:?}"
        );
    }
}
