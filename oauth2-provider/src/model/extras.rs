//! What a code or token carries beyond who, what and until when: the audience it is for
//! (RFC 8707), the key it is bound to (`cnf`, RFC 9449 §6, RFC 8705 §3), how its owner
//! authenticated (OpenID Connect `auth_time`, `acr`, `amr`), the OpenID Connect `nonce` of a
//! code, and authorization details (RFC 9396, kept as sent).
//!
//! Stores keep all of it as one JSON value (`extras` column or hash field), so a feature that
//! adds a member needs no migration. An empty set costs one pointer in memory and nothing at
//! rest.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A key a token is bound to: whoever presents the token must prove possession of it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Confirmation {
    /// `jkt`: the RFC 7638 thumbprint of a DPoP key (RFC 9449 §6.1).
    #[serde(rename = "jkt")]
    JwkThumbprint(String),
    /// `x5t#S256`: the SHA-256 thumbprint of a client certificate (RFC 8705 §3.1).
    #[serde(rename = "x5t#S256")]
    CertificateThumbprint(String),
}

/// How the resource owner authenticated (OpenID Connect Core §2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthContext {
    /// When they authenticated (`auth_time`), to the second.
    #[serde(
        with = "unix_seconds",
        skip_serializing_if = "Option::is_none",
        rename = "auth_time"
    )]
    pub auth_time: Option<SystemTime>,
    /// The authentication context class reference (`acr`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    /// The authentication methods references (`amr`), such as `pwd` or `otp`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amr: Vec<String>,
}

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
struct Members {
    #[serde(rename = "aud", skip_serializing_if = "Vec::is_empty")]
    audience: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cnf: Option<Confirmation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth: Option<AuthContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorization_details: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    act: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    may_act: Option<serde_json::Value>,
    #[serde(with = "unix_seconds", skip_serializing_if = "Option::is_none")]
    granted_at: Option<SystemTime>,
}

/// What a code or token carries beyond who, what and until when: audience (RFC 8707), the key
/// it is bound to (`cnf`), how its owner authenticated, a code's OpenID Connect `nonce`, and
/// authorization details (RFC 9396). Stores keep it as one JSON object.
///
/// ```
/// use oauth2_provider::model::{Confirmation, Extras};
///
/// let extras = Extras::default()
///     .with_audience(vec!["https://api.example.com".into()])
///     .with_confirmation(Confirmation::JwkThumbprint("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I".into()));
/// assert_eq!(extras.audience(), ["https://api.example.com"]);
/// let stored = extras.to_json().unwrap();
/// assert_eq!(Extras::from_json(&stored).unwrap(), extras);
/// assert!(Extras::default().to_json().is_none()); // nothing to store
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Extras(Option<Box<Members>>);

impl Extras {
    /// `true` when nothing is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The audience: the resources the token may be used at (RFC 8707 §2). Empty: any.
    pub fn audience(&self) -> &[String] {
        self.0.as_ref().map_or(&[], |m| &m.audience)
    }

    /// The key the token is bound to, if any.
    pub fn confirmation(&self) -> Option<&Confirmation> {
        self.0.as_ref()?.cnf.as_ref()
    }

    /// How the resource owner authenticated, if known.
    pub fn auth(&self) -> Option<&AuthContext> {
        self.0.as_ref()?.auth.as_ref()
    }

    /// The OpenID Connect `nonce` of the authorization request (codes only).
    pub fn nonce(&self) -> Option<&str> {
        self.0.as_ref()?.nonce.as_deref()
    }

    /// Authorization details (RFC 9396), as sent.
    pub fn authorization_details(&self) -> Option<&serde_json::Value> {
        self.0.as_ref()?.authorization_details.as_ref()
    }

    /// The actor of a delegation (RFC 8693 §4.1 `act`): who acts for the subject, e.g.
    /// `{"sub": "service-b"}`, nested for a chain.
    pub fn actor(&self) -> Option<&serde_json::Value> {
        self.0.as_ref()?.act.as_ref()
    }

    /// Who may act for the subject (RFC 8693 §4.4 `may_act`), e.g. `{"sub": "service-b"}`:
    /// token exchange then takes no other actor.
    pub fn may_act(&self) -> Option<&serde_json::Value> {
        self.0.as_ref()?.may_act.as_ref()
    }

    /// When the grant family began, where its lifetime is bounded
    /// ([`Config::grant_lifetime`](crate::config::Config::grant_lifetime)).
    pub fn granted_at(&self) -> Option<SystemTime> {
        self.0.as_ref()?.granted_at
    }

    /// With the time the grant family began.
    pub fn with_granted_at(self, at: SystemTime) -> Self {
        self.with(|m| m.granted_at = Some(at))
    }

    /// With this audience.
    pub fn with_audience(self, audience: Vec<String>) -> Self {
        self.with(|m| m.audience = audience)
    }

    /// Bound to this key.
    pub fn with_confirmation(self, cnf: Confirmation) -> Self {
        self.with(|m| m.cnf = Some(cnf))
    }

    /// Bound to no key: what a confidential client's refresh token keeps of a DPoP-bound
    /// grant (RFC 9449 §5: its binding is the client's authentication).
    ///
    /// ```
    /// use oauth2_provider::model::{Confirmation, Extras};
    /// let bound = Extras::default().with_confirmation(Confirmation::JwkThumbprint("k".into()));
    /// assert!(bound.without_confirmation().is_empty());
    /// ```
    pub fn without_confirmation(self) -> Self {
        self.with(|m| m.cnf = None)
    }

    /// With this authentication context.
    pub fn with_auth(self, auth: AuthContext) -> Self {
        self.with(|m| m.auth = Some(auth))
    }

