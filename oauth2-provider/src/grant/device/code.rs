//! Device and user codes (RFC 8628 §5.1, §5.2, §6.1): a 256-bit device code, and a user code
//! of 8 characters of a base-20 alphabet (no vowels, so no words; about 34.5 bits), shown as
//! `XXXX-XXXX` and read back ignoring case and punctuation.

use crate::secret::random_bytes;

/// The user-code alphabet: consonants only, no look-alikes for vowels (§6.1).
const ALPHABET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";

/// The length of a user code, dash excluded.
const LEN: usize = 8;

/// A fresh user code, normalised (`BCDFGHJK`): uniformly drawn, by rejection sampling.
pub(crate) fn new_user_code() -> String {
    let mut code = String::with_capacity(LEN);
    while code.len() < LEN {
        for byte in random_bytes::<16>() {
            // 240 is the largest multiple of 20 below 256: no character is likelier.
            if byte < 240 && code.len() < LEN {
                code.push(char::from(ALPHABET[usize::from(byte % 20)]));
            }
        }
    }
    code
}

/// A user code as typed, normalised (§6.1): letters upper-cased, everything that is not a
/// letter or a digit (dashes, spaces, dots) dropped. `None` when what is left is not 8
/// characters of the alphabet, so it can be no code at all.
///
/// ```
/// use oauth2_provider::grant::normalize_user_code;
/// assert_eq!(normalize_user_code("wdjb-mjht").as_deref(), Some("WDJBMJHT"));
/// assert_eq!(normalize_user_code(" WDJB MJHT ").as_deref(), Some("WDJBMJHT"));
/// assert_eq!(normalize_user_code("WDJB.MJHT").as_deref(), Some("WDJBMJHT"));
/// assert_eq!(normalize_user_code("AEIO-UAEI"), None); // vowels are not in the alphabet
/// assert_eq!(normalize_user_code("WDJB-MJH"), None);
/// ```
pub fn normalize_user_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(LEN + 1)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// A normalised user code as shown to the user: `XXXX-XXXX`.
///
/// ```
/// use oauth2_provider::grant::format_user_code;
/// assert_eq!(format_user_code("WDJBMJHT"), "WDJB-MJHT");
/// ```
pub fn format_user_code(code: &str) -> String {
    match code.split_at_checked(LEN / 2) {
        Some((head, tail)) => format!("{head}-{tail}"),
        None => code.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_are_from_the_alphabet() {
        for _ in 0..200 {
            let code = new_user_code();
            assert_eq!(code.len(), LEN);
            assert_eq!(
                normalize_user_code(&code.to_lowercase()),
                Some(code.clone())
            );
            assert_eq!(normalize_user_code(&format_user_code(&code)), Some(code));
        }
    }
}
