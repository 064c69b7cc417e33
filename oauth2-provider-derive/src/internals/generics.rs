//! Whether generated code can name a type as written: not when it names a generic parameter
//! the generated item does not declare, or one whose bounds decide whether the item holds.

use proc_macro2::{Ident, TokenStream, TokenTree};

/// `true` when `tokens` name one of `idents`.
pub fn mentions(tokens: &TokenStream, idents: &[&Ident]) -> bool {
    tokens.clone().into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => idents.contains(&&ident),
        TokenTree::Group(group) => mentions(&group.stream(), idents),
        _ => false,
    })
}
