//! The example's models, declared with the macros: scopes, clients, users.

use oauth2_provider::model::ClientRecord;
use oauth2_provider::{ResourceOwner, scopes};

/// What a token may do at the example's resource server.
#[scopes(
    read = 1 << 0,
    write = 1 << 1,
    profile = 1 << 2,
    email = 1 << 3,
    phone = 1 << 4,
    address = 1 << 5,
    openid = 1 << 6,
    offline_access = 1 << 7,
    default = read
)]
pub struct Scope;

/// A registered client, as every store keeps it. Secrets are stored hashed: argon2id for
/// secrets a person chose (the fixtures file), SHA-256 for the 256-bit secrets
/// `client create` generates.
pub type Client = ClientRecord<Scope>;

/// A user who can sign in (no `Debug`: it holds a password hash).
#[derive(ResourceOwner, Clone)]
pub struct User {
    #[oauth(subject)]
    pub username: String,
    pub password_hash: String,
}
