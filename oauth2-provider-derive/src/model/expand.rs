//! The trait impl of a model derive, one accessor per entry of the derive's table in `role.rs`.
//! Field types are checked by rustc: each role adds a bound on its field's type, or coerces the
//! field, with the span of the field's type, so a wrong type is reported there.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;
use syn::spanned::Spanned;

use super::ast::{Field, Input};
use super::role::{Accessor, Output, Read, Role, Ty};
use super::valid::Roles;
use crate::internals::krate::Paths;
use crate::internals::span::respan;

/// The impl of a valid input.
pub fn expand(input: &Input, roles: &Roles) -> TokenStream {
    let mut generator = Gen::new(input, roles);
    let scope_type = generator
        .scope_type()
        .expect("validated: the scope role is present");
    let mut methods = TokenStream::new();
    for accessor in input.derive.roles() {
        // Every role but an optional one is there: validated.
        if let Some(field) = roles.get(accessor.role) {
            methods.extend(generator.accessor(accessor, field));
        }
    }
    let new = input
        .derive
        .new_type(&generator.paths)
        .map(|new_type| generator.new_fn(new_type));
    generator.finish(quote! {
        #scope_type

        #new

        #methods
    })
}

/// What the impl is built from: the runtime's paths, the fields by role, and the bounds on
/// the fields' types gathered so far.
pub struct Gen<'r, 'i, 'a> {
    pub input: &'r Input<'a>,
    pub paths: Paths,
    pub roles: &'r Roles<'i, 'a>,
    bounds: Vec<TokenStream>,
}

impl<'r, 'i, 'a> Gen<'r, 'i, 'a> {
    pub fn new(input: &'r Input<'a>, roles: &'r Roles<'i, 'a>) -> Self {
        Gen {
            input,
            paths: Paths::new(input.krate.as_ref()),
            roles,
            bounds: Vec::new(),
        }
    }

