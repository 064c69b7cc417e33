//! The procedural macros of [`oauth2-provider`](https://docs.rs/oauth2-provider). Use them
//! through that crate, which re-exports them: `oauth2_provider::scopes`,
//! `oauth2_provider::OAuthClient`, and so on.
//!
//! Every macro generates an impl of a public trait of the runtime that can be written by hand;
//! the traits' docs show how.
//!
//! Each macro parses its input into a typed AST that keeps the user's tokens, validates the
//! rules that span several attributes, then expands; all mistakes are reported at once, each at
//! the offending token, beside stub impls so that one mistake gives one error.
#![warn(missing_docs)]

mod ctxt;
mod model;
mod provider;
mod scopes;
mod span;

use proc_macro::TokenStream;

use model::Derive;

/// Declares a scope type: a `Copy` bitset of named RFC 6749 §3.3 scopes.
///
/// ```
/// use oauth2_provider::scopes;
///
/// /// What a token may do.
/// #[scopes(
///     read = 1 << 0,
///     write = 1 << 1,
///     "user:email" = 1 << 2,
///     "https://api.example.com/read" = 1 << 3,
///     read_write = read | write,
///     default = read,
/// )]
/// pub struct Scope;
///
/// let wants = Scope::parse("read user:email").unwrap();
/// assert_eq!(wants, Scope::READ | Scope::USER_EMAIL);
/// assert!(Scope::all().contains(wants));
/// assert_eq!(wants.to_string(), "read user:email");
/// assert_eq!(format!("{:?}", Scope::READ_WRITE), "Scope(read | write)");
/// assert_eq!(Scope::default(), Scope::READ);
///
/// // The constants compose in `const` context.
/// const EDITOR: Scope = Scope::READ.union(Scope::WRITE);
/// assert_eq!(EDITOR, Scope::READ_WRITE);
/// ```
///
/// # Syntax
///
/// The attribute takes comma-separated entries, in any order except that a combination comes
/// after the scopes it names:
///
/// - `name = <bit>`: a single scope. `name` is an identifier (`read`, `r#type`) or a string
///   literal (`"user:email"`), which must be an RFC 6749 §3.3 scope-token (characters `%x21`,
///   `%x23-5B`, `%x5D-7E`, at least one). `<bit>` is a constant expression of exactly one bit,
///   most simply `1 << N`. No two single scopes share a bit.
/// - `name = a | b | "c"`: a combination, a name for several earlier scopes. It is accepted
///   when parsing a scope string and never written when formatting one. A value made of names
///   joined by `|` is always a combination: a bit that is a named constant goes in braces,
///   `read = { READ_BIT }`.
/// - `name as CONST = ...`: the name of the associated constant, when the derived one is not
///   wanted or two names derive the same one.
/// - `default = a | b`: the scope granted when a request names none (RFC 6749 §3.3).
///   Optional; without it the default is the empty set, so a request must name its scope. A
///   scope named `default` is written as a string, `"default" = 1 << 5`.
/// - `crate = "path"`: where the runtime is, for crates that re-export it; default
///   `::oauth2_provider`.
///
/// # What it generates
///
/// On the user's unit struct, keeping its visibility, attributes and docs:
///
/// - a newtype over the backing integer, `#[derive(Clone, Copy, PartialEq, Eq, Hash)]`;
/// - an associated constant per name, in upper case: `READ`, `READ_WRITE`, and for string names
///   letters and digits kept, every other run of characters one `_` (`"user:email"` is
///   `USER_EMAIL`); two names making the same constant is an error;
/// - `const fn`s `bits`, `from_bits_retain`, `empty`, `all`, `is_empty`, `contains`,
///   `intersects`, `union`, `intersection`, `difference`, `symmetric_difference`, `complement`,
///   and `from_name`, `parse`, `names`, which call the [`Scopes`] trait;
/// - `impl Scope` with the `DEFS` table (every name, in declaration order) and
///   `DEFAULT`;
/// - `Debug` (`Scope(read | write)`, unnamed bits in hex, `Scope(0x0)` when empty), `Display`
///   and `FromStr` as the §3.3 string (`FromStr::Err` is `ScopeError`), serde `Serialize` and
///   `Deserialize` as that string, `Default` as the default scope, and the operators `|`, `&`,
///   `^`, `-` (difference), `!` (complement within the defined scopes) with their `*=` forms.
///
/// [`Scopes`]: https://docs.rs/oauth2-provider/latest/oauth2_provider/scope/trait.Scopes.html
///
/// # The backing integer
///
/// The macro reads the literal forms `N`, `1 << N` (and `(...)`, `a | b` of those) and picks the
/// narrowest of `u8`, `u16`, `u32`, `u64`, `u128` that holds the highest bit, or the widest
/// unsigned suffix written (`1u32 << 3`) when wider. Any other expression is evaluated by rustc
/// as the `u128` it then backs; `const` assertions in the generated code check that each such
/// scope is exactly one bit and shares it with no other, reported at the expression.
///
/// # From django-oauth2-provider
///
/// | `provider.scope` | here |
/// |---|---|
/// | `check(wants, has)` | `has.contains(wants)` |
/// | `to_int(*names)` | `Scope::parse("read write")`, or `Scope::from_name("read")` for one |
/// | `to_names(scope)`, `names(scope)` | `scope.names()` (an iterator of `&'static str`) |
/// | `SCOPES` | `<Scope as oauth2_provider::Scopes>::DEFS` |
/// | `DEFAULT_SCOPES` | `Scope::default()` |
///
/// # Mistakes it reports
///
/// A duplicate name; two single scopes sharing a bit; a bit past `u128`; a single scope that
/// is not exactly one bit; a string name that is not a scope-token; a combination or `default`
/// naming an unknown scope, or a later one; a duplicate `default` or `crate`; no scope at all;
/// two names making one constant; the attribute on anything but a unit struct.
#[proc_macro_attribute]
pub fn scopes(args: TokenStream, input: TokenStream) -> TokenStream {
    scopes::scopes(args.into(), input.into()).into()
}

