//! The resource owner model (RFC 6749 §1.1).

/// The user who grants access.
///
/// Derive it, naming the field that identifies the user (any `Display` type; see
/// [`derive(ResourceOwner)`](derive@crate::ResourceOwner)):
///
/// ```
/// use oauth2_provider::ResourceOwner;
///
/// #[derive(ResourceOwner)]
/// pub struct User {
///     #[oauth(subject)]
///     id: i64,
///     email: String,
/// }
/// ```
///
/// or implement it by hand:
///
/// ```
/// use oauth2_provider::model::ResourceOwner;
///
/// struct User { id: i64 }
///
/// impl ResourceOwner for User {
///     fn subject(&self) -> String { self.id.to_string() }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a resource owner model",
    label = "add `#[derive(ResourceOwner)]` or implement `ResourceOwner` by hand"
)]
pub trait ResourceOwner: Send + Sync + 'static {
    /// A stable identifier of the owner, stored with every code and token issued for them:
    /// OpenID Connect's `sub`, so at most 255 ASCII characters and never reassigned (Core §2).
    fn subject(&self) -> String;

    /// The owner's OpenID Connect claims (Core §5.1), all of them: the runtime releases each
    /// only to a token whose scope releases it (§5.4). `#[derive(ResourceOwner)]` builds them
    /// from the fields marked `#[oauth(claim = "...")]`. Default: none.
    ///
    /// ```
    /// use oauth2_provider::model::{Claims, ResourceOwner};
    ///
    /// struct User { id: i64, email: String }
    ///
    /// impl ResourceOwner for User {
    ///     fn subject(&self) -> String { self.id.to_string() }
    ///     fn claims(&self) -> Claims {
    ///         let mut claims = Claims::new();
    ///         claims.set("email", &self.email).set("email_verified", true);
    ///         claims
    ///     }
    /// }
    /// ```
    fn claims(&self) -> crate::model::Claims {
        crate::model::Claims::new()
    }
}

/// Who a grant or an approval is for: a resource owner (`&user`), or its subject as a string.
/// [`Decision::approve`](crate::Decision::approve) and [`Grant::for_owner`](crate::Grant::for_owner)
/// take either.
///
/// ```
/// use oauth2_provider::model::{IntoSubject, ResourceOwner};
///
/// struct User { id: i64 }
/// impl ResourceOwner for User { fn subject(&self) -> String { self.id.to_string() } }
///
/// assert_eq!((&User { id: 42 }).into_subject(), "42");
/// assert_eq!("42".into_subject(), "42");
/// assert_eq!(String::from("42").into_subject(), "42");
/// ```
pub trait IntoSubject {
    /// The subject.
    fn into_subject(self) -> String;
}

impl<T: ResourceOwner + ?Sized> IntoSubject for &T {
    fn into_subject(self) -> String {
        self.subject()
    }
}

impl IntoSubject for &str {
    fn into_subject(self) -> String {
        self.to_owned()
    }
}

impl IntoSubject for String {
    fn into_subject(self) -> String {
        self
    }
}

impl IntoSubject for &String {
    fn into_subject(self) -> String {
        self.clone()
    }
}
