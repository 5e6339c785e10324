//! gapmap as a library: [`Engine`] is the one entry point that every front end uses (the command
//! line, the reports, the benchmarks, the examples).
//!
//! An engine holds the data (referential, territory, training offers, survey demand), its search
//! index and where both came from. It owns the rules that tie them together: an index built in
//! memory for an import, and for a store the index kept beside it, reused while the store's
//! content hash is the one it was built for and rebuilt otherwise. On an engine: read needs files
//! ([`Engine::needs_from_file`]), compute the gaps of needs ([`Engine::gaps`]), explain one need
//! ([`Engine::explain`]), try a what-if scenario ([`Engine::what_if`]), follow the gaps year by year
//! over a plan horizon ([`Engine::gaps_over`], [`Engine::what_if_over`]), read the supply of every
//! offer with its indicators ([`Engine::supplies`]), search offers, resolve a job title to ROME
//! sheets, find competences. [`read_scenario`] and [`read_match_config`] read the
//! scenario and configuration files with positioned errors.
//!
//! ```
//! use gapmap_engine::{Engine, ImportOptions};
//! use gapmap_match::{Axis, MatchConfig};
//!
//! # fn main() -> Result<(), gapmap_engine::EngineError> {
//! let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
//! let engine = Engine::import(&root.join("datasets/demo"), &ImportOptions::default())?;
//! let plan = engine.needs_from_file(&root.join("datasets/needs/armees-hdf-2026.csv"))?;
//! let config = MatchConfig::default();
//! let outcome = engine.gaps(&plan.needs, &config);
//! let total = outcome.total();
//! assert!(total.covered <= total.volume);
//! let by_buyer = outcome.aggregate(Axis::Buyer);
//! assert!(by_buyer.iter().any(|row| row.key.to_string() == "armee-de-terre"));
//! # Ok(())
//! # }
//! ```

mod courses;
mod engine;
mod error;
mod files;
mod horizon;
mod recommend;
mod supply;
mod table;

pub use courses::{CourseHit, CourseSearch, CourseTotals, Repeat, group_courses};
pub use engine::{Declaration, Engine, Needs, Origin, Steps, WhatIf};
pub use error::EngineError;
pub use files::{read_match_config, read_scenario, scenario_from_json};
pub use gapmap_ingest::ImportOptions;
#[cfg(feature = "polars")]
pub use horizon::to_year_dataframe;
pub use horizon::{WhatIfOver, YEAR_FRAME_COLUMNS, YearSupply, YearTable};
pub use recommend::{
    Recommended, costs_from_toml, direct_totals, limits_from_toml, read_costs, read_limits,
    scenario_toml,
};
pub use supply::{
    EntrantsCounts, OFFER_COLUMN_COUNT, OFFER_COLUMNS, OfferFacts, OutcomeCounts, Supplies,
    SupplyGroup,
};
#[cfg(feature = "polars")]
pub use table::to_dataframe;
pub use table::{COLUMN_COUNT, Cell, FRAME_COLUMNS, TableRow};
