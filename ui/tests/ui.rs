//! Compile-fail tests of the macros: one file per mistake, each with the exact diagnostics
//! pinned in the `.stderr` beside it (regenerate with `TRYBUILD=overwrite`, then read them).
//! Every directory under `tests/ui/` is a set of compile-fail cases, one per macro.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}
