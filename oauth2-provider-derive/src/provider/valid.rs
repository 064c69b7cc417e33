//! Checks across the attribute and the marked methods: every required key and method present,
//! no grant or hook given twice, every override and hook for a grant that is served, every
//! method's receiver and number of arguments those of its trait method.

use quote::ToTokens;
use syn::{FnArg, ReturnType, Type};

use super::ast::{Input, Method};
use super::role::{Role, Standard};
use crate::internals::ctxt::Ctxt;
use crate::internals::krate::Paths;

/// The marked methods by what they are for. Built even when there are errors, from the first
/// method of each role.
pub struct Provider<'i> {
    /// The `#[provider(store)]` method and the store type it returns a reference to.
    pub store: Option<(&'i Method, &'i Type)>,
    /// The `#[provider(clients)]` method and its client store type.
    pub clients: Option<(&'i Method, &'i Type)>,
    /// The `#[provider(tokens)]` method and its token store type.
    pub tokens: Option<(&'i Method, &'i Type)>,
    pub config: Option<&'i Method>,
    /// `#[hook(...)]` and `#[grant(password)]`, `#[grant(client_credentials)]`, in order.
    pub hooks: Vec<&'i Method>,
    /// `#[grant("uri")]`, in order.
    pub extensions: Vec<&'i Method>,
    /// `grants(...)` without duplicates, in order.
    pub grants: Vec<Standard>,
}

impl<'i> Provider<'i> {
    /// The client store's and the token store's types, once both are known.
    pub fn store_types(&self) -> Option<(&'i Type, &'i Type)> {
        match (self.store, self.clients, self.tokens) {
            (Some((_, both)), _, _) => Some((both, both)),
            (None, Some((_, clients)), Some((_, tokens))) => Some((clients, tokens)),
            _ => None,
        }
    }

    /// The methods that return the stores, each with the trait method it becomes.
    pub fn store_methods(&self) -> Vec<(&'i Method, Role)> {
        match (self.store, self.clients, self.tokens) {
            (Some((store, _)), _, _) => vec![(store, Role::Clients), (store, Role::Tokens)],
            (None, Some((clients, _)), Some((tokens, _))) => {
                vec![(clients, Role::Clients), (tokens, Role::Tokens)]
            }
            _ => Vec::new(),
        }
    }
}

pub fn validate<'i>(cx: &mut Ctxt, input: &'i Input, paths: &Paths) -> Provider<'i> {
    let args = &input.args;
    let mut provider = Provider {
        store: None,
        clients: None,
        tokens: None,
        config: None,
        hooks: Vec::new(),
        extensions: Vec::new(),
        grants: Vec::new(),
    };
    for name in args.grants.iter().flatten() {
        if provider.grants.contains(&name.grant) {
            cx.error_spanned_by(
                &name.ident,
                format!("`{}` is listed twice in `grants(...)`", name.grant.name()),
            );
        } else {
            provider.grants.push(name.grant);
        }
    }
    if args.complete && args.owner.is_none() {
        cx.error_at(
            proc_macro2::Span::call_site(),
            "`#[provider(...)]` needs `owner = ...`, the resource owner type, like `owner = User`",
        );
    }
    if args.complete && args.grants.is_none() {
        cx.error_at(
            proc_macro2::Span::call_site(),
            "`#[provider(...)]` needs `grants(...)`, the grants it serves, like `grants(authorization_code, refresh_token)`",
        );
    }

    let mut seen: Vec<&Method> = Vec::new();
    for method in &input.methods {
        signature(cx, method, args.owner.as_ref(), paths);
        if let Some(first) = seen.iter().find(|first| first.role.same_as(&method.role)) {
            cx.error_spanned_by(
                &method.marker,
                format!(
                    "{} is given twice; method `{}` has it already",
                    method.role.attr(),
                    first.sig.ident
                ),
            );
            continue;
        }
        seen.push(method);
        match &method.role {
            Role::Store => provider.store = store_type(cx, method).map(|ty| (method, ty)),
            Role::Clients => provider.clients = store_type(cx, method).map(|ty| (method, ty)),
            Role::Tokens => provider.tokens = store_type(cx, method).map(|ty| (method, ty)),
            Role::Config => provider.config = Some(method),
            // Called like a hook: delegated as written, once its output is an `Option`.
            Role::Resources => {
                if resources_output(cx, method) {
                    provider.hooks.push(method);
                }
            }
            Role::Hook(hook) => {
                let runs_for = hook.runs_for();
                if args.grants.is_some()
                    && !runs_for.is_empty()
                    && !runs_for.iter().any(|grant| provider.grants.contains(grant))
                {
                    let grants: Vec<String> = runs_for
                        .iter()
                        .map(|grant| format!("`{}`", grant.name()))
                        .collect();
                    cx.error_spanned_by(
                        &method.marker,
                        format!(
                            "{} runs only for the {} grant{}, not in `grants(...)`",
                            method.role.attr(),
                            grants.join(" and "),
                            if grants.len() > 1 { "s" } else { "" },
                        ),
                    );
                }
                provider.hooks.push(method);
            }
            Role::Grant(grant) => {
                if args.grants.is_some() && !provider.grants.contains(grant) {
                    cx.error_spanned_by(
                        &method.marker,
                        format!(
                            "{} replaces a grant this provider does not serve; add `{}` to `grants(...)`",
                            method.role.attr(),
                            grant.name()
                        ),
                    );
                }
                provider.hooks.push(method);
            }
            Role::Extension(uri) => {
                if let Err(why) = absolute_uri(&uri.value()) {
                    cx.error_spanned_by(
                        uri,
                        format!(
                            "{:?} is not an absolute URI: {why}; RFC 6749 §8.3 names an extension grant by one, like \"urn:ietf:params:oauth:grant-type:jwt-bearer\"",
                            uri.value()
                        ),
                    );
                }
                provider.extensions.push(method);
            }
        }
    }

    let self_ty = &input.item.self_ty;
    stores(cx, &seen, self_ty);
    if provider.config.is_none() {
        cx.error_spanned_by(
            self_ty,
            "`#[provider(...)]` needs a method marked `#[provider(config)]` that returns the configuration, like `fn config(&self) -> &Config`",
        );
    }
    provider
}

