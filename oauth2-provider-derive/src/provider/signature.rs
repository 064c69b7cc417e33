//! The signature each marked method must have: the trait method's arguments and output, as
//! generated and as shown in messages.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

use super::role::{Hook, Role};
use crate::internals::krate::Paths;

/// One argument of a trait method after `&self`: its name, its type as shown in messages, and
/// its type as generated.
pub struct Param {
    pub name: &'static str,
    pub shown: &'static str,
    pub ty: TokenStream,
}

/// A trait method's signature: what the user's method must accept and return.
pub struct Signature {
    pub params: Vec<Param>,
    /// The future's output (or, for the stores and `config`, the return type), as shown.
    pub output_shown: &'static str,
    pub output: TokenStream,
    /// Whether the method returns a future.
    pub is_async: bool,
}

impl Role {
    /// The signature the user's method must have, with the runtime's types at `paths`.
    pub fn signature(&self, paths: &Paths) -> Signature {
        let Paths { krate, std } = paths;
        let client = quote!(#krate::provider::ClientOf<Self>);
        let scope = quote!(#krate::provider::ScopeOf<Self>);
        let oauth_error = quote!(#krate::error::OAuthError);
        let param = |name, shown, ty| Param { name, shown, ty };
        let (params, output_shown, output) = match self {
            Role::Store | Role::Clients => (vec![], "&Clients", quote!(&Self::Clients)),
            Role::Tokens => (vec![], "&Tokens", quote!(&Self::Tokens)),
            Role::Config => (vec![], "&Config", quote!(&#krate::config::Config)),
            Role::Resources => (
                vec![],
                "Option<&ResourceServers<Scope>>",
                quote!(#std::option::Option<&#krate::resource::ResourceServers<#scope>>),
            ),
            Role::Hook(Hook::LookupClient) => (
                vec![param("client_id", "&str", quote!(&#std::primitive::str))],
                "Result<Option<Arc<Client>>, StoreError>",
                quote!(#std::result::Result<
                    #std::option::Option<#std::sync::Arc<#client>>,
                    #krate::error::StoreError,
                >),
            ),
            Role::Hook(Hook::AuthenticateOwner) => (
                vec![
                    param("username", "&str", quote!(&#std::primitive::str)),
                    param("password", "&str", quote!(&#std::primitive::str)),
                ],
                "Result<Option<Owner>, OAuthError>",
                quote!(#std::result::Result<#std::option::Option<Self::Owner>, #oauth_error>),
            ),
            Role::Hook(Hook::Consent) => (
                vec![param(
                    "request",
                    "&AuthorizationRequest<'_, Client>",
                    quote!(&#krate::provider::AuthorizationRequest<'_, #client>),
                )],
                "Result<Decision<Scope>, OAuthError>",
                quote!(#std::result::Result<#krate::provider::Decision<#scope>, #oauth_error>),
            ),
            Role::Hook(Hook::BeforeIssue) => (
                vec![
                    param("grant_type", "GrantType", quote!(#krate::grant::GrantType)),
                    param("client", "&Client", quote!(&#client)),
                    param(
                        "grant",
                        "&mut Grant<Scope>",
                        quote!(&mut #krate::grant::Grant<#scope>),
                    ),
                ],
                "Result<(), OAuthError>",
                quote!(#std::result::Result<(), #oauth_error>),
            ),
            Role::Hook(Hook::TokenIssued) => (
                vec![param(
                    "event",
                    "&TokenEvent<'_, Scope>",
                    quote!(&#krate::provider::TokenEvent<'_, #scope>),
                )],
                "()",
                quote!(()),
            ),
            Role::Hook(Hook::TokenRevoked) => (
                vec![param(
                    "event",
                    "&RevokeEvent<'_>",
                    quote!(&#krate::provider::RevokeEvent<'_>),
                )],
                "()",
                quote!(()),
            ),
            Role::Hook(Hook::Throttle) => (
                vec![param(
                    "attempt",
                    "&Attempt<'_>",
                    quote!(&#krate::limit::Attempt<'_>),
                )],
                "Result<(), Throttled>",
                quote!(#std::result::Result<(), #krate::limit::Throttled>),
            ),
            Role::Hook(Hook::OwnerActive) => (
                vec![param("subject", "&str", quote!(&#std::primitive::str))],
                "Result<bool, OAuthError>",
                quote!(#std::result::Result<#std::primitive::bool, #oauth_error>),
            ),
            Role::Hook(Hook::FindOwner) => (
                vec![param("subject", "&str", quote!(&#std::primitive::str))],
                "Result<Option<Owner>, OAuthError>",
                quote!(#std::result::Result<#std::option::Option<Self::Owner>, #oauth_error>),
            ),
            Role::Hook(Hook::Claims) => (
                vec![
                    param("subject", "&str", quote!(&#std::primitive::str)),
                    param("scope", "Scope", quote!(#scope)),
                ],
                "Result<Claims, OAuthError>",
                quote!(#std::result::Result<#krate::model::Claims, #oauth_error>),
            ),
            Role::Hook(Hook::RegisterClient) => (
                vec![
                    param(
                        "request",
                        "&RegistrationRequest<'_>",
                        quote!(&#krate::registration::RegistrationRequest<'_>),
                    ),
                    param(
                        "client",
                        "&mut ClientRecord<Scope>",
                        quote!(&mut #krate::model::ClientRecord<#scope>),
                    ),
                ],
                "Result<(), OAuthError>",
                quote!(#std::result::Result<(), #oauth_error>),
            ),
            Role::Grant(_) | Role::Extension(_) => (
                vec![
                    param(
                        "request",
                        "&TokenRequest<'_>",
                        quote!(&#krate::grant::TokenRequest<'_>),
                    ),
                    param("client", "&Client", quote!(&#client)),
                ],
                "Result<Grant<Scope>, OAuthError>",
                quote!(#std::result::Result<#krate::grant::Grant<#scope>, #oauth_error>),
            ),
        };
        Signature {
            params,
            output_shown,
            output,
            is_async: !matches!(
                self,
                Role::Store | Role::Clients | Role::Tokens | Role::Config | Role::Resources
            ),
        }
    }
}

impl Signature {
    /// The signature as the user writes it, for messages:
    /// `async fn name(&self, request: &TokenRequest<'_>) -> Result<...>`; `Owner` is the
    /// owner type when the attribute names one as a path, `Client` and `Scope` stay the store's.
    pub fn shown(&self, name: &Ident, owner: Option<&syn::Type>) -> String {
        let params: String = self
            .params
            .iter()
            .map(|param| format!(", {}: {}", param.name, param.shown))
            .collect();
        let asyncness = if self.is_async { "async " } else { "" };
        let mut output = if self.output_shown == "()" {
            String::new()
        } else {
            format!(" -> {}", self.output_shown)
        };
        if let Some(syn::Type::Path(owner)) = owner {
            let owner = quote::ToTokens::to_token_stream(owner).to_string();
            output = output.replace("<Owner>", &format!("<{}>", owner.replace(' ', "")));
        }
        format!("{asyncness}fn {name}(&self{params}){output}")
    }
}
