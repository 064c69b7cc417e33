//! Access and refresh token records (RFC 6749 §1.4, §1.5): one trait over a kind marker, so the
//! two share every accessor, and a user's own struct can be either record, or both
//! (`#[derive(AccessToken)]`, `#[derive(RefreshToken)]`); and the ready-made [`TokenRecord`].

use std::fmt;
use std::marker::PhantomData;
use std::time::SystemTime;

use super::extras::Extras;
use super::id::{GrantId, TokenHash};
use crate::scope::Scopes;

/// Which token a record is: [`AccessKind`] or [`RefreshKind`].
pub trait TokenKind: Send + Sync + 'static + sealed::Sealed {
    /// `"access_token"` or `"refresh_token"`, as RFC 7009 §2.1 and RFC 7662 §2.1 name them.
    const TYPE_HINT: &'static str;
}

/// The access token kind (RFC 6749 §1.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessKind {}

/// The refresh token kind (RFC 6749 §1.5). A refresh token rotates on every use
/// (RFC 9700 §4.14.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshKind {}

impl TokenKind for AccessKind {
    const TYPE_HINT: &'static str = "access_token";
}

impl TokenKind for RefreshKind {
    const TYPE_HINT: &'static str = "refresh_token";
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::AccessKind {}
    impl Sealed for super::RefreshKind {}
}

/// What the runtime knows of a token it issues.
#[derive(Clone, Debug)]
pub struct NewToken<S> {
    /// SHA-256 of the token.
    pub token_hash: TokenHash,
    /// The grant the token belongs to.
    pub grant_id: GrantId,
    /// The client the token was issued to.
    pub client_id: String,
    /// The resource owner, `None` for a token a client got for itself (`client_credentials`).
    pub subject: Option<String>,
    /// The granted scope.
    pub scope: S,
    /// When the token expires; `None` never (refresh tokens only, when configured so).
    pub expires_at: Option<SystemTime>,
    /// Audience, confirmation key, authentication context.
    pub extras: Extras,
}

/// A token record of kind `K`. Derive it on your own row type with
/// [`derive(AccessToken)`](derive@crate::AccessToken) or
/// [`derive(RefreshToken)`](derive@crate::RefreshToken), one attribute per role:
///
/// ```
/// use std::time::SystemTime;
/// use oauth2_provider::model::{Extras, GrantId, TokenHash};
/// use oauth2_provider::{AccessToken, scopes};
///
/// #[scopes(read = 1 << 0)]
/// pub struct Scope;
///
/// #[derive(AccessToken)]
/// pub struct TokenRow {
///     #[oauth(token_hash)] hash: TokenHash,
///     #[oauth(grant_id)] grant: GrantId,
///     #[oauth(client_id)] client: String,
///     #[oauth(subject)] user: Option<String>,
///     #[oauth(scope)] scope: Scope,
///     #[oauth(expires_at)] expires: Option<SystemTime>,
///     #[oauth(extras)] extras: Extras,
/// }
/// ```
///
/// or implement it by hand:
///
/// ```
/// use std::time::SystemTime;
/// use oauth2_provider::model::{AccessKind, Extras, GrantId, NewToken, TokenHash, TokenModel};
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
///
/// struct Issued { token: NewToken<S>, issued_at: SystemTime }
///
/// impl TokenModel<AccessKind> for Issued {
///     type Scope = S;
///     fn new(token: NewToken<S>) -> Self { Issued { token, issued_at: SystemTime::now() } }
///     fn token_hash(&self) -> &TokenHash { &self.token.token_hash }
///     fn grant_id(&self) -> GrantId { self.token.grant_id }
///     fn client_id(&self) -> &str { &self.token.client_id }
///     fn subject(&self) -> Option<&str> { self.token.subject.as_deref() }
///     fn scope(&self) -> S { self.token.scope }
///     fn expires_at(&self) -> Option<SystemTime> { self.token.expires_at }
///     fn extras(&self) -> &Extras { &self.token.extras }
/// }
///
/// fn assert_access_token<T: oauth2_provider::model::AccessToken>() {}
/// assert_access_token::<Issued>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a token record of this kind",
    label = "add `#[derive(AccessToken)]` or `#[derive(RefreshToken)]`, or implement `TokenModel` by hand"
)]
pub trait TokenModel<K: TokenKind>: Send + Sync + Sized + 'static {
    /// The provider's scope type.
    type Scope: Scopes;
    /// The record for a token being issued.
    fn new(token: NewToken<Self::Scope>) -> Self;
    /// SHA-256 of the token.
    fn token_hash(&self) -> &TokenHash;
    /// The grant the token belongs to.
    fn grant_id(&self) -> GrantId;
    /// The client the token was issued to.
    fn client_id(&self) -> &str;
    /// The resource owner, `None` for a client's own token.
    fn subject(&self) -> Option<&str>;
    /// The granted scope.
    fn scope(&self) -> Self::Scope;
    /// When the token expires, if ever.
    fn expires_at(&self) -> Option<SystemTime>;
    /// Its [`Extras`]: a record must keep them, or a bound token would come back unbound.
    fn extras(&self) -> &Extras;
    /// `true` once the token has expired at `now`.
    fn is_expired(&self, now: SystemTime) -> bool {
        self.expires_at().is_some_and(|at| at <= now)
    }
}

