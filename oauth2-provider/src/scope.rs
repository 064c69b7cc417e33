//! Scopes as bitsets (RFC 6749 §3.3).
//!
//! A scope type is a `Copy` newtype over an unsigned integer whose bits are the named scopes.
//! The `#[scopes]` macro generates one from a declaration; [`Scope`] is the trait it implements,
//! and everything a scope can do (parse, format, containment, set algebra) is generic code here,
//! so a hand-written scope type behaves exactly like a generated one.
//!
//! Written by hand, a scope type is a table and two conversions:
//!
//! ```
//! use oauth2_provider::scope::{Scope, ScopeDef};
//!
//! #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
//! struct MyScope(u8);
//!
//! impl Scope for MyScope {
//!     type Bits = u8;
//!     const DEFS: &'static [ScopeDef<u8>] = &[
//!         ScopeDef::single("read", 1 << 1),
//!         ScopeDef::single("write", 1 << 2),
//!         ScopeDef::combined("read_write", 1 << 1 | 1 << 2),
//!     ];
//!     const DEFAULT: u8 = 1 << 1;
//!     fn from_bits_retain(bits: u8) -> Self { MyScope(bits) }
//!     fn bits(&self) -> u8 { self.0 }
//! }
//!
//! let s = MyScope::parse("write read").unwrap();
//! assert_eq!(s.to_scope_string(), "read write");
//! assert!(s.contains(MyScope::parse("read").unwrap()));
//! assert!(MyScope::parse("admin").is_err());
//! ```

use std::fmt;
use std::hash::Hash;
use std::ops::{BitAnd, BitOr, BitXor, Not};

/// The integer behind a scope type: `u8` through `u128`, chosen by the highest bit declared.
pub trait Bits:
    Copy
    + Eq
    + Hash
    + fmt::Debug
    + Send
    + Sync
    + 'static
    + BitOr<Output = Self>
    + BitAnd<Output = Self>
    + BitXor<Output = Self>
    + Not<Output = Self>
{
    /// No bit set.
    const EMPTY: Self;
}

macro_rules! impl_bits {
    ($($t:ty),*) => { $(impl Bits for $t { const EMPTY: Self = 0; })* };
}
impl_bits!(u8, u16, u32, u64, u128);

/// One named entry of a scope table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeDef<B> {
    /// The scope-token as it appears on the wire.
    pub name: &'static str,
    /// The bits the name stands for.
    pub bits: B,
    /// `true` for a single scope (one bit); `false` for a named combination of singles, which is
    /// accepted when parsing but never emitted when formatting.
    pub single: bool,
}

impl<B> ScopeDef<B> {
    /// A single scope: one bit, emitted when formatting.
    pub const fn single(name: &'static str, bits: B) -> Self {
        ScopeDef {
            name,
            bits,
            single: true,
        }
    }

    /// A combination: an alias for several single scopes, accepted when parsing.
    pub const fn combined(name: &'static str, bits: B) -> Self {
        ScopeDef {
            name,
            bits,
            single: false,
        }
    }
}

/// A scope string that did not parse: an unknown name or a malformed string.
///
/// The endpoints turn it into `invalid_scope`; the offending text stays out of the response.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// A well-formed scope-token that the provider does not define.
    #[error("unknown scope")]
    Unknown,
    /// Not a space-delimited list of RFC 6749 §3.3 scope-tokens.
    #[error("malformed scope")]
    Malformed,
}

