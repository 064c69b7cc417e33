//! `#[scopes(...)]`: parse the attribute and the item, validate, expand, or stand the fallback
//! beside the errors.

mod assertions;
mod ast;
mod bits;
mod description;
mod entry;
mod expand;
mod fallback;
mod name;
mod ops;
mod valid;

use proc_macro2::TokenStream;
use quote::ToTokens;

use crate::internals::ctxt::Ctxt;

pub fn scopes(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let parsed = ast::Args::from_syn(&mut cx, args);
    let item: syn::Item = match syn::parse2(input) {
        Ok(item) => item,
        Err(err) => return err.to_compile_error(),
    };
    let Some(shape) = ast::Item::from_syn(&item) else {
        cx.error_spanned_by(
            &item,
            "`#[scopes]` goes on a unit struct, like `pub struct Scope;`",
        );
        let mut out = cx.into_compile_errors();
        item.to_tokens(&mut out);
        return out;
    };
    let scopes = valid::validate(&mut cx, parsed, shape);
    if cx.is_clean() {
        expand::expand(&scopes)
    } else {
        fallback::expand(&scopes, cx)
    }
}
