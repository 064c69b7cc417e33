//! Checks that span several entries of `#[scopes(...)]`, and the reading of what the macro can
//! decide without rustc: the backing integer, the constants' names, what each combination and
//! the default stand for.

use std::collections::HashMap;

use proc_macro2::Span;
use syn::{Expr, Ident, LitStr};

use super::ast::{Args, Eval, Item, Name, Shape, Value, Width};
use crate::ctxt::Ctxt;

/// The declaration, checked and resolved. Built even when there are errors, from whatever could
/// be read, so that the fallback expansion can still define the names the user refers to.
pub struct Scopes {
    pub krate: syn::Path,
    pub item: Item,
    pub width: Width,
    pub decls: Vec<Decl>,
    /// Indices into `decls`.
    pub default: Vec<usize>,
}

/// One named scope.
pub struct Decl {
    /// The scope-token, at the span of the name.
    pub wire: LitStr,
    /// The name as written, for messages.
    pub written: String,
    /// The associated constant, `READ` for `read`.
    pub const_ident: Ident,
    pub kind: Kind,
}

pub enum Kind {
    Bit {
        expr: Expr,
        eval: Eval,
    },
    /// Indices into `decls` of the named scopes.
    Combination(Vec<usize>),
}

pub fn validate(cx: &mut Ctxt, args: Args, item: Item) -> Scopes {
    if args.scopes.is_empty() && cx.is_clean() {
        cx.error_at(
            Span::call_site(),
            "`#[scopes]` needs at least one scope, like `#[scopes(read = 1 << 0)]`",
        );
    }
    check_item(cx, &item);

    let mut krates = args.krates.into_iter();
    let krate = krates
        .next()
        .map_or_else(|| syn::parse_quote!(::oauth2_provider), |decl| decl.path);
    for extra in krates {
        cx.error_spanned_by(extra.key, "duplicate `crate`");
    }

    let declared: HashMap<String, usize> = args
        .scopes
        .iter()
        .enumerate()
        .map(|(i, decl)| (decl.name.wire(), i))
        .rev()
        .collect();

    let mut decls: Vec<Decl> = Vec::new();
    // wire name -> index into `decls`
    let mut by_wire: HashMap<String, usize> = HashMap::new();
    // constant name -> the scope that has it
    let mut by_const: HashMap<String, String> = HashMap::new();
    // bit -> the single scope that has it
    let mut by_bit: HashMap<u32, String> = HashMap::new();
    let mut widest_bit = 0;
    let mut unknown_bits = false;
    let mut suffix = None;

    for (position, decl) in args.scopes.into_iter().enumerate() {
        let wire = decl.name.wire();
        let written = decl.name.written();
        if let Some(fault) = scope_token_fault(&wire) {
            cx.error_at(
                decl.name.span(),
                format!("`{written}` is not an RFC 6749 §3.3 scope-token: {fault}"),
            );
        }
        if by_wire.contains_key(&wire) {
            cx.error_at(decl.name.span(), format!("duplicate scope `{written}`"));
            continue;
        }

        let const_ident = match &decl.const_name {
            Some(ident) => ident.clone(),
            None => match const_name(&wire) {
                Some(name) => Ident::new(&name, decl.name.span()),
                None => {
                    cx.error_at(
                        decl.name.span(),
                        format!(
                            "cannot make a constant name from `{written}`; give one with `{written} as NAME = ...`"
                        ),
                    );
                    continue;
                }
            },
        };
        let const_string = const_ident.to_string();
        if let Some(other) = by_const.get(&const_string) {
            cx.error_at(
                decl.name.span(),
                format!(
                    "scopes `{other}` and `{written}` both make the constant `{const_string}`; name this one with `{written} as NAME = ...`"
                ),
            );
            continue;
        }
        by_const.insert(const_string, written.clone());

        let kind = match decl.value {
            Value::Bit(bit) => {
                suffix = suffix.max(bit.suffix);
                match bit.eval {
                    Eval::Unknown => unknown_bits = true,
                    Eval::TooWide { bit: index } => cx.error_spanned_by(
                        &bit.expr,
                        format!(
                            "scope `{written}` is bit {index}, past `u128`, the widest backing integer"
                        ),
                    ),
                    Eval::Value(value) if value.count_ones() != 1 => cx.error_spanned_by(
                        &bit.expr,
                        format!(
                            "scope `{written}` must be exactly one bit, like `1 << 3`; a set of scopes is written `{written} = a | b`"
                        ),
                    ),
                    Eval::Value(value) => {
                        let index = value.trailing_zeros();
                        widest_bit = widest_bit.max(index);
                        if let Some(other) = by_bit.get(&index) {
                            cx.error_spanned_by(
                                &bit.expr,
                                format!("scopes `{other}` and `{written}` share bit {index}"),
                            );
                        } else {
                            by_bit.insert(index, written.clone());
                        }
                    }
                }
                Kind::Bit {
                    expr: bit.expr,
                    eval: bit.eval,
                }
            }
            Value::Combination(names) => {
                let mut members = Vec::new();
                for name in &names {
                    let wanted = name.wire();
                    if let Some(&index) = by_wire.get(&wanted) {
                        members.push(index);
                    } else {
                        match declared.get(&wanted) {
                            Some(&at) if at == position => cx.error_at(
                                name.span(),
                                format!("scope `{written}` names itself"),
                            ),
                            Some(&at) if at > position => cx.error_at(
                                name.span(),
                                format!(
                                    "scope `{}` is declared after `{written}`; a combination names earlier scopes",
                                    name.written()
                                ),
                            ),
                            // declared earlier with a mistake of its own, already reported
                            Some(_) => {}
                            None => cx.error_at(name.span(), unknown_scope(name, "")),
                        }
                    }
                }
                Kind::Combination(members)
            }
        };

        by_wire.insert(wire.clone(), decls.len());
        decls.push(Decl {
            wire: LitStr::new(&wire, decl.name.span()),
            written,
            const_ident,
            kind,
        });
    }

    let mut defaults = args.defaults.into_iter();
    let mut default = Vec::new();
    if let Some(decl) = defaults.next() {
        for name in &decl.names {
            match by_wire.get(&name.wire()) {
                Some(&index) => default.push(index),
                None if declared.contains_key(&name.wire()) => {}
                None => cx.error_at(name.span(), unknown_scope(name, " in `default`")),
            }
        }
    }
    for extra in defaults {
        cx.error_spanned_by(extra.key, "duplicate `default`");
    }

    let width = if unknown_bits {
        Width::U128
    } else {
        Width::for_bit(widest_bit).max(suffix.unwrap_or(Width::U8))
    };

    Scopes {
        krate,
        item,
        width,
        decls,
        default,
    }
}

