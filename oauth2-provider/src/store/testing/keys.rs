//! The key store cases (feature `jwt`), for a store that keeps signing keys.

use std::time::Duration;

use super::lifetime::{contains, encodings};
use super::{Backend, later, now};
use crate::jose::{
    Algorithm, Expectations, KeyEncryptionKey, KeySet, ManagedKey, RotationPolicy, SigningKey,
    sign, verify,
};
use crate::store::{KeyStore, StoredKey};

fn kek() -> KeyEncryptionKey {
    KeyEncryptionKey::new(&[0x5a; 32]).expect("32 bytes")
}

/// A key of `alg` made now, signing in a minute; retired in an hour and kept a day, if `retired`.
fn scheduled(alg: Algorithm, retired: bool) -> ManagedKey {
    let key = ManagedKey::new(SigningKey::generate(alg).expect("a key"), now(), later(60));
    if !retired {
        return key;
    }
    let mut stored = key.to_stored(None).unwrap();
    stored.retired_at = Some(later(3600));
    stored.retain_until = Some(later(3600 + 86_400));
    ManagedKey::from_stored(&stored, None).unwrap()
}

fn sorted(mut keys: Vec<StoredKey>) -> Vec<StoredKey> {
    keys.sort_by(|a, b| a.kid.cmp(&b.kid));
    keys
}

/// Every algorithm's key, sealed, and one unsealed, come back as they were saved, ordered by
/// `kid`, and open into the same key set.
pub async fn keys_round_trip<B: Backend>(b: &B)
where
    B::Store: KeyStore,
{
    let store = b.node().await;
    assert!(store.load_keys().await.unwrap().is_empty());
    let kek = kek();
    let mut saved = Vec::new();
    let mut set = KeySet::new();
    for (i, alg) in Algorithm::ALL.into_iter().enumerate() {
        let key = scheduled(alg, i % 2 == 0);
        let stored = key.to_stored(Some(&kek)).unwrap();
        store.save_key(stored.clone()).await.unwrap();
        saved.push(stored);
        set.insert(key).unwrap();
    }
    let plain = scheduled(Algorithm::ES256, false).to_stored(None).unwrap();
    store.save_key(plain.clone()).await.unwrap();

    let loaded = store.load_keys().await.unwrap();
    let mut expected = saved.clone();
    expected.push(plain.clone());
    assert_eq!(loaded, sorted(expected), "saved and loaded differ");

    let sealed: Vec<StoredKey> = loaded.into_iter().filter(|k| k.encrypted).collect();
    let reopened = KeySet::from_stored(&sealed, Some(&kek)).unwrap();
    assert_eq!(reopened.jwks(now()), set.jwks(now()));
    let unsealed = KeySet::from_stored([&plain], None).unwrap();
    assert_eq!(unsealed.len(), 1);
}

/// Saving a key whose `kid` is stored replaces it, members it no longer has included.
pub async fn keys_replace_by_kid<B: Backend>(b: &B)
where
    B::Store: KeyStore,
{
    let store = b.node().await;
    let fresh = scheduled(Algorithm::EdDSA, false)
        .to_stored(Some(&kek()))
        .unwrap();
    store.save_key(fresh.clone()).await.unwrap();

    let mut retired = fresh.clone();
    retired.retired_at = Some(later(7200));
    retired.retain_until = Some(later(7200 + 600));
    retired.private_key = ManagedKey::from_stored(&fresh, Some(&kek()))
        .unwrap()
        .to_stored(Some(&kek()))
        .unwrap()
        .private_key;
    assert_ne!(
        retired.private_key, fresh.private_key,
        "resealed with a new nonce"
    );
    store.save_key(retired.clone()).await.unwrap();
    assert_eq!(store.load_keys().await.unwrap(), [retired]);

    store.save_key(fresh.clone()).await.unwrap();
    assert_eq!(store.load_keys().await.unwrap(), [fresh]);
}

