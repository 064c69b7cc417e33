use oauth2_provider::model::{Extras, GrantId, TokenHash};
use oauth2_provider::{RefreshToken, scopes};
use std::time::SystemTime;

#[scopes(read = 1 << 0)]
pub struct Scope;

#[derive(RefreshToken)]
pub struct Token {
    #[oauth(token_hash)]
    hash: TokenHash,
    #[oauth(grant_id)]
    grant: GrantId,
    #[oauth(client_id)]
    client: String,
    #[oauth(subject)]
    user: String,
    #[oauth(scope)]
    scope: Scope,
    #[oauth(expires_at)]
    expires: Option<SystemTime>,
    #[oauth(extras)]
    extras: Extras,
}

fn main() {}
