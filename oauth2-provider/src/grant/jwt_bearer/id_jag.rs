//! What the ID-JAG profile adds (draft-ietf-oauth-identity-assertion-authz-grant §4.3, §5;
//! MCP Enterprise-Managed Authorization): the assertion was issued for the client presenting
//! it, its `scope` bounds the scope granted, and its `resource` is the token's audience.

use super::claims::Claims;
use super::refused;
use crate::error::{ErrorCode, OAuthError};
use crate::grant::resource;
use crate::model::OAuthClient;
use crate::provider::{ClientOf, Provider, ScopeOf};
use crate::scope::Scopes;

/// §5.1: the `client_id` claim must be the authenticated client, so an ID-JAG leaked from one
/// client cannot be spent by another.
pub(super) fn check_client<C: OAuthClient>(claims: &Claims, client: &C) -> Result<(), OAuthError> {
    match claims.client_id.as_deref() {
        Some(id) if id == client.client_id() => Ok(()),
        _ => Err(refused("the assertion was issued for another client")),
    }
}

/// The scope of an ID-JAG grant: what the client asked for, the assertion's `scope` and the
/// client's allowed scope, intersected. Unknown names in the assertion are dropped (another
/// server's scopes are not ours to grant); an unknown name asked for is `invalid_scope`, as
/// is an intersection that leaves nothing of a non-empty ask or assertion. Without a `scope`
/// claim the identity provider set no bound: the request's scope, or the default, within the
/// client's.
pub(super) fn scope<S: Scopes>(
    claim: Option<&str>,
    asked: Option<&str>,
    allowed: S,
) -> Result<S, OAuthError> {
    let ceiling = match claim {
        Some(names) => names
            .split(' ')
            .filter_map(S::from_name)
            .fold(S::empty(), S::union)
            .intersection(allowed),
        None => allowed,
    };
    let granted = match asked {
        Some(asked) => S::parse(asked)
            .map_err(|_| OAuthError::invalid_scope("the requested scope is unknown or malformed"))?
            .intersection(ceiling),
        None if claim.is_some() => ceiling,
        None => S::default_scope().intersection(allowed),
    };
    let bounded = asked.is_some() || claim.is_some_and(|names| !names.trim().is_empty());
    if granted.is_empty() && bounded {
        return Err(OAuthError::invalid_scope(
            "the assertion grants none of the requested scope",
        ));
    }
    Ok(granted)
}

/// The audience of an ID-JAG grant: the assertion's `resource`, each one of the provider's
/// resource servers the client may use and which accept `scope` (RFC 8707 §2, else
/// `invalid_target` or `invalid_scope`), narrowed to the request's `resource` parameters if
/// it sent any. A provider that declares no resource servers knows no resource, so an
/// assertion naming one is `invalid_target` rather than a token without an audience, which
/// would be good at more servers than the identity provider approved. Empty when the
/// assertion names none: the request's `resource` parameters then decide, as for any grant.
pub(super) fn audience<P: Provider>(
    provider: &P,
    client: &ClientOf<P>,
    claims: &Claims,
    sent: &[&str],
    scope: ScopeOf<P>,
) -> Result<Vec<String>, OAuthError> {
    let Some(named) = &claims.resource else {
        return Ok(Vec::new());
    };
    let named = named.values();
    if named.is_empty() {
        return Err(OAuthError::new(
            ErrorCode::InvalidTarget,
            "the assertion names no resource",
        ));
    }
    let audience = resource::named(provider, client, &named, scope)?;
    if sent.is_empty() {
        return Ok(audience);
    }
    resource::within(&audience, sent)
}
