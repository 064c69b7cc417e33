//! CIMD suite (stub).
