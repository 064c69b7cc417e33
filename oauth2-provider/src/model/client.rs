//! The client model (RFC 6749 §2).

use crate::scope::Scope;

/// A registered client.
///
/// Derive it with `#[derive(OAuthClient)]` or implement it by hand:
///
/// ```
/// use oauth2_provider::model::OAuthClient;
/// # use oauth2_provider::scope::{Scope, ScopeDef};
/// # #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)] struct MyScope(u8);
/// # impl Scope for MyScope { type Bits = u8;
/// #   const DEFS: &'static [ScopeDef<u8>] = &[ScopeDef::single("read", 1)];
/// #   const DEFAULT: u8 = 1; fn from_bits_retain(b: u8) -> Self { MyScope(b) } fn bits(&self) -> u8 { self.0 } }
///
/// struct App { id: String, secret_hash: Option<String>, callbacks: Vec<String> }
///
/// impl OAuthClient for App {
///     type Scope = MyScope;
///     fn client_id(&self) -> &str { &self.id }
///     fn secret_hash(&self) -> Option<&str> { self.secret_hash.as_deref() }
///     fn redirect_uris(&self) -> &[String] { &self.callbacks }
///     fn allowed_scope(&self) -> MyScope { MyScope::all() }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an OAuth client model",
    label = "add `#[derive(OAuthClient)]` or implement `OAuthClient` by hand"
)]
pub trait OAuthClient: Send + Sync + 'static {
    /// The provider's scope type.
    type Scope: Scope;

    /// The `client_id` (RFC 6749 §2.2).
    fn client_id(&self) -> &str;

    /// The stored hash of the client secret (see [`crate::secret`]); `None` for a public client.
    fn secret_hash(&self) -> Option<&str>;

    /// The registered redirection URIs (RFC 6749 §3.1.2.2), matched exactly.
    fn redirect_uris(&self) -> &[String];

    /// The largest scope this client may be granted.
    fn allowed_scope(&self) -> Self::Scope;

    /// Whether this client may use `grant_type` (`"authorization_code"`, `"implicit"`, `"password"`,
    /// `"client_credentials"`, `"refresh_token"` or an extension grant's URI).
    ///
    /// The default allows every grant the provider serves; a grant the provider switched off stays
    /// off whatever this says. A refresh token is only issued to a client that allows
    /// `"refresh_token"`.
    fn allows_grant_type(&self, grant_type: &str) -> bool {
        let _ = grant_type;
        true
    }

    /// `true` for a confidential client (one with a secret).
    fn is_confidential(&self) -> bool {
        self.secret_hash().is_some()
    }
}
