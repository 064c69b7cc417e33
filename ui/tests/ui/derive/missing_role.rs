use oauth2_provider::{OAuthClient, scopes};

#[scopes(read = 1 << 0)]
pub struct Scope;

#[derive(OAuthClient)]
pub struct App {
    #[oauth(secret_hash)]
    secret: Option<String>,
    #[oauth(redirect_uris)]
    callbacks: Vec<String>,
    #[oauth(scope)]
    allowed: Scope,
}

fn needs_client<C: OAuthClient>() {}

fn main() {
    // The stub impl stands in: no second error here.
    needs_client::<App>();
}
