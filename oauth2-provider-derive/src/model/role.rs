//! The derives, the field roles each one takes, and what each role is to the derive's trait:
//! the accessor that reads the field, what it returns, and how it reads the field; and which
//! derives take `#[oauth(claim = "name")]`, which names no role. The tables themselves are in
//! `table.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::table::{CLIENT, CODE, OWNER, TOKEN};
use crate::internals::krate::Paths;

/// One of the model derives.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Derive {
    OAuthClient,
    ResourceOwner,
    AuthorizationCode,
    AccessToken,
    RefreshToken,
}

/// What a field is to the model trait: `#[oauth(client_id)]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    ClientId,
    SecretHash,
    RedirectUris,
    Scope,
    GrantTypes,
    AuthMethod,
    Jwks,
    JwksUri,
    AssertionSecret,
    ResourceServer,
    AccessTokenFormat,
    Resources,
    RefreshGrace,
    DpopBound,
    PushedRequests,
    Subject,
    CodeHash,
    TokenHash,
    GrantId,
    RedirectUri,
    Challenge,
    ExpiresAt,
    Extras,
}

/// Whether a derive fails without the role.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
}

/// A role of a derive, and the trait method that reads it.
pub struct Accessor {
    pub role: Role,
    pub need: Need,
    /// The trait method's name.
    pub method: &'static str,
    /// What the method returns.
    pub output: Output,
    /// How the method reads the field.
    pub read: Read,
}

/// How an accessor reads its field and how `new` fills it from the `New*` value.
#[derive(Clone, Copy)]
pub enum Read {
    /// Through the role's trait of the runtime's `__private::field`, `name`: the accessor calls
    /// its `read`, `new` its `store`. The trait's impls are the types that fit the role, and its
    /// message says what they are; a generic field's type is bounded by `bound` instead.
    Field { name: &'static str, bound: Bound },
    /// `self.field`, of the type that becomes `type Scope`; `new` moves the value in.
    Scope,
    /// Whether the field's collection holds the method's one `&str` argument, through the
    /// runtime's trait `name`, whose method is the accessor's: `&field` iterates items that
    /// are `AsRef<str>`.
    Contains { name: &'static str },
    /// `jwks`: the `#[oauth(jwks)]` field's key set, else the `#[oauth(jwks_uri)]` field's URI,
    /// each through its role's trait (`Jwks`, `JwksUri`), joined by the runtime's
    /// `client_keys`. One method for two roles, there when either field is.
    Keys,
    /// Read by another role's method (`jwks_uri`, by `Keys`'s): no method of its own.
    Joined,
}

/// What a generic field's type is bounded by: the standard traits behind its role's trait.
#[derive(Clone, Copy)]
pub enum Bound {
    /// `Borrow<view>`.
    Borrow(Ty),
    /// `From<value> + Borrow<view>`.
    Stored { value: Ty, view: Ty },
    /// `ToString`.
    ToString,
    /// The role's trait itself: an `Option` of something, no standard trait.
    Role,
}

/// An accessor's return type.
#[derive(Clone, Copy)]
pub enum Output {
    /// `ty`
    Owned(Ty),
    /// `&ty`
    Ref(Ty),
    /// `Option<ty>`
    Option(Ty),
    /// `Option<&ty>`
    OptionRef(Ty),
    /// `Self::Scope`
    Scope,
}

/// A type that an accessor names.
#[derive(Clone, Copy)]
pub enum Ty {
    Bool,
    Str,
    String,
    /// `[String]`
    Strings,
    SystemTime,
    TokenHash,
    GrantId,
    PkceChallenge,
    Extras,
    AuthMethod,
    /// `ClientKeys<'_>`
    ClientKeys,
    /// `[u8]`
    Bytes,
    TokenFormat,
    RefreshGrace,
}

impl Derive {
    /// The derive's name, as in `#[derive(OAuthClient)]`.
    pub fn name(self) -> &'static str {
        match self {
            Derive::OAuthClient => "OAuthClient",
            Derive::ResourceOwner => "ResourceOwner",
            Derive::AuthorizationCode => "AuthorizationCode",
            Derive::AccessToken => "AccessToken",
            Derive::RefreshToken => "RefreshToken",
        }
    }

    /// The roles the derive takes with their accessors, in the order its trait's methods are
    /// declared.
    pub fn roles(self) -> &'static [Accessor] {
        match self {
            Derive::OAuthClient => CLIENT,
            Derive::ResourceOwner => OWNER,
            Derive::AuthorizationCode => CODE,
            Derive::AccessToken | Derive::RefreshToken => TOKEN,
        }
    }

    /// `true` when the derive takes `role`.
    pub fn takes(self, role: Role) -> bool {
        self.roles().iter().any(|accessor| accessor.role == role)
    }

    /// `true` when the derive's fields take `#[oauth(claim = "name")]`, any number of them,
    /// beside a role or without one: its trait has `claims`, read from each through the
    /// runtime's `__private::field::Claim`.
    pub fn takes_claims(self) -> bool {
        self == Derive::ResourceOwner
    }

