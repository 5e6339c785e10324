//! The needs file: a recruiter's plan, one need per row (format in `datasets/README.md`).
//!
//! CSV (`;`, UTF-8 with or without BOM; `,` or tab are detected too) or XLSX (the sheet named
//! `besoins`, else the first sheet). Lines starting with `#` are comments. Columns, by header name
//! (case, accents and punctuation ignored; English names accepted):
//!
//! | column | required | content |
//! |---|---|---|
//! | `id` | no | stable identifier; default `file:line` |
//! | `acheteur` | yes | a [`Buyer`] key: `armee-de-terre`, `marine-nationale`, `bitd:<name>`... |
//! | `specialite` | yes* | the specialty as the buyer writes it |
//! | `rome` | no | ROME codes separated by `\|`, `,` or spaces |
//! | `competences` | no | OGR codes, same separators |
//! | `niveau_min` | no | minimum European level, `1`-`8` or `Niveau 5` |
//! | `lieu` | yes | `commune:80523`, `departement:59`, `bassin:3211`, `region:32`; a bare 5-character INSEE code or 2/3-character département |
//! | `volume` | yes | people per year, whole or decimal (`12`, `2.5`, `2,5`), at most 3 decimals, > 0 |
//! | `annee` | no | year of recruitment: the volume is for that year only (a row without a year is a yearly flow of every year); unreadable, the row is refused |
//! | `croissance` | no | yearly growth in percent from `annee` on (`5%`, `-3 %`, `2,5 %`; `0`: the same volume every year), between -99 % and +100 %; needs `annee` |
//! | `annee_fin` | no | the last year of the flow (inclusive; without `croissance`: the same volume every year from `annee` to it); needs `annee` |
//! | `tags` | no | free tags separated by `\|` or `,` |
//! | `commentaire` | no | free text, not imported |
//!
//! (*) a row needs a specialty or at least one ROME code.
//!
//! A row without a usable buyer, location, volume, or anything to match on is dropped with one
//! [`Reject`] that lists all its problems; a bad optional field (ROME code, level...) is left
//! out with a `Reject` that keeps the row, but not a bad year, growth or last year (left out, they
//! would change the demand of every year).

use std::collections::BTreeMap;
use std::path::Path;

use gapmap_model::{
    BassinCode, Buyer, Count, Departement, EuropeanLevel, InseeCommune, Need, NeedId, NeedLocation,
    OgrCode, RegionCode, RomeCode, SourceRef, Volume,
};

use super::sheet::{SheetRow, read_sheet};
use crate::table::{cut, fold};
use crate::{ImportReport, IngestError, Reject, read_text};

/// A data row before interpretation: line and fields as text.
pub(crate) struct RawRow {
    pub(crate) line: u64,
    pub(crate) fields: Vec<String>,
}

/// The largest needs file read (a plan is a few thousand rows; the BMO survey of the whole country,
/// as a needs file, is under 20 MB).
pub const MAX_NEEDS_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The longest field of a needs file, in characters (a specialty is a few words).
pub const MAX_FIELD_CHARS: usize = 1000;

