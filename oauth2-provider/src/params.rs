//! Strict parsing of `application/x-www-form-urlencoded` bodies and query strings
//! (RFC 6749 §3.1, §3.2, Appendix B).
//!
//! Decoding is `form_urlencoded`'s; this module adds the rules OAuth puts on top: a parameter
//! sent without a value is treated as omitted, a repeated parameter is `invalid_request`, and
//! input that `form_urlencoded` would repair (a stray `%`, bytes that are not UTF-8) is refused
//! instead of being guessed at. The one exception is `resource` (RFC 8707 §2), which may repeat:
//! [`Params::all`] reads every value.
//!
//! `a=1&a=2` is refused; `state=` is as if `state` were not sent; `a=%zz` is refused.

use std::borrow::Cow;

use crate::error::OAuthError;

/// The parameters that may be sent more than once: a resource indicator per target resource
/// (RFC 8707 §2).
const REPEATABLE: [&str; 1] = ["resource"];

/// Decoded parameters; each name at most once (but `resource`), empty values dropped.
#[derive(Clone, Default)]
pub struct Params<'a> {
    pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> Params<'a> {
    /// Parses a body or query string.
    pub fn parse(input: &'a [u8]) -> Result<Self, OAuthError> {
        if !is_well_formed(input) {
            return Err(OAuthError::invalid_request(
                "the request is not validly percent-encoded UTF-8",
            ));
        }
        let pairs: Vec<(Cow<'a, str>, Cow<'a, str>)> = form_urlencoded::parse(input)
            .filter(|(_, value)| !value.is_empty())
            .collect();
        if has_repeated_name(&pairs) {
            return Err(OAuthError::invalid_request(
                "a parameter was included more than once",
            ));
        }
        Ok(Params { pairs })
    }

    /// The value of `name`, if sent with a value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_ref())
    }

    /// Every value of `name`, in request order: for the one parameter that may repeat,
    /// `resource`.
    pub fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.pairs
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_ref())
    }

    /// `pushed`'s parameters, then those of these that `pushed` does not name: a pushed
    /// authorization request (RFC 9126) with what the pages add to it (a decision, a CSRF
    /// token, the `request_uri` itself).
    pub(crate) fn over(pushed: &Params<'_>, sent: &Params<'_>) -> Params<'static> {
        let owned = |(n, v): (&str, &str)| (Cow::Owned(n.to_owned()), Cow::Owned(v.to_owned()));
        let extra = sent.iter().filter(|(name, _)| !pushed.contains(name));
        Params {
            pairs: pushed.iter().chain(extra).map(owned).collect(),
        }
    }

    /// `true` if `name` was sent with a value.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every parameter, in request order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_ref(), v.as_ref()))
    }
}

impl std::fmt::Debug for Params<'_> {
    // Values can be passwords, secrets, codes and tokens: only names are shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.pairs.iter().map(|(n, _)| n))
            .finish()
    }
}

/// Pairwise for the handful of parameters a real request has (no allocation), sorted beyond: a
/// body of many distinct names must not cost quadratic time.
fn has_repeated_name(pairs: &[(Cow<'_, str>, Cow<'_, str>)]) -> bool {
    const PAIRWISE_UP_TO: usize = 16;
    let single = |name: &str| !REPEATABLE.contains(&name);
    if pairs.len() <= PAIRWISE_UP_TO {
        return pairs.iter().enumerate().any(|(i, (name, _))| {
            single(name) && pairs[i + 1..].iter().any(|(other, _)| other == name)
        });
    }
    let mut names: Vec<&str> = pairs
        .iter()
        .map(|(n, _)| n.as_ref())
        .filter(|n| single(n))
        .collect();
    names.sort_unstable();
    names.windows(2).any(|w| w[0] == w[1])
}

/// Every `%` starts a two-hex-digit escape, and the decoded bytes are UTF-8.
///
/// `&`, `=` and `+` are ASCII, so the whole input decodes to UTF-8 exactly when each name and
/// value does: one check covers every piece.
fn is_well_formed(input: &[u8]) -> bool {
    let mut i = 0;
    while let Some(offset) = input[i..].iter().position(|&b| b == b'%') {
        let at = i + offset;
        match input.get(at + 1..at + 3) {
            Some([h, l]) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => i = at + 3,
            _ => return false,
        }
    }
    // No escape (`i` never moved): decoding only turns `+` into a space, so the input itself
    // must be UTF-8, checked without a decoding pass.
    if i == 0 {
        return std::str::from_utf8(input).is_ok();
    }
    percent_encoding::percent_decode(input)
        .decode_utf8()
        .is_ok()
}

