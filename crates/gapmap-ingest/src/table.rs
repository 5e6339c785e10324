//! Reading delimited text files as published: encoding and separator detection, positioned
//! records, columns by header name, rejects with file/line/field.

use std::path::Path;

use crate::{DataDir, IngestError, Reject};

/// The text encoding a file was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 without byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (removed).
    Utf8Bom,
    /// Not valid UTF-8: read as Windows-1252 (a superset of Latin-1's printable range).
    Windows1252,
    /// UTF-16, little-endian (a spreadsheet's "Unicode text" export), with or without its
    /// byte-order mark.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
}

/// Decodes a file's bytes: UTF-16 (by its byte-order mark, or the NUL bytes of mostly ASCII
/// text), else UTF-8 (with or without BOM), else Windows-1252.
///
/// Whole-file detection: publishers' files are in one encoding, and a file that is not valid
/// UTF-8 anywhere is read as Windows-1252 everywhere.
pub fn decode(bytes: Vec<u8>) -> (String, TextEncoding) {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if let Some(encoding) = utf16(&bytes) {
        let (decoder, kind) = match encoding {
            TextEncoding::Utf16Be => (encoding_rs::UTF_16BE, encoding),
            _ => (encoding_rs::UTF_16LE, TextEncoding::Utf16Le),
        };
        // The byte-order mark, if any, is removed by the decoder.
        let (text, _) = decoder.decode_with_bom_removal(&bytes);
        return (text.into_owned(), kind);
    }
    if let Some(rest) = bytes.strip_prefix(BOM)
        && let Ok(s) = std::str::from_utf8(rest)
    {
        return (s.to_owned(), TextEncoding::Utf8Bom);
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, TextEncoding::Utf8),
        Err(e) => {
            let bytes = e.into_bytes();
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            (text.into_owned(), TextEncoding::Windows1252)
        }
    }
}

/// Whether `bytes` are UTF-16, and which order: a byte-order mark, else NUL bytes in every other
/// position of the start (text of these files is mostly ASCII, whose UTF-16 units have one NUL
/// byte each; UTF-8 and Windows-1252 text has none).
fn utf16(bytes: &[u8]) -> Option<TextEncoding> {
    match bytes {
        [0xFF, 0xFE, ..] => return Some(TextEncoding::Utf16Le),
        [0xFE, 0xFF, ..] => return Some(TextEncoding::Utf16Be),
        _ => {}
    }
    let start = &bytes[..bytes.len().min(2048) & !1];
    if start.len() < 4 {
        return None;
    }
    let units = start.len() / 2;
    let nul_at = |parity: usize| {
        start
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (nul_at(0), nul_at(1));
    // A few units of another kind (a NUL, a character of U+0100..) are tolerated.
    if odd * 10 >= units * 9 && even * 50 <= units {
        Some(TextEncoding::Utf16Le)
    } else if even * 10 >= units * 9 && odd * 50 <= units {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// Reads and decodes a whole file.
pub fn read_text(path: &Path) -> Result<(String, TextEncoding), IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(decode(bytes))
}

/// A decoded delimited file with its header, ready to iterate over positioned records.
pub struct Table {
    /// File name used in errors and rejects (relative to the data folder).
    pub file: String,
    /// Detected encoding.
    pub encoding: TextEncoding,
    /// Detected separator.
    pub separator: u8,
    headers: Vec<String>,
    text: String,
}

/// Separators tried, in order of preference when counts tie.
const SEPARATORS: [u8; 3] = [b';', b',', b'\t'];

impl Table {
    /// Opens the input with the standard name `standard` (a constant of [`crate::layout`]) in
    /// `data`, decodes it and reads its header. The separator is the one among `;`, `,` and tab
    /// that occurs most in the header line outside quotes. Rejects and errors name the file as
    /// it is in the folder.
    ///
    /// Fails on an unreadable or empty file, or when the header has a single column (a sign of
    /// the wrong separator).
    pub fn open(data: &DataDir, standard: &str) -> Result<Table, IngestError> {
        let (text, encoding) = read_text(&data.path(standard))?;
        Table::from_text(data.file(standard), text, encoding)
    }

    /// Builds a table from already decoded text (used by tests and by the demo data).
    pub fn from_text(
        file: &str,
        text: String,
        encoding: TextEncoding,
    ) -> Result<Table, IngestError> {
        // The csv crate's line numbers lag by one after a CRLF header: normalise line ends so
        // that rejects point at the right line.
        let text = if text.contains('\r') {
            text.replace("\r\n", "\n")
        } else {
            text
        };
        let first_line = text.lines().next().unwrap_or("");
        if first_line.trim().is_empty() {
            return Err(IngestError::Format {
                file: file.to_owned(),
                line: 1,
                message: "empty file: expected a header line".to_owned(),
            });
        }
        let separator = detect_separator(first_line);
        let mut reader = csv_reader(text.as_bytes(), separator);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| IngestError::Format {
                file: file.to_owned(),
                line: 1,
                message: e.to_string(),
            })?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
            .collect();
        if headers.len() < 2 {
            return Err(IngestError::Format {
                file: file.to_owned(),
                line: 1,
                message: format!(
                    "the header has a single column ({:?}): wrong separator or not a table",
                    cut(first_line, 80)
                ),
            });
        }
        Ok(Table {
            file: file.to_owned(),
            encoding,
            separator,
            headers,
            text,
        })
    }

    /// The header's column names (trimmed).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The index of the first column whose name is one of `names` (exact match after trimming,
    /// then case- and accent-insensitive), or a [`IngestError::MissingColumn`].
    pub fn column(&self, names: &[&str]) -> Result<usize, IngestError> {
        self.find_column(names)
            .ok_or_else(|| IngestError::MissingColumn {
                file: self.file.clone(),
                column: names.first().copied().unwrap_or_default().to_owned(),
                found: cut(&self.headers.join(", "), 300),
            })
    }

    /// Like [`Table::column`] but `None` when absent (optional columns, columns that vary by year).
    pub fn find_column(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.headers.iter().position(|h| h == n))
            .or_else(|| {
                names.iter().find_map(|n| {
                    let n = fold(n);
                    self.headers.iter().position(|h| fold(h) == n)
                })
            })
    }

    /// Iterates over the records after the header. Each item is a [`Row`] or, for a record the
    /// CSV parser cannot read (bad quoting, wrong field count), a [`Reject`].
    pub fn rows(&self) -> impl Iterator<Item = Result<Row, Reject>> + '_ {
        let width = self.headers.len();
        let mut records = csv_reader(self.text.as_bytes(), self.separator).into_records();
        std::iter::from_fn(move || {
            let next = records.next()?;
            Some(match next {
                Ok(record) => {
                    let line = record.position().map_or(0, |p| p.line());
                    if record.len() != width {
                        Err(Reject {
                            file: self.file.clone(),
                            line,
                            field: None,
                            value: cut(&record.iter().collect::<Vec<_>>().join("|"), 80),
                            reason: format!("{} fields where the header has {width}", record.len()),
                            row_dropped: true,
                        })
                    } else {
                        Ok(Row {
                            file: self.file.clone(),
                            line,
                            record,
                        })
                    }
                }
                Err(e) => Err(Reject {
                    file: self.file.clone(),
                    line: e.position().map_or(0, |p| p.line()),
                    field: None,
                    value: String::new(),
                    reason: format!("unreadable record: {e}"),
                    row_dropped: true,
                }),
            })
        })
    }
}

