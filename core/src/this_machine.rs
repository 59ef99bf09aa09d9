//! Whether a URL or origin names this machine (a loopback or unspecified
//! address, `localhost` or a `*.localhost` name): what a production partner
//! directory must not allow, and where a plain `http://` upstream is fine.

use std::net::{Ipv4Addr, Ipv6Addr};

/// `url` is an origin or URL (`http://127.0.0.1:8790/qtickets`,
/// `http://[::1]:8080`) or what follows its `scheme://`; its host decides.
pub fn is_this_machine(url: &str) -> bool {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
        || host.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_and_addresses_are_this_machine_and_nothing_else_is() {
        for local in [
            "http://localhost:3000",
            "http://[::1]:8080",
            "http://shop.localhost",
            "http://0.0.0.0",
            "http://127.1.2.3",
            "http://127.0.0.1:8790/qtickets",
            "127.0.0.1:8790/x",
            "http://LOCALHOST",
            "http://user@127.0.0.1/",
        ] {
            assert!(is_this_machine(local), "{local}");
        }
        for remote in [
            "https://shop.example",
            "https://localhost.shop.example",
            "https://127shop.example",
            "http://127.evil.example",
            "http://127.0.0.1.evil.example",
            "http://evil.example/127.0.0.1",
            "http://127.0.0.1@evil.example",
            "http://[2001:db8::1]",
        ] {
            assert!(!is_this_machine(remote), "{remote}");
        }
    }
}