/// Deleting a key removes it and only it; `true` only if it was there.
pub async fn keys_delete<B: Backend>(b: &B)
where
    B::Store: KeyStore,
{
    let store = b.node().await;
    let one = scheduled(Algorithm::ES256, false).to_stored(None).unwrap();
    let two = scheduled(Algorithm::ES256, true).to_stored(None).unwrap();
    store.save_key(one.clone()).await.unwrap();
    store.save_key(two.clone()).await.unwrap();
    assert!(store.delete_key(&one.kid).await.unwrap());
    assert!(!store.delete_key(&one.kid).await.unwrap());
    assert!(!store.delete_key("no-such-kid").await.unwrap());
    assert_eq!(store.load_keys().await.unwrap(), std::slice::from_ref(&two));
    assert!(store.delete_key(&two.kid).await.unwrap());
    assert!(store.load_keys().await.unwrap().is_empty());
}

/// A rotation one node saves, another loads: the same JWKS, and a token the first signs the
/// second verifies; what the second prunes and deletes, the first no longer loads.
pub async fn keys_shared_by_nodes<B: Backend>(b: &B)
where
    B::Store: KeyStore,
{
    let (one, two) = (b.node().await, b.node().await);
    let (kek, policy, t0) = (kek(), RotationPolicy::new(), now());
    let mut keys = KeySet::new();
    for _ in 0..2 {
        let rotation = keys.rotate(Algorithm::ES256, t0, &policy).unwrap();
        for kid in rotation.changed() {
            let stored = keys.get(kid).unwrap().to_stored(Some(&kek)).unwrap();
            one.save_key(stored).await.unwrap();
        }
    }
    let first = keys.signer(Algorithm::ES256, t0).unwrap();
    let exp = t0.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 600;
    let token = sign(first, "at+jwt", &serde_json::json!({ "exp": exp })).unwrap();

    let mut theirs = KeySet::from_stored(&two.load_keys().await.unwrap(), Some(&kek)).unwrap();
    assert_eq!(theirs.jwks(t0), keys.jwks(t0));
    let expect = Expectations::new(&[Algorithm::ES256]).typ("at+jwt").at(t0);
    verify::<serde_json::Value>(&token, &theirs, &expect).unwrap();

    let gone =
        t0 + policy.publish_ahead_period() + policy.retention_period() + Duration::from_secs(1);
    let pruned = theirs.prune(gone);
    assert_eq!(pruned, [first.kid().to_owned()]);
    for kid in &pruned {
        assert!(two.delete_key(kid).await.unwrap());
    }
    let left = KeySet::from_stored(&one.load_keys().await.unwrap(), Some(&kek)).unwrap();
    assert_eq!(left.len(), 1);
    assert!(left.get(&pruned[0]).is_none());
}

/// Sealed keys leave nothing of the private key in what the backend holds, in any common
/// encoding; the `kid`s are there.
pub async fn keys_sealed_at_rest<B: Backend>(b: &B)
where
    B::Store: KeyStore,
{
    let store = b.node().await;
    let mut secrets = Vec::new();
    let mut kids = Vec::new();
    for alg in Algorithm::ALL {
        let key = scheduled(alg, true);
        store
            .save_key(key.to_stored(Some(&kek())).unwrap())
            .await
            .unwrap();
        secrets.push(key.key().to_pkcs8_der());
        kids.push(key.key().kid().to_owned());
    }
    let Some(dump) = b.dump().await else {
        return;
    };
    for kid in &kids {
        assert!(contains(&dump, kid.as_bytes()), "the dump misses a key");
    }
    // Every 24-byte run of each document at an offset that is a multiple of 3, so its base64
    // lines up with that of the whole document.
    for der in &secrets {
        for start in (0..der.len().saturating_sub(24)).step_by(3) {
            for needle in encodings(&der[start..start + 24]) {
                assert!(!contains(&dump, &needle), "private key bytes are at rest");
            }
        }
    }
}