/// A set of scopes over a bitset.
///
/// Implement it with `#[scopes(...)]`, or by hand as in the [module docs](self). The provided
/// methods are the whole behaviour; implementors supply only the table and the conversions.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a scope type",
    label = "declare it with `#[oauth2_provider::scopes(...)]` or implement `Scope` by hand"
)]
pub trait Scope: Copy + Eq + Hash + fmt::Debug + Send + Sync + 'static {
    /// The integer behind the set.
    type Bits: Bits;

    /// Every name, singles and combinations, in declaration order.
    const DEFS: &'static [ScopeDef<Self::Bits>];

    /// The scope granted when a request names none (RFC 6749 §3.3).
    const DEFAULT: Self::Bits;

    /// The set with exactly these bits, including bits no name stands for.
    fn from_bits_retain(bits: Self::Bits) -> Self;

    /// The bits of this set.
    fn bits(&self) -> Self::Bits;

    /// The empty set.
    fn empty() -> Self {
        Self::from_bits_retain(Self::Bits::EMPTY)
    }

    /// Every defined scope.
    fn all() -> Self {
        let mut bits = Self::Bits::EMPTY;
        for def in Self::DEFS {
            bits = bits | def.bits;
        }
        Self::from_bits_retain(bits)
    }

    /// The default scope as a set.
    fn default_scope() -> Self {
        Self::from_bits_retain(Self::DEFAULT)
    }

    /// `true` when no scope is in the set.
    fn is_empty(&self) -> bool {
        self.bits() == Self::Bits::EMPTY
    }

    /// `true` when every scope of `other` is in `self`.
    fn contains(&self, other: Self) -> bool {
        self.bits() & other.bits() == other.bits()
    }

    /// `true` when the sets share a scope.
    fn intersects(&self, other: Self) -> bool {
        self.bits() & other.bits() != Self::Bits::EMPTY
    }

    /// The scopes in either set.
    fn union(self, other: Self) -> Self {
        Self::from_bits_retain(self.bits() | other.bits())
    }

    /// The scopes in both sets.
    fn intersection(self, other: Self) -> Self {
        Self::from_bits_retain(self.bits() & other.bits())
    }

    /// The scopes of `self` that are not in `other`.
    fn difference(self, other: Self) -> Self {
        Self::from_bits_retain(self.bits() & !other.bits())
    }

    /// The scopes in exactly one of the sets.
    fn symmetric_difference(self, other: Self) -> Self {
        Self::from_bits_retain(self.bits() ^ other.bits())
    }

    /// The scope named `name`, single or combination.
    fn from_name(name: &str) -> Option<Self> {
        Self::DEFS
            .iter()
            .find(|def| def.name == name)
            .map(|def| Self::from_bits_retain(def.bits))
    }

    /// Parses an RFC 6749 §3.3 scope string: scope-tokens separated by single spaces.
    ///
    /// Order and repetition do not matter. An empty string is the empty set.
    fn parse(s: &str) -> Result<Self, ScopeError> {
        if s.is_empty() {
            return Ok(Self::empty());
        }
        let mut bits = Self::Bits::EMPTY;
        for token in s.split(' ') {
            if !is_scope_token(token) {
                return Err(ScopeError::Malformed);
            }
            let scope = Self::from_name(token).ok_or(ScopeError::Unknown)?;
            bits = bits | scope.bits();
        }
        Ok(Self::from_bits_retain(bits))
    }

    /// The names of the single scopes in the set, in declaration order.
    fn names(&self) -> Names<Self> {
        Names {
            bits: self.bits(),
            defs: Self::DEFS,
        }
    }

    /// The §3.3 string of the set: its single scopes' names, in declaration order.
    fn to_scope_string(&self) -> String {
        let mut out = String::new();
        for name in self.names() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(name);
        }
        out
    }
}

/// Iterator over the names of the single scopes in a set; see [`Scope::names`].
pub struct Names<S: Scope> {
    bits: S::Bits,
    defs: &'static [ScopeDef<S::Bits>],
}

impl<S: Scope> Iterator for Names<S> {
    type Item = &'static str;

    fn next(&mut self) -> Option<&'static str> {
        while let Some((def, rest)) = self.defs.split_first() {
            self.defs = rest;
            if def.single && def.bits != S::Bits::EMPTY && self.bits & def.bits == def.bits {
                return Some(def.name);
            }
        }
        None
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

/// Formats a scope as its §3.3 string; the `Display` impl of a generated scope type calls it.
pub fn fmt_scope<S: Scope>(scope: &S, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

/// Serde support shared by generated scope types: a scope serializes as its §3.3 string.
pub mod serde_string {
    use super::Scope;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    /// Serializes `scope` as its §3.3 string.
    pub fn serialize<S: Scope, Ser: Serializer>(
        scope: &S,
        ser: Ser,
    ) -> Result<Ser::Ok, Ser::Error> {
        ser.collect_str(&super::Display(scope))
    }

    /// Deserializes a scope from its §3.3 string.
    pub fn deserialize<'de, S: Scope, D: Deserializer<'de>>(de: D) -> Result<S, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(de)?;
        S::parse(&s).map_err(D::Error::custom)
    }
}

/// Displays any scope as its §3.3 string.
pub struct Display<'a, S: Scope>(pub &'a S);

impl<S: Scope> fmt::Display for Display<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_scope(self.0, f)
    }
}
