//! What the runtime tells [`tracing`]: one span per endpoint request, and an event for what an
//! operator must see (a replay, a failed client authentication, a store failure).
//!
//! Nothing here ever records a token, a code, a secret or a password: only client ids and
//! grant-type names, and those as the client sent them, escaped and cut short, since a
//! client controls them.

use std::fmt;
use std::time::Instant;

use bytes::Bytes;
use futures_util::FutureExt as _;
use http::Response;
use tracing::field::{Empty, debug};
use tracing::{Instrument as _, Span};

use crate::error::{OAuthError, StoreError};

/// The longest client id or grant type name a log line shows.
const SHOWN_CHARS: usize = 64;

/// `fut`, the handling of one request to `endpoint`, inside the `oauth2` span. The span ends
/// with the response's `status` and the `duration_us` the request took; along the way it
/// gains `client_id`, `grant_type` and, when the request failed, the `error` code.
///
/// Not an `async fn`, which would keep `fut` twice in its state (see `behind_cors`).
pub(crate) fn endpoint<F: Future<Output = Response<Bytes>>>(
    endpoint: &'static str,
    fut: F,
) -> impl Future<Output = Response<Bytes>> {
    let span = tracing::info_span!(
        "oauth2",
        endpoint,
        client_id = Empty,
        grant_type = Empty,
        error = Empty,
        status = Empty,
        duration_us = Empty,
    );
    let timed = (!span.is_disabled()).then(|| (span.clone(), Instant::now()));
    fut.instrument(span).map(move |response| {
        if let Some((span, started)) = timed {
            span.record("status", response.status().as_u16());
            span.record(
                "duration_us",
                u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            );
        }
        response
    })
}

/// The current request is for this client (authenticated, or looked up at the authorization
/// endpoint).
pub(crate) fn client(client_id: &str) {
    Span::current().record("client_id", debug(Shown(client_id)));
}

/// The current request asks for this grant type.
pub(crate) fn grant_type(name: &str) {
    Span::current().record("grant_type", debug(Shown(name)));
}

/// The current request fails with `error`.
pub(crate) fn failed(error: &OAuthError) {
    Span::current().record("error", error.code().as_str());
}

/// A client authentication failed: an unknown client, or a wrong or missing secret.
pub(crate) fn client_authentication_failed(client_id: &str, known: bool) {
    tracing::warn!(
        client_id = ?Shown(client_id),
        known,
        "client authentication failed"
    );
}

/// A client assertion was refused: why, for the operator (the client sees `invalid_client`).
#[cfg(feature = "jwt")]
pub(crate) fn client_assertion_refused(
    client_id: &str,
    error: &crate::client_assertion::AssertionError,
) {
    tracing::warn!(
        client_id = ?Shown(client_id),
        reason = %error,
        "client assertion refused"
    );
}

/// A client ID metadata document was refused: the reason for the operator, the fetch's cause
/// included (never the document).
#[cfg(feature = "cimd")]
pub(crate) fn client_document_refused(client_id: &str, error: &crate::cimd::CimdError) {
    let cause =
        std::error::Error::source(error).map(|source| format!("{:?}", Shown(&source.to_string())));
    tracing::warn!(
        client_id = ?Shown(client_id),
        reason = %error,
        cause = cause.as_deref().unwrap_or("-"),
        "client metadata document refused"
    );
}

/// A consumed code or rotated refresh token came back; its grant was revoked.
pub(crate) fn replay(client_id: &str, what: impl fmt::Debug) {
    tracing::warn!(
        client_id = ?Shown(client_id),
        reason = ?what,
        "a used credential was presented again: its whole grant is revoked"
    );
}

/// A store failed; the client is told only `temporarily_unavailable` or `server_error`.
pub(crate) fn store_failed(error: &StoreError) {
    tracing::error!(error = %error, "the store failed");
}

/// A client-controlled string as a log shows it: escaped by `Debug` (no line breaks or
/// terminal escapes reach the log), at most [`SHOWN_CHARS`] characters.
struct Shown<'a>(&'a str);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(SHOWN_CHARS) {
            Some((end, _)) => write!(f, "{:?}…", &self.0[..end]),
            None => write!(f, "{:?}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Shown;

    #[test]
    fn client_controlled_strings_are_escaped_and_cut() {
        assert_eq!(format!("{:?}", Shown("app")), "\"app\"");
        assert_eq!(
            format!("{:?}", Shown("a\nfake line\u{1b}[2J")),
            "\"a\\nfake line\\u{1b}[2J\""
        );
        let long = "é".repeat(100);
        assert_eq!(
            format!("{:?}", Shown(&long)),
            format!("\"{}\"…", "é".repeat(64))
        );
    }
}
