//! The state store cases, for a store that is a [`StateStore`] too.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::lifetime::contains;
use super::{Backend, earlier, later, unique_suffix};
use crate::error::StoreError;
use crate::store::{MAX_STATE_LEN, StateKey, StateStore, StoredState, TokenStore};

/// Concurrent callers in the race cases, over two nodes.
const RACERS: usize = 16;

/// A key of this test's own.
fn fresh_key(kind: &'static str) -> StateKey {
    StateKey::new(kind, unique_suffix())
}

/// Every byte value, and the empty value, come back as they were put, with the version the
/// put returned and the expiry to the second, on another node too; a missing key is `None`.
pub async fn state_round_trip<B: Backend>(b: &B)
where
    B::Store: StateStore,
{
    let (one, two) = (b.node().await, b.node().await);
    let binary: Bytes = (0..=255u8).chain([0, 0, b'\n', 0xff]).collect();
    for value in [binary, Bytes::new(), Bytes::from_static(b"user=alice")] {
        let key = fresh_key("session");
        let expires_at = later(600);
        let version = one
            .put_state(&key, value.clone(), expires_at)
            .await
            .unwrap();
        assert_ne!(version, 0, "a version is never 0");
        let expected = StoredState {
            value,
            version,
            expires_at,
        };
        assert_eq!(one.get_state(&key).await.unwrap().as_ref(), Some(&expected));
        assert_eq!(two.get_state(&key).await.unwrap(), Some(expected));
    }
    assert_eq!(one.get_state(&fresh_key("session")).await.unwrap(), None);
}

/// A put over a record replaces it with a new version; a swap against the old version then
/// fails, against the new one succeeds, with yet another version; a swap of a missing key
/// fails and stores nothing.
pub async fn state_overwrite<B: Backend>(b: &B)
where
    B::Store: StateStore,
{
    let store = b.node().await;
    let key = fresh_key("consent");
    let first = store.put_state(&key, "a".into(), later(600)).await.unwrap();
    let second = store.put_state(&key, "b".into(), later(900)).await.unwrap();
    assert_ne!(first, second, "an overwrite makes a new version");
    let found = store.get_state(&key).await.unwrap().unwrap();
    assert_eq!((found.value.as_ref(), found.version), (&b"b"[..], second));
    assert_eq!(found.expires_at, later(900));

    let stale = store.swap_state(&key, first, "c".into(), later(600)).await;
    assert_eq!(stale.unwrap(), None, "a swap against a replaced version");
    let third = store
        .swap_state(&key, second, "d".into(), later(1200))
        .await;
    let third = third.unwrap().expect("a swap against the current version");
    assert!(third != first && third != second);
    let found = store.get_state(&key).await.unwrap().unwrap();
    assert_eq!(found.value, "d");
    assert_eq!((found.version, found.expires_at), (third, later(1200)));
    assert_eq!(
        store
            .swap_state(&key, u64::MAX, "e".into(), later(600))
            .await
            .unwrap(),
        None
    );

    let missing = fresh_key("consent");
    let swapped = store
        .swap_state(&missing, third, "x".into(), later(600))
        .await;
    assert_eq!(swapped.unwrap(), None);
    assert_eq!(store.get_state(&missing).await.unwrap(), None);
}

