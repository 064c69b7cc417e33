//! The trait method that calls a user's marked method, passing each argument through the
//! runtime's trait for that argument of the hook and the method's future through `Returns` and
//! the hook's output trait, spanned at the user's types: rustc reports a parameter or an output
//! of another type than the framework's at the user's type, in the hook's words. A future that
//! is not `Send` is reported at the return type.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, Ident, ReturnType, Type};

use super::ast::Method;
use super::role::Role;
use crate::internals::generics::mentions;
use crate::internals::krate::Paths;
use crate::internals::span::respan;

/// The trait method, calling the user's:
///
/// ```text
/// fn consent(&self, __request: &AuthorizationRequest<'_, ClientOf<Self>>)
///     -> impl Future<Output = Result<Decision<ScopeOf<Self>>, OAuthError>> + Send
/// {
///     let __request_arg: <the user's type> =
///         <<the user's type> as hook::ConsentRequest<<the framework's type>>>::pass(__request);
///     hook::Returns::new(
///         Self::ask(self, __request_arg),
///         <<the user's output> as hook::ConsentOutput<<the hook's output>>>::cast,
///     )
/// }
/// ```
///
/// Each trait is implemented for the framework's type alone, so the code around it is well
/// typed whatever the user wrote, and rustc reports a mismatch once, as the trait's message, at
/// the user's type (the trait method's own types are spanned at the method's name).
pub fn delegate(method: &Method, role: &Role, paths: &Paths, trait_method: &Ident) -> TokenStream {
    let Paths { krate, std } = paths;
    let signature = role.signature(paths);
    let span = method.sig.ident.span();
    let params: Vec<Ident> = signature
        .params
        .iter()
        .map(|param| format_ident!("__{}", param.name, span = span))
        .collect();
    let types: Vec<TokenStream> = signature
        .params
        .iter()
        .map(|param| respan(param.ty.clone(), span))
        .collect();
    let output = if signature.is_async {
        let output = &signature.output;
        quote!(impl #std::future::Future<Output = #output> + #std::marker::Send)
    } else {
        signature.output.clone()
    };
    let output = at_output(output, method);
    let hook = role.hook_name();
    let arg_traits: Vec<Option<TokenStream>> = signature
        .params
        .iter()
        .map(|param| {
            let hook = hook?;
            let name = format_ident!("{hook}{}", camel_case(param.name));
            Some(quote!(#krate::__private::hook::#name))
        })
        .collect();
    let nameable = Nameable::new(method);
    let (bindings, args) = bindings(method, &nameable, &params, &types, &arg_traits, span);
    let name = &method.sig.ident;
    let call = quote_spanned!(span=> Self::#name(self, #(#args),*));
    // Only an output the macro can name goes through the hook's output trait; any other future
    // is returned as it is, and rustc checks it against the trait method's.
    let body = match (hook, written_output(method, &nameable)) {
        (Some(hook), Some(written)) if signature.is_async => {
            let output_trait = format_ident!("{hook}Output");
            let signature_output = respan(signature.output, span);
            let cast = quote!(#krate::__private::hook::#output_trait<#signature_output>);
            let cast = respan(cast, written.span);
            let written = written.ty;
            let returns = respan(quote!(#krate::__private::hook::Returns::new), span);
            quote_spanned!(span=> #returns(#call, <#written as #cast>::cast))
        }
        _ => call,
    };
    quote_spanned! {span=>
        fn #trait_method(&self, #(#params: #types),*) -> #output {
            #bindings
            #body
        }
    }
}

/// `client_id` as `ClientId`.
fn camel_case(name: &str) -> String {
    name.split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The output of the user's method as written, where it is one that the trait method can
/// name: an `async fn`'s return type, or `X` of `-> impl Future<Output = X>`.
fn written_output(method: &Method, nameable: &Nameable) -> Option<Written> {
    let sig = &method.sig;
    let ty = match (&sig.asyncness, &sig.output) {
        (Some(_), ReturnType::Default) => {
            let span = sig.ident.span();
            return Some(Written {
                ty: quote_spanned!(span=> ()),
                span,
            });
        }
        (Some(_), ReturnType::Type(_, ty)) => &**ty,
        (None, ReturnType::Type(_, ty)) => future_output(ty)?,
        (None, ReturnType::Default) => return None,
    };
    Some(Written {
        ty: nameable.name(ty)?,
        span: ty.span(),
    })
}

/// The method's own generic parameters, which the trait method cannot name.
struct Nameable<'m> {
    lifetimes: Vec<&'m Ident>,
    types: Vec<&'m Ident>,
}

impl<'m> Nameable<'m> {
    fn new(method: &'m Method) -> Self {
        let generics = &method.sig.generics;
        Nameable {
            lifetimes: generics.lifetimes().map(|l| &l.lifetime.ident).collect(),
            types: generics
                .type_params()
                .map(|t| &t.ident)
                .chain(generics.const_params().map(|c| &c.ident))
                .collect(),
        }
    }

    /// `ty` as the trait method can write it, its lifetimes `'_`; `None` when it names a type
    /// parameter or an `impl Trait`, which only the user's method has.
    fn name(&self, ty: &Type) -> Option<TokenStream> {
        let tokens = ty.to_token_stream();
        let impl_trait = Ident::new("impl", Span::call_site());
        if mentions(&tokens, &self.types) || mentions(&tokens, &[&impl_trait]) {
            return None;
        }
        Some(elide(tokens, &self.lifetimes))
    }
}

/// An output type as the user wrote it, and the span of its first token.
struct Written {
    ty: TokenStream,
    span: Span,
}

/// `X` of `impl Future<Output = X> + ...`.
fn future_output(ty: &Type) -> Option<&Type> {
    let Type::ImplTrait(impl_trait) = ty else {
        return None;
    };
    impl_trait.bounds.iter().find_map(|bound| {
        let syn::TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let future = bound.path.segments.last()?;
        let syn::PathArguments::AngleBracketed(args) = &future.arguments else {
            return None;
        };
        if future.ident != "Future" {
            return None;
        }
        args.args.iter().find_map(|arg| match arg {
            syn::GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(&assoc.ty),
            _ => None,
        })
    })
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

/// The trait method's parameters bound to the user's types of them, each passed through its
/// argument's trait (`arg_traits`, `None` for a method that is not a hook), spanned at the
/// user's type; and the bound names, to call the user's method with.
fn bindings(
    method: &Method,
    nameable: &Nameable,
    params: &[Ident],
    types: &[TokenStream],
    arg_traits: &[Option<TokenStream>],
    span: Span,
) -> (TokenStream, Vec<Ident>) {
    let user_args = method.sig.inputs.iter().filter_map(|arg| match arg {
        FnArg::Typed(arg) => Some(arg),
        FnArg::Receiver(_) => None,
    });
    let mut bindings = TokenStream::new();
    let mut args = Vec::new();
    for (((param, ty), arg_trait), user_arg) in
        params.iter().zip(types).zip(arg_traits).zip(user_args)
    {
        let (Some(arg_trait), Some(user_ty)) = (arg_trait, nameable.name(&user_arg.ty)) else {
            // A type the trait method cannot name: the call checks it.
            args.push(param.clone());
            continue;
        };
        let user_span = user_arg.ty.span();
        let arg_trait = respan(arg_trait.clone(), user_span);
        let arg = format_ident!("{}_arg", param, span = span);
        bindings.extend(quote_spanned! {user_span=>
            let #arg: #user_ty = <#user_ty as #arg_trait<#ty>>::pass(#param);
        });
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
