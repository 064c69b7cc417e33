//! Memory per live token in the memory store: resident set size before and after storing
//! 10^6 access tokens the way the client credentials grant stores them (one grant per token),
//! read from `/proc/self/statm`.
//!
//! `cargo bench --bench memory` prints one line of JSON; `LIVE_TOKENS` changes the count.

mod support;

use support::{insert_access_token, server};

/// Resident set size in bytes (Linux only: the second field of `/proc/self/statm`, in pages).
fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size())
}

/// The page size; 4096 on every Linux this runs on, confirmed through `getconf` when present.
fn page_size() -> u64 {
    std::process::Command::new("getconf")
        .arg("PAGESIZE")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(4096)
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that does not name this bench skips it.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    if filter.is_some_and(|f| !"memory".contains(f.as_str())) {
        return;
    }
    let live: usize = std::env::var("LIVE_TOKENS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let server = server();
    let store = server.provider().store();
    let Some(before) = rss() else {
        eprintln!("memory: /proc/self/statm is not readable here; nothing measured");
        return;
    };
    // The raw tokens are dropped as they are made: only the store's records stay resident.
    for _ in 0..live {
        drop(insert_access_token(store));
    }
    let after = rss().unwrap_or(before);
    assert_eq!(store.access_token_count(), live);
    let per_token = (after.saturating_sub(before)) as f64 / live as f64;
    println!(
        "{{\"live_tokens\":{live},\"rss_before\":{before},\"rss_after\":{after},\"bytes_per_token\":{per_token:.1}}}"
    );
}
