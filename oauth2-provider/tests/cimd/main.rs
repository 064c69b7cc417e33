//! Client ID metadata documents over real HTTPS: a loopback TLS server of the test's own
//! (`server.rs`), which serves a document per path and counts the requests, read through
//! `SafeFetcher` with the test-only loopback escape; and the default `SafeFetcher`, which
//! refuses the same server.

mod flow;
mod server;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use oauth2_provider::cimd::{CimdError, ClientIdDocuments};
use oauth2_provider::fetch::{Fetch, FetchError, Limits, SafeFetcher};
use oauth2_provider::model::{ClientRecord, OAuthClient};
use serde_json::json;
use server::{Body, Scope, Server, doc, json_route};

#[tokio::test]
async fn a_document_is_resolved_to_a_public_client_and_then_cached() {
    let server = Server::start(|base| {
        vec![(
            "/client.json",
            json_route(doc(base, "/client.json"), Some("max-age=600")),
        )]
    })
    .await;
    let documents = server.documents();
    let client_id = server.url("/client.json");
    let resolved = documents.resolve(&client_id).await.unwrap();
    let record: ClientRecord<Scope> = resolved.to_record();
    assert_eq!(record.client_id, client_id);
    assert!(!record.is_confidential());
    assert_eq!(record.name, "Notes");
    assert_eq!(
        record.redirect_uris,
        ["https://notes.example/cb", "http://localhost/callback"]
    );
    assert!(record.allows_grant_type("refresh_token"));
    assert_eq!(
        record.allowed_scope(),
        Scope(1),
        "`unknown` is dropped, `write` was not asked for"
    );
    assert_eq!(record.metadata.other["registration_source"], "cimd");
    assert_eq!(
        record.metadata.other["logo_uri"],
        "https://notes.example/logo.png"
    );

    // Within max-age: no second request.
    let again = documents.resolve(&client_id).await.unwrap();
    assert!(Arc::ptr_eq(&resolved, &again));
    assert_eq!(server.hits("/client.json"), 1);

    let seen = server.seen.lock().unwrap();
    assert_eq!(seen[0]["accept"], "application/json");
    assert!(
        seen[0]["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("oauth2-provider/")
    );
    assert!(seen[0].get("cookie").is_none());
}

#[tokio::test]
async fn a_mismatched_client_id_or_a_shared_secret_is_refused() {
    let server = Server::start(|base| {
        let mut secret = doc(base, "/secret.json");
        secret["token_endpoint_auth_method"] = json!("client_secret_basic");
        vec![
            ("/mismatch.json", json_route(doc(base, "/other.json"), None)),
            ("/secret.json", json_route(secret, None)),
        ]
    })
    .await;
    let documents = server.documents();
    let mismatch = documents
        .resolve(&server.url("/mismatch.json"))
        .await
        .unwrap_err();
    assert_eq!(
        mismatch.description(),
        "the client_id of the client metadata document is not its URL"
    );
    let secret = documents
        .resolve(&server.url("/secret.json"))
        .await
        .unwrap_err();
    assert_eq!(
        secret.description(),
        "a client metadata document cannot use a shared secret"
    );
}

#[tokio::test]
async fn a_body_past_the_limit_is_refused_with_or_without_a_length() {
    let big = Bytes::from(vec![b' '; 20 * 1024]);
    let server = Server::start(|_| {
        let mut whole = json_route(json!({}), None);
        whole.body = Body::Whole(big.clone());
        let mut chunked = whole.clone();
        chunked.body = Body::Chunks(vec![big.slice(..10 * 1024), big.slice(10 * 1024..)]);
        vec![("/big.json", whole), ("/chunked.json", chunked)]
    })
    .await;
    let documents = server.documents();
    for path in ["/big.json", "/chunked.json"] {
        let refused = documents.resolve(&server.url(path)).await;
        assert!(
            matches!(refused, Err(CimdError::Fetch(FetchError::TooLarge))),
            "{path}: {refused:?}"
        );
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let server = Server::start(|base| {
        let mut redirect = json_route(json!({}), None);
        redirect.status = 302;
        redirect
            .headers
            .push(("location", format!("{base}/target.json")));
        vec![
            ("/moved.json", redirect),
            ("/target.json", json_route(doc(base, "/moved.json"), None)),
        ]
    })
    .await;
    let refused = server.documents().resolve(&server.url("/moved.json")).await;
    assert!(
        matches!(refused, Err(CimdError::Fetch(FetchError::Redirect))),
        "{refused:?}"
    );
    assert_eq!(server.hits("/moved.json"), 1);
    assert_eq!(server.hits("/target.json"), 0);
}

#[tokio::test]
async fn a_failure_is_kept_for_the_backoff() {
    let server = Server::start(|_| {
        let mut error = json_route(json!({}), None);
        error.status = 500;
        vec![("/error.json", error)]
    })
    .await;
    let documents = server.documents();
    for _ in 0..3 {
        let failed = documents.resolve(&server.url("/error.json")).await;
        assert!(matches!(failed, Err(CimdError::Status(500))), "{failed:?}");
    }
    assert_eq!(server.hits("/error.json"), 1);
}

#[tokio::test]
async fn no_store_and_max_age_zero_are_kept_for_the_minimum() {
    let server = Server::start(|base| {
        vec![
            (
                "/no-store.json",
                json_route(doc(base, "/no-store.json"), Some("no-store")),
            ),
            (
                "/zero.json",
                json_route(doc(base, "/zero.json"), Some("max-age=0")),
            ),
            (
                "/no-cache.json",
                json_route(doc(base, "/no-cache.json"), Some("no-cache")),
            ),
        ]
    })
    .await;
    let documents = server.documents();
    for path in ["/no-store.json", "/zero.json", "/no-cache.json"] {
        documents.resolve(&server.url(path)).await.unwrap();
        documents.resolve(&server.url(path)).await.unwrap();
        assert_eq!(server.hits(path), 1, "{path}");
    }
}

#[tokio::test]
async fn concurrent_resolves_make_one_request() {
    let server = Server::start(|base| {
        let mut slow = json_route(doc(base, "/slow.json"), None);
        slow.delay = Duration::from_millis(300);
        vec![("/slow.json", slow)]
    })
    .await;
    let documents = Arc::new(server.documents());
    let client_id = server.url("/slow.json");
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let (documents, client_id) = (documents.clone(), client_id.clone());
            tokio::spawn(async move { documents.resolve(&client_id).await.is_ok() })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap());
    }
    assert_eq!(server.hits("/slow.json"), 1);
}

