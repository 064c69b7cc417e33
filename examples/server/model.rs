//! The example's models, declared with the macros: scopes, clients, users.

use oauth2_provider::model::ClientRecord;
use oauth2_provider::{ResourceOwner, scopes};
use serde::Deserialize;
use serde_json::Value;

/// What a token may do at the example's resource server, and the OpenID Connect scope values
/// (Core §5.4, §11), which the runtime knows by name.
#[scopes(
    read = 1 << 0 => "Read your notes",
    write = 1 << 1 => "Change your notes",
    profile = 1 << 2 => "See your name and profile",
    email = 1 << 3 => "See your email address",
    phone = 1 << 4 => "See your phone number",
    address = 1 << 5 => "See your postal address",
    openid = 1 << 6 => "Sign you in",
    offline_access = 1 << 7 => "Keep access while you are not signed in",
    default = read
)]
pub struct Scope;

/// A registered client, as every store keeps it. Secrets are stored hashed: argon2id for
/// secrets a person chose (the fixtures file), SHA-256 for the 256-bit secrets
/// `client create` generates.
pub type Client = ClientRecord<Scope>;

/// A user who can sign in (no `Debug`: it holds a password hash). Its claims are the
/// fixtures' `claims` object, read into the fields below; each field names its standard
/// claim, which UserInfo releases by scope.
#[derive(ResourceOwner, Clone, Default, Deserialize)]
#[serde(default)]
pub struct User {
    /// `sub`: `claims.sub`, or the username.
    #[oauth(subject)]
    #[serde(skip)]
    pub sub: String,
    #[serde(skip)]
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    #[oauth(claim = "name")]
    pub name: Option<Value>,
    #[oauth(claim = "given_name")]
    pub given_name: Option<Value>,
    #[oauth(claim = "family_name")]
    pub family_name: Option<Value>,
    #[oauth(claim = "middle_name")]
    pub middle_name: Option<Value>,
    #[oauth(claim = "nickname")]
    pub nickname: Option<Value>,
    #[oauth(claim = "preferred_username")]
    pub preferred_username: Option<Value>,
    #[oauth(claim = "profile")]
    pub profile: Option<Value>,
    #[oauth(claim = "picture")]
    pub picture: Option<Value>,
    #[oauth(claim = "website")]
    pub website: Option<Value>,
    #[oauth(claim = "gender")]
    pub gender: Option<Value>,
    #[oauth(claim = "birthdate")]
    pub birthdate: Option<Value>,
    #[oauth(claim = "zoneinfo")]
    pub zoneinfo: Option<Value>,
    #[oauth(claim = "locale")]
    pub locale: Option<Value>,
    #[oauth(claim = "updated_at")]
    pub updated_at: Option<Value>,
    #[oauth(claim = "email")]
    pub email: Option<Value>,
    #[oauth(claim = "email_verified")]
    pub email_verified: Option<Value>,
    #[oauth(claim = "address")]
    pub address: Option<Value>,
    #[oauth(claim = "phone_number")]
    pub phone_number: Option<Value>,
    #[oauth(claim = "phone_number_verified")]
    pub phone_number_verified: Option<Value>,
}
