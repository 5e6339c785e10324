//! gapmap-index (in progress).
