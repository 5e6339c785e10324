//! What can stop an engine.

use std::path::PathBuf;

/// Why an engine could not be made or a file could not be read. Messages name the file, and the
/// line, change or field when there is one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// Reading the data folder, the store or a needs file failed.
    #[error(transparent)]
    Ingest(#[from] gapmap_ingest::IngestError),
    /// The search index could not be built or opened.
    #[error(transparent)]
    Index(#[from] gapmap_index::IndexError),
    /// A file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A scenario file is not valid.
    #[error("{}: {message}", path.display())]
    Scenario {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where (`change 2: ...`).
        message: String,
    },
    /// A scenario sent as JSON is not valid.
    #[error("{}{message}", field.as_ref().map(|f| format!("{f}: ")).unwrap_or_default())]
    ScenarioJson {
        /// The change at fault (`changes[1]`), when one is.
        field: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A scenario cannot be applied to the data (an unknown offer, an unknown diploma, seats added
    /// to an unknown capacity). The cause is in the message, not chained: printed once.
    #[error("scenario {name:?}: {cause}")]
    ScenarioApply {
        /// The scenario's name.
        name: String,
        /// The cause.
        cause: gapmap_match::ScenarioError,
    },
    /// A configuration file is not valid.
    #[error("{}: {message}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A limits file that cannot be read.
    #[error("{}: {message}", path.display())]
    Limits {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A cost file that cannot be read.
    #[error("{}: {message}", path.display())]
    Costs {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A recommendation whose scenario, applied, does not give the predicted direct gap (a bug:
    /// refused rather than printed).
    #[error(
        "internal error: the recommended scenario applied gives a direct gap of {applied}, not the {predicted} predicted; please report it"
    )]
    RecommendMismatch {
        /// The search's figure.
        predicted: f64,
        /// The scenario's figure.
        applied: f64,
    },
    /// A recommendation request that cannot be served.
    #[error(transparent)]
    Recommend(#[from] gapmap_match::RecommendError),
}
