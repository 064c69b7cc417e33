//! What the pages keep of a browser, and where: nothing on the server for an anonymous visitor
//! (its CSRF token is a double-submit cookie), a session in the configured store from sign-in
//! on, and remembered approvals in the store too. So every node behind one store shares them,
//! and everything kept expires: a flood of anonymous visits costs no memory at all.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use cookie::{Cookie, SameSite};
use http::Response;
use http::header::{COOKIE, HeaderValue, SET_COOKIE};
use http::request::Parts;
use oauth2_provider::StoreError;
use oauth2_provider::scope::Scopes;
use oauth2_provider::secret::generate_token;
use oauth2_provider::store::{StateKey, StateStore};
use serde::{Deserialize, Serialize};

use super::model::Scope;

/// The session cookie, once signed in.
pub const SESSION: &str = "oauth2_session";
/// The anonymous visitor's CSRF token, until sign-in.
pub const CSRF: &str = "oauth2_csrf";
const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);
const CSRF_TTL: Duration = Duration::from_secs(3600);
/// How long an approval is remembered.
const APPROVAL_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// A signed-in browser.
#[derive(Serialize, Deserialize)]
pub struct Session {
    #[serde(skip)]
    pub id: String,
    pub user: String,
    /// The CSRF token of this session's forms.
    pub csrf: String,
    /// When the user signed in: OpenID Connect's `auth_time`.
    #[serde(with = "unix_seconds")]
    pub auth_time: SystemTime,
}

/// A time as whole seconds since the epoch.
mod unix_seconds {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &SystemTime, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_u64(at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<SystemTime, D::Error> {
        Ok(UNIX_EPOCH + Duration::from_secs(u64::deserialize(de)?))
    }
}

/// The cookies of the pages: `HttpOnly`, `SameSite=Lax`, and over HTTPS `Secure` with the
/// `__Host-` prefix, so no sibling subdomain can set or shadow them.
#[derive(Clone, Copy)]
pub struct Cookies {
    secure: bool,
}

impl Cookies {
    pub fn new(secure: bool) -> Self {
        Cookies { secure }
    }

    fn name(self, name: &str) -> String {
        if self.secure {
            format!("__Host-{name}")
        } else {
            name.to_owned()
        }
    }

    /// The value of cookie `name` in the request, if it looks like one of ours: a generated
    /// token, nothing longer or stranger reaches the store.
    pub fn read(self, parts: &Parts, name: &str) -> Option<String> {
        let name = self.name(name);
        parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|c| c.name() == name)
            .map(|c| c.value().to_owned())
            .filter(|v| is_token(v))
    }

    /// Sets cookie `name` to `value` for `ttl` (`Duration::ZERO` removes it).
    pub fn set(self, response: &mut Response<Bytes>, name: &str, value: &str, ttl: Duration) {
        let max_age = cookie::time::Duration::seconds(i64::try_from(ttl.as_secs()).unwrap_or(0));
        let cookie = Cookie::build((self.name(name), value))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .path("/")
            .max_age(max_age)
            .build();
        if let Ok(value) = HeaderValue::try_from(cookie.to_string()) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }

    /// The anonymous visitor's CSRF token: the cookie's, or a new one the answer must set
    /// (see [`Cookies::set_csrf`]).
    pub fn csrf(self, parts: &Parts) -> (String, bool) {
        match self.read(parts, CSRF) {
            Some(csrf) => (csrf, false),
            None => (generate_token(), true),
        }
    }

    pub fn set_csrf(self, response: &mut Response<Bytes>, csrf: &str) {
        self.set(response, CSRF, csrf, CSRF_TTL);
    }

    /// The cookies after signing out: the session's gone, a new anonymous CSRF token.
    pub fn set_signed_out(self, response: &mut Response<Bytes>, csrf: &str) {
        self.set(response, SESSION, "", Duration::ZERO);
        self.set(response, CSRF, csrf, CSRF_TTL);
    }

    /// The cookies of a session just opened: its id, and the anonymous CSRF cookie gone.
    pub fn set_session(self, response: &mut Response<Bytes>, session: &Session) {
        self.set(response, SESSION, &session.id, SESSION_TTL);
        self.set(response, CSRF, "", Duration::ZERO);
    }
}

