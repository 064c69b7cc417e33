//! `ClientIdDocuments::resolve` over an in-memory fetcher: the order of the checks, what is
//! cached and for how long, and the shared fetch. Over real HTTPS: `tests/cimd.rs`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::fetch::FetchFuture;

const ID: &str = "https://app.example/client.json";

type Respond = Box<dyn FnMut(&Url) -> Result<Fetched, FetchError> + Send>;

/// Answers every GET with what `respond` makes, counting them; waits `delay` first.
struct Fake {
    calls: AtomicUsize,
    delay: Duration,
    respond: Mutex<Respond>,
}

fn fake(respond: impl FnMut(&Url) -> Result<Fetched, FetchError> + Send + 'static) -> Arc<Fake> {
    Arc::new(Fake {
        calls: AtomicUsize::new(0),
        delay: Duration::ZERO,
        respond: Mutex::new(Box::new(respond)),
    })
}

impl Fetch for Fake {
    fn get<'a>(&'a self, url: &'a Url, accept: &'a str, limits: Limits) -> FetchFuture<'a> {
        Box::pin(async move {
            assert_eq!(accept, "application/json");
            assert_eq!(limits, Limits::default());
            self.calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(self.delay).await;
            (self.respond.lock().unwrap())(url)
        })
    }
}

fn document(url: &Url) -> Result<Fetched, FetchError> {
    let body = serde_json::json!({ "client_id": url.as_str(), "redirect_uris": ["https://app.example/cb"] });
    Ok(Fetched::json(http::StatusCode::OK, body.to_string()))
}

fn calls(fake: &Fake) -> usize {
    fake.calls.load(Ordering::SeqCst)
}

#[tokio::test]
async fn url_rules_and_the_allow_hook_come_before_any_fetch() {
    let fetcher = fake(document);
    let documents = ClientIdDocuments::from_arc(fetcher.clone())
        .allow(|url| url.host_str() == Some("app.example"));
    assert!(matches!(
        documents.resolve("https://app.example/").await,
        Err(CimdError::Url(_))
    ));
    assert!(matches!(
        documents.resolve("https://other.example/client.json").await,
        Err(CimdError::NotAllowed)
    ));
    assert_eq!(calls(&fetcher), 0);
    assert!(documents.resolve(ID).await.is_ok());
    assert_eq!(calls(&fetcher), 1);
}

#[tokio::test]
async fn a_document_is_cached_and_a_failure_too() {
    let fetcher = fake(|url| match url.path() {
        "/client.json" => document(url),
        _ => Err(FetchError::Timeout),
    });
    let documents = ClientIdDocuments::from_arc(fetcher.clone());
    let first = documents.resolve(ID).await.unwrap();
    let second = documents.resolve(ID).await.unwrap();
    assert!(Arc::ptr_eq(&first, &second));
    assert_eq!(calls(&fetcher), 1);
    for _ in 0..3 {
        let failed = documents.resolve("https://app.example/down.json").await;
        assert!(matches!(failed, Err(CimdError::Fetch(FetchError::Timeout))));
    }
    assert_eq!(calls(&fetcher), 2);
}

#[tokio::test]
async fn busy_is_not_cached() {
    let fetcher = fake(|_| Err(FetchError::Busy));
    let documents = ClientIdDocuments::from_arc(fetcher.clone());
    for _ in 0..2 {
        assert!(matches!(
            documents.resolve(ID).await,
            Err(CimdError::Fetch(FetchError::Busy))
        ));
    }
    assert_eq!(calls(&fetcher), 2);
}

#[tokio::test]
async fn a_failure_is_fetched_again_after_the_backoff() {
    let fetcher = fake(|_| Err(FetchError::Redirect));
    let documents =
        ClientIdDocuments::from_arc(fetcher.clone()).failure_backoff(Duration::from_millis(50));
    assert!(documents.resolve(ID).await.is_err());
    assert!(documents.resolve(ID).await.is_err());
    assert_eq!(calls(&fetcher), 1);
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert!(documents.resolve(ID).await.is_err());
    assert_eq!(calls(&fetcher), 2);
}

#[tokio::test]
async fn freshness_is_clamped_to_the_bounds() {
    let fetcher = fake(|url| {
        let mut fetched = document(url)?;
        fetched
            .headers
            .insert(http::header::CACHE_CONTROL, "max-age=3600".parse().unwrap());
        Ok(fetched)
    });
    // A publisher's hour, clamped to a 50 ms maximum: fetched again after it.
    let ms = Duration::from_millis;
    let documents = ClientIdDocuments::from_arc(fetcher.clone()).freshness(ms(10), ms(50), ms(20));
    documents.resolve(ID).await.unwrap();
    documents.resolve(ID).await.unwrap();
    assert_eq!(calls(&fetcher), 1);
    tokio::time::sleep(ms(80)).await;
    documents.resolve(ID).await.unwrap();
    assert_eq!(calls(&fetcher), 2);
}

#[tokio::test]
async fn the_response_must_be_a_200_json_document() {
    let cases: [(u16, Option<&str>, bool); 7] = [
        (200, Some("application/json"), true),
        (200, Some("Application/JSON; charset=utf-8"), true),
        (200, Some("application/client-metadata+json"), true),
        (200, Some("text/html"), false),
        (200, Some("application/jsonp"), false),
        (200, None, false),
        (404, Some("application/json"), false),
    ];
    for (status, content_type, ok) in cases {
        let fetcher = fake(move |url| {
            let mut fetched = document(url)?;
            fetched.status = http::StatusCode::from_u16(status).unwrap();
            fetched.headers.remove(http::header::CONTENT_TYPE);
            if let Some(ct) = content_type {
                fetched
                    .headers
                    .insert(http::header::CONTENT_TYPE, ct.parse().unwrap());
            }
            Ok(fetched)
        });
        let result = ClientIdDocuments::from_arc(fetcher).resolve(ID).await;
        assert_eq!(result.is_ok(), ok, "{status} {content_type:?}: {result:?}");
        if status == 404 {
            assert!(matches!(result, Err(CimdError::Status(404))));
        } else if !ok {
            assert!(matches!(result, Err(CimdError::ContentType)));
        }
    }
}

#[tokio::test]
async fn concurrent_resolves_share_one_fetch() {
    let fetcher = Arc::new(Fake {
        calls: AtomicUsize::new(0),
        delay: Duration::from_millis(50),
        respond: Mutex::new(Box::new(document)),
    });
    let documents = Arc::new(ClientIdDocuments::from_arc(fetcher.clone()));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let documents = documents.clone();
            tokio::spawn(
                async move { documents.resolve(ID).await.map(|doc| doc.client_id.clone()) },
            )
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), ID);
    }
    assert_eq!(calls(&fetcher), 1);
}

#[test]
fn descriptions_name_nothing_internal() {
    let transport = CimdError::Fetch(FetchError::Transport(crate::fetch::TransportError::new(
        std::io::Error::other("tcp connect to 10.1.2.3:443 refused"),
    )));
    assert_eq!(
        transport.description(),
        "the client metadata document could not be fetched"
    );
    assert_eq!(
        transport.to_string(),
        "the client metadata document could not be fetched: the connection failed"
    );
    assert_eq!(
        CimdError::Status(500).description(),
        "the client metadata document could not be fetched"
    );
    assert_eq!(
        CimdError::NotAllowed.description(),
        "this client_id is not allowed"
    );
    assert_eq!(
        CimdError::ContentType.description(),
        "the client metadata document is not JSON"
    );
}
