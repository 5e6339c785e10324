//! gapmap-ingest (in progress).
