//! The bits of single scopes: what the macro reads of a bit expression, and the backing
//! integer that holds the widest bit. An expression it cannot read is left to rustc, and to the
//! `const` assertions that `expand` writes for it.

use proc_macro2::Span;
use syn::{Expr, Ident};

/// The value of a bit expression, when it has one of the literal forms the macro reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Eval {
    Value(u128),
    /// A shift past bit 127: the value of no backing integer.
    TooWide {
        bit: u128,
    },
    /// Any other expression; rustc evaluates it, the generated `const` assertions check it.
    Unknown,
}

/// The backing integers, narrowest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Width {
    U8,
    U16,
    U32,
    U64,
    U128,
}

/// Reads the literal forms `8`, `0b1000`, `1 << 3`, `(1 << 3)` and `a | b` of those.
pub fn eval(expr: &Expr, suffix: &mut Option<Width>) -> Eval {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(lit),
            ..
        }) => {
            if let Some(width) = Width::from_suffix(lit.suffix()) {
                *suffix = (*suffix).max(Some(width));
            }
            lit.base10_parse::<u128>()
                .map_or(Eval::Unknown, Eval::Value)
        }
        Expr::Paren(inner) => eval(&inner.expr, suffix),
        Expr::Group(inner) => eval(&inner.expr, suffix),
        Expr::Binary(binary) => {
            let left = eval(&binary.left, suffix);
            match binary.op {
                syn::BinOp::Shl(_) => {
                    let Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Int(shift),
                        ..
                    }) = &*binary.right
                    else {
                        return Eval::Unknown;
                    };
                    let (Eval::Value(value), Ok(shift)) = (left, shift.base10_parse::<u128>())
                    else {
                        return Eval::Unknown;
                    };
                    if value == 0 {
                        return Eval::Value(0);
                    }
                    let top = (127 - u128::from(value.leading_zeros())).saturating_add(shift);
                    if top >= 128 {
                        Eval::TooWide { bit: top }
                    } else {
                        Eval::Value(value << shift)
                    }
                }
                syn::BinOp::BitOr(_) => match (left, eval(&binary.right, suffix)) {
                    (Eval::Value(a), Eval::Value(b)) => Eval::Value(a | b),
                    (wide @ Eval::TooWide { .. }, _) | (_, wide @ Eval::TooWide { .. }) => wide,
                    _ => Eval::Unknown,
                },
                _ => Eval::Unknown,
            }
        }
        _ => Eval::Unknown,
    }
}

/// The integer literals with a suffix among the literal forms `eval` reads (`1i32` of
/// `1i32 << 3`): each must be of the backing integer.
pub fn typed_literals(expr: &Expr) -> Vec<syn::LitInt> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(lit),
            ..
        }) if !lit.suffix().is_empty() => vec![lit.clone()],
        Expr::Paren(inner) => typed_literals(&inner.expr),
        Expr::Group(inner) => typed_literals(&inner.expr),
        Expr::Binary(binary) => {
            let mut typed = typed_literals(&binary.left);
            typed.extend(typed_literals(&binary.right));
            typed
        }
        _ => Vec::new(),
    }
}

impl Width {
    fn from_suffix(suffix: &str) -> Option<Width> {
        Some(match suffix {
            "u8" => Width::U8,
            "u16" => Width::U16,
            "u32" => Width::U32,
            "u64" => Width::U64,
            "u128" => Width::U128,
            _ => return None,
        })
    }

    /// The narrowest backing integer that holds `bit`.
    pub fn for_bit(bit: u32) -> Width {
        match bit {
            0..8 => Width::U8,
            8..16 => Width::U16,
            16..32 => Width::U32,
            32..64 => Width::U64,
            _ => Width::U128,
        }
    }

    pub fn ident(self) -> Ident {
        Ident::new(self.name(), Span::call_site())
    }

    pub fn name(self) -> &'static str {
        match self {
            Width::U8 => "u8",
            Width::U16 => "u16",
            Width::U32 => "u32",
            Width::U64 => "u64",
            Width::U128 => "u128",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Eval, Width, eval, typed_literals};

    fn read(expr: &str) -> (Eval, Option<Width>) {
        let mut suffix = None;
        let eval = eval(&syn::parse_str(expr).unwrap(), &mut suffix);
        (eval, suffix)
    }

    #[test]
    fn reads_the_literal_forms() {
        assert!(read("8") == (Eval::Value(8), None));
        assert!(read("0b1000") == (Eval::Value(8), None));
        assert!(read("1 << 3") == (Eval::Value(8), None));
        assert!(read("(1 << 127)") == (Eval::Value(1 << 127), None));
        assert!(read("1u32 << 3") == (Eval::Value(8), Some(Width::U32)));
        assert!(read("1 << 1 | 1 << 2") == (Eval::Value(6), None));
        assert!(read("1 << 128") == (Eval::TooWide { bit: 128 }, None));
        assert!(read("3 << 127") == (Eval::TooWide { bit: 128 }, None));
        assert!(read("{ BIT }") == (Eval::Unknown, None));
        assert!(read("1 << N") == (Eval::Unknown, None));
    }

    #[test]
    fn finds_the_typed_literals() {
        let typed = |expr: &str| -> Vec<String> {
            let literals = typed_literals(&syn::parse_str(expr).unwrap());
            literals.iter().map(ToString::to_string).collect()
        };
        assert_eq!(typed("1i32 << 1"), ["1i32"]);
        assert_eq!(typed("(1u8 << 1u8) | 4"), ["1u8", "1u8"]);
        assert!(typed("1 << 3").is_empty());
        assert!(typed("{ 1i32 }").is_empty());
    }
}
