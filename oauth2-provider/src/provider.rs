//! The provider: which store, which owner type, which grants, and the hooks that customise them.
//!
//! Every hook is a provided method with the framework's default, so a provider overrides only
//! what it needs. The `#[provider]` macro generates this impl from attributes on an inherent
//! impl block; it can equally be written by hand:
//!
//! ```
//! use std::sync::Arc;
//! use oauth2_provider::config::Config;
//! use oauth2_provider::model::{OAuthClient, ResourceOwner};
//! use oauth2_provider::provider::Provider;
//! use oauth2_provider::store::MemoryStore;
//! use oauth2_provider::OAuthError;
//! # use oauth2_provider::scope::{Scope, ScopeDef};
//! # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
//! # impl Scope for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
//! #   const DEFAULT: u8 = 0; fn from_bits_retain(b: u8) -> Self { S(b) } fn bits(&self) -> u8 { self.0 } }
//! # struct App { id: String, uris: Vec<String> }
//! # impl OAuthClient for App { type Scope = S; fn client_id(&self) -> &str { &self.id }
//! #   fn secret_hash(&self) -> Option<&str> { None } fn redirect_uris(&self) -> &[String] { &self.uris }
//! #   fn allowed_scope(&self) -> S { S(0) } }
//!
//! struct User { name: String }
//! impl ResourceOwner for User { fn subject(&self) -> String { self.name.clone() } }
//!
//! struct MyProvider { store: MemoryStore<App>, config: Config }
//!
//! impl Provider for MyProvider {
//!     type Store = MemoryStore<App>;
//!     type Owner = User;
//!     fn store(&self) -> &Self::Store { &self.store }
//!     fn config(&self) -> &Config { &self.config }
//!
//!     async fn authenticate_owner(&self, username: &str, password: &str)
//!         -> Result<Option<User>, OAuthError>
//!     {
//!         Ok((username == "alice" && password == "wonderland").then(|| User { name: "alice".into() }))
//!     }
//! }
//! ```

use std::future::Future;
use std::sync::Arc;

use crate::authorize::{AuthorizationRequest, Decision};
use crate::config::{Config, GrantType};
use crate::error::{ErrorCode, OAuthError, StoreError};
use crate::grant::{self, Grant, TokenRequest};
use crate::model::ResourceOwner;
use crate::store::Store;

/// The client model of a provider.
pub type ClientOf<P> = <<P as Provider>::Store as Store>::Client;
/// The scope type of a provider.
pub type ScopeOf<P> = <<P as Provider>::Store as Store>::Scope;

