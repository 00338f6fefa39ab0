//! The outgoing HTTP client: no redirects, timeouts, and a resolver that
//! refuses private and loopback addresses in production. Dev mode resolves
//! `dev_resolve` names and the reserved `.test` / `.localhost` names
//! (RFC 6761) to loopback so several instances run on one machine.

use crate::settings::Settings;
use anyhow::Context;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::{
    collections::BTreeMap,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

/// Builds the client every fetch and delivery uses.
pub fn build(settings: &Settings) -> anyhow::Result<reqwest::Client> {
    let timeout = Duration::from_secs(10);
    let builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A proxy from the environment would see (and could change) what we
        // send, and its address checks are not ours: never use one.
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(5))
        .pool_idle_timeout(Duration::from_secs(30))
        .user_agent(format!(
            "Guildhall/{} (+{})",
            env!("CARGO_PKG_VERSION"),
            settings.base_url()
        ));
    let builder = if settings.dev {
        builder.dns_resolver(Arc::new(DevResolver {
            overrides: settings.resolve_overrides()?,
        }))
    } else {
        builder.dns_resolver(Arc::new(
            activitypub_federation::resolver::ValidatingDnsResolver::new(vec![], true),
        ))
    };
    builder.build().context("cannot build the HTTP client")
}

/// Dev-mode resolver: the override map, then `.test` and `.localhost` to
/// 127.0.0.1, then the system resolver.
struct DevResolver {
    overrides: BTreeMap<String, SocketAddr>,
}

impl Resolve for DevResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
        let fixed = self.overrides.get(&host).copied().or_else(|| {
            (host == "localhost" || host.ends_with(".test") || host.ends_with(".localhost"))
                .then_some(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0))
        });
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = match fixed {
                Some(addr) => vec![addr],
                None => tokio::net::lookup_host((host.as_str(), 0)).await?.collect(),
            };
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}
