//! `#[provider(...)]` on an impl block: parse the attribute and the block, validate, expand the
//! block and `impl Provider` beside it, or stand the fallback beside the errors.

mod ast;
mod delegate;
mod expand;
mod fallback;
mod role;
mod signature;
mod valid;

use proc_macro2::TokenStream;

use crate::internals::ctxt::Ctxt;
use crate::internals::krate::Paths;

pub fn provider(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let args = ast::Args::from_syn(&mut cx, args);
    let item: syn::Item = match syn::parse2(input) {
        Ok(item) => item,
        Err(err) => return err.to_compile_error(),
    };
    let paths = Paths::new(args.krate.as_ref());
    let input = match ast::Input::from_syn(&mut cx, args, item) {
        Ok(input) => input,
        Err(mut item) => {
            item.extend(cx.into_compile_errors());
            return item;
        }
    };
    let provider = valid::validate(&mut cx, &input, &paths);
    if cx.is_clean() {
        expand::expand(&input, &provider, &paths)
    } else {
        fallback::expand(&input, &provider, &paths, cx)
    }
}
