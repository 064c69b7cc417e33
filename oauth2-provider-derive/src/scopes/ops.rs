//! The operators of the scope type, each calling the `const fn` it stands for: `|`, `&`, `^`, `-`
//! (difference), `!` (complement within the defined scopes), and their `*=` forms.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

/// The operator impls for the scope type `ident`.
pub fn expand(ident: &Ident, std: &TokenStream) -> TokenStream {
    quote! {
        #[automatically_derived]
        impl #std::ops::BitOr for #ident {
            type Output = Self;
            #[inline]
            fn bitor(self, __other: Self) -> Self {
                Self::union(self, __other)
            }
        }

        #[automatically_derived]
        impl #std::ops::BitAnd for #ident {
            type Output = Self;
            #[inline]
            fn bitand(self, __other: Self) -> Self {
                Self::intersection(self, __other)
            }
        }

        #[automatically_derived]
        impl #std::ops::BitXor for #ident {
            type Output = Self;
            #[inline]
            fn bitxor(self, __other: Self) -> Self {
                Self::symmetric_difference(self, __other)
            }
        }

        #[automatically_derived]
        impl #std::ops::Sub for #ident {
            type Output = Self;
            #[inline]
            fn sub(self, __other: Self) -> Self {
                Self::difference(self, __other)
            }
        }

        #[automatically_derived]
        impl #std::ops::Not for #ident {
            type Output = Self;
            #[inline]
            fn not(self) -> Self {
                Self::complement(self)
            }
        }

        #[automatically_derived]
        impl #std::ops::BitOrAssign for #ident {
            #[inline]
            fn bitor_assign(&mut self, __other: Self) {
                *self = Self::union(*self, __other);
            }
        }

        #[automatically_derived]
        impl #std::ops::BitAndAssign for #ident {
            #[inline]
            fn bitand_assign(&mut self, __other: Self) {
                *self = Self::intersection(*self, __other);
            }
        }

        #[automatically_derived]
        impl #std::ops::BitXorAssign for #ident {
            #[inline]
            fn bitxor_assign(&mut self, __other: Self) {
                *self = Self::symmetric_difference(*self, __other);
            }
        }

        #[automatically_derived]
        impl #std::ops::SubAssign for #ident {
            #[inline]
            fn sub_assign(&mut self, __other: Self) {
                *self = Self::difference(*self, __other);
            }
        }
    }
}
