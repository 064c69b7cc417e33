//! Nothing but the home of `tests/ui.rs`: the macros' compile-fail cases, built against the
//! runtime with `derive` alone.
