//! The trait impl of a model derive, one accessor per entry of the derive's table in `role.rs`,
//! and `claims` for the fields read as claims. Each role's field is read, and built by `new`,
//! through its role's trait of the runtime's `__private::field`, called at the field's type
//! (each claim's field through `Claim`): rustc reports a type that does not fit there, once,
//! in the role's words.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

use super::ast::{Field, Input};
use super::role::{Accessor, Bound, Read, Role, Ty};
use super::valid::Roles;
use crate::internals::generics::mentions;
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
        match accessor.read {
            Read::Keys => methods.extend(generator.keys(accessor)),
            Read::Joined => {}
            // Every role but an optional one is there: validated.
            _ => {
                if let Some(field) = roles.get(accessor.role) {
                    methods.extend(generator.accessor(accessor, field));
                }
            }
        }
    }
    let new = input
        .derive
        .new_type(&generator.paths)
        .map(|new_type| generator.new_fn(new_type));
    let claims = generator.claims();
    generator.finish(quote! {
        #scope_type

        #new

        #methods

        #claims
    })
}

/// What the impl is built from: the runtime's paths, the fields by role, and the bounds on
/// the fields' types gathered so far.
pub struct Gen<'r, 'i, 'a> {
    pub input: &'r Input<'a>,
    pub paths: Paths,
    pub roles: &'r Roles<'i, 'a>,
    bounds: Vec<TokenStream>,
    /// Items beside the impl that check the fields' types.
    checks: Vec<TokenStream>,
}

impl<'r, 'i, 'a> Gen<'r, 'i, 'a> {
    pub fn new(input: &'r Input<'a>, roles: &'r Roles<'i, 'a>) -> Self {
        Gen {
            input,
            paths: Paths::new(input.krate.as_ref()),
            roles,
            bounds: Vec::new(),
            checks: Vec::new(),
        }
    }

