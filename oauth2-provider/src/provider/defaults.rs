//! The default grant handlers, public so that an override can wrap them: the `Provider`
//! methods call these unless `#[grant(password)]` or `#[grant(client_credentials)]` replaces
//! them.

use crate::error::{ErrorCode, OAuthError};
use crate::grant::{Grant, TokenRequest};
use crate::limit::Attempt;
use crate::model::{OAuthClient, ResourceOwner};

use super::{ClientOf, Provider, ScopeOf};

/// The default `password` grant handler (RFC 6749 §4.3.2): `username` and `password` are
/// required (`invalid_request`), the guess admitted by the `throttle` hook (429 beyond the
/// account's or the source's budget), checked by the `authenticate_owner` hook
/// (`invalid_grant` when it says no), and the scope is the requested one within the client's.
///
/// An override can wrap it, adding its own checks first:
///
/// ```ignore
/// #[grant(password)]
/// async fn password(&self, req: &TokenRequest<'_>, client: &App) -> Result<Grant<Scope>, OAuthError> {
///     self.check_ip_allow_list(req.remote_addr())?;
///     oauth2_provider::provider::defaults::password(self, req, client).await
/// }
/// ```
pub async fn password<P: Provider>(
    provider: &P,
    request: &TokenRequest<'_>,
    client: &ClientOf<P>,
) -> Result<Grant<ScopeOf<P>>, OAuthError> {
    let username = request.required("username")?;
    let password = request.required("password")?;
    let scope = request.scope_within(client.allowed_scope())?;
    // A password check is a guess: it takes one from the account's and the source's budgets.
    provider
        .throttle(&Attempt::owner_password(username, request.remote_addr()))
        .await?;
    let owner = provider
        .authenticate_owner(username, password)
        .await?
        .ok_or(OAuthError::invalid_grant(
            "the resource owner credentials are invalid",
        ))?;
    Ok(Grant::for_owner(owner.subject(), scope))
}

/// The default `client_credentials` grant handler (RFC 6749 §4.4): confidential clients only
/// (`unauthorized_client` otherwise), the requested scope within the client's, no refresh token
/// (§4.4.3).
pub async fn client_credentials<C: OAuthClient>(
    request: &TokenRequest<'_>,
    client: &C,
) -> Result<Grant<C::Scope>, OAuthError> {
    if !client.is_confidential() {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "the client credentials grant is for confidential clients only",
        ));
    }
    Ok(Grant::for_client(
        request.scope_within(client.allowed_scope())?,
    ))
}