/// An access token record: a [`TokenModel`] of [`AccessKind`]. Implemented for every such
/// model; `#[derive(AccessToken)]` writes the model.
pub trait AccessToken: TokenModel<AccessKind> {}
impl<T: TokenModel<AccessKind>> AccessToken for T {}

/// A refresh token record: a [`TokenModel`] of [`RefreshKind`]. Implemented for every such
/// model; `#[derive(RefreshToken)]` writes the model.
pub trait RefreshToken: TokenModel<RefreshKind> {}
impl<T: TokenModel<RefreshKind>> RefreshToken for T {}

/// The ready-made token record of kind `K`: what the runtime knows of it, kept as is.
///
/// ```
/// use oauth2_provider::model::{AccessKind, RefreshKind, TokenRecord};
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
/// fn assert_tokens<A: oauth2_provider::AccessToken, R: oauth2_provider::RefreshToken>() {}
/// assert_tokens::<TokenRecord<S, AccessKind>, TokenRecord<S, RefreshKind>>();
/// ```
pub struct TokenRecord<S, K> {
    /// What the runtime knows of the token.
    pub token: NewToken<S>,
    kind: PhantomData<fn() -> K>,
}

impl<S, K> TokenRecord<S, K> {
    /// The record of `token`.
    pub fn of(token: NewToken<S>) -> Self {
        TokenRecord {
            token,
            kind: PhantomData,
        }
    }
}

impl<S: Clone, K> Clone for TokenRecord<S, K> {
    fn clone(&self) -> Self {
        TokenRecord::of(self.token.clone())
    }
}

impl<S: fmt::Debug, K> fmt::Debug for TokenRecord<S, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TokenRecord").field(&self.token).finish()
    }
}

impl<S: Scopes, K: TokenKind> TokenModel<K> for TokenRecord<S, K> {
    type Scope = S;
    fn new(token: NewToken<S>) -> Self {
        TokenRecord::of(token)
    }
    fn token_hash(&self) -> &TokenHash {
        &self.token.token_hash
    }
    fn grant_id(&self) -> GrantId {
        self.token.grant_id
    }
    fn client_id(&self) -> &str {
        &self.token.client_id
    }
    fn subject(&self) -> Option<&str> {
        self.token.subject.as_deref()
    }
    fn scope(&self) -> S {
        self.token.scope
    }
    fn expires_at(&self) -> Option<SystemTime> {
        self.token.expires_at
    }
    fn extras(&self) -> &Extras {
        &self.token.extras
    }
}
