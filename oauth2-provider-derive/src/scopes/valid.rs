//! Checks that span several entries of `#[scopes(...)]`, and the reading of what the macro can
//! decide without rustc: the backing integer, the constants' names, what each combination and
//! the default stand for.

use std::collections::HashMap;

use proc_macro2::Span;
use syn::{Expr, Ident, LitStr};

use super::ast::{Args, BitExpr, DefaultDecl, Item, Name, ScopeDecl, Value};
use super::bits::{Eval, Width, typed_literals};
use super::entry::{
    check_const_name, check_default_undescribed, check_description, check_item, check_one_bit,
    check_scope_token, unknown_scope,
};
use crate::internals::ctxt::Ctxt;
use crate::internals::krate::{CrateArg, Paths};

/// The declaration, checked and resolved. Built even when there are errors, from whatever could
/// be read, so that the fallback expansion can still define the names the user refers to.
pub struct Scopes {
    pub paths: Paths,
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
    /// What a consent page shows for it, when declared and valid.
    pub description: Option<LitStr>,
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
    check_some_scope(cx, &args);
    check_item(cx, &item);
    let mut krates = args.krates.into_iter();
    let paths = Paths::new(krates.next().map(|arg| arg.path).as_ref());
    check_one_crate(cx, krates);

    let mut table = Table::new(&args.scopes);
    for (position, decl) in args.scopes.into_iter().enumerate() {
        table.declare(cx, position, decl);
    }

    let mut defaults = args.defaults.into_iter();
    let default = defaults.next().map_or_else(Vec::new, |decl| {
        let default = table.check_default_names(cx, &decl);
        check_default_undescribed(cx, &decl);
        default
    });
    check_one_default(cx, defaults);

    let width = table.width();
    table.check_suffixes(cx, &item.ident, width);
    Scopes {
        paths,
        item,
        width,
        decls: table.decls,
        default,
    }
}

/// The declarations read so far, and what they claim: names, constants, bits.
struct Table {
    /// Every declared wire name, at the position of its first declaration.
    declared: HashMap<String, usize>,
    decls: Vec<Decl>,
    /// Wire name -> index into `decls`.
    by_wire: HashMap<String, usize>,
    /// Constant name -> the scope that has it.
    by_const: HashMap<String, String>,
    /// Bit -> the single scope that has it.
    by_bit: HashMap<u32, String>,
    widest_bit: u32,
    /// A single scope whose bit the macro cannot read.
    unknown_bits: bool,
    /// The widest suffix written on a bit.
    suffix: Option<Width>,
    /// The literals written with a suffix, and the scope of each.
    typed: Vec<(syn::LitInt, String)>,
}

impl Table {
    fn new(scopes: &[ScopeDecl]) -> Table {
        Table {
            declared: scopes
                .iter()
                .enumerate()
                .map(|(i, decl)| (decl.name.wire(), i))
                .rev()
                .collect(),
            decls: Vec::new(),
            by_wire: HashMap::new(),
            by_const: HashMap::new(),
            by_bit: HashMap::new(),
            widest_bit: 0,
            unknown_bits: false,
            suffix: None,
            typed: Vec::new(),
        }
    }

    /// Checks the declaration at `position` against each rule, in the order of its parts, and
    /// adds it, unless a broken rule leaves it no name or no constant to stand for.
    fn declare(&mut self, cx: &mut Ctxt, position: usize, mut decl: ScopeDecl) {
        let description = decl.description.take();
        let written = decl.name.written();
        let added = self.add(cx, position, decl, &written);
        let description = description
            .as_ref()
            .and_then(|description| check_description(cx, description, &written));
        if let Some(index) = added {
            self.decls[index].description = description;
        }
    }

    /// The name and value of a declaration checked, and added without a description; its
    /// index in `decls` when it is added.
    fn add(
        &mut self,
        cx: &mut Ctxt,
        position: usize,
        decl: ScopeDecl,
        written: &str,
    ) -> Option<usize> {
        let wire = decl.name.wire();
        check_scope_token(cx, &decl.name, &wire, written);
        if !self.check_unique_name(cx, &decl.name, &wire, written) {
            return None;
        }
        let const_ident = check_const_name(cx, &decl, &wire, written)?;
        if !self.check_unique_const(cx, &decl.name, &const_ident, written) {
            return None;
        }
        let kind = match decl.value {
            Value::Bit(bit) => self.single(cx, bit, written),
            Value::Combination(names) => {
                Kind::Combination(self.check_combination(cx, position, &names, written))
            }
        };
        let index = self.decls.len();
        self.by_wire.insert(wire.clone(), index);
        self.decls.push(Decl {
            wire: LitStr::new(&wire, decl.name.span()),
            written: written.to_owned(),
            const_ident,
            kind,
            description: None,
        });
        Some(index)
    }

    /// No two scopes have one name; `false` for a later one.
    fn check_unique_name(&self, cx: &mut Ctxt, name: &Name, wire: &str, written: &str) -> bool {
        if self.by_wire.contains_key(wire) {
            cx.error_at(name.span(), format!("duplicate scope `{written}`"));
            return false;
        }
        true
    }