/// The receiver is `&self` and the arguments after it are as many as the trait method's.
fn signature(cx: &mut Ctxt, method: &Method, owner: Option<&Type>, paths: &Paths) {
    let sig = &method.sig;
    let expected = method.role.signature(paths);
    let shown = expected.shown(&sig.ident, owner);
    let attr = method.role.attr();
    let mut inputs = sig.inputs.iter().peekable();
    match inputs.peek() {
        Some(FnArg::Receiver(receiver)) if is_ref_self(receiver) => {
            inputs.next();
        }
        Some(FnArg::Receiver(receiver)) => {
            inputs.next();
            cx.error_spanned_by(
                receiver,
                format!("{attr} needs a `&self` receiver, as in `{shown}`"),
            );
        }
        _ => cx.error_at(
            sig.paren_token.span.join(),
            format!("{attr} needs a `&self` receiver, as in `{shown}`"),
        ),
    }
    let args: Vec<&FnArg> = inputs.collect();
    let want = expected.params.len();
    if args.len() != want {
        let takes = match want {
            0 => "no argument".to_owned(),
            1 => "1 argument".to_owned(),
            n => format!("{n} arguments"),
        };
        let message = format!("{attr} takes {takes} after `&self`, as in `{shown}`");
        match args.get(want..) {
            Some(extra) if !extra.is_empty() => {
                let extra: proc_macro2::TokenStream =
                    extra.iter().map(|arg| arg.to_token_stream()).collect();
                cx.error_spanned_by(extra, message);
            }
            _ => cx.error_at(sig.paren_token.span.join(), message),
        }
    }
}

/// `&self`, or `self: &Self`.
fn is_ref_self(receiver: &syn::Receiver) -> bool {
    matches!(&*receiver.ty, Type::Reference(r) if r.mutability.is_none())
}

