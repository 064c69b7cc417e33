//! Which addresses an outbound fetch may reach: public unicast only.
//!
//! A pure function over explicit range tables (IANA's special-purpose registries, RFC 6890 and
//! its updates), so that every range is visible and tested; std's `is_global` is unstable and
//! `ipnet` would add a dependency for what a mask comparison does.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// IPv4 ranges that are not public unicast: (network, prefix length).
const V4_REFUSED: &[(u32, u32)] = &[
    (0x0000_0000, 8),  // 0.0.0.0/8 "this network"
    (0x0a00_0000, 8),  // 10.0.0.0/8 private
    (0x6440_0000, 10), // 100.64.0.0/10 shared address space (CGNAT)
    (0x7f00_0000, 8),  // 127.0.0.0/8 loopback
    (0xa9fe_0000, 16), // 169.254.0.0/16 link-local (cloud metadata endpoints)
    (0xac10_0000, 12), // 172.16.0.0/12 private
    (0xc000_0000, 24), // 192.0.0.0/24 IETF protocol assignments
    (0xc000_0200, 24), // 192.0.2.0/24 TEST-NET-1
    (0xc058_6300, 24), // 192.88.99.0/24 6to4 relay anycast (deprecated)
    (0xc0a8_0000, 16), // 192.168.0.0/16 private
    (0xc612_0000, 15), // 198.18.0.0/15 benchmarking
    (0xc633_6400, 24), // 198.51.100.0/24 TEST-NET-2
    (0xcb00_7100, 24), // 203.0.113.0/24 TEST-NET-3
    (0xe000_0000, 4),  // 224.0.0.0/4 multicast
    (0xf000_0000, 4),  // 240.0.0.0/4 reserved, with 255.255.255.255 broadcast
];

/// IPv6 ranges that are not public unicast and embed no IPv4 address to judge instead.
const V6_REFUSED: &[(u128, u32)] = &[
    // ::/96: the unspecified address ::, loopback ::1 and the deprecated IPv4-compatible
    // addresses (::a.b.c.d), which nothing public uses.
    (0, 96),
    (0x0064_ff9b_0001 << 80, 48), // 64:ff9b:1::/48 local-use NAT64 (RFC 8215)
    (0x0100 << 112, 64),          // 100::/64 discard-only
    (0x2001 << 112, 23),          // 2001::/23 IETF protocol assignments, Teredo 2001::/32 in it
    (0x2001_0db8 << 96, 32),      // 2001:db8::/32 documentation
    (0x3fff << 112, 20),          // 3fff::/20 documentation (RFC 9637)
    (0xfc00 << 112, 7),           // fc00::/7 unique local
    (0xfe80 << 112, 10),          // fe80::/10 link-local
    (0xfec0 << 112, 10),          // fec0::/10 site-local (deprecated)
    (0xff00 << 112, 8),           // ff00::/8 multicast
];

