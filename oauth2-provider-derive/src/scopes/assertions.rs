//! The `const` assertions of a `#[scopes]` expansion: what rustc checks of the bits the macro
//! could not read itself (constants in braces).

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use super::bits::Eval;
use super::valid::{Kind, Scopes};
use crate::internals::span::respan;

/// `const` assertions for the bits the macro could not read: each single scope is one bit, and
/// no two share one. Each is its own item, so rustc reports every failing one, at the user's
/// expression.
pub fn assertions(scopes: &Scopes, std: &TokenStream) -> TokenStream {
    let ident = &scopes.item.ident;
    let singles: Vec<_> = scopes
        .decls
        .iter()
        .filter_map(|decl| match &decl.kind {
            Kind::Bit { expr, eval } => Some((decl, expr, *eval)),
            Kind::Combination(_) => None,
        })
        .collect();
    let mut out = TokenStream::new();
    for &(decl, expr, eval) in &singles {
        if eval != Eval::Unknown {
            continue;
        }
        let this = &decl.const_ident;
        let message = format!("scope `{}` must be exactly one bit", decl.written);
        out.extend(respan(
            quote! {
                const _: () = #std::assert!(#ident::#this.0.count_ones() == 1, #message);
            },
            expr.span(),
        ));
    }
    for (j, &(decl, expr, eval)) in singles.iter().enumerate() {
        for &(earlier, _, earlier_eval) in &singles[..j] {
            if eval != Eval::Unknown && earlier_eval != Eval::Unknown {
                continue;
            }
            let this = &decl.const_ident;
            let other = &earlier.const_ident;
            let message = format!(
                "scopes `{}` and `{}` share a bit",
                earlier.written, decl.written
            );
            out.extend(respan(
                quote! {
                    const _: () = #std::assert!(
                        #ident::#this.0.count_ones() != 1
                            || #ident::#other.0.count_ones() != 1
                            || #ident::#this.0 & #ident::#other.0 == 0,
                        #message
                    );
                },
                expr.span(),
            ));
        }
    }
    out
}
