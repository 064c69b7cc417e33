use oauth2_provider::model::TokenHash;
use oauth2_provider::{AccessToken, scopes};

#[scopes(read = 1 << 0)]
pub struct Scope;

#[derive(AccessToken)]
pub struct Token {
    #[oauth(token_hash)]
    hash: TokenHash,
    #[oauth(scope)]
    scope: Scope,
}

fn main() {}
