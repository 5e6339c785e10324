//! The territory: COG communes, départements and regions, commune points, employment areas.
//!
//! Choices, checked against the published files:
//! - `communes.json` (Etalab découpage administratif) lists current communes
//!   (`commune-actuelle`) and also communes déléguées and associées and the 45 municipal
//!   arrondissements of Paris, Lyon and Marseille. Only current communes become [`Commune`]s; the
//!   others, and the `anciensCodes` of merged communes, go to [`Territory::former_codes`] so that a
//!   code found elsewhere (a CFA's commune, a bassin row) still names its current commune.
//! - Collectivités d'outre-mer (`975`, `977`, `978`, `984`-`989`) have a 3-digit "region" code
//!   that is not an INSEE region: their communes have no region, and `regions.json` rows for them
//!   are rejected with that reason.
//! - JSON files have no lines: the position of a JSON reject is the element's 1-based index in the
//!   array.
//! - A bassin row for a former or delegated commune is used only when the current commune has no
//!   row of its own; otherwise it is rejected with the reason (the current commune's row wins).
//! - BMO area codes of overseas regions are written with 3 digits (`101`); they are read as
//!   4-digit codes with a leading zero (`0101`).

use std::collections::BTreeMap;

use gapmap_model::{
    Bassin, BassinCode, Commune, Departement, DepartementInfo, GeoPoint, InseeCommune, Postcode,
    RegionCode, Territory,
};
use serde_json::Value;

use crate::table::cut;
use crate::{DataDir, ImportReport, IngestError, Reject, Table, layout};

/// Reads every territorial table of the data folder: regions, départements (with académies),
/// communes, commune points and BMO employment areas.
pub fn read_territory(data: &DataDir, report: &mut ImportReport) -> Result<Territory, IngestError> {
    read_territory_with_homonyms(data, report).map(|(territory, _)| territory)
}

/// [`read_territory`], with the areas the commune -> area table names differently under one code
/// (for [`reconcile_areas`]).
pub(crate) fn read_territory_with_homonyms(
    data: &DataDir,
    report: &mut ImportReport,
) -> Result<(Territory, Homonyms), IngestError> {
    let mut territory = Territory::default();
    read_regions(data, &mut territory, report)?;
    read_departements(data, &mut territory, report)?;
    read_academies(data, &mut territory, report)?;
    read_communes(data, &mut territory, report)?;
    read_points(data, &mut territory, report)?;
    let homonyms = read_bassins(data, &mut territory, report)?;
    Ok((territory, homonyms))
}

/// Areas that the commune -> area table gives a code another area already has, by (code, name):
/// their communes and first line. `bassin_emploi.csv` codes `BASSIN ILES DU NORD` 102 like
/// `BASSIN GRANDE-TERRE`, where the BMO survey codes it 104.
pub(crate) type Homonyms = BTreeMap<(BassinCode, String), Homonym>;

/// The communes and first line of a homonym area.
#[derive(Clone, Debug, Default)]
pub(crate) struct Homonym {
    communes: Vec<InseeCommune>,
    line: u64,
}

