//! What the `token_issued` and `token_revoked` hooks are told. No token values: they stay out
//! of logs.

use crate::grant::GrantType;
use crate::model::GrantId;

/// What was issued, for the `token_issued` hook. No token values: they stay out of logs.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TokenEvent<'a, S> {
    /// The grant used.
    pub grant_type: GrantType,
    /// The client the tokens went to.
    pub client_id: &'a str,
    /// The resource owner, if any.
    pub subject: Option<&'a str>,
    /// The scope granted.
    pub scope: S,
    /// The grant family.
    pub grant_id: GrantId,
    /// Whether a refresh token was issued too.
    pub refresh_token: bool,
}

/// What was revoked, for the `token_revoked` hook.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RevokeEvent<'a> {
    /// The client on whose behalf the revocation happened.
    pub client_id: &'a str,
    /// Why.
    pub reason: RevokeReason,
    /// The grant family affected.
    pub grant_id: GrantId,
}

/// Why tokens were revoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevokeReason {
    /// A client asked (RFC 7009) for an access token.
    AccessToken,
    /// A client asked (RFC 7009) for a refresh token: its whole grant went.
    RefreshToken,
    /// A used authorization code was presented again (RFC 6749 §4.1.2).
    CodeReplay,
    /// A rotated refresh token was presented again (RFC 9700 §4.14.2).
    RefreshReplay,
    /// A refresh found the owner no longer active (the `owner_active` hook).
    OwnerInactive,
}
