//! The gapmap application: command-line commands and report writers over the gapmap libraries.
//!
//! `main.rs` only parses arguments and calls [`run`]; everything else lives here so that tests
//! can drive commands in-process.

/// `eprintln!` that never panics: a message to standard error, dropped when standard error cannot
/// be written (`2>/dev/full`, a closed pipe): the figures on standard output and the exit code
/// still tell the outcome.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod cli;
pub mod commands;
pub mod config;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod serve;

use std::io::Write;
use std::process::ExitCode;

use cli::{Cli, Command};
use progress::Progress;

/// Standard output whose write errors say so ("cannot write standard output: No space left on
/// device"), their kind kept (a closed pipe is still told apart).
struct StandardOutput<W>(W);

impl<W: Write> StandardOutput<W> {
    fn said(error: std::io::Error) -> std::io::Error {
        std::io::Error::new(
            error.kind(),
            format!("cannot write standard output: {error}"),
        )
    }
}

impl<W: Write> Write for StandardOutput<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf).map_err(Self::said)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush().map_err(Self::said)
    }
}

/// Runs a parsed command line, writing results to standard output.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let progress = Progress::new(cli.quiet);
    let mut out = StandardOutput(std::io::stdout().lock());
    match &cli.command {
        Command::Import(args) => commands::import::run(args, &progress, &mut out)?,
        Command::Rejects(args) => commands::rejects::run(args, &mut out)?,
        Command::Search(args) => commands::search::search(args, &progress, &mut out)?,
        Command::Resolve(args) => commands::search::resolve(args, &progress, &mut out)?,
        Command::Competences(args) => commands::search::competences(args, &progress, &mut out)?,
        Command::Gaps(args) => commands::gaps::run(args, &progress, &mut out)?,
        Command::Explain(args) => commands::gaps::explain(args, &progress, &mut out)?,
        Command::Report(args) => commands::report::run(args, &progress, &mut out)?,
        Command::Supply(args) => commands::supply::run(args, &progress, &mut out)?,
        Command::Serve(args) => serve::run(args, &progress)?,
        Command::Recommend(args) => commands::recommend::run(args, &progress, &mut out)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