/// Reconciles the employment areas of the commune -> area table with those the BMO survey names
/// (the survey is the authority on its areas: its demand is located by them). For each area of
/// the survey:
/// - known under its code and name (names compared without case or accents): nothing to do;
/// - a homonym of the table (same name, another area's code): it becomes its own area under the
///   survey's code and name, and its communes move to it (each move reported);
/// - unknown to the table: added with the survey's name and region and no commune (reported: its
///   demand cannot be placed on the map).
///
/// Returns the communes that moved, with their new area.
pub(crate) fn reconcile_areas(
    territory: &mut Territory,
    homonyms: &Homonyms,
    survey: &BTreeMap<BassinCode, crate::SurveyArea>,
    report: &mut ImportReport,
) -> BTreeMap<InseeCommune, BassinCode> {
    let mut moved = BTreeMap::new();
    for (&code, area) in survey {
        let same_name = |name: &str| crate::table::fold(name) == crate::table::fold(&area.name);
        if territory
            .bassins
            .get(&code)
            .is_some_and(|b| area.name.is_empty() || same_name(&b.name))
        {
            continue;
        }
        let reject = |reason: String| Reject {
            file: area.file.clone(),
            line: area.line,
            field: Some("BE24".to_owned()),
            value: format!("{code} {}", area.name),
            reason,
            row_dropped: false,
        };
        let homonym = homonyms
            .iter()
            .find(|((_, name), _)| !area.name.is_empty() && same_name(name));
        let region = Some(area.region);
        match homonym {
            Some(((old, _), h)) => {
                for commune in &h.communes {
                    if let Some(c) = territory.communes.get_mut(commune) {
                        c.bassin = Some(code);
                        moved.insert(*commune, code);
                    }
                }
                report.reject(reject(format!(
                    "the commune -> area table codes this area {old} (line {}), the code of another area: its {} communes are placed in {code} as the survey codes it",
                    h.line,
                    h.communes.len()
                )));
            }
            None => match territory.bassins.get(&code) {
                Some(known) => report.reject(reject(format!(
                    "named {:?} in the commune -> area table: the survey's name is used",
                    known.name
                ))),
                None => report.reject(reject(
                    "area unknown to the commune -> area table: kept with the survey's name, but it has no commune and its demand cannot be placed on the map".to_owned(),
                )),
            },
        }
        let name = area.name.clone();
        territory
            .bassins
            .insert(code, Bassin { code, name, region });
    }
    moved
}

/// A JSON file that must hold an array of objects.
fn json_array(data: &DataDir, standard: &str) -> Result<(String, Vec<Value>), IngestError> {
    let path = data.path(standard);
    let file = data.file(standard).to_owned();
    let text = std::fs::read_to_string(&path).map_err(|source| IngestError::Io { path, source })?;
    let text = text.trim_start_matches('\u{feff}');
    let value: Value = serde_json::from_str(text).map_err(|e| IngestError::Format {
        file: file.clone(),
        line: e.line() as u64,
        message: format!("not valid JSON: {e}"),
    })?;
    match value {
        Value::Array(items) => Ok((file, items)),
        _ => Err(IngestError::Format {
            file,
            line: 1,
            message: "expected a JSON array of objects".to_owned(),
        }),
    }
}

/// A positioned view of one JSON array element.
pub(crate) struct JsonItem<'a> {
    file: &'a str,
    index: u64,
    value: &'a Value,
}

impl<'a> JsonItem<'a> {
    pub(crate) fn new(file: &'a str, index: usize, value: &'a Value) -> Self {
        JsonItem {
            file,
            index: index as u64 + 1,
            value,
        }
    }