/// An expired record is not there for any method, purged or not: put in the past, or gone
/// past its time while stored.
pub async fn state_expiry<B: Backend>(b: &B)
where
    B::Store: StateStore,
{
    let store = b.node().await;
    let past = fresh_key("csrf");
    let version = store
        .put_state(&past, "x".into(), earlier(5))
        .await
        .unwrap();
    assert_eq!(store.get_state(&past).await.unwrap(), None);
    assert_eq!(store.take_state(&past).await.unwrap(), None);
    let swap = store
        .swap_state(&past, version, "y".into(), later(600))
        .await;
    assert_eq!(
        swap.unwrap(),
        None,
        "an expired record cannot be swapped back"
    );
    assert!(!store.delete_state(&past).await.unwrap());

    let fleeting = fresh_key("csrf");
    let soon = SystemTime::now() + Duration::from_millis(1200);
    let version = store.put_state(&fleeting, "x".into(), soon).await.unwrap();
    assert!(store.get_state(&fleeting).await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(store.get_state(&fleeting).await.unwrap(), None);
    let swap = store
        .swap_state(&fleeting, version, "y".into(), later(600))
        .await;
    assert_eq!(swap.unwrap(), None);
    assert_eq!(store.take_state(&fleeting).await.unwrap(), None);

    // Swapped to a time past: the record is gone.
    let ended = fresh_key("csrf");
    let version = store
        .put_state(&ended, "x".into(), later(600))
        .await
        .unwrap();
    let swap = store
        .swap_state(&ended, version, "y".into(), earlier(1))
        .await;
    assert!(swap.unwrap().is_some());
    assert_eq!(store.get_state(&ended).await.unwrap(), None);
}

/// 16 concurrent takes of one record, over two nodes: exactly one gets it, whole; then it is
/// gone.
pub async fn state_take_once<B: Backend>(b: &B)
where
    B::Store: StateStore,
{
    let nodes = [b.node().await, b.node().await];
    let key = fresh_key("par");
    let version = nodes[0]
        .put_state(&key, "request".into(), later(60))
        .await
        .unwrap();
    let start = Arc::new(tokio::sync::Barrier::new(RACERS));
    let racers: Vec<_> = (0..RACERS)
        .map(|i| {
            let store = Arc::clone(&nodes[i % 2]);
            let start = Arc::clone(&start);
            tokio::spawn(async move {
                start.wait().await;
                store.take_state(&key).await.unwrap()
            })
        })
        .collect();
    let mut taken = Vec::new();
    for racer in racers {
        taken.extend(racer.await.unwrap());
    }
    assert_eq!(taken.len(), 1, "exactly one take gets the record");
    assert_eq!(
        (taken[0].value.as_ref(), taken[0].version),
        (&b"request"[..], version)
    );
    assert_eq!(nodes[1].get_state(&key).await.unwrap(), None);
    assert!(!nodes[0].delete_state(&key).await.unwrap());
}

/// 16 concurrent swaps against one version, over two nodes: exactly one wins, and what is
/// stored is the winner's value at the winner's version.
pub async fn state_swap_once<B: Backend>(b: &B)
where
    B::Store: StateStore,
{
    let nodes = [b.node().await, b.node().await];
    let key = fresh_key("session");
    let version = nodes[0]
        .put_state(&key, "v0".into(), later(600))
        .await
        .unwrap();
    let start = Arc::new(tokio::sync::Barrier::new(RACERS));
    let racers: Vec<_> = (0..RACERS)
        .map(|i| {
            let store = Arc::clone(&nodes[i % 2]);
            let start = Arc::clone(&start);
            tokio::spawn(async move {
                start.wait().await;
                let value = Bytes::from(format!("racer {i}"));
                let won = store.swap_state(&key, version, value.clone(), later(600));
                won.await.unwrap().map(|v| (v, value))
            })
        })
        .collect();
    let mut winners = Vec::new();
    for racer in racers {
        winners.extend(racer.await.unwrap());
    }
    assert_eq!(winners.len(), 1, "exactly one swap wins");
    let (won, value) = winners.remove(0);
    let found = nodes[1].get_state(&key).await.unwrap().unwrap();
    assert_eq!((found.version, found.value), (won, value));
}

/// A delete removes the record and says so, once; a missing key is `false`.
pub async fn state_delete<B: Backend>(b: &B)
where
    B::Store: StateStore,
{
    let store = b.node().await;
    let (key, other) = (fresh_key("session"), fresh_key("session"));
    store.put_state(&key, "a".into(), later(600)).await.unwrap();
    store
        .put_state(&other, "b".into(), later(600))
        .await
        .unwrap();
    assert!(store.delete_state(&key).await.unwrap());
    assert!(!store.delete_state(&key).await.unwrap());
    assert_eq!(store.get_state(&key).await.unwrap(), None);
    assert_eq!(store.take_state(&key).await.unwrap(), None);
    assert!(
        store.get_state(&other).await.unwrap().is_some(),
        "only that key"
    );
    assert!(!store.delete_state(&fresh_key("session")).await.unwrap());
}

/// The same id under two kinds, and kind/id splits of the same bytes, are different records;
/// a hostile id (large, control bytes, separators) is a key like any other.
pub async fn state_kinds_apart<B: Backend>(b: &B)
where
    B::Store: StateStore,
{
    let store = b.node().await;
    let id = unique_suffix();
    let hostile = [
        id.as_bytes(),
        b"\0:\r\n*?{}\xff".as_slice(),
        &[b'x'; 100_000],
    ]
    .concat();
    let keys = [
        StateKey::new("session", &id),
        StateKey::new("consent", &id),
        StateKey::new("session", format!("n{id}")),
        StateKey::new("sessio", format!("n{id}")),
        StateKey::new("session", &hostile),
    ];
    assert_eq!(keys.iter().collect::<HashSet<_>>().len(), keys.len());
    for (i, key) in keys.iter().enumerate() {
        store
            .put_state(key, vec![i as u8].into(), later(600))
            .await
            .unwrap();
    }
    assert!(store.delete_state(&keys[0]).await.unwrap());
    for (i, key) in keys.iter().enumerate().skip(1) {
        let found = store.get_state(key).await.unwrap().unwrap();
        assert_eq!(
            found.value.as_ref(),
            [i as u8],
            "key #{i} holds another's value"
        );
    }
}

/// A value of [`MAX_STATE_LEN`] bytes is kept whole; one byte more is refused by put and by
/// swap, and nothing changes.
pub async fn state_size_cap<B: Backend>(b: &B)
where
    B::Store: StateStore,
{
    let store = b.node().await;
    let key = fresh_key("session");
    let largest: Bytes = (0..MAX_STATE_LEN).map(|i| (i % 251) as u8).collect();
    let version = store
        .put_state(&key, largest.clone(), later(600))
        .await
        .unwrap();
    assert_eq!(store.get_state(&key).await.unwrap().unwrap().value, largest);

    let over = Bytes::from(vec![7; MAX_STATE_LEN + 1]);
    let put = store.put_state(&key, over.clone(), later(600)).await;
    assert!(matches!(put, Err(StoreError::Other(_))), "{put:?}");
    let swap = store
        .swap_state(&key, version, over.clone(), later(600))
        .await;
    assert!(matches!(swap, Err(StoreError::Other(_))), "{swap:?}");
    let found = store.get_state(&key).await.unwrap().unwrap();
    assert_eq!((found.version, found.value), (version, largest));

    let missing = fresh_key("session");
    assert!(store.put_state(&missing, over, later(600)).await.is_err());
    assert_eq!(store.get_state(&missing).await.unwrap(), None);
}

/// `purge_expired` deletes expired state (memory, SQL) and keeps the live; Redis has dropped
/// it already.
pub async fn state_purge<B: Backend>(b: &B)
where
    B::Store: StateStore,
{
    let store = b.node().await;
    let marker = format!("expired state {}", unique_suffix());
    let (dead, live) = (fresh_key("nonce"), fresh_key("nonce"));
    let soon = SystemTime::now() + Duration::from_millis(300);
    store
        .put_state(&dead, marker.clone().into(), soon)
        .await
        .unwrap();
    store
        .put_state(&live, "live".into(), later(600))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let purged = store.purge_expired(SystemTime::now()).await.unwrap();
    if b.native_expiry() {
        if let Some(dump) = b.dump().await {
            assert!(!contains(&dump, marker.as_bytes()), "expired state at rest");
        }
    } else {
        assert_eq!(purged, 1, "the expired record");
        assert_eq!(store.purge_expired(SystemTime::now()).await.unwrap(), 0);
    }
    assert_eq!(store.get_state(&dead).await.unwrap(), None);
    assert!(store.get_state(&live).await.unwrap().is_some());
}
