//! The RFC 6749 §3.3 string form of a scope set: its tokens and names.

use super::{Bits, ScopeDef, Scopes};

/// Iterator over the names of the single scopes in a set; see [`Scopes::names`].
pub struct Names<S: Scopes> {
    bits: S::Bits,
    defs: &'static [ScopeDef<S::Bits>],
}

impl<S: Scopes> Names<S> {
    pub(super) fn new(bits: S::Bits, defs: &'static [ScopeDef<S::Bits>]) -> Self {
        Names { bits, defs }
    }

    /// The next single scope of the set, whole: what both the names and the descriptions
    /// read.
    pub(super) fn next_def(&mut self) -> Option<&'static ScopeDef<S::Bits>> {
        while let Some((def, rest)) = self.defs.split_first() {
            self.defs = rest;
            if def.single && def.bits != S::Bits::EMPTY && self.bits & def.bits == def.bits {
                return Some(def);
            }
        }
        None
    }
}

impl<S: Scopes> Iterator for Names<S> {
    type Item = &'static str;

    fn next(&mut self) -> Option<&'static str> {
        self.next_def().map(|def| def.name)
    }
}

/// `true` when `token` is an RFC 6749 §3.3 scope-token: `1*( %x21 / %x23-5B / %x5D-7E )`.
///
/// ```
/// use oauth2_provider::scope::is_scope_token;
/// assert!(is_scope_token("user:email"));
/// assert!(!is_scope_token("a b"));
/// assert!(!is_scope_token("quote\"d"));
/// assert!(!is_scope_token(""));
/// ```
pub const fn is_scope_token(token: &str) -> bool {
    let bytes = token.as_bytes();
    if bytes.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b == 0x21 || (b >= 0x23 && b <= 0x5B) || (b >= 0x5D && b <= 0x7E)) {
            return false;
        }
        i += 1;
    }
    true
}

/// What the `Display`, `Debug` and serde impls of a generated scope type call: behaviour stays
/// here, the macro emits only data. Not part of the public API.
#[doc(hidden)]
pub mod private {
    use std::fmt;

    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    use super::super::{Bits, Scopes};

    /// The §3.3 string: single scopes' names, in declaration order.
    pub fn fmt<S: Scopes>(scope: &S, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for name in scope.names() {
            if !first {
                f.write_str(" ")?;
            }
            f.write_str(name)?;
            first = false;
        }
        Ok(())
    }

    /// `Name(read | write)`, with bits no name stands for in hex: `Name(read | 0x80)`, and the
    /// empty set `Name(0x0)`.
    pub fn fmt_debug<S: Scopes>(scope: &S, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(name)?;
        f.write_str("(")?;
        let mut first = true;
        for name in scope.names() {
            if !first {
                f.write_str(" | ")?;
            }
            f.write_str(name)?;
            first = false;
        }
        let unnamed = scope.bits() & !S::all().bits();
        if unnamed != S::Bits::EMPTY || first {
            if !first {
                f.write_str(" | ")?;
            }
            write!(f, "{unnamed:#x}")?;
        }
        f.write_str(")")
    }

    /// Serializes a scope as its §3.3 string.
    pub fn serialize<S: Scopes, Ser: Serializer>(
        scope: &S,
        ser: Ser,
    ) -> Result<Ser::Ok, Ser::Error> {
        ser.collect_str(&Display(scope))
    }

    /// Deserializes a scope from its §3.3 string.
    pub fn deserialize<'de, S: Scopes, D: Deserializer<'de>>(de: D) -> Result<S, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(de)?;
        S::parse(&s).map_err(D::Error::custom)
    }

    struct Display<'a, S>(&'a S);

    impl<S: Scopes> fmt::Display for Display<'_, S> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt(self.0, f)
        }
    }
}
