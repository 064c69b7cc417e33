//! Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3).
//!
//! `client_secret_basic` (with the Appendix B form-decoding of id and secret),
//! `client_secret_post`, and `none` for public clients. Unknown client and wrong secret fail
//! the same way; an unknown client with a secret costs an argon2 check, as a wrong secret for an
//! argon2 client does (a `sha256$` client answers faster than either: its secret is 256 random
//! bits, so telling it exists gives nothing to guess). Argon2 checks run on the configured
//! [`HashPool`](crate::secret::HashPool); beyond its queue the answer is a fast 503.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::HeaderMap;
use http::header::AUTHORIZATION;

use std::net::IpAddr;

use crate::error::OAuthError;
use crate::limit::Attempt;
use crate::model::OAuthClient;
use crate::params::{Params, decode_component};
use crate::provider::{ClientOf, Provider};
use crate::secret::is_slow;
use crate::trace;

/// How the client presented itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthMethod {
    /// HTTP Basic (`client_secret_basic`).
    Basic,
    /// Body parameters (`client_secret_post`).
    Post,
    /// `client_id` alone: a public client (`none`).
    None,
}

impl AuthMethod {
    /// The RFC 8414 / RFC 7591 name.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            AuthMethod::Basic => "client_secret_basic",
            AuthMethod::Post => "client_secret_post",
            AuthMethod::None => "none",
        }
    }
}

struct Credentials {
    method: AuthMethod,
    client_id: String,
    secret: Option<String>,
}

fn credentials(headers: &HeaderMap, params: &Params<'_>) -> Result<Credentials, OAuthError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let header = values.next();
    if values.next().is_some() {
        return Err(OAuthError::invalid_request(
            "more than one Authorization header",
        ));
    }
    let Some(header) = header else {
        let client_id = params
            .get("client_id")
            .ok_or(OAuthError::invalid_client())?
            .to_owned();
        return Ok(match params.get("client_secret") {
            Some(secret) => Credentials {
                method: AuthMethod::Post,
                client_id,
                secret: Some(secret.to_owned()),
            },
            None => Credentials {
                method: AuthMethod::None,
                client_id,
                secret: None,
            },
        });
    };

    let (client_id, secret) = decode_basic(header.as_bytes()).ok_or(OAuthError::invalid_client())?;
    if params.contains("client_secret") {
        return Err(OAuthError::invalid_request(
            "the client used more than one authentication method",
        ));
    }
    if params.get("client_id").is_some_and(|id| id != client_id) {
        return Err(OAuthError::invalid_request(
            "the client_id parameter does not match the Authorization header",
        ));
    }
    Ok(Credentials {
        method: AuthMethod::Basic,
        client_id,
        secret: Some(secret),
    })
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`, RFC 6749 §2.3.1 and RFC 7617.
fn decode_basic(header: &[u8]) -> Option<(String, String)> {
    let (scheme, rest) = header.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case(b"basic ") {
        return None;
    }
    let decoded = STANDARD.decode(rest.trim_ascii()).ok()?;
    let decoded = std::str::from_utf8(&decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let id = decode_component(id)?;
    if id.is_empty() {
        return None;
    }
    Some((id, decode_component(secret)?))
}

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

/// The public client a client ID metadata document describes. A refusal is `invalid_client`:
/// the document's redirect URIs are unknown, so the authorization endpoint shows it.
#[cfg(feature = "cimd")]
async fn document_client<P: Provider>(
    documents: &crate::cimd::ClientIdDocuments,
    client_id: &str,
) -> Result<Arc<ClientOf<P>>, OAuthError> {
    use crate::cimd::AuthMethod as DocumentAuth;
    use crate::error::ErrorCode;
    let refused = |description| OAuthError::new(ErrorCode::InvalidClient, description);
    let document = documents.resolve(client_id).await.map_err(|error| {
        trace::client_document_refused(client_id, &error);
        refused(error.description())
    })?;
    // Such a client would otherwise pass as public: nothing here verifies its assertions yet.
    if document.token_endpoint_auth_method == DocumentAuth::PrivateKeyJwt {
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

/// Authenticates the client of a token, revocation or introspection request.
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
        if let Some(presented) = &creds.secret {
            provider.throttle(&attempt).await?;
            hashing.verify_dummy(presented).await?;
        }
        trace::client_authentication_failed(&creds.client_id, false);
        return Err(OAuthError::invalid_client());
    };
    let ok = match (client.secret_hash(), creds.secret.as_deref()) {
        (Some(stored), Some(presented)) => {
            if is_slow(stored) {
                provider.throttle(&attempt).await?;
            }
            hashing.verify(stored, presented).await?
        }
        // A confidential client that sent no secret.
        (Some(_), None) => false,
        // A public client that sent a secret it does not have: refuse rather than ignore, so a
        // client misconfigured as public is noticed. `Basic base64(id ":")`, with an empty
        // secret, is how some clients send a public client's id, and carries no secret.
        (None, Some(presented)) => presented.is_empty(),
        (None, None) => true,
    };
    if !ok {
        trace::client_authentication_failed(&creds.client_id, true);
        return Err(OAuthError::invalid_client());
    }
    trace::client(client.client_id());
    Ok((client, creds.method))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(raw: &str) -> Vec<u8> {
        format!("Basic {}", STANDARD.encode(raw)).into_bytes()
    }

    #[test]
    fn basic_header_decoding() {
        assert_eq!(
            decode_basic(&basic("app:s3cret")),
            Some(("app".into(), "s3cret".into()))
        );
        // Appendix B: both halves are form-urlencoded.
        assert_eq!(
            decode_basic(&basic("my%20app:a%3Ab+c")),
            Some(("my app".into(), "a:b c".into()))
        );
        assert_eq!(
            decode_basic(&basic("app:")),
            Some(("app".into(), String::new()))
        );
        assert_eq!(decode_basic(&basic("no-colon")), None);
        assert_eq!(decode_basic(&basic(":secret")), None);
        assert_eq!(decode_basic(&basic("app:%zz")), None);
        assert_eq!(decode_basic(b"Basic !!!notbase64"), None);
        assert_eq!(decode_basic(b"Bearer abc"), None);
        assert_eq!(decode_basic(b"Basic"), None);
        let non_utf8 = format!("Basic {}", STANDARD.encode([0xff, b':', b'x']));
        assert_eq!(decode_basic(non_utf8.as_bytes()), None);
        assert!(decode_basic(format!("basic {}", STANDARD.encode("a:b")).as_bytes()).is_some());
    }
}
