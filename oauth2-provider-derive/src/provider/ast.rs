//! The typed AST of `#[provider(...)]`: the attribute's keys and the impl block, its marked
//! methods with their roles, keeping the user's tokens. The marker attributes are taken off
//! the impl block here, whatever else goes wrong, so that rustc never sees them.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, ImplItem, ItemImpl, LitStr, Signature, Token, Type};

use super::role::{Hook, Role, Standard};
use crate::internals::ctxt::Ctxt;
use crate::internals::krate::CrateArg;

mod kw {
    syn::custom_keyword!(owner);
    syn::custom_keyword!(grants);
    syn::custom_keyword!(store);
    syn::custom_keyword!(clients);
    syn::custom_keyword!(tokens);
    syn::custom_keyword!(config);
    syn::custom_keyword!(resources);
}

/// What the attribute says.
pub struct Args {
    /// `crate = "path"`, when given.
    pub krate: Option<syn::Path>,
    /// `owner = Type`.
    pub owner: Option<Type>,
    /// `grants(...)`: the known names, in order, duplicates kept for `validate`.
    pub grants: Option<Vec<GrantName>>,
    /// `false` when parsing stopped at a syntax error, so that a missing key may be past it.
    pub complete: bool,
}

/// A standard grant named in `grants(...)`.
pub struct GrantName {
    pub ident: Ident,
    pub grant: Standard,
}

/// The impl block, its markers taken off.
pub struct Input {
    pub args: Args,
    pub item: ItemImpl,
    pub methods: Vec<Method>,
}

/// A method with a marker attribute.
pub struct Method {
    pub sig: Signature,
    pub role: Role,
    /// What the marker names, as written (`consent`, `"urn:..."`), for errors about the marker.
    pub marker: TokenStream,
}

/// The names that mark a method of the impl block.
const MARKERS: [&str; 3] = ["provider", "grant", "hook"];

fn is_marker(attr: &Attribute) -> bool {
    MARKERS.iter().any(|name| attr.path().is_ident(name))
}

impl Args {
    /// Parses the attribute's keys; a syntax error stops the parse, other mistakes are recorded
    /// and the parse goes on.
    pub fn from_syn(cx: &mut Ctxt, args: TokenStream) -> Args {
        let mut parsed = Args {
            krate: None,
            owner: None,
            grants: None,
            complete: true,
        };
        let parser = |input: ParseStream| {
            while !input.is_empty() {
                parsed.entry(cx, input)?;
                if input.is_empty() {
                    break;
                }
                input.parse::<Token![,]>()?;
            }
            Ok(())
        };
        if let Err(err) = parser.parse2(args) {
            cx.syn_error(err);
            parsed.complete = false;
        }
        parsed
    }

    fn entry(&mut self, cx: &mut Ctxt, input: ParseStream) -> syn::Result<()> {
        let lookahead = input.lookahead1();
        if lookahead.peek(Token![crate]) {
            // crate = "path::to::oauth2_provider"
            let CrateArg { key, path } = input.parse()?;
            if self.krate.is_some() {
                cx.error_spanned_by(key, "duplicate `crate = ...` in `#[provider(...)]`");
            } else {
                self.krate = Some(path);
            }
        } else if lookahead.peek(kw::owner) {
            // owner = User
            let key: kw::owner = input.parse()?;
            input.parse::<Token![=]>()?;
            let owner: Type = input.parse()?;
            if self.owner.is_some() {
                cx.error_spanned_by(key, "duplicate `owner = ...` in `#[provider(...)]`");
            } else {
                self.owner = Some(owner);
            }
        } else if lookahead.peek(kw::grants) {
            // grants(authorization_code, refresh_token)
            let key: kw::grants = input.parse()?;
            let content;
            syn::parenthesized!(content in input);
            let names = Punctuated::<GrantItem, Token![,]>::parse_terminated(&content)?;
            let names = names
                .into_iter()
                .filter_map(|item| item.known(cx))
                .collect();
            if self.grants.is_some() {
                cx.error_spanned_by(key, "duplicate `grants(...)` in `#[provider(...)]`");
            } else {
                self.grants = Some(names);
            }
        } else if input.peek(Ident::peek_any) {
            // scope = Scope: a key this attribute does not take
            let key = Ident::parse_any(input)?;
            let hint = if key == "scope" || key == "client" {
                format!("; the {key} type is the client store's")
            } else {
                String::new()
            };
            return Err(syn::Error::new(
                key.span(),
                format!(
                    "unknown key `{key}` in `#[provider(...)]`; it takes `owner = ...`, `grants(...)` and `crate = \"...\"`{hint}"
                ),
            ));
        } else {
            return Err(lookahead.error());
        }
        Ok(())
    }
}

