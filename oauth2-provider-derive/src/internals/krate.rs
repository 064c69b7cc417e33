//! `crate = "path"`: where the runtime is, for crates that re-export it. The one parser of the
//! key's value, the one default path, and the paths that generated code names the runtime and
//! the standard library by.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token};

/// `crate = "path"` among an attribute's arguments: the key, for errors about it, and the path.
pub struct CrateArg {
    pub key: Token![crate],
    pub path: syn::Path,
}

impl Parse for CrateArg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        // crate = "path::to::oauth2_provider"
        let key = input.parse()?;
        input.parse::<Token![=]>()?;
        let path = parse_path(input)?;
        Ok(CrateArg { key, path })
    }
}

/// The value of `crate = ...`: a string literal holding a path, like `"my_app::oauth2"`.
pub fn parse_path(input: ParseStream) -> syn::Result<syn::Path> {
    let lit: LitStr = input.parse()?;
    lit.parse_with(syn::Path::parse_mod_style)
}

/// The runtime's paths, for everything generated code names.
pub struct Paths {
    /// The runtime: `crate = "path"`, or `::oauth2_provider`.
    pub krate: TokenStream,
    /// The standard library, through the runtime's `__private` module.
    pub std: TokenStream,
}

impl Paths {
    /// The paths under `krate`, or under `::oauth2_provider` without one.
    pub fn new(krate: Option<&syn::Path>) -> Paths {
        let krate = krate
            .cloned()
            .unwrap_or_else(|| syn::parse_quote!(::oauth2_provider));
        Paths {
            std: quote!(#krate::__private::std),
            krate: quote!(#krate),
        }
    }
}
