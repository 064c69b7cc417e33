//! The scope parser of a `#[scopes]` type: parse → format → parse is the identity on the set;
//! `FromStr` agrees with `parse`; a parsed set is the union of its tokens; every set of
//! defined scopes formats to a string that parses back to it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth2_provider::scope::{ScopeError, Scopes as _, is_scope_token};
use oauth2_provider_fuzz::FuzzScope;

fuzz_target!(|data: &[u8]| {
    if let Some(&bits) = data.first() {
        let set = FuzzScope::from_bits_retain(bits & FuzzScope::all().bits());
        assert_eq!(FuzzScope::parse(&set.to_string()), Ok(set));
    }
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = FuzzScope::parse(s);
    assert_eq!(s.parse::<FuzzScope>(), parsed);
    match parsed {
        Ok(set) => {
            let formatted = set.to_string();
            assert_eq!(
                FuzzScope::parse(&formatted),
                Ok(set),
                "{s:?} -> {formatted:?}"
            );
            assert_eq!(formatted, set.to_scope_string());
            assert!(FuzzScope::all().contains(set));
            let mut union = FuzzScope::empty();
            for token in s.split(' ').filter(|t| !s.is_empty() || !t.is_empty()) {
                union = union.union(FuzzScope::from_name(token).expect("a parsed token is known"));
            }
            assert_eq!(union, set);
            let _ = format!("{set:?}");
        }
        Err(ScopeError::Malformed) => {
            assert!(s.split(' ').any(|t| !is_scope_token(t)), "{s:?}");
        }
        Err(ScopeError::Unknown) => {
            assert!(
                s.split(' ').any(|t| FuzzScope::from_name(t).is_none()),
                "{s:?}"
            );
        }
    }
});