fn csv_reader(bytes: &[u8], separator: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes)
}

fn detect_separator(header: &str) -> u8 {
    let mut best = (0usize, b';');
    for sep in SEPARATORS {
        let mut in_quotes = false;
        let mut count = 0;
        for b in header.bytes() {
            if b == b'"' {
                in_quotes = !in_quotes;
            } else if b == sep && !in_quotes {
                count += 1;
            }
        }
        if count > best.0 {
            best = (count, sep);
        }
    }
    best.1
}

/// Lowercase, accents and non-alphanumerics removed: for lenient header matching.
pub(crate) fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            'à' | 'â' | 'ä' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'î' | 'ï' => Some('i'),
            'ô' | 'ö' => Some('o'),
            'ù' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// At most `max` characters of `s`, with `…` when cut.
pub(crate) fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// One record of a [`Table`], with its position.
pub struct Row {
    /// File name.
    pub file: String,
    /// 1-based line where the record starts.
    pub line: u64,
    record: csv::StringRecord,
}

impl Row {
    /// The raw field at `column`, trimmed (empty string when absent).
    pub fn get(&self, column: usize) -> &str {
        self.record.get(column).map_or("", str::trim)
    }

    /// The field at `column`, or `None` when empty.
    pub fn opt(&self, column: usize) -> Option<&str> {
        Some(self.get(column)).filter(|s| !s.is_empty())
    }

