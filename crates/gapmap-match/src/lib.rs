//! gapmap's matcher (in progress).

mod candidates;

pub use candidates::{Candidate, CandidateSource, Resolution};