/// Implements `oauth2_provider::model::OAuthClient` for a struct with named fields.
///
/// ```
/// use oauth2_provider::{OAuthClient, scopes}; // the derive and the trait
///
/// #[scopes(read = 1 << 0, write = 1 << 1)]
/// pub struct Scope;
///
/// #[derive(OAuthClient)]
/// pub struct App {
///     #[oauth(client_id)]
///     id: String,
///     #[oauth(secret_hash)]
///     secret: Option<String>,
///     #[oauth(redirect_uris)]
///     callbacks: Vec<String>,
///     #[oauth(scope)]
///     allowed: Scope,
///     #[oauth(grant_types)]
///     grants: Vec<String>,
///     name: String,
/// }
///
/// let app = App {
///     id: "app".into(),
///     secret: None,
///     callbacks: vec!["https://app.example/cb".into()],
///     allowed: Scope::READ,
///     grants: vec!["authorization_code".into()],
///     name: "App".into(),
/// };
/// assert_eq!(app.client_id(), "app");
/// assert!(!app.is_confidential());
/// assert!(app.allows_grant_type("authorization_code"));
/// assert!(!app.allows_grant_type("password"));
/// ```
///
/// | role | the field's type | method |
/// |---|---|---|
/// | `client_id` | `String`, or any `Borrow<str>` | `client_id` |
/// | `secret_hash` | `Option<String>`, or an `Option` of any `Deref<Target = str>` | `secret_hash` |
/// | `redirect_uris` | `Vec<String>`, or any `Borrow<[String]>` | `redirect_uris` |
/// | `scope` | the scope type; it becomes `type Scope` | `allowed_scope` |
/// | `grant_types` (optional) | `Vec<String>`, or any collection whose `&` iterates `AsRef<str>` | `allows_grant_type`, as membership; without it, every grant is allowed |
///
/// Every role but `grant_types` is required, each on one field. `#[oauth(crate = "path")]` on
/// the struct names the runtime for crates that re-export it. A generic struct gets the impl
/// when its fields' types meet the table and it is `Send + Sync + 'static`.
#[proc_macro_derive(OAuthClient, attributes(oauth))]
pub fn derive_oauth_client(input: TokenStream) -> TokenStream {
    model::derive(Derive::OAuthClient, input.into()).into()
}

