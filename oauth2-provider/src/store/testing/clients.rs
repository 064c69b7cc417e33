//! The client store cases, for a store that keeps [`TestClient`]s.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::lifetime::{contains, encodings};
use super::{Backend, TestClient, TestScope, scope};
use crate::model::ClientRecord;
use crate::scope::Scopes;
use crate::secret::{generate_token, hash_secret};
use crate::store::ClientStore;

fn client(id: &str, secret: Option<&str>) -> TestClient {
    ClientRecord {
        client_id: id.to_owned(),
        secret_hash: secret.map(hash_secret),
        redirect_uris: vec![
            format!("https://{id}.example/cb"),
            "http://127.0.0.1:8080/cb?x=1".to_owned(),
        ],
        grant_types: vec!["authorization_code".to_owned(), "refresh_token".to_owned()],
        scope: scope("read write user:email"),
        name: format!("Bé {id} — ✓"),
        metadata: Default::default(),
    }
}

async fn ids<S: ClientStore<Client = TestClient>>(store: &S) -> Vec<String> {
    let clients = store.list_clients().await.unwrap();
    clients.iter().map(|c| c.client_id.clone()).collect()
}

/// Clients: save, find, replace, list in byte order of id, delete; ids compare exactly.
pub async fn clients<B: Backend>(b: &B)
where
    B::Store: ClientStore<Client = TestClient>,
{
    let store = b.node().await;
    assert!(store.list_clients().await.unwrap().is_empty());
    assert!(store.find_client("b-app").await.unwrap().is_none());

    let mut confidential = client("b-app", Some("s3cret"));
    // Metadata round-trips: the flag the runtime reads, and registered members as given.
    confidential.metadata.resource_server = true;
    confidential.metadata.other.insert(
        "jwks".to_owned(),
        serde_json::json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "Bé✓"}]}),
    );
    store.save_client(confidential.clone()).await.unwrap();
    store.save_client(client("a-app", None)).await.unwrap();
    store.save_client(client("Z-app", None)).await.unwrap();
    assert_eq!(
        *store.find_client("b-app").await.unwrap().unwrap(),
        confidential
    );
    // No collation folds case or accents: `B-app` and `b-ápp` are other clients.
    assert!(store.find_client("B-app").await.unwrap().is_none());
    assert!(store.find_client("b-app ").await.unwrap().is_none());

    // Uppercase sorts first in byte order, unlike most collations.
    assert_eq!(ids(&*store).await, ["Z-app", "a-app", "b-app"]);

    // Replacing drops what the new record lacks: here, the secret and the metadata.
    let public = ClientRecord {
        secret_hash: None,
        metadata: Default::default(),
        redirect_uris: vec!["https://new.example/cb".to_owned()],
        grant_types: vec![],
        scope: TestScope::empty(),
        ..confidential
    };
    store.save_client(public.clone()).await.unwrap();
    assert_eq!(*store.find_client("b-app").await.unwrap().unwrap(), public);
    assert_eq!(store.list_clients().await.unwrap().len(), 3);

    assert!(store.delete_client("a-app").await.unwrap());
    assert!(!store.delete_client("a-app").await.unwrap());
    assert!(store.find_client("a-app").await.unwrap().is_none());
    assert_eq!(ids(&*store).await, ["Z-app", "b-app"]);
}

/// A client secret never reaches the backend raw, in any common encoding.
pub async fn client_secrets_hashed_at_rest<B: Backend>(b: &B)
where
    B::Store: ClientStore<Client = TestClient>,
{
    let store = b.node().await;
    let secret = generate_token();
    store
        .save_client(client("app", Some(&secret)))
        .await
        .unwrap();
    let Some(dump) = b.dump().await else {
        return;
    };
    assert!(contains(&dump, b"app"), "the dump misses the client");
    for needle in encodings(secret.as_bytes())
        .into_iter()
        .chain(encodings(&URL_SAFE_NO_PAD.decode(&secret).unwrap()))
    {
        assert!(
            !contains(&dump, &needle),
            "the raw client secret is at rest"
        );
    }
}

/// A client one node registers, another finds; one deletes, the other no longer finds it.
pub async fn client_shared_by_nodes<B: Backend>(b: &B)
where
    B::Store: ClientStore<Client = TestClient>,
{
    let (one, two) = (b.node().await, b.node().await);
    one.save_client(client("app", None)).await.unwrap();
    assert!(two.find_client("app").await.unwrap().is_some());
    assert!(two.delete_client("app").await.unwrap());
    assert!(one.find_client("app").await.unwrap().is_none());
}

/// Any string a client sends is an id to look up, never a store error: NUL and other control
/// characters (which PostgreSQL's `text` refuses), very long ids, ids that look like patterns.
pub async fn client_ids_are_never_errors<B: Backend>(b: &B)
where
    B::Store: ClientStore<Client = TestClient>,
{
    let store = b.node().await;
    store
        .save_client(client("b-app", Some("s3cret")))
        .await
        .unwrap();
    let long = "x".repeat(64 * 1024);
    for id in [
        "b-app\0",
        "\0",
        "b\0app",
        "b-app\u{1}",
        "b-app\u{7f}",
        "b-%",
        "b-*",
        "",
        &long,
    ] {
        let found = store.find_client(id).await;
        assert!(matches!(found, Ok(None)), "{id:?}: {found:?}");
    }
    assert!(store.find_client("b-app").await.unwrap().is_some());
}
