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

const LOOPBACKS: [&str; 3] = ["http://127.0.0.1", "http://[::1]", "http://localhost"];

/// `true` when `requested` is acceptable for the `registered` URI.
pub fn matches(registered: &str, requested: &str) -> bool {
    matches_with(registered, requested, false)
}

/// [`matches()`], and with `localhost` a registered `http://localhost` URI takes any port too:
/// RFC 8252 §8.3 advises against `localhost`, but MCP clients publish it in their client ID
/// metadata documents and then listen on a port of their choosing
/// ([`Config::localhost_any_port`](crate::config::Config::localhost_any_port)).
///
/// ```
/// use oauth2_provider::redirect_uri::matches_with;
///
/// assert!(matches_with("http://localhost/cb", "http://localhost:52163/cb", true));
/// assert!(!matches_with("http://localhost/cb", "http://localhost:52163/cb", false));
/// assert!(!matches_with("http://localhost/cb", "http://localhost.evil.example/cb", true));
/// ```
pub fn matches_with(registered: &str, requested: &str, localhost: bool) -> bool {
    if registered == requested {
        return true;
    }
    let prefixes = if localhost {
        &LOOPBACKS[..]
    } else {
        &LOOPBACKS[..2]
    };
    prefixes.iter().any(|prefix| {
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

/// Why a URI cannot be registered as a redirect URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unregistrable {
    /// Not an absolute URI (RFC 6749 §3.1.2).
    #[error("not an absolute URI")]
    NotAbsolute,
    /// It has a fragment (§3.1.2).
    #[error("a redirect URI has no fragment")]
    Fragment,
    /// It carries a user name or password.
    #[error("a redirect URI carries no user name or password")]
    Userinfo,
    /// Plain `http` to a host other than a loopback address (§3.1.2.1, RFC 8252 §7.3, §8.3).
    #[error("plain http only to 127.0.0.1 or [::1]; use https")]
    PlainHttp,
    /// A scheme that is neither `https`, loopback `http`, nor a private-use scheme in reverse
    /// domain form (RFC 8252 §7.1): `ftp:`, `javascript:`, `file:`, `myapp:`, ...
    #[error("not https, loopback http, or a reverse-domain private-use scheme")]
    Scheme,
    /// Port 0, which no server listens on.
    #[error("port 0")]
    PortZero,
    /// Its query carries a parameter the authorization response adds (`code`, `state`, `iss`,
    /// ...): the client would read two values and might take the wrong one (RFC 9207 §2.4).
    #[error("its query has a parameter of the authorization response")]
    ResponseParameter,
}

/// Parameters the authorization endpoint adds to a redirect, which a registered query must not
/// already hold.
const RESPONSE_PARAMETERS: [&str; 11] = [
    "code",
    "state",
    "iss",
    "error",
    "error_description",
    "error_uri",
    "access_token",
    "token_type",
    "expires_in",
    "scope",
    "id_token",
];

/// Checks a URI for registration (RFC 6749 §3.1.2, RFC 9700 §2.1 and §4.1, RFC 8252 §7):
/// absolute, without fragment or userinfo; `https`, plain `http` only to a loopback address, or
/// a private-use scheme in reverse domain form; no query parameter the response would repeat.
///
/// ```
/// use oauth2_provider::redirect_uri::{Unregistrable, check_registrable};
/// assert_eq!(check_registrable("https://app.example.com/cb?tenant=7"), Ok(()));
/// assert_eq!(check_registrable("http://127.0.0.1/cb"), Ok(()));
/// assert_eq!(check_registrable("com.example.app:/oauth2redirect"), Ok(()));
/// assert_eq!(check_registrable("http://app.example.com/cb"), Err(Unregistrable::PlainHttp));
/// assert_eq!(check_registrable("ftp://files.example.com/cb"), Err(Unregistrable::Scheme));
/// assert_eq!(check_registrable("https://app.example.com/cb?state=x"), Err(Unregistrable::ResponseParameter));
/// ```
pub fn check_registrable(uri: &str) -> Result<(), Unregistrable> {
    let url = Url::parse(uri).map_err(|_| Unregistrable::NotAbsolute)?;
    if url.fragment().is_some() || uri.contains('#') {
        return Err(Unregistrable::Fragment);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Unregistrable::Userinfo);
    }
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback() && ip.octets() == [127, 0, 0, 1],
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                _ => false,
            };
            if !loopback {
                return Err(Unregistrable::PlainHttp);
            }
        }
        // RFC 8252 §7.1: a private-use scheme is a reverse domain name, so it has a period.
        scheme if scheme.contains('.') => {}
        _ => return Err(Unregistrable::Scheme),
    }
    if url.port() == Some(0) {
        return Err(Unregistrable::PortZero);
    }
    if url
        .query_pairs()
        .any(|(name, _)| RESPONSE_PARAMETERS.contains(&name.as_ref()))
    {
        return Err(Unregistrable::ResponseParameter);
    }
    Ok(())
}

