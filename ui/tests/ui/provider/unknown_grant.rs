use oauth2_provider::config::Config;
use oauth2_provider::store::MemoryStore;
use oauth2_provider::{OAuthClient, ResourceOwner, scopes};

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
}

#[derive(ResourceOwner)]
pub struct User {
    #[oauth(subject)]
    name: String,
}

pub struct MyProvider {
    store: MemoryStore<App>,
    config: Config,
}

#[oauth2_provider::provider(owner = User, grants(authorization_code, ciba))]
impl MyProvider {
    #[provider(store)]
    fn store(&self) -> &MemoryStore<App> {
        &self.store
    }

    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }
}

fn main() {}
