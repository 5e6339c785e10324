//! The gapmap application: command-line commands and report writers over the gapmap libraries.

pub mod report;
