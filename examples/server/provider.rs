//! The example's provider, declared with the `#[provider]` macro: the store `--store` names,
//! the users of the fixtures, and the pages behind the `consent` hook.

use std::collections::HashMap;

use oauth2_provider::config::Config;
use oauth2_provider::grant::{Grant, TokenRequest, jwt_bearer, token_exchange};
use oauth2_provider::resource::ResourceServers;
use oauth2_provider::store::{ClientStore, KeyStore, StateStore, TokenStore};
use oauth2_provider::{AuthorizationRequest, Decision, OAuthError};

use super::model::{Client, Scope, User};
use super::pages::Pages;

/// What the example needs of a store: clients (registered through it) and tokens, of the
/// model types above, the pages' sessions and remembered approvals, and the signing keys.
pub trait DemoStore:
    ClientStore<Client = Client> + TokenStore<Scope = Scope> + StateStore + KeyStore
{
}
impl<St> DemoStore for St where
    St: ClientStore<Client = Client> + TokenStore<Scope = Scope> + StateStore + KeyStore
{
}

pub struct DemoProvider<St> {
    pub store: St,
    pub config: Config,
    pub users: HashMap<String, User>,
    pub pages: Pages,
    /// The resource servers tokens are for (RFC 8707): `{issuer}/api`, the default, and each
    /// `--resource`; every one accepts every scope.
    pub resources: ResourceServers<Scope>,
    /// An argon2id hash of a random secret, checked for unknown usernames.
    pub dummy_hash: String,
}

// Every grant of RFC 6749 is served, and the device grant (RFC 8628), whose flows the store
// keeps as state; the configuration switches the implicit and password grants, which RFC 9700
// advises against, off unless `--enable-implicit` and `--enable-password` are given.
#[oauth2_provider::provider(
    owner = User,
    grants(authorization_code, implicit, password, client_credentials, refresh_token, device_code)
)]
impl<St: DemoStore> DemoProvider<St> {
    #[provider(store)]
    fn store(&self) -> &St {
        &self.store
    }

    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }

    #[provider(resources)]
    fn resources(&self) -> Option<&ResourceServers<Scope>> {
        Some(&self.resources)
    }

    /// The password grant's check, and the sign-in page's: argon2id on the configuration's
    /// hash pool, off the async workers; a full pool is `temporarily_unavailable` at once.
    #[hook(authenticate_owner)]
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<User>, OAuthError> {
        let user = self.users.get(username);
        // An unknown username costs a check too, so usernames cannot be probed by timing.
        let stored = user.map_or(self.dummy_hash.as_str(), |u| u.password_hash.as_str());
        let right = self.config.hashing.verify(stored, password).await?;
        Ok(user.filter(|_| right).cloned())
    }

    /// RFC 8693: a token of this server exchanged for one of part of its audience and scope,
    /// by the client it was issued to (which lists the grant).
    #[grant("urn:ietf:params:oauth:grant-type:token-exchange")]
    async fn token_exchange(
        &self,
        request: &TokenRequest<'_>,
        client: &Client,
    ) -> Result<Grant<Scope>, OAuthError> {
        let exchange = token_exchange::Exchange::parse(request)?;
        token_exchange::exchange(self, &exchange, client).await
    }

    /// RFC 7523 §2.1: an assertion of an issuer `--trust-issuer` or `--trust-id-jag-issuer`
    /// names, for its `sub`, by a client that lists the grant.
    #[grant("urn:ietf:params:oauth:grant-type:jwt-bearer")]
    async fn jwt_bearer(
        &self,
        request: &TokenRequest<'_>,
        client: &Client,
    ) -> Result<Grant<Scope>, OAuthError> {
        let assertion = jwt_bearer::Assertion::parse(request)?;
        jwt_bearer::grant(self, &assertion, client).await
    }

    /// Who the user is and what they approve: the sign-in and consent pages.
    #[hook(consent)]
    async fn ask(
        &self,
        request: &AuthorizationRequest<'_, Client>,
    ) -> Result<Decision<Scope>, OAuthError> {
        self.pages.decide(request, self).await
    }

    /// The `sub` of the user signed in as `username`; empty if they are gone.
    pub fn sub_of(&self, username: &str) -> &str {
        self.users.get(username).map_or("", |u| u.sub.as_str())
    }

    /// The user `sub` names, whose fields are the claims UserInfo answers. A linear search:
    /// the fixtures hold a handful of users.
    #[hook(find_owner)]
    async fn user(&self, subject: &str) -> Result<Option<User>, OAuthError> {
        Ok(self
            .users
            .values()
            .find(|user| user.sub == subject)
            .cloned())
    }
}