/// An entry of `grants(...)` as written.
enum GrantItem {
    Ident(Ident),
    Str(LitStr),
}

impl syn::parse::Parse for GrantItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let lookahead = input.lookahead1();
        if lookahead.peek(LitStr) {
            // "urn:ietf:params:oauth:grant-type:jwt-bearer"
            input.parse().map(GrantItem::Str)
        } else if lookahead.peek(Ident::peek_any) {
            // password
            Ident::parse_any(input).map(GrantItem::Ident)
        } else {
            Err(lookahead.error())
        }
    }
}

impl GrantItem {
    /// The standard grant it names; any other is an error.
    fn known(self, cx: &mut Ctxt) -> Option<GrantName> {
        match self {
            GrantItem::Ident(ident) => {
                let Some(grant) = Standard::from_name(&ident.unraw().to_string()) else {
                    cx.error_spanned_by(
                        &ident,
                        format!(
                            "unknown grant `{ident}` in `grants(...)`; the grants are {}",
                            Standard::list()
                        ),
                    );
                    return None;
                };
                Some(GrantName { ident, grant })
            }
            GrantItem::Str(lit) => {
                cx.error_spanned_by(
                    &lit,
                    format!(
                        "`grants(...)` lists the standard grants; an extension grant is served by a method marked `#[grant({:?})]`",
                        lit.value()
                    ),
                );
                None
            }
        }
    }
}

impl Input {
    /// Reads the impl block and takes its markers off. `Err` carries the item to emit as it
    /// is, markers off, when it is not an inherent impl block.
    pub fn from_syn(cx: &mut Ctxt, args: Args, item: syn::Item) -> Result<Input, TokenStream> {
        let mut item = match item {
            syn::Item::Impl(item) if item.trait_.is_none() => item,
            syn::Item::Impl(mut item) => {
                let (_, path, _) = item.trait_.as_ref().expect("a trait impl");
                cx.error_spanned_by(
                    path,
                    "`#[provider(...)]` goes on an inherent impl block, like `impl MyProvider { ... }`; it writes the trait impl itself",
                );
                strip_markers(&mut item);
                return Err(item.into_token_stream());
            }
            syn::Item::Struct(item) => {
                cx.error_spanned_by(
                    &item.ident,
                    "`#[provider(...)]` goes on an inherent impl block of the provider, like `impl MyProvider { ... }`, not on the struct",
                );
                return Err(item.into_token_stream());
            }
            item => {
                cx.error_at(
                    Span::call_site(),
                    "`#[provider(...)]` goes on an inherent impl block, like `impl MyProvider { ... }`",
                );
                return Err(item.into_token_stream());
            }
        };
        let mut methods = Vec::new();
        for impl_item in &mut item.items {
            match impl_item {
                ImplItem::Fn(method) => {
                    if let Some(marked) = method_role(cx, &method.sig, &method.attrs) {
                        methods.push(marked);
                    }
                    method.attrs.retain(|attr| !is_marker(attr));
                }
                ImplItem::Const(item) => not_a_method(cx, &mut item.attrs),
                ImplItem::Type(item) => not_a_method(cx, &mut item.attrs),
                ImplItem::Macro(item) => not_a_method(cx, &mut item.attrs),
                _ => {}
            }
        }
        Ok(Input {
            args,
            item,
            methods,
        })
    }
}

/// Takes the markers off the methods of an impl block the macro does not expand.
fn strip_markers(item: &mut ItemImpl) {
    for impl_item in &mut item.items {
        if let ImplItem::Fn(method) = impl_item {
            method.attrs.retain(|attr| !is_marker(attr));
        }
    }
}

fn not_a_method(cx: &mut Ctxt, attrs: &mut Vec<Attribute>) {
    for attr in attrs.iter().filter(|attr| is_marker(attr)) {
        let name = attr.path().get_ident().expect("a marker is an identifier");
        cx.error_spanned_by(attr, format!("`#[{name}(...)]` goes on a method"));
    }
    attrs.retain(|attr| !is_marker(attr));
}