    /// `#ty: #bound` on the impl, for a field whose type names a generic parameter: the impl
    /// holds where the bound does. A concrete type gets no bound, which rustc would check where
    /// it is written, in the standard traits' words; its field trait reports it instead.
    fn bound(&mut self, field: &Field, bound: TokenStream) {
        let ty = field.ty;
        self.bounds.push(respan(quote!(#ty: #bound), ty.span()));
    }

    /// `true` when the field's type names a type or const parameter of the struct.
    fn is_generic(&self, field: &Field) -> bool {
        let generics = self.input.generics;
        let params: Vec<&Ident> = generics
            .type_params()
            .map(|param| &param.ident)
            .chain(generics.const_params().map(|param| &param.ident))
            .collect();
        mentions(&field.ty.to_token_stream(), &params)
    }

    /// `true` when the field's type names a lifetime of the struct, which an item beside the
    /// impl cannot name either.
    fn names_a_lifetime(&self, field: &Field) -> bool {
        let lifetimes: Vec<&Ident> = self
            .input
            .generics
            .lifetimes()
            .map(|param| &param.lifetime.ident)
            .collect();
        mentions(&field.ty.to_token_stream(), &lifetimes)
    }

    /// `type Scope = <the scope field's type>;`, bounded by `Scopes`, for a trait that has it;
    /// `None` when the scope field is missing. A concrete type is bounded with an unused
    /// binder, `for<'__scope> T: Scopes`, which rustc assumes in the impl rather than checks
    /// where it is written; the role's trait checks it beside the impl instead. Unbounded, a
    /// type that is not a scope type would also fail `type Scope` and the accessor's copy.
    pub fn scope_type(&mut self) -> Option<TokenStream> {
        if !self.input.derive.takes(Role::Scope) {
            return Some(TokenStream::new());
        }
        let field = self.roles.get(Role::Scope)?;
        let krate = self.paths.krate.clone();
        let ty = field.ty;
        if self.is_generic(field) || self.names_a_lifetime(field) {
            self.bound(field, quote!(#krate::scope::Scopes));
        } else {
            let span = ty.span();
            let scopes = respan(quote!(#krate::scope::Scopes), span);
            self.bounds
                .push(quote_spanned!(span=> for<'__scope> #ty: #scopes));
            let role_trait = respan(quote!(#krate::__private::field::Scope), span);
            self.checks.push(quote_spanned! {span=>
                #[allow(dead_code)]
                fn __scope() {
                    <#ty as #role_trait>::check();
                }
            });
        }
        Some(quote!(type Scope = #ty;))
    }

    /// `fn method(&self) -> Output { #body }`.
    pub fn method(&self, accessor: &Accessor, body: TokenStream) -> TokenStream {
        let name = Ident::new(accessor.method, Span::call_site());
        let output = accessor.output.tokens(&self.paths);
        quote! {
            fn #name(&self) -> #output {
                #body
            }
        }
    }

    /// The accessor that reads `field`.
    fn accessor(&mut self, accessor: &Accessor, field: &Field) -> TokenStream {
        let member = field.member;
        let body = match accessor.read {
            Read::Field { name, bound } => {
                self.through(field, name, bound, quote!(read(&self.#member)))
            }
            Read::Scope => quote!(self.#member),
            Read::Contains { name } => return self.contains(accessor, name, field),
            Read::Keys | Read::Joined => unreachable!("read by `keys`"),
        };
        self.method(accessor, body)
    }

    /// `<field type as role trait>::call`, spanned at the field's type so that a type that
    /// does not fit is reported there, in the role's words; a generic field's type bounded by
    /// `bound` on the impl.
    fn through(
        &mut self,
        field: &Field,
        name: &str,
        bound: Bound,
        call: TokenStream,
    ) -> TokenStream {
        let (krate, std) = (&self.paths.krate, &self.paths.std);
        let name = Ident::new(name, Span::call_site());
        let role_trait = quote!(#krate::__private::field::#name);
        if self.is_generic(field) {
            let bound = match bound {
                Bound::Borrow(view) => {
                    let view = view.tokens(&self.paths);
                    quote!(#std::borrow::Borrow<#view>)
                }
                Bound::Stored { value, view } => {
                    let (value, view) = (value.tokens(&self.paths), view.tokens(&self.paths));
                    quote!(#std::convert::From<#value> + #std::borrow::Borrow<#view>)
                }
                Bound::ToString => quote!(#std::string::ToString),
                Bound::Role => role_trait.clone(),
            };
            self.bound(field, bound);
        }
        let field_ty = field.ty;
        let span = field_ty.span();
        let (role_trait, call) = (respan(role_trait, span), respan(call, span));
        quote_spanned!(span=> <#field_ty as #role_trait>::#call)
    }

    /// `fn method(&self, item: &str) -> bool` (`allows_grant_type`, `allows_resource`):
    /// whether the field's collection holds it, through the role's trait `name`, whose method
    /// is the accessor's; a generic field's type bounded by it.
    fn contains(&mut self, accessor: &Accessor, name: &str, field: &Field) -> TokenStream {
        let krate = self.paths.krate.clone();
        let name = Ident::new(name, Span::call_site());
        let role_trait = quote!(#krate::__private::field::#name);
        let str_ = Ty::Str.tokens(&self.paths);
        let method = Ident::new(accessor.method, Span::call_site());
        let output = accessor.output.tokens(&self.paths);
        let member = field.member;
        let allowed = if self.is_generic(field) {
            self.bound(field, role_trait.clone());
            let field_ty = field.ty;
            quote!(<#field_ty as #role_trait>::#method(&self.#member, __item))
        } else {
            // A method call, not `<T as GrantTypes>::`: autoderef reaches the collection
            // through a reference or a smart pointer (`&[&str]`, `Arc<[String]>`), as it
            // reaches `into_iter`. The price: rustc reports a type that fits at no step as a
            // method whose bounds are not met, not in the trait's words.
            quote! {
                use #role_trait as _;
                self.#member.#method(__item)
            }
        };
        let allowed = respan(allowed, field.ty.span());
        quote! {
            fn #method(&self, __item: &#str_) -> #output {
                #allowed
            }
        }
    }

    /// `fn jwks(&self) -> Option<ClientKeys<'_>>`: the `jwks` field's set, else the `jwks_uri`
    /// field's URI, each read through its role's trait and joined by the runtime's
    /// `client_keys`; nothing, the trait's default, without either field.
    fn keys(&mut self, accessor: &Accessor) -> TokenStream {
        let (jwks, uri) = (self.roles.get(Role::Jwks), self.roles.get(Role::JwksUri));
        if jwks.is_none() && uri.is_none() {
            return TokenStream::new();
        }
        let none = {
            let std = &self.paths.std;
            quote!(#std::option::Option::None)
        };
        let mut read = |field: Option<&Field>, name: &str| match field {
            Some(field) => {
                let member = field.member;
                self.through(field, name, Bound::Role, quote!(read(&self.#member)))
            }
            None => none.clone(),
        };
        let (jwks, uri) = (read(jwks, "Jwks"), read(uri, "JwksUri"));
        let krate = &self.paths.krate;
        let body = quote!(#krate::__private::field::client_keys(#jwks, #uri));
        self.method(accessor, body)
    }

    /// `fn claims(&self) -> Claims`: each claim set from its field through the runtime's
    /// `Claim`, at the field's type; a generic field's type bounded by `Serialize`. Nothing
    /// without claims, which is the trait's default.
    fn claims(&mut self) -> TokenStream {
        let roles = self.roles;
        if roles.claims.is_empty() {
            return TokenStream::new();
        }
        let krate = self.paths.krate.clone();
        let claims = quote!(#krate::model::Claims);
        let mut sets = Vec::new();
        for &(name, field) in &roles.claims {
            if self.is_generic(field) {
                self.bound(field, quote!(#krate::__private::serde::Serialize));
            }
            let (member, field_ty) = (field.member, field.ty);
            let span = field_ty.span();
            let claim = respan(quote!(#krate::__private::field::Claim), span);
            sets.push(quote_spanned! {span=>
                <#field_ty as #claim>::set_claim(&self.#member, &mut __claims, #name);
            });
        }
        quote! {
            fn claims(&self) -> #claims {
                let mut __claims = #claims::new();
                #(#sets)*
                __claims
            }
        }
    }

    /// `new`: the role fields from the `New*` value, each through its field trait (the scope
    /// moved in as it is), the others `Default::default()`.
    fn new_fn(&mut self, new_type: TokenStream) -> TokenStream {
        let krate = self.paths.krate.clone();
        let std = self.paths.std.clone();
        let mut inits = Vec::new();
        for accessor in self.input.derive.roles() {
            let field = self.roles.field(accessor.role);
            let member = field.member;
            let value = Ident::new(accessor.role.name(), Span::call_site());
            let value = match accessor.read {
                Read::Field { name, bound } => {
                    self.through(field, name, bound, quote!(store(__new.#value)))
                }
                Read::Scope => respan(quote!(__new.#value), field.ty.span()),
                Read::Contains { .. } | Read::Keys | Read::Joined => {
                    unreachable!("a record's roles are its fields or its scope")
                }
            };
            inits.push(quote!(#member: #value));
        }
        for field in self.roles.unmarked.clone() {
            let member = field.member;
            let field_ty = field.ty;
            let span = field_ty.span();
            if self.is_generic(field) {
                self.bound(field, quote!(#std::default::Default));
            }
            let unmarked = respan(quote!(#krate::__private::field::Unmarked), span);
            inits.push(quote_spanned!(span=> #member: <#field_ty as #unmarked>::fill()));
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
            checks,
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
        let checks = (!checks.is_empty()).then(|| quote!(const _: () = { #(#checks)* };));
        quote! {
            #[automatically_derived]
            impl #impl_generics #trait_path for #ident #ty_generics #where_clause {
                #items
            }

            #checks
        }
    }
}