/// Refuses what is not a regular file (`/dev/zero`, a pipe) or is larger than
/// [`MAX_NEEDS_FILE_BYTES`], before reading it.
fn check_size(path: &Path, file: &str) -> Result<(), IngestError> {
    let meta = std::fs::metadata(path).map_err(|source| IngestError::Io {
        path: path.to_owned(),
        source,
    })?;
    let refuse = |message: String| IngestError::Format {
        file: file.to_owned(),
        line: 1,
        message,
    };
    if !meta.is_file() {
        return Err(refuse(
            "not a regular file (a device, a pipe or a folder)".to_owned(),
        ));
    }
    if meta.len() > MAX_NEEDS_FILE_BYTES {
        return Err(refuse(format!(
            "{} MB: a needs file holds at most {} MB",
            meta.len() / (1024 * 1024),
            MAX_NEEDS_FILE_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

/// Reads a needs file (CSV or XLSX by extension).
pub(super) fn read_needs_file(
    path: &Path,
    report: &mut ImportReport,
) -> Result<Vec<Need>, IngestError> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    check_size(path, &file)?;
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let rows = match extension.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => spreadsheet_rows(path, &file)?,
        _ => csv_rows(path, &file)?,
    };
    let mut rows = rows.into_iter();
    let header = rows.next().ok_or_else(|| IngestError::Format {
        file: file.clone(),
        line: 1,
        message: "no header line (the file is empty or holds only comments)".to_owned(),
    })?;
    let columns = Columns::find(&header.fields, &file)?;
    report.file(&file);
    let mut needs = Vec::new();
    let mut first_line_of_id: BTreeMap<String, u64> = BTreeMap::new();
    for row in rows {
        if row.fields.iter().all(String::is_empty) {
            continue; // spreadsheet exports often end with empty `;;;` rows
        }
        // Trailing empty fields (`;;` at the end, unused spreadsheet columns) do not count.
        let width = row
            .fields
            .iter()
            .rposition(|f| !f.is_empty())
            .map_or(0, |i| i + 1);
        if width > header.fields.len() {
            report.reject(Reject {
                file: file.clone(),
                line: row.line,
                field: None,
                value: cut(&row.fields.join(";"), 80),
                reason: format!(
                    "{width} fields where the header has {} (a `;` inside a field must be quoted)",
                    header.fields.len()
                ),
                row_dropped: true,
            });
            continue;
        }
        let mut reading = RowReading {
            file: &file,
            row: &row,
            fatal: Vec::new(),
            soft: Vec::new(),
        };
        let need = reading.need(&columns);
        let RowReading { fatal, soft, .. } = reading;
        let need = match need {
            Some(need) if fatal.is_empty() => need,
            _ => {
                report.reject(dropped(&file, row.line, fatal, soft));
                continue;
            }
        };
        if let Some(first) = first_line_of_id.get(need.id.as_str()) {
            let reason = format!("duplicate id (first used on line {first})");
            report.reject(Reject {
                file: file.clone(),
                line: row.line,
                field: Some("id".to_owned()),
                value: cut(need.id.as_str(), 80),
                reason,
                row_dropped: true,
            });
            continue;
        }
        first_line_of_id.insert(need.id.0.clone(), row.line);
        for reject in soft {
            report.reject(reject);
        }
        report.accept(&file);
        needs.push(need);
    }
    Ok(needs)
}

/// One reject for a dropped row, naming every problem found on it.
fn dropped(file: &str, line: u64, fatal: Vec<Problem>, soft: Vec<Reject>) -> Reject {
    let mut problems = fatal.into_iter();
    let first = problems.next().unwrap_or(Problem {
        field: "",
        value: String::new(),
        reason: "unusable row".to_owned(),
    });
    let mut reason = first.reason;
    for other in problems {
        reason.push_str(&format!("; also {}: {}", other.field, other.reason));
    }
    for other in soft {
        let field = other.field.unwrap_or_default();
        reason.push_str(&format!("; also {field}: {}", other.reason));
    }
    Reject {
        file: file.to_owned(),
        line,
        field: (!first.field.is_empty()).then(|| first.field.to_owned()),
        value: cut(&first.value, 80),
        reason,
        row_dropped: true,
    }
}

/// The rows of a CSV needs file, comments and header included, with their physical lines.
pub(crate) fn csv_rows(path: &Path, file: &str) -> Result<Vec<RawRow>, IngestError> {
    let (text, _encoding) = read_text(path)?;
    // CRLF is normalised so that line numbers are physical lines.
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    let header_line = text
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    let separator = detect_separator(header_line);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .comment(Some(b'#'))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut rows: Vec<RawRow> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| IngestError::Format {
            file: file.to_owned(),
            line: e.position().map_or(0, |p| p.line()),
            message: format!("unreadable CSV: {e}"),
        })?;
        let line = record
            .position()
            .map_or(0, |p| first_content_line(&text, p.byte(), p.line()));
        // A field over several lines whose later lines hold the separator is a quote left open
        // that took in the rows after it (each a need that would vanish); a multi-line comment
        // cell of a spreadsheet export holds text only, and is read as such.
        let swallowed = |f: &str| f.lines().skip(1).any(|l| l.as_bytes().contains(&separator));
        if let Some(i) = record.iter().position(swallowed) {
            let header = rows.first().and_then(|h| h.fields.get(i));
            let taken = record
                .get(i)
                .map_or(0, |f| f.trim_end_matches('\n').matches('\n').count());
            return Err(IngestError::Format {
                file: file.to_owned(),
                line,
                message: format!(
                    "field {}: a quote (\") opened here is not closed on its line: it takes in the next {taken} line(s); close it, or remove it",
                    header.map_or_else(|| (i + 1).to_string(), |h| format!("{h:?}"))
                ),
            });
        }
        let fields = record
            .iter()
            .map(|f| f.trim().trim_start_matches('\u{feff}').to_owned())
            .collect();
        rows.push(RawRow { line, fields });
    }
    Ok(rows)
}

/// The line where a record really starts: the csv crate places a record that follows comment
/// or blank lines at the first of them.
fn first_content_line(text: &str, byte: u64, line: u64) -> u64 {
    let (mut byte, mut line) = (usize::try_from(byte).unwrap_or(usize::MAX), line);
    while let Some(rest) = text.get(byte..).filter(|r| !r.is_empty()) {
        let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let current = &rest[..end];
        if !(current.starts_with('#') || current.trim().is_empty()) {
            break;
        }
        byte += end;
        line += 1;
    }
    line
}

fn detect_separator(header: &str) -> u8 {
    [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|&sep| (header.bytes().filter(|&b| b == sep).count(), sep == b';'))
        .unwrap_or(b';')
}

/// The rows of an XLSX needs file: sheet `besoins` (any case), else the first sheet; comment
/// rows (first non-empty cell starting with `#`) and blank rows left out.
fn spreadsheet_rows(path: &Path, file: &str) -> Result<Vec<RawRow>, IngestError> {
    let rows = read_sheet(path, file, |names| {
        names
            .iter()
            .find(|n| fold(n) == "besoins")
            .or_else(|| names.first())
            .cloned()
            .ok_or_else(|| "the workbook has no sheet".to_owned())
    })?;
    Ok(rows
        .into_iter()
        .filter(|row| !row.is_blank() && !is_comment(row))
        .map(|mut row| {
            // The used range spans the widest row: drop the empty cells beyond each row's last.
            let width = row
                .cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |i| i + 1);
            row.cells.truncate(width);
            RawRow {
                line: row.line,
                fields: row.cells,
            }
        })
        .collect())
}