/// 43 characters of base64url: what `generate_token` makes.
fn is_token(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn session_key(id: &str) -> StateKey {
    StateKey::new("example-session", id)
}

/// The session the cookie names, if it exists and has not expired.
pub async fn find(store: &impl StateStore, id: &str) -> Result<Option<Session>, StoreError> {
    let Some(stored) = store.get_state(&session_key(id)).await? else {
        return Ok(None);
    };
    // A value this example did not write is no session.
    Ok(serde_json::from_slice::<Session>(&stored.value)
        .ok()
        .map(|session| Session {
            id: id.to_owned(),
            ..session
        }))
}

/// A new session for `user`, with a new id and CSRF token: a session fixed before sign-in is
/// worth nothing after. `previous` is ended.
pub async fn open(
    store: &impl StateStore,
    user: &str,
    previous: Option<&str>,
) -> Result<Session, StoreError> {
    if let Some(previous) = previous {
        store.delete_state(&session_key(previous)).await?;
    }
    let session = Session {
        id: generate_token(),
        user: user.to_owned(),
        csrf: generate_token(),
        auth_time: SystemTime::now(),
    };
    let value = serde_json::to_vec(&session).map_err(|e| StoreError::Other(Box::new(e)))?;
    store
        .put_state(
            &session_key(&session.id),
            value.into(),
            SystemTime::now() + SESSION_TTL,
        )
        .await?;
    Ok(session)
}

/// Ends the session `id` (signing out).
pub async fn close(store: &impl StateStore, id: &str) -> Result<(), StoreError> {
    store.delete_state(&session_key(id)).await.map(|_| ())
}

fn approval_key(user: &str, client_id: &str) -> StateKey {
    // Length-prefixed, so that no (user, client) pair reads as another.
    StateKey::new(
        "example-approval",
        format!("{}:{user}{client_id}", user.len()),
    )
}

/// What a user approved for a client so far: scopes and the resources (RFC 8707) the tokens
/// may be for. Stored as the scope string, then one resource per line.
#[derive(Default)]
pub struct Approval {
    pub scope: Scope,
    pub resources: Vec<String>,
}

impl Approval {
    fn read(stored: &[u8]) -> Option<Approval> {
        let text = std::str::from_utf8(stored).ok()?;
        let mut lines = text.split('\n');
        let scope = Scope::parse(lines.next()?).ok()?;
        let resources = lines.map(str::to_owned).collect();
        Some(Approval { scope, resources })
    }

    fn write(&self) -> String {
        let mut text = self.scope.to_scope_string();
        for resource in &self.resources {
            text.push('\n');
            text.push_str(resource);
        }
        text
    }

    /// `true` when this covers all of `scope` and every one of `resources`.
    pub fn covers(&self, scope: Scope, resources: &[String]) -> bool {
        self.scope.contains(scope) && resources.iter().all(|r| self.resources.contains(r))
    }
}

/// What `user` approved for `client_id` so far (nothing if nothing readable is stored).
pub async fn approved(
    store: &impl StateStore,
    user: &str,
    client_id: &str,
) -> Result<Approval, StoreError> {
    let stored = store.get_state(&approval_key(user, client_id)).await?;
    Ok(stored
        .and_then(|s| Approval::read(&s.value))
        .unwrap_or_default())
}

/// Remembers that `user` approved `scope` and `resources` for `client_id`, besides what they
/// approved before.
pub async fn remember(
    store: &impl StateStore,
    user: &str,
    client_id: &str,
    scope: Scope,
    resources: &[String],
) -> Result<(), StoreError> {
    let mut approval = approved(store, user, client_id).await?;
    approval.scope = approval.scope.union(scope);
    for resource in resources {
        if !approval.resources.contains(resource) {
            approval.resources.push(resource.clone());
        }
    }
    store
        .put_state(
            &approval_key(user, client_id),
            Bytes::from(approval.write()),
            SystemTime::now() + APPROVAL_TTL,
        )
        .await
        .map(|_| ())
}
