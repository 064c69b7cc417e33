//! The implicit grant's token (RFC 6749 §4.2.2), issued at the authorization endpoint: no
//! refresh token, ever (§4.2.2).

use crate::error::OAuthError;
use crate::model::Extras;
use crate::provider::{ClientOf, Provider, ScopeOf};

use super::issue::Issuance;
use super::{Grant, GrantType, TokenResponse};

/// Issues the access token of an approved implicit request.
pub(crate) async fn issue_token<P: Provider>(
    provider: &P,
    client: &ClientOf<P>,
    subject: String,
    scope: ScopeOf<P>,
    extras: Extras,
) -> Result<TokenResponse, OAuthError> {
    let grant = Grant::for_owner(subject, scope)
        .without_refresh_token()
        .with_extras(extras);
    Issuance::new(provider, client, GrantType::Implicit)
        .issue(grant)
        .await
}
