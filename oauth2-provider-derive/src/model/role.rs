//! The derives and the field roles each one takes.

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

const TOKEN_ROLES: &[(Role, Need)] = &[
    (Role::TokenHash, Need::Required),
    (Role::GrantId, Need::Required),
    (Role::ClientId, Need::Required),
    (Role::Subject, Need::Required),
    (Role::Scope, Need::Required),
    (Role::ExpiresAt, Need::Required),
    (Role::Extras, Need::Required),
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

    /// The roles the derive takes, in the order its trait's methods are declared.
    pub fn roles(self) -> &'static [(Role, Need)] {
        match self {
            Derive::OAuthClient => &[
                (Role::ClientId, Need::Required),
                (Role::SecretHash, Need::Required),
                (Role::RedirectUris, Need::Required),
                (Role::Scope, Need::Required),
                (Role::GrantTypes, Need::Optional),
            ],
            Derive::ResourceOwner => &[(Role::Subject, Need::Required)],
            Derive::AuthorizationCode => &[
                (Role::CodeHash, Need::Required),
                (Role::GrantId, Need::Required),
                (Role::ClientId, Need::Required),
                (Role::Subject, Need::Required),
                (Role::RedirectUri, Need::Required),
                (Role::Scope, Need::Required),
                (Role::Challenge, Need::Required),
                (Role::ExpiresAt, Need::Required),
                (Role::Extras, Need::Required),
            ],
            Derive::AccessToken | Derive::RefreshToken => TOKEN_ROLES,
        }
    }

    /// `true` when the derive takes `role`.
    pub fn takes(self, role: Role) -> bool {
        self.roles().iter().any(|&(r, _)| r == role)
    }

    /// The roles for a message: "`client_id`, `secret_hash`, ...".
    pub fn role_list(self) -> String {
        let names: Vec<String> = self
            .roles()
            .iter()
            .map(|(role, _)| format!("`{}`", role.name()))
            .collect();
        names.join(", ")
    }
}

impl Role {
    const ALL: [Role; 13] = [
        Role::ClientId,
        Role::SecretHash,
        Role::RedirectUris,
        Role::Scope,
        Role::GrantTypes,
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
