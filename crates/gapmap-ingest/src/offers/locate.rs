//! Locating a school: its commune from a directory, then point and employment area from the
//! territory.
//!
//! A city name of the lycée directory (`CHÂTEAU-THIERRY CEDEX`, `LILLE CEDEX`, `ST OMER`) is
//! resolved within the département that the UAI gives:
//! 1. normalised ([`normalize_place`]: accents folded, `CEDEX` and numbers dropped, `ST`/`STE`
//!    spelled `SAINT`/`SAINTE`), then matched exactly against the département's commune names;
//! 2. else the most similar name by normalised Levenshtein similarity, if at least
//!    [`SIMILARITY_THRESHOLD`];
//! 3. else by postcode (the most populous commune serving it: precision `Postcode`);
//! 4. else, for a school in no directory, the commune nearest to a Parcoursup course point of
//!    the same school (precision `Commune`);
//! 5. else the offer is placed at the département's centroid (precision `Departement`).

use std::collections::BTreeMap;

use gapmap_model::{
    Departement, GeoPoint, InseeCommune, Location, LocationPrecision, Postcode, Territory,
};

use super::directory::School;

/// The least normalised Levenshtein similarity (0-1) at which a city name is taken for a
/// commune's name. 0.85 accepts a missing or doubled letter in a 10-letter name and refuses
/// a different suffix (`SAINT OMER` vs `SAINT OMER CAPELLE` scores 0.56).
pub(crate) const SIMILARITY_THRESHOLD: f64 = 0.85;

/// Folds accents and ligatures to ASCII and lowercases (`Château` -> `chateau`, `Œ` -> `oe`).
pub(crate) fn fold_accents(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            c => out.push(c),
        }
    }
    out
}

/// A place name reduced for comparison: folded, words of letters only, `cedex` and numbers
/// dropped, `st`/`ste` expanded (`ST-OMER CEDEX 2` -> `saint omer`).
pub(crate) fn normalize_place(name: &str) -> String {
    let folded = fold_accents(name);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "cedex" && !w.bytes().all(|b| b.is_ascii_digit()))
        .map(|w| match w {
            "st" => "saint",
            "ste" => "sainte",
            w => w,
        })
        .collect();
    words.join(" ")
}

/// A commune as the locator compares it.
struct Candidate {
    name: String,
    code: InseeCommune,
    population: u32,
    postcodes: Vec<Postcode>,
}

/// Commune names by département, and département centroids.
pub(crate) struct Locator<'a> {
    territory: &'a Territory,
    by_departement: BTreeMap<Departement, Vec<Candidate>>,
    centroids: BTreeMap<Departement, Option<GeoPoint>>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(territory: &'a Territory) -> Self {
        let mut by_departement: BTreeMap<Departement, Vec<Candidate>> = BTreeMap::new();
        for c in territory.communes.values() {
            by_departement
                .entry(c.departement.clone())
                .or_default()
                .push(Candidate {
                    name: normalize_place(&c.name),
                    code: c.code,
                    population: c.population.unwrap_or(0),
                    postcodes: c.postcodes.clone(),
                });
        }
        let centroids = by_departement
            .keys()
            .map(|d| (d.clone(), territory.departement_centroid(d)))
            .collect();
        Locator {
            territory,
            by_departement,
            centroids,
        }
    }

    /// Locates a school: its directory entry if any, and the source's own point if any. A school
    /// in no directory but with a course point in the Parcoursup list (`school_point`) gets the
    /// commune nearest to that point (precision `Commune`).
    pub(crate) fn locate(
        &self,
        departement: Departement,
        school: Option<&School>,
        point: Option<GeoPoint>,
        school_point: Option<GeoPoint>,
    ) -> Location {
        let mut found = school.and_then(|s| self.commune_of(&departement, s));
        if found.is_none()
            && let Some(p) = point.or(school_point)
        {
            found = self
                .nearest(&departement, p)
                .map(|code| (code, LocationPrecision::Commune));
        }
        let region = self.territory.region_of(&departement);
        match found {
            Some((code, precision)) => {
                let commune = self.territory.commune(&code);
                let (precision, point) = match point {
                    Some(p) => (LocationPrecision::Point, Some(p)),
                    None => (precision, commune.and_then(|c| c.point)),
                };
                Location {
                    commune: commune.map(|c| c.code),
                    departement,
                    region: commune.and_then(|c| c.region).or(region),
                    bassin: commune.and_then(|c| c.bassin),
                    point,
                    precision,
                }
            }
            None => {
                let (precision, point) = match point {
                    Some(p) => (LocationPrecision::Point, Some(p)),
                    None => (
                        LocationPrecision::Departement,
                        self.centroids.get(&departement).copied().flatten(),
                    ),
                };
                Location {
                    commune: None,
                    departement,
                    region,
                    bassin: None,
                    point,
                    precision,
                }
            }
        }
    }

    /// The commune of a directory entry: INSEE code (CFA), else city name, else postcode.
    fn commune_of(
        &self,
        departement: &Departement,
        school: &School,
    ) -> Option<(InseeCommune, LocationPrecision)> {
        if let Some(c) = school
            .commune
            .and_then(|code| self.territory.commune(&code))
        {
            return Some((c.code, LocationPrecision::Commune));
        }
        let candidates = self.by_departement.get(departement)?;
        let postcode = school.postcode.as_deref().and_then(read_postcode);
        if let Some(city) = &school.city
            && let Some(code) = resolve_name(candidates, &normalize_place(city), postcode)
        {
            return Some((code, LocationPrecision::Commune));
        }
        let postcode = postcode?;
        candidates
            .iter()
            .filter(|c| c.postcodes.contains(&postcode))
            .max_by_key(|c| c.population)
            .map(|c| (c.code, LocationPrecision::Postcode))
    }

    /// The commune of the département whose point is nearest to `point`.
    fn nearest(&self, departement: &Departement, point: GeoPoint) -> Option<InseeCommune> {
        let candidates = self.by_departement.get(departement)?;
        let mut best: Option<(f64, InseeCommune)> = None;
        for c in candidates {
            let Some(p) = self.territory.communes.get(&c.code).and_then(|c| c.point) else {
                continue;
            };
            let d = p.distance_km(point);
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, c.code));
            }
        }
        best.map(|(_, code)| code)
    }
}

/// A postcode as the lycée directory writes it (`1000` for `01000`).
fn read_postcode(raw: &str) -> Option<Postcode> {
    let raw = raw.trim();
    if raw.len() == 4 {
        format!("0{raw}").parse().ok()
    } else {
        raw.parse().ok()
    }
}

/// Exact normalised name first (several: the one serving the postcode, else the most populous),
/// then the most similar name at or above the threshold.
fn resolve_name(
    candidates: &[Candidate],
    name: &str,
    postcode: Option<Postcode>,
) -> Option<InseeCommune> {
    if name.is_empty() {
        return None;
    }
    let exact: Vec<&Candidate> = candidates.iter().filter(|c| c.name == name).collect();
    if !exact.is_empty() {
        let serving = exact
            .iter()
            .find(|c| postcode.is_some_and(|p| c.postcodes.contains(&p)));
        return serving
            .or_else(|| exact.iter().max_by_key(|c| c.population))
            .map(|c| c.code);
    }
    let mut best: Option<(f64, &Candidate)> = None;
    for c in candidates {
        let score = strsim::normalized_levenshtein(name, &c.name);
        if score >= SIMILARITY_THRESHOLD
            && best.is_none_or(|(s, b)| score > s || (score == s && c.population > b.population))
        {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.code)
}
