//! Resource owner password credentials grant (RFC 6749 §4.3).

use crate::error::OAuthError;
use crate::model::{OAuthClient, ResourceOwner};
use crate::provider::{ClientOf, Provider, ScopeOf};

use super::{Grant, TokenRequest};

/// The default `password` grant handler: `username` and `password` are required
/// (`invalid_request`), checked by the `authenticate_owner` hook (`invalid_grant` when it says
/// no), and the scope is the requested one within the client's (§4.3.2).
///
/// An override can wrap it, adding its own checks first:
///
/// ```ignore
/// #[grant(password)]
/// async fn password(&self, req: &TokenRequest<'_>, client: &App) -> Result<Grant<Scope>, OAuthError> {
///     self.rate_limit(req.param("username"))?;
///     oauth2_provider::grant::password(self, req, client).await
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
    let owner = provider
        .authenticate_owner(username, password)
        .await?
        .ok_or(OAuthError::invalid_grant(
            "the resource owner credentials are invalid",
        ))?;
    Ok(Grant::for_owner(owner.subject(), scope))
}
