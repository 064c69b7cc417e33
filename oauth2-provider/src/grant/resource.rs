//! Resource indicators (RFC 8707): the audience of a grant, from the `resource` parameters of
//! the request that asks for it and, at the token endpoint, of the request that narrows it.

use crate::error::{ErrorCode, OAuthError};
use crate::model::OAuthClient;
use crate::params::Params;
use crate::provider::{ClientOf, Provider, ScopeOf};
use crate::resource::{ResourceServer, ResourceServers, canonical};
use crate::scope::Scopes;

fn invalid_target(description: &'static str) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidTarget, description)
}

/// §2: each `resource` is an absolute URI without a fragment.
fn sent<'p>(params: &'p Params<'_>) -> Result<Vec<&'p str>, OAuthError> {
    let sent: Vec<&str> = params.all("resource").collect();
    if sent.iter().any(|uri| canonical(uri).is_none()) {
        return Err(invalid_target(
            "a resource is not an absolute URI without a fragment",
        ));
    }
    Ok(sent)
}

/// The audience a request asks for where nothing was granted before (an authorization
/// request, client credentials, any grant whose handler set none): every `resource` sent,
/// each a resource server of the provider that `client` may use, or the default resource when
/// none was sent; and `scope` within what they accept. Empty when the provider declares no
/// resource servers.
pub(crate) fn requested<P: Provider>(
    provider: &P,
    client: &ClientOf<P>,
    params: &Params<'_>,
    scope: ScopeOf<P>,
) -> Result<Vec<String>, OAuthError> {
    let sent = sent(params)?;
    let Some(servers) = provider.resources() else {
        return Ok(Vec::new());
    };
    let chosen = if sent.is_empty() {
        vec![
            servers
                .default_server()
                .ok_or(invalid_target("a resource parameter is required"))?,
        ]
    } else {
        chosen::<P>(servers, client, &sent)?
    };
    accepting(&chosen, scope)
}

/// The audience `targets` name where someone other than the client chose them (an ID-JAG's
/// `resource` claim): as [`requested`] checks `resource` parameters, except that a provider
/// declaring no resource servers knows none of them (`invalid_target`).
#[cfg(feature = "jwt")]
pub(crate) fn named<P: Provider>(
    provider: &P,
    client: &ClientOf<P>,
    targets: &[&str],
    scope: ScopeOf<P>,
) -> Result<Vec<String>, OAuthError> {
    let servers = provider
        .resources()
        .ok_or(invalid_target("the resource is unknown"))?;
    accepting(&chosen::<P>(servers, client, targets)?, scope)
}

/// The resource servers `targets` name, each once, each one `client` may use.
fn chosen<'s, P: Provider>(
    servers: &'s ResourceServers<ScopeOf<P>>,
    client: &ClientOf<P>,
    targets: &[&str],
) -> Result<Vec<&'s ResourceServer<ScopeOf<P>>>, OAuthError> {
    let mut chosen = Vec::with_capacity(targets.len());
    for uri in targets {
        let server = servers
            .find(uri)
            .ok_or(invalid_target("the resource is unknown"))?;
        if !client.allows_resource(server.uri()) {
            return Err(invalid_target("the client may not ask for this resource"));
        }
        if !chosen.contains(&server) {
            chosen.push(server);
        }
    }
    Ok(chosen)
}

/// The identifiers of `chosen`, if together they accept `scope`.
fn accepting<S: Scopes>(
    chosen: &[&ResourceServer<S>],
    scope: S,
) -> Result<Vec<String>, OAuthError> {
    let accepted = chosen
        .iter()
        .fold(S::empty(), |all, server| all.union(server.scope()));
    if !accepted.contains(scope) {
        return Err(OAuthError::invalid_scope(
            "the requested scope is not accepted by the requested resources",
        ));
    }
    Ok(chosen.iter().map(|s| s.uri().to_owned()).collect())
}

/// The audience of the access token a code exchange or a refresh issues (§2.2): the granted
/// audience, or the part of it the `resource` parameters name; naming anything else is
/// `invalid_target`, as it would widen the grant. A grant made without an audience may be
/// narrowed to any of the provider's resource servers.
pub(crate) fn narrowed<P: Provider>(
    provider: &P,
    client: &ClientOf<P>,
    granted: &[String],
    params: &Params<'_>,
    scope: ScopeOf<P>,
) -> Result<Vec<String>, OAuthError> {
    if granted.is_empty() {
        return match params.contains("resource") {
            true => requested(provider, client, params, scope),
            false => Ok(Vec::new()),
        };
    }
    let sent = sent(params)?;
    if sent.is_empty() {
        return Ok(granted.to_vec());
    }
    within(granted, &sent)
}

/// The part of `granted` that `targets` name, as `granted` names it; a target that is not
/// an absolute URI of it is `invalid_target`. What a token request (§2.2) and a token exchange
/// (RFC 8693 §2.1) narrow an audience with.
pub(crate) fn within(granted: &[String], targets: &[&str]) -> Result<Vec<String>, OAuthError> {
    let mut audience: Vec<String> = Vec::with_capacity(targets.len());
    for target in targets {
        let wanted = canonical(target).ok_or(invalid_target(
            "a resource is not an absolute URI without a fragment",
        ))?;
        let found = granted
            .iter()
            .find(|g| canonical(g).as_deref() == Some(wanted.as_str()))
            .ok_or(invalid_target("the resource was not part of the grant"))?;
        if !audience.contains(found) {
            audience.push(found.clone());
        }
    }
    Ok(audience)
}
