//! One module per command.

pub mod gaps;
pub mod horizon;
pub mod import;
pub mod recommend;
pub mod rejects;
pub mod report;
pub mod search;
pub mod supply;
