//! What the macros' generated code names: the paths it reaches the runtime and the standard
//! library by, and the traits it checks the user's types with, whose messages speak of the
//! attributes the user wrote. Not part of the public API.

pub mod field;
pub mod hook;

pub use crate::scope::string::private as scope;
pub use serde;
pub use std;
