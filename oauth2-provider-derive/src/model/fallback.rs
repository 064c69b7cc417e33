//! What stands beside the errors of an invalid model derive: the trait impl with every method
//! `unimplemented!()`, so that the struct's uses report no more. Nothing when not even that can
//! be written, as without a scope field there is no `type Scope` to name.

use proc_macro2::TokenStream;
use quote::quote;

use super::ast::Input;
use super::expand::Gen;
use super::role::Read;
use super::valid::Roles;
use crate::internals::ctxt::Ctxt;

/// The stub impl, then the errors.
pub fn expand(input: &Input, roles: &Roles, cx: Ctxt) -> TokenStream {
    let mut out = stub(input, roles).unwrap_or_default();
    out.extend(cx.into_compile_errors());
    out
}

fn stub(input: &Input, roles: &Roles) -> Option<TokenStream> {
    let mut generator = Gen::new(input, roles);
    let scope_type = generator.scope_type()?;
    let std = &generator.paths.std;
    let unimplemented = quote!(#std::unimplemented!());
    let new = input.derive.new_type(&generator.paths).map(|new_type| {
        quote! {
            fn new(_: #new_type) -> Self {
                #unimplemented
            }
        }
    });
    let methods: TokenStream = input
        .derive
        .roles()
        .iter()
        // The trait provides the membership tests; a joined role has its partner's method.
        .filter(|accessor| !matches!(accessor.read, Read::Contains { .. } | Read::Joined))
        .map(|accessor| generator.method(accessor, unimplemented.clone()))
        .collect();
    Some(generator.finish(quote! {
        #scope_type

        #new

        #methods
    }))
}
