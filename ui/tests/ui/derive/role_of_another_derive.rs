use oauth2_provider::pkce::PkceChallenge;
use oauth2_provider::model::{Extras, GrantId, TokenHash};
use oauth2_provider::{AccessToken, scopes};
use std::time::SystemTime;

#[scopes(read = 1 << 0)]
pub struct Scope;

#[derive(AccessToken)]
pub struct Token {
    #[oauth(token_hash)]
    hash: TokenHash,
    #[oauth(grant_id)]
    grant: GrantId,
    #[oauth(client_id)]
    client: String,
    #[oauth(subject)]
    user: Option<String>,
    #[oauth(scope)]
    scope: Scope,
    #[oauth(expires_at)]
    expires: Option<SystemTime>,
    #[oauth(extras)]
    extras: Extras,
    #[oauth(challenge)]
    challenge: Option<PkceChallenge>,
}

fn main() {}
