//! The derives, the field roles each one takes, and what each role is to the derive's trait:
//! the accessor that reads the field, what it returns, and how it reads the field; and which
//! derives take `#[oauth(claim = "name")]`, which names no role.

use proc_macro2::TokenStream;
use quote::quote;

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
    ResourceServer,
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
    /// Whether the field's collection holds the method's argument, through the runtime's
    /// `GrantTypes`: `&field` iterates items that are `AsRef<str>`.
    Contains,
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
}

const fn required(role: Role, method: &'static str, output: Output, read: Read) -> Accessor {
    Accessor {
        role,
        need: Need::Required,
        method,
        output,
        read,
    }
}

const CLIENT: &[Accessor] = &[
    required(
        Role::ClientId,
        "client_id",
        Output::Ref(Ty::Str),
        field("ClientId", Bound::Borrow(Ty::Str)),
    ),
    required(
        Role::SecretHash,
        "secret_hash",
        Output::OptionRef(Ty::Str),
        field("SecretHash", Bound::Role),
    ),
    required(
        Role::RedirectUris,
        "redirect_uris",
        Output::Ref(Ty::Strings),
        field("RedirectUris", Bound::Borrow(Ty::Strings)),
    ),
    required(Role::Scope, "allowed_scope", Output::Scope, Read::Scope),
    Accessor {
        role: Role::GrantTypes,
        need: Need::Optional,
        method: "allows_grant_type",
        output: Output::Owned(Ty::Bool),
        read: Read::Contains,
    },
    Accessor {
        role: Role::ResourceServer,
        need: Need::Optional,
        method: "is_resource_server",
        output: Output::Owned(Ty::Bool),
        read: field("ResourceServer", Bound::Role),
    },
];

const OWNER: &[Accessor] = &[required(
    Role::Subject,
    "subject",
    Output::Owned(Ty::String),
    field("OwnerSubject", Bound::ToString),
)];

const fn field(name: &'static str, bound: Bound) -> Read {
    Read::Field { name, bound }
}

/// `String` stored as any `From<String> + Borrow<str>`.
const STRING: Bound = Bound::Stored {
    value: Ty::String,
    view: Ty::Str,
};

/// `ty` stored as any `From<ty> + Borrow<ty>`.
const fn stored(ty: Ty) -> Bound {
    Bound::Stored {
        value: ty,
        view: ty,
    }
}

const CODE: &[Accessor] = &[
    required(
        Role::CodeHash,
        "code_hash",
        Output::Ref(Ty::TokenHash),
        field("CodeHash", stored(Ty::TokenHash)),
    ),
    required(
        Role::GrantId,
        "grant_id",
        Output::Owned(Ty::GrantId),
        field("GrantId", stored(Ty::GrantId)),
    ),
    required(
        Role::ClientId,
        "client_id",
        Output::Ref(Ty::Str),
        field("RecordClientId", STRING),
    ),
    required(
        Role::Subject,
        "subject",
        Output::Ref(Ty::Str),
        field("CodeSubject", STRING),
    ),
    required(
        Role::RedirectUri,
        "redirect_uri",
        Output::OptionRef(Ty::Str),
        field("RedirectUri", Bound::Role),
    ),
    required(Role::Scope, "scope", Output::Scope, Read::Scope),
    required(
        Role::Challenge,
        "challenge",
        Output::OptionRef(Ty::PkceChallenge),
        field("Challenge", Bound::Role),
    ),
    required(
        Role::ExpiresAt,
        "expires_at",
        Output::Owned(Ty::SystemTime),
        field("CodeExpiresAt", stored(Ty::SystemTime)),
    ),
    required(
        Role::Extras,
        "extras",
        Output::Ref(Ty::Extras),
        field("Extras", stored(Ty::Extras)),
    ),
];

const TOKEN: &[Accessor] = &[
    required(
        Role::TokenHash,
        "token_hash",
        Output::Ref(Ty::TokenHash),
        field("TokenHash", stored(Ty::TokenHash)),
    ),
    required(
        Role::GrantId,
        "grant_id",
        Output::Owned(Ty::GrantId),
        field("GrantId", stored(Ty::GrantId)),
    ),
    required(
        Role::ClientId,
        "client_id",
        Output::Ref(Ty::Str),
        field("RecordClientId", STRING),
    ),
    required(
        Role::Subject,
        "subject",
        Output::OptionRef(Ty::Str),
        field("TokenSubject", Bound::Role),
    ),
    required(Role::Scope, "scope", Output::Scope, Read::Scope),
    required(
        Role::ExpiresAt,
        "expires_at",
        Output::Option(Ty::SystemTime),
        field("TokenExpiresAt", Bound::Role),
    ),
    required(
        Role::Extras,
        "extras",
        Output::Ref(Ty::Extras),
        field("Extras", stored(Ty::Extras)),
    ),
];

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
    const ALL: [Role; 14] = [
        Role::ClientId,
        Role::SecretHash,
        Role::RedirectUris,
        Role::Scope,
        Role::GrantTypes,
        Role::ResourceServer,
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
            Role::ResourceServer => "resource_server",
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
