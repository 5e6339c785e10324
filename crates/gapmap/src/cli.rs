//! Raw command-line arguments, as clap parses them. [`crate::config`] validates them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use gapmap_match::{Axis, Horizon};

/// gapmap: where the regional training map falls short of recruitment demand.
#[derive(Debug, Parser)]
#[command(name = "gapmap", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// No progress bars, no final timing line.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read a data folder and write a store that later commands open fast.
    Import(ImportArgs),
    /// List the rows an import rejected, with file, line, field and reason.
    Rejects(RejectsArgs),
    /// Search the training offers of a store.
    Search(SearchArgs),
    /// Resolve a free-text job title to ROME métiers.
    Resolve(ResolveArgs),
    /// Find ROME competences by text.
    Competences(CompetencesArgs),
    /// Compute gaps between needs and training supply.
    Gaps(GapsArgs),
    /// Explain how one need is covered: candidates, scores, allocation, what is missing.
    Explain(ExplainArgs),
    /// The main job: import (or reuse a store), match and write a gap report.
    Report(ReportArgs),
    /// The supply of the training map: entrants, graduates, indicators, and where each comes from.
    Supply(SupplyArgs),
    /// Serve the HTTP API (`/api/v1`) and the planner's page over data loaded once.
    Serve(ServeArgs),
    /// Recommend the openings and extensions that close the most direct gap under a budget,
    /// written as a scenario that `gaps --scenario` and `report --scenario` apply.
    Recommend(RecommendArgs),
}

/// `gapmap recommend`.
#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// Data source.
    #[command(flatten)]
    pub source: SourceArgs,
    /// Matching options (`--years` and `--scenario` are refused: the recommendation starts from
    /// the published map, in the steady state).
    #[command(flatten)]
    pub matching: MatchArgs,
    /// Seats per intake to add, over all actions.
    #[arg(long, value_name = "SEATS")]
    pub budget: Option<u32>,
    /// Euros to spend, over all actions (costs from --costs, else the built-in assumptions).
    #[arg(long, value_name = "EUROS")]
    pub euros: Option<u64>,
    /// Limits (TOML): départements, levels, seats per school, extensions only, course sizes.
    #[arg(long, value_name = "FILE")]
    pub limits: Option<PathBuf>,
    /// Costs (TOML): euros to open a course, per seat of equipment, per teacher FTE.
    #[arg(long, value_name = "FILE")]
    pub costs: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the recommendation as a scenario file here.
    #[arg(long, value_name = "FILE")]
    pub scenario_out: Option<PathBuf>,
    /// Also compute two simple baselines at the same budget (seats where the gap is largest;
    /// seats in proportion to gaps) and print the gap each leaves.
    #[arg(long)]
    pub baselines: bool,
}

/// `gapmap serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Data source.
    #[command(flatten)]
    pub source: SourceArgs,
    /// Matching options (`--years` and `--scenario` are refused: the server answers the one-year
    /// figures, and scenarios are posted to `/api/v1/whatif`).
    #[command(flatten)]
    pub matching: MatchArgs,
    /// Address to listen on (loopback by default: the API has no authentication).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: std::net::SocketAddr,
    /// Longest time a request may take, in seconds, before a 503 answer.
    #[arg(long, default_value_t = 30)]
    pub timeout_secs: u64,
    /// Requests handled at once; more wait their turn (within the timeout).
    #[arg(long, default_value_t = 64)]
    pub max_concurrency: usize,
    /// What-if scenarios and need explanations computed at once (each takes a core).
    #[arg(long, default_value_t = 2)]
    pub max_heavy: usize,
    /// Megabytes of answers kept in memory (the data do not change while the server runs, so a
    /// repeated question gets the same answer); 0 keeps none.
    #[arg(long, default_value_t = 64)]
    pub cache_mb: usize,
}

/// Where the data comes from: a raw data folder or a store.
#[derive(Debug, Args, Clone)]
pub struct SourceArgs {
    /// Data folder (publishers' files, or a folder with a gapmap-data.toml). Default: $GAPMAP_DATA,
    /// else the project's illustrative demo data.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// A store written by `gapmap import` (used instead of --data).
    #[arg(long, value_name = "DIR", conflicts_with = "data")]
    pub store: Option<PathBuf>,
    /// Region code to restrict offers and survey demand to (32 = Hauts-de-France, the default);
    /// `all` for the whole country. With --store, the store's region (it was chosen at import):
    /// another is refused.
    #[arg(long)]
    pub region: Option<String>,
}

/// `gapmap import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Data folder to read. Default: $GAPMAP_DATA, else the project's demo data.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Region code to restrict offers and survey demand to; `all` for the whole country.
    #[arg(long, default_value = "32")]
    pub region: String,
    /// Store folder to write.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// Keep offers of every year in the files instead of the latest year of each source.
    #[arg(long)]
    pub all_years: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `gapmap rejects`.
