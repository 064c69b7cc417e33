//! The whole token endpoint over the memory store: any method, target, headers and body (read
//! from HTTP/1.1-shaped input). Never a panic, never a 5xx, an error changes nothing, and a
//! token only for a request the independent model says has earned one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth2_provider_fuzz::{check_token_request, read_request};

fuzz_target!(|data: &[u8]| {
    if let Some(request) = read_request(data) {
        check_token_request(request);
    }
});
