//! Storing and finding codes and tokens, field for field.

use super::{
    AccessOf, Backend, CodeOf, RefreshOf, TestScope, assert_code, assert_token, has_access,
    has_code, has_refresh, later, make_access, new_code, new_token, scope,
};
use crate::model::{
    AccessKind, AuthorizationCode, GrantId, NewCode, NewToken, RefreshKind, TokenHash, TokenModel,
};
use crate::pkce::{ChallengeMethod, PkceChallenge};
use crate::scope::Scopes;
use crate::secret::generate_token;
use crate::store::TokenStore;

/// Codes come back field for field, with and without the optional parts.
pub async fn codes<B: Backend>(b: &B) {
    let store = b.node().await;
    let full = new_code(GrantId::generate(), later(600));
    store
        .insert_code(CodeOf::<B>::new(full.clone()))
        .await
        .unwrap();
    assert_code(
        &*store.find_code(&full.code_hash).await.unwrap().unwrap(),
        &full,
    );

    let bare = NewCode {
        redirect_uri: None,
        challenge: None,
        scope: TestScope::empty(),
        ..new_code(GrantId::generate(), later(60))
    };
    store
        .insert_code(CodeOf::<B>::new(bare.clone()))
        .await
        .unwrap();
    assert_code(
        &*store.find_code(&bare.code_hash).await.unwrap().unwrap(),
        &bare,
    );

    let plain = NewCode {
        challenge: PkceChallenge::new(ChallengeMethod::Plain, &"v".repeat(43)),
        ..new_code(GrantId::generate(), later(60))
    };
    store
        .insert_code(CodeOf::<B>::new(plain.clone()))
        .await
        .unwrap();
    assert_code(
        &*store.find_code(&plain.code_hash).await.unwrap().unwrap(),
        &plain,
    );

    // Of no family's form, and of a random family's: neither was stored, neither is an error.
    assert!(!has_code(&*store, &TokenHash::of("never issued")).await);
    assert!(!has_code(&*store, &TokenHash::of(&generate_token())).await);
}

/// Tokens issued without consuming anything, including a client's own token (no subject) and
/// a refresh token that never expires.
pub async fn tokens<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();
    let a = NewToken {
        subject: None,
        scope: scope("read write"),
        ..new_token(grant, Some(later(3600)))
    };
    let r = new_token(grant, None);
    store
        .insert_tokens(
            AccessOf::<B>::new(a.clone()),
            Some(RefreshOf::<B>::new(r.clone())),
        )
        .await
        .unwrap();
    assert_token::<AccessKind, _>(
        &*store
            .find_access_token(&a.token_hash)
            .await
            .unwrap()
            .unwrap(),
        &a,
    );
    let stored = store
        .find_refresh_token(&r.token_hash)
        .await
        .unwrap()
        .unwrap();
    assert_token::<RefreshKind, _>(&*stored.record, &r);
    assert!(!stored.consumed);

    let (alone, access_alone) = make_access::<B>(GrantId::generate());
    store.insert_tokens(access_alone, None).await.unwrap();
    assert!(has_access(&*store, &alone).await);

    for never in [
        TokenHash::of("never issued"),
        TokenHash::of(&generate_token()),
    ] {
        assert!(!has_access(&*store, &never).await);
        assert!(!has_refresh(&*store, &never).await);
    }
}
