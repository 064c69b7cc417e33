//! Redirection URI rules (RFC 6749 §3.1.2, RFC 9700 §4.1.3, RFC 8252 §7.3).
//!
//! A requested URI must equal a registered one character for character. The single exception
//! is RFC 8252 §7.3: for a registered `http://127.0.0.1` or `http://[::1]` URI, a native app
//! may pick any port at request time. Nothing else varies: not case, not a default port, not a
//! trailing slash, not an added query.
//!
//! ```
//! use oauth2_provider::redirect_uri::matches;
//!
//! assert!(matches("https://app.example.com/cb", "https://app.example.com/cb"));
//! assert!(!matches("https://app.example.com/cb", "https://app.example.com/cb/"));
//! assert!(!matches("https://app.example.com/cb", "https://APP.example.com/cb"));
//! assert!(matches("http://127.0.0.1/cb", "http://127.0.0.1:51004/cb"));
//! assert!(!matches("http://127.0.0.1/cb", "http://127.0.0.1.evil.com/cb"));
//! assert!(!matches("http://localhost/cb", "http://localhost:51004/cb"));
//! ```

use url::Url;

const LOOPBACKS: [&str; 2] = ["http://127.0.0.1", "http://[::1]"];

/// `true` when `requested` is acceptable for the `registered` URI.
pub fn matches(registered: &str, requested: &str) -> bool {
    if registered == requested {
        return true;
    }
    LOOPBACKS.iter().any(|prefix| {
        match (
            registered.strip_prefix(prefix),
            requested.strip_prefix(prefix),
        ) {
            (Some(reg), Some(req)) => {
                strip_port(reg).is_some_and(|reg| Some(reg) == strip_port(req))
            }
            _ => false,
        }
    })
}

/// What follows the host once a `:port` (1 to 5 digits, at most 65535) is removed; the rest
/// must be empty or start the path or query, so `127.0.0.1.evil.com` or `127.0.0.1@evil` fail.
fn strip_port(after_host: &str) -> Option<&str> {
    let rest = match after_host.strip_prefix(':') {
        Some(port_and_rest) => {
            let digits = port_and_rest.bytes().take_while(u8::is_ascii_digit).count();
            let port: u32 = port_and_rest[..digits].parse().ok()?;
            if digits > 5 || port > 65535 {
                return None;
            }
            &port_and_rest[digits..]
        }
        None => after_host,
    };
    (rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')).then_some(rest)
}

/// `true` for a URI fit to register (RFC 6749 §3.1.2): absolute, no fragment, no userinfo, and
/// not a scheme that runs code in the browser.
///
/// ```
/// use oauth2_provider::redirect_uri::is_registrable;
/// assert!(is_registrable("https://app.example.com/cb"));
/// assert!(is_registrable("com.example.app:/oauth2redirect"));
/// assert!(!is_registrable("/relative"));
/// assert!(!is_registrable("https://app.example.com/cb#frag"));
/// assert!(!is_registrable("javascript:alert(1)"));
/// ```
pub fn is_registrable(uri: &str) -> bool {
    let Ok(url) = Url::parse(uri) else {
        return false;
    };
    url.fragment().is_none()
        && !uri.contains('#')
        && url.username().is_empty()
        && url.password().is_none()
        && !matches!(url.scheme(), "javascript" | "data" | "vbscript" | "file")
}

/// Finds the redirect URI for an authorization request: the requested one if it matches a
/// registered one, else the only registered one when none was requested (§3.1.2.3).
pub(crate) fn resolve<'a>(registered: &'a [String], requested: Option<&'a str>) -> Option<&'a str> {
    match requested {
        Some(requested) => registered
            .iter()
            .any(|r| matches(r, requested))
            .then_some(requested),
        None => match registered {
            [only] => Some(only.as_str()),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_port_rule_and_nothing_more() {
        let reg = "http://127.0.0.1/cb";
        assert!(matches(reg, "http://127.0.0.1:1/cb"));
        assert!(matches(reg, "http://127.0.0.1:65535/cb"));
        assert!(!matches(reg, "http://127.0.0.1:65536/cb"));
        assert!(!matches(reg, "http://127.0.0.1:000080/cb"));
        assert!(!matches(reg, "http://127.0.0.1:/cb"));
        assert!(!matches(reg, "http://127.0.0.1:80/cb/x"));
        assert!(!matches(reg, "http://127.0.0.1:80/cb?x=1"));
        assert!(!matches(reg, "http://127.0.0.1:80@evil.com/cb"));
        assert!(!matches(reg, "https://127.0.0.1:80/cb"));
        assert!(matches("http://[::1]:8080/cb", "http://[::1]:9/cb"));
        assert!(!matches("http://[::1]/cb", "http://127.0.0.1/cb"));
        assert!(!matches(
            "https://app.example.com/cb",
            "https://app.example.com:443/cb"
        ));
    }

    #[test]
    fn resolution() {
        let one = vec!["https://a.example/cb".to_owned()];
        let two = vec![
            "https://a.example/cb".to_owned(),
            "https://a.example/cb2".to_owned(),
        ];
        assert_eq!(resolve(&one, None), Some("https://a.example/cb"));
        assert_eq!(resolve(&two, None), None);
        assert_eq!(
            resolve(&two, Some("https://a.example/cb2")),
            Some("https://a.example/cb2")
        );
        assert_eq!(resolve(&two, Some("https://a.example/cb3")), None);
        assert_eq!(resolve(&[], None), None);
    }
}
