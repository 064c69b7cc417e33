//! The signing keys in the store (OpenID Connect Core §10.1.1): made on first start and kept,
//! so a second server on the same store publishes and signs with the same; `keys rotate` adds
//! a key that is published at once and signs only later, while the old one goes on signing;
//! `keys list` shows the schedule.
#![cfg(feature = "sqlite")]

use std::collections::BTreeSet;

use base64::Engine as _;
use oauth2::reqwest::StatusCode;

use crate::process::{CliRun, ServerProcess, http, post_as};

async fn cli(store: &str, args: &[&str]) -> CliRun {
    let mut all = vec!["--store", store];
    all.extend(args);
    let run = crate::process::run_cli(&all).await;
    assert!(
        run.status.success(),
        "{args:?}: {}{}",
        run.stdout,
        run.stderr
    );
    run
}

async fn published(server: &ServerProcess) -> BTreeSet<String> {
    let response = http().get(server.url("/jwks")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cache.contains("max-age="), "{cache}");
    let jwks: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| {
            assert!(key.get("d").is_none(), "a private member published: {key}");
            key["kid"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// The `kid` of a JWT access token issued to `client` now.
async fn signing_kid(server: &ServerProcess, client: (&str, &str)) -> String {
    let reply = post_as(
        &http(),
        &server.url("/token"),
        client,
        &[("grant_type", "client_credentials")],
    )
    .await
    .unwrap();
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let token = reply.str("access_token");
    let header = token.split('.').next().unwrap();
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    let header: serde_json::Value = serde_json::from_slice(&header).unwrap();
    assert_eq!(header["typ"], "at+jwt");
    header["kid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn keys_are_kept_in_the_store_and_rotate_ahead() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("oauth.db").display());
    let created = cli(
        &store,
        &[
            "client",
            "create",
            "--redirect-uri",
            "https://app.example/cb",
            "--grant-type",
            "client_credentials",
        ],
    )
    .await;
    let printed = |label: &str| {
        created
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix(label))
            .unwrap()
            .trim()
            .to_owned()
    };
    let (id, secret) = (printed("client_id:"), printed("client_secret:"));
    let flags = ["--store", store.as_str(), "--access-token-format", "jwt"];

    let first = ServerProcess::start(&flags).await;
    let keys = published(&first).await;
    assert_eq!(keys.len(), 2, "an RSA and a P-256 key: {keys:?}");
    let signer = signing_kid(&first, (&id, &secret)).await;
    assert!(keys.contains(&signer));
    // Another node on the store: the same keys, not new ones.
    let second = ServerProcess::start(&flags).await;
    assert_eq!(published(&second).await, keys);

    let rotated = cli(&store, &["keys", "rotate", "--alg", "ES256"]).await;
    let added = rotated.stdout.split_whitespace().nth(1).unwrap().to_owned();
    assert!(!keys.contains(&added), "{}", rotated.stdout);
    let listed = cli(&store, &["keys", "list"]).await;
    assert_eq!(listed.stdout.lines().count(), 3, "{}", listed.stdout);

    // A node started after the rotation publishes the new key and still signs with the old.
    let third = ServerProcess::start(&flags).await;
    let now_published = published(&third).await;
    assert!(
        now_published.contains(&added) && now_published.is_superset(&keys),
        "{now_published:?}"
    );
    assert_eq!(signing_kid(&third, (&id, &secret)).await, signer);
    drop((first, second, third));
}
