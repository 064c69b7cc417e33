//! Generated code compiles next to a user's own items named like the standard ones, under
//! `#![deny(warnings)]`: every path the macros emit is absolute.
#![deny(warnings, missing_docs)]
#![allow(dead_code, non_camel_case_types, non_upper_case_globals)]

use ::std::time::SystemTime as Instant;

use oauth2_provider::config::Config;
use oauth2_provider::error::{OAuthError, StoreError};
use oauth2_provider::grant::GrantType;
use oauth2_provider::grant::{Grant, TokenRequest};
use oauth2_provider::model::{GrantId, TokenHash};
use oauth2_provider::pkce::PkceChallenge;
use oauth2_provider::provider::{AuthorizationRequest, Decision};
use oauth2_provider::provider::{RevokeEvent, TokenEvent};
use oauth2_provider::store::MemoryStore;
use oauth2_provider::{
    AccessToken, AuthorizationCode, OAuthClient, RefreshToken, ResourceOwner, scopes,
};

struct Result;
struct Ok;
struct Err;
struct Some;
struct None;
struct Option;
struct Default;
struct String;
struct Vec;
struct Box;
struct Clone;
struct Copy;
struct Send;
struct Sync;
struct Debug;
struct Display;
struct Hash;
struct PartialEq;
struct Eq;
struct From;
struct Borrow;
struct AsRef;
struct ToString;
struct SystemTime;
struct Formatter;
struct str;
struct u8;
struct u128;
struct bool;
trait Iterator {}
trait IntoIterator {}
trait Scope {}
trait Serialize {}
trait Deserialize {}
const first: i32 = 0;
const unnamed: i32 = 0;
const f: i32 = 0;
const grant_type: i32 = 0;
const serializer: i32 = 0;
const code: i32 = 0;
const request: i32 = 0;
const client: i32 = 0;
const event: i32 = 0;
const grant: i32 = 0;
const GRANT_TYPES: i32 = 0;
mod std {}
mod core {}
mod serde {}
mod oauth2_provider_derive {}
#[allow(unused_macros)]
macro_rules! assert {
    ($($t:tt)*) => {
        compile_error!("the user's `assert!` was called")
    };
}
#[allow(unused_macros)]
macro_rules! format_args {
    ($($t:tt)*) => {
        compile_error!("the user's `format_args!` was called")
    };
}
#[allow(unused_macros)]
macro_rules! unimplemented {
    ($($t:tt)*) => {
        compile_error!("the user's `unimplemented!` was called")
    };
}

/// A scope type with every kind of entry.
#[scopes(
    read = 1 << 0,
    write = 1 << 1,
    "user:email" = 1 << 2,
    computed = { 1 << 3 },
    read_write = read | write,
    default = read,
)]
pub struct Scopes;

/// A private scope type, reached through a re-export path.
#[scopes(crate = "crate::reexport::provider", one = 1 << 9)]
struct Private;

mod reexport {
    pub use ::oauth2_provider as provider;
}

/// A client.
#[derive(OAuthClient)]
#[oauth(crate = "crate::reexport::provider")]
pub struct App {
    #[oauth(client_id)]
    id: ::std::string::String,
    #[oauth(secret_hash)]
    secret: ::std::option::Option<::std::string::String>,
    #[oauth(redirect_uris)]
    callbacks: ::std::vec::Vec<::std::string::String>,
    #[oauth(scope)]
    allowed: Scopes,
    #[oauth(grant_types)]
    grants: ::std::vec::Vec<&'static ::std::primitive::str>,
}

/// A generic owner.
#[derive(ResourceOwner)]
pub struct User<'a, Id: ::std::fmt::Display> {
    #[oauth(subject)]
    id: Id,
    name: &'a ::std::primitive::str,
}

/// A client id type private to this crate.
struct PrivateId(::std::string::String);

impl ::std::convert::From<::std::string::String> for PrivateId {
    fn from(id: ::std::string::String) -> Self {
        PrivateId(id)
    }
}

impl ::std::borrow::Borrow<::std::primitive::str> for PrivateId {
    fn borrow(&self) -> &::std::primitive::str {
        &self.0
    }
}

/// A code row.
#[derive(AuthorizationCode)]
pub struct Code {
    #[oauth(code_hash)]
    hash: TokenHash,
    #[oauth(grant_id)]
    grant: GrantId,
    #[oauth(client_id)]
    client: PrivateId,
    #[oauth(subject)]
    user: ::std::string::String,
    #[oauth(redirect_uri)]
    redirect_uri: ::std::option::Option<::std::string::String>,
    #[oauth(scope)]
    scope: Scopes,
    #[oauth(challenge)]
    challenge: ::std::option::Option<PkceChallenge>,
    #[oauth(expires_at)]
    expires: Instant,
    extra: ::std::vec::Vec<u32>,
    #[oauth(extras)]
    extras: ::oauth2_provider::model::Extras,
}

/// A token row.
#[derive(AccessToken, RefreshToken)]
pub struct Token<S> {
    #[oauth(token_hash)]
    hash: TokenHash,
    #[oauth(grant_id)]
    grant: GrantId,
    #[oauth(client_id)]
    client: ::std::string::String,
    #[oauth(subject)]
    user: ::std::option::Option<::std::string::String>,
    #[oauth(scope)]
    scope: S,
    #[oauth(expires_at)]
    expires: ::std::option::Option<Instant>,
    #[oauth(extras)]
    extras: ::oauth2_provider::model::Extras,
}

/// A provider with every hook, over the user's own `Result`, `Option`, `Send`, `str`, ...
pub struct Provider {
    store: MemoryStore<App>,
    config: Config,
}

