//! The rule of a scope's description that needs no other entry: text a consent page can show
//! on one line.

/// Why `text` cannot be a description: blank, or holding a character that breaks the line it is
/// shown on.
pub fn description_fault(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("is empty".to_owned());
    }
    if let Some(c) = text.chars().find(|&c| breaks_the_line(c)) {
        return Some(format!(
            "has `{}`; it is shown on one line of a page, so it takes no control characters",
            c.escape_default()
        ));
    }
    if text.trim().is_empty() {
        return Some("is only whitespace".to_owned());
    }
    None
}

/// A control character (newline, tab, ...), or one of Unicode's line and paragraph separators.
fn breaks_the_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::description_fault;

    #[test]
    fn descriptions() {
        assert_eq!(description_fault("Read your notes"), None);
        assert_eq!(description_fault("Voir vos notes « privées »"), None);
        assert_eq!(description_fault("").as_deref(), Some("is empty"));
        assert_eq!(
            description_fault("  ").as_deref(),
            Some("is only whitespace")
        );
        assert!(description_fault("two\nlines").unwrap().contains("`\\n`"));
        assert!(description_fault("a\ttab").unwrap().contains("`\\t`"));
        assert!(description_fault("\u{7f}").is_some());
        assert!(description_fault("a\u{2028}b").is_some());
    }
}
