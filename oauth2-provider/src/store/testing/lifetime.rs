//! Expiry, purging, and what rests in the backend.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use super::{
    AccessOf, Backend, CodeOf, RefreshOf, earlier, has_access, has_code, has_refresh, later,
    make_access, new_code, new_token,
};
use crate::model::{AuthorizationCode, GrantId, NewCode, NewToken, TokenHash, TokenModel};
use crate::secret::generate_token_for;
use crate::store::TokenStore;

/// `purge_expired` deletes what expired (used or not) and keeps the rest.
pub async fn purge_expired<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();

    let dead_code = new_code(grant, earlier(10));
    let dead_used_code = new_code(grant, earlier(10));
    let dead_access = new_token(grant, Some(earlier(10)));
    let dead_refresh = new_token(grant, Some(earlier(10)));
    let live_code = new_code(grant, later(600));
    let live_access = new_token(grant, Some(later(600)));
    let live_refresh = new_token(grant, Some(later(600)));
    let forever_refresh = new_token(grant, None);

    for code in [&dead_code, &dead_used_code, &live_code] {
        store
            .insert_code(CodeOf::<B>::new(code.clone()))
            .await
            .unwrap();
    }
    // Used codes are purged like the others (memory, SQL); Redis has dropped this one already.
    let (_, spent) = make_access::<B>(grant);
    store
        .exchange_code(&dead_used_code.code_hash, spent, None)
        .await
        .unwrap();
    store
        .insert_tokens(
            AccessOf::<B>::new(dead_access.clone()),
            Some(RefreshOf::<B>::new(dead_refresh.clone())),
        )
        .await
        .unwrap();
    store
        .insert_tokens(
            AccessOf::<B>::new(live_access.clone()),
            Some(RefreshOf::<B>::new(live_refresh.clone())),
        )
        .await
        .unwrap();
    store
        .insert_tokens(
            AccessOf::<B>::new(new_token(grant, Some(later(600)))),
            Some(RefreshOf::<B>::new(forever_refresh.clone())),
        )
        .await
        .unwrap();

    let purged = store.purge_expired(SystemTime::now()).await.unwrap();
    if !b.native_expiry() {
        assert_eq!(purged, 4, "two codes, an access token and a refresh token");
        assert_eq!(store.purge_expired(SystemTime::now()).await.unwrap(), 0);
    }
    assert!(!has_code(&*store, &dead_code.code_hash).await);
    assert!(!has_code(&*store, &dead_used_code.code_hash).await);
    assert!(!has_access(&*store, &dead_access.token_hash).await);
    assert!(!has_refresh(&*store, &dead_refresh.token_hash).await);
    assert!(has_code(&*store, &live_code.code_hash).await);
    assert!(has_access(&*store, &live_access.token_hash).await);
    assert!(has_refresh(&*store, &live_refresh.token_hash).await);
    assert!(has_refresh(&*store, &forever_refresh.token_hash).await);
}

/// Records go when they expire: by themselves (Redis), or at the first purge after (SQL,
/// memory), which takes its notion of now from the caller. A token without expiry stays.
pub async fn expiry<B: Backend>(b: &B) {
    let store = b.node().await;
    let grant = GrantId::generate();
    let soon = SystemTime::now() + Duration::from_millis(1500);
    let code = NewCode {
        expires_at: soon,
        ..new_code(grant, soon)
    };
    let access = new_token(grant, Some(soon));
    let refresh = new_token(grant, Some(soon));
    let forever = new_token(grant, None);
    store
        .insert_code(CodeOf::<B>::new(code.clone()))
        .await
        .unwrap();
    store
        .insert_tokens(
            AccessOf::<B>::new(access.clone()),
            Some(RefreshOf::<B>::new(refresh.clone())),
        )
        .await
        .unwrap();
    store
        .insert_tokens(
            AccessOf::<B>::new(new_token(grant, None)),
            Some(RefreshOf::<B>::new(forever.clone())),
        )
        .await
        .unwrap();
    assert!(has_code(&*store, &code.code_hash).await);
    assert!(has_access(&*store, &access.token_hash).await);
    assert!(has_refresh(&*store, &refresh.token_hash).await);

    if b.native_expiry() {
        tokio::time::sleep(Duration::from_millis(2500)).await;
    } else {
        let purged = store
            .purge_expired(soon + Duration::from_secs(1))
            .await
            .unwrap();
        assert_eq!(purged, 3);
    }
    assert!(!has_code(&*store, &code.code_hash).await);
    assert!(!has_access(&*store, &access.token_hash).await);
    assert!(!has_refresh(&*store, &refresh.token_hash).await);
    assert!(has_refresh(&*store, &forever.token_hash).await);
}

/// No raw code or token reaches the backend, in any common encoding; their hashes do (which
/// shows the dump sees the data).
pub async fn hashed_at_rest<B: Backend>(b: &B) {
    let store = b.node().await;

    let grant = GrantId::generate();
    let raw: Vec<String> = (0..5).map(|_| generate_token_for(grant)).collect();
    let [code, a1, r1, a2, r2] = [0, 1, 2, 3, 4].map(|i| TokenHash::of(&raw[i]));
    store
        .insert_code(CodeOf::<B>::new(NewCode {
            code_hash: code,
            ..new_code(grant, later(600))
        }))
        .await
        .unwrap();
    let token = |hash: TokenHash| NewToken {
        token_hash: hash,
        ..new_token(grant, Some(later(3600)))
    };
    store
        .exchange_code(
            &code,
            AccessOf::<B>::new(token(a1)),
            Some(RefreshOf::<B>::new(token(r1))),
        )
        .await
        .unwrap();
    store
        .rotate_refresh_token(
            &r1,
            AccessOf::<B>::new(token(a2)),
            RefreshOf::<B>::new(token(r2)),
        )
        .await
        .unwrap();

    let Some(dump) = b.dump().await else {
        eprintln!(
            "note: this backend keeps nothing at rest; the hashing check has nothing to read"
        );
        return;
    };
    for (i, token) in raw.iter().enumerate() {
        for needle in encodings(token.as_bytes())
            .into_iter()
            .chain(encodings(&URL_SAFE_NO_PAD.decode(token).unwrap()))
        {
            assert!(
                !contains(&dump, &needle),
                "raw secret #{i} found at rest as {:?}",
                String::from_utf8_lossy(&needle)
            );
        }
        let hash = TokenHash::of(token);
        assert!(
            encodings(hash.as_bytes())
                .iter()
                .any(|needle| contains(&dump, needle)),
            "the hash of token #{i} is not in the dump: the dump misses the data"
        );
    }
}

/// Bytes and their lower- and upper-case hex, standard and URL-safe base64.
pub(super) fn encodings(bytes: &[u8]) -> Vec<Vec<u8>> {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    vec![
        bytes.to_vec(),
        hex.clone().into_bytes(),
        hex.to_uppercase().into_bytes(),
        STANDARD
            .encode(bytes)
            .trim_end_matches('=')
            .as_bytes()
            .to_vec(),
        URL_SAFE_NO_PAD.encode(bytes).into_bytes(),
    ]
}

pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
