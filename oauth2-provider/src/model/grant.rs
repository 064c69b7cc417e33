//! The records a provider stores: authorization codes, access tokens and refresh tokens.
//!
//! Each is a trait, so a user's own struct can be the record (`#[derive(AuthorizationCode)]`,
//! `#[derive(AccessToken)]`, `#[derive(RefreshToken)]`), and each has a ready-made struct here
//! ([`Code`], [`Access`], [`Refresh`]) for users who need nothing more. A record holds only the
//! hash of its token. The runtime creates records with `new` from the `New*` values below;
//! a user's record may carry extra fields, which `new` fills with their `Default`.

use std::time::SystemTime;

use super::id::{GrantId, TokenHash};
use crate::pkce::PkceChallenge;
use crate::scope::Scope;

/// What the runtime knows of an authorization code it issues (RFC 6749 §4.1.2).
#[derive(Clone, Debug)]
pub struct NewCode<S> {
    /// SHA-256 of the code.
    pub code_hash: TokenHash,
    /// The grant the code starts.
    pub grant_id: GrantId,
    /// The client the code was issued to.
    pub client_id: String,
    /// The resource owner who approved.
    pub subject: String,
    /// The `redirect_uri` of the authorization request, when it had one: the token request must
    /// repeat it (RFC 6749 §4.1.3).
    pub redirect_uri: Option<String>,
    /// The approved scope.
    pub scope: S,
    /// The PKCE challenge (RFC 7636 §4.3), if the request had one.
    pub challenge: Option<PkceChallenge>,
    /// When the code stops being redeemable.
    pub expires_at: SystemTime,
}

/// An authorization code record.
///
/// ```
/// use oauth2_provider::model::{AuthorizationCodeModel, Code};
/// # use oauth2_provider::scope::{Scope, ScopeDef};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scope for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
/// fn is_for<C: AuthorizationCodeModel>(code: &C, client_id: &str) -> bool {
///     code.client_id() == client_id
/// }
/// # let _ = is_for::<Code<S>>;
/// ```
pub trait AuthorizationCodeModel: Send + Sync + Sized + 'static {
    /// The provider's scope type.
    type Scope: Scope;
    /// The record for a code being issued.
    fn new(code: NewCode<Self::Scope>) -> Self;
    /// SHA-256 of the code.
    fn code_hash(&self) -> &TokenHash;
    /// The grant the code starts.
    fn grant_id(&self) -> GrantId;
    /// The client the code was issued to.
    fn client_id(&self) -> &str;
    /// The resource owner who approved.
    fn subject(&self) -> &str;
    /// The `redirect_uri` of the authorization request, if it had one.
    fn redirect_uri(&self) -> Option<&str>;
    /// The approved scope.
    fn scope(&self) -> Self::Scope;
    /// The PKCE challenge, if any.
    fn challenge(&self) -> Option<&PkceChallenge>;
    /// When the code expires.
    fn expires_at(&self) -> SystemTime;
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
}

macro_rules! token_model {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub trait $name: Send + Sync + Sized + 'static {
            /// The provider's scope type.
            type Scope: Scope;
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
            /// `true` once the token has expired at `now`.
            fn is_expired(&self, now: SystemTime) -> bool {
                self.expires_at().is_some_and(|at| at <= now)
            }
        }
    };
}

token_model! {
    /// An access token record (RFC 6749 §1.4).
    AccessTokenModel
}

token_model! {
    /// A refresh token record (RFC 6749 §1.5). It rotates on every use (RFC 9700 §4.14.2).
    RefreshTokenModel
}

/// The ready-made authorization code record.
#[derive(Clone, Debug)]
pub struct Code<S>(pub NewCode<S>);

impl<S: Scope> AuthorizationCodeModel for Code<S> {
    type Scope = S;
    fn new(code: NewCode<S>) -> Self {
        Code(code)
    }
    fn code_hash(&self) -> &TokenHash {
        &self.0.code_hash
    }
    fn grant_id(&self) -> GrantId {
        self.0.grant_id
    }
    fn client_id(&self) -> &str {
        &self.0.client_id
    }
    fn subject(&self) -> &str {
        &self.0.subject
    }
    fn redirect_uri(&self) -> Option<&str> {
        self.0.redirect_uri.as_deref()
    }
    fn scope(&self) -> S {
        self.0.scope
    }
    fn challenge(&self) -> Option<&PkceChallenge> {
        self.0.challenge.as_ref()
    }
    fn expires_at(&self) -> SystemTime {
        self.0.expires_at
    }
}

macro_rules! token_record {
    ($(#[$doc:meta])* $name:ident: $model:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name<S>(pub NewToken<S>);

        impl<S: Scope> $model for $name<S> {
            type Scope = S;
            fn new(token: NewToken<S>) -> Self {
                $name(token)
            }
            fn token_hash(&self) -> &TokenHash {
                &self.0.token_hash
            }
            fn grant_id(&self) -> GrantId {
                self.0.grant_id
            }
            fn client_id(&self) -> &str {
                &self.0.client_id
            }
            fn subject(&self) -> Option<&str> {
                self.0.subject.as_deref()
            }
            fn scope(&self) -> S {
                self.0.scope
            }
            fn expires_at(&self) -> Option<SystemTime> {
                self.0.expires_at
            }
        }
    };
}

token_record! {
    /// The ready-made access token record.
    Access: AccessTokenModel
}

token_record! {
    /// The ready-made refresh token record.
    Refresh: RefreshTokenModel
}
