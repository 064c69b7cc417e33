use oauth2_provider::config::Config;
use oauth2_provider::provider::Provider;
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

// The macro writes the trait impl itself.
#[oauth2_provider::provider(owner = User, grants(client_credentials))]
impl Provider for MyProvider {
    type Clients = MemoryStore<App>;
    type Tokens = MemoryStore<App>;
    type Owner = User;

    #[provider(store)]
    fn clients(&self) -> &MemoryStore<App> {
        &self.store
    }

    fn tokens(&self) -> &MemoryStore<App> {
        &self.store
    }

    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }
}

fn main() {}
