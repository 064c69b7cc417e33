//! Many callers at once, on several nodes.

use std::sync::Arc;

use super::{Backend, has_access, has_refresh, make_access, make_code, make_refresh};
use crate::model::GrantId;
use crate::store::{Exchange, TokenStore};

const RACERS: usize = 50;

/// 50 concurrent exchanges of one code, over two nodes: exactly one wins, and only the
/// winner's tokens exist.
pub async fn concurrent_exchange<B: Backend>(b: &B) {
    let nodes = [b.node().await, b.node().await];
    let grant = GrantId::generate();
    let (code_hash, code) = make_code::<B>(grant);
    nodes[0].insert_code(code).await.unwrap();

    let start = Arc::new(tokio::sync::Barrier::new(RACERS));
    let racers: Vec<_> = (0..RACERS)
        .map(|i| {
            let store = Arc::clone(&nodes[i % 2]);
            let start = Arc::clone(&start);
            let (a, access) = make_access::<B>(grant);
            let (r, refresh) = make_refresh::<B>(grant);
            tokio::spawn(async move {
                start.wait().await;
                let outcome = store
                    .exchange_code(&code_hash, access, Some(refresh))
                    .await
                    .unwrap();
                (outcome, a, r)
            })
        })
        .collect();
    let mut done = Vec::new();
    let mut already_used = 0;
    let mut losers = Vec::new();
    for racer in racers {
        let (outcome, a, r) = racer.await.unwrap();
        match outcome {
            Exchange::Done => done.push((a, r)),
            Exchange::AlreadyUsed => {
                already_used += 1;
                losers.push((a, r));
            }
            Exchange::Missing => panic!("the code went missing"),
        }
    }
    assert_eq!(done.len(), 1, "exactly one exchange wins");
    assert_eq!(already_used, RACERS - 1);
    let (a, r) = &done[0];
    assert!(has_access(&*nodes[1], a).await);
    assert!(has_refresh(&*nodes[1], r).await);
    for (a, r) in &losers {
        assert!(!has_access(&*nodes[0], a).await);
        assert!(!has_refresh(&*nodes[0], r).await);
    }
}

/// 50 concurrent rotations of one refresh token, over two nodes: exactly one wins.
pub async fn concurrent_rotation<B: Backend>(b: &B) {
    let nodes = [b.node().await, b.node().await];
    let grant = GrantId::generate();
    let (_, a0) = make_access::<B>(grant);
    let (r0, refresh0) = make_refresh::<B>(grant);
    nodes[0].insert_tokens(a0, Some(refresh0)).await.unwrap();

    let start = Arc::new(tokio::sync::Barrier::new(RACERS));
    let racers: Vec<_> = (0..RACERS)
        .map(|i| {
            let store = Arc::clone(&nodes[i % 2]);
            let start = Arc::clone(&start);
            let (_, access) = make_access::<B>(grant);
            let (r, refresh) = make_refresh::<B>(grant);
            tokio::spawn(async move {
                start.wait().await;
                let outcome = store
                    .rotate_refresh_token(&r0, access, refresh)
                    .await
                    .unwrap();
                (outcome, r)
            })
        })
        .collect();
    let mut winners = Vec::new();
    for racer in racers {
        let (outcome, r) = racer.await.unwrap();
        match outcome {
            Exchange::Done => winners.push(r),
            Exchange::AlreadyUsed => assert!(!has_refresh(&*nodes[0], &r).await),
            Exchange::Missing => panic!("the refresh token went missing"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one rotation wins");
    assert!(has_refresh(&*nodes[1], &winners[0]).await);
    assert!(
        nodes[1]
            .find_refresh_token(&r0)
            .await
            .unwrap()
            .unwrap()
            .consumed
    );
}

/// What one node stores, another sees and acts on.
pub async fn nodes_share_state<B: Backend>(b: &B) {
    let (one, two) = (b.node().await, b.node().await);

    let grant = GrantId::generate();
    let (code_hash, code) = make_code::<B>(grant);
    one.insert_code(code).await.unwrap();
    let (a, access1) = make_access::<B>(grant);
    assert_eq!(
        two.exchange_code(&code_hash, access1, None).await.unwrap(),
        Exchange::Done
    );
    let (_, access2) = make_access::<B>(grant);
    assert_eq!(
        one.exchange_code(&code_hash, access2, None).await.unwrap(),
        Exchange::AlreadyUsed
    );
    assert!(has_access(&*one, &a).await);
    two.revoke_grant(grant).await.unwrap();
    assert!(!has_access(&*one, &a).await);
}

/// 50 concurrent `remember_once` of one key, over two nodes: exactly one is first.
pub async fn concurrent_remember_once<B: Backend>(b: &B) {
    let nodes = [b.node().await, b.node().await];
    let key = crate::model::TokenHash::of(&format!("proof:{:?}", GrantId::generate()));
    let until = super::later(600);
    let start = Arc::new(tokio::sync::Barrier::new(RACERS));
    let racers: Vec<_> = (0..RACERS)
        .map(|i| {
            let store = Arc::clone(&nodes[i % 2]);
            let start = Arc::clone(&start);
            tokio::spawn(async move {
                start.wait().await;
                store.remember_once(&key, until).await.unwrap()
            })
        })
        .collect();
    let mut first = 0;
    for racer in racers {
        first += usize::from(racer.await.unwrap());
    }
    assert_eq!(first, 1, "exactly one caller remembers the key first");
    assert!(!nodes[1].remember_once(&key, until).await.unwrap());
}
