use oauth2_provider::store::MemoryStore;
use oauth2_provider::{Grant, OAuthClient, OAuthError, ResourceOwner, TokenRequest, scopes};

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
}

// Every mistake is reported, each at its own token, and nothing else.
#[oauth2_provider::provider(owner = User, grants(client_credentials, client_credentials, device))]
impl MyProvider {
    #[provider(store)]
    fn store(&self) -> &MemoryStore<App> {
        &self.store
    }

    #[grant(password)]
    async fn password(&self, request: &TokenRequest<'_>) -> Result<Grant<Scope>, OAuthError> {
        let _ = request;
        Ok(Grant::for_client(Scope::READ))
    }

    #[grant("jwt-bearer")]
    async fn jwt(
        &self,
        request: &TokenRequest<'_>,
        client: &App,
    ) -> Result<Grant<Scope>, OAuthError> {
        let _ = request;
        Ok(Grant::for_client(client.allowed))
    }

    #[hook(on_login)]
    fn on_login(&self) {}

    #[hook(token_revoked)]
    async fn revoked(event: &oauth2_provider::provider::RevokeEvent<'_>) {
        let _ = event;
    }
}

fn main() {
    // The provider is still a provider: its uses report nothing more.
    let provider = MyProvider {
        store: MemoryStore::new(),
    };
    let _ = oauth2_provider::Server::new(provider);
}
