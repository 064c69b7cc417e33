//! What the three macros share: the error context, respanning generated code at the user's
//! tokens, the generic parameters a type names, and where the runtime is (`crate = "path"`).

pub mod ctxt;
pub mod generics;
pub mod krate;
pub mod span;
