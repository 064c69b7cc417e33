//! The model traits the runtime is written against, and ready-made records.
//!
//! Every trait here can be derived on a user's own struct or implemented by hand.

mod client;
mod grant;
mod id;
mod owner;
mod record;

pub use client::OAuthClient;
pub use grant::{
    Access, AccessTokenModel, AuthorizationCodeModel, Code, NewCode, NewToken, Refresh,
    RefreshTokenModel,
};
pub use id::{GrantId, TokenHash};
pub use owner::ResourceOwner;
pub use record::ClientRecord;
