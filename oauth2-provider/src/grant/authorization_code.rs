//! The authorization code grant: issuing a code at the authorization endpoint (RFC 6749
//! §4.1.2) and exchanging it at the token endpoint (§4.1.3, RFC 7636 §4.5–4.6).

use std::time::SystemTime;

use crate::error::{ErrorCode, OAuthError};
use crate::model::{AuthorizationCode, Confirmation, Extras, NewCode, OAuthClient, TokenHash};
use crate::pkce::PkceChallenge;
use crate::provider::{ClientOf, Provider, RevokeReason, ScopeOf};
use crate::redirect_uri;
use crate::secret::{Draw, ct_eq, encode_in_family};
use crate::store::TokenStore;

use super::issue::{Consumable, Issuance, Kept};
use super::{Grant, GrantType, TokenRequest, TokenResponse, resource};

/// What an approved authorization request binds its code to.
pub(crate) struct CodeBinding<'a, S> {
    pub subject: String,
    pub scope: S,
    /// The `redirect_uri` the request carried, which the token request must repeat.
    pub redirect_uri: Option<&'a str>,
    pub challenge: Option<PkceChallenge>,
    /// What the code carries to its tokens.
    pub extras: Extras,
}

/// Mints and stores a code for an approved request; returns the code to send.
pub(crate) async fn issue_code<P: Provider>(
    provider: &P,
    client: &ClientOf<P>,
    binding: CodeBinding<'_, ScopeOf<P>>,
) -> Result<String, OAuthError> {
    let Draw {
        tokens: [code, _],
        grant_id,
    } = Draw::new();
    let code = encode_in_family(code, grant_id);
    let record = <<P::Tokens as TokenStore>::Code as AuthorizationCode>::new(NewCode {
        code_hash: TokenHash::of(&code),
        grant_id,
        client_id: client.client_id().to_owned(),
        subject: binding.subject,
        redirect_uri: binding.redirect_uri.map(str::to_owned),
        scope: binding.scope,
        challenge: binding.challenge,
        expires_at: SystemTime::now() + provider.config().code_ttl,
        extras: binding.extras,
    });
    provider.tokens().insert_code(record).await?;
    Ok(code)
}

/// Exchanges a code: bound to the client, the redirect URI and the PKCE challenge; single-use,
/// and a replay revokes everything the code issued.
pub(crate) async fn exchange<P: Provider>(
    provider: &P,
    request: &TokenRequest<'_>,
    client: &ClientOf<P>,
) -> Result<TokenResponse, OAuthError> {
    let code = request.required("code")?;
    let store = provider.tokens();
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
    let bound =
        record
            .redirect_uri()
            .or(redirect_uri::resolve(client.redirect_uris(), None, false));
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

    bound_key(
        record.extras(),
        request.dpop_jkt(),
        "the authorization code is bound to another DPoP key",
    )?;

    let granted = record.extras().audience();
    let audience = resource::narrowed(provider, client, granted, request.params, record.scope())?;
    let mut extras = record.extras().inherited();
    if audience != granted {
        extras = extras.with_audience(audience);
    }
    let mut grant = Grant::for_owner(record.subject(), record.scope()).with_extras(extras);
    let issuance =
        Issuance::new(provider, client, GrantType::AuthorizationCode).bound_to(request.dpop_jkt());
    issuance.approve(&mut grant).await?;
    let grant_id = record.grant_id();
    let kept = Kept {
        scope: grant.scope,
        audience: granted,
    };
    let mut minted = issuance.mint(grant_id, &grant, kept, Draw::new().tokens)?;
    issuance.add_id_token(&mut minted, &grant, record.extras().nonce())?;
    let outcome = store
        .exchange_code(&code_hash, minted.access, minted.refresh)
        .await?;
    let code = Consumable {
        replay: RevokeReason::CodeReplay,
        used: "the authorization code was already used",
        missing: "the authorization code is invalid",
    };
    issuance
        .settle(grant_id, &grant, minted.response, outcome, code)
        .await
}

/// RFC 9449 §5, §10: a code or refresh token bound to a DPoP key (`dpop_jkt`, or the proof
/// it was issued with) is redeemed only with a proof of that key: without one,
/// `invalid_dpop_proof`; with another key's, `invalid_grant`.
pub(crate) fn bound_key(
    extras: &Extras,
    jkt: Option<&str>,
    wrong_key: &'static str,
) -> Result<(), OAuthError> {
    let Some(Confirmation::JwkThumbprint(bound)) = extras.confirmation() else {
        return Ok(());
    };
    match jkt {
        Some(jkt) if ct_eq(bound, jkt) => Ok(()),
        Some(_) => Err(OAuthError::invalid_grant(wrong_key)),
        None => Err(OAuthError::new(
            ErrorCode::InvalidDpopProof,
            "a DPoP proof is required",
        )),
    }
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
