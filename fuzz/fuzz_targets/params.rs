//! `Params::parse` on any bytes: never a panic, and it accepts exactly the well-formed input
//! (every `%` a two-hex-digit escape, UTF-8 once decoded, no name sent twice with a value),
//! decoding it as `form_urlencoded` does, empty values dropped.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth2_provider::__fuzz::Params;

fuzz_target!(|data: &[u8]| {
    let parsed = Params::parse(data);
    let expected = model(data);
    match (&parsed, &expected) {
        (Ok(params), Some(pairs)) => {
            let got: Vec<(&str, &str)> = params.iter().collect();
            let want: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            assert_eq!(got, want);
            for (name, value) in pairs {
                assert_eq!(params.get(name), Some(value.as_str()));
            }
            // Debug shows the names and nothing else: never a value.
            assert_eq!(format!("{params:?}"), format!("{:?}", Names(pairs)));
        }
        (Err(error), None) => {
            assert_eq!(error.code().as_str(), "invalid_request");
        }
        _ => panic!(
            "parse {:?} but the model says {:?}",
            parsed.is_ok(),
            expected.is_some()
        ),
    }
});

/// The same rules, written without the runtime: a byte-level escape check, a decode, and a
/// duplicate check by sorting.
fn model(data: &[u8]) -> Option<Vec<(String, String)>> {
    let mut decoded = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'%' {
            let hex = data.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            decoded.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            decoded.push(data[i]);
            i += 1;
        }
    }
    std::str::from_utf8(&decoded).ok()?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(data)
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    let mut names: Vec<&String> = pairs.iter().map(|(n, _)| n).collect();
    names.sort();
    names.dedup();
    (names.len() == pairs.len()).then_some(pairs)
}

/// The names of `pairs` as a `Debug` set.
struct Names<'a>(&'a [(String, String)]);

impl std::fmt::Debug for Names<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.0.iter().map(|(n, _)| n))
            .finish()
    }
}