fn is_comment(row: &SheetRow) -> bool {
    row.cells
        .iter()
        .find(|c| !c.is_empty())
        .is_some_and(|c| c.starts_with('#'))
}

/// The header names of each field, the first one the documented name.
const FIELDS: [&[&str]; 12] = [
    &["id", "identifiant"],
    &["acheteur", "buyer", "recruteur"],
    &["specialite", "specialty", "metier", "intitule"],
    &["rome", "codes_rome", "code_rome"],
    &["competences", "competencies", "ogr"],
    &["niveau_min", "min_level", "niveau", "level"],
    &["lieu", "location", "localisation"],
    &["volume", "volume_annuel", "effectif"],
    &["annee", "year"],
    &["croissance", "croissance_annuelle", "growth"],
    &["annee_fin", "jusqu_a", "until", "last_year"],
    &["tags", "etiquettes"],
];

/// Column positions, found by header name.
struct Columns {
    id: Option<usize>,
    buyer: usize,
    specialty: usize,
    rome: Option<usize>,
    competences: Option<usize>,
    min_level: Option<usize>,
    location: usize,
    volume: usize,
    year: Option<usize>,
    growth: Option<usize>,
    until: Option<usize>,
    tags: Option<usize>,
}

impl Columns {
    fn find(header: &[String], file: &str) -> Result<Columns, IngestError> {
        // Two columns for one field (`volume` and `effectif`): which one is meant is unknown.
        for names in FIELDS {
            let folded: Vec<String> = names.iter().map(|n| fold(n)).collect();
            let at: Vec<usize> = (header.iter().enumerate())
                .filter(|(_, h)| folded.contains(&fold(h)))
                .map(|(i, _)| i + 1)
                .collect();
            if let [first, second, ..] = at.as_slice() {
                return Err(IngestError::Format {
                    file: file.to_owned(),
                    line: 1,
                    message: format!(
                        "columns {first} and {second} both give `{}` ({:?} and {:?}): keep one",
                        names[0],
                        header[first - 1],
                        header[second - 1]
                    ),
                });
            }
        }
        let optional = |names: &[&str]| {
            names.iter().find_map(|n| {
                let n = fold(n);
                header.iter().position(|h| fold(h) == n)
            })
        };
        let required = |names: &[&str]| {
            optional(names).ok_or_else(|| IngestError::MissingColumn {
                file: file.to_owned(),
                column: names.first().copied().unwrap_or_default().to_owned(),
                found: cut(&header.join(", "), 300),
            })
        };
        Ok(Columns {
            id: optional(FIELDS[0]),
            buyer: required(FIELDS[1])?,
            specialty: required(FIELDS[2])?,
            rome: optional(FIELDS[3]),
            competences: optional(FIELDS[4]),
            min_level: optional(FIELDS[5]),
            location: required(FIELDS[6])?,
            volume: required(FIELDS[7])?,
            year: optional(FIELDS[8]),
            growth: optional(FIELDS[9]),
            until: optional(FIELDS[10]),
            tags: optional(FIELDS[11]),
        })
    }
}

