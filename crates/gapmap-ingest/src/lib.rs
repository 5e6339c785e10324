//! gapmap's importers.
//!
//! Reads the official French open data exactly as published (UTF-8 with or without BOM,
//! Windows-1252, `;` or `,`, CRLF, quoted headers, Excel) and the project's needs files, validates
//! every field into [`gapmap_model`] types, and accounts for every row: accepted, or rejected with
//! file, line, field and reason ([`Reject`]). Nothing is silently dropped; nothing is invented (a
//! masked BMO count stays masked, a `999` capacity is a placeholder).
//!
//! The data folder follows the layout of [`layout`] (that of `../shared/datasets`), or maps its own
//! file names in a `gapmap-data.toml` ([`DataDir`]).

mod capacities;
mod datadir;
mod error;
mod import;
pub mod layout;
mod report;
mod store;
mod table;

mod demand;
mod offers;
mod referential;
mod territory;

#[cfg(test)]
mod robustness;

pub use capacities::{DeclaredCapacity, read_capacities_file};
pub use datadir::{DATA_MANIFEST, DataDir};
pub use error::{IngestError, Reject};
pub use import::{Import, ImportOptions, import};
pub use report::{FileReport, ImportReport};
pub use store::{STORE_FORMAT, SourceFile, Store, StoreCounts, StoreManifest, sha256_file};
pub use table::{Row, Table, TextEncoding, decode, read_text};

pub use demand::{BmoSurvey, SurveyArea, read_bmo, read_needs_file};
pub use offers::{OfferFilter, OfferSummary, read_offers};
pub use referential::read_referential;
pub use territory::read_territory;
