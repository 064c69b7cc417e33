//! The provider: where its clients and tokens are, which owner type, which grants, and the
//! hooks that customise them.
//!
//! Every hook is a provided method with the framework's default, so a provider overrides only
//! what it needs. The `#[provider]` macro generates this impl from attributes on an inherent
//! impl block; it can equally be written by hand:
//!
//! ```
//! use oauth2_provider::config::Config;
//! use oauth2_provider::model::{OAuthClient, ResourceOwner};
//! use oauth2_provider::provider::Provider;
//! use oauth2_provider::store::MemoryStore;
//! use oauth2_provider::OAuthError;
//! # use oauth2_provider::scope::{ScopeDef, Scopes};
//! # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct S(u8);
//! # impl Scopes for S { type Bits = u8; const DEFS: &'static [ScopeDef<u8>] = &[];
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
//!     // One store for both: the memory store keeps clients and tokens.
//!     type Clients = MemoryStore<App>;
//!     type Tokens = MemoryStore<App>;
//!     type Owner = User;
//!     fn clients(&self) -> &Self::Clients { &self.store }
//!     fn tokens(&self) -> &Self::Tokens { &self.store }
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

mod consent;
pub mod defaults;
mod event;

pub use consent::{AuthorizationRequest, CSRF_FIELD, Decision, ResponseType};
pub use event::{RevokeEvent, RevokeReason, TokenEvent};

use crate::config::Config;
use crate::error::{ErrorCode, OAuthError, StoreError};
use crate::grant::{Grant, GrantType, TokenRequest};
use crate::limit::{Attempt, Throttled};
use crate::model::{Claims, ClientRecord, OAuthClient, ResourceOwner};
use crate::registration::RegistrationRequest;
use crate::resource::ResourceServers;
use crate::store::{ClientStore, TokenStore};

/// The client model of a provider.
pub type ClientOf<P> = <<P as Provider>::Clients as ClientStore>::Client;
/// The scope type of a provider.
pub type ScopeOf<P> = <ClientOf<P> as OAuthClient>::Scope;
/// The token store of a provider.
pub type TokensOf<P> = <P as Provider>::Tokens;

