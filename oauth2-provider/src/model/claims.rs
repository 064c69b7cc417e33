//! OpenID Connect claims of a resource owner (Core §5.1), and which scope releases each
//! (§5.4).

use serde::Serialize;
use serde_json::{Map, Value};

/// The standard claims each scope value of OpenID Connect Core §5.4 releases. A claim of
/// another name is released by no scope here: the `claims` hook that returned it decided.
pub const STANDARD_CLAIMS: [(&str, &[&str]); 4] = [
    (
        "profile",
        &[
            "name",
            "family_name",
            "given_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "updated_at",
        ],
    ),
    ("email", &["email", "email_verified"]),
    ("address", &["address"]),
    ("phone", &["phone_number", "phone_number_verified"]),
];

/// Claims about a resource owner, by name: what the UserInfo endpoint answers (OpenID
/// Connect Core §5.3). `#[derive(ResourceOwner)]` builds them from the fields marked
/// `#[oauth(claim = "...")]`; the `claims` hook can add computed ones.
///
/// ```
/// use oauth2_provider::model::Claims;
///
/// let mut claims = Claims::new();
/// claims.set("email", "alice@example.com").set("email_verified", true).set("name", "Alice");
/// // Only what the granted scope values release (§5.4) leaves the server.
/// let released = claims.released(["openid", "email"]);
/// assert_eq!(released.get("email").unwrap(), "alice@example.com");
/// assert!(released.get("name").is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Claims(Map<String, Value>);

impl Claims {
    /// No claims.
    pub fn new() -> Self {
        Claims::default()
    }

    /// Sets claim `name`. `None` (from an `Option` field) leaves it unset, as §5.3.2 wants
    /// an absent claim omitted rather than `null`.
    pub fn set(&mut self, name: impl Into<String>, value: impl Serialize) -> &mut Self {
        match serde_json::to_value(value) {
            Ok(Value::Null) | Err(_) => {}
            Ok(value) => {
                self.0.insert(name.into(), value);
            }
        }
        self
    }

    /// The claim `name`, if set.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// Removes claim `name`.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.0.remove(name)
    }

    /// Every claim, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter()
    }

    /// `true` when no claim is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What a token with the scope values `granted` may see: each standard claim only if a
    /// granted scope releases it (§5.4); every other claim as it is. `sub` is not among them:
    /// the runtime sets it from the token.
    pub fn released<'a>(mut self, granted: impl IntoIterator<Item = &'a str>) -> Self {
        let granted: Vec<&str> = granted.into_iter().collect();
        self.0.retain(|name, _| match scope_releasing(name) {
            Some(scope) => granted.contains(&scope),
            None => name != "sub",
        });
        self
    }

    /// The claims as a JSON object.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }
}

/// The scope value that releases a standard claim; `None` for a claim §5.4 does not list.
fn scope_releasing(claim: &str) -> Option<&'static str> {
    STANDARD_CLAIMS
        .iter()
        .find(|(_, claims)| claims.contains(&claim))
        .map(|(scope, _)| *scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scope_releases_its_own_claims_only() {
        let mut claims = Claims::new();
        claims
            .set("name", "Alice")
            .set("email", "a@example.com")
            .set("phone_number", "+1 555")
            .set("address", serde_json::json!({"country": "NZ"}))
            .set("sub", "someone-else")
            .set("groups", ["admins"])
            .set("nickname", None::<String>);
        assert!(claims.get("nickname").is_none());
        let released = claims.clone().released(["openid", "phone"]);
        let names: Vec<&String> = released.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["groups", "phone_number"]);
        assert_eq!(claims.released(["profile", "address"]).iter().count(), 3);
    }
}
