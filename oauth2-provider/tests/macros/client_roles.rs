//! The optional roles of `#[derive(OAuthClient)]` beyond `grant_types` and `resource_server`:
//! each generated method returns what its field holds, every accepted field type is read, and
//! a client without them gets the trait's defaults.

use std::time::Duration;

use oauth2_provider::grant::RefreshGrace;
use oauth2_provider::model::{AuthMethod, ClientKeys, TokenFormat};
use oauth2_provider::{OAuthClient, scopes};
use serde_json::{Value, json};

#[scopes(read = 1 << 0, write = 1 << 1, default = read)]
pub struct Scope;

/// Every new role, on the types a model of its own would hold.
#[derive(OAuthClient, Clone)]
pub struct JwtApp {
    #[oauth(client_id)]
    pub id: String,
    #[oauth(secret_hash)]
    pub secret: Option<String>,
    #[oauth(redirect_uris)]
    pub callbacks: Vec<String>,
    #[oauth(scope)]
    pub allowed: Scope,
    #[oauth(auth_method)]
    pub method: Option<AuthMethod>,
    #[oauth(jwks)]
    pub jwks: Option<Value>,
    #[oauth(jwks_uri)]
    pub jwks_uri: Option<String>,
    #[oauth(assertion_secret)]
    pub mac_secret: Option<Vec<u8>>,
    #[oauth(access_token_format)]
    pub format: Option<TokenFormat>,
    #[oauth(resources)]
    pub resources: Vec<String>,
    #[oauth(refresh_grace)]
    pub grace: Option<RefreshGrace>,
    #[oauth(dpop_bound_access_tokens)]
    pub dpop: bool,
    #[oauth(require_pushed_authorization_requests)]
    pub par: bool,
}

/// A row of plain columns: names and strings where the other holds enums and bytes.
#[derive(OAuthClient)]
pub struct Row {
    #[oauth(client_id)]
    id: String,
    #[oauth(secret_hash)]
    secret: Option<String>,
    #[oauth(redirect_uris)]
    callbacks: Vec<String>,
    #[oauth(scope)]
    allowed: Scope,
    #[oauth(auth_method)]
    method: String,
    #[oauth(jwks)]
    jwks: Value,
    #[oauth(jwks_uri)]
    jwks_uri: String,
    #[oauth(assertion_secret)]
    mac_secret: String,
    #[oauth(access_token_format)]
    format: Option<&'static str>,
}

/// The roles without `auth_method`'s partners, and a generic `jwks_uri`.
#[derive(OAuthClient)]
pub struct Generic<U> {
    #[oauth(client_id)]
    id: &'static str,
    #[oauth(secret_hash)]
    secret: Option<&'static str>,
    #[oauth(redirect_uris)]
    callbacks: Vec<String>,
    #[oauth(scope)]
    allowed: Scope,
    #[oauth(auth_method)]
    method: AuthMethod,
    #[oauth(jwks_uri)]
    jwks_uri: U,
}

/// None of the new roles.
#[derive(OAuthClient)]
pub struct Plain {
    #[oauth(client_id)]
    id: String,
    #[oauth(secret_hash)]
    secret: Option<String>,
    #[oauth(redirect_uris)]
    callbacks: Vec<String>,
    #[oauth(scope)]
    allowed: Scope,
}

pub fn jwt_app(id: &str) -> JwtApp {
    JwtApp {
        id: id.to_owned(),
        secret: None,
        callbacks: vec!["https://jwt.example/cb".to_owned()],
        allowed: Scope::READ | Scope::WRITE,
        method: Some(AuthMethod::PrivateKeyJwt),
        jwks: Some(json!({ "keys": [] })),
        jwks_uri: Some("https://jwt.example/jwks.json".to_owned()),
        mac_secret: Some(b"a MAC secret".to_vec()),
        format: Some(TokenFormat::Jwt),
        resources: vec!["https://api.example".to_owned()],
        grace: Some(RefreshGrace::new(Duration::from_secs(30))),
        dpop: true,
        par: true,
    }
}

