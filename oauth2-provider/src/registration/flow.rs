//! The four operations, over a provider and without HTTP: register (RFC 7591 §3), read,
//! replace and delete (RFC 7592 §2). Each validates everything before it writes, and writes
//! once, so a refused request changes nothing.

use serde_json::{Map, Value};

use super::RegistrationRequest;
use super::metadata::{self, AUTH_METHOD};
use super::record::{self, ISSUED_AT, Issued, RAT_HASH};
use crate::error::{ErrorCode, OAuthError, StoreError};
use crate::grant;
use crate::model::{ClientRecord, OAuthClient};
use crate::provider::{ClientOf, Provider, ScopeOf};
use crate::secret::verify_secret;
use crate::store::ClientStore;

type Record<P> = ClientRecord<ScopeOf<P>>;

/// A new client from `request`; `endpoint` is the registration endpoint's URL.
pub(crate) async fn register<P: Provider>(
    provider: &P,
    request: &RegistrationRequest<'_>,
    endpoint: &str,
) -> Result<Map<String, Value>, OAuthError> {
    let (mut record, auth) = validate::<P>(provider, request)?;
    let client_id = record::new_client_id();
    let issued = record::complete(&mut record, &client_id, record::now(), auth, None);
    save(provider, request, record, issued, endpoint).await
}

/// The registration of `client_id`, for the holder of its registration access token.
pub(crate) async fn read<P: Provider>(
    provider: &P,
    client_id: &str,
    token: Option<&str>,
    endpoint: &str,
) -> Result<Map<String, Value>, OAuthError> {
    let record = managed(provider, client_id, token).await?;
    let uri = client_uri(endpoint, client_id);
    Ok(record::response(&record, Issued::default(), &uri))
}

/// Replaces the registration of `client_id` whole (§2.2): omitted members go back to their
/// defaults, the secret is kept (a new one only for a client that had none), and the
/// registration access token is rotated.
pub(crate) async fn replace<P: Provider>(
    provider: &P,
    request: &RegistrationRequest<'_>,
    client_id: &str,
    token: Option<&str>,
    endpoint: &str,
) -> Result<Map<String, Value>, OAuthError> {
    let current = managed(provider, client_id, token).await?;
    let body = request.metadata();
    if body.get("client_id").and_then(Value::as_str) != Some(client_id) {
        return Err(OAuthError::new(
            ErrorCode::InvalidClientMetadata,
            "client_id must be the client's own",
        ));
    }
    // §2.2: a secret sent must be the current one; the client never chooses its own.
    if let Some(secret) = body.get("client_secret").filter(|v| !v.is_null()) {
        let current_secret = secret.as_str().zip(current.secret_hash.as_deref());
        if !current_secret.is_some_and(|(sent, hash)| verify_secret(hash, sent)) {
            return Err(OAuthError::new(
                ErrorCode::InvalidClientMetadata,
                "a client may not choose its own client_secret",
            ));
        }
    }
    let (mut record, auth) = validate::<P>(provider, request)?;
    let issued_at = current
        .metadata
        .other
        .get(ISSUED_AT)
        .and_then(Value::as_u64)
        .unwrap_or_else(record::now);
    let issued = record::complete(&mut record, client_id, issued_at, auth, current.secret_hash);
    record.metadata.resource_server = current.metadata.resource_server;
    save(provider, request, record, issued, endpoint).await
}

/// Removes `client_id` from the client store (§2.3).
pub(crate) async fn delete<P: Provider>(
    provider: &P,
    client_id: &str,
    token: Option<&str>,
) -> Result<(), OAuthError> {
    managed(provider, client_id, token).await?;
    provider
        .clients()
        .delete_client(client_id)
        .await
        .map_err(store_error)?;
    Ok(())
}

fn validate<P: Provider>(
    provider: &P,
    request: &RegistrationRequest<'_>,
) -> Result<(Record<P>, crate::model::AuthMethod), OAuthError> {
    metadata::validate(request.metadata(), |name| {
        grant::dispatch(provider, name).is_some()
    })
}

/// The policy hook, then one write. What identifies and authenticates the client (its id,
/// issue time, secret, registration access token and authentication method) is the
/// runtime's: whatever the hook does to them is undone.
async fn save<P: Provider>(
    provider: &P,
    request: &RegistrationRequest<'_>,
    mut record: Record<P>,
    issued: Issued,
    endpoint: &str,
) -> Result<Map<String, Value>, OAuthError> {
    let client_id = record.client_id.clone();
    let secret_hash = record.secret_hash.clone();
    let kept: Vec<(&str, Option<Value>)> = [RAT_HASH, ISSUED_AT, AUTH_METHOD]
        .into_iter()
        .map(|name| (name, record.metadata.other.get(name).cloned()))
        .collect();
    provider.register_client(request, &mut record).await?;
    record.client_id = client_id;
    record.secret_hash = secret_hash;
    for (name, value) in kept {
        match value {
            Some(value) => record.metadata.other.insert(name.into(), value),
            None => record.metadata.other.remove(name),
        };
    }
    let Some(client) = ClientOf::<P>::from_record(record.clone()) else {
        tracing::warn!(
            "dynamic registration is on, but the client model's OAuthClient::from_record \
             returns None: implement it, or use ClientRecord"
        );
        return Err(OAuthError::new(
            ErrorCode::InvalidClientMetadata,
            "this server cannot register clients",
        ));
    };
    provider
        .clients()
        .save_client(client)
        .await
        .map_err(store_error)?;
    let uri = client_uri(endpoint, &record.client_id);
    Ok(record::response(&record, issued, &uri))
}

/// The record of a client registered here whose registration access token is `token`;
/// `invalid_token` alike for a wrong token, no token, an unknown client, and a client that
/// was not registered dynamically, so nobody learns which clients exist.
async fn managed<P: Provider>(
    provider: &P,
    client_id: &str,
    token: Option<&str>,
) -> Result<Record<P>, OAuthError> {
    let refused = || {
        OAuthError::new(
            ErrorCode::InvalidToken,
            "the registration access token is invalid",
        )
    };
    let Some(token) = token else {
        return Err(refused());
    };
    let found = provider
        .clients()
        .find_client(client_id)
        .await
        .map_err(store_error)?;
    let record = found
        .and_then(|client| client.to_record())
        .filter(|record| record.client_id == client_id);
    match record {
        Some(record) if record::token_matches(Some(&record), token) => Ok(record),
        _ => {
            record::token_matches::<ScopeOf<P>>(None, token);
            Err(refused())
        }
    }
}

fn store_error(error: StoreError) -> OAuthError {
    match error {
        StoreError::Unsupported(_) => {
            crate::trace::store_failed(&error);
            OAuthError::new(
                ErrorCode::ServerError,
                "this server cannot store registered clients",
            )
        }
        other => other.into(),
    }
}

/// The `registration_client_uri` of `client_id` (RFC 7592 §3); client ids made here are
/// base64url, safe in a path as they are.
pub(crate) fn client_uri(endpoint: &str, client_id: &str) -> String {
    format!("{endpoint}/{client_id}")
}
