//! Private keys sealed at rest, and the stored form.

use super::*;
use crate::jose::{KeyEncryptionKey, KeyError, ManagedKey};

fn kek(byte: u8) -> KeyEncryptionKey {
    KeyEncryptionKey::new(&[byte; 32]).unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn sealed_round_trip_for_every_algorithm() {
    for alg in Algorithm::ALL {
        let mut managed = ManagedKey::new(key(alg), at(0), at(10));
        managed.retire(at(20), Duration::from_secs(30));
        let stored = managed.to_stored(Some(&kek(1))).unwrap();
        assert!(stored.encrypted);
        assert_eq!(
            (stored.kid.as_str(), stored.alg),
            (managed.key().kid(), alg)
        );
        assert_eq!(stored.created_at, at(0));
        assert_eq!(stored.activates_at, at(10));
        assert_eq!(stored.retired_at, Some(at(20)));
        assert_eq!(stored.retain_until, Some(at(50)));

        let der = managed.key().to_pkcs8_der();
        for window in der.chunks_exact(16) {
            assert!(
                !contains(&stored.private_key, window),
                "{alg}: plaintext in the sealed key"
            );
        }

        let back = ManagedKey::from_stored(&stored, Some(&kek(1))).unwrap();
        assert_eq!(back.key().kid(), managed.key().kid());
        assert_eq!(*back.key().to_pkcs8_der(), *der);
        assert_eq!(back.retired_at(), Some(at(20)));
        assert_eq!(back.retain_until(), Some(at(50)));
    }
}

#[test]
fn each_sealing_has_its_own_nonce() {
    let managed = ManagedKey::new(key(Algorithm::ES256), at(0), at(0));
    let one = managed.to_stored(Some(&kek(1))).unwrap();
    let two = managed.to_stored(Some(&kek(1))).unwrap();
    assert_ne!(one.private_key, two.private_key);
}

#[test]
fn what_does_not_open() {
    let managed = ManagedKey::new(key(Algorithm::ES256), at(0), at(0));
    let stored = managed.to_stored(Some(&kek(1))).unwrap();
    let open = |stored: &crate::store::StoredKey, kek: Option<&KeyEncryptionKey>| {
        ManagedKey::from_stored(stored, kek)
            .map(|_| ())
            .unwrap_err()
    };

    assert_eq!(open(&stored, Some(&kek(2))), KeyError::Decrypt);
    assert_eq!(open(&stored, None), KeyError::Encrypted);
    for at in [0, 1, 20, stored.private_key.len() - 1] {
        let mut tampered = stored.clone();
        tampered.private_key[at] ^= 1;
        assert_eq!(
            open(&tampered, Some(&kek(1))),
            KeyError::Decrypt,
            "byte {at}"
        );
    }
    for len in [0, 1, 13, stored.private_key.len() - 1] {
        let mut short = stored.clone();
        short.private_key.truncate(len);
        assert_eq!(
            open(&short, Some(&kek(1))),
            KeyError::Decrypt,
            "{len} bytes"
        );
    }
    // The sealing is bound to its kid and alg: relabelled, it no longer opens.
    let mut moved = stored.clone();
    moved.kid = key(Algorithm::ES256).kid().to_owned();
    assert_eq!(open(&moved, Some(&kek(1))), KeyError::Decrypt);
    let mut relabelled = stored.clone();
    relabelled.alg = Algorithm::EdDSA;
    assert_eq!(open(&relabelled, Some(&kek(1))), KeyError::Decrypt);
}

#[test]
fn plain_stored_keys() {
    let managed = ManagedKey::new(key(Algorithm::EdDSA), at(0), at(0));
    let stored = managed.to_stored(None).unwrap();
    assert!(!stored.encrypted);
    assert_eq!(*stored.private_key, *managed.key().to_pkcs8_der());
    let back = ManagedKey::from_stored(&stored, None).unwrap();
    assert_eq!(back.key().kid(), managed.key().kid());

    // With a key-encryption key configured, an unsealed key is refused: it could be planted.
    let refused = ManagedKey::from_stored(&stored, Some(&kek(1))).unwrap_err();
    assert_eq!(refused, KeyError::NotEncrypted);

    // A kid that is not the key's thumbprint.
    let mut wrong = stored.clone();
    wrong.kid = "2011-04-29".to_owned();
    assert_eq!(
        ManagedKey::from_stored(&wrong, None).unwrap_err(),
        KeyError::KidMismatch
    );
    let mut other_alg = stored;
    other_alg.alg = Algorithm::ES256;
    assert_eq!(
        ManagedKey::from_stored(&other_alg, None).unwrap_err(),
        KeyError::InvalidKey
    );
}

#[test]
fn key_encryption_key_length_and_debug() {
    for len in [0, 16, 31, 33, 64] {
        let err = KeyEncryptionKey::new(&vec![0; len]).unwrap_err();
        assert_eq!(err, KeyError::KeyEncryptionKeyLength);
    }
    assert_eq!(format!("{:?}", kek(7)), "KeyEncryptionKey(..)");
    let stored = ManagedKey::new(key(Algorithm::ES256), at(0), at(0))
        .to_stored(None)
        .unwrap();
    let debug = format!("{stored:?}");
    assert!(
        debug.contains(&stored.kid) && !debug.contains("private_key"),
        "{debug}"
    );
}