    /// Parses the field at `column`; on failure returns a [`Reject`] naming the field
    /// (`field_name`) and the parser's message. An empty field is an error too: use
    /// [`Row::parse_opt`] for optional fields.
    pub fn parse<T>(&self, column: usize, field_name: &str) -> Result<T, Reject>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        let raw = self.get(column);
        if raw.is_empty() {
            return Err(self.reject(field_name, raw, "empty required field", true));
        }
        raw.parse::<T>()
            .map_err(|e| self.reject(field_name, raw, &e.to_string(), true))
    }

    /// Parses an optional field: `Ok(None)` when empty, a [`Reject`] (with `row_dropped: false`)
    /// when present but invalid, so that the caller can keep the row and record the reject.
    pub fn parse_opt<T>(&self, column: usize, field_name: &str) -> Result<Option<T>, Reject>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        match self.opt(column) {
            None => Ok(None),
            Some(raw) => raw
                .parse::<T>()
                .map(Some)
                .map_err(|e| self.reject(field_name, raw, &e.to_string(), false)),
        }
    }

    /// A reject for this row.
    pub fn reject(&self, field: &str, value: &str, reason: &str, row_dropped: bool) -> Reject {
        Reject {
            file: self.file.clone(),
            line: self.line,
            field: Some(field.to_owned()),
            value: cut(value, 80),
            reason: reason.to_owned(),
            row_dropped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Result<Table, IngestError> {
        Table::from_text("t.csv", text.to_owned(), TextEncoding::Utf8)
    }

    #[test]
    fn decode_detects_bom_utf8_and_windows_1252() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFa;b".to_vec()),
            ("a;b".to_owned(), TextEncoding::Utf8Bom)
        );
        assert_eq!(
            decode("é;b".as_bytes().to_vec()),
            ("é;b".to_owned(), TextEncoding::Utf8)
        );
        assert_eq!(
            decode(b"\xE9;\x9C".to_vec()),
            ("é;œ".to_owned(), TextEncoding::Windows1252)
        );
        let utf16 = |text: &str, bom: &[u8], be: bool| -> Vec<u8> {
            let units = text
                .encode_utf16()
                .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() });
            bom.iter().copied().chain(units).collect()
        };
        for (bytes, encoding) in [
            (
                utf16("id;é\n1;2", b"\xFF\xFE", false),
                TextEncoding::Utf16Le,
            ),
            (utf16("id;é\n1;2", b"", false), TextEncoding::Utf16Le),
            (utf16("id;é\n1;2", b"\xFE\xFF", true), TextEncoding::Utf16Be),
            (utf16("id;é\n1;2", b"", true), TextEncoding::Utf16Be),
        ] {
            assert_eq!(decode(bytes), ("id;é\n1;2".to_owned(), encoding));
        }
    }

    #[test]
    fn separators_positions_and_rejects() -> Result<(), IngestError> {
        let t = table("\"a\",\"b;c\"\r\n1,2\r\n3\r\n\"x\ny\",4\r\n")?;
        assert_eq!(t.separator, b',');
        assert_eq!(t.headers(), ["a", "b;c"]);
        let rows: Vec<_> = t.rows().collect();
        assert_eq!(rows.len(), 3);
        assert!(matches!(&rows[0], Ok(r) if r.line == 2 && r.get(1) == "2"));
        assert!(matches!(&rows[1], Err(r) if r.line == 3 && r.reason.contains("1 fields")));
        assert!(matches!(&rows[2], Ok(r) if r.line == 4 && r.get(0) == "x\ny"));
        Ok(())
    }

    #[test]
    fn structural_errors_name_file_and_line() {
        let err = table("").err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("t.csv: line 1: empty file: expected a header line")
        );
        let err = table("onlyonecolumn\n1\n").err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("single column")));
        let t = table("Code_Rome;Libellé\nA1101;x\n");
        let t = t.ok();
        assert_eq!(
            t.as_ref().and_then(|t| t.find_column(&["libelle"])),
            Some(1)
        );
        let missing = t.map(|t| t.column(&["UAI"]).err().map(|e| e.to_string()));
        assert_eq!(
            missing.flatten().as_deref(),
            Some("t.csv: line 1: missing column \"UAI\" (the header has: Code_Rome, Libellé)")
        );
    }

    #[test]
    fn field_parsing_rejects_with_position() -> Result<(), IngestError> {
        let t = table("rome;level\nZ999;5\nA1101;x\n")?;
        let rows: Vec<Row> = t.rows().filter_map(Result::ok).collect();
        let bad = rows[0].parse::<gapmap_model::RomeCode>(0, "rome").err();
        assert_eq!(
            bad.as_ref().map(|r| (r.line, r.row_dropped)),
            Some((2, true))
        );
        let soft = rows[1]
            .parse_opt::<gapmap_model::EuropeanLevel>(1, "level")
            .err();
        assert_eq!(
            soft.map(|r| r.to_string()).as_deref(),
            Some(
                "t.csv:3: field \"level\": invalid European level \"x\": expected 1 to 8, e.g. 5 or \"Niveau 5\" (value \"x\") [row kept without it]"
            )
        );
        Ok(())
    }
}