/// `true` for a URI fit to register: [`check_registrable`] without the reason.
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
    check_registrable(uri).is_ok()
}

/// `true` for a loopback redirect URI (RFC 8252 §7.3): `http` to `127.0.0.1`, `[::1]` or
/// `localhost`, any port. What a consent page warns about when a client has no other: such a
/// client runs on the user's own device, and anyone can claim to be it.
///
/// ```
/// use oauth2_provider::redirect_uri::is_loopback;
/// assert!(is_loopback("http://127.0.0.1:8400/cb"));
/// assert!(is_loopback("http://[::1]/cb"));
/// assert!(!is_loopback("https://app.example.com/cb"));
/// assert!(!is_loopback("http://127.0.0.1.evil.example/cb"));
/// ```
pub fn is_loopback(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|url| {
        url.scheme() == "http"
            && match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
                None => false,
            }
    })
}

/// Finds the redirect URI for an authorization request: the requested one if it matches a
/// registered one, else the only registered one when none was requested (§3.1.2.3).
pub(crate) fn resolve<'a>(
    registered: &'a [String],
    requested: Option<&'a str>,
    localhost: bool,
) -> Option<&'a str> {
    match requested {
        Some(requested) => registered
            .iter()
            .any(|r| matches_with(r, requested, localhost))
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
    fn registrable_uris_per_rfc_9700_and_8252() {
        for good in [
            "https://app.example.com/cb",
            "https://app.example.com:8443/cb?tenant=7&x=",
            "http://127.0.0.1/cb",
            "http://127.0.0.1:8080/cb?x=1",
            "http://[::1]/cb",
            "com.example.app:/oauth2redirect",
            "com.example.app:/cb?codes=1",
        ] {
            assert_eq!(check_registrable(good), Ok(()), "{good}");
        }
        use Unregistrable as U;
        for (bad, why) in [
            ("/cb", U::NotAbsolute),
            ("https://app.example.com/cb#x", U::Fragment),
            ("https://app.example.com/cb#", U::Fragment),
            ("https://user:pw@app.example.com/cb", U::Userinfo),
            ("https://user@app.example.com/cb", U::Userinfo),
            ("http://plain.example/cb", U::PlainHttp),
            ("http://localhost/cb", U::PlainHttp),
            ("http://127.0.0.2/cb", U::PlainHttp),
            ("http://127.0.0.1.evil.example/cb", U::PlainHttp),
            ("http://[::ffff:127.0.0.1]/cb", U::PlainHttp),
            ("ftp://x.example/cb", U::Scheme),
            ("javascript:alert(1)", U::Scheme),
            ("data:text/html,x", U::Scheme),
            ("file:///etc/passwd", U::Scheme),
            ("myapp:/cb", U::Scheme),
            ("wss://app.example.com/cb", U::Scheme),
            ("http://127.0.0.1:0/cb", U::PortZero),
            ("https://q.example/cb?code=fixed", U::ResponseParameter),
            ("https://q.example/cb?a=1&state=fixed", U::ResponseParameter),
            (
                "https://q.example/cb?iss=https://evil.example",
                U::ResponseParameter,
            ),
            ("https://q.example/cb?error=x", U::ResponseParameter),
            ("https://q.example/cb?%63ode=x", U::ResponseParameter),
        ] {
            assert_eq!(check_registrable(bad), Err(why), "{bad}");
        }
    }

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
        assert_eq!(resolve(&one, None, false), Some("https://a.example/cb"));
        assert_eq!(resolve(&two, None, false), None);
        assert_eq!(
            resolve(&two, Some("https://a.example/cb2"), false),
            Some("https://a.example/cb2")
        );
        assert_eq!(resolve(&two, Some("https://a.example/cb3"), false), None);
        assert_eq!(resolve(&[], None, false), None);
    }
}
