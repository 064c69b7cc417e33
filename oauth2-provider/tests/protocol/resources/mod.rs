//! RFC 8707 resource indicators and RFC 9728 protected resource metadata.

mod indicators;
mod protected_resource;
