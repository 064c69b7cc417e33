//! What the user agent is shown for an authorization request that must not be redirected
//! (RFC 6749 §4.1.2.1: an unknown client, a redirect URI not registered for it, a request too
//! malformed to know either): a page for a browser, JSON for anything else, with the same
//! status either way and nothing of the request in it.

use bytes::Bytes;
use http::header::ACCEPT;
use http::{HeaderMap, Response};

use super::response::{error_with_status, html_page, with_error_retry_after, with_retry_after};
use crate::error::OAuthError;

/// The error for the user agent: an HTML page when `headers` accept `text/html` (a browser),
/// else the RFC 6749 §5.2 JSON body. The page names the error code and its fixed description
/// (written by this crate or a hook, never from the request) and carries
/// [`html_page`]'s headers.
pub(crate) fn error_page(error: &OAuthError, headers: &HeaderMap) -> Response<Bytes> {
    if !accepts_html(headers) {
        return error_with_status(error, error.status());
    }
    crate::trace::failed(error);
    let page = PAGE
        .replace("{code}", error.code().as_str())
        .replace("{description}", &escape(error.description()));
    with_error_retry_after(with_retry_after(html_page(error.status(), page)), error)
}

/// `true` when an `Accept` header names `text/html`, as every browser's navigation does.
fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|range| {
            let media = range.split(';').next().unwrap_or_default().trim();
            media.eq_ignore_ascii_case("text/html")
        })
}

/// A description's characters are RFC 6749 §5.2's (printable ASCII but `"` and `\`); of
/// those, these three mean something in HTML text.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Self-contained, as the strict policy of [`html_page`] wants: no script, no external
/// resource, inline style only; readable at 360 px, the contrast of black on white.
const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>This request cannot be completed</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; background: #fff; line-height: 1.5; }
  h1 { font-size: 1.4rem; }
  code { background: #f0f0f0; padding: 0 .25rem; }
</style>
</head>
<body>
<main>
<h1>This request cannot be completed</h1>
<p>The application that sent you here asked for something this server cannot accept, so you were not sent back to it. Nothing about you was shared.</p>
<p>If you followed a link, go back and try again, or tell the application's owner.</p>
<p>Error <code>{code}</code>: {description}.</p>
</main>
</body>
</html>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_get_the_page_and_others_json() {
        let mut headers = HeaderMap::new();
        let error = OAuthError::invalid_request("the client is unknown");
        assert!(
            error_page(&error, &headers).headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        headers.insert(
            ACCEPT,
            "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
                .parse()
                .unwrap(),
        );
        let page = error_page(&error, &headers);
        let body = std::str::from_utf8(page.body()).unwrap();
        assert!(body.contains("<code>invalid_request</code>: the client is unknown."));
        assert_eq!(page.headers()["x-frame-options"], "DENY");
        let built = OAuthError::with_description(error.code(), "a <b>bold</b> & brave one");
        let body = error_page(&built, &headers).into_body();
        assert!(
            std::str::from_utf8(&body)
                .unwrap()
                .contains("a &lt;b&gt;bold&lt;/b&gt; &amp; brave one")
        );
    }
}
