//! Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document; the MCP
//! 2025-11-25 "client-registration"): a `client_id` that is an `https` URL names a JSON
//! document, published by the client, that holds its metadata. The provider fetches it,
//! checks it and uses it as the client's registration (feature `cimd`).
//!
//! [`ClientIdDocuments`] is the entry point: the URL rules ([`parse_client_id`]), an allow
//! hook, a bounded cache that honours the publisher's `Cache-Control` and `Expires` within
//! [30 s, 24 h] and keeps failures for a back-off, one fetch per URL however many ask, and
//! the document's validation ([`ClientDocument::parse`]). The fetch goes through any
//! [`Fetch`]; in production the SSRF-hardened
//! [`SafeFetcher`](crate::fetch::SafeFetcher) (feature `fetch`), since the URL is chosen by
//! whoever sends the request, before any login.

mod cache;
mod document;
mod url;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ::url::Url;

pub use self::document::ClientDocument;
pub use self::url::{MAX_CLIENT_ID_LEN, is_document_url, parse_client_id};
use crate::fetch::{Fetch, FetchError, Fetched, Limits};
use cache::{Cache, Outcome};

/// Why a client ID metadata document was not resolved.
///
/// [`description`](CimdError::description) is a short, safe `error_description`: the token
/// endpoint answers `invalid_client` with it, the authorization endpoint an error page (never
/// a redirect: the redirect URIs are the document's, and it was not read).
///
/// ```
/// use oauth2_provider::cimd::parse_client_id;
///
/// let error = parse_client_id("https://app.example/x#f").unwrap_err();
/// assert_eq!(error.description(), "the client_id URL must not have a fragment");
/// ```
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CimdError {
    /// The `client_id` breaks a URL rule of [`parse_client_id`]; the reason.
    #[error("{0}")]
    Url(&'static str),
    /// The allow hook ([`ClientIdDocuments::allow`]) refused the URL.
    #[error("this client_id is not allowed")]
    NotAllowed,
    /// The fetch failed.
    #[error("the client metadata document could not be fetched: {0}")]
    Fetch(FetchError),
    /// The publisher answered with this status, not 200.
    #[error("the client metadata document could not be fetched: status {0}")]
    Status(u16),
    /// The response is not `application/json` (or a `+json` type).
    #[error("the client metadata document is not JSON")]
    ContentType,
    /// The document breaks a rule of [`ClientDocument::parse`]; the reason.
    #[error("{0}")]
    Document(&'static str),
}

impl CimdError {
    /// A short `error_description` that names no address, certificate or server message.
    ///
    /// ```
    /// use oauth2_provider::cimd::CimdError;
    /// use oauth2_provider::fetch::FetchError;
    ///
    /// let error = CimdError::Fetch(FetchError::NotAllowed);
    /// assert_eq!(error.description(), "the client metadata document could not be fetched");
    /// ```
    pub fn description(&self) -> &'static str {
        match self {
            CimdError::Url(reason) | CimdError::Document(reason) => reason,
            CimdError::NotAllowed => "this client_id is not allowed",
            CimdError::Fetch(_) | CimdError::Status(_) => {
                "the client metadata document could not be fetched"
            }
            CimdError::ContentType => "the client metadata document is not JSON",
        }
    }
}

type AllowHook = Arc<dyn Fn(&Url) -> bool + Send + Sync>;

/// Resolves `client_id` URLs to their validated, cached documents.
///
/// Defaults: fetches of at most 16 KiB and 5 s ([`Limits::default`]); 1000 cached URLs;
/// freshness from `Cache-Control: max-age`/`no-store`/`no-cache` and `Expires`, clamped to
/// [30 s, 24 h], 5 min when the response says nothing; a failure kept for 60 s, so an
/// unreachable URL is not asked again on every request. [`FetchError::Busy`] (the fetcher's
/// concurrency bound) is the one failure not kept, since it says nothing about the URL.
///
/// ```no_run
/// # async fn run() -> Result<(), oauth2_provider::cimd::CimdError> {
/// use oauth2_provider::cimd::ClientIdDocuments;
/// use oauth2_provider::fetch::SafeFetcher;
///
/// let documents = ClientIdDocuments::new(SafeFetcher::new())
///     .allow(|url| url.host_str().is_some_and(|host| host.ends_with(".trusted.example")));
/// let doc = documents.resolve("https://app.trusted.example/oauth/client.json").await?;
/// println!("{:?}", doc.redirect_uris);
/// # Ok(()) }
/// ```
pub struct ClientIdDocuments {
    fetcher: Arc<dyn Fetch>,
    allow: Option<AllowHook>,
    limits: Limits,
    min_ttl: Duration,
    max_ttl: Duration,
    default_ttl: Duration,
    failure_ttl: Duration,
    cache: Cache,
}

impl ClientIdDocuments {
    /// Documents fetched through `fetcher`, with the defaults.
    pub fn new(fetcher: impl Fetch) -> ClientIdDocuments {
        ClientIdDocuments::from_arc(Arc::new(fetcher))
    }

    /// Documents fetched through a shared fetcher.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use oauth2_provider::cimd::ClientIdDocuments;
    /// # use oauth2_provider::fetch::{Fetch, FetchError, FetchFuture, Limits};
    /// # struct Offline;
    /// # impl Fetch for Offline {
    /// #     fn get<'a>(&'a self, _: &'a url::Url, _: &'a str, _: Limits) -> FetchFuture<'a> {
    /// #         Box::pin(async { Err(FetchError::NotAllowed) })
    /// #     }
    /// # }
    /// let fetcher: Arc<dyn oauth2_provider::fetch::Fetch> = Arc::new(Offline);
    /// let documents = ClientIdDocuments::from_arc(fetcher.clone());
    /// # let _ = documents;
    /// ```
    pub fn from_arc(fetcher: Arc<dyn Fetch>) -> ClientIdDocuments {
        ClientIdDocuments {
            fetcher,
            allow: None,
            limits: Limits::default(),
            min_ttl: Duration::from_secs(30),
            max_ttl: Duration::from_secs(24 * 60 * 60),
            default_ttl: Duration::from_secs(5 * 60),
            failure_ttl: Duration::from_secs(60),
            cache: Cache::new(1000),
        }
    }

    /// Fetches only URLs `allow` accepts (a host allow-list, as Keycloak's trusted domains);
    /// checked after the URL rules and before the cache and any fetch. A refused URL is
    /// [`CimdError::NotAllowed`].
    ///
    /// ```
    /// use oauth2_provider::cimd::ClientIdDocuments;
    /// # use oauth2_provider::fetch::{Fetch, FetchError, FetchFuture, Limits};
    /// # struct Offline;
    /// # impl Fetch for Offline {
    /// #     fn get<'a>(&'a self, _: &'a url::Url, _: &'a str, _: Limits) -> FetchFuture<'a> {
    /// #         Box::pin(async { Err(FetchError::NotAllowed) })
    /// #     }
    /// # }
    /// let documents = ClientIdDocuments::new(Offline)
    ///     .allow(|url| url.host_str() == Some("app.example"));
    /// # let _ = documents;
    /// ```
    pub fn allow(mut self, allow: impl Fn(&Url) -> bool + Send + Sync + 'static) -> Self {
        self.allow = Some(Arc::new(allow));
        self
    }

    /// The size and time limits of one fetch (default 16 KiB, 5 s).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The most URLs kept (default 1000; at least 1). When full, the expired go first, then
    /// the one that expires soonest.
    pub fn capacity(mut self, entries: usize) -> Self {
        self.cache = Cache::new(entries);
        self
    }

    /// The bounds a publisher's freshness is clamped to (default 30 s and 24 h), and the
    /// freshness when it gives none (default 5 min, clamped too).
    pub fn freshness(mut self, min: Duration, max: Duration, default: Duration) -> Self {
        self.min_ttl = min;
        self.max_ttl = max.max(min);
        self.default_ttl = default;
        self
    }

    /// How long a failed resolve is kept before the URL is fetched again (default 60 s).
    pub fn failure_backoff(mut self, backoff: Duration) -> Self {
        self.failure_ttl = backoff;
        self
    }

    /// The validated document of `client_id`: the URL rules, the allow hook, then the cache,
    /// else one fetch (`Accept: application/json`) whose response must be 200 with a JSON
    /// content type and a valid document.
    ///
    /// Concurrent calls for one URL share one fetch. A failure is answered from the cache
    /// until the back-off ends.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use oauth2_provider::cimd::ClientIdDocuments;
    /// use oauth2_provider::fetch::{Fetch, FetchFuture, Fetched, Limits};
    ///
    /// struct Publisher;
    /// impl Fetch for Publisher {
    ///     fn get<'a>(&'a self, url: &'a url::Url, _: &'a str, _: Limits) -> FetchFuture<'a> {
    ///         let body = serde_json::json!({
    ///             "client_id": url.as_str(),
    ///             "redirect_uris": ["https://app.example/cb"],
    ///         });
    ///         Box::pin(async move { Ok(Fetched::json(http::StatusCode::OK, body.to_string())) })
    ///     }
    /// }
    /// let documents = ClientIdDocuments::new(Publisher);
    /// let doc = documents.resolve("https://app.example/client.json").await.unwrap();
    /// assert_eq!(doc.redirect_uris, ["https://app.example/cb"]);
    /// # });
    /// ```
    pub async fn resolve(&self, client_id: &str) -> Result<Arc<ClientDocument>, CimdError> {
        let url = parse_client_id(client_id)?;
        if let Some(allow) = &self.allow
            && !allow(&url)
        {
            return Err(CimdError::NotAllowed);
        }
        let slot = self.cache.slot(client_id, Instant::now());
        let outcome = slot
            .outcome
            .get_or_try_init(|| self.load(&url, client_id))
            .await?;
        outcome.result.clone()
    }

    /// One fetch and its verdict, as the cache keeps it; `Err` for what is not kept.
    async fn load(&self, url: &Url, client_id: &str) -> Result<Outcome, CimdError> {
        let fetched = self.fetcher.get(url, "application/json", self.limits).await;
        let now = Instant::now();
        let result = match fetched {
            Err(FetchError::Busy) => return Err(CimdError::Fetch(FetchError::Busy)),
            Err(error) => Err(CimdError::Fetch(error)),
            Ok(fetched) => check(&fetched, client_id).map(|doc| (doc, fetched)),
        };
        Ok(match result {
            Ok((doc, fetched)) => {
                let ttl = cache::freshness(&fetched.headers, SystemTime::now())
                    .unwrap_or(self.default_ttl)
                    .clamp(self.min_ttl, self.max_ttl);
                Outcome {
                    result: Ok(Arc::new(doc)),
                    expires: now + ttl,
                }
            }
            Err(error) => Outcome {
                result: Err(error),
                expires: now + self.failure_ttl,
            },
        })
    }
}

/// The response's verdict: 200, a JSON content type, a valid document.
fn check(fetched: &Fetched, client_id: &str) -> Result<ClientDocument, CimdError> {
    if fetched.status != http::StatusCode::OK {
        return Err(CimdError::Status(fetched.status.as_u16()));
    }
    let json = fetched
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(is_json);
    if !json {
        return Err(CimdError::ContentType);
    }
    ClientDocument::parse(&fetched.body, client_id)
}

/// `application/json` or any `+json` type, parameters (`charset=utf-8`) ignored.
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    let essence = essence.to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|subtype| subtype.ends_with("+json"))
}

impl std::fmt::Debug for ClientIdDocuments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdDocuments")
            .field("allow", &self.allow.is_some())
            .field("limits", &self.limits)
            .field("capacity", &self.cache.capacity)
            .field("min_ttl", &self.min_ttl)
            .field("max_ttl", &self.max_ttl)
            .field("default_ttl", &self.default_ttl)
            .field("failure_ttl", &self.failure_ttl)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
