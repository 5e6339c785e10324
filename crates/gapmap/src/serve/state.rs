//! What the server holds: the data loaded once, the needs matched once, the map drawn once, and
//! the limits every request runs under.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use gapmap_match::MatchOutcome;
use tokio::sync::Semaphore;

use super::cache::ResponseCache;
use super::error::ApiError;
use super::filter::NeedFilter;
use super::map::MapData;
use crate::pipeline::Prepared;
use crate::progress::Progress;

/// The limits of the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest a request may take (waiting for its turn included) before a 503 answer.
    pub timeout: Duration,
    /// Requests handled at once; more wait their turn.
    pub max_concurrency: usize,
    /// What-if scenarios and need explanations computed at once (each takes a core).
    pub max_heavy: usize,
    /// Largest request body, in bytes (a 413 answer beyond).
    pub max_body: usize,
    /// Bytes of answers kept in memory (0: none).
    pub cache_bytes: usize,
    /// Connections open at once; more wait to be accepted.
    pub max_connections: usize,
    /// Longest a connection may take to send a request's head (a silent client is closed).
    pub header_timeout: Duration,
    /// Longest a request body may take to arrive (413 or 408 beyond its size or time).
    pub body_timeout: Duration,
    /// After a stop, how long the requests under way may take before their connections close.
    pub grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            timeout: Duration::from_secs(30),
            max_concurrency: 64,
            max_heavy: 2,
            max_body: 64 * 1024,
            cache_bytes: 64 << 20,
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            grace: Duration::from_secs(10),
        }
    }
}

/// Whether a `Host` value names a loopback address: `localhost` (any case) or a loopback IP
/// address (`127.x.x.x`, `[::1]`), with an optional numeric port.
///
/// ```
/// use gapmap::serve::is_loopback_host;
/// for ok in ["localhost", "LocalHost:8080", "127.0.0.1:80", "127.3.2.1", "[::1]", "[::1]:8080"] {
///     assert!(is_loopback_host(ok), "{ok}");
/// }
/// for bad in ["evil.com", "127.0.0.1.evil.com", "127.attacker.example", "127.0.0.1@evil.com",
///             "localhost:", "127.0.0.1:abc", "[::2]:80", "", "::1"] {
///     assert!(!is_loopback_host(bad), "{bad}");
/// }
/// ```
pub fn is_loopback_host(host: &str) -> bool {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        // [v6]:port
        match rest.split_once(']') {
            Some((ip, tail)) => match tail {
                "" => (ip, None),
                _ => match tail.strip_prefix(':') {
                    Some(port) => (ip, Some(port)),
                    None => return false,
                },
            },
            None => return false,
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let ip_ok = |n: &str| {
        n.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
    };
    let bracketed = host.starts_with('[');
    let name_ok = if bracketed {
        name.parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback())
    } else {
        name.eq_ignore_ascii_case("localhost")
            || (name.parse::<std::net::Ipv4Addr>().is_ok() && ip_ok(name))
    };
    port_ok && name_ok
}

/// The server's state, shared by every request (read only).
pub struct AppState {
    /// The data, the needs and the configuration.
    pub prepared: Prepared,
    /// The needs matched against the training map.
    pub outcome: MatchOutcome,
    /// The map, as JSON (`None` when the data hold no commune points).
    pub map: Option<Vec<u8>>,
    /// The limits.
    pub limits: Limits,
    /// Permits of requests handled at once.
    pub requests: Semaphore,
    /// Permits of heavy computations (what-if, explanations).
    pub heavy: Arc<Semaphore>,
    /// Answers of the API's GET requests.
    pub cache: ResponseCache,
    /// The buyers of the needs, by key.
    pub buyers: BTreeSet<String>,
    /// The tags of the needs.
    pub tags: BTreeSet<String>,
    /// Whether the server listens on loopback only (then only loopback `Host`s are answered).
    pub loopback_only: bool,
}

impl AppState {
    /// Matches the prepared needs once and draws the map.
    pub fn new(
        prepared: Prepared,
        limits: Limits,
        progress: &Progress,
    ) -> anyhow::Result<AppState> {
        let mut seen = std::collections::HashSet::new();
        if let Some(twice) = prepared.steady_needs.iter().find(|n| !seen.insert(&n.id)) {
            anyhow::bail!(
                "need {:?} is given twice (in two needs files?): the server names needs by their id; give each need its own",
                twice.id.as_str()
            );
        }
        let matcher = prepared.matcher(prepared.offers(), progress);
        let outcome = prepared.run(&matcher, progress);
        drop(matcher);
        let engine = &prepared.loaded.engine;
        let map = progress.step("draw the map", || MapData::new(engine, &outcome));
        let map = map.map(|m| serde_json::to_vec(&m)).transpose()?;
        let buyers = outcome.needs.iter().map(|n| n.buyer.key()).collect();
        let tags = outcome
            .needs
            .iter()
            .flat_map(|n| n.tags.iter().cloned())
            .collect();
        Ok(AppState {
            prepared,
            outcome,
            map,
            limits,
            requests: Semaphore::new(limits.max_concurrency.max(1)),
            heavy: Arc::new(Semaphore::new(limits.max_heavy.max(1))),
            cache: ResponseCache::new(limits.cache_bytes),
            loopback_only: true,
            buyers,
            tags,
        })
    }

    /// Whether a request's `Host` names this server: any host when it listens beyond loopback;
    /// on loopback only `localhost`, `127.0.0.1` or `[::1]` (any port), so that a web page
    /// elsewhere cannot read the API through a name of its own resolving to loopback.
    pub fn allows_host(&self, host: &str) -> bool {
        !self.loopback_only || is_loopback_host(host)
    }

    /// Refuses a buyer or a tag that no need has (a typo would give an empty table).
    pub fn check_values(&self, filter: &NeedFilter) -> Result<(), ApiError> {
        let known = |field: &str, value: &Option<String>, values: &BTreeSet<String>| match value {
            Some(v) if !values.contains(v) => Err(ApiError::bad(
                field,
                format!(
                    "{field}: no need has {v:?}; known: {}",
                    values.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
            )),
            _ => Ok(()),
        };
        known("buyer", &filter.buyer, &self.buyers)?;
        known("tag", &filter.tag, &self.tags)
    }

    /// The engine.
    pub fn engine(&self) -> &gapmap_engine::Engine {
        &self.prepared.loaded.engine
    }
}