/// `true` if `addr` is a public unicast address an outbound fetch may connect to.
///
/// Refused: every IPv4 range that is private, shared (CGNAT), loopback, link-local,
/// documentation, benchmarking, multicast, reserved or broadcast; IPv6 unspecified, loopback,
/// unique-local, link-local, site-local, multicast, documentation, discard-only and the IETF
/// protocol block 2001::/23 (Teredo included). An IPv6 address that embeds an IPv4 one
/// (IPv4-mapped `::ffff:0:0/96`, IPv4-translated `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96`,
/// 6to4 `2002::/16`) is judged by its IPv4 address, so `::ffff:10.0.0.1` is as private as
/// `10.0.0.1`.
///
/// ```
/// use std::net::IpAddr;
/// use oauth2_provider::fetch::is_public;
///
/// let ip = |s: &str| s.parse::<IpAddr>().unwrap();
/// assert!(is_public(ip("93.184.215.14")));
/// assert!(is_public(ip("2606:4700::1111")));
/// assert!(!is_public(ip("169.254.169.254")));
/// assert!(!is_public(ip("::ffff:10.0.0.1")));
/// ```
pub fn is_public(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(addr: Ipv4Addr) -> bool {
    let bits = u32::from(addr);
    !V4_REFUSED
        .iter()
        .any(|&(net, len)| bits >> (32 - len) == net >> (32 - len))
}

fn is_public_v6(addr: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(addr) {
        return is_public_v4(v4);
    }
    let bits = u128::from(addr);
    !V6_REFUSED
        .iter()
        .any(|&(net, len)| bits >> (128 - len) == net >> (128 - len))
}

/// The IPv4 address an IPv6 address stands for, where it is one a packet may end up at.
fn embedded_v4(addr: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = u128::from(addr);
    let low32 = Ipv4Addr::from(bits as u32);
    if bits >> 32 == 0xffff {
        return Some(low32); // ::ffff:a.b.c.d, IPv4-mapped
    }
    if bits >> 32 == 0xffff_0000 {
        return Some(low32); // ::ffff:0:a.b.c.d, IPv4-translated (SIIT)
    }
    if bits >> 32 == 0x0064_ff9b_0000_0000_0000_0000 {
        return Some(low32); // 64:ff9b::a.b.c.d, NAT64 well-known prefix
    }
    if bits >> 112 == 0x2002 {
        return Some(Ipv4Addr::from((bits >> 80) as u32)); // 2002:AABB:CCDD::/48, 6to4
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap())
    }

    #[test]
    fn every_refused_ipv4_range_is_refused_at_both_ends() {
        let cases = [
            ("0.0.0.0", "0.255.255.255"),
            ("10.0.0.0", "10.255.255.255"),
            ("100.64.0.0", "100.127.255.255"),
            ("127.0.0.0", "127.255.255.255"),
            ("169.254.0.0", "169.254.255.255"),
            ("172.16.0.0", "172.31.255.255"),
            ("192.0.0.0", "192.0.0.255"),
            ("192.0.2.0", "192.0.2.255"),
            ("192.88.99.0", "192.88.99.255"),
            ("192.168.0.0", "192.168.255.255"),
            ("198.18.0.0", "198.19.255.255"),
            ("198.51.100.0", "198.51.100.255"),
            ("203.0.113.0", "203.0.113.255"),
            ("224.0.0.0", "239.255.255.255"),
            ("240.0.0.0", "255.255.255.254"),
            ("255.255.255.255", "255.255.255.255"),
        ];
        for (first, last) in cases {
            assert!(!public(first), "{first}");
            assert!(!public(last), "{last}");
        }
    }

    #[test]
    fn the_neighbours_of_refused_ipv4_ranges_are_public() {
        for s in [
            "1.0.0.0",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "169.255.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.0",
            "192.0.3.0",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "203.0.112.255",
            "223.255.255.255",
            "8.8.8.8",
        ] {
            assert!(public(s), "{s}");
        }
    }

    #[test]
    fn every_refused_ipv6_range_is_refused() {
        for s in [
            "::",
            "::1",
            "::10.0.0.1",
            "fc00::1",
            "fdff:ffff::1",
            "fe80::1",
            "febf:ffff::1",
            "fec0::1",
            "ff00::1",
            "ff02::1",
            "2001:db8::1",
            "2001:db8:ffff::1",
            "100::1",
            "100::ffff:ffff:ffff:ffff",
            "2001::1", // Teredo
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001:1ff:ffff::1", // end of 2001::/23
            "3fff::1",
            "64:ff9b:1::1",
        ] {
            assert!(!public(s), "{s}");
        }
    }

    #[test]
    fn embedded_ipv4_is_judged_by_its_ipv4_address() {
        for s in [
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:127.0.0.1",
            "::ffff:0:10.0.0.1",
            "64:ff9b::10.0.0.1",
            "64:ff9b::a9fe:a9fe", // 169.254.169.254
            "2002:0a00:0001::1",  // 6to4 of 10.0.0.1
            "2002:7f00:0001::",   // 6to4 of 127.0.0.1
        ] {
            assert!(!public(s), "{s}");
        }
        for s in ["::ffff:8.8.8.8", "64:ff9b::808:808", "2002:0808:0808::1"] {
            assert!(public(s), "{s}");
        }
    }

    #[test]
    fn public_ipv6_is_public() {
        for s in [
            "2606:4700::1111",
            "2a00:1450:4001::200e",
            "2001:200::1",
            "2400:cb00::1",
        ] {
            assert!(public(s), "{s}");
        }
    }
}