/// Implements `oauth2_provider::model::ResourceOwner` for a struct with named fields.
///
/// ```
/// use oauth2_provider::ResourceOwner;
/// use oauth2_provider::model::ResourceOwner as _;
///
/// #[derive(ResourceOwner)]
/// pub struct User {
///     #[oauth(subject)]
///     id: i64,
///     name: String,
/// }
///
/// let user = User { id: 42, name: "Ada".into() };
/// assert_eq!(user.subject(), "42");
/// ```
///
/// The `subject` field may have any type that implements `ToString` (so any `Display`); the
/// subject is its string.
#[proc_macro_derive(ResourceOwner, attributes(oauth))]
pub fn derive_resource_owner(input: TokenStream) -> TokenStream {
    model::derive(Derive::ResourceOwner, input.into()).into()
}

/// Implements `oauth2_provider::model::AuthorizationCode` for a struct with named fields.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use oauth2_provider::model::{Extras, GrantId, NewCode, TokenHash};
/// use oauth2_provider::pkce::PkceChallenge;
/// use oauth2_provider::{AuthorizationCode, scopes};
///
/// #[scopes(read = 1 << 0)]
/// pub struct Scope;
///
/// #[derive(AuthorizationCode)]
/// pub struct CodeRow {
///     #[oauth(code_hash)] hash: TokenHash,
///     #[oauth(grant_id)] grant: GrantId,
///     #[oauth(client_id)] client: String,
///     #[oauth(subject)] user: String,
///     #[oauth(redirect_uri)] redirect_uri: Option<String>,
///     #[oauth(scope)] scope: Scope,
///     #[oauth(challenge)] challenge: Option<PkceChallenge>,
///     #[oauth(expires_at)] expires: SystemTime,
///     #[oauth(extras)] extras: Extras,
///     row_id: u64,
/// }
///
/// let row = CodeRow::new(NewCode {
///     code_hash: TokenHash::of("code"),
///     grant_id: GrantId::generate(),
///     client_id: "app".into(),
///     subject: "42".into(),
///     redirect_uri: None,
///     scope: Scope::READ,
///     challenge: None,
///     expires_at: SystemTime::now() + Duration::from_secs(60),
///     extras: Extras::default(),
/// });
/// assert_eq!(row.client_id(), "app");
/// assert_eq!(row.row_id, 0);
/// ```
///
/// | role | the field's type |
/// |---|---|
/// | `code_hash` | `TokenHash`, or any `From<TokenHash> + Borrow<TokenHash>` |
/// | `grant_id` | `GrantId`, or any `From<GrantId> + Borrow<GrantId>` |
/// | `client_id`, `subject` | `String`, or any `From<String> + Borrow<str>` (`Box<str>`, `Arc<str>`) |
/// | `redirect_uri` | `Option<String>` |
/// | `scope` | the scope type; it becomes `type Scope` |
/// | `challenge` | `Option<PkceChallenge>` |
/// | `expires_at` | `SystemTime`, or any `From<SystemTime> + Borrow<SystemTime>` |
/// | `extras` | `Extras`, or any `From<Extras> + Borrow<Extras>` (`Arc<Extras>`); keep it, or a bound code comes back unbound |
///
/// Every role is required, each on one field. `new` fills the fields without a role with
/// `Default::default()`. `#[oauth(crate = "path")]` on the struct names the runtime.
#[proc_macro_derive(AuthorizationCode, attributes(oauth))]
pub fn derive_authorization_code(input: TokenStream) -> TokenStream {
    model::derive(Derive::AuthorizationCode, input.into()).into()
}