fn check_item(cx: &mut Ctxt, item: &Item) {
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

fn unknown_scope(name: &Name, context: &str) -> String {
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

/// Why `token` is not an RFC 6749 §3.3 scope-token, `1*( %x21 / %x23-5B / %x5D-7E )`.
fn scope_token_fault(token: &str) -> Option<String> {
    if token.is_empty() {
        return Some("it is empty".to_owned());
    }
    token.chars().find_map(|c| match c {
        '\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E' => None,
        ' ' => Some("it has a space".to_owned()),
        '"' => Some("it has `\"`".to_owned()),
        '\\' => Some("it has `\\`".to_owned()),
        other => Some(format!("it has {other:?}")),
    })
}

/// `READ_WRITE` for `read_write`, `USER_EMAIL` for `user:email`: ASCII letters and digits
/// upper-cased, every other run of characters one `_`.
fn const_name(wire: &str) -> Option<String> {
    let mut name = String::new();
    let mut gap = false;
    for c in wire.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !name.is_empty() {
                name.push('_');
            }
            gap = false;
            name.push(c.to_ascii_uppercase());
        } else {
            gap = true;
        }
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::{const_name, scope_token_fault};

    #[test]
    fn constant_names() {
        assert_eq!(const_name("read_write").as_deref(), Some("READ_WRITE"));
        assert_eq!(const_name("user:email").as_deref(), Some("USER_EMAIL"));
        assert_eq!(
            const_name("https://api.example.com/read").as_deref(),
            Some("HTTPS_API_EXAMPLE_COM_READ")
        );
        assert_eq!(const_name("2fa").as_deref(), Some("_2FA"));
        assert_eq!(const_name("-a--b-").as_deref(), Some("A_B"));
        assert_eq!(const_name("!!"), None);
    }

    #[test]
    fn scope_tokens() {
        assert_eq!(scope_token_fault("user:email"), None);
        assert_eq!(scope_token_fault("!#[]~"), None);
        assert!(scope_token_fault("").is_some());
        assert!(scope_token_fault("a b").is_some());
        assert!(scope_token_fault("a\"b").is_some());
        assert!(scope_token_fault("a\\b").is_some());
        assert!(scope_token_fault("café").is_some());
        assert!(scope_token_fault("tab\t").is_some());
    }
}
