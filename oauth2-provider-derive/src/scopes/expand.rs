//! The scope type a valid `#[scopes(...)]` declaration stands for: the newtype, its constants
//! and `const fn`s, the `Scopes` impl with the table of names, the standard and serde impls, and
//! the `const` assertions on the bits the macro could not read (`assertions`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Visibility};

use super::valid::{Kind, Scopes};
use super::{assertions, ops};

/// The parts in which the scope type and the fallback's stand-in for it differ.
pub struct Contents {
    /// The associated constants.
    pub consts: Vec<TokenStream>,
    /// `Scopes::DEFS`: a `ScopeDef` per name.
    pub defs: Vec<TokenStream>,
    /// `Scopes::DEFAULT`.
    pub default_bits: TokenStream,
    /// Checks of the bits the macro could not read.
    pub assertions: TokenStream,
}

/// The scope type of a valid declaration.
pub fn expand(scopes: &Scopes) -> TokenStream {
    let Scopes {
        paths,
        item,
        decls,
        default,
        ..
    } = scopes;
    let krate = &paths.krate;
    let ident = &item.ident;

    let consts = decls
        .iter()
        .map(|decl| {
            let (mut doc, value) = match &decl.kind {
                Kind::Bit { expr, .. } => (
                    format!("The `{}` scope.", decl.wire.value()),
                    quote_spanned!(expr.span()=> Self(#expr)),
                ),
                Kind::Combination(members) => {
                    let names: Vec<String> = members
                        .iter()
                        .map(|&m| format!("`{}`", decls[m].wire.value()))
                        .collect();
                    let member_bits = or_bits(members.iter().map(|&m| {
                        let member = &decls[m].const_ident;
                        quote!(Self::#member.0)
                    }));
                    (
                        format!("The `{}` scope: {}.", decl.wire.value(), names.join(" | ")),
                        quote!(Self(#member_bits)),
                    )
                }
            };
            if let Some(description) = &decl.description {
                doc.push_str("\n\n");
                doc.push_str(&description.value());
            }
            constant(&item.vis, &decl.const_ident, &doc, value)
        })
        .collect();

    let defs = decls
        .iter()
        .map(|decl| {
            let wire = &decl.wire;
            let const_ident = &decl.const_ident;
            let constructor = match decl.kind {
                Kind::Bit { .. } => format_ident!("single"),
                Kind::Combination(_) => format_ident!("combined"),
            };
            let def = quote!(#krate::scope::ScopeDef::#constructor(#wire, Self::#const_ident.0));
            match &decl.description {
                Some(description) => quote!(#def.described(#description)),
                None => def,
            }
        })
        .collect();
    let default_bits = or_bits(default.iter().map(|&index| {
        let member = &decls[index].const_ident;
        quote!(#ident::#member.0)
    }));

    scope_type(
        scopes,
        Contents {
            consts,
            defs,
            default_bits,
            assertions: assertions::assertions(scopes, &paths.std),
        },
    )
}

/// The associated constant `const_ident`, of `value`.
pub fn constant(
    vis: &Visibility,
    const_ident: &Ident,
    doc: &str,
    value: TokenStream,
) -> TokenStream {
    // `{ BIT }` is how a constant is written as a bit; the braces are needed, not unused.
    quote! {
        #[doc = #doc]
        #[allow(unused_braces)]
        #vis const #const_ident: Self = #value;
    }
}

/// The type, its inherent and trait impls, around `contents`.
pub fn scope_type(scopes: &Scopes, contents: Contents) -> TokenStream {
    let Scopes {
        paths,
        item,
        width,
        decls,
        ..
    } = scopes;
    let Contents {
        consts,
        defs,
        default_bits,
        assertions,
    } = contents;
    let (krate, std) = (&paths.krate, &paths.std);
    let scope_trait = quote!(#krate::scope::Scopes);
    let width_ident = width.ident();
    let bits = quote!(#std::primitive::#width_ident);
    let attrs = &item.attrs;
    let vis = &item.vis;
    let ident = &item.ident;
    let ident_str = ident.to_string();

    let singles: Vec<_> = decls
        .iter()
        .filter(|decl| matches!(decl.kind, Kind::Bit { .. }))
        .collect();
    let all_bits = or_bits(singles.iter().map(|decl| {
        let single = &decl.const_ident;
        quote!(Self::#single.0)
    }));
    let ops = ops::expand(ident, std);

    quote! {
        #(#attrs)*
        #[derive(
            #std::clone::Clone,
            #std::marker::Copy,
            #std::cmp::PartialEq,
            #std::cmp::Eq,
            #std::hash::Hash
        )]
        #vis struct #ident(#bits);

        impl #ident {
            #(#consts)*

            /// The bits of the set.
            #[inline]
            #vis const fn bits(&self) -> #bits {
                self.0
            }

            /// The set with exactly these bits, including bits no scope stands for.
            #[inline]
            #vis const fn from_bits_retain(bits: #bits) -> Self {
                Self(bits)
            }

            /// The empty set.
            #[inline]
            #vis const fn empty() -> Self {
                Self(0)
            }

            /// Every defined scope.
            #[inline]
            #vis const fn all() -> Self {
                Self(#all_bits)
            }

            /// `true` when no scope is in the set.
            #[inline]
            #vis const fn is_empty(&self) -> #std::primitive::bool {
                self.0 == 0
            }

            /// `true` when every scope of `other` is in `self`.
            #[inline]
            #vis const fn contains(&self, other: Self) -> #std::primitive::bool {
                self.0 & other.0 == other.0
            }

            /// `true` when the sets share a scope.
            #[inline]
            #vis const fn intersects(&self, other: Self) -> #std::primitive::bool {
                self.0 & other.0 != 0
            }

            /// The scopes in either set.
            #[inline]
            #vis const fn union(self, other: Self) -> Self {
                Self(self.0 | other.0)
            }

            /// The scopes in both sets.
            #[inline]
            #vis const fn intersection(self, other: Self) -> Self {
                Self(self.0 & other.0)
            }

            /// The scopes of `self` that are not in `other`.
            #[inline]
            #vis const fn difference(self, other: Self) -> Self {
                Self(self.0 & !other.0)
            }

            /// The scopes in exactly one of the sets.
            #[inline]
            #vis const fn symmetric_difference(self, other: Self) -> Self {
                Self(self.0 ^ other.0)
            }

            /// The defined scopes that are not in `self`.
            #[inline]
            #vis const fn complement(self) -> Self {
                Self(!self.0 & Self::all().0)
            }

            /// The scope named `name`, single or combination.
            #vis fn from_name(name: &#std::primitive::str) -> #std::option::Option<Self> {
                <Self as #scope_trait>::from_name(name)
            }

            /// Parses an RFC 6749 §3.3 scope string: scope-tokens separated by single spaces.
            #vis fn parse(
                s: &#std::primitive::str,
            ) -> #std::result::Result<Self, #krate::scope::ScopeError> {
                <Self as #scope_trait>::parse(s)
            }

            /// The names of the single scopes in the set, in declaration order.
            #vis fn names(&self) -> #krate::scope::Names<Self> {
                <Self as #scope_trait>::names(self)
            }

            /// The description of the scope named `name`, single or combination.
            #vis fn description_of(
                name: &#std::primitive::str,
            ) -> #std::option::Option<&'static #std::primitive::str> {
                <Self as #scope_trait>::description_of(name)
            }

            /// Each single scope of the set, in declaration order, with its description.
            #vis fn descriptions(
                &self,
            ) -> impl #std::iter::Iterator<
                Item = (
                    &'static #std::primitive::str,
                    #std::option::Option<&'static #std::primitive::str>,
                ),
            > + use<> {
                <Self as #scope_trait>::descriptions(self)
            }

            /// The description of the set, when it is exactly what one declared scope stands for.
            #vis fn description(&self) -> #std::option::Option<&'static #std::primitive::str> {
                <Self as #scope_trait>::description(self)
            }
        }

        #assertions

        #[automatically_derived]
        impl #scope_trait for #ident {
            type Bits = #bits;
            const DEFS: &'static [#krate::scope::ScopeDef<#bits>] = &[#(#defs),*];
            const DEFAULT: #bits = #default_bits;

            #[inline]
            fn from_bits_retain(__bits: #bits) -> Self {
                Self(__bits)
            }

            #[inline]
            fn bits(&self) -> #bits {
                self.0
            }
        }

        #[automatically_derived]
        impl #std::fmt::Debug for #ident {
            fn fmt(&self, __f: &mut #std::fmt::Formatter<'_>) -> #std::fmt::Result {
                #krate::__private::scope::fmt_debug(self, #ident_str, __f)
            }
        }

        #[automatically_derived]
        impl #std::fmt::Display for #ident {
            fn fmt(&self, __f: &mut #std::fmt::Formatter<'_>) -> #std::fmt::Result {
                #krate::__private::scope::fmt(self, __f)
            }
        }

        #[automatically_derived]
        impl #std::str::FromStr for #ident {
            type Err = #krate::scope::ScopeError;

            fn from_str(__s: &#std::primitive::str) -> #std::result::Result<Self, Self::Err> {
                <Self as #scope_trait>::parse(__s)
            }
        }

        #[automatically_derived]
        impl #std::default::Default for #ident {
            /// The default scope.
            #[inline]
            fn default() -> Self {
                Self(<Self as #scope_trait>::DEFAULT)
            }
        }

        #[automatically_derived]
        impl #krate::__private::serde::Serialize for #ident {
            fn serialize<__S>(&self, __serializer: __S) -> #std::result::Result<__S::Ok, __S::Error>
            where
                __S: #krate::__private::serde::Serializer,
            {
                #krate::__private::scope::serialize(self, __serializer)
            }
        }

        #[automatically_derived]
        impl<'de> #krate::__private::serde::Deserialize<'de> for #ident {
            fn deserialize<__D>(__deserializer: __D) -> #std::result::Result<Self, __D::Error>
            where
                __D: #krate::__private::serde::Deserializer<'de>,
            {
                #krate::__private::scope::deserialize(__deserializer)
            }
        }

        #ops
    }
}

/// `a | b | c`, or `0` for none.
fn or_bits(bits: impl Iterator<Item = TokenStream>) -> TokenStream {
    let bits: Vec<TokenStream> = bits.collect();
    if bits.is_empty() {
        quote!(0)
    } else {
        quote!(#(#bits)|*)
    }
}