/// Implements `oauth2_provider::model::TokenModel<AccessKind>` (so the `AccessToken` trait)
/// for a struct with named fields.
///
/// ```
/// use std::time::SystemTime;
/// use oauth2_provider::model::{Extras, GrantId, NewToken, TokenHash, TokenModel};
/// use oauth2_provider::{AccessToken, scopes};
///
/// #[scopes(read = 1 << 0)]
/// pub struct Scope;
///
/// #[derive(AccessToken)]
/// pub struct TokenRow {
///     #[oauth(token_hash)] hash: TokenHash,
///     #[oauth(grant_id)] grant: GrantId,
///     #[oauth(client_id)] client: String,
///     #[oauth(subject)] user: Option<String>,
///     #[oauth(scope)] scope: Scope,
///     #[oauth(expires_at)] expires: Option<SystemTime>,
///     #[oauth(extras)] extras: Extras,
/// }
///
/// let row = TokenRow::new(NewToken {
///     token_hash: TokenHash::of("token"),
///     grant_id: GrantId::generate(),
///     client_id: "app".into(),
///     subject: None,
///     scope: Scope::READ,
///     expires_at: None,
///     extras: Extras::default(),
/// });
/// assert_eq!(row.subject(), None);
/// assert!(!row.is_expired(SystemTime::now()));
/// ```
///
/// | role | the field's type |
/// |---|---|
/// | `token_hash` | `TokenHash`, or any `From<TokenHash> + Borrow<TokenHash>` |
/// | `grant_id` | `GrantId`, or any `From<GrantId> + Borrow<GrantId>` |
/// | `client_id` | `String`, or any `From<String> + Borrow<str>` |
/// | `subject` | `Option<String>` |
/// | `scope` | the scope type; it becomes `type Scope` |
/// | `expires_at` | `Option<SystemTime>` |
/// | `extras` | `Extras`, or any `From<Extras> + Borrow<Extras>`: audience, confirmation key, authentication context |
///
/// Every role is required, each on one field. `new` fills the fields without a role with
/// `Default::default()`. `#[oauth(crate = "path")]` on the struct names the runtime.
#[proc_macro_derive(AccessToken, attributes(oauth))]
pub fn derive_access_token(input: TokenStream) -> TokenStream {
    model::derive(Derive::AccessToken, input.into()).into()
}

/// Implements `oauth2_provider::model::TokenModel<RefreshKind>` (so the `RefreshToken` trait)
/// for a struct with named fields.
///
/// The roles are those of [`AccessToken`](derive@AccessToken); one struct may derive both.
///
/// ```
/// use std::time::SystemTime;
/// use oauth2_provider::model::{Extras, GrantId, NewToken, RefreshKind, TokenHash, TokenModel};
/// use oauth2_provider::{AccessToken, RefreshToken, scopes};
///
/// #[scopes(read = 1 << 0)]
/// pub struct Scope;
///
/// #[derive(AccessToken, RefreshToken)]
/// pub struct TokenRow {
///     #[oauth(token_hash)] hash: TokenHash,
///     #[oauth(grant_id)] grant: GrantId,
///     #[oauth(client_id)] client: String,
///     #[oauth(subject)] user: Option<String>,
///     #[oauth(scope)] scope: Scope,
///     #[oauth(expires_at)] expires: Option<SystemTime>,
///     #[oauth(extras)] extras: Extras,
/// }
///
/// // Both kinds are implemented: name the one meant.
/// let row = <TokenRow as TokenModel<RefreshKind>>::new(NewToken {
///     token_hash: TokenHash::of("refresh"),
///     grant_id: GrantId::generate(),
///     client_id: "app".into(),
///     subject: Some("42".into()),
///     scope: Scope::READ,
///     expires_at: None,
///     extras: Extras::default(),
/// });
/// assert_eq!(TokenModel::<RefreshKind>::subject(&row), Some("42"));
/// ```
#[proc_macro_derive(RefreshToken, attributes(oauth))]
pub fn derive_refresh_token(input: TokenStream) -> TokenStream {
    model::derive(Derive::RefreshToken, input.into()).into()
}

