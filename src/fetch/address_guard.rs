//! The address guard: a crawler daemon must not be turned against its own network.
//!
//! A page on the public web can link to `http://169.254.169.254/latest/meta-data/` or to a
//! name that resolves to `10.0.0.1`; following such links would let anyone who can publish a
//! page probe the crawler's own network. Every host name is therefore resolved by
//! [`GuardedResolver`], which drops loopback, private, link-local, CGNAT, multicast,
//! unspecified and similar addresses (and their IPv6 equivalents) before reqwest sees them.
//! reqwest connects only to the addresses the resolver returned, so there is no window
//! between the check and the connection in which DNS could answer differently (rebinding).
//!
//! URLs with a literal IP address never reach a resolver; [`check_url`] covers them and is
//! called before every request, every redirect hop included.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Why a destination was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressRefused {
    #[error("{host} resolves only to non-public addresses ({addresses})")]
    NonPublic { host: String, addresses: String },
    #[error("{0} is not a public address")]
    Literal(IpAddr),
    #[error("{host} did not resolve to any address")]
    NoAddress { host: String },
}

/// True for addresses a crawler on the public web has no business connecting to.
pub fn is_non_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_non_public_v4(v4),
        IpAddr::V6(v6) => is_non_public_v6(v6),
    }
}

fn is_non_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()            // 0.0.0.0
        || a == 0                  // 0.0.0.0/8 "this network"
        || ip.is_loopback()        // 127.0.0.0/8
        || ip.is_private()         // 10/8, 172.16/12, 192.168/16
        || ip.is_link_local()      // 169.254/16, cloud metadata at 169.254.169.254
        || (a == 100 && (64..128).contains(&b)) // 100.64/10 carrier-grade NAT
        || (a == 192 && b == 0 && c == 0)       // 192.0.0.0/24 IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)       // TEST-NET-1
        || (a == 198 && (b == 18 || b == 19))   // 198.18/15 benchmarking
        || (a == 198 && b == 51 && c == 100)    // TEST-NET-2
        || (a == 203 && b == 0 && c == 113)     // TEST-NET-3
        || ip.is_multicast()       // 224/4
        || a >= 240 // 240/4 reserved, 255.255.255.255 broadcast
}

fn is_non_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_non_public_v4(v4);
    }
    let seg = ip.segments();
    ip.is_unspecified()                       // ::
        || ip.is_loopback()                   // ::1
        || ip.is_multicast()                  // ff00::/8
        || (seg[0] & 0xfe00) == 0xfc00        // fc00::/7 unique local
        || (seg[0] & 0xffc0) == 0xfe80        // fe80::/10 link-local
        || (seg[0] & 0xffc0) == 0xfec0        // fec0::/10 deprecated site-local
        || (seg[0] == 0x2001 && seg[1] == 0x0db8) // documentation
        || (seg[0] == 0x0064 && seg[1] == 0xff9b && is_non_public_v4(embedded_v4(&seg))) // NAT64
        || (seg[0] == 0x2002 && is_non_public_v4(Ipv4Addr::new(
            (seg[1] >> 8) as u8,
            seg[1] as u8,
            (seg[2] >> 8) as u8,
            seg[2] as u8,
        ))) // 6to4 wrapping a non-public IPv4
        || (seg[..6] == [0, 0, 0, 0, 0, 0]) // deprecated IPv4-compatible ::a.b.c.d
}

fn embedded_v4(seg: &[u16; 8]) -> Ipv4Addr {
    Ipv4Addr::new(
        (seg[6] >> 8) as u8,
        seg[6] as u8,
        (seg[7] >> 8) as u8,
        seg[7] as u8,
    )
}

/// Checks a URL whose host is a literal IP address; names are checked at resolution.
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), AddressRefused> {
    if allow_private {
        return Ok(());
    }
    let ip = match url.host() {
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
        _ => return Ok(()),
    };
    if is_non_public(ip) {
        Err(AddressRefused::Literal(ip))
    } else {
        Ok(())
    }
}

/// A reqwest resolver that returns only addresses that passed the guard.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    allow_private: bool,
}

impl GuardedResolver {
    pub fn new(allow_private: bool) -> Self {
        GuardedResolver { allow_private }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let (allowed, refused): (Vec<SocketAddr>, Vec<SocketAddr>) = resolved
                .into_iter()
                .partition(|addr| allow_private || !is_non_public(addr.ip()));
            if allowed.is_empty() {
                let error = if refused.is_empty() {
                    AddressRefused::NoAddress { host }
                } else {
                    let addresses = refused
                        .iter()
                        .map(|a| a.ip().to_string())
                        .collect::<Vec<_>>()
                        .join(", ");
                    tracing::warn!(%host, %addresses, "refusing to connect: non-public address");
                    AddressRefused::NonPublic { host, addresses }
                };
                return Err(Box::new(error) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn non_public(s: &str) -> bool {
        is_non_public(s.parse().expect("test address"))
    }

    #[test]
    fn refuses_internal_ranges() {
        for a in [
            "127.0.0.1",
            "127.5.6.7",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
        ] {
            assert!(non_public(a), "{a} must be refused");
        }
    }

    #[test]
    fn allows_public_addresses() {
        for a in [
            "93.184.216.34",
            "8.8.8.8",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!non_public(a), "{a} must be allowed");
        }
    }

    #[test]
    fn literal_urls_are_checked_unless_allowed() {
        let url = Url::parse("http://169.254.169.254/latest/meta-data/").expect("url");
        assert!(check_url(&url, false).is_err());
        assert!(check_url(&url, true).is_ok());
        let url = Url::parse("http://[::1]:8080/").expect("url");
        assert!(check_url(&url, false).is_err());
        let named = Url::parse("http://example.com/").expect("url");
        assert!(check_url(&named, false).is_ok());
    }

    #[tokio::test]
    async fn resolver_refuses_localhost() {
        let resolver = GuardedResolver::new(false);
        let name: Name = "localhost".parse().expect("name");
        let err = match resolver.resolve(name).await {
            Ok(_) => panic!("localhost must be refused"),
            Err(e) => e,
        };
        assert!(err.downcast_ref::<AddressRefused>().is_some(), "{err}");
        let name: Name = "localhost".parse().expect("name");
        let addrs: Vec<_> = GuardedResolver::new(true)
            .resolve(name)
            .await
            .expect("allowed")
            .collect();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()));
    }
}