/// The owner type of the providers.
type Owner = User<'static, u32>;

/// What the provider's grants return.
type Granted = ::std::result::Result<Grant<Scopes>, OAuthError>;

#[::oauth2_provider::provider(
    owner = Owner,
    grants(authorization_code, implicit, password, client_credentials, refresh_token),
)]
impl Provider {
    #[provider(store)]
    fn store(&self) -> &MemoryStore<App> {
        &self.store
    }

    #[provider(config)]
    fn config(&self) -> &Config {
        &self.config
    }

    #[grant(password)]
    async fn password(&self, req: &TokenRequest<'_>, app: &App) -> Granted {
        let _ = req;
        ::std::result::Result::Ok(Grant::for_owner("u", app.allowed))
    }

    #[grant(client_credentials)]
    async fn machine(&self, _: &TokenRequest<'_>, app: &App) -> Granted {
        ::std::result::Result::Ok(Grant::for_client(app.allowed))
    }

    #[grant("urn:ietf:params:oauth:grant-type:jwt-bearer")]
    async fn jwt(&self, _: &TokenRequest<'_>, _: &App) -> Granted {
        ::std::result::Result::Ok(Grant::for_client(Scopes::READ))
    }

    #[grant("urn:example:device")]
    fn device(
        &self,
        _: &TokenRequest<'_>,
        _: &App,
    ) -> impl ::std::future::Future<Output = Granted> + ::std::marker::Send {
        ::std::future::ready(::std::result::Result::Ok(Grant::for_client(Scopes::WRITE)))
    }

    #[hook(authenticate_owner)]
    async fn login(
        &self,
        _: &::std::primitive::str,
        _: &::std::primitive::str,
    ) -> ::std::result::Result<::std::option::Option<Owner>, OAuthError> {
        ::std::result::Result::Ok(::std::option::Option::None)
    }

    #[hook(consent)]
    async fn consent(
        &self,
        _: &AuthorizationRequest<'_, App>,
    ) -> ::std::result::Result<Decision<Scopes>, OAuthError> {
        ::std::result::Result::Ok(Decision::Deny)
    }

    #[hook(lookup_client)]
    async fn lookup(
        &self,
        id: &::std::primitive::str,
    ) -> ::std::result::Result<::std::option::Option<::std::sync::Arc<App>>, StoreError> {
        ::oauth2_provider::store::ClientStore::find_client(&self.store, id).await
    }

    #[hook(before_issue)]
    async fn before_issue(
        &self,
        _: GrantType,
        _: &App,
        granted: &mut Grant<Scopes>,
    ) -> ::std::result::Result<(), OAuthError> {
        granted.refresh_token = false;
        ::std::result::Result::Ok(())
    }

    #[hook(token_issued)]
    async fn issued(&self, _: &TokenEvent<'_, Scopes>) {}

    #[hook(token_revoked)]
    async fn revoked(&self, _: &RevokeEvent<'_>) {}
}

/// A generic provider, reached through a re-export path.
pub struct Tagged<T> {
    store: MemoryStore<App>,
    tag: T,
}

#[::oauth2_provider::provider(
    crate = "crate::reexport::provider",
    owner = Owner,
    grants(client_credentials),
)]
impl<T> Tagged<T>
where
    T: ::std::marker::Send + ::std::marker::Sync + 'static,
{
    #[provider(store)]
    fn store(&self) -> &MemoryStore<App> {
        &self.store
    }

    #[provider(config)]
    fn config(&self) -> &'static Config {
        static CONFIG: ::std::sync::LazyLock<Config> = ::std::sync::LazyLock::new(Config::default);
        &CONFIG
    }

    #[grant("urn:example:tagged")]
    async fn tagged(&self, _: &TokenRequest<'_>, _: &App) -> Granted {
        let _ = &self.tag;
        ::std::result::Result::Ok(Grant::for_client(Scopes::READ))
    }
}

#[test]
fn generated_code_runs() {
    use ::oauth2_provider::model::{OAuthClient as _, ResourceOwner as _};
    ::std::assert_eq!(
        ::std::format!("{:?}", Scopes::READ_WRITE | Scopes::COMPUTED),
        "Scopes(read | write | computed)"
    );
    ::std::assert_eq!(Private::ONE.bits(), 1 << 9);
    let app = App {
        id: "app".into(),
        secret: ::std::option::Option::None,
        callbacks: ::std::vec::Vec::new(),
        allowed: Scopes::USER_EMAIL,
        grants: ::std::vec!["password"],
    };
    ::std::assert!(app.allows_grant_type("password"));
    let user = User { id: 3, name: "ada" };
    ::std::assert_eq!(user.subject(), "3");
    let _ = (&user.name, first, unnamed, f, grant_type, serializer, code);
    let _ = (request, client, event, grant, GRANT_TYPES);

    use ::oauth2_provider::provider::Provider as _;
    let provider = Provider {
        store: MemoryStore::new(),
        config: Config::default(),
    };
    ::std::assert_eq!(
        provider.grant_types(),
        [
            GrantType::AuthorizationCode,
            GrantType::Implicit,
            GrantType::Password,
            GrantType::ClientCredentials,
            GrantType::RefreshToken,
            GrantType::Extension("urn:ietf:params:oauth:grant-type:jwt-bearer"),
            GrantType::Extension("urn:example:device"),
        ]
    );
    let tagged = Tagged {
        store: MemoryStore::new(),
        tag: 1_u32,
    };
    ::std::assert_eq!(
        tagged.grant_types(),
        [
            GrantType::ClientCredentials,
            GrantType::Extension("urn:example:tagged")
        ]
    );
    ::std::assert!(tagged.config().grants.enabled(GrantType::ClientCredentials));
}
