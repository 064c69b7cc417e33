//! Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3).
//!
//! `client_secret_basic` (with the Appendix B form-decoding of id and secret),
//! `client_secret_post`, and `none` for public clients. Unknown client and wrong secret fail
//! the same way; an unknown client with a secret costs an argon2 check, as a wrong secret for an
//! argon2 client does (a `sha256$` client answers faster than either: its secret is 256 random
//! bits, so telling it exists gives nothing to guess). Argon2 checks run on the configured
//! [`HashPool`](crate::secret::HashPool); beyond its queue the answer is a fast 503.

use std::net::IpAddr;
use std::sync::Arc;

use http::HeaderMap;

use super::credentials::{Presented, credentials};
use crate::error::OAuthError;
use crate::limit::Attempt;
use crate::model::{AuthMethod, OAuthClient};
use crate::params::Params;
use crate::provider::{ClientOf, Provider};
use crate::secret::is_slow;
use crate::trace;

/// The client registered as `client_id`, through the `lookup_client` hook, or, with client ID
/// metadata documents on, the client an `https` URL id publishes. An id with a control
/// character (RFC 6749 Appendix A.1 allows none) is unknown without asking the store,
/// whatever store or hook the provider has.
pub(crate) async fn lookup<P: Provider>(
    provider: &P,
    client_id: &str,
) -> Result<Option<Arc<ClientOf<P>>>, OAuthError> {
    if client_id.chars().any(char::is_control) {
        return Ok(None);
    }
    #[cfg(feature = "cimd")]
    if let Some(documents) = &provider.config().client_id_documents
        && crate::cimd::is_document_url(client_id)
    {
        return document_client::<P>(documents, client_id).await.map(Some);
    }
    Ok(provider.lookup_client(client_id).await?)
}

/// The client a client ID metadata document describes: public, or `private_key_jwt` with the
/// document's keys. A refusal is `invalid_client`: the document's redirect URIs are unknown,
/// so the authorization endpoint shows it.
#[cfg(feature = "cimd")]
async fn document_client<P: Provider>(
    documents: &crate::cimd::ClientIdDocuments,
    client_id: &str,
) -> Result<Arc<ClientOf<P>>, OAuthError> {
    use crate::error::ErrorCode;
    let refused = |description| OAuthError::new(ErrorCode::InvalidClient, description);
    let document = documents.resolve(client_id).await.map_err(|error| {
        trace::client_document_refused(client_id, &error);
        refused(error.description())
    })?;
    // Without feature `jwt` nothing could verify its assertions.
    #[cfg(not(feature = "jwt"))]
    if document.token_endpoint_auth_method == crate::model::AuthMethod::PrivateKeyJwt {
        return Err(refused(
            "private_key_jwt is not supported for client ID metadata documents",
        ));
    }
    let record = document.to_record::<crate::provider::ScopeOf<P>>();
    let client = <ClientOf<P> as OAuthClient>::from_record(record).ok_or(refused(
        "this server cannot use client ID metadata documents",
    ))?;
    Ok(Arc::new(client))
}

/// Authenticates the client of a token, revocation, introspection, PAR or device
/// authorization request.
pub(crate) async fn authenticate<P: Provider>(
    provider: &P,
    headers: &HeaderMap,
    params: &Params<'_>,
    source: Option<IpAddr>,
) -> Result<(Arc<ClientOf<P>>, AuthMethod), OAuthError> {
    let creds = credentials(headers, params)?;
    let client = lookup(provider, &creds.client_id).await?;
    let hashing = &provider.config().hashing;
    // A slow check is a guess that costs: it first takes one from the budgets.
    let attempt = Attempt::client_secret(&creds.client_id, source);
    let Some(client) = client else {
        // What a wrong secret for an argon2 client costs; without a secret every check is
        // instant anyway.
        if let Presented::Secret(_, presented) = &creds.presented {
            provider.throttle(&attempt).await?;
            hashing.verify_dummy(presented).await?;
        }
        trace::client_authentication_failed(&creds.client_id, false);
        return Err(OAuthError::invalid_client());
    };
    // A client registered for a JWT method authenticates no other way.
    let pinned = client.auth_method().is_some_and(AuthMethod::is_assertion);
    let method = match (&creds.presented, client.secret_hash()) {
        #[cfg(feature = "jwt")]
        (Presented::Assertion(assertion), _) => {
            assertion_method(provider, client.as_ref(), assertion).await?
        }
        (Presented::Secret(method, presented), Some(stored)) if !pinned => {
            if is_slow(stored) {
                provider.throttle(&attempt).await?;
            }
            hashing.verify(stored, presented).await?.then_some(*method)
        }
        // A public client that sent a secret it does not have: refuse rather than ignore, so a
        // client misconfigured as public is noticed. `Basic base64(id ":")`, with an empty
        // secret, is how some clients send a public client's id, and carries no secret.
        (Presented::Secret(_, presented), None) if !client.is_confidential() => {
            presented.is_empty().then_some(AuthMethod::None)
        }
        (Presented::Nothing, None) if !client.is_confidential() => Some(AuthMethod::None),
        // A confidential client that sent no secret, or a pinned one that sent one.
        _ => None,
    };
    let Some(method) = method else {
        trace::client_authentication_failed(&creds.client_id, true);
        return Err(OAuthError::invalid_client());
    };
    trace::client(client.client_id());
    Ok((client, method))
}

/// The JWT method `assertion` authenticates `client` with, `None` when it does not.
#[cfg(feature = "jwt")]
async fn assertion_method<P: Provider>(
    provider: &P,
    client: &ClientOf<P>,
    assertion: &str,
) -> Result<Option<AuthMethod>, OAuthError> {
    use crate::client_assertion::{AssertionError, Audiences, verify};
    let config = provider.config();
    let issuer = config.issuer.as_deref();
    let endpoint = |path: &str| crate::dpop::token::endpoint_url(issuer, path).unwrap_or_default();
    let audiences = Audiences {
        issuer,
        endpoints: [endpoint(&config.paths.token), endpoint(&config.paths.par)],
    };
    let settings = &config.client_assertions;
    match verify(settings, provider.tokens(), client, assertion, &audiences).await {
        Ok(method) => Ok(Some(method)),
        Err(AssertionError::Store(error)) => Err(error.into()),
        Err(error) => {
            trace::client_assertion_refused(client.client_id(), &error);
            Ok(None)
        }
    }
}