#[derive(Debug, Args)]
pub struct RejectsArgs {
    /// Store folder.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// Only rejects of files whose name contains this.
    #[arg(long, value_name = "NAME")]
    pub file: Option<String>,
    /// At most this many rows (0 = all).
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `gapmap search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Free text ("maintenance aéronautique").
    pub query: String,
    /// Store folder.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// Keep offers in this département (`80`), or around --near-commune.
    #[arg(long, value_name = "DEP")]
    pub near: Option<String>,
    /// Keep offers within --radius km of this commune (INSEE code).
    #[arg(long, value_name = "INSEE")]
    pub near_commune: Option<String>,
    /// Radius in km around --near-commune (default 30).
    #[arg(long, requires = "near_commune")]
    pub radius: Option<f64>,
    /// Level range, `4-5` or `5`.
    #[arg(long)]
    pub level: Option<String>,
    /// `scolaire` or `apprentissage`.
    #[arg(long)]
    pub mode: Option<String>,
    /// At most this many results.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `gapmap resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// A job title as people write it ("télépilote de drone").
    pub text: String,
    /// Store folder.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// At most this many results.
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `gapmap competences`.
#[derive(Debug, Args)]
pub struct CompetencesArgs {
    /// Free text ("soudure").
    pub text: String,
    /// Store folder.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// At most this many results.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `--by`: the engine's axes, by their machine keys (the error lists them).
fn parse_axis(key: &str) -> Result<Axis, gapmap_match::UnknownAxis> {
    key.parse()
}

/// Output formats of `gaps`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable table.
    Table,
    /// CSV (`;`, UTF-8 with BOM).
    Csv,
    /// JSON.
    Json,
}

/// Options shared by `gaps`, `explain` and `report`.
#[derive(Debug, Args, Clone)]
pub struct MatchArgs {
    /// Needs files (CSV or XLSX). Default: the project's illustrative Ministry plan.
    #[arg(long = "needs", value_name = "FILE")]
    pub needs: Vec<PathBuf>,
    /// Do not use the project's Ministry plan when no --needs is given.
    #[arg(long)]
    pub no_default_needs: bool,
    /// Add the BMO survey's civil demand of the store.
    #[arg(long)]
    pub bmo: bool,
    /// Plan years, `2026-2030` or one year `2026`: the gaps year by year, each year's needs
    /// against the graduates entering the labour market that year (the intake of that year less
    /// the years to graduation: the course length, less the years before a première entry).
    /// Without it: every need against each offer's yearly graduates of its published seats.
    #[arg(long, value_name = "YEARS")]
    pub years: Option<Horizon>,
    /// A what-if scenario file.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Seats for offers whose source publishes none (higher-education courses): CSV
    /// `offer;capacity[;source]`, offer identifiers as `gapmap search` prints them.
    #[arg(long, value_name = "FILE")]
    pub capacities: Option<PathBuf>,
    /// Matching configuration (TOML). Default: built-in documented defaults.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `gapmap gaps`.
#[derive(Debug, Args)]
pub struct GapsArgs {
    /// Data source.
    #[command(flatten)]
    pub source: SourceArgs,
    /// Matching options.
    #[command(flatten)]
    pub matching: MatchArgs,
    /// One row per: need, rome (ROME sheet), competence, departement, bassin (BMO employment
    /// area), level (European level), buyer or tag.
    #[arg(long, value_parser = parse_axis, default_value_t = Axis::Rome)]
    pub by: Axis,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// At most this many rows in table format (0 = all).
    #[arg(long, default_value_t = 30)]
    pub limit: usize,
}

/// `gapmap supply`.
#[derive(Debug, Args)]
pub struct SupplyArgs {
    /// Data source.
    #[command(flatten)]
    pub source: SourceArgs,
    /// Seats for offers whose source publishes none (as for `gaps`).
    #[arg(long, value_name = "FILE")]
    pub capacities: Option<PathBuf>,
    /// Matching configuration (TOML; its supply keys apply).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// One row per offer with its indicators, instead of totals per source, mode and level.
    #[arg(long)]
    pub offers: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `gapmap explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The need's identifier (see `gapmap gaps --by need`).
    pub need_id: String,
    /// Data source.
    #[command(flatten)]
    pub source: SourceArgs,
    /// Matching options.
    #[command(flatten)]
    pub matching: MatchArgs,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Report languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// French.
    Fr,
    /// English.
    En,
}

/// `gapmap report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Data source.
    #[command(flatten)]
    pub source: SourceArgs,
    /// Matching options.
    #[command(flatten)]
    pub matching: MatchArgs,
    /// Output folder.
    #[arg(long, value_name = "DIR", default_value = "gapmap-report")]
    pub out: PathBuf,
    /// Report language.
    #[arg(long, value_enum, default_value_t = LangArg::Fr)]
    pub lang: LangArg,
    /// CSV separator: `;` (Excel in French) or `,`.
    #[arg(long, default_value = ";")]
    pub csv_separator: String,
    /// Add a "Recommandations" section: the openings and extensions that close the most direct
    /// gap with this many seats (written too as `recommendation.toml`, a scenario file).
    #[arg(long, value_name = "SEATS")]
    pub recommend: Option<u32>,
    /// Limits of the recommendation (TOML, as `gapmap recommend --limits`).
    #[arg(long, value_name = "FILE", requires = "recommend")]
    pub limits: Option<PathBuf>,
    /// Costs of the recommendation (TOML, as `gapmap recommend --costs`).
    #[arg(long, value_name = "FILE", requires = "recommend")]
    pub costs: Option<PathBuf>,
}