/// A problem that makes a row unusable.
struct Problem {
    field: &'static str,
    value: String,
    reason: String,
}

/// The reading of one row: what is wrong with it so far.
struct RowReading<'a> {
    file: &'a str,
    row: &'a RawRow,
    fatal: Vec<Problem>,
    soft: Vec<Reject>,
}

impl RowReading<'_> {
    fn get(&self, column: Option<usize>) -> &str {
        column
            .and_then(|c| self.row.fields.get(c))
            .map_or("", String::as_str)
    }

    fn fail(&mut self, field: &'static str, value: &str, reason: String) {
        self.fatal.push(Problem {
            field,
            value: value.to_owned(),
            reason,
        });
    }

    fn warn(&mut self, field: &str, value: &str, reason: String) {
        self.soft.push(Reject {
            file: self.file.to_owned(),
            line: self.row.line,
            field: Some(field.to_owned()),
            value: cut(value, 80),
            reason,
            row_dropped: false,
        });
    }

    /// The yearly growth and last year of a flow (`croissance`, `annee_fin`): a fatal problem when
    /// unreadable or without a year to start from, since leaving them out would change the volume
    /// of every later year.
    fn flow(&mut self, columns: &Columns, year: Option<u16>) -> (Option<f64>, Option<u16>) {
        let growth_text = self.get(columns.growth).trim().to_owned();
        let until_text = self.get(columns.until).trim().to_owned();
        if growth_text.is_empty() && until_text.is_empty() {
            return (None, None);
        }
        let growth = match (!growth_text.is_empty()).then(|| parse_growth(&growth_text)) {
            None => Some(0.0),
            Some(Ok(g)) => Some(g),
            Some(Err(reason)) => {
                self.fail("croissance", &growth_text, reason);
                None
            }
        };
        let until = match (!until_text.is_empty()).then(|| until_text.parse::<u16>()) {
            None => None,
            Some(Ok(y)) if (1990..=2100).contains(&y) && year.is_none_or(|from| y >= from) => {
                Some(y)
            }
            Some(_) => {
                let reason = match year {
                    Some(from) => format!("expected a year between {from} (annee) and 2100"),
                    None => "expected a year between 1990 and 2100".to_owned(),
                };
                self.fail("annee_fin", &until_text, reason);
                None
            }
        };
        if year.is_none() {
            let (field, value) = if growth_text.is_empty() {
                ("annee_fin", until_text)
            } else {
                ("croissance", growth_text)
            };
            self.fail(
                field,
                &value,
                "a yearly flow needs the year it starts from (annee)".to_owned(),
            );
        }
        (growth, until)
    }

    /// Reads the row; `None` (or problems in `fatal`) when it is unusable.
    fn need(&mut self, columns: &Columns) -> Option<Need> {
        if let Some((k, long)) =
            (self.row.fields.iter().enumerate()).find(|(_, f)| f.chars().count() > MAX_FIELD_CHARS)
        {
            let value = long.chars().take(40).collect::<String>();
            let reason = format!(
                "field {} holds {} characters: at most {MAX_FIELD_CHARS}",
                k + 1,
                long.chars().count()
            );
            self.fail("", &value, reason);
            return None;
        }
        let buyer_text = self.get(Some(columns.buyer)).to_owned();
        let buyer = if buyer_text.is_empty() {
            self.fail("acheteur", "", "empty required field".to_owned());
            None
        } else {
            buyer_text
                .parse::<Buyer>()
                .map_err(|e| self.fail("acheteur", &buyer_text, e.to_string()))
                .ok()
        };
        let location_text = self.get(Some(columns.location)).to_owned();
        let location = parse_location(&location_text)
            .map_err(|e| self.fail("lieu", &location_text, e))
            .ok();
        let volume_text = self.get(Some(columns.volume)).to_owned();
        let volume = parse_volume(&volume_text)
            .map_err(|e| self.fail("volume", &volume_text, e))
            .ok();
        let rome: Vec<RomeCode> = self.codes(columns.rome, "rome");
        let competences: Vec<OgrCode> = self.codes(columns.competences, "competences");
        let specialty = self.get(Some(columns.specialty)).to_owned();
        if specialty.is_empty() && rome.is_empty() {
            self.fail(
                "specialite",
                "",
                "no specialty and no valid ROME code: nothing to match".to_owned(),
            );
        }
        let min_level_text = self.get(columns.min_level).to_owned();
        let min_level = (!min_level_text.is_empty())
            .then(|| {
                min_level_text
                    .parse::<EuropeanLevel>()
                    .map_err(|e| self.warn("niveau_min", &min_level_text, e.to_string()))
                    .ok()
            })
            .flatten();
        let year_text = self.get(columns.year).to_owned();
        let year = (!year_text.is_empty())
            .then(|| match year_text.parse::<u16>() {
                Ok(y) if (1990..=2100).contains(&y) => Some(y),
                // Read as no year, the row would count in every year: refused.
                _ => {
                    self.fail(
                        "annee",
                        &year_text,
                        "expected a year between 1990 and 2100".to_owned(),
                    );
                    None
                }
            })
            .flatten();
        let (growth, until) = self.flow(columns, year);
        let tags = split_list(self.get(columns.tags))
            .map(str::to_owned)
            .collect();
        let id_text = self.get(columns.id);
        let id = if id_text.is_empty() {
            NeedId(format!("{}:{}", self.file, self.row.line))
        } else {
            NeedId(id_text.to_owned())
        };
        Some(Need {
            id,
            buyer: buyer?,
            specialty,
            rome,
            competences,
            min_level,
            location: location?,
            volume: Count::Known(volume?),
            year,
            growth,
            until,
            tags,
            fap: None,
            difficult: None,
            seasonal: None,
            source: SourceRef {
                file: self.file.to_owned(),
                line: self.row.line,
            },
        })
    }

    /// The valid codes of a list column, in order, without repeats; a reject per invalid code.
    fn codes<T>(&mut self, column: Option<usize>, field: &str) -> Vec<T>
    where
        T: std::str::FromStr + PartialEq,
        T::Err: std::fmt::Display,
    {
        let text = self.get(column).to_owned();
        let mut codes = Vec::new();
        for item in split_list(&text) {
            match item.parse::<T>() {
                Ok(code) if !codes.contains(&code) => codes.push(code),
                Ok(_) => {}
                Err(e) => self.warn(field, item, e.to_string()),
            }
        }
        codes
    }
}

