//! The role tables of the model derives: for each derive, its roles in the order its trait's
//! methods are declared, each with the method that reads it.

use super::role::{Accessor, Bound, Need, Output, Read, Role, Ty};

const fn optional(role: Role, method: &'static str, output: Output, read: Read) -> Accessor {
    Accessor {
        role,
        need: Need::Optional,
        method,
        output,
        read,
    }
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

pub const CLIENT: &[Accessor] = &[
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
    optional(
        Role::GrantTypes,
        "allows_grant_type",
        Output::Owned(Ty::Bool),
        Read::Contains { name: "GrantTypes" },
    ),
    optional(
        Role::AuthMethod,
        "auth_method",
        Output::Option(Ty::AuthMethod),
        field("AuthMethod", Bound::Role),
    ),
    optional(
        Role::Jwks,
        "jwks",
        Output::Option(Ty::ClientKeys),
        Read::Keys,
    ),
    optional(
        Role::JwksUri,
        "jwks",
        Output::Option(Ty::ClientKeys),
        Read::Joined,
    ),
    optional(
        Role::AssertionSecret,
        "assertion_secret",
        Output::OptionRef(Ty::Bytes),
        field("AssertionSecret", Bound::Role),
    ),
    optional(
        Role::ResourceServer,
        "is_resource_server",
        Output::Owned(Ty::Bool),
        field("ResourceServer", Bound::Role),
    ),
    optional(
        Role::AccessTokenFormat,
        "access_token_format",
        Output::Option(Ty::TokenFormat),
        field("AccessTokenFormat", Bound::Role),
    ),
    optional(
        Role::Resources,
        "allows_resource",
        Output::Owned(Ty::Bool),
        Read::Contains { name: "Resources" },
    ),
    optional(
        Role::RefreshGrace,
        "refresh_grace",
        Output::Option(Ty::RefreshGrace),
        field("RefreshGrace", Bound::Role),
    ),
    optional(
        Role::DpopBound,
        "dpop_bound_access_tokens",
        Output::Owned(Ty::Bool),
        field("DpopBound", Bound::Role),
    ),
    optional(
        Role::PushedRequests,
        "requires_pushed_requests",
        Output::Owned(Ty::Bool),
        field("PushedRequests", Bound::Role),
    ),
];

pub const OWNER: &[Accessor] = &[required(
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

pub const CODE: &[Accessor] = &[
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

pub const TOKEN: &[Accessor] = &[
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
