//! Pushed authorization requests (RFC 9126): the parameters a client pushed, kept in the
//! provider's state store under a one-time, short-lived `request_uri` bound to that client.
//! The authorization endpoint reads them back while sign-in and consent run, and consumes them
//! when it issues: a `request_uri` gives at most one code.

use std::time::SystemTime;

use bytes::Bytes;

use crate::error::OAuthError;
use crate::params::Params;
use crate::provider::Provider;
use crate::secret::generate_token;
use crate::store::StateKey;

/// What every pushed `request_uri` starts with (§2.2).
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// Credentials of the pushing request, which the stored request must never hold.
const CREDENTIALS: [&str; 4] = [
    "client_secret",
    "client_assertion",
    "client_assertion_type",
    "request_uri",
];

fn unknown() -> OAuthError {
    OAuthError::invalid_request("the request_uri is unknown, used or expired")
}

/// The state key of a pushed `request_uri`; `None` for any other URI.
pub(crate) fn key(request_uri: &str) -> Option<StateKey> {
    let id = request_uri.strip_prefix(REQUEST_URI_PREFIX)?;
    (!id.is_empty()).then(|| StateKey::new("par", id))
}

/// Keeps `params` for `client_id`: the `request_uri` and its lifetime in seconds.
pub(crate) async fn push<P: Provider>(
    provider: &P,
    client_id: &str,
    params: &Params<'_>,
    dpop_jkt: Option<&str>,
) -> Result<(String, u64), OAuthError> {
    let state = provider.state_store().ok_or(unknown())?;
    // Finished before any await: the serializer is not `Send`.
    let form = {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("client_id", client_id);
        for (name, value) in params.iter() {
            if name != "client_id" && !CREDENTIALS.contains(&name) {
                form.append_pair(name, value);
            }
        }
        if let Some(jkt) = dpop_jkt {
            form.append_pair("dpop_jkt", jkt);
        }
        form.finish()
    };
    let request_uri = format!("{REQUEST_URI_PREFIX}{}", generate_token());
    let lifetime = provider.config().par_lifetime;
    let key = key(&request_uri).ok_or(unknown())?;
    state
        .put_state(&key, Bytes::from(form), SystemTime::now() + lifetime)
        .await?;
    Ok((request_uri, lifetime.as_secs()))
}

/// The parameters pushed as `request_uri`, if it is live and was pushed by `client_id`.
pub(crate) async fn read<P: Provider>(
    provider: &P,
    request_uri: &str,
    client_id: &str,
) -> Result<Bytes, OAuthError> {
    let (Some(state), Some(key)) = (provider.state_store(), key(request_uri)) else {
        return Err(unknown());
    };
    let stored = state.get_state(&key).await?.ok_or(unknown())?;
    let pushed = Params::parse(&stored.value).map_err(|_| unknown())?;
    match pushed.get("client_id") == Some(client_id) {
        true => Ok(stored.value),
        false => Err(unknown()),
    }
}

/// Consumes `request_uri` before its code is issued: of concurrent completions, one wins.
pub(crate) async fn consume<P: Provider>(
    provider: &P,
    request_uri: &str,
) -> Result<(), OAuthError> {
    let (Some(state), Some(key)) = (provider.state_store(), key(request_uri)) else {
        return Err(unknown());
    };
    state.take_state(&key).await?.map(|_| ()).ok_or(unknown())
}
