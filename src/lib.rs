//! Workspace root: the runnable examples live in `examples/`, the cross-crate tests in `tests/`.
