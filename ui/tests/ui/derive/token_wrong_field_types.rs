use oauth2_provider::model::{Extras, GrantId};
use oauth2_provider::{AccessToken, scopes};
use std::time::SystemTime;

#[scopes(read = 1 << 0)]
pub struct Scope;

// Every role's field of the wrong type, each reported once, at its type.
#[derive(AccessToken)]
pub struct Token {
    #[oauth(token_hash)]
    hash: [u8; 32],
    #[oauth(grant_id)]
    grant: GrantId,
    #[oauth(client_id)]
    client: &'static str,
    #[oauth(subject)]
    user: Option<i64>,
    #[oauth(scope)]
    scope: Scope,
    #[oauth(expires_at)]
    expires: SystemTime,
    #[oauth(extras)]
    extras: Option<Extras>,
}

fn main() {}