#[tokio::test]
async fn the_default_fetcher_refuses_loopback_and_private_addresses_before_connecting() {
    let server =
        Server::start(|base| vec![("/client.json", json_route(doc(base, "/client.json"), None))])
            .await;
    let fetcher = SafeFetcher::builder()
        .add_root_certificate(&server.ca)
        .build();
    let by_ip = format!("https://127.0.0.1:{}/client.json", server.addr.port());
    for url in [
        by_ip.as_str(),
        &server.url("/client.json"),
        "https://10.0.0.1/x",
        "https://169.254.169.254/x",
    ] {
        let url = url::Url::parse(url).unwrap();
        let refused = fetcher
            .get(&url, "application/json", Limits::default())
            .await;
        assert!(
            matches!(refused, Err(FetchError::NotAllowed)),
            "{url}: {refused:?}"
        );
    }
    let documents = ClientIdDocuments::new(fetcher);
    let refused = documents.resolve(&by_ip).await.unwrap_err();
    assert!(matches!(refused, CimdError::Fetch(FetchError::NotAllowed)));
    assert_eq!(
        refused.description(),
        "the client metadata document could not be fetched"
    );
    assert_eq!(server.hits("/client.json"), 0);
}

#[tokio::test]
async fn an_untrusted_certificate_fails_the_handshake() {
    let server =
        Server::start(|base| vec![("/client.json", json_route(doc(base, "/client.json"), None))])
            .await;
    let fetcher = SafeFetcher::builder().allow_loopback_for_tests().build();
    let url = url::Url::parse(&server.url("/client.json")).unwrap();
    let failed = fetcher
        .get(&url, "application/json", Limits::default())
        .await;
    assert!(
        matches!(failed, Err(FetchError::Transport(_))),
        "{failed:?}"
    );
    assert_eq!(server.hits("/client.json"), 0);
}

#[tokio::test]
async fn a_slow_server_times_out_and_a_full_fetcher_is_busy() {
    let server = Server::start(|base| {
        let mut slow = json_route(doc(base, "/slow.json"), None);
        slow.delay = Duration::from_millis(1500);
        vec![("/slow.json", slow)]
    })
    .await;
    let fetcher = Arc::new(
        SafeFetcher::builder()
            .add_root_certificate(&server.ca)
            .allow_loopback_for_tests()
            .max_concurrent(1)
            .build(),
    );
    let url = url::Url::parse(&server.url("/slow.json")).unwrap();
    let limits = Limits {
        timeout: Duration::from_millis(500),
        ..Limits::default()
    };
    let first = {
        let (fetcher, url) = (fetcher.clone(), url.clone());
        tokio::spawn(async move {
            fetcher
                .get(&url, "application/json", limits)
                .await
                .map(|_| ())
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let second = fetcher.get(&url, "application/json", limits).await;
    assert!(matches!(second, Err(FetchError::Busy)), "{second:?}");
    let first = first.await.unwrap();
    assert!(matches!(first, Err(FetchError::Timeout)), "{first:?}");
    // The permit is back once the first fetch ended.
    let third = fetcher.get(&url, "application/json", limits).await;
    assert!(matches!(third, Err(FetchError::Timeout)), "{third:?}");
}