#[test]
fn each_role_reads_its_field() {
    let app = jwt_app("jwt");
    assert_eq!(app.auth_method(), Some(AuthMethod::PrivateKeyJwt));
    assert!(app.is_confidential(), "an assertion client has no secret");
    assert_eq!(app.jwks(), Some(ClientKeys::Jwks(&json!({ "keys": [] }))));
    assert_eq!(app.assertion_secret(), Some(&b"a MAC secret"[..]));
    assert_eq!(app.access_token_format(), Some(TokenFormat::Jwt));
    assert!(app.allows_resource("https://api.example"));
    assert!(!app.allows_resource("https://other.example"));
    assert_eq!(
        app.refresh_grace().map(|grace| grace.period()),
        Some(Duration::from_secs(30))
    );
    assert!(app.dpop_bound_access_tokens());
    assert!(app.requires_pushed_requests());
    assert!(app.allows_grant_type("password"), "no grant_types: all");
}

#[test]
fn jwks_is_the_set_else_the_uri_else_none() {
    let mut app = jwt_app("jwt");
    app.jwks = Some(Value::Null);
    assert_eq!(
        app.jwks(),
        Some(ClientKeys::Uri("https://jwt.example/jwks.json"))
    );
    app.jwks = None;
    assert_eq!(
        app.jwks(),
        Some(ClientKeys::Uri("https://jwt.example/jwks.json"))
    );
    app.jwks_uri = Some(String::new());
    assert_eq!(app.jwks(), None);
    app.jwks_uri = None;
    assert_eq!(app.jwks(), None);
}

#[test]
fn empty_and_absent_values_are_none() {
    let mut app = jwt_app("jwt");
    app.mac_secret = Some(Vec::new());
    assert_eq!(app.assertion_secret(), None, "an empty key never MACs");
    app.mac_secret = None;
    app.method = None;
    app.format = None;
    app.grace = None;
    assert_eq!(app.assertion_secret(), None);
    assert_eq!(app.auth_method(), None);
    // Still keyed: a method the model cannot read does not make it public.
    assert!(app.is_confidential());
    app.jwks = None;
    app.jwks_uri = None;
    assert!(!app.is_confidential());
    assert_eq!(app.access_token_format(), None);
    assert_eq!(app.refresh_grace(), None);
}

#[test]
fn names_are_read_with_from_name() {
    let mut row = Row {
        id: "row".into(),
        secret: None,
        callbacks: Vec::new(),
        allowed: Scope::READ,
        method: "client_secret_jwt".into(),
        jwks: Value::Null,
        jwks_uri: "https://row.example/jwks".into(),
        mac_secret: "row secret".into(),
        format: Some("opaque"),
    };
    assert_eq!(row.auth_method(), Some(AuthMethod::ClientSecretJwt));
    assert_eq!(
        row.jwks(),
        Some(ClientKeys::Uri("https://row.example/jwks"))
    );
    assert_eq!(row.assertion_secret(), Some(&b"row secret"[..]));
    assert_eq!(row.access_token_format(), Some(TokenFormat::Opaque));
    row.method = "tls_client_auth".into();
    row.format = Some("paseto");
    row.jwks = json!({ "keys": [{ "kty": "OKP" }] });
    assert_eq!(row.auth_method(), None, "a name it does not know");
    assert_eq!(row.access_token_format(), None);
    assert_eq!(row.jwks(), Some(ClientKeys::Jwks(&row.jwks)));
}

#[test]
fn generic_field_and_a_lone_jwks_uri() {
    let app = Generic {
        id: "gen",
        secret: None,
        callbacks: Vec::new(),
        allowed: Scope::READ,
        method: AuthMethod::PrivateKeyJwt,
        jwks_uri: Some(Box::<str>::from("https://gen.example/jwks")),
    };
    assert_eq!(
        app.jwks(),
        Some(ClientKeys::Uri("https://gen.example/jwks"))
    );
    assert_eq!(app.auth_method(), Some(AuthMethod::PrivateKeyJwt));
    assert_eq!(app.assertion_secret(), None);
}

#[test]
fn without_the_roles_the_defaults() {
    let app = Plain {
        id: "plain".into(),
        secret: None,
        callbacks: Vec::new(),
        allowed: Scope::READ,
    };
    assert_eq!(app.auth_method(), None);
    assert_eq!(app.jwks(), None);
    assert_eq!(app.assertion_secret(), None);
    assert_eq!(app.access_token_format(), None);
    assert!(app.allows_resource("https://any.example"));
    assert_eq!(app.refresh_grace(), None);
    assert!(!app.dpop_bound_access_tokens());
    assert!(!app.requires_pushed_requests());
}
