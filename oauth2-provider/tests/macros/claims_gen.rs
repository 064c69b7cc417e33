//! The `claims` that `#[derive(ResourceOwner)]` generates compiles next to a user's own items
//! named like the ones it could reach for, under `deny(warnings)`: as in `tests/gen.rs`, every
//! path it emits is absolute.
#![deny(warnings)]
#![allow(dead_code, non_camel_case_types, non_upper_case_globals)]

use oauth2_provider::ResourceOwner;

struct Result;
struct Option;
struct Some;
struct None;
struct String;
struct Vec;
struct Default;
struct ToString;
struct Claims;
struct Claim;
struct str;
struct bool;
trait Serialize {}
const claims: i32 = 0;
const name: i32 = 0;
const member: i32 = 0;
mod std {}
mod core {}
mod serde {}
mod oauth2_provider_derive {}

#[derive(ResourceOwner)]
pub struct Hostile<T> {
    #[oauth(subject, claim = "preferred_username")]
    login: ::std::string::String,
    #[oauth(claim = "email_verified")]
    verified: ::std::primitive::bool,
    #[oauth(claim = "nickname")]
    nickname: ::std::option::Option<::std::string::String>,
    #[oauth(claim = "extra")]
    extra: T,
}

#[test]
fn claims_compile_under_hostile_names() {
    use ::oauth2_provider::model::ResourceOwner as _;
    let owner = Hostile {
        login: "alice".into(),
        verified: true,
        nickname: ::std::option::Option::None,
        extra: 3_u8,
    };
    let set = owner.claims();
    ::std::assert_eq!(owner.subject(), "alice");
    ::std::assert_eq!(set.iter().count(), 3);
    ::std::assert!(set.get("nickname").is_none());
}
