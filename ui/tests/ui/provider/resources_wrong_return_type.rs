use oauth2_provider::config::Config;
use oauth2_provider::resource::ResourceServers;
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
    resources: ResourceServers<Scope>,
}

// `resources` answers an `Option`: a provider may declare none.
#[oauth2_provider::provider(owner = User, grants(client_credentials))]
impl MyProvider {
    #[provider(store)]
    fn store(&self) -> &MemoryStore<App> {
        &self.store
    }

    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }

    #[provider(resources)]
    fn resources(&self) -> &ResourceServers<Scope> {
        &self.resources
    }
}

fn main() {}
