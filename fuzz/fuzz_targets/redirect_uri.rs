//! The redirect-URI matcher: input is `registered` `\n` `requested`.
//!
//! - `matches(a, a)`;
//! - `matches(a, b)` with `a != b` only for two loopback `http` URIs (RFC 8252 §7.3) that
//!   parse, and parse equal once the port is dropped;
//! - a request matching a registrable URI parses to the same scheme, host, path and query,
//!   and carries no userinfo or fragment: the code can only go where the client registered.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth2_provider::redirect_uri::{is_registrable, matches};
use url::{Host, Url};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (registered, requested) = text.split_once('\n').unwrap_or((text, text));
    assert!(matches(registered, registered));
    if !matches(registered, requested) {
        return;
    }
    if registered != requested {
        let (Ok(mut reg), Ok(mut req)) = (Url::parse(registered), Url::parse(requested)) else {
            panic!("a loopback match that does not parse: {registered:?} {requested:?}");
        };
        assert_eq!(reg.scheme(), "http");
        assert!(is_loopback_ip(&reg), "{registered:?}");
        assert!(is_loopback_ip(&req), "{requested:?}");
        reg.set_port(None).expect("http has ports");
        req.set_port(None).expect("http has ports");
        assert_eq!(reg, req, "{registered:?} {requested:?}");
    }
    if is_registrable(registered) {
        let reg = Url::parse(registered).expect("registrable URIs parse");
        let req = Url::parse(requested).expect("a URI matching a registrable one parses");
        assert_eq!(req.scheme(), reg.scheme());
        assert_eq!(req.host(), reg.host());
        assert_eq!(req.path(), reg.path());
        assert_eq!(req.query(), reg.query());
        assert!(req.username().is_empty() && req.password().is_none());
        assert!(req.fragment().is_none());
    }
});

fn is_loopback_ip(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback() && ip.octets() == [127, 0, 0, 1],
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    }
}
