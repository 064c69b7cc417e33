//! The model derives: parse the struct, validate its roles, expand the trait impl, or stand the
//! fallback beside the errors.

mod ast;
mod expand;
mod fallback;
mod role;
mod table;
mod valid;

use proc_macro2::TokenStream;

pub use role::Derive;

use crate::internals::ctxt::Ctxt;

pub fn derive(derive: Derive, input: TokenStream) -> TokenStream {
    let input: syn::DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(err) => return err.to_compile_error(),
    };
    let mut cx = Ctxt::default();
    let parsed = ast::Input::from_syn(&mut cx, derive, &input);
    let roles = valid::validate(&mut cx, &parsed);
    if cx.is_clean() {
        expand::expand(&parsed, &roles)
    } else {
        fallback::expand(&parsed, &roles, cx)
    }
}
