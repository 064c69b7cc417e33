//! The client ID metadata document: its validation (draft §4, §6) and the client record it
//! stands for.

use serde::Deserialize;
use serde_json::{Map, Value};
use url::Url;

use super::CimdError;
use crate::model::{AuthMethod, ClientMetadata, ClientRecord};
use crate::redirect_uri::{Unregistrable, check_registrable};
use crate::scope::Scopes;

/// A validated client ID metadata document.
///
/// Read with [`ClientDocument::parse`], which holds the draft's rules: a JSON object whose
/// `client_id` is the requested URL (simple string comparison); `redirect_uris` present and
/// non-empty, each an absolute URI without fragment, `https`, `http` to a loopback host
/// (`127.0.0.1`, `[::1]`, `localhost`, RFC 8252 §7.3) or a private-use scheme (RFC 8252
/// §7.1); `token_endpoint_auth_method` absent, `none` or `private_key_jwt` (the shared-secret
/// methods and the members `client_secret` and `client_secret_expires_at` are refused);
/// `private_key_jwt` with `jwks_uri` or `jwks`; `client_uri`, `logo_uri`, `tos_uri`,
/// `policy_uri` and `jwks_uri` https. Members it does not know are ignored.
///
/// ```
/// use oauth2_provider::cimd::ClientDocument;
///
/// let body = br#"{
///     "client_id": "https://app.example/client.json",
///     "client_name": "App",
///     "redirect_uris": ["https://app.example/cb", "http://127.0.0.1/cb"],
///     "software_statement_of_the_future": true
/// }"#;
/// let doc = ClientDocument::parse(body, "https://app.example/client.json").unwrap();
/// assert_eq!(doc.client_name.as_deref(), Some("App"));
/// assert_eq!(doc.grant_types, ["authorization_code"]);
/// assert_eq!(doc.response_types, ["code"]);
/// assert!(ClientDocument::parse(body, "https://other.example/client.json").is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ClientDocument {
    /// The URL it was fetched from, which is the client's `client_id`.
    pub client_id: String,
    /// The redirect URIs, as given.
    pub redirect_uris: Vec<String>,
    /// `grant_types`, `["authorization_code"]` when absent.
    pub grant_types: Vec<String>,
    /// `response_types`, `["code"]` when absent.
    pub response_types: Vec<String>,
    /// `token_endpoint_auth_method`: [`AuthMethod::None`] (also when absent) or
    /// [`AuthMethod::PrivateKeyJwt`], never a shared-secret method: the document is public
    /// (draft §4.1).
    pub token_endpoint_auth_method: AuthMethod,
    /// `client_name`.
    pub client_name: Option<String>,
    /// `scope`: the space-separated string as given.
    pub scope: Option<String>,
    /// `application_type` (`web`, `native`), as given.
    pub application_type: Option<String>,
    /// `client_uri`, https.
    pub client_uri: Option<String>,
    /// `logo_uri`, https.
    pub logo_uri: Option<String>,
    /// `tos_uri`, https.
    pub tos_uri: Option<String>,
    /// `policy_uri`, https.
    pub policy_uri: Option<String>,
    /// `jwks_uri`, https: where a `private_key_jwt` client's keys are (feature `jwt`).
    pub jwks_uri: Option<String>,
    /// `jwks`, a JWK Set, as given: a `private_key_jwt` client's keys (feature `jwt`).
    pub jwks: Option<Value>,
}

/// The members read, with the JSON types RFC 7591 gives them; a member of another type makes
/// the document malformed. Everything else in the object is ignored.
#[derive(Deserialize)]
struct Members {
    client_id: Option<String>,
    redirect_uris: Option<Vec<String>>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
    token_endpoint_auth_method: Option<String>,
    client_name: Option<String>,
    scope: Option<String>,
    application_type: Option<String>,
    client_uri: Option<String>,
    logo_uri: Option<String>,
    tos_uri: Option<String>,
    policy_uri: Option<String>,
    jwks_uri: Option<String>,
    jwks: Option<Value>,
}