/// Either `#[provider(store)]`, one value that keeps clients and tokens, or both
/// `#[provider(clients)]` and `#[provider(tokens)]`.
fn stores(cx: &mut Ctxt, seen: &[&Method], self_ty: &Type) {
    let find = |role: Role| seen.iter().find(|m| m.role.same_as(&role));
    let (store, clients, tokens) = (find(Role::Store), find(Role::Clients), find(Role::Tokens));
    if let Some(store) = store {
        for separate in [clients, tokens].into_iter().flatten() {
            cx.error_spanned_by(
                &separate.marker,
                format!(
                    "{} and `#[provider(store)]` (method `{}`) both name a store; mark one method `#[provider(store)]` when one value keeps clients and tokens, or one `#[provider(clients)]` and one `#[provider(tokens)]`",
                    separate.role.attr(),
                    store.sig.ident
                ),
            );
        }
        return;
    }
    match (clients, tokens) {
        (Some(_), Some(_)) => {}
        (Some(clients), None) => cx.error_spanned_by(
            &clients.marker,
            "`#[provider(clients)]` needs a method marked `#[provider(tokens)]` beside it, that returns the token store, like `fn tokens(&self) -> &SqliteStore<Scope>`",
        ),
        (None, Some(tokens)) => cx.error_spanned_by(
            &tokens.marker,
            "`#[provider(tokens)]` needs a method marked `#[provider(clients)]` beside it, that returns the client store, like `fn clients(&self) -> &MyClients`",
        ),
        (None, None) => cx.error_spanned_by(
            self_ty,
            "`#[provider(...)]` needs a method marked `#[provider(store)]` that returns the store of clients and tokens, like `fn store(&self) -> &MemoryStore<App>`, or one marked `#[provider(clients)]` and one `#[provider(tokens)]`",
        ),
    }
}

/// `T` of a store method's `-> &T`.
fn store_type<'i>(cx: &mut Ctxt, method: &'i Method) -> Option<&'i Type> {
    let message = match method.role {
        Role::Clients => {
            "`#[provider(clients)]` returns a reference to the client store, like `-> &MyClients`; its type becomes `Provider::Clients`"
        }
        Role::Tokens => {
            "`#[provider(tokens)]` returns a reference to the token store, like `-> &SqliteStore<Scope>`; its type becomes `Provider::Tokens`"
        }
        _ => {
            "`#[provider(store)]` returns a reference to the store, like `-> &MemoryStore<App>`; the store's type becomes `Provider::Clients` and `Provider::Tokens`"
        }
    };
    match &method.sig.output {
        ReturnType::Type(_, ty) => match &**ty {
            Type::Reference(reference) if reference.mutability.is_none() => Some(&reference.elem),
            ty => {
                cx.error_spanned_by(ty, message);
                None
            }
        },
        ReturnType::Default => {
            cx.error_spanned_by(&method.sig.ident, message);
            None
        }
    }
}

/// `#[provider(resources)]` returns an `Option` (a provider may declare no resource server);
/// rustc judges the rest of the type.
fn resources_output(cx: &mut Ctxt, method: &Method) -> bool {
    let message = "`#[provider(resources)]` returns `Option<&ResourceServers<Scope>>`, like `-> Option<&ResourceServers<Scope>> { Some(&self.resources) }`; `None` declares no resource server";
    let is_option = |ty: &Type| match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|last| last.ident == "Option"),
        _ => false,
    };
    match &method.sig.output {
        ReturnType::Type(_, ty) if is_option(ty) => true,
        ReturnType::Type(_, ty) => {
            cx.error_spanned_by(ty, message);
            false
        }
        ReturnType::Default => {
            cx.error_spanned_by(&method.sig.ident, message);
            false
        }
    }
}

/// RFC 3986 §3: `scheme ":" ...`, the scheme a letter then letters, digits, `+`, `-`, `.`; and
/// nothing that a URI never holds.
fn absolute_uri(uri: &str) -> Result<(), &'static str> {
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Err("it has no scheme");
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Err("it has no scheme");
    }
    if rest.is_empty() {
        return Err("nothing follows the scheme");
    }
    if !uri.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("it has a character a URI never holds");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::absolute_uri;

    #[test]
    fn absolute_uris() {
        assert!(absolute_uri("urn:ietf:params:oauth:grant-type:jwt-bearer").is_ok());
        assert!(absolute_uri("https://example.com/grants/device").is_ok());
        assert!(absolute_uri("x-custom+v1.2:thing").is_ok());
        assert!(absolute_uri("jwt-bearer").is_err());
        assert!(absolute_uri(":no-scheme").is_err());
        assert!(absolute_uri("1urn:x").is_err());
        assert!(absolute_uri("urn:").is_err());
        assert!(absolute_uri("urn:has space").is_err());
        assert!(absolute_uri("urn:ünïcode").is_err());
    }
}