    /// With this OpenID Connect `nonce`.
    pub fn with_nonce(self, nonce: impl Into<String>) -> Self {
        self.with(|m| m.nonce = Some(nonce.into()))
    }

    /// With these authorization details (RFC 9396).
    pub fn with_authorization_details(self, details: serde_json::Value) -> Self {
        self.with(|m| m.authorization_details = Some(details))
    }

    /// Acted on by `act` (RFC 8693 §4.1).
    pub fn with_actor(self, act: serde_json::Value) -> Self {
        self.with(|m| m.act = Some(act))
    }

    /// Only `may_act` may act for the subject in a token exchange (RFC 8693 §4.4).
    ///
    /// ```
    /// use oauth2_provider::model::Extras;
    ///
    /// let extras = Extras::default().with_may_act(serde_json::json!({ "sub": "service-b" }));
    /// assert_eq!(extras.may_act().unwrap()["sub"], "service-b");
    /// ```
    pub fn with_may_act(self, may_act: serde_json::Value) -> Self {
        self.with(|m| m.may_act = Some(may_act))
    }

    /// What tokens inherit from the code or refresh token they are issued for: everything but
    /// the `nonce`, which belongs to the authorization request alone.
    pub fn inherited(&self) -> Self {
        let mut extras = self.clone();
        if extras.nonce().is_some() {
            extras = extras.with(|m| m.nonce = None);
        }
        extras
    }

    /// The stored form, a JSON object; `None` when empty (stores keep `NULL` or no field).
    pub fn to_json(&self) -> Option<String> {
        let members = self.0.as_deref()?;
        Some(serde_json::to_string(members).unwrap_or_else(|_| String::from("{}")))
    }

    /// The extras of a stored JSON object; `Err` when it is not one.
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        let members: Members = serde_json::from_str(json)?;
        Ok(Extras::normalized(members))
    }

    fn with(self, change: impl FnOnce(&mut Members)) -> Self {
        let mut members = self.0.map(|m| *m).unwrap_or_default();
        change(&mut members);
        Extras::normalized(members)
    }

    fn normalized(members: Members) -> Self {
        if members == Members::default() {
            Extras(None)
        } else {
            Extras(Some(Box::new(members)))
        }
    }
}

impl fmt::Debug for Extras {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Extras");
        if let Some(m) = &self.0 {
            s.field("audience", &m.audience)
                .field("cnf", &m.cnf)
                .field("auth", &m.auth)
                // A nonce is not a secret, but it is the client's: shown as present only.
                .field("nonce", &m.nonce.as_ref().map(|_| ".."))
                .field("authorization_details", &m.authorization_details.is_some())
                .field("act", &m.act)
                .field("may_act", &m.may_act)
                .field("granted_at", &m.granted_at);
        }
        s.finish()
    }
}

impl Serialize for Extras {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(members) => members.serialize(ser),
            None => Members::default().serialize(ser),
        }
    }
}

impl<'de> Deserialize<'de> for Extras {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Members::deserialize(de).map(Extras::normalized)
    }
}

/// `auth_time` as a NumericDate: whole seconds since the epoch.
mod unix_seconds {
    use super::*;

    pub(super) fn serialize<S: Serializer>(
        at: &Option<SystemTime>,
        ser: S,
    ) -> Result<S::Ok, S::Error> {
        let secs = at.and_then(|t| t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs()));
        secs.serialize(ser)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        de: D,
    ) -> Result<Option<SystemTime>, D::Error> {
        let secs = Option::<u64>::deserialize(de)?;
        Ok(secs.and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s))))
    }
}

/// An audience as RFC 7519 §4.1.3 writes it: one string for one audience, else an array.
pub(crate) fn one_or_many<S: Serializer, T: AsRef<str>>(
    aud: &[T],
    ser: S,
) -> Result<S::Ok, S::Error> {
    match aud {
        [one] => ser.serialize_str(one.as_ref()),
        many => ser.collect_seq(many.iter().map(AsRef::as_ref)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_member() {
        let extras = Extras::default()
            .with_audience(vec!["https://a.example".into(), "https://b.example".into()])
            .with_confirmation(Confirmation::CertificateThumbprint(
                "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2".into(),
            ))
            .with_auth(AuthContext {
                auth_time: Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
                acr: Some("urn:mace:incommon:iap:silver".into()),
                amr: vec!["pwd".into(), "otp".into()],
            })
            .with_nonce("n-0S6_WzA2Mj")
            .with_authorization_details(serde_json::json!([{"type": "payment_initiation"}]))
            .with_granted_at(UNIX_EPOCH + Duration::from_secs(1_699_999_000));
        let json = extras.to_json().unwrap();
        assert!(json.contains(r#""granted_at":1699999000"#), "{json}");
        assert!(json.contains(r#""cnf":{"x5t#S256":"#), "{json}");
        assert!(json.contains(r#""auth_time":1700000000"#), "{json}");
        assert_eq!(Extras::from_json(&json).unwrap(), extras);
        assert_eq!(extras.inherited().nonce(), None);
        assert_eq!(extras.inherited().audience(), extras.audience());
    }

    #[test]
    fn empty_is_nothing_at_rest_and_unknown_members_are_ignored() {
        assert!(Extras::from_json("{}").unwrap().is_empty());
        assert!(Extras::default().with_audience(Vec::new()).is_empty());
        let later = Extras::from_json(r#"{"aud":["x"],"added_by_a_later_version":1}"#).unwrap();
        assert_eq!(later.audience(), ["x"]);
        assert!(Extras::from_json("1").is_err());
    }
}
