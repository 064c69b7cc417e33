//! Scopes as bitsets (RFC 6749 §3.3).
//!
//! A scope type is a `Copy` newtype over an unsigned integer whose bits are the named scopes.
//! The `#[scopes]` macro generates one from a declaration; [`Scopes`] is the trait it implements,
//! and everything a scope can do (parse, format, containment, set algebra, the descriptions a
//! consent page shows) is generic code here, so a hand-written scope type behaves exactly like a
//! generated one.
//!
//! Written by hand, a scope type is a table and two conversions:
//!
//! ```
//! use oauth2_provider::scope::{ScopeDef, Scopes};
//!
//! #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
//! struct MyScope(u8);
//!
//! impl Scopes for MyScope {
//!     type Bits = u8;
//!     const DEFS: &'static [ScopeDef<u8>] = &[
//!         ScopeDef::single("read", 1 << 1).described("Read your notes"),
//!         ScopeDef::single("write", 1 << 2),
//!         ScopeDef::combined("read_write", 1 << 1 | 1 << 2).described("Read and change your notes"),
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
//!
//! // What a consent page lists: each single scope, with its description if it has one.
//! let listed: Vec<_> = s.descriptions().collect();
//! assert_eq!(listed, [("read", Some("Read your notes")), ("write", None)]);
//! assert_eq!(s.description(), Some("Read and change your notes"));
//! ```

mod def;
pub(crate) mod string;

use std::fmt;
use std::hash::Hash;
use std::ops::{BitAnd, BitOr, BitXor, Not};

pub use def::ScopeDef;
#[doc(hidden)]
pub use string::private;
pub use string::{Names, is_scope_token};

/// The integer behind a scope type: `u8` through `u128`, chosen by the highest bit declared.
pub trait Bits:
    Copy
    + Eq
    + Hash
    + fmt::Debug
    + fmt::LowerHex
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
/// Declare it once with [`#[scopes(...)]`](macro@crate::scopes), which generates the type, its
/// constants, parsing and formatting of the RFC 6749 §3.3 string, set algebra and serde:
///
/// ```
/// use oauth2_provider::scopes;
///
/// #[scopes(read = 1 << 0, write = 1 << 1, "user:email" = 1 << 2, default = read)]
/// pub struct Scope;
///
/// let granted: Scope = "write read".parse().unwrap();
/// assert!(granted.contains(Scope::READ));
/// assert_eq!(granted.to_string(), "read write");
/// ```
///
/// or implement it by hand, as in the [module docs](self). The provided methods are the whole
/// behaviour; implementors supply only the table and the conversions.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a scope type",
    label = "declare it with `#[oauth2_provider::scopes(...)]` or implement `Scopes` by hand"
)]
pub trait Scopes: Copy + Eq + Hash + fmt::Debug + Send + Sync + 'static {
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

    /// The description of the scope named `name`, single or combination: `None` for a name
    /// the table does not define, or defines without one.
    ///
    /// ```
    /// use oauth2_provider::{Scopes, scopes};
    ///
    /// #[scopes(read = 1 << 0 => "Read your notes", write = 1 << 1)]
    /// pub struct Scope;
    ///
    /// assert_eq!(Scope::description_of("read"), Some("Read your notes"));
    /// assert_eq!(Scope::description_of("write"), None);
    /// assert_eq!(Scope::description_of("admin"), None);
    /// ```
    fn description_of(name: &str) -> Option<&'static str> {
        Self::DEFS
            .iter()
            .find(|def| def.name == name)
            .and_then(|def| def.description)
    }

    /// Each single scope of the set, in declaration order, with its description: what a
    /// consent page lists.
    ///
    /// ```
    /// use oauth2_provider::{Scopes, scopes};
    ///
    /// #[scopes(read = 1 << 0 => "Read your notes", write = 1 << 1, both = read | write)]
    /// pub struct Scope;
    ///
    /// let listed: Vec<_> = Scope::BOTH.descriptions().collect();
    /// assert_eq!(listed, [("read", Some("Read your notes")), ("write", None)]);
    /// ```
    fn descriptions(
        &self,
    ) -> impl Iterator<Item = (&'static str, Option<&'static str>)> + use<Self> {
        let mut singles = self.names();
        std::iter::from_fn(move || singles.next_def().map(|def| (def.name, def.description)))
    }

    /// The description of the set, when it is exactly what one entry of the table stands for,
    /// single or combination; when several do, the first of them that has a description.
    ///
    /// ```
    /// use oauth2_provider::{Scopes, scopes};
    ///
    /// #[scopes(
    ///     read = 1 << 0 => "Read your notes",
    ///     write = 1 << 1,
    ///     read_write = read | write => "Read and change your notes",
    /// )]
    /// pub struct Scope;
    ///
    /// assert_eq!(Scope::READ_WRITE.description(), Some("Read and change your notes"));
    /// assert_eq!(Scope::READ.description(), Some("Read your notes"));
    /// assert_eq!(Scope::WRITE.description(), None);
    /// assert_eq!(Scope::empty().description(), None);
    /// ```
    fn description(&self) -> Option<&'static str> {
        let bits = self.bits();
        if bits == Self::Bits::EMPTY {
            return None;
        }
        Self::DEFS
            .iter()
            .filter(|def| def.bits == bits)
            .find_map(|def| def.description)
    }

    /// The names of the single scopes in the set, in declaration order.
    fn names(&self) -> Names<Self> {
        Names::new(self.bits(), Self::DEFS)
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
