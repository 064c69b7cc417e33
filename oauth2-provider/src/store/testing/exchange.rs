//! Consuming codes and refresh tokens once, and revoking.

use super::{
    AccessOf, Backend, RefreshOf, assert_token, has_access, has_code, has_refresh, later,
    make_access, make_code, make_refresh, new_token,
};
use crate::model::{AccessKind, GrantId, RefreshKind, TokenHash, TokenModel};
use crate::store::{Exchange, TokenStore};

/// A code is exchanged once: Done, then AlreadyUsed (storing nothing), Missing if unknown.
pub async fn exchange_code<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();
    let (code_hash, code) = make_code::<B>(grant);
    store.insert_code(code).await.unwrap();

    let a1 = new_token(grant, Some(later(3600)));
    let r1 = new_token(grant, Some(later(86_400)));
    let outcome = store
        .exchange_code(
            &code_hash,
            AccessOf::<B>::new(a1.clone()),
            Some(RefreshOf::<B>::new(r1.clone())),
        )
        .await
        .unwrap();
    assert_eq!(outcome, Exchange::Done);
    assert_token::<AccessKind, _>(
        &*store
            .find_access_token(&a1.token_hash)
            .await
            .unwrap()
            .unwrap(),
        &a1,
    );
    let stored = store
        .find_refresh_token(&r1.token_hash)
        .await
        .unwrap()
        .unwrap();
    assert_token::<RefreshKind, _>(&*stored.record, &r1);
    assert!(!stored.consumed);
    // A used code stays findable, so its replay is recognised as one.
    assert!(has_code(&*store, &code_hash).await);

    let (a2, access2) = make_access::<B>(grant);
    let (r2, refresh2) = make_refresh::<B>(grant);
    let replay = store
        .exchange_code(&code_hash, access2, Some(refresh2))
        .await
        .unwrap();
    assert_eq!(replay, Exchange::AlreadyUsed);
    assert!(!has_access(&*store, &a2).await);
    assert!(!has_refresh(&*store, &r2).await);

    let (a3, access3) = make_access::<B>(grant);
    let missing = store
        .exchange_code(&TokenHash::of("never issued"), access3, None)
        .await
        .unwrap();
    assert_eq!(missing, Exchange::Missing);
    assert!(!has_access(&*store, &a3).await);

    // Without a refresh token.
    let grant = GrantId::generate();
    let (code_hash, code) = make_code::<B>(grant);
    store.insert_code(code).await.unwrap();
    let (a4, access4) = make_access::<B>(grant);
    assert_eq!(
        store
            .exchange_code(&code_hash, access4, None)
            .await
            .unwrap(),
        Exchange::Done
    );
    assert!(has_access(&*store, &a4).await);
}

/// A refresh token rotates once; the rotated one stays, marked consumed.
pub async fn rotate_refresh_token<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();
    let (_, a0) = make_access::<B>(grant);
    let (r0, refresh0) = make_refresh::<B>(grant);
    store.insert_tokens(a0, Some(refresh0)).await.unwrap();

    let (a1, access1) = make_access::<B>(grant);
    let r1 = new_token(grant, Some(later(86_400)));
    let outcome = store
        .rotate_refresh_token(&r0, access1, RefreshOf::<B>::new(r1.clone()))
        .await
        .unwrap();
    assert_eq!(outcome, Exchange::Done);
    assert!(
        store
            .find_refresh_token(&r0)
            .await
            .unwrap()
            .unwrap()
            .consumed
    );
    let next = store
        .find_refresh_token(&r1.token_hash)
        .await
        .unwrap()
        .unwrap();
    assert_token::<RefreshKind, _>(&*next.record, &r1);
    assert!(!next.consumed);
    assert!(has_access(&*store, &a1).await);

    let (a2, access2) = make_access::<B>(grant);
    let (r2, refresh2) = make_refresh::<B>(grant);
    let replay = store
        .rotate_refresh_token(&r0, access2, refresh2)
        .await
        .unwrap();
    assert_eq!(replay, Exchange::AlreadyUsed);
    assert!(!has_access(&*store, &a2).await);
    assert!(!has_refresh(&*store, &r2).await);

    let (_, access3) = make_access::<B>(grant);
    let (r3, refresh3) = make_refresh::<B>(grant);
    let missing = store
        .rotate_refresh_token(&TokenHash::of("never issued"), access3, refresh3)
        .await
        .unwrap();
    assert_eq!(missing, Exchange::Missing);
    assert!(!has_refresh(&*store, &r3).await);

    // The successor rotates in turn.
    let (_, access4) = make_access::<B>(grant);
    let (_, refresh4) = make_refresh::<B>(grant);
    assert_eq!(
        store
            .rotate_refresh_token(&r1.token_hash, access4, refresh4)
            .await
            .unwrap(),
        Exchange::Done
    );
}

