//! The one stored form of a record, shared by the SQL and Redis stores.
//!
//! Hashes and grant ids are bytes; a scope is its RFC 6749 §3.3 string, so declaring more scopes
//! later never changes what a stored row means; times are microseconds since the Unix epoch;
//! lists are JSON arrays of strings; [`Extras`] are a JSON object, absent when empty. Records are
//! rebuilt through the model traits' `new`, so a user's own record types round-trip as well as
//! the ready-made ones.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::StoreError;
use crate::model::{
    AuthorizationCode, ClientMetadata, ClientRecord, Extras, GrantId, NewCode, NewToken, TokenHash,
    TokenKind, TokenModel,
};
use crate::pkce::{ChallengeMethod, PkceChallenge};
use crate::scope::Scopes;

/// The record types a durable store is generic over without holding any: through `fn()` so
/// the store is `Send + Sync` whatever they are.
pub(crate) type Records<S, K, A, R> = std::marker::PhantomData<fn() -> (S, K, A, R)>;

/// A stored value that does not decode: written by something else, or by a scope type that has
/// since lost a name. Never a connection problem, so it maps to [`StoreError::Other`].
#[derive(Debug, thiserror::Error)]
#[error("corrupt stored record: {0}")]
pub(crate) struct Corrupt(pub(crate) &'static str);

pub(crate) fn corrupt(what: &'static str) -> StoreError {
    StoreError::Other(Box::new(Corrupt(what)))
}

/// An authorization code as columns.
pub(crate) struct CodeRow {
    pub(crate) code_hash: Vec<u8>,
    pub(crate) grant_id: Vec<u8>,
    pub(crate) client_id: String,
    pub(crate) subject: String,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) scope: String,
    pub(crate) challenge_method: Option<String>,
    pub(crate) challenge: Option<String>,
    pub(crate) expires_at: i64,
    pub(crate) extras: Option<String>,
}

/// An access or refresh token as columns.
pub(crate) struct TokenRow {
    pub(crate) token_hash: Vec<u8>,
    pub(crate) grant_id: Vec<u8>,
    pub(crate) client_id: String,
    pub(crate) subject: Option<String>,
    pub(crate) scope: String,
    pub(crate) expires_at: Option<i64>,
    pub(crate) extras: Option<String>,
}

/// A [`ClientRecord`] as columns.
pub(crate) struct ClientRow {
    pub(crate) client_id: String,
    pub(crate) secret_hash: Option<String>,
    pub(crate) redirect_uris: String,
    pub(crate) grant_types: String,
    pub(crate) scope: String,
    pub(crate) name: String,
    /// [`ClientMetadata`](crate::model::ClientMetadata) as JSON.
    pub(crate) metadata: String,
}

impl CodeRow {
    pub(crate) fn of<K: AuthorizationCode>(code: &K) -> Self {
        let challenge = code.challenge();
        CodeRow {
            code_hash: code.code_hash().as_bytes().to_vec(),
            grant_id: code.grant_id().as_bytes().to_vec(),
            client_id: code.client_id().to_owned(),
            subject: code.subject().to_owned(),
            redirect_uri: code.redirect_uri().map(str::to_owned),
            scope: code.scope().to_scope_string(),
            challenge_method: challenge.map(|c| c.method().as_str().to_owned()),
            challenge: challenge.map(|c| c.challenge().to_owned()),
            expires_at: to_micros(code.expires_at()),
            extras: code.extras().to_json(),
        }
    }

    pub(crate) fn into_record<K: AuthorizationCode>(self) -> Result<K, StoreError> {
        let challenge = match (self.challenge_method, self.challenge) {
            (None, None) => None,
            (Some(method), Some(challenge)) => Some(
                ChallengeMethod::from_name(&method)
                    .and_then(|m| PkceChallenge::new(m, &challenge))
                    .ok_or_else(|| corrupt("PKCE challenge"))?,
            ),
            _ => return Err(corrupt("PKCE challenge without its method")),
        };
        Ok(K::new(NewCode {
            code_hash: token_hash(&self.code_hash)?,
            grant_id: grant_id(&self.grant_id)?,
            client_id: self.client_id,
            subject: self.subject,
            redirect_uri: self.redirect_uri,
            scope: scope(&self.scope)?,
            challenge,
            expires_at: from_micros(self.expires_at)?,
            extras: extras(self.extras.as_deref())?,
        }))
    }
}

