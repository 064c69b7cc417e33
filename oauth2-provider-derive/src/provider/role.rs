//! The grants a provider serves, the hooks it takes, and what a marked method of the impl block
//! is for: the trait method it becomes (its signature is `signature.rs`'s).

use syn::{Ident, LitStr};

/// A grant of RFC 6749, as named in `grants(...)` and `#[grant(...)]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    AuthorizationCode,
    Implicit,
    Password,
    ClientCredentials,
    RefreshToken,
    DeviceCode,
}

/// A hook of the `Provider` trait, as named in `#[hook(...)]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    LookupClient,
    AuthenticateOwner,
    Consent,
    BeforeIssue,
    TokenIssued,
    TokenRevoked,
    Throttle,
    OwnerActive,
    FindOwner,
    Claims,
    RegisterClient,
}

/// What a marked method is to the provider.
#[derive(Clone)]
pub enum Role {
    /// `#[provider(store)]`: returns the one value that is both the client and the token
    /// store.
    Store,
    /// `#[provider(clients)]`: returns `&Clients`.
    Clients,
    /// `#[provider(tokens)]`: returns `&Tokens`.
    Tokens,
    /// `#[provider(config)]`: returns `&Config`.
    Config,
    /// `#[provider(resources)]`: returns `Option<&ResourceServers<Scope>>` (RFC 8707).
    Resources,
    /// `#[hook(name)]`.
    Hook(Hook),
    /// `#[grant(password)]`, `#[grant(client_credentials)]`: replaces the default handler.
    Grant(Standard),
    /// `#[grant("urn:...")]`: an extension grant (RFC 6749 §8.3).
    Extension(LitStr),
}

impl Standard {
    pub const ALL: [Standard; 6] = [
        Standard::AuthorizationCode,
        Standard::Implicit,
        Standard::Password,
        Standard::ClientCredentials,
        Standard::RefreshToken,
        Standard::DeviceCode,
    ];

    /// The name in `grant_type`, `grants(...)` and `#[grant(...)]`.
    pub fn name(self) -> &'static str {
        match self {
            Standard::AuthorizationCode => "authorization_code",
            Standard::Implicit => "implicit",
            Standard::Password => "password",
            Standard::ClientCredentials => "client_credentials",
            Standard::RefreshToken => "refresh_token",
            Standard::DeviceCode => "device_code",
        }
    }

    pub fn from_name(name: &str) -> Option<Standard> {
        Standard::ALL.into_iter().find(|grant| grant.name() == name)
    }

    /// The variant of the runtime's `GrantType`.
    pub fn variant(self) -> Ident {
        let name = match self {
            Standard::AuthorizationCode => "AuthorizationCode",
            Standard::Implicit => "Implicit",
            Standard::Password => "Password",
            Standard::ClientCredentials => "ClientCredentials",
            Standard::RefreshToken => "RefreshToken",
            Standard::DeviceCode => "DeviceCode",
        };
        Ident::new(name, proc_macro2::Span::call_site())
    }

    /// Why `#[grant(name)]` cannot replace this grant's handler, if it cannot.
    pub fn not_overridable(self) -> Option<&'static str> {
        match self {
            Standard::AuthorizationCode | Standard::RefreshToken => Some(
                "its single-use exchange belongs to the runtime; adjust what it issues with `#[hook(before_issue)]`",
            ),
            Standard::Implicit => Some(
                "the runtime issues its token at the authorization endpoint; decide who approves with `#[hook(consent)]` and adjust what it issues with `#[hook(before_issue)]`",
            ),
            Standard::DeviceCode => Some(
                "the runtime owns its codes and polling; the user's page calls `Server::device_verification` and `approve_device`, and `#[hook(before_issue)]` adjusts what it issues",
            ),
            Standard::Password | Standard::ClientCredentials => None,
        }
    }

    /// `` `authorization_code`, `implicit`, ... `` for messages.
    pub fn list() -> String {
        quoted_list(Standard::ALL.iter().map(|grant| grant.name()))
    }
}

impl Hook {
    #[rustfmt::skip]
    pub const ALL: [Hook; 11] = [
        Hook::AuthenticateOwner, Hook::Consent, Hook::LookupClient, Hook::BeforeIssue,
        Hook::TokenIssued, Hook::TokenRevoked, Hook::Throttle, Hook::OwnerActive,
        Hook::FindOwner, Hook::Claims, Hook::RegisterClient,
    ];

