//! The user's capacities file: seats for offers whose source publishes none (the Parcoursup
//! course list, which holds the higher-education courses) or another figure.
//!
//! CSV with the conventions of the other files (UTF-8 or Windows-1252, optional BOM, `;` or `,`,
//! `#` comments), one header line and one line per offer:
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `offer` | yes | the offer's identifier, as `gapmap search` and `gapmap explain` print it |
//! | `capacity` | yes | seats per intake year (a whole number, 0 for a course that does not run) |
//! | `source` | no | who says so (a school, a survey, a decision), printed with the figures |
//!
//! ```text
//! offer;capacity;source
//! parcoursup:0:0622238W:but-reseaux-et-telecommunications:school;48;exemple illustratif
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use gapmap_model::OfferId;

use crate::IngestError;
use crate::demand::needs_file::csv_rows;

/// One line of a capacities file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredCapacity {
    /// The offer.
    pub offer: OfferId,
    /// Seats per intake year.
    pub seats: u32,
    /// Who says so, if given.
    pub source: Option<String>,
    /// The file's name.
    pub file: String,
    /// The line.
    pub line: u64,
}

/// Reads a capacities file (see the module documentation). Every error names the file, the line
/// and the field; an offer given twice is an error naming both lines.
pub fn read_capacities_file(path: &Path) -> Result<Vec<DeclaredCapacity>, IngestError> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let error = |line: u64, message: String| IngestError::Format {
        file: file.clone(),
        line,
        message,
    };
    let mut rows = csv_rows(path, &file)?.into_iter();
    let header = rows.next().ok_or_else(|| {
        error(
            1,
            "no header line: expected offer;capacity[;source]".to_owned(),
        )
    })?;
    let column = |name: &str| {
        header
            .fields
            .iter()
            .position(|f| f.trim().eq_ignore_ascii_case(name))
    };
    let missing = |name: &str| {
        error(
            header.line,
            format!(
                "missing column {name:?} (the header has: {})",
                header.fields.join(", ")
            ),
        )
    };
    let offer_col = column("offer").ok_or_else(|| missing("offer"))?;
    let capacity_col = column("capacity").ok_or_else(|| missing("capacity"))?;
    let source_col = column("source");
    let mut seen: BTreeMap<OfferId, u64> = BTreeMap::new();
    let mut out = Vec::new();
    for row in rows {
        if row.fields.iter().all(String::is_empty) {
            continue;
        }
        let field = |c: usize| row.fields.get(c).map_or("", |f| f.trim());
        let offer = field(offer_col);
        if offer.is_empty() {
            return Err(error(row.line, "field \"offer\": empty".to_owned()));
        }
        let seats: u32 = field(capacity_col).parse().map_err(|_| {
            error(
                row.line,
                format!(
                    "field \"capacity\": {:?} is not a whole number of seats",
                    field(capacity_col)
                ),
            )
        })?;
        let offer = OfferId(offer.to_owned());
        if let Some(first) = seen.insert(offer.clone(), row.line) {
            return Err(error(
                row.line,
                format!("field \"offer\": {offer} is already given line {first}"),
            ));
        }
        out.push(DeclaredCapacity {
            offer,
            seats,
            source: source_col
                .map(field)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            file: file.clone(),
            line: row.line,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::read_capacities_file;

    fn check(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("capacites.csv");
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        match read_capacities_file(&path) {
            Ok(lines) => lines
                .iter()
                .map(|l| format!("{} {} {:?} line {}", l.offer, l.seats, l.source, l.line))
                .collect::<Vec<_>>()
                .join("\n"),
            Err(e) => format!("error {e}"),
        }
    }

    #[test]
    fn lines_and_positioned_errors() {
        assert_eq!(
            check(
                "\u{feff}offer;capacity;source\r\n# a comment\r\nparcoursup:0:0597034Y:but-rt:school;48;IUT\r\n"
            ),
            "parcoursup:0:0597034Y:but-rt:school 48 Some(\"IUT\") line 3"
        );
        assert_eq!(
            check("offer,capacity\na,12\n\nb,0\n"),
            "a 12 None line 2\nb 0 None line 4"
        );
        assert_eq!(
            check("offer;seats\na;1\n"),
            "error capacites.csv: line 1: missing column \"capacity\" (the header has: offer, seats)"
        );
        assert_eq!(
            check("offer;capacity\na;douze\n"),
            "error capacites.csv: line 2: field \"capacity\": \"douze\" is not a whole number of seats"
        );
        assert_eq!(
            check("offer;capacity\na;1\nb;2\na;3\n"),
            "error capacites.csv: line 4: field \"offer\": a is already given line 2"
        );
        assert_eq!(
            check("offer;capacity\n;3\n"),
            "error capacites.csv: line 2: field \"offer\": empty"
        );
    }
}