    /// `#ty: #bound`, reported at the field's type when it does not hold.
    fn bound(&mut self, field: &Field, bound: TokenStream) {
        let ty = field.ty;
        self.bounds.push(respan(quote!(#ty: #bound), ty.span()));
    }

    /// `type Scope = <the scope field's type>;`, bounded by `Scopes`, for a trait that has it;
    /// `None` when the scope field is missing.
    pub fn scope_type(&mut self) -> Option<TokenStream> {
        if !self.input.derive.takes(Role::Scope) {
            return Some(TokenStream::new());
        }
        let field = self.roles.get(Role::Scope)?;
        let krate = &self.paths.krate;
        let bound = quote!(#krate::scope::Scopes);
        self.bound(field, bound);
        let ty = field.ty;
        Some(quote!(type Scope = #ty;))
    }

    /// `fn method(&self) -> Output { #body }`.
    pub fn method(&self, accessor: &Accessor, body: TokenStream) -> TokenStream {
        let name = Ident::new(accessor.method, Span::call_site());
        let output = output(accessor.output, &self.paths);
        quote! {
            fn #name(&self) -> #output {
                #body
            }
        }
    }

    /// The accessor that reads `field`, and the bound on its type.
    fn accessor(&mut self, accessor: &Accessor, field: &Field) -> TokenStream {
        let std = self.paths.std.clone();
        let member = field.member;
        let body = match accessor.read {
            Read::Borrow(view) => {
                let view = ty(view, &self.paths);
                self.bound(field, quote!(#std::borrow::Borrow<#view>));
                quote!(#std::borrow::Borrow::<#view>::borrow(&self.#member))
            }
            Read::Borrowed { value, view } => self.borrowed(field, value, view),
            Read::Copied(value) => {
                let view = self.borrowed(field, value, value);
                quote!(*#view)
            }
            Read::AsDeref => respan(
                quote!(#std::option::Option::as_deref(&self.#member)),
                field.ty.span(),
            ),
            Read::AsRef => respan(
                quote!(#std::option::Option::as_ref(&self.#member)),
                field.ty.span(),
            ),
            Read::Copy => respan(quote!(self.#member), field.ty.span()),
            Read::Scope => quote!(self.#member),
            Read::ToString => {
                self.bound(field, quote!(#std::string::ToString));
                quote!(#std::string::ToString::to_string(&self.#member))
            }
            Read::Contains => return self.contains(accessor, field),
        };
        self.method(accessor, body)
    }

    /// `Borrow::<view>::borrow(&self.field)`, the field's type bounded by
    /// `From<value> + Borrow<view>`.
    fn borrowed(&mut self, field: &Field, value: Ty, view: Ty) -> TokenStream {
        let std = self.paths.std.clone();
        let (value, view) = (ty(value, &self.paths), ty(view, &self.paths));
        let member = field.member;
        let bound = quote!(#std::convert::From<#value> + #std::borrow::Borrow<#view>);
        self.bound(field, bound);
        quote!(#std::borrow::Borrow::<#view>::borrow(&self.#member))
    }

    /// `fn method(&self, grant_type: &str) -> bool`: whether the field's collection holds it.
    fn contains(&self, accessor: &Accessor, field: &Field) -> TokenStream {
        let std = &self.paths.std;
        let str_ = ty(Ty::Str, &self.paths);
        let name = Ident::new(accessor.method, Span::call_site());
        let output = output(accessor.output, &self.paths);
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
            fn #name(&self, __grant_type: &#str_) -> #output {
                #allowed
            }
        }
    }

    /// `new`: the role fields from the `New*` value, the others `Default::default()`. The
    /// roles whose accessor converts go through `From`, then the others are moved as they are.
    fn new_fn(&mut self, new_type: TokenStream) -> TokenStream {
        let std = self.paths.std.clone();
        let accessors = self.input.derive.roles();
        let converted = accessors.iter().filter(|accessor| accessor.read.converts());
        let moved = accessors
            .iter()
            .filter(|accessor| !accessor.read.converts());
        let mut inits = Vec::new();
        for accessor in converted {
            let field = self.roles.field(accessor.role);
            let member = field.member;
            let value = Ident::new(accessor.role.name(), Span::call_site());
            inits.push(quote!(#member: #std::convert::From::from(__new.#value)));
        }
        for accessor in moved {
            let field = self.roles.field(accessor.role);
            let member = field.member;
            let value = Ident::new(accessor.role.name(), Span::call_site());
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

    /// The trait impl around `items`, with the bounds gathered.
    pub fn finish(self, items: TokenStream) -> TokenStream {
        let Gen {
            input,
            paths,
            bounds,
            ..
        } = self;
        let std = &paths.std;
        let trait_path = input.derive.trait_path(&paths);
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
        quote! {
            #[automatically_derived]
            impl #impl_generics #trait_path for #ident #ty_generics #where_clause {
                #items
            }
        }
    }
}

/// An accessor's return type, as generated.
fn output(output: Output, paths: &Paths) -> TokenStream {
    let std = &paths.std;
    match output {
        Output::Owned(owned) => ty(owned, paths),
        Output::Ref(referent) => {
            let referent = ty(referent, paths);
            quote!(&#referent)
        }
        Output::Option(value) => {
            let value = ty(value, paths);
            quote!(#std::option::Option<#value>)
        }
        Output::OptionRef(referent) => {
            let referent = ty(referent, paths);
            quote!(#std::option::Option<&#referent>)
        }
        Output::Scope => quote!(Self::Scope),
    }
}

/// A type an accessor names, as generated.
fn ty(ty: Ty, paths: &Paths) -> TokenStream {
    let Paths { krate, std } = paths;
    match ty {
        Ty::Bool => quote!(#std::primitive::bool),
        Ty::Str => quote!(#std::primitive::str),
        Ty::String => quote!(#std::string::String),
        Ty::Strings => quote!([#std::string::String]),
        Ty::SystemTime => quote!(#std::time::SystemTime),
        Ty::TokenHash => quote!(#krate::model::TokenHash),
        Ty::GrantId => quote!(#krate::model::GrantId),
        Ty::PkceChallenge => quote!(#krate::pkce::PkceChallenge),
        Ty::Extras => quote!(#krate::model::Extras),
    }
}