/// Implements `oauth2_provider::provider::Provider` from an inherent impl block: the grants it
/// serves, its store and configuration, and the hooks that override or extend any step.
///
/// ```
/// use std::sync::Arc;
/// use oauth2_provider::provider::{AuthorizationRequest, Decision};
/// use oauth2_provider::config::Config;
/// use oauth2_provider::grant::GrantType;
/// use oauth2_provider::grant::{Grant, TokenRequest};
/// use oauth2_provider::provider::{Provider, TokenEvent};
/// use oauth2_provider::store::MemoryStore;
/// use oauth2_provider::{ErrorCode, OAuthClient, OAuthError, ResourceOwner, scopes};
///
/// #[scopes(read = 1 << 0, write = 1 << 1)]
/// pub struct Scope;
///
/// #[derive(OAuthClient)]
/// pub struct App {
///     #[oauth(client_id)] id: String,
///     #[oauth(secret_hash)] secret: Option<String>,
///     #[oauth(redirect_uris)] callbacks: Vec<String>,
///     #[oauth(scope)] allowed: Scope,
/// }
///
/// #[derive(ResourceOwner)]
/// pub struct User { #[oauth(subject)] name: String }
///
/// pub struct MyProvider { store: MemoryStore<App>, config: Config }
///
/// #[oauth2_provider::provider(owner = User, grants(authorization_code, refresh_token, password))]
/// impl MyProvider {
///     #[provider(store)]
///     fn store(&self) -> &MemoryStore<App> {
///         &self.store
///     }
///
///     #[provider(config)]
///     fn config(&self) -> &Config {
///         &self.config
///     }
///
///     // Replaces the default password handler.
///     #[grant(password)]
///     async fn password(&self, request: &TokenRequest<'_>, client: &App)
///         -> Result<Grant<Scope>, OAuthError>
///     {
///         let username = request.required("username")?;
///         if request.required("password")? != "correct horse" {
///             return Err(OAuthError::new(ErrorCode::InvalidGrant, "wrong password"));
///         }
///         Ok(Grant::for_owner(username, request.scope_within(client.allowed)?))
///     }
///
///     // An extension grant (RFC 6749 §8.3).
///     #[grant("urn:ietf:params:oauth:grant-type:jwt-bearer")]
///     async fn jwt_bearer(&self, request: &TokenRequest<'_>, client: &App)
///         -> Result<Grant<Scope>, OAuthError>
///     {
///         let _assertion = request.required("assertion")?;
///         Ok(Grant::for_client(client.allowed))
///     }
///
///     #[hook(consent)]
///     async fn ask(&self, request: &AuthorizationRequest<'_, App>)
///         -> Result<Decision<Scope>, OAuthError>
///     {
///         let user = User { name: "alice".into() };
///         Ok(Decision::approve(&user, request.scope()))
///     }
///
///     #[hook(token_issued)]
///     async fn audit(&self, event: &TokenEvent<'_, Scope>) {
///         println!("{} got {}", event.client_id, event.scope);
///     }
///
///     // Ordinary methods stay ordinary.
///     fn helper(&self) {}
/// }
///
/// let provider = MyProvider { store: MemoryStore::new(), config: Config::default() };
/// assert_eq!(provider.grant_types(), [
///     GrantType::AuthorizationCode,
///     GrantType::RefreshToken,
///     GrantType::Password,
///     GrantType::Extension("urn:ietf:params:oauth:grant-type:jwt-bearer"),
/// ]);
/// ```
///
/// # Syntax
///
/// The attribute takes:
///
/// - `owner = Type`: the resource owner model, `Provider::Owner`. Required.
/// - `grants(...)`: the standard grants served, from `authorization_code`, `implicit`,
///   `password`, `client_credentials` and `refresh_token`, each once. Required; `grants()`
///   serves extension grants only. A grant served is still switched on or off by
///   `Config::grants`.
/// - `crate = "path"`: where the runtime is, for crates that re-export it; default
///   `::oauth2_provider`.
///
/// The impl block's methods take these markers, which the macro consumes; a method takes one,
/// may have any name, and may be an `async fn` or a `fn` returning
/// `impl Future<Output = ...> + Send`. `Client` and `Scope` below are the store's.
///
/// | marker | signature | |
/// |---|---|---|
/// | `#[provider(store)]` | `fn(&self) -> &S` | required; `S` becomes `type Store` |
/// | `#[provider(config)]` | `fn(&self) -> &Config` | required |
/// | `#[grant(password)]` | `async fn(&self, request: &TokenRequest<'_>, client: &Client) -> Result<Grant<Scope>, OAuthError>` | replaces `provider::defaults::password` |
/// | `#[grant(client_credentials)]` | as `password` | replaces `provider::defaults::client_credentials` |
/// | `#[grant("absolute:uri")]` | as `password` | an extension grant, served under that `grant_type` |
/// | `#[hook(lookup_client)]` | `async fn(&self, client_id: &str) -> Result<Option<Arc<Client>>, StoreError>` | |
/// | `#[hook(authenticate_owner)]` | `async fn(&self, username: &str, password: &str) -> Result<Option<Owner>, OAuthError>` | needs `password` served |
/// | `#[hook(consent)]` | `async fn(&self, request: &AuthorizationRequest<'_, Client>) -> Result<Decision<Scope>, OAuthError>` | needs `authorization_code` or `implicit` served |
/// | `#[hook(before_issue)]` | `async fn(&self, grant_type: GrantType, client: &Client, grant: &mut Grant<Scope>) -> Result<(), OAuthError>` | |
/// | `#[hook(token_issued)]` | `async fn(&self, event: &TokenEvent<'_, Scope>)` | |
/// | `#[hook(token_revoked)]` | `async fn(&self, event: &RevokeEvent<'_>)` | |
///
/// The authorization code and refresh token exchanges are not overridable: their single-use
/// guarantee lives in the store's atomic exchange. Adjust what they issue with
/// `#[hook(before_issue)]`.
///
/// # What it generates
///
/// The impl block as written, markers removed, and beside it the impl a user could write by
/// hand (see the `provider` module of the runtime):
///
/// ```text
/// #[automatically_derived]
/// impl Provider for MyProvider {
///     type Store = MemoryStore<App>;
///     type Owner = User;
///     fn store(&self) -> &Self::Store { Self::store(self) }
///     fn config(&self) -> &Config { Self::config(self) }
///     fn grant_types(&self) -> &'static [GrantType] {
///         const GRANT_TYPES: &[GrantType] = &[GrantType::AuthorizationCode, /* ... */
///             GrantType::Extension("urn:ietf:params:oauth:grant-type:jwt-bearer")];
///         GRANT_TYPES
///     }
///     fn password_grant(&self, request: &TokenRequest<'_>, client: &App)
///         -> impl Future<Output = Result<Grant<Scope>, OAuthError>> + Send
///     {
///         Self::password(self, request, client)
///     }
///     fn extension_grant(&self, grant_type: &str, request: &TokenRequest<'_>, client: &App)
///         -> impl Future<Output = Result<Grant<Scope>, OAuthError>> + Send
///     {
///         async move {
///             match grant_type {
///                 "urn:ietf:params:oauth:grant-type:jwt-bearer" => /* jwt_bearer */,
///                 _ => Err(OAuthError::new(ErrorCode::UnsupportedGrantType, /* ... */)),
///             }
///         }
///     }
///     // consent, token_issued: as password_grant
/// }
/// ```
///
/// A generic impl block gives a generic trait impl, with its bounds and `Self: Send + Sync +
/// 'static`. Each extension grant's method is called through a hidden inherent method,
/// `__extension_grant_<name>`.
///
/// # Mistakes it reports
///
/// At the macro: an unknown key, grant or hook; a grant listed twice; a marker given twice,
/// or two markers on a method; `#[grant(...)]` for a grant not in `grants(...)`, or for
/// `authorization_code`, `refresh_token` or `implicit`; a hook that runs for no grant served;
/// an extension grant that is not named by an absolute URI; no `owner`, `grants`,
/// `#[provider(store)]` or `#[provider(config)]`; a store method not returning `&T`; a method
/// without a `&self` receiver or with the wrong number of arguments; the attribute on anything
/// but an inherent impl block. By rustc, at the user's method: an argument of the wrong type
/// (at the argument), a wrong return type, or a future that is not `Send` (at the return type).
#[proc_macro_attribute]
pub fn provider(args: TokenStream, input: TokenStream) -> TokenStream {
    provider::provider(args.into(), input.into()).into()
}
