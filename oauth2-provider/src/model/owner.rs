//! The resource owner model (RFC 6749 §1.1).

/// The user who grants access.
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
    /// A stable identifier of the owner, stored with every code and token issued for them.
    fn subject(&self) -> String;
}
