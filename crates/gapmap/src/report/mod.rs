//! Gap reports (in progress).
