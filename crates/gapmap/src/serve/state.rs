//! What the server holds: the data loaded once, the needs matched once, the map drawn once, and
//! the limits every request runs under.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use gapmap_match::MatchOutcome;
use gapmap_model::OfferId;
use tokio::sync::Semaphore;

use super::cache::ResponseCache;
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
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            timeout: Duration::from_secs(30),
            max_concurrency: 64,
            max_heavy: 2,
            max_body: 64 * 1024,
            cache_bytes: 64 << 20,
        }
    }
}

/// The server's state, shared by every request (read only).
pub struct AppState {
    /// The data, the needs and the configuration.
    pub prepared: Prepared,
    /// The needs matched against the training map.
    pub outcome: MatchOutcome,
    /// Position of each offer in the data (and in `outcome.supplies`).
    pub offer_index: HashMap<OfferId, usize>,
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
}

impl AppState {
    /// Matches the prepared needs once and draws the map.
    pub fn new(
        prepared: Prepared,
        limits: Limits,
        progress: &Progress,
    ) -> anyhow::Result<AppState> {
        let matcher = prepared.matcher(prepared.offers(), progress);
        let outcome = prepared.run(&matcher, progress);
        drop(matcher);
        let engine = &prepared.loaded.engine;
        let map = progress.step("draw the map", || MapData::new(engine, &outcome));
        let map = map.map(|m| serde_json::to_vec(&m)).transpose()?;
        let offer_index = engine
            .dataset()
            .offers
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect();
        Ok(AppState {
            prepared,
            outcome,
            offer_index,
            map,
            limits,
            requests: Semaphore::new(limits.max_concurrency.max(1)),
            heavy: Arc::new(Semaphore::new(limits.max_heavy.max(1))),
            cache: ResponseCache::new(limits.cache_bytes),
        })
    }

    /// The engine.
    pub fn engine(&self) -> &gapmap_engine::Engine {
        &self.prepared.loaded.engine
    }
}
