//! The npm packages of the system tests (`tests/system/npm/`): openid-client and jose for the
//! OpenID Connect interop test, axe-core for the accessibility check, the MCP conformance
//! suite and the Node.js 22 it runs on. `.ci/run` installs them;
//! so does the first test that needs them, when Node.js is there and they are not
//! (`npm ci --prefix tests/system/npm`, as the lockfile pins them).

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

const PACKAGES: [&str; 4] = [
    "openid-client",
    "jose",
    "axe-core",
    "@modelcontextprotocol/conformance",
];

/// The packages' directory, or `None` after saying why the test is skipped; under `CI=true`
/// a missing install fails instead.
pub fn packages_or_skip(test: &str) -> Option<&'static Path> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/system/npm"));
    let installed = || {
        PACKAGES
            .iter()
            .all(|package| dir.join("node_modules").join(package).is_dir())
    };
    // Once per test binary, however many tests ask at once.
    static INSTALL: OnceLock<Result<(), String>> = OnceLock::new();
    let ready = INSTALL.get_or_init(|| {
        Command::new("node")
            .arg("--version")
            .output()
            .map_err(|e| format!("no Node.js ({e})"))?;
        if installed() {
            return Ok(());
        }
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(dir)
            .status()
            .map_err(|e| format!("no npm ({e})"))?;
        match status.success() && installed() {
            true => Ok(()),
            false => Err(format!(
                "`npm ci --prefix {}` failed: {status}",
                dir.display()
            )),
        }
    });
    match ready {
        Ok(()) => Some(dir),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test}: the npm packages are required under CI=true: {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED: {test} — {why}");
            None
        }
    }
}
