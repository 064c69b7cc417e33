//! The `htu` comparison (RFC 9449 §4.3 step 9): the proof's URI and the request's, without
//! query and fragment, after RFC 3986 §6.2.2 syntax-based and §6.2.3 scheme-based
//! normalisation.

use url::Url;

/// The normal form of `uri` for comparing `htu`: an absolute `http` or `https` URI, scheme
/// and host lowercased, default port dropped, dot-segments removed, an empty path as `/`
/// (the `url` crate's parsing), percent-encodings of unreserved characters decoded and the
/// others in upper case; query and fragment gone. `None` when it is no such URI.
///
/// ```
/// use oauth2_provider::dpop::normalize_htu;
///
/// assert_eq!(
///     normalize_htu("HTTPS://Auth.Example.com:443/a/../token?x=1#f").as_deref(),
///     Some("https://auth.example.com/token"),
/// );
/// assert_eq!(normalize_htu("https://a.example/%7euser").as_deref(), Some("https://a.example/~user"));
/// assert_eq!(normalize_htu("/token"), None);
/// ```
pub fn normalize_htu(uri: &str) -> Option<String> {
    let mut url = Url::parse(uri).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return None;
    }
    if !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = normalize_percent(url.path());
    url.set_path(&path);
    Some(url.into())
}

/// `true` when `htu` names the same URI as `expected`, both normalised.
pub(crate) fn same_uri(htu: &str, expected: &str) -> bool {
    match (normalize_htu(htu), normalize_htu(expected)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Percent-encoded unreserved characters decoded, other triplets in upper case (§6.2.2.1,
/// §6.2.2.2).
fn normalize_percent(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        let triplet = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match triplet {
            Some(byte) if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) => {
                out.push(char::from(byte));
                i += 3;
            }
            Some(byte) => {
                out.push_str(&format!("%{byte:02X}"));
                i += 3;
            }
            None => {
                // `url` has encoded everything else: the path is ASCII.
                out.push(char::from(bytes[i]));
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{normalize_htu, same_uri};

    #[test]
    fn compares_after_normalisation() {
        let token = "https://auth.example.com/token";
        assert!(same_uri("https://auth.example.com/token", token));
        assert!(same_uri("https://AUTH.example.com:443/token?a=b#c", token));
        assert!(same_uri("https://auth.example.com/./token", token));
        assert!(same_uri("https://auth.example.com/%74oken", token));
        assert!(!same_uri("http://auth.example.com/token", token));
        assert!(!same_uri("https://auth.example.com:8443/token", token));
        assert!(!same_uri("https://auth.example.com/token/", token));
        assert!(!same_uri("https://evil.example/token", token));
        assert!(!same_uri("https://user@auth.example.com/token", token));
        assert!(!same_uri("/token", token));
        assert_eq!(
            normalize_htu("https://a.example/x%2fy").as_deref(),
            Some("https://a.example/x%2Fy")
        );
        assert_eq!(
            normalize_htu("https://a.example").as_deref(),
            Some("https://a.example/")
        );
    }
}
