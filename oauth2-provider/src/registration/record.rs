//! What the runtime adds to a validated registration (the `client_id`, its issue time, the
//! client secret and the registration access token, each stored only as a hash), and the
//! RFC 7591 §3.2.1 / RFC 7592 §3 response read back from a record.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::model::AuthMethod;
use crate::model::ClientRecord;
use crate::scope::Scopes;
use crate::secret::{dummy_hash, generate_token, hash_secret, random_bytes, verify_secret};

/// The member of [`ClientRecord::metadata`] that keeps the registration access token's hash;
/// never part of a response.
pub(crate) const RAT_HASH: &str = "registration_access_token_hash";
/// When the `client_id` was issued, in seconds since the epoch: what an operator purges by.
pub(crate) const ISSUED_AT: &str = "client_id_issued_at";

/// The secrets a response shows once, never stored as they are.
#[derive(Default)]
pub(crate) struct Issued {
    pub client_secret: Option<String>,
    pub registration_access_token: Option<String>,
}

/// A fresh `client_id`: 128 random bits, base64url, so it is safe in a URI path as it is.
pub(crate) fn new_client_id() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<16>())
}

pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Gives `record` its identity: `client_id`, issue time, a new registration access token,
/// and a secret when `auth` needs one and `kept` (the current hash, on an update) has none.
pub(crate) fn complete<S>(
    record: &mut ClientRecord<S>,
    client_id: &str,
    issued_at: u64,
    auth: AuthMethod,
    kept: Option<String>,
) -> Issued {
    let mut issued = Issued::default();
    record.client_id = client_id.to_owned();
    record
        .metadata
        .other
        .insert(ISSUED_AT.into(), issued_at.into());
    record.secret_hash = match (auth, kept) {
        (auth, _) if !auth.sends_secret() => None,
        (_, Some(kept)) => Some(kept),
        (_, None) => {
            // 256 random bits: the fast `sha256$` form is as strong as argon2 here.
            let secret = generate_token();
            let hash = hash_secret(&secret);
            issued.client_secret = Some(secret);
            Some(hash)
        }
    };
    let token = generate_token();
    record
        .metadata
        .other
        .insert(RAT_HASH.into(), hash_secret(&token).into());
    issued.registration_access_token = Some(token);
    issued
}

/// `true` when `presented` is `record`'s registration access token, in constant time; a
/// record without one (a client not registered here) matches nothing, at the same cost.
pub(crate) fn token_matches<S>(record: Option<&ClientRecord<S>>, presented: &str) -> bool {
    let stored = record.and_then(|r| r.metadata.other.get(RAT_HASH)?.as_str());
    match stored {
        Some(stored) => verify_secret(stored, presented),
        None => {
            let _ = verify_secret(dummy_hash(), presented);
            false
        }
    }
}

/// The registration as a response shows it: `client_id`, every registered member with the
/// defaults, and what `issued` holds; `registration_client_uri` is `client_uri`.
pub(crate) fn response<S: Scopes>(
    record: &ClientRecord<S>,
    issued: Issued,
    client_uri: &str,
) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("client_id".into(), record.client_id.clone().into());
    if let Some(secret) = issued.client_secret {
        body.insert("client_secret".into(), secret.into());
        // §3.2.1: required with a secret; 0 is "never expires".
        body.insert("client_secret_expires_at".into(), 0.into());
    }
    if let Some(token) = issued.registration_access_token {
        body.insert("registration_access_token".into(), token.into());
    }
    body.insert("registration_client_uri".into(), client_uri.into());
    body.insert("redirect_uris".into(), record.redirect_uris.clone().into());
    body.insert("grant_types".into(), record.grant_types.clone().into());
    body.insert("scope".into(), record.scope.to_scope_string().into());
    if !record.name.is_empty() {
        body.insert("client_name".into(), record.name.clone().into());
    }
    for (name, value) in &record.metadata.other {
        if name != RAT_HASH {
            body.insert(name.clone(), value.clone());
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ClientMetadata;

    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
    struct S(u8);
    impl Scopes for S {
        type Bits = u8;
        const DEFS: &'static [crate::scope::ScopeDef<u8>] =
            &[crate::scope::ScopeDef::single("read", 1)];
        const DEFAULT: u8 = 1;
        fn from_bits_retain(b: u8) -> Self {
            S(b)
        }
        fn bits(&self) -> u8 {
            self.0
        }
    }

    fn blank() -> ClientRecord<S> {
        ClientRecord {
            client_id: String::new(),
            secret_hash: None,
            redirect_uris: vec![],
            grant_types: vec![],
            scope: S(1),
            name: String::new(),
            metadata: ClientMetadata::default(),
        }
    }

    #[test]
    fn secrets_are_shown_once_and_kept_as_hashes() {
        let mut record = blank();
        let issued = complete(&mut record, "id", 7, AuthMethod::ClientSecretBasic, None);
        let secret = issued.client_secret.clone().unwrap();
        let token = issued.registration_access_token.clone().unwrap();
        assert!(verify_secret(
            record.secret_hash.as_deref().unwrap(),
            &secret
        ));
        assert!(token_matches(Some(&record), &token));
        assert!(!token_matches(Some(&record), "guess"));
        assert!(!token_matches::<S>(None, &token));
        let body = response(&record, issued, "https://as/register/id");
        assert_eq!(body["client_secret"], secret.as_str());
        assert!(!body.contains_key(RAT_HASH));
        let stored = record.metadata.to_json();
        assert!(!stored.contains(&secret) && !stored.contains(&token));
        assert!(new_client_id().len() >= 22);
    }

    #[test]
    fn an_update_keeps_the_secret_unless_the_client_turns_public() {
        let mut record = blank();
        let issued = complete(
            &mut record,
            "id",
            7,
            AuthMethod::ClientSecretPost,
            Some("kept".into()),
        );
        assert_eq!(record.secret_hash.as_deref(), Some("kept"));
        assert!(issued.client_secret.is_none());
        complete(&mut record, "id", 7, AuthMethod::None, Some("kept".into()));
        assert_eq!(record.secret_hash, None);
    }
}