    /// The name in `#[hook(...)]`, which is also the trait method's.
    pub fn name(self) -> &'static str {
        match self {
            Hook::LookupClient => "lookup_client",
            Hook::AuthenticateOwner => "authenticate_owner",
            Hook::Consent => "consent",
            Hook::BeforeIssue => "before_issue",
            Hook::TokenIssued => "token_issued",
            Hook::TokenRevoked => "token_revoked",
            Hook::Throttle => "throttle",
            Hook::OwnerActive => "owner_active",
            Hook::FindOwner => "find_owner",
            Hook::Claims => "claims",
            Hook::RegisterClient => "register_client",
        }
    }

    pub fn from_name(name: &str) -> Option<Hook> {
        Hook::ALL.into_iter().find(|hook| hook.name() == name)
    }

    /// The grants the hook runs for, one of which the provider must serve; empty when it runs
    /// whatever the grants.
    pub fn runs_for(self) -> &'static [Standard] {
        match self {
            // Only the default password handler asks it.
            Hook::AuthenticateOwner => &[Standard::Password],
            // Only the authorization endpoint asks it.
            Hook::Consent => &[Standard::AuthorizationCode, Standard::Implicit],
            // Only a refresh asks it.
            Hook::OwnerActive => &[Standard::RefreshToken],
            // `find_owner` and `claims`: UserInfo asks them, whatever grant issued its token.
            Hook::LookupClient | Hook::BeforeIssue | Hook::TokenIssued | Hook::TokenRevoked => &[],
            Hook::Throttle | Hook::FindOwner | Hook::Claims | Hook::RegisterClient => &[],
        }
    }

    /// `` `authenticate_owner`, `consent`, ... `` for messages.
    pub fn list() -> String {
        quoted_list(Hook::ALL.iter().map(|hook| hook.name()))
    }
}

impl Role {
    /// The attribute as written, for messages: `` `#[hook(consent)]` ``.
    pub fn attr(&self) -> String {
        match self {
            Role::Store => "`#[provider(store)]`".to_owned(),
            Role::Clients => "`#[provider(clients)]`".to_owned(),
            Role::Tokens => "`#[provider(tokens)]`".to_owned(),
            Role::Config => "`#[provider(config)]`".to_owned(),
            Role::Resources => "`#[provider(resources)]`".to_owned(),
            Role::Hook(hook) => format!("`#[hook({})]`", hook.name()),
            Role::Grant(grant) => format!("`#[grant({})]`", grant.name()),
            Role::Extension(uri) => format!("`#[grant({:?})]`", uri.value()),
        }
    }

    /// `true` when both roles are the same trait method (the same extension URI for two
    /// extension grants).
    pub fn same_as(&self, other: &Role) -> bool {
        match (self, other) {
            (Role::Store, Role::Store)
            | (Role::Clients, Role::Clients)
            | (Role::Tokens, Role::Tokens)
            | (Role::Config, Role::Config)
            | (Role::Resources, Role::Resources) => true,
            (Role::Hook(a), Role::Hook(b)) => a == b,
            (Role::Grant(a), Role::Grant(b)) => a == b,
            (Role::Extension(a), Role::Extension(b)) => a.value() == b.value(),
            _ => false,
        }
    }

    /// The trait method the role implements; every extension grant goes into one
    /// `extension_grant`. A store is both `clients` and `tokens`; this names the first.
    pub fn trait_method(&self) -> &'static str {
        match self {
            Role::Store | Role::Clients => "clients",
            Role::Tokens => "tokens",
            Role::Config => "config",
            Role::Resources => "resources",
            Role::Hook(hook) => hook.name(),
            Role::Grant(Standard::ClientCredentials) => "client_credentials_grant",
            Role::Grant(_) => "password_grant",
            Role::Extension(_) => "extension_grant",
        }
    }

    /// The name the runtime's `__private::hook` gives the trait method's hook, as in
    /// `AuthenticateOwner`: its output's marker, and the prefix of its arguments' and output's
    /// traits. `None` for the stores, `config` and `resources`, which are not hooks.
    pub fn hook_name(&self) -> Option<&'static str> {
        Some(match self {
            Role::Store | Role::Clients | Role::Tokens | Role::Config | Role::Resources => {
                return None;
            }
            Role::Hook(Hook::LookupClient) => "LookupClient",
            Role::Hook(Hook::AuthenticateOwner) => "AuthenticateOwner",
            Role::Hook(Hook::Consent) => "Consent",
            Role::Hook(Hook::BeforeIssue) => "BeforeIssue",
            Role::Hook(Hook::TokenIssued) => "TokenIssued",
            Role::Hook(Hook::TokenRevoked) => "TokenRevoked",
            Role::Hook(Hook::Throttle) => "Throttle",
            Role::Hook(Hook::OwnerActive) => "OwnerActive",
            Role::Hook(Hook::FindOwner) => "FindOwner",
            Role::Hook(Hook::Claims) => "Claims",
            Role::Hook(Hook::RegisterClient) => "RegisterClient",
            Role::Grant(Standard::ClientCredentials) => "ClientCredentialsGrant",
            Role::Grant(_) => "PasswordGrant",
            Role::Extension(_) => "ExtensionGrant",
        })
    }
}

/// `` `a`, `b` and `c` ``.
fn quoted_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|name| format!("`{name}`")).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}
