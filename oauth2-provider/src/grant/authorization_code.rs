//! Authorization code exchange (RFC 6749 §4.1.3, RFC 7636 §4.5–4.6).

use std::time::SystemTime;

use crate::config::GrantType;
use crate::error::OAuthError;
use crate::model::{AuthorizationCodeModel, OAuthClient};
use crate::provider::{ClientOf, Provider, RevokeReason};
use crate::redirect_uri;
use crate::secret::{Draw, TokenHash, ct_eq};
use crate::store::Store;

use super::{Grant, TokenRequest, TokenResponse, issue};

/// Exchanges a code: bound to the client, the redirect URI and the PKCE challenge; single-use,
/// and a replay revokes everything the code issued.
pub(crate) async fn authorization_code<P: Provider>(
    provider: &P,
    request: &TokenRequest<'_>,
    client: &ClientOf<P>,
) -> Result<TokenResponse, OAuthError> {
    let code = request.required("code")?;
    let store = provider.store();
    let code_hash = TokenHash::of(code);
    let record = store
        .find_code(&code_hash)
        .await?
        .ok_or(OAuthError::invalid_grant(
            "the authorization code is invalid",
        ))?;

    if record.client_id() != client.client_id() {
        return Err(OAuthError::invalid_grant(
            "the authorization code was issued to another client",
        ));
    }
    if record.expires_at() <= SystemTime::now() {
        return Err(OAuthError::invalid_grant(
            "the authorization code has expired",
        ));
    }
    // Without a `redirect_uri` in the authorization request, the code went to the client's only
    // registered URI; repeating exactly that one is allowed.
    let bound = record
        .redirect_uri()
        .or(redirect_uri::resolve(client.redirect_uris(), None));
    check_redirect_uri(
        bound,
        record.redirect_uri().is_some(),
        request.param("redirect_uri"),
    )?;
    match (record.challenge(), request.param("code_verifier")) {
        (Some(challenge), Some(verifier)) if challenge.verify(verifier) => {}
        (Some(_), Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "the code verifier does not match",
            ));
        }
        (Some(_), None) => return Err(OAuthError::invalid_grant("a code verifier is required")),
        // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is a downgrade attempt.
        (None, Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "the authorization request had no code challenge",
            ));
        }
        (None, None) => {}
    }

    let mut grant = Grant::for_owner(record.subject(), record.scope());
    provider
        .before_issue(GrantType::AuthorizationCode, client, &mut grant)
        .await?;
    let grant_id = record.grant_id();
    let minted = issue::new_token_pair(
        provider,
        client,
        grant_id,
        &grant,
        grant.scope,
        Draw::new().tokens,
    );
    let outcome = store
        .exchange_code(&code_hash, minted.access, minted.refresh)
        .await?;
    let code = issue::Consumable {
        replay: RevokeReason::CodeReplay,
        used: "the authorization code was already used",
        missing: "the authorization code is invalid",
    };
    let grant_type = GrantType::AuthorizationCode;
    issue::settle(
        provider,
        client,
        grant_type,
        grant_id,
        &grant,
        minted.response,
        outcome,
        code,
    )
    .await
}

/// §4.1.3: the `redirect_uri` must be repeated, identically, when the authorization request
/// carried one (`required`); when sent anyway, it must be the one the code was issued for.
fn check_redirect_uri(
    bound: Option<&str>,
    required: bool,
    sent: Option<&str>,
) -> Result<(), OAuthError> {
    match (bound, sent) {
        (Some(bound), Some(sent)) if ct_eq(bound, sent) => Ok(()),
        (_, None) if required => Err(OAuthError::invalid_request(
            "the redirect_uri parameter is required",
        )),
        (_, None) => Ok(()),
        (_, Some(_)) => Err(OAuthError::invalid_grant(
            "the redirect_uri does not match the authorization request",
        )),
    }
}