impl TokenRow {
    /// The columns of an access or refresh token record.
    pub(crate) fn of<K: TokenKind, T: TokenModel<K>>(token: &T) -> Self {
        TokenRow {
            token_hash: token.token_hash().as_bytes().to_vec(),
            grant_id: token.grant_id().as_bytes().to_vec(),
            client_id: token.client_id().to_owned(),
            subject: token.subject().map(str::to_owned),
            scope: token.scope().to_scope_string(),
            expires_at: token.expires_at().map(to_micros),
            extras: token.extras().to_json(),
        }
    }

    /// The record of kind `K` these columns hold.
    pub(crate) fn into_record<K: TokenKind, T: TokenModel<K>>(self) -> Result<T, StoreError> {
        Ok(T::new(NewToken {
            token_hash: token_hash(&self.token_hash)?,
            grant_id: grant_id(&self.grant_id)?,
            client_id: self.client_id,
            subject: self.subject,
            scope: scope(&self.scope)?,
            expires_at: self.expires_at.map(from_micros).transpose()?,
            extras: extras(self.extras.as_deref())?,
        }))
    }
}

impl ClientRow {
    pub(crate) fn of<S: Scopes>(client: &ClientRecord<S>) -> Self {
        ClientRow {
            client_id: client.client_id.clone(),
            secret_hash: client.secret_hash.clone(),
            redirect_uris: string_list(&client.redirect_uris),
            grant_types: string_list(&client.grant_types),
            scope: client.scope.to_scope_string(),
            name: client.name.clone(),
            metadata: client.metadata.to_json(),
        }
    }

    pub(crate) fn into_record<S: Scopes>(self) -> Result<ClientRecord<S>, StoreError> {
        Ok(ClientRecord {
            client_id: self.client_id,
            secret_hash: self.secret_hash,
            redirect_uris: parse_string_list(&self.redirect_uris)?,
            grant_types: parse_string_list(&self.grant_types)?,
            scope: scope(&self.scope)?,
            name: self.name,
            metadata: ClientMetadata::from_json(&self.metadata)
                .map_err(|_| corrupt("client metadata that is not a JSON object"))?,
        })
    }
}

fn token_hash(bytes: &[u8]) -> Result<TokenHash, StoreError> {
    <[u8; 32]>::try_from(bytes)
        .map(TokenHash::from_bytes)
        .map_err(|_| corrupt("a token hash is not 32 bytes"))
}

fn grant_id(bytes: &[u8]) -> Result<GrantId, StoreError> {
    <[u8; 16]>::try_from(bytes)
        .map(GrantId::from_bytes)
        .map_err(|_| corrupt("a grant id is not 16 bytes"))
}

fn scope<S: Scopes>(s: &str) -> Result<S, StoreError> {
    S::parse(s).map_err(|_| corrupt("a scope the scope type does not define"))
}

fn extras(json: Option<&str>) -> Result<Extras, StoreError> {
    json.map_or(Ok(Extras::default()), |json| {
        Extras::from_json(json).map_err(|_| corrupt("extras that are not a JSON object"))
    })
}

fn string_list(items: &[String]) -> String {
    serde_json::to_string(items).expect("a list of strings always serializes")
}

fn parse_string_list(json: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(json).map_err(|_| corrupt("a list that is not a JSON array of strings"))
}

/// Microseconds since the Unix epoch, saturating: the resolution every SQL backend keeps.
pub(crate) fn to_micros(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_micros()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_micros()).map_or(i64::MIN, |m| -m),
    }
}

pub(crate) fn from_micros(micros: i64) -> Result<SystemTime, StoreError> {
    let offset = Duration::from_micros(micros.unsigned_abs());
    if micros >= 0 {
        UNIX_EPOCH.checked_add(offset)
    } else {
        UNIX_EPOCH.checked_sub(offset)
    }
    .ok_or_else(|| corrupt("a time out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_at_microsecond_resolution() {
        for t in [
            UNIX_EPOCH,
            UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456),
            UNIX_EPOCH - Duration::from_secs(86_400),
        ] {
            assert_eq!(from_micros(to_micros(t)).unwrap(), t);
        }
    }

    #[test]
    fn malformed_bytes_are_corrupt_not_unavailable() {
        assert!(matches!(token_hash(&[0; 31]), Err(StoreError::Other(_))));
        assert!(matches!(grant_id(&[0; 17]), Err(StoreError::Other(_))));
        assert!(matches!(parse_string_list("{}"), Err(StoreError::Other(_))));
        assert!(matches!(extras(Some("[1]")), Err(StoreError::Other(_))));
        assert!(extras(None).unwrap().is_empty());
    }
}
