//! How the model derives read and build the fields they are given: one trait per role, and one
//! for the fields read as claims, whose impls are the types that fit it.
//!
//! A derive reads each role's field through its trait, at the field's type, rather than bounding
//! the impl by predicates like `String: Borrow<str>`: a predicate on a concrete type is checked
//! where it is written, and rustc then names `Borrow` and points at issue #48214 instead of at
//! the role. A type that does not fit fails the role's trait, whose message names the role and
//! what it needs. Each blanket impl is `do_not_recommend`, so that rustc reports the role's
//! trait rather than the bound behind it; a role's accessor and `new` go through the same trait
//! at the same span, so that rustc reports a misfit once.

use std::borrow::Borrow;
use std::time::SystemTime;

use serde::Serialize;

use crate::model;
use crate::pkce::PkceChallenge;
use crate::scope::Scopes;

/// A role's trait: its message, the types that fit (a blanket impl over `T` with bounds, or one
/// type), how the accessor reads the field and, for a record, how `new` builds it.
macro_rules! role {
    (
        $(#[$doc:meta])*
        $name:ident
        message = $message:literal,
        label = $label:literal,
        note = $note:literal,
        impl $([$($bounds:tt)*])? for $ty:ty;
        fn read(&$this:ident) -> $read:ty $read_body:block
        $(fn store($value:ident: $value_ty:ty) $store_body:block)?
    ) => {
        $(#[$doc])*
        #[diagnostic::on_unimplemented(message = $message, label = $label, note = $note)]
        pub trait $name: Sized {
            /// What the accessor returns.
            fn read(&self) -> $read;
            $(
                /// The field of a record the runtime builds.
                fn store($value: $value_ty) -> Self;
            )?
        }

        role!(@impl $name [$($($bounds)*)?] $ty; fn read(&$this) -> $read $read_body
            $(fn store($value: $value_ty) $store_body)?);
    };
    // A role that several types fit, each read its own way: `fn read` once, then each
    // `impl [bounds] for Type { body }`.
    (
        $(#[$doc:meta])*
        $name:ident
        message = $message:literal,
        label = $label:literal,
        note = $note:literal,
        fn read(&$this:ident) -> $read:ty;
        $(impl $([$($bounds:tt)*])? for $ty:ty $body:block)+
    ) => {
        $(#[$doc])*
        #[diagnostic::on_unimplemented(message = $message, label = $label, note = $note)]
        pub trait $name: Sized {
            /// What the accessor returns.
            fn read(&self) -> $read;
        }

        $(role!(@impl $name [$($($bounds)*)?] $ty; fn read(&$this) -> $read $body);)+
    };
    (@impl $name:ident [] $ty:ty; $($items:tt)*) => {
        #[diagnostic::do_not_recommend]
        impl $name for $ty {
            role!(@items $($items)*);
        }
    };
    (@impl $name:ident [$($bounds:tt)+] $ty:ty; $($items:tt)*) => {
        #[diagnostic::do_not_recommend]
        impl<$($bounds)+> $name for $ty {
            role!(@items $($items)*);
        }
    };
    (@items fn read(&$this:ident) -> $read:ty $read_body:block
        $(fn store($value:ident: $value_ty:ty) $store_body:block)?) => {
        fn read(&$this) -> $read $read_body
        $(fn store($value: $value_ty) -> Self $store_body)?
    };
}

// The roles of `#[derive(OAuthClient)]`.
mod client;

pub use client::*;

role! {
    /// `#[oauth(subject)]` of `#[derive(ResourceOwner)]`.
    OwnerSubject
    message = "`#[oauth(subject)]` needs a field that can be written as a string, such as `String`, `i64` or `Uuid`; this is `{Self}`",
    label = "cannot be written as a string",
    note = "the subject is the field's `to_string()`, which every type that implements `Display` has",
    impl [T: ToString] for T;
    fn read(&self) -> String { self.to_string() }
}

role! {
    /// `#[oauth(client_id)]` of a code or token record.
    RecordClientId
    message = "`#[oauth(client_id)]` needs a field that can be built from a `String` and read as `&str`, such as `String`; this is `{Self}`",
    label = "not built from a `String` and read as `&str`",
    note = "the field is built with `From<String>` and read with `Borrow<str>`, as `String`, `Box<str>` and `Arc<str>` are",
    impl [T: From<String> + Borrow<str>] for T;
    fn read(&self) -> &str { self.borrow() }
    fn store(value: String) { T::from(value) }
}

role! {
    /// `#[oauth(subject)]` of `#[derive(AuthorizationCode)]`.
    CodeSubject
    message = "`#[oauth(subject)]` needs a field that can be built from a `String` and read as `&str`, such as `String`; this is `{Self}`",
    label = "not built from a `String` and read as `&str`",
    note = "the field is built with `From<String>` and read with `Borrow<str>`, as `String`, `Box<str>` and `Arc<str>` are",
    impl [T: From<String> + Borrow<str>] for T;
    fn read(&self) -> &str { self.borrow() }
    fn store(value: String) { T::from(value) }
}

role! {
    /// `#[oauth(subject)]` of a token record.
    TokenSubject
    message = "`#[oauth(subject)]` needs a field of type `Option<String>`; this is `{Self}`",
    label = "not `Option<String>`",
    note = "a token that a client got for itself, by `client_credentials`, has no subject: `None`",
    impl for Option<String>;
    fn read(&self) -> Option<&str> { self.as_deref() }
    fn store(value: Option<String>) { value }
}

role! {
    /// `#[oauth(code_hash)]` of `#[derive(AuthorizationCode)]`.
    CodeHash
    message = "`#[oauth(code_hash)]` needs a field that holds a `TokenHash`; this is `{Self}`",
    label = "does not hold a `TokenHash`",
    note = "the field is built with `From<TokenHash>` and read with `Borrow<TokenHash>`, as `TokenHash` itself is",
    impl [T: From<model::TokenHash> + Borrow<model::TokenHash>] for T;
    fn read(&self) -> &model::TokenHash { self.borrow() }
    fn store(value: model::TokenHash) { T::from(value) }
}

role! {
    /// `#[oauth(token_hash)]` of a token record.
    TokenHash
    message = "`#[oauth(token_hash)]` needs a field that holds a `TokenHash`; this is `{Self}`",
    label = "does not hold a `TokenHash`",
    note = "the field is built with `From<TokenHash>` and read with `Borrow<TokenHash>`, as `TokenHash` itself is",
    impl [T: From<model::TokenHash> + Borrow<model::TokenHash>] for T;
    fn read(&self) -> &model::TokenHash { self.borrow() }
    fn store(value: model::TokenHash) { T::from(value) }
}

role! {
    /// `#[oauth(grant_id)]` of a code or token record.
    GrantId
    message = "`#[oauth(grant_id)]` needs a field that holds a `GrantId`; this is `{Self}`",
    label = "does not hold a `GrantId`",
    note = "the field is built with `From<GrantId>` and read with `Borrow<GrantId>`, as `GrantId` itself is",
    impl [T: From<model::GrantId> + Borrow<model::GrantId>] for T;
    fn read(&self) -> model::GrantId { *self.borrow() }
    fn store(value: model::GrantId) { T::from(value) }
}

role! {
    /// `#[oauth(redirect_uri)]` of `#[derive(AuthorizationCode)]`.
    RedirectUri
    message = "`#[oauth(redirect_uri)]` needs a field of type `Option<String>`; this is `{Self}`",
    label = "not `Option<String>`",
    note = "a code whose authorization request named no `redirect_uri` has `None`",
    impl for Option<String>;
    fn read(&self) -> Option<&str> { self.as_deref() }
    fn store(value: Option<String>) { value }
}

role! {
    /// `#[oauth(challenge)]` of `#[derive(AuthorizationCode)]`.
    Challenge
    message = "`#[oauth(challenge)]` needs a field of type `Option<PkceChallenge>`; this is `{Self}`",
    label = "not `Option<PkceChallenge>`",
    note = "a code whose authorization request had no PKCE challenge has `None`",
    impl for Option<PkceChallenge>;
    fn read(&self) -> Option<&PkceChallenge> { self.as_ref() }
    fn store(value: Option<PkceChallenge>) { value }
}

role! {
    /// `#[oauth(expires_at)]` of `#[derive(AuthorizationCode)]`.
    CodeExpiresAt
    message = "`#[oauth(expires_at)]` needs a field that holds a `SystemTime`; this is `{Self}`",
    label = "does not hold a `SystemTime`",
    note = "every code expires; the field is built with `From<SystemTime>` and read with `Borrow<SystemTime>`, as `SystemTime` itself is",
    impl [T: From<SystemTime> + Borrow<SystemTime>] for T;
    fn read(&self) -> SystemTime { *self.borrow() }
    fn store(value: SystemTime) { T::from(value) }
}

role! {
    /// `#[oauth(expires_at)]` of a token record.
    TokenExpiresAt
    message = "`#[oauth(expires_at)]` needs a field of type `Option<SystemTime>`; this is `{Self}`",
    label = "not `Option<SystemTime>`",
    note = "a token that never expires has `None`",
    impl for Option<SystemTime>;
    fn read(&self) -> Option<SystemTime> { *self }
    fn store(value: Option<SystemTime>) { value }
}

role! {
    /// `#[oauth(extras)]` of a code or token record.
    Extras
    message = "`#[oauth(extras)]` needs a field that holds `Extras`; this is `{Self}`",
    label = "does not hold `Extras`",
    note = "the field is built with `From<Extras>` and read with `Borrow<Extras>`, as `Extras` itself is",
    impl [T: From<model::Extras> + Borrow<model::Extras>] for T;
    fn read(&self) -> &model::Extras { self.borrow() }
    fn store(value: model::Extras) { T::from(value) }
}

/// `#[oauth(claim = "name")]` of `#[derive(ResourceOwner)]`: the field, serialized, is the
/// claim's value. `claims` sets each claim through this trait, at the field's type, so that a
/// type that cannot be serialized is reported there, once, in the attribute's words.
#[diagnostic::on_unimplemented(
    message = "`#[oauth(claim = ...)]` needs a field that implements `serde::Serialize`; this is `{Self}`",
    label = "not `Serialize`",
    note = "the claim's value is the field as JSON; an `Option` field that is `None` leaves the claim unset"
)]
pub trait Claim {
    /// Sets claim `name` to the field.
    fn set_claim(&self, claims: &mut model::Claims, name: &'static str);
}

#[diagnostic::do_not_recommend]
impl<T: Serialize + ?Sized> Claim for T {
    fn set_claim(&self, claims: &mut model::Claims, name: &'static str) {
        model::Claims::set(claims, name, self);
    }
}

/// `#[oauth(scope)]` of every model derive but `ResourceOwner`. Its field's type is the
/// trait's `type Scope`, bounded by `Scopes` on the impl with a binder, `for<'a> T: Scopes`,
/// that rustc does not check where it is written: this trait checks it beside the impl,
/// reported in the role's words, and rustc reports no other error for it there.
#[diagnostic::on_unimplemented(
    message = "`#[oauth(scope)]` needs a scope type, declared with `#[oauth2_provider::scopes(...)]`; this is `{Self}`",
    label = "not a scope type",
    note = "the scope type can also implement `Scopes` by hand"
)]
pub trait Scope {
    /// Called beside the impl, at the field's type: the check.
    fn check() {}
}

#[diagnostic::do_not_recommend]
impl<T: Scopes> Scope for T {}

/// A field without a role, which `new` fills with its default.
#[diagnostic::on_unimplemented(
    message = "a field with no `#[oauth(...)]` role is filled with `Default::default()`, and `{Self}` has no default",
    label = "no `#[oauth(...)]` role, and not `Default`",
    note = "give the field a role, or derive or implement `Default` for `{Self}`"
)]
pub trait Unmarked: Sized {
    /// The field of a record the runtime builds.
    fn fill() -> Self;
}

#[diagnostic::do_not_recommend]
impl<T: Default> Unmarked for T {
    fn fill() -> Self {
        T::default()
    }
}
