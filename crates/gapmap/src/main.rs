//! The `gapmap` command: parses arguments, runs, maps errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = gapmap::cli::Cli::parse();
    match gapmap::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`gapmap rejects | head`) is not an error, whatever the format.
            let broken_pipe =
                |kind: Option<std::io::ErrorKind>| kind == Some(std::io::ErrorKind::BrokenPipe);
            if err.chain().any(|e| {
                broken_pipe(e.downcast_ref::<std::io::Error>().map(std::io::Error::kind))
                    || broken_pipe(
                        e.downcast_ref::<serde_json::Error>()
                            .and_then(|e| e.io_error_kind()),
                    )
                    || e.downcast_ref::<csv::Error>()
                        .is_some_and(|e| match e.kind() {
                            csv::ErrorKind::Io(io) => io.kind() == std::io::ErrorKind::BrokenPipe,
                            _ => false,
                        })
            }) {
                return ExitCode::SUCCESS;
            }
            gapmap::say!("gapmap: error: {}", message(&err));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each said once: a library error that prints its cause would
/// otherwise repeat it ("cannot write: File too large: File too large").
fn message(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}