/// Items of a list field: separated by `|`, `,` or white space.
fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == '|' || c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
}

/// Reads a location: `kind:code`, or a bare INSEE commune code (5 characters) or département
/// (2 or 3 characters).
pub(crate) fn parse_location(text: &str) -> Result<NeedLocation, String> {
    const FORMS: &str = "expected commune:<INSEE code>, departement:<code>, bassin:<code>, region:<code>, a 5-character INSEE code or a département code";
    let text = text.trim();
    if text.is_empty() {
        return Err("empty required field".to_owned());
    }
    if let Some((kind, code)) = text.split_once(':') {
        let code = code.trim();
        let location = match fold(kind).as_str() {
            "commune" | "insee" => code.parse::<InseeCommune>().map(NeedLocation::Commune),
            "departement" | "dep" | "dept" => {
                code.parse::<Departement>().map(NeedLocation::Departement)
            }
            "bassin" => code.parse::<BassinCode>().map(NeedLocation::Bassin),
            "region" | "reg" => code.parse::<RegionCode>().map(NeedLocation::Region),
            _ => return Err(format!("unknown kind of place {kind:?}: {FORMS}")),
        };
        return location.map_err(|e| e.to_string());
    }
    match text.len() {
        5 => text
            .parse::<InseeCommune>()
            .map(NeedLocation::Commune)
            .map_err(|e| e.to_string()),
        2 | 3 => text
            .parse::<Departement>()
            .map(NeedLocation::Departement)
            .map_err(|e| e.to_string()),
        4 if text.bytes().all(|b| b.is_ascii_digit()) => Err(format!(
            "4 digits: a commune code that lost its leading zero (a spreadsheet number?) or a bassin; write commune:0{text} or bassin:{text}"
        )),
        _ => Err(FORMS.to_owned()),
    }
}

