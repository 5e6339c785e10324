//! Progress on standard error: spinners for steps that can take more than a second, hidden when
//! standard error is not a terminal or with `--quiet`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Shows steps and the final wall time.
pub struct Progress {
    quiet: bool,
    visible: bool,
    started: Instant,
}

impl Progress {
    /// Progress that shows spinners on a terminal unless `quiet`.
    pub fn new(quiet: bool) -> Progress {
        Progress {
            quiet,
            visible: !quiet && std::io::stderr().is_terminal(),
            started: Instant::now(),
        }
    }

    /// Whether `--quiet` was given.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Runs `work` under a spinner labelled `label`.
    pub fn step<T>(&self, label: &str, work: impl FnOnce() -> T) -> T {
        let bar = if self.visible {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(label.to_owned());
            bar.enable_steady_tick(Duration::from_millis(120));
            Some(bar)
        } else {
            None
        };
        let t = Instant::now();
        let out = work();
        if let Some(bar) = bar {
            bar.finish_and_clear();
            crate::say!("✓ {label} ({:.1} s)", t.elapsed().as_secs_f64());
        }
        out
    }

    /// Prints the closing line (unless quiet).
    pub fn finish(&self, what: &str) {
        if !self.quiet {
            crate::say!("{what} in {:.1} s", self.started.elapsed().as_secs_f64());
        }
    }
}