    /// The roles for a message: "`client_id`, `secret_hash`, ...", and the claims if the derive
    /// takes them.
    pub fn role_list(self) -> String {
        let names: Vec<String> = self
            .roles()
            .iter()
            .map(|accessor| format!("`{}`", accessor.role.name()))
            .collect();
        let claims = if self.takes_claims() {
            ", and its fields take `claim = \"name\"`"
        } else {
            ""
        };
        format!("{}{claims}", names.join(", "))
    }

    /// The trait the derive implements.
    pub fn trait_path(self, paths: &Paths) -> TokenStream {
        let krate = &paths.krate;
        match self {
            Derive::OAuthClient => quote!(#krate::model::OAuthClient),
            Derive::ResourceOwner => quote!(#krate::model::ResourceOwner),
            Derive::AuthorizationCode => quote!(#krate::model::AuthorizationCode),
            Derive::AccessToken => quote!(#krate::model::TokenModel<#krate::model::AccessKind>),
            Derive::RefreshToken => quote!(#krate::model::TokenModel<#krate::model::RefreshKind>),
        }
    }

    /// The argument of the trait's `new`, for a trait that has one.
    pub fn new_type(self, paths: &Paths) -> Option<TokenStream> {
        let krate = &paths.krate;
        match self {
            Derive::OAuthClient | Derive::ResourceOwner => None,
            Derive::AuthorizationCode => Some(quote!(#krate::model::NewCode<Self::Scope>)),
            Derive::AccessToken | Derive::RefreshToken => {
                Some(quote!(#krate::model::NewToken<Self::Scope>))
            }
        }
    }
}

impl Role {
    const ALL: [Role; 23] = [
        Role::ClientId,
        Role::SecretHash,
        Role::RedirectUris,
        Role::Scope,
        Role::GrantTypes,
        Role::AuthMethod,
        Role::Jwks,
        Role::JwksUri,
        Role::AssertionSecret,
        Role::ResourceServer,
        Role::AccessTokenFormat,
        Role::Resources,
        Role::RefreshGrace,
        Role::DpopBound,
        Role::PushedRequests,
        Role::Subject,
        Role::CodeHash,
        Role::TokenHash,
        Role::GrantId,
        Role::RedirectUri,
        Role::Challenge,
        Role::ExpiresAt,
        Role::Extras,
    ];

    /// The role as written in `#[oauth(...)]`.
    pub fn name(self) -> &'static str {
        match self {
            Role::ClientId => "client_id",
            Role::SecretHash => "secret_hash",
            Role::RedirectUris => "redirect_uris",
            Role::Scope => "scope",
            Role::GrantTypes => "grant_types",
            Role::AuthMethod => "auth_method",
            Role::Jwks => "jwks",
            Role::JwksUri => "jwks_uri",
            Role::AssertionSecret => "assertion_secret",
            Role::ResourceServer => "resource_server",
            Role::AccessTokenFormat => "access_token_format",
            Role::Resources => "resources",
            Role::RefreshGrace => "refresh_grace",
            Role::DpopBound => "dpop_bound_access_tokens",
            Role::PushedRequests => "require_pushed_authorization_requests",
            Role::Subject => "subject",
            Role::CodeHash => "code_hash",
            Role::TokenHash => "token_hash",
            Role::GrantId => "grant_id",
            Role::RedirectUri => "redirect_uri",
            Role::Challenge => "challenge",
            Role::ExpiresAt => "expires_at",
            Role::Extras => "extras",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.name() == name)
    }
}

impl Output {
    /// The return type, as generated.
    pub fn tokens(self, paths: &Paths) -> TokenStream {
        let std = &paths.std;
        match self {
            Output::Owned(owned) => owned.tokens(paths),
            Output::Ref(referent) => {
                let referent = referent.tokens(paths);
                quote!(&#referent)
            }
            Output::Option(value) => {
                let value = value.tokens(paths);
                quote!(#std::option::Option<#value>)
            }
            Output::OptionRef(referent) => {
                let referent = referent.tokens(paths);
                quote!(#std::option::Option<&#referent>)
            }
            Output::Scope => quote!(Self::Scope),
        }
    }
}

impl Ty {
    /// The type, as generated.
    pub fn tokens(self, paths: &Paths) -> TokenStream {
        let Paths { krate, std } = paths;
        match self {
            Ty::Bool => quote!(#std::primitive::bool),
            Ty::Str => quote!(#std::primitive::str),
            Ty::String => quote!(#std::string::String),
            Ty::Strings => quote!([#std::string::String]),
            Ty::SystemTime => quote!(#std::time::SystemTime),
            Ty::TokenHash => quote!(#krate::model::TokenHash),
            Ty::GrantId => quote!(#krate::model::GrantId),
            Ty::PkceChallenge => quote!(#krate::pkce::PkceChallenge),
            Ty::Extras => quote!(#krate::model::Extras),
            Ty::AuthMethod => quote!(#krate::model::AuthMethod),
            Ty::ClientKeys => quote!(#krate::model::ClientKeys<'_>),
            Ty::Bytes => quote!([#std::primitive::u8]),
            Ty::TokenFormat => quote!(#krate::model::TokenFormat),
            Ty::RefreshGrace => quote!(#krate::grant::RefreshGrace),
        }
    }
}
