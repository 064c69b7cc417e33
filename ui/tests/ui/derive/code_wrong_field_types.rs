use oauth2_provider::pkce::PkceChallenge;
use oauth2_provider::{AuthorizationCode, scopes};

#[scopes(read = 1 << 0)]
pub struct Scope;

// Every role's field of the wrong type, each reported once, at its type.
#[derive(AuthorizationCode)]
pub struct Code {
    #[oauth(code_hash)]
    hash: String,
    #[oauth(grant_id)]
    grant: u64,
    #[oauth(client_id)]
    client: u64,
    #[oauth(subject)]
    user: i64,
    #[oauth(redirect_uri)]
    redirect_uri: String,
    #[oauth(scope)]
    scope: Scope,
    #[oauth(challenge)]
    challenge: PkceChallenge,
    #[oauth(expires_at)]
    expires: u64,
    #[oauth(extras)]
    extras: String,
}

fn main() {}
