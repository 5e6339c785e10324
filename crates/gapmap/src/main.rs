//! The `gapmap` command: parses arguments, runs, maps errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = gapmap::cli::Cli::parse();
    match gapmap::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`gapmap rejects | head`) is not an error.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("gapmap: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
