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
    #[oauth(dpop_bound_access_tokens)]
    dpop: Option<bool>,
}

fn main() {}