    /// No two scopes make one constant; `false` for a later one, and the constant is claimed
    /// for a first one.
    fn check_unique_const(
        &mut self,
        cx: &mut Ctxt,
        name: &Name,
        const_ident: &Ident,
        written: &str,
    ) -> bool {
        let const_string = const_ident.to_string();
        if let Some(other) = self.by_const.get(&const_string) {
            cx.error_at(
                name.span(),
                format!(
                    "scopes `{other}` and `{written}` both make the constant `{const_string}`; name this one with `{written} as NAME = ...`"
                ),
            );
            return false;
        }
        self.by_const.insert(const_string, written.to_owned());
        true
    }

    /// A single scope: its bit checked, the backing integer widened to hold it.
    fn single(&mut self, cx: &mut Ctxt, bit: BitExpr, written: &str) -> Kind {
        self.suffix = self.suffix.max(bit.suffix);
        let typed = typed_literals(&bit.expr).into_iter();
        self.typed
            .extend(typed.map(|lit| (lit, written.to_owned())));
        if bit.eval == Eval::Unknown {
            self.unknown_bits = true;
        }
        if let Some(index) = check_one_bit(cx, &bit, written) {
            self.widest_bit = self.widest_bit.max(index);
            self.check_unshared_bit(cx, &bit.expr, index, written);
        }
        Kind::Bit {
            expr: bit.expr,
            eval: bit.eval,
        }
    }

    /// No two single scopes share a bit; the bit is claimed for a first one.
    fn check_unshared_bit(&mut self, cx: &mut Ctxt, expr: &Expr, index: u32, written: &str) {
        if let Some(other) = self.by_bit.get(&index) {
            cx.error_spanned_by(
                expr,
                format!("scopes `{other}` and `{written}` share bit {index}"),
            );
        } else {
            self.by_bit.insert(index, written.to_owned());
        }
    }

    /// A combination names earlier scopes, none of them itself or unknown; the indices of
    /// those it names.
    fn check_combination(
        &self,
        cx: &mut Ctxt,
        position: usize,
        names: &[Name],
        written: &str,
    ) -> Vec<usize> {
        let mut members = Vec::new();
        for name in names {
            let wanted = name.wire();
            if let Some(&index) = self.by_wire.get(&wanted) {
                members.push(index);
            } else {
                match self.declared.get(&wanted) {
                    Some(&at) if at == position => {
                        cx.error_at(name.span(), format!("scope `{written}` names itself"))
                    }
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
        members
    }

    /// `default` names known scopes; the indices of those it names.
    fn check_default_names(&self, cx: &mut Ctxt, decl: &DefaultDecl) -> Vec<usize> {
        let mut default = Vec::new();
        for name in &decl.names {
            match self.by_wire.get(&name.wire()) {
                Some(&index) => default.push(index),
                None if self.declared.contains_key(&name.wire()) => {}
                None => cx.error_at(name.span(), unknown_scope(name, " in `default`")),
            }
        }
        default
    }

    /// Every suffixed literal is of the backing integer, which rustc would otherwise report as
    /// a mismatch inside the generated constant.
    fn check_suffixes(&self, cx: &mut Ctxt, ident: &Ident, width: Width) {
        let why = if self.unknown_bits {
            ", because a bit the macro cannot read may be up to bit 127"
        } else {
            ""
        };
        for (lit, written) in &self.typed {
            if lit.suffix() != width.name() {
                cx.error_spanned_by(
                    lit,
                    format!(
                        "`{lit}` of scope `{written}` is typed `{}`, and the bits of `{ident}` are `{}`{why}; leave the suffix off, the macro picks the integer",
                        lit.suffix(),
                        width.name()
                    ),
                );
            }
        }
    }

    /// The narrowest backing integer that holds every bit, at least the widest suffix; `u128`
    /// when a bit is unknown to the macro.
    fn width(&self) -> Width {
        if self.unknown_bits {
            Width::U128
        } else {
            Width::for_bit(self.widest_bit).max(self.suffix.unwrap_or(Width::U8))
        }
    }
}

/// The attribute declares a scope; said only when nothing else is wrong, as a syntax error may
/// have hidden the scopes.
fn check_some_scope(cx: &mut Ctxt, args: &Args) {
    if args.scopes.is_empty() && cx.is_clean() {
        cx.error_at(
            Span::call_site(),
            "`#[scopes]` needs at least one scope, like `#[scopes(read = 1 << 0)]`",
        );
    }
}

/// `crate` is given once: `extra` are the later ones.
fn check_one_crate(cx: &mut Ctxt, extra: impl Iterator<Item = CrateArg>) {
    for extra in extra {
        cx.error_spanned_by(extra.key, "duplicate `crate`");
    }
}

/// `default` is given once: `extra` are the later ones.
fn check_one_default(cx: &mut Ctxt, extra: impl Iterator<Item = DefaultDecl>) {
    for extra in extra {
        cx.error_spanned_by(extra.key, "duplicate `default`");
    }
}
