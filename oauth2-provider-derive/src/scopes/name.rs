//! The rules of a scope's name that need no other entry: an RFC 6749 §3.3 scope-token, and
//! the associated constant it makes.

/// Why `token` is not an RFC 6749 §3.3 scope-token, `1*( %x21 / %x23-5B / %x5D-7E )`.
pub fn scope_token_fault(token: &str) -> Option<String> {
    if token.is_empty() {
        return Some("it is empty".to_owned());
    }
    token.chars().find_map(|c| match c {
        '\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E' => None,
        ' ' => Some("it has a space".to_owned()),
        '"' => Some("it has `\"`".to_owned()),
        '\\' => Some("it has `\\`".to_owned()),
        other => Some(format!("it has {other:?}")),
    })
}

/// `READ_WRITE` for `read_write`, `USER_EMAIL` for `user:email`: ASCII letters and digits
/// upper-cased, every other run of characters one `_`.
pub fn const_name(wire: &str) -> Option<String> {
    let mut name = String::new();
    let mut gap = false;
    for c in wire.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !name.is_empty() {
                name.push('_');
            }
            gap = false;
            name.push(c.to_ascii_uppercase());
        } else {
            gap = true;
        }
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::{const_name, scope_token_fault};

    #[test]
    fn constant_names() {
        assert_eq!(const_name("read_write").as_deref(), Some("READ_WRITE"));
        assert_eq!(const_name("user:email").as_deref(), Some("USER_EMAIL"));
        assert_eq!(
            const_name("https://api.example.com/read").as_deref(),
            Some("HTTPS_API_EXAMPLE_COM_READ")
        );
        assert_eq!(const_name("2fa").as_deref(), Some("_2FA"));
        assert_eq!(const_name("-a--b-").as_deref(), Some("A_B"));
        assert_eq!(const_name("!!"), None);
    }

    #[test]
    fn scope_tokens() {
        assert_eq!(scope_token_fault("user:email"), None);
        assert_eq!(scope_token_fault("!#[]~"), None);
        assert!(scope_token_fault("").is_some());
        assert!(scope_token_fault("a b").is_some());
        assert!(scope_token_fault("a\"b").is_some());
        assert!(scope_token_fault("a\\b").is_some());
        assert!(scope_token_fault("café").is_some());
        assert!(scope_token_fault("tab\t").is_some());
    }
}
