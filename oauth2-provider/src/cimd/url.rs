//! The `client_id` URL rules of draft-ietf-oauth-client-id-metadata-document §3.

use url::Url;

use super::CimdError;

/// The longest `client_id` URL accepted, in bytes: a bound on what a cache key and a log
/// line hold; real ones are far shorter.
pub const MAX_CLIENT_ID_LEN: usize = 2048;

/// `true` if `client_id` is meant as a client ID metadata document URL: it starts with
/// `https://`. A cheap test for the client lookup to choose between the client store and
/// [`ClientIdDocuments::resolve`](super::ClientIdDocuments::resolve); whether the URL is a
/// valid one is [`parse_client_id`]'s to say.
///
/// ```
/// use oauth2_provider::cimd::is_document_url;
///
/// assert!(is_document_url("https://app.example/oauth/client.json"));
/// assert!(!is_document_url("s6BhdRkqt3"));
/// assert!(!is_document_url("http://app.example/client.json"));
/// ```
pub fn is_document_url(client_id: &str) -> bool {
    client_id.starts_with("https://")
}

/// Parses a `client_id` that is a client ID metadata document URL, by the draft's rules:
///
/// - the `https` scheme, a host, and a path other than `/` (a port is allowed);
/// - no fragment and no user name or password;
/// - no `.` or `..` path segment, percent-encoded or not (checked on the string as given,
///   since `url` removes them while parsing);
/// - **no query**: the draft says SHOULD NOT; it is refused here, so that one document has
///   one URL and a query cannot smuggle per-request variation into the cache key;
/// - the string exactly as `url` normalises it (lowercase scheme and host, no default port,
///   WHATWG percent-encoding), so that a client ID names one document and one cache entry,
///   and the document's `client_id` can be compared by simple string comparison;
/// - at most [`MAX_CLIENT_ID_LEN`] bytes.
///
/// ```
/// use oauth2_provider::cimd::parse_client_id;
///
/// let url = parse_client_id("https://app.example:8443/oauth/client.json").unwrap();
/// assert_eq!(url.host_str(), Some("app.example"));
/// assert!(parse_client_id("https://app.example/").is_err());
/// assert!(parse_client_id("https://app.example/a/../client.json").is_err());
/// assert!(parse_client_id("https://app.example/client.json?v=1").is_err());
/// ```
pub fn parse_client_id(client_id: &str) -> Result<Url, CimdError> {
    let refuse = |reason| Err(CimdError::Url(reason));
    if client_id.len() > MAX_CLIENT_ID_LEN {
        return refuse("the client_id URL is too long");
    }
    if !is_document_url(client_id) {
        return refuse("the client_id URL must use https");
    }
    let Ok(url) = Url::parse(client_id) else {
        return refuse("the client_id is not a valid URL");
    };
    // The raw authority, up to the path, query or fragment: `url` drops an empty userinfo
    // (`https://@host/`), so the raw string is checked for it too.
    let after_scheme = &client_id["https://".len()..];
    let authority_end = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let (authority, rest) = after_scheme.split_at(authority_end);
    if !url.username().is_empty() || url.password().is_some() || authority.contains('@') {
        return refuse("the client_id URL must not have a user name or password");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return refuse("the client_id URL must have a host");
    }
    if url.fragment().is_some() || client_id.contains('#') {
        return refuse("the client_id URL must not have a fragment");
    }
    if url.query().is_some() || client_id.contains('?') {
        return refuse("the client_id URL must not have a query");
    }
    if rest.is_empty() || rest == "/" {
        return refuse("the client_id URL must have a path");
    }
    if rest.split('/').any(is_dot_segment) {
        return refuse("the client_id URL must not have . or .. path segments");
    }
    if url.as_str() != client_id {
        return refuse("the client_id URL must be in normalised form");
    }
    Ok(url)
}

/// `.` or `..`, with any of its dots percent-encoded (`%2e`), as the URL standard reads them.
fn is_dot_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    let dots = lower.replace("%2e", ".");
    dots == "." || dots == ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(client_id: &str) -> &'static str {
        match parse_client_id(client_id) {
            Err(CimdError::Url(reason)) => reason,
            other => panic!("{client_id}: {other:?}"),
        }
    }

    #[test]
    fn accepts_a_document_url_with_a_path_and_a_port() {
        for ok in [
            "https://a.example/x",
            "https://a.example/client.json",
            "https://a.example:8443/x/y",
            "https://a.example/x/",
            "https://[2001:db8::1]/x",
            "https://192.0.2.1/x",
        ] {
            assert_eq!(
                parse_client_id(ok).map(|u| u.to_string()).ok().as_deref(),
                Some(ok)
            );
        }
    }

    #[test]
    fn each_rule_has_its_reason() {
        let long = format!("https://a.example/{}", "x".repeat(MAX_CLIENT_ID_LEN));
        let cases = [
            ("http://a.example/x", "the client_id URL must use https"),
            ("HTTPS://a.example/x", "the client_id URL must use https"),
            ("a.example/x", "the client_id URL must use https"),
            ("https://", "the client_id is not a valid URL"),
            (
                "https://u:p@a.example/x",
                "the client_id URL must not have a user name or password",
            ),
            (
                "https://u@a.example/x",
                "the client_id URL must not have a user name or password",
            ),
            (
                "https://@a.example/x",
                "the client_id URL must not have a user name or password",
            ),
            (
                "https://a.example/x#f",
                "the client_id URL must not have a fragment",
            ),
            (
                "https://a.example/x#",
                "the client_id URL must not have a fragment",
            ),
            (
                "https://a.example/x?q=1",
                "the client_id URL must not have a query",
            ),
            (
                "https://a.example/x?",
                "the client_id URL must not have a query",
            ),
            ("https://a.example/", "the client_id URL must have a path"),
            ("https://a.example", "the client_id URL must have a path"),
            (
                "https://a.example/../x",
                "the client_id URL must not have . or .. path segments",
            ),
            (
                "https://a.example/./x",
                "the client_id URL must not have . or .. path segments",
            ),
            (
                "https://a.example/x/..",
                "the client_id URL must not have . or .. path segments",
            ),
            (
                "https://a.example/x/%2e%2E/y",
                "the client_id URL must not have . or .. path segments",
            ),
            (
                "https://a.example/x/.%2e",
                "the client_id URL must not have . or .. path segments",
            ),
            (
                "https://A.example/x",
                "the client_id URL must be in normalised form",
            ),
            (
                "https://a.example:443/x",
                "the client_id URL must be in normalised form",
            ),
            (
                "https://a.example/a b",
                "the client_id URL must be in normalised form",
            ),
            (
                "https://a.example/x\\y",
                "the client_id URL must be in normalised form",
            ),
            (long.as_str(), "the client_id URL is too long"),
        ];
        for (client_id, expected) in cases {
            assert_eq!(reason(client_id), expected, "{client_id}");
        }
    }

    #[test]
    fn dot_lookalikes_are_ordinary_segments() {
        for ok in [
            "https://a.example/.well-known/x",
            "https://a.example/x/...",
            "https://a.example/x.json",
        ] {
            assert!(parse_client_id(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn is_document_url_is_a_prefix_test() {
        assert!(is_document_url("https://a.example/x"));
        assert!(is_document_url("https://"));
        assert!(!is_document_url("HTTPS://a.example/x"));
        assert!(!is_document_url("client-1"));
        assert!(!is_document_url("http://a.example/x"));
    }
}
