//! What a store's hot operations cost in round trips to its database, counted by the test
//! proxy in front of it: issuing a token alone (client credentials) and validating one must be
//! one round trip each, not one more for a health check of the pooled connection.

use std::time::{Duration, SystemTime};

use oauth2_provider::model::{AccessKind, GrantId, NewToken, TokenHash, TokenRecord};
use oauth2_provider::scope::Scopes;
use oauth2_provider::secret::generate_token;
use oauth2_provider::store::TokenStore;
use oauth2_provider::store::testing::{Proxy, TestScope};

fn access_token(hash: TokenHash) -> TokenRecord<TestScope, AccessKind> {
    TokenRecord::of(NewToken {
        token_hash: hash,
        grant_id: GrantId::generate(),
        client_id: "app".to_owned(),
        subject: None,
        scope: TestScope::default_scope(),
        expires_at: Some(SystemTime::now() + Duration::from_secs(600)),
        extras: Default::default(),
    })
}

/// `store` talks to its database through `proxy` only.
pub(super) async fn one_each_for_issuance_and_validation<T>(store: &T, proxy: &Proxy)
where
    T: TokenStore<Scope = TestScope, AccessToken = TokenRecord<TestScope, AccessKind>>,
{
    // The first of each opens the pooled connection and prepares the statement; what runs
    // beside it at start (a client feed's LISTEN, say) settles meanwhile.
    let warm = TokenHash::of(&generate_token());
    store.insert_tokens(access_token(warm), None).await.unwrap();
    assert!(store.find_access_token(&warm).await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(300)).await;

    let hash = TokenHash::of(&generate_token());
    let before = proxy.round_trips();
    store.insert_tokens(access_token(hash), None).await.unwrap();
    let issued = proxy.round_trips();
    assert!(store.find_access_token(&hash).await.unwrap().is_some());
    let found = proxy.round_trips();
    assert_eq!(issued - before, 1, "round trips to store an access token");
    assert_eq!(found - issued, 1, "round trips to find an access token");
}
