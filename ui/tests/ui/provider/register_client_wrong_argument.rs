use oauth2_provider::OAuthError;
use oauth2_provider::config::Config;
use oauth2_provider::model::ClientRecord;
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
    store: MemoryStore<ClientRecord<Scope>>,
    config: Config,
}

// The registration `register_client` may adjust is passed as `&mut ClientRecord<Scope>`.
#[oauth2_provider::provider(owner = User, grants(client_credentials))]
impl MyProvider {
    #[provider(store)]
    fn store(&self) -> &MemoryStore<ClientRecord<Scope>> {
        &self.store
    }

    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }

    #[hook(register_client)]
    async fn vet(
        &self,
        request: &oauth2_provider::registration::RegistrationRequest<'_>,
        client: ClientRecord<Scope>,
    ) -> Result<(), OAuthError> {
        let _ = (request, client);
        Ok(())
    }
}

fn main() {}
