use oauth2_provider::pkce::PkceChallenge;
use oauth2_provider::model::{Extras, GrantId, TokenHash};
use oauth2_provider::{AuthorizationCode, scopes};
use std::time::SystemTime;

#[scopes(read = 1 << 0)]
pub struct Scope;

pub struct Audit;

#[derive(AuthorizationCode)]
pub struct Code {
    #[oauth(code_hash)]
    hash: TokenHash,
    #[oauth(grant_id)]
    grant: GrantId,
    #[oauth(client_id)]
    client: String,
    #[oauth(subject)]
    user: String,
    #[oauth(redirect_uri)]
    redirect_uri: Option<String>,
    #[oauth(scope)]
    scope: Scope,
    #[oauth(challenge)]
    challenge: Option<PkceChallenge>,
    #[oauth(expires_at)]
    expires: SystemTime,
    #[oauth(extras)]
    extras: Extras,
    audit: Audit,
}

fn main() {}
