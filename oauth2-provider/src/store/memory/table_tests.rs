//! The packed tables: record sizes, lookups, rotation, revocation and purging.

use super::*;
use crate::model::Extras;

/// Hashes that all land in one shard, so removals move records within it.
fn hash(n: u8) -> TokenHash {
    let mut bytes = [n; 32];
    bytes[8] = 7;
    TokenHash::from_bytes(bytes)
}

fn tokens(grants: &[GrantId]) -> Tokens<u8> {
    let tokens = Tokens::default();
    let context =
        super::super::context::Contexts::default().intern("app", None, &Extras::default());
    for (n, grant) in grants.iter().enumerate() {
        let record = Record::new(&hash(n as u8), *grant, None, Arc::clone(&context), n as u8);
        tokens.insert(record).expect("room");
    }
    tokens
}

#[test]
fn a_record_is_one_cache_line_and_a_member_8_bytes() {
    assert_eq!(std::mem::size_of::<Record<u8>>(), 64);
    assert_eq!(std::mem::size_of::<Record<u64>>(), 64);
    assert_eq!(std::mem::size_of::<Record<u128>>(), 128);
    assert_eq!(std::mem::size_of::<Member>(), 8);
}

#[test]
fn a_removal_keeps_every_other_token_findable() {
    let grants: Vec<_> = (0..5).map(|_| GrantId::generate()).collect();
    let tokens = tokens(&grants);
    assert!(tokens.remove(&hash(1)));
    assert!(!tokens.remove(&hash(1)));
    for n in [0, 2, 3, 4] {
        let (token, used) = tokens.find(&hash(n)).expect("still stored");
        assert_eq!(
            (token.scope, token.grant_id, used),
            (n, grants[n as usize], false)
        );
    }
    assert_eq!(tokens.len(), 4);
}

#[test]
fn a_grant_goes_with_every_token_of_it_and_no_other() {
    let (kept, revoked) = (GrantId::generate(), GrantId::generate());
    let tokens = tokens(&[revoked, kept, revoked, kept, revoked]);
    tokens.remove_grant(&revoked);
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens.grant_of(&hash(1)), Some(kept));
    assert_eq!(tokens.grant_of(&hash(3)), Some(kept));
    assert!(matches!(tokens.consume(&hash(3)), Exchange::Done));
    assert!(matches!(tokens.consume(&hash(3)), Exchange::AlreadyUsed));
    assert!(matches!(tokens.consume(&hash(0)), Exchange::Missing));
}

#[test]
fn expiry_keeps_the_microsecond_and_purges_what_is_due() {
    let tokens = Tokens::default();
    let context =
        super::super::context::Contexts::default().intern("app", None, &Extras::default());
    let at = UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789);
    let record = Record::new(&hash(1), GrantId::generate(), Some(at), context, 0u8);
    tokens.insert(record).expect("room");
    let (token, _) = tokens.find(&hash(1)).expect("stored");
    assert_eq!(
        token.expires_at,
        Some(UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456))
    );
    assert_eq!(tokens.purge(at - Duration::from_micros(1)), 0);
    assert_eq!(tokens.purge(at), 1);
    assert!(tokens.find(&hash(1)).is_none());
}
