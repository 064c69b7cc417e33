//! What the three macros share: the error context, respanning generated code at the user's
//! tokens, and where the runtime is (`crate = "path"`).

pub mod ctxt;
pub mod krate;
pub mod span;
