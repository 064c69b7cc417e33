use oauth2_provider::OAuthError;
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

// `find_owner` answers with the provider's owner type, not its subject.
#[oauth2_provider::provider(owner = User, grants(authorization_code))]
impl MyProvider {
    #[provider(store)]
    fn store(&self) -> &MemoryStore<App> {
        &self.store
    }

    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }

    #[hook(find_owner)]
    async fn user(&self, subject: &str) -> Result<Option<String>, OAuthError> {
        Ok(Some(subject.to_owned()))
    }
}

fn main() {}
