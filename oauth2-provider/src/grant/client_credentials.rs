//! Client credentials grant (RFC 6749 §4.4).

use crate::error::{ErrorCode, OAuthError};
use crate::model::OAuthClient;
use crate::provider::{ClientOf, Provider, ScopeOf};

use super::{Grant, TokenRequest};

/// The default `client_credentials` grant handler: confidential clients only
/// (`unauthorized_client` otherwise, §4.4), the requested scope within the client's, no
/// refresh token (§4.4.3).
pub async fn client_credentials<P: Provider>(
    provider: &P,
    request: &TokenRequest<'_>,
    client: &ClientOf<P>,
) -> Result<Grant<ScopeOf<P>>, OAuthError> {
    let _ = provider;
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