/// Decodes one `application/x-www-form-urlencoded` value (RFC 6749 Appendix B), as the client
/// id and secret of HTTP Basic authentication are encoded (§2.3.1).
pub(crate) fn decode_component(input: &str) -> Option<String> {
    // Nothing to decode, the common case for generated ids and secrets.
    if !input.bytes().any(|b| b == b'%' || b == b'+') {
        return Some(input.to_owned());
    }
    if !is_well_formed(input.as_bytes()) {
        return None;
    }
    // `+` is a space in this encoding; an encoded plus (`%2B`) is still escaped at this point.
    let spaced = input.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(Cow::into_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strictness() {
        assert!(Params::parse(b"").unwrap().iter().next().is_none());
        assert!(Params::parse(b"a=%4").is_err());
        assert!(Params::parse(b"a=%").is_err());
        assert!(Params::parse(b"a=%ff").is_err());
        assert!(Params::parse(b"a=\xff").is_err());
        assert_eq!(Params::parse(b"a=%C3%A9").unwrap().get("a"), Some("\u{e9}"));
        assert_eq!(Params::parse(b"a=&a=x").unwrap().get("a"), Some("x"));
        assert!(Params::parse(b"a=x&b=y&a=z").is_err());
        assert!(Params::parse(b"b=1&a=2&c=3&a=").is_ok());
        assert!(Params::parse(b"c=1&b=2&a=3&b=4").is_err());
        // The first of equal names in sorted order is found wherever it sits.
        assert!(Params::parse(b"z=1&a=1&m=1&a%20=1&a=2").is_err());
        assert!(Params::parse(b"a=1&a+=1&%61%20=2").is_err());
        // RFC 8707 §2: one `resource` per target, in order; nothing else may repeat with it.
        let params =
            Params::parse(b"resource=https%3A%2F%2Fa&x=1&resource=https%3A%2F%2Fb").unwrap();
        assert_eq!(
            params.all("resource").collect::<Vec<_>>(),
            ["https://a", "https://b"]
        );
        assert!(Params::parse(b"resource=a&x=1&resource=b&x=2").is_err());
        let many: Vec<String> = (0..20).map(|i| format!("resource=r{i}")).collect();
        assert_eq!(
            Params::parse(many.join("&").as_bytes())
                .unwrap()
                .all("resource")
                .count(),
            20
        );
    }

    #[test]
    fn many_distinct_names_parse_in_near_linear_time() {
        // 100 000 distinct names: a pairwise duplicate check would make 5e9 comparisons.
        let body: Vec<u8> = (0..100_000)
            .map(|i| format!("p{i}=v"))
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes();
        let started = std::time::Instant::now();
        let params = Params::parse(&body).unwrap();
        assert_eq!(params.iter().count(), 100_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let mut repeated = body.clone();
        repeated.extend_from_slice(b"&p99999=w");
        assert!(Params::parse(&repeated).is_err());
        // Just past the pairwise bound, the sorted check still finds a repeat anywhere.
        let seventeen: Vec<String> = (0..17).map(|i| format!("p{i}=v")).collect();
        assert!(Params::parse(seventeen.join("&").as_bytes()).is_ok());
        let repeat = format!("{}&p3=w", seventeen[..16].join("&"));
        assert!(Params::parse(repeat.as_bytes()).is_err());
    }

    #[test]
    fn components() {
        assert_eq!(decode_component("a%20b+c").as_deref(), Some("a b c"));
        assert_eq!(decode_component("x%3Dy").as_deref(), Some("x=y"));
        assert_eq!(decode_component("x=y").as_deref(), Some("x=y"));
        assert_eq!(decode_component("a%26b").as_deref(), Some("a&b"));
        assert_eq!(decode_component("").as_deref(), Some(""));
        assert_eq!(decode_component("%zz"), None);
        // Nothing to decode: the fast path gives the input back.
        assert_eq!(
            decode_component("Ab9-_.~xyz").as_deref(),
            Some("Ab9-_.~xyz")
        );
        assert!(Params::parse(b"a=b\xc3").is_err());
        assert!(Params::parse(b"a=b\xc3%41").is_err());
    }
}