    /// A string field (numbers are written out), `None` when absent, null or empty.
    pub(crate) fn str(&self, key: &str) -> Option<String> {
        match self.value.get(key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub(crate) fn reject(
        &self,
        field: &str,
        value: &str,
        reason: &str,
        row_dropped: bool,
    ) -> Reject {
        Reject {
            file: self.file.to_owned(),
            line: self.index,
            field: Some(field.to_owned()),
            value: cut(value, 80),
            reason: reason.to_owned(),
            row_dropped,
        }
    }

    /// Parses a required field.
    pub(crate) fn parse<T>(&self, key: &str) -> Result<T, Reject>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        let raw = self
            .str(key)
            .ok_or_else(|| self.reject(key, "", "empty required field", true))?;
        raw.parse()
            .map_err(|e: T::Err| self.reject(key, &raw, &e.to_string(), true))
    }
}

/// Whether a COG region code is an INSEE region (2 digits) rather than a collectivité
/// d'outre-mer's own 3-digit code.
fn is_region_code(raw: &str) -> bool {
    raw.len() <= 2
}

fn read_regions(
    data: &DataDir,
    t: &mut Territory,
    report: &mut ImportReport,
) -> Result<(), IngestError> {
    let (file, items) = json_array(data, layout::geo::REGIONS)?;
    for (i, value) in items.iter().enumerate() {
        let item = JsonItem::new(&file, i, value);
        let code = item.str("code").unwrap_or_default();
        if !is_region_code(&code) {
            report.reject(item.reject(
                "code",
                &code,
                "collectivité d'outre-mer, not an INSEE region",
                true,
            ));
            continue;
        }
        let parsed = item.parse::<RegionCode>("code").and_then(|code| {
            let name = item
                .str("nom")
                .ok_or_else(|| item.reject("nom", "", "empty required field", true))?;
            Ok((code, name))
        });
        match parsed {
            Ok((code, name)) => {
                t.regions.insert(code, name);
                report.accept(&file);
            }
            Err(r) => report.reject(r),
        }
    }
    Ok(())
}

fn read_departements(
    data: &DataDir,
    t: &mut Territory,
    report: &mut ImportReport,
) -> Result<(), IngestError> {
    let (file, items) = json_array(data, layout::geo::DEPARTEMENTS)?;
    for (i, value) in items.iter().enumerate() {
        let item = JsonItem::new(&file, i, value);
        let Some(code) = report.keep(item.parse::<Departement>("code")) else {
            continue;
        };
        let region = item.str("region").filter(|r| is_region_code(r));
        let region = match region.map(|r| r.parse::<RegionCode>()) {
            Some(Ok(region)) => Some(region),
            Some(Err(e)) => {
                report.reject(item.reject("region", &e.value, &e.to_string(), false));
                None
            }
            None => None,
        };
        let name = item.str("nom").unwrap_or_default();
        t.departements.insert(
            code.clone(),
            DepartementInfo {
                code,
                name,
                region,
                academie: None,
            },
        );
        report.accept(&file);
    }
    Ok(())
}

fn read_academies(
    data: &DataDir,
    t: &mut Territory,
    report: &mut ImportReport,
) -> Result<(), IngestError> {
    let table = Table::open(data, layout::geo::ACADEMIES)?;
    let dep_col = table.column(&["codeDepartement"])?;
    let academie_col = table.column(&["libelleAcademie"])?;
    report.file(&table.file).encoding = Some(table.encoding);
    for row in table.rows() {
        let Some(row) = report.keep(row) else {
            continue;
        };
        if row.opt(dep_col).is_none() {
            report.reject(row.reject(
                "codeDepartement",
                "",
                "no département: an aggregate row (académie or zone)",
                true,
            ));
            continue;
        }
        let Some(code) = report.keep(row.parse::<Departement>(dep_col, "codeDepartement")) else {
            continue;
        };
        match t.departements.get_mut(&code) {
            Some(info) => {
                info.academie = row.opt(academie_col).map(str::to_owned);
                report.accept(&row.file);
            }
            None => report.reject(row.reject(
                "codeDepartement",
                code.as_str(),
                "département not in the COG départements",
                true,
            )),
        }
    }
    Ok(())
}

fn read_communes(
    data: &DataDir,
    t: &mut Territory,
    report: &mut ImportReport,
) -> Result<(), IngestError> {
    let (file, items) = json_array(data, layout::geo::COMMUNES)?;
    let mut former: Vec<(InseeCommune, InseeCommune)> = Vec::new();
    for (i, value) in items.iter().enumerate() {
        let item = JsonItem::new(&file, i, value);
        let kind = item.str("type").unwrap_or_default();
        let Some(code) = report.keep(item.parse::<InseeCommune>("code")) else {
            continue;
        };
        let parent_key = match kind.as_str() {
            "commune-actuelle" => None,
            "commune-deleguee" | "commune-associee" => Some("chefLieu"),
            "arrondissement-municipal" => Some("commune"),
            other => {
                report.reject(item.reject("type", other, "unknown commune type", true));
                continue;
            }
        };
        if let Some(key) = parent_key {
            match item.parse::<InseeCommune>(key) {
                Ok(parent) => {
                    // A commune déléguée often keeps the code of its current commune.
                    if parent != code {
                        former.push((code, parent));
                    }
                    report.accept(&file);
                }
                Err(r) => report.reject(r),
            }
            continue;
        }
        match read_commune(&item, code, report) {
            Ok(commune) => {
                if let Some(Value::Array(old)) = value.get("anciensCodes") {
                    for old in old.iter().filter_map(Value::as_str) {
                        match old.parse::<InseeCommune>() {
                            Ok(old) => former.push((old, commune.code)),
                            Err(e) => report.reject(item.reject(
                                "anciensCodes",
                                old,
                                &e.to_string(),
                                false,
                            )),
                        }
                    }
                }
                t.communes.insert(commune.code, commune);
                report.accept(&file);
            }
            Err(r) => report.reject(r),
        }
    }
    for (code, current) in former {
        // A code that is itself current stays the current commune's.
        if !t.communes.contains_key(&code) {
            t.former_codes.insert(code, current);
        }
    }
    Ok(())
}

fn read_commune(
    item: &JsonItem<'_>,
    code: InseeCommune,
    report: &mut ImportReport,
) -> Result<Commune, Reject> {
    let name = item
        .str("nom")
        .ok_or_else(|| item.reject("nom", "", "empty required field", true))?;
    let departement = item.parse::<Departement>("departement")?;
    let region = match item.str("region").filter(|r| is_region_code(r)) {
        Some(raw) => match raw.parse::<RegionCode>() {
            Ok(region) => Some(region),
            Err(e) => {
                report.reject(item.reject("region", &raw, &e.to_string(), false));
                None
            }
        },
        None => None,
    };
    let mut postcodes = Vec::new();
    if let Some(Value::Array(codes)) = item.value.get("codesPostaux") {
        for raw in codes.iter().filter_map(Value::as_str) {
            match raw.parse::<Postcode>() {
                Ok(p) => postcodes.push(p),
                Err(e) => report.reject(item.reject("codesPostaux", raw, &e.to_string(), false)),
            }
        }
    }
    let population = match item.value.get("population") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                report.reject(item.reject(
                    "population",
                    &v.to_string(),
                    "not a whole number",
                    false,
                ));
                None
            }
        },
    };
    Ok(Commune {
        code,
        name,
        departement,
        region,
        postcodes,
        population,
        point: None,
        bassin: None,
    })
}

