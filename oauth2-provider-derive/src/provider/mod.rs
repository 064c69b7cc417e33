//! `#[provider(...)]` on an impl block: parse the attribute and the block, validate, expand the
//! block and `impl Provider` beside it.

mod ast;
mod expand;
mod role;
mod valid;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;
use role::Paths;

pub fn provider(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let args = ast::Args::from_syn(&mut cx, args);
    let item: syn::Item = match syn::parse2(input) {
        Ok(item) => item,
        Err(err) => return err.to_compile_error(),
    };
    let krate = args
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::oauth2_provider));
    let paths = Paths {
        std: quote!(#krate::__private::std),
        krate: quote!(#krate),
    };
    let input = match ast::Input::from_syn(&mut cx, args, item) {
        Ok(input) => input,
        Err(mut item) => {
            item.extend(cx.into_compile_errors());
            return item;
        }
    };
    let provider = valid::validate(&mut cx, &input, &paths);
    if cx.is_clean() {
        expand::expand(&input, &provider, &paths, false)
    } else {
        let mut out = expand::expand(&input, &provider, &paths, true);
        out.extend(cx.into_compile_errors());
        out
    }
}