impl ClientDocument {
    /// Validates `body` as the document of `client_id` (the URL it was fetched from).
    ///
    /// ```
    /// use oauth2_provider::cimd::{CimdError, ClientDocument};
    ///
    /// let secret = br#"{"client_id": "https://a.example/c", "redirect_uris": ["https://a.example/cb"],
    ///                   "token_endpoint_auth_method": "client_secret_basic"}"#;
    /// let refused = ClientDocument::parse(secret, "https://a.example/c").unwrap_err();
    /// assert_eq!(refused.description(), "a client metadata document cannot use a shared secret");
    /// ```
    pub fn parse(body: &[u8], client_id: &str) -> Result<ClientDocument, CimdError> {
        let refuse = |reason| Err(CimdError::Document(reason));
        let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
            return refuse("the client metadata document is not a JSON object");
        };
        if object.contains_key("client_secret") || object.contains_key("client_secret_expires_at") {
            return refuse("a client metadata document cannot use a shared secret");
        }
        let Ok(members) = serde_json::from_value::<Members>(Value::Object(object)) else {
            return refuse("the client metadata document has a member of the wrong type");
        };
        if members.client_id.as_deref() != Some(client_id) {
            return refuse("the client_id of the client metadata document is not its URL");
        }
        let token_endpoint_auth_method = match members.token_endpoint_auth_method.as_deref() {
            None | Some("none") => AuthMethod::None,
            Some("private_key_jwt") => AuthMethod::PrivateKeyJwt,
            Some("client_secret_basic" | "client_secret_post" | "client_secret_jwt") => {
                return refuse("a client metadata document cannot use a shared secret");
            }
            Some(_) => return refuse("the token_endpoint_auth_method is not supported"),
        };
        if token_endpoint_auth_method == AuthMethod::PrivateKeyJwt
            && members.jwks_uri.is_none()
            && members.jwks.is_none()
        {
            return refuse("private_key_jwt needs jwks_uri or jwks");
        }
        let redirect_uris = members.redirect_uris.unwrap_or_default();
        if redirect_uris.is_empty() {
            return refuse("the client metadata document has no redirect_uris");
        }
        if !redirect_uris.iter().all(|uri| is_redirect_uri(uri)) {
            return refuse("a redirect_uri of the client metadata document is not allowed");
        }
        let uris = [
            &members.client_uri,
            &members.logo_uri,
            &members.tos_uri,
            &members.policy_uri,
            &members.jwks_uri,
        ];
        if !uris.into_iter().flatten().all(|uri| is_https(uri)) {
            return refuse("the URIs of a client metadata document must be https");
        }
        Ok(ClientDocument {
            client_id: client_id.to_owned(),
            redirect_uris,
            grant_types: members
                .grant_types
                .unwrap_or_else(|| vec!["authorization_code".into()]),
            response_types: members
                .response_types
                .unwrap_or_else(|| vec!["code".into()]),
            token_endpoint_auth_method,
            client_name: members.client_name,
            scope: members.scope,
            application_type: members.application_type,
            client_uri: members.client_uri,
            logo_uri: members.logo_uri,
            tos_uri: members.tos_uri,
            policy_uri: members.policy_uri,
            jwks_uri: members.jwks_uri,
            jwks: members.jwks,
        })
    }

    /// The client this document stands for, as the ready-made record: public (no secret
    /// hash), named by `client_name` or else the `client_id`'s host, the redirect URIs and
    /// grant types as given.
    ///
    /// Its scope is the ceiling the client may be granted: the document's `scope` read name by
    /// name against `S::DEFS`, **unknown names dropped** (a document is written for many
    /// servers, so a name this one does not define is not an error); without a `scope`
    /// member, every scope `S` defines ([`Scopes::all`]), since the consent the user gives is
    /// what narrows it.
    ///
    /// `metadata.other` keeps `client_uri`, `logo_uri`, `tos_uri`, `policy_uri`,
    /// `application_type`, `token_endpoint_auth_method`, `jwks_uri`, `jwks` and
    /// `"registration_source": "cimd"`.
    ///
    /// ```
    /// use oauth2_provider::cimd::ClientDocument;
    /// use oauth2_provider::model::OAuthClient;
    /// # use oauth2_provider::scope::{ScopeDef, Scopes};
    /// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct Scope(u8);
    /// # impl Scopes for Scope { type Bits = u8;
    /// #   const DEFS: &'static [ScopeDef<u8>] = &[ScopeDef::single("read", 1), ScopeDef::single("write", 2)];
    /// #   const DEFAULT: u8 = 1; fn from_bits_retain(b: u8) -> Self { Scope(b) } fn bits(&self) -> u8 { self.0 } }
    ///
    /// let body = br#"{"client_id": "https://app.example/c", "redirect_uris": ["https://app.example/cb"],
    ///                 "scope": "read admin"}"#;
    /// let client = ClientDocument::parse(body, "https://app.example/c").unwrap().to_record::<Scope>();
    /// assert_eq!(client.name, "app.example");
    /// assert_eq!(client.allowed_scope(), Scope::from_name("read").unwrap()); // `admin` dropped
    /// assert!(!client.is_confidential());
    /// assert_eq!(client.metadata.other["registration_source"], "cimd");
    /// ```
    pub fn to_record<S: Scopes>(&self) -> ClientRecord<S> {
        let scope = match &self.scope {
            Some(names) => names
                .split(' ')
                .filter_map(S::from_name)
                .fold(S::empty(), S::union),
            None => S::all(),
        };
        let name = self.client_name.clone().unwrap_or_else(|| {
            Url::parse(&self.client_id)
                .ok()
                .and_then(|url| url.host_str().map(str::to_owned))
                .unwrap_or_else(|| self.client_id.clone())
        });
        let mut other = Map::new();
        let members = [
            ("client_uri", &self.client_uri),
            ("logo_uri", &self.logo_uri),
            ("tos_uri", &self.tos_uri),
            ("policy_uri", &self.policy_uri),
            ("application_type", &self.application_type),
            ("jwks_uri", &self.jwks_uri),
        ];
        for (name, value) in members {
            if let Some(value) = value {
                other.insert(name.into(), Value::String(value.clone()));
            }
        }
        if let Some(jwks) = &self.jwks {
            other.insert("jwks".into(), jwks.clone());
        }
        other.insert(
            "token_endpoint_auth_method".into(),
            self.token_endpoint_auth_method.as_str().into(),
        );
        other.insert("registration_source".into(), "cimd".into());
        ClientRecord {
            client_id: self.client_id.clone(),
            secret_hash: None,
            redirect_uris: self.redirect_uris.clone(),
            grant_types: self.grant_types.clone(),
            scope,
            name,
            metadata: ClientMetadata {
                resource_server: false,
                other,
            },
        }
    }
}

/// A redirect URI a document may list: what [`check_registrable`] accepts, and `http` to
/// `localhost` as well, which native clients publish (RFC 8252 §7.3; Claude Code's document
/// lists `http://localhost/callback`).
fn is_redirect_uri(uri: &str) -> bool {
    match check_registrable(uri) {
        Ok(()) => true,
        Err(Unregistrable::PlainHttp) => {
            let Ok(mut url) = Url::parse(uri) else {
                return false;
            };
            // The same URI as https, so that every other rule is still checked on it.
            url.host_str() == Some("localhost")
                && url.set_scheme("https").is_ok()
                && check_registrable(url.as_str()).is_ok()
        }
        Err(_) => false,
    }
}

fn is_https(uri: &str) -> bool {
    Url::parse(uri).is_ok_and(|url| url.scheme() == "https" && url.host_str().is_some())
}

#[cfg(test)]
#[path = "document_tests.rs"]
mod tests;