/// One access token goes; the rest of its grant stays.
pub async fn revoke_access_token<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();
    let (a, access) = make_access::<B>(grant);
    let (other, other_access) = make_access::<B>(grant);
    let (r, refresh) = make_refresh::<B>(grant);
    store.insert_tokens(access, Some(refresh)).await.unwrap();
    store.insert_tokens(other_access, None).await.unwrap();

    assert!(store.revoke_access_token(&a).await.unwrap());
    assert!(!has_access(&*store, &a).await);
    assert!(!store.revoke_access_token(&a).await.unwrap());
    assert!(
        !store
            .revoke_access_token(&TokenHash::of("never issued"))
            .await
            .unwrap()
    );
    assert!(has_access(&*store, &other).await);
    assert!(has_refresh(&*store, &r).await);

    // The grant can still be revoked whole afterwards.
    store.revoke_grant(grant).await.unwrap();
    assert!(!has_access(&*store, &other).await);
    assert!(!has_refresh(&*store, &r).await);
}

/// Revoking a grant removes its code and every token issued from it, through rotations, and
/// nothing of any other grant.
pub async fn revoke_grant<B: Backend>(b: &B) {
    let store = b.node().await;

    // Grant A: code -> tokens -> rotated tokens.
    let grant_a = GrantId::generate();
    let (code_a, code) = make_code::<B>(grant_a);
    store.insert_code(code).await.unwrap();
    let (a1, access1) = make_access::<B>(grant_a);
    let (r1, refresh1) = make_refresh::<B>(grant_a);
    store
        .exchange_code(&code_a, access1, Some(refresh1))
        .await
        .unwrap();
    let (a2, access2) = make_access::<B>(grant_a);
    let (r2, refresh2) = make_refresh::<B>(grant_a);
    store
        .rotate_refresh_token(&r1, access2, refresh2)
        .await
        .unwrap();

    // Grant B: the same shape, untouched.
    let grant_b = GrantId::generate();
    let (code_b, code) = make_code::<B>(grant_b);
    store.insert_code(code).await.unwrap();
    let (b1, access_b) = make_access::<B>(grant_b);
    let (rb, refresh_b) = make_refresh::<B>(grant_b);
    store
        .exchange_code(&code_b, access_b, Some(refresh_b))
        .await
        .unwrap();

    store.revoke_grant(grant_a).await.unwrap();
    assert!(!has_code(&*store, &code_a).await);
    for hash in [&a1, &a2] {
        assert!(!has_access(&*store, hash).await);
    }
    for hash in [&r1, &r2] {
        assert!(!has_refresh(&*store, hash).await);
    }
    assert!(has_code(&*store, &code_b).await);
    assert!(has_access(&*store, &b1).await);
    assert!(has_refresh(&*store, &rb).await);

    // Nothing of a revoked grant can be consumed any more.
    let (_, access3) = make_access::<B>(grant_a);
    assert_eq!(
        store.exchange_code(&code_a, access3, None).await.unwrap(),
        Exchange::Missing
    );
    let (_, access4) = make_access::<B>(grant_a);
    let (r4, refresh4) = make_refresh::<B>(grant_a);
    assert_eq!(
        store
            .rotate_refresh_token(&r2, access4, refresh4)
            .await
            .unwrap(),
        Exchange::Missing
    );
    assert!(!has_refresh(&*store, &r4).await);

    // Revoking again, or a grant never issued, is fine.
    store.revoke_grant(grant_a).await.unwrap();
    store.revoke_grant(GrantId::generate()).await.unwrap();
}
