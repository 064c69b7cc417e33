//! What stands beside the errors of an invalid `#[scopes(...)]`: the scope type with every
//! constant the empty set, an empty table and no assertions. The names the user refers to still
//! exist, so the errors reported are only the real ones.

use proc_macro2::TokenStream;
use quote::quote;

use super::expand::{self, Contents};
use super::valid::Scopes;
use crate::internals::ctxt::Ctxt;

/// The stand-in for the scope type, then the errors.
pub fn expand(scopes: &Scopes, cx: Ctxt) -> TokenStream {
    let consts = scopes
        .decls
        .iter()
        .map(|decl| expand::constant(&scopes.item.vis, &decl.const_ident, "", quote!(Self(0))))
        .collect();
    let mut out = expand::scope_type(
        scopes,
        Contents {
            consts,
            defs: Vec::new(),
            default_bits: quote!(0),
            assertions: TokenStream::new(),
        },
    );
    out.extend(cx.into_compile_errors());
    out
}
