//! The authorization request once its client and redirect URI are verified (RFC 6749 §4.1.1,
//! §4.2.1; RFC 7636 §4.3): the protocol checks, the `consent` hook, and what it approved,
//! issued as a code or an implicit token.

use bytes::Bytes;
use http::Response;
use http::request::Parts;

use crate::error::{ErrorCode, OAuthError};
use crate::model::{Confirmation, Extras, OAuthClient};
use crate::oidc;
use crate::params::Params;
use crate::pkce::PkceChallenge;
use crate::provider::{AuthorizationRequest, ClientOf, Decision, Provider, ResponseType};
use crate::scope::Scopes;

use super::authorization_code::{CodeBinding, issue_code};
use super::{GrantType, TokenResponse, implicit, is_on, resolve_scope, resource};

/// An authorization request whose client exists and whose redirect URI is registered for it:
/// from here on, every error goes back to the client.
pub(crate) struct Verified<'a, C> {
    pub client: &'a C,
    pub response_type: ResponseType,
    /// Where the response goes.
    pub redirect_uri: &'a str,
    /// The `redirect_uri` parameter as sent, if it was.
    pub requested_uri: Option<&'a str>,
    pub params: &'a Params<'a>,
    pub http: &'a Parts,
    /// The pushed request's `request_uri` (RFC 9126), consumed when the request issues.
    pub pushed: Option<&'a str>,
}

/// What the authorization endpoint sends back.
pub(crate) enum Outcome {
    /// An approved code request: the code (§4.1.2).
    Code(String),
    /// An approved implicit request: the token (§4.2.2).
    Token(TokenResponse),
    /// The `consent` hook's own page (sign-in, consent).
    Respond(Response<Bytes>),
}

/// Checks the request, asks the `consent` hook, and issues what it approved.
pub(crate) async fn authorize<P: Provider>(
    provider: &P,
    request: Verified<'_, ClientOf<P>>,
) -> Result<Outcome, OAuthError> {
    let client = request.client;
    let params = request.params;
    let grant_type = match request.response_type {
        ResponseType::Code => GrantType::AuthorizationCode,
        ResponseType::Token => GrantType::Implicit,
    };
    if !is_on(provider, grant_type) {
        return Err(OAuthError::new(
            ErrorCode::UnsupportedResponseType,
            "the response type is not supported",
        ));
    }
    if !client.allows_grant_type(grant_type.as_str()) {
        return Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            "the client may not use this response type",
        ));
    }
    let scope = resolve_scope(params.get("scope"), client.allowed_scope())?;
    let challenge = match request.response_type {
        ResponseType::Code => PkceChallenge::from_request(
            params.get("code_challenge"),
            params.get("code_challenge_method"),
            client.is_confidential(),
            provider.config(),
        )?,
        ResponseType::Token => None,
    };

    let dpop_jkt = match request.response_type {
        ResponseType::Code => dpop_jkt(params)?,
        ResponseType::Token => None,
    };
    let audience = resource::requested(provider, client, params, scope)?;
    let openid = oidc::authentication_request(provider.config(), params, scope)?;
    let consent = AuthorizationRequest {
        client,
        response_type: request.response_type,
        redirect_uri: request.redirect_uri,
        scope,
        resources: &audience,
        state: params.get("state"),
        params,
        http: request.http,
        openid: openid.as_ref(),
    };
    let (subject, approved, auth) = match provider.consent(&consent).await? {
        Decision::Approve {
            subject,
            scope: approved,
            auth,
        } => (subject, approved.intersection(scope), auth),
        Decision::Deny => {
            return Err(OAuthError::new(
                ErrorCode::AccessDenied,
                "the resource owner denied the request",
            ));
        }
        // Core §3.1.2.1: `prompt=none` shows no page, whatever the hook answered.
        Decision::Respond(_) if openid.as_ref().is_some_and(|o| o.prompt().none()) => {
            return Err(OAuthError::new(
                ErrorCode::InteractionRequired,
                "the request needs the end-user, and prompt=none forbids asking",
            ));
        }
        Decision::Respond(response) => return Ok(Outcome::Respond(response)),
    };
    let mut extras = Extras::default();
    if !audience.is_empty() {
        extras = extras.with_audience(audience);
    }
    if let Some(openid) = &openid {
        openid.check(&subject, auth.as_ref())?;
        if let Some(nonce) = openid.nonce() {
            extras = extras.with_nonce(nonce);
        }
    }
    if let Some(auth) = auth {
        extras = extras.with_auth(auth);
    }
    if let Some(jkt) = dpop_jkt {
        extras = extras.with_confirmation(Confirmation::JwkThumbprint(jkt.to_owned()));
    }

    // One code per pushed request, however many completions race.
    if let Some(request_uri) = request.pushed {
        super::pushed::consume(provider, request_uri).await?;
    }
    match request.response_type {
        ResponseType::Code => {
            let binding = CodeBinding {
                subject,
                scope: approved,
                redirect_uri: request.requested_uri,
                challenge,
                extras,
            };
            Ok(Outcome::Code(issue_code(provider, client, binding).await?))
        }
        ResponseType::Token => {
            let extras = extras.inherited();
            let token = implicit::issue_token(provider, client, subject, approved, extras).await?;
            Ok(Outcome::Token(token))
        }
    }
}

/// RFC 9449 §10: `dpop_jkt` binds the code to the key of that thumbprint (feature `jwt`; a
/// SHA-256 thumbprint is 43 base64url characters). Without `jwt` no proof can be checked, so
/// the parameter is ignored, like any unknown one.
fn dpop_jkt<'a>(params: &'a Params<'a>) -> Result<Option<&'a str>, OAuthError> {
    if !cfg!(feature = "jwt") {
        return Ok(None);
    }
    match params.get("dpop_jkt") {
        Some(jkt)
            if jkt.len() == 43
                && jkt
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Ok(Some(jkt))
        }
        Some(_) => Err(OAuthError::invalid_request(
            "the dpop_jkt parameter is malformed",
        )),
        None => Ok(None),
    }
}
