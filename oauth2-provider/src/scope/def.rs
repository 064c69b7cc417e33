//! One entry of a scope table: a name, its bits, and what a consent page says of it.

/// One named entry of a scope table.
///
/// Built with [`single`](Self::single) or [`combined`](Self::combined), and
/// [`described`](Self::described) for the text a consent page shows:
///
/// ```
/// use oauth2_provider::scope::ScopeDef;
///
/// const READ: ScopeDef<u8> = ScopeDef::single("read", 1 << 0).described("Read your notes");
/// assert_eq!(READ.name, "read");
/// assert_eq!(READ.description, Some("Read your notes"));
/// assert_eq!(ScopeDef::single("write", 1u8 << 1).description, None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeDef<B> {
    /// The scope-token as it appears on the wire.
    pub name: &'static str,
    /// The bits the name stands for.
    pub bits: B,
    /// `true` for a single scope (one bit); `false` for a named combination of singles, which is
    /// accepted when parsing but never emitted when formatting.
    pub single: bool,
    /// What the scope lets a client do, in words for the resource owner ("Read your notes"),
    /// shown on one line of a consent page; `None` when the table gives none.
    pub description: Option<&'static str>,
}

impl<B> ScopeDef<B> {
    /// A single scope: one bit, emitted when formatting. No description.
    ///
    /// ```
    /// use oauth2_provider::scope::ScopeDef;
    ///
    /// let read = ScopeDef::single("read", 1u8 << 0);
    /// assert!(read.single);
    /// ```
    pub const fn single(name: &'static str, bits: B) -> Self {
        ScopeDef {
            name,
            bits,
            single: true,
            description: None,
        }
    }

    /// A combination: an alias for several single scopes, accepted when parsing. No
    /// description.
    ///
    /// ```
    /// use oauth2_provider::scope::ScopeDef;
    ///
    /// let read_write = ScopeDef::combined("read_write", 1u8 << 0 | 1 << 1);
    /// assert!(!read_write.single);
    /// ```
    pub const fn combined(name: &'static str, bits: B) -> Self {
        ScopeDef {
            name,
            bits,
            single: false,
            description: None,
        }
    }

    /// The same entry with `description`, what a consent page shows for it.
    ///
    /// ```
    /// use oauth2_provider::scope::ScopeDef;
    ///
    /// let both = ScopeDef::combined("read_write", 0b11u8).described("Read and change your notes");
    /// assert_eq!(both.description, Some("Read and change your notes"));
    /// ```
    pub const fn described(mut self, description: &'static str) -> Self {
        self.description = Some(description);
        self
    }
}