/// The role the markers of one method give it; a second marker is an error.
fn method_role(cx: &mut Ctxt, sig: &Signature, attrs: &[Attribute]) -> Option<Method> {
    let mut found: Option<Method> = None;
    for attr in attrs.iter().filter(|attr| is_marker(attr)) {
        let parsed = attr.parse_args_with(|input: ParseStream| marker(attr, input));
        let (role, marker) = match parsed {
            Ok(role) => role,
            Err(err) => {
                cx.syn_error(err);
                continue;
            }
        };
        if let Some(first) = &found {
            cx.error_spanned_by(
                &marker,
                format!(
                    "method `{}` already has {}; a method takes one `#[provider(...)]`, `#[grant(...)]` or `#[hook(...)]`",
                    sig.ident,
                    first.role.attr()
                ),
            );
            continue;
        }
        found = Some(Method {
            sig: sig.clone(),
            role,
            marker,
        });
    }
    found
}

/// The inside of `#[provider(...)]`, `#[grant(...)]` or `#[hook(...)]` on a method.
fn marker(attr: &Attribute, input: ParseStream) -> syn::Result<(Role, TokenStream)> {
    if attr.path().is_ident("provider") {
        let lookahead = input.lookahead1();
        if lookahead.peek(kw::store) {
            // #[provider(store)]
            let key: kw::store = input.parse()?;
            Ok((Role::Store, key.into_token_stream()))
        } else if lookahead.peek(kw::clients) {
            // #[provider(clients)]
            let key: kw::clients = input.parse()?;
            Ok((Role::Clients, key.into_token_stream()))
        } else if lookahead.peek(kw::tokens) {
            // #[provider(tokens)]
            let key: kw::tokens = input.parse()?;
            Ok((Role::Tokens, key.into_token_stream()))
        } else if lookahead.peek(kw::config) {
            // #[provider(config)]
            let key: kw::config = input.parse()?;
            Ok((Role::Config, key.into_token_stream()))
        } else if lookahead.peek(kw::resources) {
            // #[provider(resources)]
            let key: kw::resources = input.parse()?;
            Ok((Role::Resources, key.into_token_stream()))
        } else if input.peek(Ident::peek_any) {
            let ident = Ident::parse_any(input)?;
            Err(syn::Error::new(
                ident.span(),
                format!(
                    "unknown `#[provider({ident})]` on a method; it takes `#[provider(store)]`, `#[provider(clients)]`, `#[provider(tokens)]`, `#[provider(config)]` or `#[provider(resources)]`"
                ),
            ))
        } else {
            Err(lookahead.error())
        }
    } else if attr.path().is_ident("hook") {
        // #[hook(consent)]
        let ident = Ident::parse_any(input)?;
        let name = ident.unraw().to_string();
        match Hook::from_name(&name) {
            Some(hook) => Ok((Role::Hook(hook), ident.into_token_stream())),
            None if Standard::from_name(&name).is_some() => Err(syn::Error::new(
                ident.span(),
                format!(
                    "`{name}` is a grant, not a hook; a grant's handler is replaced with `#[grant({name})]`"
                ),
            )),
            None => Err(syn::Error::new(
                ident.span(),
                format!("unknown hook `{name}`; the hooks are {}", Hook::list()),
            )),
        }
    } else {
        let lookahead = input.lookahead1();
        if lookahead.peek(LitStr) {
            // #[grant("urn:ietf:params:oauth:grant-type:jwt-bearer")]
            let uri: LitStr = input.parse()?;
            Ok((Role::Extension(uri.clone()), uri.into_token_stream()))
        } else if lookahead.peek(Ident::peek_any) {
            // #[grant(password)]
            let ident = Ident::parse_any(input)?;
            let name = ident.unraw().to_string();
            match Standard::from_name(&name) {
                Some(grant) => match grant.not_overridable() {
                    None => Ok((Role::Grant(grant), ident.into_token_stream())),
                    Some(why) => Err(syn::Error::new(
                        ident.span(),
                        format!("`#[grant({name})]` cannot replace the `{name}` grant: {why}"),
                    )),
                },
                None => Err(syn::Error::new(
                    ident.span(),
                    format!(
                        "unknown grant `{name}`; `#[grant(...)]` takes `password`, `client_credentials` or an extension grant's absolute URI, like `#[grant(\"urn:ietf:params:oauth:grant-type:jwt-bearer\")]`"
                    ),
                )),
            }
        } else {
            Err(lookahead.error())
        }
    }
}
