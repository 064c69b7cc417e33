//! The impl block as written, markers off, and `impl Provider` beside it: its associated types,
//! `grant_types()`, `extension_grant()`, and a trait method calling each marked method of the
//! user's (`delegate.rs`).

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::ext::IdentExt;
use syn::{Ident, Type};

use super::ast::Input;
use super::delegate::delegate;
use super::role::Role;
use super::valid::Provider;
use crate::internals::krate::Paths;

/// The impl block and, beside it, the trait impl of a valid input, with the hidden inherent
/// methods that call the extension grants.
pub fn expand(input: &Input, provider: &Provider, paths: &Paths) -> TokenStream {
    let mut out = input.item.to_token_stream();
    let Some(head) = Head::new(input, provider, paths) else {
        return out;
    };
    let mut items = TokenStream::new();
    for (method, role) in provider.store_methods() {
        let name = Ident::new(role.trait_method(), method.sig.ident.span());
        items.extend(delegate(method, &role, paths, &name));
    }
    let config = provider.config.expect("validated: a config method");
    for method in std::iter::once(config).chain(provider.hooks.iter().copied()) {
        let name = Ident::new(method.role.trait_method(), method.sig.ident.span());
        items.extend(delegate(method, &method.role, paths, &name));
    }
    items.extend(grant_types(provider, paths));
    items.extend(state_store(provider, paths));
    let mut helpers = TokenStream::new();
    items.extend(extension_grant(provider, paths, &mut helpers));
    out.extend(head.provider_impl(items));
    if !helpers.is_empty() {
        out.extend(head.inherent_impl(helpers));
    }
    out
}

/// What the trait impl and the helpers' inherent impl share: the generics, the type, the where
/// clause; and the trait impl's associated types. Only once the types are known.
pub struct Head<'i> {
    paths: &'i Paths,
    impl_generics: syn::ImplGenerics<'i>,
    self_ty: &'i Type,
    where_clause: TokenStream,
    clients: &'i Type,
    tokens: &'i Type,
    owner: &'i Type,
}

impl<'i> Head<'i> {
    pub fn new(input: &'i Input, provider: &Provider<'i>, paths: &'i Paths) -> Option<Head<'i>> {
        let (Some((clients, tokens)), Some(owner)) = (provider.store_types(), &input.args.owner)
        else {
            return None;
        };
        let std = &paths.std;
        let generics = &input.item.generics;
        let (impl_generics, _, _) = generics.split_for_impl();
        let mut predicates: Vec<TokenStream> = generics
            .where_clause
            .iter()
            .flat_map(|clause| clause.predicates.iter().map(ToTokens::to_token_stream))
            .collect();
        if !generics.params.is_empty() {
            // The trait is `Send + Sync + 'static`; a generic provider is when its parameters are.
            predicates.push(quote!(Self: #std::marker::Send + #std::marker::Sync + 'static));
        }
        let where_clause = if predicates.is_empty() {
            TokenStream::new()
        } else {
            quote!(where #(#predicates,)*)
        };
        Some(Head {
            paths,
            impl_generics,
            self_ty: &input.item.self_ty,
            where_clause,
            clients,
            tokens,
            owner,
        })
    }

    /// `impl Provider`, its types and `items`.
    pub fn provider_impl(&self, items: TokenStream) -> TokenStream {
        let Head {
            paths,
            impl_generics,
            self_ty,
            where_clause,
            clients,
            tokens,
            owner,
        } = self;
        let krate = &paths.krate;
        quote! {
            #[automatically_derived]
            impl #impl_generics #krate::provider::Provider for #self_ty #where_clause {
                type Clients = #clients;
                type Tokens = #tokens;
                type Owner = #owner;
                #items
            }
        }
    }

    /// An inherent impl of `helpers`.
    fn inherent_impl(&self, helpers: TokenStream) -> TokenStream {
        let Head {
            impl_generics,
            self_ty,
            where_clause,
            ..
        } = self;
        quote! {
            #[automatically_derived]
            impl #impl_generics #self_ty #where_clause {
                #helpers
            }
        }
    }
}

/// `grant_types()`: the standard grants in the order of `grants(...)`, then the extension
/// grants in the order of their methods; a `const` slice.
fn grant_types(provider: &Provider, paths: &Paths) -> TokenStream {
    let krate = &paths.krate;
    let standard = provider.grants.iter().map(|grant| {
        let variant = grant.variant();
        quote!(#krate::grant::GrantType::#variant)
    });
    let extensions = provider.extensions.iter().map(|method| {
        let Role::Extension(uri) = &method.role else {
            unreachable!("an extension grant")
        };
        quote!(#krate::grant::GrantType::Extension(#uri))
    });
    quote! {
        fn grant_types(&self) -> &'static [#krate::grant::GrantType] {
            const GRANT_TYPES: &[#krate::grant::GrantType] = &[#(#standard,)* #(#extensions,)*];
            GRANT_TYPES
        }
    }
}

/// `state_store()` with the device grant: the token store, which must be a `StateStore`.
fn state_store(provider: &Provider, paths: &Paths) -> TokenStream {
    if !provider.grants.contains(&super::role::Standard::DeviceCode) {
        return TokenStream::new();
    }
    let Paths { krate, std } = paths;
    quote! {
        fn state_store(&self) -> #std::option::Option<#krate::store::StateRef<'_>> {
            #std::option::Option::Some(#krate::store::StateRef::new(
                <Self as #krate::provider::Provider>::tokens(self),
            ))
        }
    }
}

/// `extension_grant()`: a `match` on the grant type, each arm the user's method; none without
/// extension grants, so that the default refuses every one. Each method is called through a
/// hidden inherent method, added to `helpers`, that returns `impl Future<Output = ...> + Send`
/// as a trait method does, so that its output and `Send` are checked on their own, at the
/// method's return type.
fn extension_grant(provider: &Provider, paths: &Paths, helpers: &mut TokenStream) -> TokenStream {
    if provider.extensions.is_empty() {
        return TokenStream::new();
    }
    let Paths { krate, std } = paths;
    let signature = provider.extensions[0].role.signature(paths);
    let output = &signature.output;
    let params: Vec<Ident> = signature
        .params
        .iter()
        .map(|param| format_ident!("__{}", param.name))
        .collect();
    let types = signature.params.iter().map(|param| &param.ty);
    let mut arms = TokenStream::new();
    for method in &provider.extensions {
        let Role::Extension(uri) = &method.role else {
            unreachable!("an extension grant")
        };
        let helper = format_ident!("__extension_grant_{}", method.sig.ident.unraw());
        helpers.extend(quote!(#[doc(hidden)]));
        helpers.extend(delegate(method, &method.role, paths, &helper));
        arms.extend(quote! {
            #uri => Self::#helper(self, #(#params),*).await,
        });
    }
    quote! {
        fn extension_grant(
            &self,
            __grant_type: &#std::primitive::str,
            #(#params: #types,)*
        ) -> impl #std::future::Future<Output = #output> + #std::marker::Send {
            async move {
                match __grant_type {
                    #arms
                    _ => #std::result::Result::Err(#krate::error::OAuthError::new(
                        #krate::error::ErrorCode::UnsupportedGrantType,
                        "the grant type is not supported",
                    )),
                }
            }
        }
    }
}
