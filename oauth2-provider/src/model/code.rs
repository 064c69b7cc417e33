//! The authorization code record (RFC 6749 §4.1.2): a trait, so a user's own struct can be the
//! record (`#[derive(AuthorizationCode)]`), and the ready-made [`CodeRecord`].

use std::time::SystemTime;

use super::extras::Extras;
use super::id::{GrantId, TokenHash};
use crate::pkce::PkceChallenge;
use crate::scope::Scopes;

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
    /// Audience, confirmation key, authentication context, `nonce`: what the tokens it is
    /// exchanged for inherit (all but the nonce).
    pub extras: Extras,
}

/// An authorization code record.
///
/// Derived on a struct of the application's own, each field marked with its role:
///
/// ```
/// use std::time::SystemTime;
/// use oauth2_provider::AuthorizationCode;
/// use oauth2_provider::model::{Extras, GrantId, TokenHash};
/// use oauth2_provider::pkce::PkceChallenge;
/// # #[oauth2_provider::scopes(read = 1 << 0)] pub struct Scope;
///
/// #[derive(AuthorizationCode)]
/// struct StoredCode {
///     #[oauth(code_hash)] hash: TokenHash,
///     #[oauth(grant_id)] grant: GrantId,
///     #[oauth(client_id)] client: String,
///     #[oauth(subject)] user: String,
///     #[oauth(redirect_uri)] redirect: Option<String>,
///     #[oauth(scope)] scope: Scope,
///     #[oauth(challenge)] challenge: Option<PkceChallenge>,
///     #[oauth(expires_at)] expires: SystemTime,
///     #[oauth(extras)] extras: Extras,
/// }
/// ```
///
/// or by hand (here over the ready-made record):
///
/// ```
/// use oauth2_provider::model::{AuthorizationCode, CodeRecord};
/// # use oauth2_provider::scope::{ScopeDef, Scopes};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
/// # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
/// #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
/// fn is_for<C: AuthorizationCode>(code: &C, client_id: &str) -> bool {
///     code.client_id() == client_id
/// }
/// # let _ = is_for::<CodeRecord<S>>;
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an authorization code record",
    label = "add `#[derive(AuthorizationCode)]` or implement `AuthorizationCode` by hand"
)]
pub trait AuthorizationCode: Send + Sync + Sized + 'static {
    /// The provider's scope type.
    type Scope: Scopes;
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
    /// Its [`Extras`]: a record must keep them, or a bound code would come back unbound.
    fn extras(&self) -> &Extras;
}

/// The ready-made authorization code record: what the runtime knows of it, kept as is.
#[derive(Clone, Debug)]
pub struct CodeRecord<S>(pub NewCode<S>);

impl<S: Scopes> AuthorizationCode for CodeRecord<S> {
    type Scope = S;
    fn new(code: NewCode<S>) -> Self {
        CodeRecord(code)
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
    fn extras(&self) -> &Extras {
        &self.0.extras
    }
}
