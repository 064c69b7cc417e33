//! The checks of one entry of a `#[scopes]` declaration alone, which `valid` runs over the
//! table: a scope-token name, a plain one-line description, a constant name, one bit, and a
//! unit struct to put it on.

use syn::{Ident, LitStr};

use super::ast::{
    BitExpr, DefaultDecl, Description, DescriptionDecl, Item, Name, ScopeDecl, Shape,
};
use super::bits::Eval;
use super::description::description_fault;
use super::name::{const_name, scope_token_fault};
use crate::internals::ctxt::Ctxt;

/// A name is an RFC 6749 §3.3 scope-token.
pub(super) fn check_scope_token(cx: &mut Ctxt, name: &Name, wire: &str, written: &str) {
    if let Some(fault) = scope_token_fault(wire) {
        cx.error_at(
            name.span(),
            format!("`{written}` is not an RFC 6749 §3.3 scope-token: {fault}"),
        );
    }
}

/// A description is a plain string literal a consent page can show on one line; the literal
/// when it is.
pub(super) fn check_description(
    cx: &mut Ctxt,
    description: &DescriptionDecl,
    written: &str,
) -> Option<LitStr> {
    let lit = match &description.text {
        Description::Str(lit) => lit,
        Description::Other(tokens) if tokens.is_empty() => {
            cx.error_spanned_by(
                description.arrow,
                format!(
                    "`=>` after scope `{written}` needs a description, a string literal like `=> \"Read your notes\"`"
                ),
            );
            return None;
        }
        Description::Other(tokens) => {
            cx.error_spanned_by(
                tokens,
                format!(
                    "the description of scope `{written}` must be a string literal, like `=> \"Read your notes\"`"
                ),
            );
            return None;
        }
    };
    if !lit.suffix().is_empty() {
        cx.error_spanned_by(
            lit,
            format!(
                "the description of scope `{written}` must be a string literal without a suffix"
            ),
        );
        return None;
    }
    if let Some(fault) = description_fault(&lit.value()) {
        cx.error_spanned_by(lit, format!("the description of scope `{written}` {fault}"));
        return None;
    }
    Some(lit.clone())
}

/// `default` names scopes that have their own descriptions, and takes none.
pub(super) fn check_default_undescribed(cx: &mut Ctxt, decl: &DefaultDecl) {
    if let Some(description) = &decl.description {
        cx.error_spanned_by(
            description,
            "`default` takes no description; describe the scopes it names",
        );
    }
}

/// A scope has a constant: the one given with `as`, or one made from its name.
pub(super) fn check_const_name(
    cx: &mut Ctxt,
    decl: &ScopeDecl,
    wire: &str,
    written: &str,
) -> Option<Ident> {
    if let Some(ident) = &decl.const_name {
        return Some(ident.clone());
    }
    let Some(name) = const_name(wire) else {
        cx.error_at(
            decl.name.span(),
            format!(
                "cannot make a constant name from `{written}`; give one with `{written} as NAME = ...`"
            ),
        );
        return None;
    };
    Some(Ident::new(&name, decl.name.span()))
}

/// A single scope's bit, as far as the macro reads it, is within `u128` and exactly one bit;
/// the bit's index when it is.
pub(super) fn check_one_bit(cx: &mut Ctxt, bit: &BitExpr, written: &str) -> Option<u32> {
    match bit.eval {
        Eval::Unknown => None,
        Eval::TooWide { bit: index } => {
            cx.error_spanned_by(
                &bit.expr,
                format!(
                    "scope `{written}` is bit {index}, past `u128`, the widest backing integer"
                ),
            );
            None
        }
        Eval::Value(value) if value.count_ones() != 1 => {
            cx.error_spanned_by(
                &bit.expr,
                format!(
                    "scope `{written}` must be exactly one bit, like `1 << 3`; a set of scopes is written `{written} = a | b`"
                ),
            );
            None
        }
        Eval::Value(value) => Some(value.trailing_zeros()),
    }
}

/// The attribute is on a unit struct without generics.
pub(super) fn check_item(cx: &mut Ctxt, item: &Item) {
    match &item.shape {
        Shape::UnitStruct => {}
        Shape::StructWithFields(tokens) | Shape::NotStruct(tokens) => cx.error_spanned_by(
            tokens,
            "`#[scopes]` goes on a unit struct, like `pub struct Scope;`",
        ),
        Shape::Generic(generics) => {
            cx.error_spanned_by(generics, "`#[scopes]` takes a struct without generics")
        }
    }
}

pub(super) fn unknown_scope(name: &Name, context: &str) -> String {
    let written = name.written();
    let looks_like_a_constant = matches!(name, Name::Ident(_))
        && written.chars().any(|c| c.is_ascii_uppercase())
        && !written.chars().any(|c| c.is_ascii_lowercase());
    if looks_like_a_constant {
        format!(
            "unknown scope `{written}`{context}; a bit value that is a constant goes in braces: `{{ {written} }}`"
        )
    } else {
        format!("unknown scope `{written}`{context}")
    }
}
