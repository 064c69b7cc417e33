//! What a store's hot operations cost in round trips to its database, counted by the test
//! proxy in front of it: issuing a token alone (client credentials) and validating one must be
//! one round trip each, not one more for a health check of the pooled connection.

use std::time::{Duration, SystemTime};

use oauth2_provider::model::{AccessKind, GrantId, TokenHash, TokenRecord};
use oauth2_provider::secret::generate_token;
use oauth2_provider::store::TokenStore;
use oauth2_provider::store::testing::{Proxy, TestScope};

/// `store` talks to its database through `proxy` only.
pub(super) async fn one_each_for_issuance_and_validation<T>(store: &T, proxy: &Proxy)
where
    T: TokenStore<Scope = TestScope, AccessToken = TokenRecord<TestScope, AccessKind>>,
{
    let token = |hash| {
        let expires_at = SystemTime::now() + Duration::from_secs(600);
        super::access_token(hash, GrantId::generate(), Some(expires_at))
    };
    // The first of each opens the pooled connection and prepares the statement; what runs
    // beside it at start (a client feed's LISTEN, say) settles meanwhile.
    let warm = TokenHash::of(&generate_token());
    store.insert_tokens(token(warm), None).await.unwrap();
    assert!(store.find_access_token(&warm).await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Whatever else talks through the proxy at that moment can only add turns, so the fewest
    // of three tries is what the operation costs.
    let (mut issuing, mut finding) = (u64::MAX, u64::MAX);
    for _ in 0..3 {
        let hash = TokenHash::of(&generate_token());
        let before = proxy.round_trips();
        store.insert_tokens(token(hash), None).await.unwrap();
        let issued = proxy.round_trips();
        assert!(store.find_access_token(&hash).await.unwrap().is_some());
        issuing = issuing.min(issued - before);
        finding = finding.min(proxy.round_trips() - issued);
    }
    assert_eq!(issuing, 1, "round trips to store an access token");
    assert_eq!(finding, 1, "round trips to find an access token");
}
