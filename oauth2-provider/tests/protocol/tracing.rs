//! What the runtime tells `tracing`, read as an operator's subscriber prints it: one span per
//! endpoint request with its client, grant type, error, status and duration; an event for a
//! replay, a failed client authentication and a store failure; and never a token, code, secret
//! or password on any line.

use std::io;
use std::sync::{Arc, Mutex};

use crate::support::*;
use http::StatusCode;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

/// Every line a subscriber printed.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    fn lines(&self) -> Vec<String> {
        String::from_utf8(self.0.lock().unwrap().clone())
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The one line that contains every one of `parts`.
    fn line_with(&self, parts: &[&str]) -> String {
        let lines = self.lines();
        let found: Vec<_> = lines
            .iter()
            .filter(|line| parts.iter().all(|p| line.contains(p)))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "one line with {parts:?} in:\n{}",
            lines.join("\n")
        );
        found[0].clone()
    }
}

/// A subscriber printing every event and every closed span (with its fields) into the buffer,
/// as `RUST_LOG=info` with span-close events would.
fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn each_token_request_is_one_span_with_client_grant_type_status_and_duration() {
    let server = server();
    let (logs, _guard) = capture();
    let reply = web_tokens(&server, "read").await;
    assert_token_ok(&reply);

    let line = logs.line_with(&["endpoint=\"token\"", "close"]);
    assert!(line.contains("client_id=\"web-app\""), "{line}");
    assert!(line.contains("grant_type=\"authorization_code\""), "{line}");
    assert!(line.contains("status=200"), "{line}");
    assert!(line.contains("duration_us="), "{line}");
    assert!(!line.contains("error="), "{line}");
    let line = logs.line_with(&["endpoint=\"authorize\"", "close"]);
    assert!(
        line.contains("client_id=\"web-app\"") && line.contains("status=302"),
        "{line}"
    );
}

#[tokio::test]
async fn a_failed_request_names_its_error_code() {
    let server = server();
    let (logs, _guard) = capture();
    let params = [
        ("grant_type", "refresh_token"),
        ("refresh_token", "forged-token-value"),
    ];
    let reply = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);

    let line = logs.line_with(&["endpoint=\"token\"", "close"]);
    assert!(line.contains("error=\"invalid_grant\""), "{line}");
    assert!(line.contains("status=400"), "{line}");
    assert_no_line_contains(&logs, &["forged-token-value", WEB_SECRET]);
}

#[tokio::test]
async fn a_failed_client_authentication_is_an_event_without_the_secret() {
    let server = server();
    let (logs, _guard) = capture();
    let params = [("grant_type", "client_credentials")];
    token(&server, Auth::Basic(WEB, "wrong-secret-3141"), &params).await;
    token(
        &server,
        Auth::Basic("no-such\nclient", "other-secret-2718"),
        &params,
    )
    .await;

    let known = logs.line_with(&["WARN", "client authentication failed", "known=true"]);
    assert!(known.contains("client_id=\"web-app\""), "{known}");
    // A client-controlled id is escaped: no forged line can start inside it.
    let unknown = logs.line_with(&["WARN", "client authentication failed", "known=false"]);
    assert!(
        unknown.contains(r#"client_id="no-such\nclient""#),
        "{unknown}"
    );
    assert_no_line_contains(&logs, &["wrong-secret-3141", "other-secret-2718"]);
}

#[tokio::test]
async fn a_code_replay_is_a_warning_naming_the_client() {
    let server = server();
    let code = code_for(&server, WEB, WEB_CALLBACK, "read").await;
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", WEB_CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let first = token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;
    assert_token_ok(&first);
    let (logs, _guard) = capture();
    token(&server, Auth::Basic(WEB, WEB_SECRET), &params).await;

    let line = logs.line_with(&["WARN", "presented again"]);
    assert!(
        line.contains("client_id=\"web-app\"") && line.contains("CodeReplay"),
        "{line}"
    );
    assert_no_line_contains(&logs, &[&code, VERIFIER, first.access_token()]);
}

fn assert_no_line_contains(logs: &Captured, secrets: &[&str]) {
    for line in logs.lines() {
        for secret in secrets {
            assert!(!line.contains(secret), "a secret in the log: {line}");
        }
    }
}

#[tokio::test]
async fn a_store_failure_is_an_error_event_with_its_cause() {
    let (logs, _guard) = capture();
    let cause: Box<dyn std::error::Error + Send + Sync> = "connection refused".into();
    let error = oauth2_provider::OAuthError::from(oauth2_provider::StoreError::Unavailable(cause));
    // The client is told nothing of the cause; the operator is.
    assert!(!error.description().contains("refused"));
    let line = logs.line_with(&["ERROR", "the store failed"]);
    assert!(line.contains("connection refused"), "{line}");
}