fn read_points(
    data: &DataDir,
    t: &mut Territory,
    report: &mut ImportReport,
) -> Result<(), IngestError> {
    let table = Table::open(data, layout::geo::POINTS)?;
    let code_col = table.column(&["Code_Officiel_Commune"])?;
    let lat_col = table.column(&["latitude"])?;
    let lon_col = table.column(&["longitude"])?;
    report.file(&table.file).encoding = Some(table.encoding);
    for row in table.rows() {
        let Some(row) = report.keep(row) else {
            continue;
        };
        let read = || -> Result<(InseeCommune, GeoPoint), Reject> {
            let code: InseeCommune = row.parse(code_col, "Code_Officiel_Commune")?;
            let lat: f64 = row.parse(lat_col, "latitude")?;
            let lon: f64 = row.parse(lon_col, "longitude")?;
            let point = GeoPoint::new(lat, lon).ok_or_else(|| {
                row.reject(
                    "latitude",
                    &format!("{lat}, {lon}"),
                    "coordinates out of range",
                    true,
                )
            })?;
            Ok((code, point))
        };
        match read() {
            Ok((code, point)) => match t.communes.get_mut(&code) {
                Some(commune) => {
                    commune.point = Some(point);
                    report.accept(&row.file);
                }
                None => report.reject(row.reject(
                    "Code_Officiel_Commune",
                    code.as_str(),
                    "not a current commune of the COG",
                    true,
                )),
            },
            Err(r) => report.reject(r),
        }
    }
    Ok(())
}