/// An authorization server: a store, an owner type, a configuration and hooks.
///
/// Generate it with [`#[provider(...)]`](macro@crate::provider) on an inherent impl: the
/// grants it serves (the one switch), the store and configuration accessors, and the hooks you
/// override, each checked against the signature the framework calls:
///
/// ```
/// use oauth2_provider::config::Config;
/// use oauth2_provider::store::MemoryStore;
/// use oauth2_provider::{OAuthClient, OAuthError, ResourceOwner, scopes};
///
/// #[scopes(read = 1 << 0)]
/// pub struct Scope;
/// #[derive(OAuthClient)]
/// pub struct App {
///     #[oauth(client_id)] id: String,
///     #[oauth(secret_hash)] secret: Option<String>,
///     #[oauth(redirect_uris)] callbacks: Vec<String>,
///     #[oauth(scope)] allowed: Scope,
/// }
/// #[derive(ResourceOwner)]
/// pub struct User { #[oauth(subject)] name: String }
///
/// pub struct MyProvider { store: MemoryStore<App>, config: Config }
///
/// #[oauth2_provider::provider(owner = User, grants(client_credentials, password))]
/// impl MyProvider {
///     #[provider(store)]
///     fn store(&self) -> &MemoryStore<App> { &self.store }
///     #[provider(config)]
///     fn config(&self) -> &Config { &self.config }
///
///     #[hook(authenticate_owner)]
///     async fn sign_in(&self, username: &str, password: &str) -> Result<Option<User>, OAuthError> {
///         Ok((username == "alice" && password == "wonderland").then(|| User { name: "alice".into() }))
///     }
/// }
/// ```
///
/// or implement it by hand, as in the [module docs](self).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an OAuth provider",
    label = "add `#[oauth2_provider::provider(...)]` to an impl block of it, or implement `Provider` by hand"
)]
pub trait Provider: Send + Sync + Sized + 'static {
    /// Where clients are found.
    type Clients: ClientStore;
    /// Where codes and tokens live, over the clients' scope type.
    type Tokens: TokenStore<Scope = <<Self::Clients as ClientStore>::Client as OAuthClient>::Scope>;
    /// The resource owner model.
    type Owner: ResourceOwner;

    /// The client store.
    fn clients(&self) -> &Self::Clients;

    /// The token store; often the same value as [`clients`](Provider::clients).
    fn tokens(&self) -> &Self::Tokens;

    /// The configuration.
    fn config(&self) -> &Config;

    /// The resource servers tokens are issued for (RFC 8707): with them, a `resource`
    /// parameter at the authorization and token endpoints must name one (else
    /// `invalid_target`), the scope requested must be one it accepts, and the tokens carry the
    /// resources as their audience (`aud`), which bearer validation and introspection report.
    /// A request naming none is for the default resource, if one is declared. `None` (the
    /// default): tokens carry no audience, and a `resource` is only checked to be an absolute
    /// URI without a fragment. The `#[provider]` macro calls a method marked
    /// `#[provider(resources)]`.
    fn resources(&self) -> Option<&ResourceServers<ScopeOf<Self>>> {
        None
    }

    /// The grants this provider serves: the dispatch table of the token and authorization
    /// endpoints, and what the metadata document advertises. The one place a grant is switched
    /// on; [`Config::grants`] can switch one off. A `static` slice: dispatch searches it,
    /// allocating nothing.
    ///
    /// The default is RFC 9700's set: authorization code, client credentials and refresh token
    /// (the implicit and password grants, which it advises against, are listed only by a
    /// provider that wants them). The `#[provider]` macro generates the list from its
    /// `grants(...)` and its `#[grant("...")]` extension hooks.
    fn grant_types(&self) -> &'static [GrantType] {
        &[
            GrantType::AuthorizationCode,
            GrantType::ClientCredentials,
            GrantType::RefreshToken,
        ]
    }

    /// Where the device authorization grant (RFC 8628) keeps its pending authorizations:
    /// `None` (the default) serves no device grant, whatever [`grant_types`](Self::grant_types)
    /// lists. The `#[provider]` macro returns the token store when `grants(...)` lists
    /// `device_code` (every store of [`crate::store`] is a [`StateStore`](crate::store::StateStore));
    /// by hand:
    ///
    /// ```ignore
    /// fn state_store(&self) -> Option<StateRef<'_>> {
    ///     Some(StateRef::new(&self.store))
    /// }
    /// ```
    fn state_store(&self) -> Option<crate::store::StateRef<'_>> {
        None
    }

    /// Hook `lookup_client`: the client registered as `client_id`. Default: the client
    /// store's [`find_client`](ClientStore::find_client).
    fn lookup_client(
        &self,
        client_id: &str,
    ) -> impl Future<Output = Result<Option<Arc<ClientOf<Self>>>, StoreError>> + Send {
        self.clients().find_client(client_id)
    }

    /// Hook `throttle`: whether a guess may be checked now (a slow-hashed client secret, a
    /// resource owner's password), asked before the check is run; `Err` refuses it with 429.
    /// Default: the in-process budgets of [`Config::limits`]. Replace it to count across many
    /// nodes.
    fn throttle(
        &self,
        attempt: &Attempt<'_>,
    ) -> impl Future<Output = Result<(), Throttled>> + Send {
        let admitted = self.config().limits.admit(attempt);
        async move { admitted }
    }

    /// Hook `owner_active`: whether the resource owner `subject` may still hold tokens: not
    /// removed, not disabled, nothing since that should end their grants (RFC 9700 §4.14).
    /// Asked on every refresh; `false` revokes the grant family and the refresh fails with
    /// `invalid_grant`. Default: always.
    fn owner_active(&self, subject: &str) -> impl Future<Output = Result<bool, OAuthError>> + Send {
        let _ = subject;
        async { Ok(true) }
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

    /// Hook `find_owner`: the resource owner whose subject is `subject`, if there still is
    /// one: where the default [`claims`](Provider::claims) hook reads the claims from.
    /// Default: nobody.
    fn find_owner(
        &self,
        subject: &str,
    ) -> impl Future<Output = Result<Option<Self::Owner>, OAuthError>> + Send {
        let _ = subject;
        async { Ok(None) }
    }

    /// Hook `claims`: the OpenID Connect claims of `subject` for a token of `scope`, which the
    /// UserInfo endpoint answers (Core §5.3). The runtime then releases only the standard
    /// claims a scope of the token releases (§5.4) and sets `sub` itself. Default: the
    /// [`ResourceOwner::claims`] of [`find_owner`](Provider::find_owner), none if nobody.
    fn claims(
        &self,
        subject: &str,
        scope: ScopeOf<Self>,
    ) -> impl Future<Output = Result<Claims, OAuthError>> + Send {
        let _ = scope;
        async move {
            let owner = self.find_owner(subject).await?;
            Ok(owner.map(|owner| owner.claims()).unwrap_or_default())
        }
    }

    /// Grant handler `password` (RFC 6749 §4.3). Default: [`defaults::password`], which checks
    /// the owner through [`Provider::authenticate_owner`].
    fn password_grant(
        &self,
        request: &TokenRequest<'_>,
        client: &ClientOf<Self>,
    ) -> impl Future<Output = Result<Grant<ScopeOf<Self>>, OAuthError>> + Send {
        defaults::password(self, request, client)
    }

    /// Grant handler `client_credentials` (RFC 6749 §4.4). Default:
    /// [`defaults::client_credentials`].
    fn client_credentials_grant(
        &self,
        request: &TokenRequest<'_>,
        client: &ClientOf<Self>,
    ) -> impl Future<Output = Result<Grant<ScopeOf<Self>>, OAuthError>> + Send {
        defaults::client_credentials(request, client)
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

    /// Hook `register_client`: the policy of dynamic registration ([`crate::registration`]),
    /// called on every registration and update once the metadata is valid, before anything is
    /// stored. It may refuse (its error is answered, as `invalid_client_metadata` or
    /// `invalid_redirect_uri` would be) or adjust `client`: narrow its scope or grant types,
    /// drop redirect URIs, set members. Its `client_id`, secret, registration access token,
    /// `client_id_issued_at` and `token_endpoint_auth_method` stay the runtime's. Default:
    /// accept.
    ///
    /// ```
    /// # use oauth2_provider::model::ClientRecord;
    /// # use oauth2_provider::registration::RegistrationRequest;
    /// # use oauth2_provider::{ErrorCode, OAuthError, Scopes};
    /// // In `impl Provider for MyProvider`, or as `#[hook(register_client)]`:
    /// async fn register_client<S: Scopes>(
    ///     request: &RegistrationRequest<'_>,
    ///     client: &mut ClientRecord<S>,
    /// ) -> Result<(), OAuthError> {
    ///     if client.name.is_empty() {
    ///         return Err(OAuthError::new(ErrorCode::InvalidClientMetadata, "client_name is required"));
    ///     }
    ///     client.grant_types.retain(|grant| grant != "client_credentials");
    ///     let _ = request;
    ///     Ok(())
    /// }
    /// ```
    fn register_client(
        &self,
        request: &RegistrationRequest<'_>,
        client: &mut ClientRecord<ScopeOf<Self>>,
    ) -> impl Future<Output = Result<(), OAuthError>> + Send {
        let _ = (request, client);
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
