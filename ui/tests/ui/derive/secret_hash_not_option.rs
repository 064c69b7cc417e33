use oauth2_provider::{OAuthClient, scopes};

#[scopes(read = 1 << 0)]
pub struct Scope;

// A public client has no secret: the field is an `Option`.
#[derive(OAuthClient)]
pub struct App {
    #[oauth(client_id)]
    id: String,
    #[oauth(secret_hash)]
    secret: String,
    #[oauth(redirect_uris)]
    callbacks: Vec<String>,
    #[oauth(scope)]
    allowed: Scope,
}

fn main() {}
