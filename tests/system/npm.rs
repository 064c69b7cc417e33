//! The npm packages of the system tests (`tests/system/npm/`): openid-client and jose for the
//! OpenID Connect interop test, axe-core for the accessibility check. `.ci/run` installs them
//! (`npm ci --prefix tests/system/npm`).

use std::path::Path;

/// The packages' directory, or `None` after saying why the test is skipped; under `CI=true`
/// a missing install fails instead.
pub fn packages_or_skip(test: &str) -> Option<&'static Path> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/system/npm"));
    let installed = ["openid-client", "jose", "axe-core"]
        .iter()
        .all(|package| dir.join("node_modules").join(package).is_dir())
        && std::process::Command::new("node")
            .arg("--version")
            .output()
            .is_ok();
    match installed {
        true => Some(dir),
        false if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "{test}: Node.js and `npm ci --prefix {}` are required under CI=true",
            dir.display()
        ),
        false => {
            eprintln!(
                "SKIPPED: {test} — run `npm ci --prefix {}` (Node.js needed)",
                dir.display()
            );
            None
        }
    }
}
