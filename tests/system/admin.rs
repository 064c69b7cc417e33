//! Client administration with the example binary: `client create | list | rotate-secret |
//! delete` on a SQLite file, and a server process on the same file honouring each change at
//! once.
#![cfg(feature = "sqlite")]

use crate::process::{CliRun, Reply, ServerProcess};
use oauth2::reqwest::StatusCode;

#[tokio::test]
async fn client_commands_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("oauth.db").display());
    let created = succeeds(
        client(
            &store,
            &[
                "create",
                "--redirect-uri",
                "https://app.example/cb",
                "--grant-type",
                "client_credentials",
                "--scope",
                "read write",
                "--name",
                "Batch job",
            ],
        )
        .await,
    );
    let client_id = printed(&created, "client_id:");
    let secret = printed(&created, "client_secret:");

    let listed = succeeds(client(&store, &["list"]).await);
    let row = format!(
        "{client_id}\tconfidential\tread write\tclient_credentials\thttps://app.example/cb"
    );
    assert!(
        listed.stdout.lines().any(|l| l == row),
        "{row:?} not in {:?}",
        listed.stdout
    );

    // A server on the same file, with no fixtures of its own but the demo's.
    let server = ServerProcess::start(&["--store", store.as_str()]).await;
    let base = server.url("");
    let http = crate::process::http();
    let issued = token(&http, &base, &client_id, &secret).await;
    assert_eq!(issued.status, StatusCode::OK, "{issued:?}");
    assert_eq!(issued.body["scope"], "read");
    let api = crate::process::notes(&http, &base, issued.str("access_token")).await;
    assert_eq!(api.status, StatusCode::OK, "{api:?}");

    // Rotated while the server runs: the old secret fails at once, the new one works.
    let rotated = succeeds(client(&store, &["rotate-secret", &client_id]).await);
    let new_secret = printed(&rotated, "client_secret:");
    assert_ne!(new_secret, secret);
    let old = token(&http, &base, &client_id, &secret).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "{old:?}");
    assert_eq!(old.error(), Some("invalid_client"), "{old:?}");
    let new = token(&http, &base, &client_id, &new_secret).await;
    assert_eq!(new.status, StatusCode::OK, "{new:?}");

    // Deleted: no more tokens, not listed, and a second delete says so.
    let deleted = succeeds(client(&store, &["delete", &client_id]).await);
    assert_eq!(deleted.stdout.trim(), format!("deleted {client_id}"));
    let gone = token(&http, &base, &client_id, &new_secret).await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED, "{gone:?}");
    assert_eq!(gone.error(), Some("invalid_client"), "{gone:?}");
    let listed = succeeds(client(&store, &["list"]).await);
    assert!(!listed.stdout.contains(&client_id), "{:?}", listed.stdout);
    let again = client(&store, &["delete", &client_id]).await;
    assert!(!again.status.success());
    assert!(
        again.stderr.contains(&format!("no client \"{client_id}\"")),
        "{:?}",
        again.stderr
    );
    let again = client(&store, &["rotate-secret", &client_id]).await;
    assert!(!again.status.success());
    assert!(again.stderr.contains("no client"), "{:?}", again.stderr);
}

/// The memory store keeps nothing between runs: every client command refuses it, and says why.
#[tokio::test]
async fn client_commands_refuse_the_memory_store() {
    for command in [
        &["list"][..],
        &["create", "--redirect-uri", "https://app.example/cb"],
        &["delete", "app"],
        &["rotate-secret", "app"],
    ] {
        let run = client("memory:", command).await;
        assert!(
            !run.status.success(),
            "{command:?} succeeded: {}",
            run.stdout
        );
        assert!(
            run.stderr
                .contains("error: the memory store keeps nothing between runs"),
            "{command:?}: {:?}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{command:?}: {:?}", run.stdout);
    }
}

/// `server --store STORE client ARGS...`.
async fn client(store: &str, args: &[&str]) -> CliRun {
    let mut all = vec!["--store", store, "client"];
    all.extend(args);
    crate::process::run_cli(&all).await
}

/// Asserts the command succeeded; returns its output.
fn succeeds(run: CliRun) -> CliRun {
    assert!(
        run.status.success(),
        "{}: {}{}",
        run.status,
        run.stdout,
        run.stderr
    );
    run
}

/// The value after `label` on the line it starts.
fn printed(run: &CliRun, label: &str) -> String {
    run.stdout
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| panic!("no {label:?} in {:?}", run.stdout))
}

async fn token(http: &oauth2::reqwest::Client, base: &str, id: &str, secret: &str) -> Reply {
    crate::process::post_as(
        http,
        &format!("{base}/token"),
        (id, secret),
        &[("grant_type", "client_credentials"), ("scope", "read")],
    )
    .await
    .unwrap()
}