/// Reads a BMO area code, padding the 3-digit codes of overseas regions (`101` -> `0101`).
fn parse_bassin_code(raw: &str) -> Result<BassinCode, gapmap_model::CodeError> {
    if raw.len() == 3 && raw.bytes().all(|b| b.is_ascii_digit()) {
        format!("0{raw}").parse()
    } else {
        raw.parse()
    }
}

fn read_bassins(
    data: &DataDir,
    t: &mut Territory,
    report: &mut ImportReport,
) -> Result<Homonyms, IngestError> {
    let table = Table::open(data, layout::geo::BASSINS)?;
    let commune_col = table.column(&["code_commune_insee"])?;
    let code_col = table.column(&["code_bassin_BMO"])?;
    let name_col = table.column(&["lib_bassin_BMO"])?;
    let region_col = table.column(&["reg"])?;
    report.file(&table.file).encoding = Some(table.encoding);
    // Rows of former codes wait until every current commune's own row is read.
    let mut deferred: Vec<(crate::Row, InseeCommune, BassinCode, Option<String>)> = Vec::new();
    let mut homonyms = Homonyms::new();
    for row in table.rows() {
        let Some(row) = report.keep(row) else {
            continue;
        };
        let Some(commune) =
            report.keep::<InseeCommune>(row.parse(commune_col, "code_commune_insee"))
        else {
            continue;
        };
        let code = match parse_bassin_code(row.get(code_col)) {
            Ok(code) => code,
            Err(e) => {
                report.reject(row.reject(
                    "code_bassin_BMO",
                    row.get(code_col),
                    &e.to_string(),
                    true,
                ));
                continue;
            }
        };
        let region = match row.parse_opt::<RegionCode>(region_col, "reg") {
            Ok(region) => region,
            Err(r) => {
                report.reject(r);
                None
            }
        };
        let name = row.get(name_col).to_owned();
        let homonym = match t.bassins.get(&code) {
            Some(known) if known.name != name => {
                report.reject(row.reject(
                    "lib_bassin_BMO",
                    &name,
                    &format!(
                        "area {code} was first named {:?}: this commune stays in {code} unless the BMO survey codes {name:?} apart",
                        known.name
                    ),
                    false,
                ));
                let entry = homonyms.entry((code, name.clone())).or_default();
                if entry.line == 0 {
                    entry.line = row.line;
                }
                Some(name)
            }
            Some(_) => None,
            None => {
                t.bassins.insert(code, Bassin { code, name, region });
                None
            }
        };
        if let Some(c) = t.communes.get_mut(&commune) {
            c.bassin = Some(code);
            if let Some(name) = homonym {
                homonyms
                    .entry((code, name))
                    .or_default()
                    .communes
                    .push(commune);
            }
            report.accept(&row.file);
        } else {
            deferred.push((row, commune, code, homonym));
        }
    }
    for (row, commune, code, homonym) in deferred {
        let Some(current) = t.former_codes.get(&commune).copied() else {
            report.reject(row.reject(
                "code_commune_insee",
                commune.as_str(),
                "not a commune of the COG",
                true,
            ));
            continue;
        };
        match t.communes.get_mut(&current) {
            Some(c) if c.bassin.is_none() => {
                c.bassin = Some(code);
                if let Some(name) = homonym {
                    homonyms
                        .entry((code, name))
                        .or_default()
                        .communes
                        .push(current);
                }
                report.accept(&row.file);
            }
            Some(c) => {
                let reason = format!(
                    "former or delegated commune of {current}, whose own row (area {}) is used",
                    c.bassin.map(|b| b.to_string()).unwrap_or_default()
                );
                report.reject(row.reject("code_commune_insee", commune.as_str(), &reason, true));
            }
            None => report.reject(row.reject(
                "code_commune_insee",
                commune.as_str(),
                "not a commune of the COG",
                true,
            )),
        }
    }
    Ok(homonyms)
}

#[cfg(test)]
pub(crate) mod tests;
