//! gapmap-match (in progress).