/// An authorization server: a store, an owner type, a configuration and hooks.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an OAuth provider",
    label = "add `#[oauth2_provider::provider(...)]` to an impl block of it, or implement `Provider` by hand"
)]
pub trait Provider: Send + Sync + Sized + 'static {
    /// Where clients, codes and tokens live.
    type Store: Store;
    /// The resource owner model.
    type Owner: ResourceOwner;

    /// The store.
    fn store(&self) -> &Self::Store;

    /// The configuration.
    fn config(&self) -> &Config;

    /// The grants this provider serves: the dispatch table of the token and authorization
    /// endpoints, and what the metadata document advertises (those switched on in
    /// [`Config::grants`]). A `static` slice: dispatch searches it, allocating nothing.
    ///
    /// The default is the five grants of RFC 6749; the `#[provider]` macro generates the list
    /// from its `grants(...)` and its `#[grant("...")]` extension hooks.
    fn grant_types(&self) -> &'static [GrantType] {
        &[
            GrantType::AuthorizationCode,
            GrantType::Implicit,
            GrantType::Password,
            GrantType::ClientCredentials,
            GrantType::RefreshToken,
        ]
    }

    /// Hook `lookup_client`: the client registered as `client_id`. Default: the store's.
    fn lookup_client(
        &self,
        client_id: &str,
    ) -> impl Future<Output = Result<Option<Arc<ClientOf<Self>>>, StoreError>> + Send {
        self.store().find_client(client_id)
    }

    /// Hook `authenticate_owner`: checks a resource owner's username and password for the
    /// password grant (RFC 6749 §4.3.2). `Ok(None)` is a wrong username or password
    /// (`invalid_grant`). Default: nobody authenticates.
    fn authenticate_owner(
        &self,
        username: &str,
        password: &str,
    ) -> impl Future<Output = Result<Option<Self::Owner>, OAuthError>> + Send {
        let _ = (username, password);
        async { Ok(None) }
    }

    /// Hook `consent`: who the resource owner is and what they approve, for an authorization
    /// request that passed every protocol check (RFC 6749 §4.1.1, §4.2.1). Return
    /// [`Decision::Respond`] to show a login or consent page. Default: deny.
    fn consent(
        &self,
        request: &AuthorizationRequest<'_, ClientOf<Self>>,
    ) -> impl Future<Output = Result<Decision<ScopeOf<Self>>, OAuthError>> + Send {
        let _ = request;
        async { Ok(Decision::Deny) }
    }

    /// Grant handler `password` (RFC 6749 §4.3). Default: [`grant::password`], which checks the
    /// owner through [`Provider::authenticate_owner`].
    fn password_grant(
        &self,
        request: &TokenRequest<'_>,
        client: &ClientOf<Self>,
    ) -> impl Future<Output = Result<Grant<ScopeOf<Self>>, OAuthError>> + Send {
        grant::password(self, request, client)
    }

    /// Grant handler `client_credentials` (RFC 6749 §4.4). Default:
    /// [`grant::client_credentials`].
    fn client_credentials_grant(
        &self,
        request: &TokenRequest<'_>,
        client: &ClientOf<Self>,
    ) -> impl Future<Output = Result<Grant<ScopeOf<Self>>, OAuthError>> + Send {
        grant::client_credentials(self, request, client)
    }

    /// Extension grants (RFC 6749 §8.3): called for a `grant_type` listed in
    /// [`Provider::grant_types`] as a [`GrantType::Extension`]. Default: `unsupported_grant_type`.
    fn extension_grant(
        &self,
        grant_type: &str,
        request: &TokenRequest<'_>,
        client: &ClientOf<Self>,
    ) -> impl Future<Output = Result<Grant<ScopeOf<Self>>, OAuthError>> + Send {
        let _ = (grant_type, request, client);
        async {
            Err(OAuthError::new(
                ErrorCode::UnsupportedGrantType,
                "the grant type is not supported",
            ))
        }
    }

    /// Hook `before_issue`: the last word before any code or token is issued, for every grant.
    /// It may narrow `grant.scope`, drop the refresh token, or refuse with an error. Default: allow.
    fn before_issue(
        &self,
        grant_type: GrantType,
        client: &ClientOf<Self>,
        grant: &mut Grant<ScopeOf<Self>>,
    ) -> impl Future<Output = Result<(), OAuthError>> + Send {
        let _ = (grant_type, client, grant);
        async { Ok(()) }
    }

    /// Hook `token_issued`: after tokens are stored and before the response is sent.
    fn token_issued(
        &self,
        event: &TokenEvent<'_, ScopeOf<Self>>,
    ) -> impl Future<Output = ()> + Send {
        let _ = event;
        async {}
    }

    /// Hook `token_revoked`: after a token or a whole grant was revoked.
    fn token_revoked(&self, event: &RevokeEvent<'_>) -> impl Future<Output = ()> + Send {
        let _ = event;
        async {}
    }
}

/// `true` when `provider` serves `grant` and its configuration has it switched on.
pub(crate) fn is_on<P: Provider>(provider: &P, grant: GrantType) -> bool {
    provider.config().grants.enabled(grant) && provider.grant_types().contains(&grant)
}

/// The grant a `grant_type` value names, if `provider` serves it and has it switched on.
pub(crate) fn dispatch<P: Provider>(provider: &P, name: &str) -> Option<GrantType> {
    let grant = *provider.grant_types().iter().find(|g| g.as_str() == name)?;
    provider.config().grants.enabled(grant).then_some(grant)
}

/// What was issued, for the `token_issued` hook. No token values: they stay out of logs.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TokenEvent<'a, S> {
    /// The grant used.
    pub grant_type: GrantType,
    /// The client the tokens went to.
    pub client_id: &'a str,
    /// The resource owner, if any.
    pub subject: Option<&'a str>,
    /// The scope granted.
    pub scope: S,
    /// The grant family.
    pub grant_id: crate::secret::GrantId,
    /// Whether a refresh token was issued too.
    pub refresh_token: bool,
}

/// What was revoked, for the `token_revoked` hook.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RevokeEvent<'a> {
    /// The client on whose behalf the revocation happened.
    pub client_id: &'a str,
    /// Why.
    pub reason: RevokeReason,
    /// The grant family affected.
    pub grant_id: crate::secret::GrantId,
}

/// Why tokens were revoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevokeReason {
    /// A client asked (RFC 7009) for an access token.
    AccessToken,
    /// A client asked (RFC 7009) for a refresh token: its whole grant went.
    RefreshToken,
    /// A used authorization code was presented again (RFC 6749 §4.1.2).
    CodeReplay,
    /// A rotated refresh token was presented again (RFC 9700 §4.14.2).
    RefreshReplay,
}
