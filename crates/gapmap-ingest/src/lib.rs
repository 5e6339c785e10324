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

mod datadir;
mod error;
pub mod layout;
mod report;
mod table;

mod referential;
mod territory;
mod offers;
mod demand;

pub use datadir::{DATA_MANIFEST, DataDir};
pub use error::{IngestError, Reject};
pub use report::{FileReport, ImportReport};
pub use table::{Row, Table, TextEncoding, decode, read_text};

pub use referential::read_referential;
pub use territory::read_territory;
pub use offers::{OfferFilter, read_offers};
pub use demand::{read_bmo, read_needs_file};