/// A yearly growth in percent: `5%`, `5 %`, `+5%`, `-3 %`, `2,5 %`, or `0`; between -99 % and
/// +100 %. A bare number other than 0 is refused: `0.05` could mean 5 % or 0.05 %, and a growth
/// read wrong changes every later year.
pub(crate) fn parse_growth(text: &str) -> Result<f64, String> {
    const EXPECTED: &str =
        "expected a yearly growth in percent between -99 % and +100 %, e.g. 5%, -3 % or 0";
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '+'))
        .collect::<String>()
        .replace(',', ".");
    let value = match compact.strip_suffix('%') {
        Some(n) => n.parse::<f64>().map_err(|_| EXPECTED.to_owned())? / 100.0,
        None if compact.parse::<f64>().is_ok_and(|v| v == 0.0) => 0.0,
        None => {
            return Err(format!(
                "{EXPECTED} (a number without % is ambiguous: write {compact} % or {} %)",
                compact
                    .parse::<f64>()
                    .map_or_else(|_| "?".to_owned(), |v| (v * 100.0).to_string())
            ));
        }
    };
    if value.is_finite() && (-0.99..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(EXPECTED.to_owned())
    }
}

/// Reads a volume: a positive number of people, whole or with up to 3 decimals (`.` or `,`).
pub(crate) fn parse_volume(text: &str) -> Result<Volume, String> {
    const EXPECTED: &str =
        "expected a positive number of people, e.g. 12 or 2.5 (at most 3 decimals)";
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if compact.is_empty() {
        return Err("empty required field".to_owned());
    }
    let (whole, fraction) = compact.split_once(['.', ',']).unwrap_or((&compact, ""));
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !digits_ok(whole)
        || !digits_ok(fraction)
        || fraction.len() > 3
        || whole.len() > 12
    {
        return Err(EXPECTED.to_owned());
    }
    let whole: u64 = whole.parse().map_err(|_| EXPECTED.to_owned())?;
    let milli: u64 = format!("{fraction:0<3}")
        .parse()
        .map_err(|_| EXPECTED.to_owned())?;
    let volume = Volume::from_milli(whole * Volume::SCALE + milli);
    if volume.is_zero() {
        return Err("a need of zero people: leave the row out".to_owned());
    }
    Ok(volume)
}
