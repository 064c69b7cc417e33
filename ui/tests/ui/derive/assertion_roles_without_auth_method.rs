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
    #[oauth(jwks)]
    keys: Option<serde_json::Value>,
    #[oauth(jwks_uri)]
    keys_at: Option<String>,
    #[oauth(assertion_secret)]
    mac_key: Option<Vec<u8>>,
}

fn main() {}
