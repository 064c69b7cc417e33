//! The trait impl of a model derive. Field types are checked by rustc: each role adds a bound on
//! its field's type, or coerces the field, with the span of the field's type, so a wrong type is
//! reported there.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use super::ast::{Field, Input};
use super::role::{Derive, Role};
use super::valid::Roles;
use crate::span::respan;

/// The impl of a valid input, or with `stub`, an impl whose methods are `unimplemented!()`
/// that stands beside the errors of an invalid one, so that the struct's uses report no more.
/// `None` when not even a stub can be written (no scope type to name).
pub fn expand(input: &Input, roles: &Roles, stub: bool) -> Option<TokenStream> {
    let krate = input
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::oauth2_provider));
    let mut generator = Gen {
        std: quote!(#krate::__private::std),
        krate: quote!(#krate),
        roles,
        stub,
        bounds: Vec::new(),
    };
    let (trait_path, items) = match input.derive {
        Derive::OAuthClient => (quote!(#krate::model::OAuthClient), generator.client()?),
        Derive::ResourceOwner => (quote!(#krate::model::ResourceOwner), generator.owner()),
        Derive::AuthorizationCode => (quote!(#krate::model::AuthorizationCode), generator.code()?),
        Derive::AccessToken => (
            quote!(#krate::model::TokenModel<#krate::model::AccessKind>),
            generator.token()?,
        ),
        Derive::RefreshToken => (
            quote!(#krate::model::TokenModel<#krate::model::RefreshKind>),
            generator.token()?,
        ),
    };
    let Gen { std, bounds, .. } = generator;

    let ident = input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let mut predicates: Vec<TokenStream> = input
        .generics
        .where_clause
        .iter()
        .flat_map(|clause| clause.predicates.iter().map(|p| quote!(#p)))
        .collect();
    predicates.extend(bounds);
    if !input.generics.params.is_empty() {
        // The traits are `Send + Sync + 'static`; a generic struct is when its parameters are.
        predicates.push(quote!(Self: #std::marker::Send + #std::marker::Sync + 'static));
    }
    let where_clause = if predicates.is_empty() {
        TokenStream::new()
    } else {
        quote!(where #(#predicates,)*)
    };
    Some(quote! {
        #[automatically_derived]
        impl #impl_generics #trait_path for #ident #ty_generics #where_clause {
            #items
        }
    })
}

struct Gen<'r, 'i, 'a> {
    std: TokenStream,
    krate: TokenStream,
    roles: &'r Roles<'i, 'a>,
    stub: bool,
    bounds: Vec<TokenStream>,
}

impl Gen<'_, '_, '_> {
    /// The body that reads the field of `role`, or `unimplemented!()` for a stub.
    fn read(
        &mut self,
        role: Role,
        body: impl FnOnce(&mut Self, &Field) -> TokenStream,
    ) -> TokenStream {
        match self.roles.get(role) {
            Some(field) if !self.stub => body(self, field),
            _ => {
                let std = &self.std;
                quote!(#std::unimplemented!())
            }
        }
    }

    /// `#ty: #bound`, reported at the field's type when it does not hold.
    fn bound(&mut self, field: &Field, bound: TokenStream) {
        let ty = field.ty;
        self.bounds.push(respan(quote!(#ty: #bound), ty.span()));
    }

    /// `type Scope = <the scope field's type>;`, or `None` without a scope field.
    fn scope_type(&mut self) -> Option<TokenStream> {
        let field = self.roles.get(Role::Scope)?;
        let krate = &self.krate;
        self.bound(field, quote!(#krate::scope::Scopes));
        let ty = field.ty;
        Some(quote!(type Scope = #ty;))
    }

    /// A field of a role whose accessor borrows a `view` of the field and whose `new` converts a
    /// `value`: `From<value> + Borrow<view>`, so `String`, `Box<str>` or `Arc<str>` all store a
    /// `String` role.
    fn borrowed(&mut self, field: &Field, value: &TokenStream, view: &TokenStream) -> TokenStream {
        let std = self.std.clone();
        let member = field.member;
        let bound = quote!(#std::convert::From<#value> + #std::borrow::Borrow<#view>);
        self.bound(field, bound);
        quote!(#std::borrow::Borrow::<#view>::borrow(&self.#member))
    }

    fn client(&mut self) -> Option<TokenStream> {
        let std = self.std.clone();
        let str_ = quote!(#std::primitive::str);
        let string = quote!(#std::string::String);
        let scope_type = self.scope_type()?;
        let client_id = self.read(Role::ClientId, |g, field| {
            let member = field.member;
            g.bound(field, quote!(#std::borrow::Borrow<#str_>));
            quote!(#std::borrow::Borrow::<#str_>::borrow(&self.#member))
        });
        let secret_hash = self.read(Role::SecretHash, |_, field| {
            let member = field.member;
            respan(
                quote!(#std::option::Option::as_deref(&self.#member)),
                field.ty.span(),
            )
        });
        let redirect_uris = self.read(Role::RedirectUris, |g, field| {
            let member = field.member;
            g.bound(field, quote!(#std::borrow::Borrow<[#string]>));
            quote!(#std::borrow::Borrow::<[#string]>::borrow(&self.#member))
        });
        let allowed_scope = self.read(Role::Scope, |_, field| {
            let member = field.member;
            quote!(self.#member)
        });
        let allows_grant_type = match self.roles.get(Role::GrantTypes) {
            Some(field) if !self.stub => {
                let member = field.member;
                // A method call, so that `&Vec<_>`, `&HashSet<_>` and `&&[_]` all iterate.
                let allowed = respan(
                    quote! {
                        use #std::iter::IntoIterator as _;
                        #std::iter::Iterator::any(
                            &mut (&self.#member).into_iter(),
                            |__allowed| #std::convert::AsRef::<#str_>::as_ref(__allowed) == __grant_type,
                        )
                    },
                    field.ty.span(),
                );
                // Spanned at the user's type for the errors, so clippy sees it as the user's.
                quote! {
                    #[allow(clippy::into_iter_on_ref)]
                    fn allows_grant_type(&self, __grant_type: &#str_) -> #std::primitive::bool {
                        #allowed
                    }
                }
            }
            _ => TokenStream::new(),
        };
        Some(quote! {
            #scope_type

            fn client_id(&self) -> &#str_ {
                #client_id
            }

            fn secret_hash(&self) -> #std::option::Option<&#str_> {
                #secret_hash
            }

            fn redirect_uris(&self) -> &[#string] {
                #redirect_uris
            }

            fn allowed_scope(&self) -> Self::Scope {
                #allowed_scope
            }

            #allows_grant_type
        })
    }

    fn owner(&mut self) -> TokenStream {
        let std = self.std.clone();
        let subject = self.read(Role::Subject, |g, field| {
            let member = field.member;
            g.bound(field, quote!(#std::string::ToString));
            quote!(#std::string::ToString::to_string(&self.#member))
        });
        quote! {
            fn subject(&self) -> #std::string::String {
                #subject
            }
        }
    }

    /// `new`: the role fields from the `New*` value, the others `Default::default()`.
    /// `convert` roles go through `From`; the others are moved as they are.
    fn new_fn(&mut self, new_type: TokenStream, convert: &[Role], exact: &[Role]) -> TokenStream {
        let std = self.std.clone();
        if self.stub {
            return quote! {
                fn new(_: #new_type) -> Self {
                    #std::unimplemented!()
                }
            };
        }
        let mut inits = Vec::new();
        for &role in convert {
            let field = self.roles.field(role);
            let (member, value) = (
                field.member,
                syn::Ident::new(role.name(), proc_macro2::Span::call_site()),
            );
            inits.push(quote!(#member: #std::convert::From::from(__new.#value)));
        }
        for &role in exact {
            let field = self.roles.field(role);
            let (member, value) = (
                field.member,
                syn::Ident::new(role.name(), proc_macro2::Span::call_site()),
            );
            let value = respan(quote!(__new.#value), field.ty.span());
            inits.push(quote!(#member: #value));
        }
        for field in self.roles.unmarked.clone() {
            let member = field.member;
            self.bound(field, quote!(#std::default::Default));
            inits.push(quote!(#member: #std::default::Default::default()));
        }
        quote! {
            fn new(__new: #new_type) -> Self {
                Self {
                    #(#inits,)*
                }
            }
        }
    }

    fn code(&mut self) -> Option<TokenStream> {
        let std = self.std.clone();
        let krate = self.krate.clone();
        let str_ = quote!(#std::primitive::str);
        let string = quote!(#std::string::String);
        let token_hash = quote!(#krate::model::TokenHash);
        let grant_id_ty = quote!(#krate::model::GrantId);
        let time = quote!(#std::time::SystemTime);
        let challenge_ty = quote!(#krate::pkce::PkceChallenge);
        let extras_ty = quote!(#krate::model::Extras);

        let scope_type = self.scope_type()?;
        let code_hash = self.read(Role::CodeHash, |g, f| {
            g.borrowed(f, &token_hash, &token_hash)
        });
        let grant_id = self.read(Role::GrantId, |g, f| {
            let view = g.borrowed(f, &grant_id_ty, &grant_id_ty);
            quote!(*#view)
        });
        let client_id = self.read(Role::ClientId, |g, f| g.borrowed(f, &string, &str_));
        let subject = self.read(Role::Subject, |g, f| g.borrowed(f, &string, &str_));
        let redirect_uri = self.read(Role::RedirectUri, |_, f| {
            let member = f.member;
            respan(
                quote!(#std::option::Option::as_deref(&self.#member)),
                f.ty.span(),
            )
        });
        let scope = self.read(Role::Scope, |_, f| {
            let member = f.member;
            quote!(self.#member)
        });
        let challenge = self.read(Role::Challenge, |_, f| {
            let member = f.member;
            respan(
                quote!(#std::option::Option::as_ref(&self.#member)),
                f.ty.span(),
            )
        });
        let expires_at = self.read(Role::ExpiresAt, |g, f| {
            let view = g.borrowed(f, &time, &time);
            quote!(*#view)
        });
        let extras = self.read(Role::Extras, |g, f| g.borrowed(f, &extras_ty, &extras_ty));
        let new = self.new_fn(
            quote!(#krate::model::NewCode<Self::Scope>),
            &[
                Role::CodeHash,
                Role::GrantId,
                Role::ClientId,
                Role::Subject,
                Role::ExpiresAt,
                Role::Extras,
            ],
            &[Role::RedirectUri, Role::Scope, Role::Challenge],
        );
        Some(quote! {
            #scope_type

            #new

            fn code_hash(&self) -> &#token_hash {
                #code_hash
            }

            fn grant_id(&self) -> #grant_id_ty {
                #grant_id
            }

            fn client_id(&self) -> &#str_ {
                #client_id
            }

            fn subject(&self) -> &#str_ {
                #subject
            }

            fn redirect_uri(&self) -> #std::option::Option<&#str_> {
                #redirect_uri
            }

            fn scope(&self) -> Self::Scope {
                #scope
            }

            fn challenge(&self) -> #std::option::Option<&#challenge_ty> {
                #challenge
            }

            fn expires_at(&self) -> #time {
                #expires_at
            }

            fn extras(&self) -> &#extras_ty {
                #extras
            }
        })
    }

    fn token(&mut self) -> Option<TokenStream> {
        let std = self.std.clone();
        let krate = self.krate.clone();
        let str_ = quote!(#std::primitive::str);
        let string = quote!(#std::string::String);
        let token_hash_ty = quote!(#krate::model::TokenHash);
        let grant_id_ty = quote!(#krate::model::GrantId);
        let time = quote!(#std::time::SystemTime);
        let extras_ty = quote!(#krate::model::Extras);

        let scope_type = self.scope_type()?;
        let token_hash = self.read(Role::TokenHash, |g, f| {
            g.borrowed(f, &token_hash_ty, &token_hash_ty)
        });
        let grant_id = self.read(Role::GrantId, |g, f| {
            let view = g.borrowed(f, &grant_id_ty, &grant_id_ty);
            quote!(*#view)
        });
        let client_id = self.read(Role::ClientId, |g, f| g.borrowed(f, &string, &str_));
        let subject = self.read(Role::Subject, |_, f| {
            let member = f.member;
            respan(
                quote!(#std::option::Option::as_deref(&self.#member)),
                f.ty.span(),
            )
        });
        let scope = self.read(Role::Scope, |_, f| {
            let member = f.member;
            quote!(self.#member)
        });
        let expires_at = self.read(Role::ExpiresAt, |_, f| {
            let member = f.member;
            respan(quote!(self.#member), f.ty.span())
        });
        let extras = self.read(Role::Extras, |g, f| g.borrowed(f, &extras_ty, &extras_ty));
        let new = self.new_fn(
            quote!(#krate::model::NewToken<Self::Scope>),
            &[Role::TokenHash, Role::GrantId, Role::ClientId, Role::Extras],
            &[Role::Subject, Role::Scope, Role::ExpiresAt],
        );
        Some(quote! {
            #scope_type

            #new

            fn token_hash(&self) -> &#token_hash_ty {
                #token_hash
            }

            fn grant_id(&self) -> #grant_id_ty {
                #grant_id
            }

            fn client_id(&self) -> &#str_ {
                #client_id
            }

            fn subject(&self) -> #std::option::Option<&#str_> {
                #subject
            }

            fn scope(&self) -> Self::Scope {
                #scope
            }

            fn expires_at(&self) -> #std::option::Option<#time> {
                #expires_at
            }

            fn extras(&self) -> &#extras_ty {
                #extras
            }
        })
    }
}
