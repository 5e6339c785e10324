//! `gapmap rejects`: the rows an import refused, with their position and reason.

use std::io::Write;

use gapmap_ingest::Store;

use crate::cli::RejectsArgs;

/// Prints the rejects of a store.
pub fn run(args: &RejectsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let store = Store::open(&args.store)?;
    let filtered = store
        .report
        .rejects
        .iter()
        .filter(|r| args.file.as_deref().is_none_or(|f| r.file.contains(f)));
    let limit = if args.limit == 0 {
        usize::MAX
    } else {
        args.limit
    };
    if args.json {
        let rows: Vec<serde_json::Value> = filtered
            .take(limit)
            .map(|r| {
                serde_json::json!({
                    "file": r.file, "line": r.line, "field": r.field,
                    "value": r.value, "reason": r.reason, "row_dropped": r.row_dropped,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        writeln!(out)?;
    } else {
        let mut shown = 0;
        for r in filtered.take(limit) {
            writeln!(out, "{r}")?;
            shown += 1;
        }
        let total = store.report.rejects.len();
        writeln!(out, "{shown} shown, {total} rejects in the store")?;
    }
    Ok(())
}
