//! The key set: who signs when, who verifies, what is published, rotation and pruning.

use super::*;
use crate::jose::{KeyError, KeySet, ManagedKey, RotationPolicy};

const HOUR: u64 = 3600;
const DAY: u64 = 86_400;

fn policy() -> RotationPolicy {
    RotationPolicy::new()
        .publish_ahead(Duration::from_secs(HOUR))
        .retention(Duration::from_secs(DAY))
}

fn kids(keys: &KeySet, now: SystemTime) -> Vec<String> {
    let jwks = keys.jwks(now);
    let published = jwks["keys"].as_array().unwrap();
    published
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

fn signer(keys: &KeySet, alg: Algorithm, now: SystemTime) -> Option<String> {
    keys.signer(alg, now).map(|k| k.kid().to_owned())
}

#[test]
fn a_rotation_from_publication_to_pruning() {
    let mut keys = KeySet::new();
    assert!(keys.signer(Algorithm::ES256, at(0)).is_none());
    assert_eq!(keys.jwks(at(0)), serde_json::json!({ "keys": [] }));

    let first = keys.rotate(Algorithm::ES256, at(0), &policy()).unwrap();
    assert!(first.retired.is_empty());
    let old = first.added;
    assert_eq!(
        signer(&keys, Algorithm::ES256, at(0)),
        Some(old.clone()),
        "the first key signs at once"
    );

    let second = keys.rotate(Algorithm::ES256, at(100), &policy()).unwrap();
    assert_eq!(second.retired, [old.as_str()]);
    assert_eq!(
        second.changed().collect::<Vec<_>>(),
        [second.added.as_str(), old.as_str()]
    );
    let new = second.added;
    let switch = at(100 + HOUR);
    let gone = at(100 + HOUR + DAY);

    // Published at once, newest first; signing only an hour later.
    assert_eq!(kids(&keys, at(100)), [new.clone(), old.clone()]);
    assert_eq!(
        signer(&keys, Algorithm::ES256, at(100 + HOUR - 1)),
        Some(old.clone())
    );
    assert_eq!(signer(&keys, Algorithm::ES256, switch), Some(new.clone()));
    assert!(
        keys.verifier(&new, at(100)).is_some(),
        "a published key verifies before it signs"
    );

    let retired = keys.get(&old).unwrap();
    assert_eq!(retired.retired_at(), Some(switch));
    assert_eq!(retired.retain_until(), Some(gone));
    assert!(!retired.signs_at(switch));

    // The retired key verifies and is published until its retention ends, then goes.
    assert!(keys.verifier(&old, at(100 + HOUR + DAY - 1)).is_some());
    assert!(keys.verifier(&old, gone).is_none());
    assert_eq!(kids(&keys, gone), [new.as_str()]);
    assert_eq!(keys.len(), 2, "not pruned yet");
    assert!(keys.prune(at(100 + HOUR + DAY - 1)).is_empty());
    assert_eq!(keys.prune(gone), [old.as_str()]);
    assert!(keys.get(&old).is_none());
    assert_eq!(signer(&keys, Algorithm::ES256, gone), Some(new));
}

#[test]
fn algorithms_rotate_apart() {
    let mut keys = KeySet::new();
    let es = keys
        .rotate(Algorithm::ES256, at(0), &policy())
        .unwrap()
        .added;
    let rs = keys.rotate(Algorithm::RS256, at(0), &policy()).unwrap();
    assert!(
        rs.retired.is_empty(),
        "another algorithm's key is not retired"
    );
    let next = keys.rotate(Algorithm::RS256, at(0), &policy()).unwrap();
    assert_eq!(next.retired, [rs.added.as_str()]);
    assert_eq!(keys.get(&es).unwrap().retired_at(), None);
    assert_eq!(signer(&keys, Algorithm::ES256, at(10 * DAY)), Some(es));
    assert_eq!(signer(&keys, Algorithm::RS256, at(HOUR)), Some(next.added));
    assert!(keys.signer(Algorithm::EdDSA, at(0)).is_none());
}

#[test]
fn rotating_again_before_the_switch() {
    let mut keys = KeySet::new();
    let a = keys
        .rotate(Algorithm::EdDSA, at(0), &policy())
        .unwrap()
        .added;
    let b = keys
        .rotate(Algorithm::EdDSA, at(0), &policy())
        .unwrap()
        .added;
    let c = keys.rotate(Algorithm::EdDSA, at(60), &policy()).unwrap();
    // `a` still signs until `b` activates; `b` signs from then until `c` activates.
    assert_eq!(c.retired, [b.as_str()]);
    assert_eq!(
        keys.get(&a).unwrap().retired_at(),
        Some(at(HOUR)),
        "kept, not moved later"
    );
    assert_eq!(signer(&keys, Algorithm::EdDSA, at(HOUR - 1)), Some(a));
    assert_eq!(signer(&keys, Algorithm::EdDSA, at(HOUR)), Some(b));
    assert_eq!(
        signer(&keys, Algorithm::EdDSA, at(60 + HOUR)),
        Some(c.added)
    );
}

#[test]
fn a_set_with_nothing_signing_activates_at_once() {
    let mut keys = KeySet::new();
    let pending = SigningKey::generate(Algorithm::ES256).unwrap();
    let pending_kid = pending.kid().to_owned();
    keys.insert(ManagedKey::new(pending, at(0), at(DAY)))
        .unwrap();
    assert!(keys.signer(Algorithm::ES256, at(0)).is_none());
    let now = keys.rotate(Algorithm::ES256, at(0), &policy()).unwrap();
    assert_eq!(now.retired, [pending_kid.as_str()]);
    assert_eq!(signer(&keys, Algorithm::ES256, at(0)), Some(now.added));
    assert!(
        keys.signer(Algorithm::ES256, at(DAY))
            .is_some_and(|k| k.kid() != pending_kid)
    );
}

#[test]
fn schedule_boundaries() {
    let mut key = ManagedKey::new(key(Algorithm::ES256), at(0), at(10));
    assert!(!key.signs_at(at(9)));
    assert!(key.signs_at(at(10)));
    key.retire(at(20), Duration::from_secs(5));
    assert!(key.signs_at(at(19)) && !key.signs_at(at(20)));
    assert!(key.published_at(at(24)) && !key.published_at(at(25)));
    // An earlier retirement holds; a later one does not postpone it.
    key.retire(at(30), Duration::from_secs(500));
    assert_eq!(
        (key.retired_at(), key.retain_until()),
        (Some(at(20)), Some(at(25)))
    );
}

#[test]
fn jwks_has_only_public_members() {
    let mut keys = KeySet::new();
    for alg in Algorithm::ALL {
        keys.insert(ManagedKey::new(
            SigningKey::generate(alg).unwrap(),
            at(0),
            at(0),
        ))
        .unwrap();
    }
    let jwks = keys.jwks(at(0));
    assert_eq!(jwks.as_object().unwrap().len(), 1, "only `keys`");
    let published = jwks["keys"].as_array().unwrap();
    assert_eq!(published.len(), 4);
    let public = ["kty", "kid", "alg", "use", "n", "e", "crv", "x", "y"];
    for jwk in published {
        for member in jwk.as_object().unwrap().keys() {
            assert!(public.contains(&member.as_str()), "{member} published");
        }
        assert_eq!(jwk["use"], "sig");
        assert_eq!(jwk["kid"].as_str().map(str::len), Some(43));
    }
    let text = jwks.to_string();
    for private in [
        "\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"", "\"k\"",
    ] {
        assert!(!text.contains(private), "{private} in {text}");
    }
}

#[test]
fn insert_get_remove_and_the_stored_set() {
    let mut keys = KeySet::new();
    let duplicate = ManagedKey::new(key(Algorithm::RS256), at(0), at(0));
    keys.insert(duplicate.clone()).unwrap();
    assert_eq!(keys.insert(duplicate).unwrap_err(), KeyError::DuplicateKid);
    keys.rotate(Algorithm::ES256, at(0), &policy()).unwrap();
    keys.rotate(Algorithm::ES256, at(0), &policy()).unwrap();
    assert_eq!(keys.len(), 3);

    let stored = keys.to_stored(None).unwrap();
    let loaded = KeySet::from_stored(&stored, None).unwrap();
    assert_eq!(loaded.jwks(at(0)), keys.jwks(at(0)));
    for key in keys.iter() {
        let twin = loaded.get(key.key().kid()).unwrap();
        assert_eq!(
            (
                twin.created_at(),
                twin.activates_at(),
                twin.retired_at(),
                twin.retain_until()
            ),
            (
                key.created_at(),
                key.activates_at(),
                key.retired_at(),
                key.retain_until()
            )
        );
    }
    let mut twice = stored.clone();
    twice.extend(stored);
    assert_eq!(
        KeySet::from_stored(&twice, None).unwrap_err(),
        KeyError::DuplicateKid
    );

    assert!(keys.remove(RFC7638_KID).is_some());
    assert!(keys.remove(RFC7638_KID).is_none());
    assert!(keys.verifier(RFC7638_KID, at(0)).is_none());
    assert_eq!(keys.len(), 2);
    assert!(!keys.is_empty() && KeySet::new().is_empty());
}
