use oauth2_provider::config::Config;
use oauth2_provider::store::MemoryStore;
use oauth2_provider::OAuthError;
use std::future::Future;
use std::pin::Pin;
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

// A future the macro cannot see into: rustc checks its output against the hook's.
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

    #[hook(token_revoked)]
    fn revoked(
        &self,
        event: &oauth2_provider::provider::RevokeEvent<'_>,
    ) -> Pin<Box<dyn Future<Output = Result<(), OAuthError>> + Send + '_>> {
        let _ = event;
        Box::pin(async { Ok(()) })
    }
}

fn main() {}
