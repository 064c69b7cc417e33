//! The impl block as written, markers off, and `impl Provider` beside it. Each trait method the
//! user overrides calls the user's method; its code is spanned at the user's method, so that
//! rustc reports a wrong argument type at the argument, a wrong return type or a future that is
//! not `Send` at the return type.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{FnArg, Ident, ReturnType, Type};

use super::ast::{Input, Method};
use super::role::Role;
use super::valid::Provider;
use crate::internals::generics::mentions;
use crate::internals::krate::Paths;
use crate::internals::span::respan;

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

/// The trait method, calling the user's:
///
/// ```text
/// fn consent(&self, __request: &AuthorizationRequest<'_, ClientOf<Self>>)
///     -> impl Future<Output = Result<Decision<ScopeOf<Self>>, OAuthError>> + Send
/// {
///     let __request_arg: <the user's type> = <__request, at the user's argument>;
///     Self::ask(self, __request_arg)
/// }
/// ```
fn delegate(method: &Method, role: &Role, paths: &Paths, trait_method: &Ident) -> TokenStream {
    let Paths { std, .. } = paths;
    let signature = role.signature(paths);
    let span = method.sig.ident.span();
    let params: Vec<Ident> = signature
        .params
        .iter()
        .map(|param| format_ident!("__{}", param.name, span = span))
        .collect();
    let types = signature
        .params
        .iter()
        .map(|param| respan(param.ty.clone(), span));
    let output = if signature.is_async {
        let output = signature.output;
        quote!(impl #std::future::Future<Output = #output> + #std::marker::Send)
    } else {
        signature.output
    };
    let output = at_output(output, method);
    let (bindings, args) = bindings(method, &params, span);
    let name = &method.sig.ident;
    quote_spanned! {span=>
        fn #trait_method(&self, #(#params: #types),*) -> #output {
            #bindings
            Self::#name(self, #(#args),*)
        }
    }
}

/// `tokens` spanning the user's method's return type (its name, without one): the first token
/// at the type's first, every other at its last, so that rustc, which spans code from its
/// first token to its last, reports the whole type.
fn at_output(tokens: TokenStream, method: &Method) -> TokenStream {
    let (first, last) = match &method.sig.output {
        ReturnType::Type(_, ty) => {
            let mut trees = ty.to_token_stream().into_iter().map(|tree| tree.span());
            let first = trees.next().unwrap_or_else(|| ty.span());
            (first, trees.last().unwrap_or(first))
        }
        ReturnType::Default => (method.sig.ident.span(), method.sig.ident.span()),
    };
    let mut trees = tokens.into_iter();
    let Some(mut head) = trees.next() else {
        return TokenStream::new();
    };
    head = match head {
        TokenTree::Group(group) => {
            let mut respanned = Group::new(group.delimiter(), respan(group.stream(), last));
            respanned.set_span(first);
            TokenTree::Group(respanned)
        }
        mut tree => {
            tree.set_span(first);
            tree
        }
    };
    let mut out: TokenStream = [head].into_iter().collect();
    out.extend(respan(trees.collect(), last));
    out
}

/// The trait method's parameters bound to the user's types of them, so that a mismatch is
/// reported at the user's argument; and the bound names, to call the user's method with.
fn bindings(method: &Method, params: &[Ident], span: Span) -> (TokenStream, Vec<Ident>) {
    let user_args = method.sig.inputs.iter().filter_map(|arg| match arg {
        FnArg::Typed(arg) => Some(arg),
        FnArg::Receiver(_) => None,
    });
    let generics = &method.sig.generics;
    let lifetimes: Vec<&Ident> = generics.lifetimes().map(|l| &l.lifetime.ident).collect();
    let types: Vec<&Ident> = generics
        .type_params()
        .map(|t| &t.ident)
        .chain(generics.const_params().map(|c| &c.ident))
        .collect();
    let mut bindings = TokenStream::new();
    let mut args = Vec::new();
    for (param, user_arg) in params.iter().zip(user_args) {
        let ty = user_arg.ty.to_token_stream();
        if mentions(&ty, &types) {
            // A type the trait method cannot name: the call checks it.
            args.push(param.clone());
            continue;
        }
        let ty = elide(ty, &lifetimes);
        let arg = format_ident!("{}_arg", param, span = span);
        // The parameter, named at the user's pattern: the mismatch is reported there, with the
        // user's type as what was expected.
        let mut value = param.clone();
        value.set_span(user_arg.pat.span());
        bindings.extend(quote_spanned!(span=> let #arg: #ty = #value;));
        args.push(arg);
    }
    (bindings, args)
}

/// `tokens` with the method's own lifetimes `'a` made `'_`, which the trait method cannot name.
fn elide(tokens: TokenStream, lifetimes: &[&Ident]) -> TokenStream {
    let mut after_quote = false;
    tokens
        .into_iter()
        .map(|tree| {
            let tree = match tree {
                TokenTree::Ident(ident) if after_quote && lifetimes.contains(&&ident) => {
                    TokenTree::Ident(Ident::new("_", ident.span()))
                }
                TokenTree::Group(group) => {
                    let mut elided =
                        Group::new(group.delimiter(), elide(group.stream(), lifetimes));
                    elided.set_span(group.span());
                    TokenTree::Group(elided)
                }
                tree => tree,
            };
            after_quote = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '\'');
            tree
        })
        .collect()
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
