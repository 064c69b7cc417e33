use oauth2_provider::{OAuthClient, scopes};

#[scopes(read = 1 << 0)]
pub struct Scope;

#[derive(OAuthClient)]
pub struct App {
    #[oauth(client_id)]
    id: String,
    #[oauth(secret_hash)]
    secret: Option<String>,
    #[oauth(redirect_uris)]
    callbacks: Vec<String>,
    #[oauth(scope)]
    allowed: Scope,
    #[oauth(auth_method)]
    method: Option<oauth2_provider::model::AuthMethod>,
    #[oauth(jwks_uri)]
    keys_at: Vec<String>,
}

fn main() {}
