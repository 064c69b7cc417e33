//! What the records carry beyond the core, and the "remember once" primitive.

use std::time::Duration;

use super::{
    AccessOf, Backend, CodeOf, RefreshOf, assert_code, assert_token, earlier, later, new_code,
    new_token,
};
use crate::model::{
    AccessKind, AuthContext, AuthorizationCode, Confirmation, Extras, GrantId, RefreshKind,
    TokenHash, TokenModel,
};
use crate::store::{Exchange, TokenStore};

fn full_extras() -> Extras {
    Extras::default()
        .with_audience(vec![
            "https://api.example/".into(),
            "urn:example:billing".into(),
        ])
        .with_confirmation(Confirmation::JwkThumbprint(
            "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I".into(),
        ))
        .with_auth(AuthContext {
            auth_time: Some(earlier(30)),
            acr: Some("urn:example:loa:2".into()),
            amr: vec!["pwd".into(), "otp".into()],
        })
        .with_authorization_details(serde_json::json!([{"type": "account_information"}]))
        .with_granted_at(earlier(60))
}

/// A code's extras (nonce included) come back as stored; the tokens it is exchanged for, and
/// their rotated successors, keep theirs.
pub async fn extras_survive_exchange_and_rotation<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();
    let mut code = new_code(grant, later(600));
    code.extras = full_extras().with_nonce("n-0S6_WzA2Mj");
    store
        .insert_code(CodeOf::<B>::new(code.clone()))
        .await
        .unwrap();
    let found = store.find_code(&code.code_hash).await.unwrap().unwrap();
    assert_code(&*found, &code);
    assert_eq!(found.extras().nonce(), Some("n-0S6_WzA2Mj"));

    let mut access = new_token(grant, Some(later(3600)));
    access.extras = code.extras.inherited();
    let mut refresh = new_token(grant, Some(later(86_400)));
    refresh.extras = code.extras.inherited();
    let outcome = store
        .exchange_code(
            &code.code_hash,
            AccessOf::<B>::new(access.clone()),
            Some(RefreshOf::<B>::new(refresh.clone())),
        )
        .await
        .unwrap();
    assert_eq!(outcome, Exchange::Done);
    let stored = store.find_access_token(&access.token_hash).await.unwrap();
    assert_token::<AccessKind, _>(&*stored.unwrap(), &access);
    let stored = store.find_refresh_token(&refresh.token_hash).await.unwrap();
    assert_token::<RefreshKind, _>(&*stored.unwrap().record, &refresh);

    let mut next = new_token(grant, Some(later(86_400)));
    next.extras = refresh.extras.clone();
    let mut next_access = new_token(grant, Some(later(3600)));
    next_access.extras = Extras::default().with_audience(vec!["https://api.example/".into()]);
    let outcome = store
        .rotate_refresh_token(
            &refresh.token_hash,
            AccessOf::<B>::new(next_access.clone()),
            RefreshOf::<B>::new(next.clone()),
        )
        .await
        .unwrap();
    assert_eq!(outcome, Exchange::Done);
    let stored = store.find_refresh_token(&next.token_hash).await.unwrap();
    assert_token::<RefreshKind, _>(&*stored.unwrap().record, &next);
    let stored = store
        .find_access_token(&next_access.token_hash)
        .await
        .unwrap();
    assert_token::<AccessKind, _>(&*stored.unwrap(), &next_access);
}

/// Remembered once until a time: the first call wins, later ones lose while it is remembered;
/// a key remembered until a time past is remembered again; keys are independent.
pub async fn remember_once<B: Backend>(b: &B) {
    let store = b.node().await;
    let key = TokenHash::of(&format!("jti:{:?}", GrantId::generate()));
    assert!(store.remember_once(&key, later(600)).await.unwrap());
    assert!(!store.remember_once(&key, later(600)).await.unwrap());
    assert!(!store.remember_once(&key, later(1)).await.unwrap());

    let other = TokenHash::of(&format!("jti:{:?}", GrantId::generate()));
    assert!(store.remember_once(&other, later(600)).await.unwrap());

    // Remembered until a moment ago: forgotten, so it is remembered anew, once.
    let stale = TokenHash::of(&format!("jti:{:?}", GrantId::generate()));
    let past = std::time::SystemTime::now() - Duration::from_secs(5);
    assert!(store.remember_once(&stale, past).await.unwrap());
    assert!(store.remember_once(&stale, later(600)).await.unwrap());
    assert!(!store.remember_once(&stale, later(600)).await.unwrap());

    // Purging forgets only what has expired.
    let fleeting = TokenHash::of(&format!("jti:{:?}", GrantId::generate()));
    assert!(store.remember_once(&fleeting, past).await.unwrap());
    store
        .purge_expired(std::time::SystemTime::now())
        .await
        .unwrap();
    assert!(!store.remember_once(&key, later(600)).await.unwrap());
    assert!(store.remember_once(&fleeting, later(600)).await.unwrap());
}
