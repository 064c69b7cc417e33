//! How large an endpoint's future is: every move of it (into the adapter's box, between
//! layers) copies all of it, on every request. An `async fn` that takes a future and awaits
//! it keeps it twice; `trace::endpoint` and `behind_cors` once did, and the token endpoint's
//! future was 9.9 KB. The bounds leave room for growth, not for another doubling.

use std::mem::size_of_val;

use bytes::Bytes;
use http::Request;

use crate::support::server;

fn request(path: &str) -> Request<Bytes> {
    Request::post(path).body(Bytes::new()).unwrap()
}

#[test]
fn endpoint_futures_stay_small() {
    let server = server();
    let sizes = [
        ("handle", size_of_val(&server.handle(request("/token")))),
        ("token", size_of_val(&server.token(request("/token")))),
        (
            "introspect",
            size_of_val(&server.introspect(request("/introspect"))),
        ),
        ("revoke", size_of_val(&server.revoke(request("/revoke")))),
        (
            "authorize",
            size_of_val(&server.authorize(request("/authorize"))),
        ),
    ];
    for (endpoint, size) in sizes {
        // Debug builds lay futures out less tightly than release ones.
        let bound = if cfg!(debug_assertions) {
            8 * 1024
        } else {
            4 * 1024
        };
        assert!(size <= bound, "{endpoint}: a {size}-byte future");
    }
}
