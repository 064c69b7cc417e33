//! The model traits the runtime is written against, and ready-made records.
//!
//! Every trait here can be derived on a user's own struct (the derives carry the traits' names)
//! or implemented by hand; the ready-made records are for users who need nothing more.
//!
//! | trait | derive | ready-made |
//! |---|---|---|
//! | [`OAuthClient`] | `#[derive(OAuthClient)]` | [`ClientRecord`] |
//! | [`ResourceOwner`] | `#[derive(ResourceOwner)]` | — |
//! | [`AuthorizationCode`] | `#[derive(AuthorizationCode)]` | [`CodeRecord`] |
//! | [`AccessToken`] = [`TokenModel`]`<`[`AccessKind`]`>` | `#[derive(AccessToken)]` | [`TokenRecord`]`<S, AccessKind>` |
//! | [`RefreshToken`] = [`TokenModel`]`<`[`RefreshKind`]`>` | `#[derive(RefreshToken)]` | [`TokenRecord`]`<S, RefreshKind>` |
//!
//! A record holds only the hash of its code or token. The runtime creates records with `new`
//! from the `New*` values; a user's record may carry extra fields, which `new` fills with their
//! `Default`.

mod auth;
mod claims;
mod client;
mod code;
mod extras;
mod id;
mod metadata;
mod owner;
mod token;

pub use auth::{AuthMethod, ClientKeys};
pub use claims::{Claims, STANDARD_CLAIMS};
pub use client::{ClientRecord, OAuthClient, TokenFormat};
pub use code::{AuthorizationCode, CodeRecord, NewCode};
pub(crate) use extras::one_or_many;
pub use extras::{AuthContext, Confirmation, Extras};
pub use id::{FamilyTag, GrantId, TokenHash};
pub use metadata::ClientMetadata;
pub use owner::{IntoSubject, ResourceOwner};
pub use token::{
    AccessKind, AccessToken, NewToken, RefreshKind, RefreshToken, TokenKind, TokenModel,
    TokenRecord,
};
