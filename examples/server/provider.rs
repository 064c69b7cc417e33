//! The example's provider: the memory store, the users, and the pages behind the `consent` hook.

use std::collections::HashMap;

use oauth2_provider::config::Config;
use oauth2_provider::provider::Provider;
use oauth2_provider::secret::verify_secret;
use oauth2_provider::store::{ClientAdmin, Store};
use oauth2_provider::{AuthorizationRequest, Decision, OAuthError};

use super::model::{Client, Scope, User};
use super::pages::Pages;

/// What the example needs of a store: the model types above, and client registration.
pub trait DemoStore: Store<Scope = Scope, Client = Client> + ClientAdmin {}
impl<St: Store<Scope = Scope, Client = Client> + ClientAdmin> DemoStore for St {}

pub struct DemoProvider<St> {
    pub store: St,
    pub config: Config,
    pub users: HashMap<String, User>,
    pub pages: Pages,
    /// An argon2id hash of a random secret, checked for unknown usernames.
    pub dummy_hash: String,
}

impl<St: DemoStore> Provider for DemoProvider<St> {
    type Store = St;
    type Owner = User;

    fn store(&self) -> &Self::Store {
        &self.store
    }

    fn config(&self) -> &Config {
        &self.config
    }

    async fn authenticate_owner(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<User>, OAuthError> {
        match self.users.get(username) {
            Some(user) if user.check_password(password) => Ok(Some(user.clone())),
            Some(_) => Ok(None),
            None => {
                // As slow as a wrong password, so usernames cannot be probed by timing.
                verify_secret(&self.dummy_hash, password);
                Ok(None)
            }
        }
    }

    async fn consent(
        &self,
        request: &AuthorizationRequest<'_, Client>,
    ) -> Result<Decision<Scope>, OAuthError> {
        Ok(self.pages.decide(request, self).await)
    }
}
