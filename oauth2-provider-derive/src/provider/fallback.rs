//! What stands beside the errors of an invalid `#[provider(...)]`: the impl block as written,
//! markers off, and a stub trait impl (its types, `unimplemented!()` accessors, the hooks'
//! defaults), so that the provider's uses report no more. No trait impl at all when its types
//! are unknown.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::ast::Input;
use super::expand::Head;
use super::valid::Provider;
use crate::internals::ctxt::Ctxt;
use crate::internals::krate::Paths;

/// The impl block and the stub, then the errors.
pub fn expand(input: &Input, provider: &Provider, paths: &Paths, cx: Ctxt) -> TokenStream {
    let mut item = input.item.clone();
    // The marked methods that the stub does not call are not dead code.
    item.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
    let mut out = item.into_token_stream();
    if let Some(head) = Head::new(input, provider, paths) {
        let Paths { krate, std } = paths;
        out.extend(head.provider_impl(quote! {
            fn clients(&self) -> &Self::Clients {
                #std::unimplemented!()
            }
            fn tokens(&self) -> &Self::Tokens {
                #std::unimplemented!()
            }
            fn config(&self) -> &#krate::config::Config {
                #std::unimplemented!()
            }
        }));
    }
    out.extend(cx.into_compile_errors());
    out
}
