//! The map of the planner's page, drawn from the geography in the store: the communes' points
//! projected into an SVG view box, département areas and outlines traced on a grid (each cell
//! takes the département of the nearest commune point, within reach), training sites and the
//! uncovered demand by place.

use std::collections::BTreeMap;

use gapmap_engine::Engine;
use gapmap_match::MatchOutcome;
use gapmap_model::{Departement, GeoPoint, NeedLocation};
use serde::Serialize;

/// Width of the view box; the height follows the territory's shape.
const WIDTH: f64 = 1000.0;
/// Cells across the view box for the département areas.
const GRID: usize = 125;
/// How far (in cells) a cell looks for its nearest commune point: beyond, it is outside the
/// territory (sea, other regions).
const REACH: usize = 2;

/// The map's data, coordinates in the view box `0 0 width height`.
#[derive(Debug, Serialize)]
pub struct MapData {
    /// View box width.
    pub width: f64,
    /// View box height.
    pub height: f64,
    /// The départements: area, outline and label position.
    pub departements: Vec<DepartementShape>,
    /// The communes' points as SVG path data (one short stroke each).
    pub points: String,
    /// Places where training is given.
    pub sites: Vec<Site>,
    /// Demand and its gap by place of the needs.
    pub demand: Vec<DemandPlace>,
}

/// A département on the map.
#[derive(Debug, Serialize)]
pub struct DepartementShape {
    /// Code.
    pub code: String,
    /// Name.
    pub label: String,
    /// Boundary segments (SVG path data, to stroke).
    pub path: String,
    /// Area as rows of cells (SVG path data, to fill).
    pub area: String,
    /// Label position.
    pub x: f64,
    /// Label position.
    pub y: f64,
}

/// A commune where training is given.
#[derive(Debug, Serialize)]
pub struct Site {
    /// Position.
    pub x: f64,
    /// Position.
    pub y: f64,
    /// INSEE code.
    pub commune: String,
    /// Name.
    pub name: String,
    /// Offers given there.
    pub offers: usize,
    /// Seats of the offers that publish them.
    pub seats: u64,
    /// Offers that publish no seats.
    pub seats_unknown: usize,
}

/// The needs of one place.
#[derive(Debug, Serialize)]
pub struct DemandPlace {
    /// Position (a département's or area's centre for needs located by one).
    pub x: f64,
    /// Position.
    pub y: f64,
    /// The place as in needs files (`commune:80021`, `departement:59`).
    pub place: String,
    /// Its name.
    pub label: String,
    /// Demand, people a year (masked volumes left out).
    pub demand: f64,
    /// Gap, people a year.
    pub gap: f64,
    /// Needs there.
    pub needs: usize,
}

/// Longitude/latitude to view box coordinates (equirectangular at the territory's mid latitude).
struct Projection {
    lon0: f64,
    lat1: f64,
    scale: f64,
    kx: f64,
}

impl Projection {
    fn fit(points: &[GeoPoint]) -> Option<(Projection, f64)> {
        let (mut lo_lon, mut hi_lon, mut lo_lat, mut hi_lat) =
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in points {
            lo_lon = lo_lon.min(p.lon);
            hi_lon = hi_lon.max(p.lon);
            lo_lat = lo_lat.min(p.lat);
            hi_lat = hi_lat.max(p.lat);
        }
        let kx = ((lo_lat + hi_lat) / 2.0).to_radians().cos();
        let span_x = (hi_lon - lo_lon) * kx;
        let span_y = hi_lat - lo_lat;
        if points.is_empty() || span_x <= 0.0 || span_y <= 0.0 {
            return None;
        }
        let margin = 0.03 * WIDTH;
        let scale = (WIDTH - 2.0 * margin) / span_x;
        let projection = Projection {
            lon0: lo_lon - margin / scale / kx,
            lat1: hi_lat + margin / scale,
            scale,
            kx,
        };
        Some((projection, span_y * scale + 2.0 * margin))
    }

    fn xy(&self, p: GeoPoint) -> (f64, f64) {
        (
            round((p.lon - self.lon0) * self.kx * self.scale),
            round((self.lat1 - p.lat) * self.scale),
        )
    }
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

impl MapData {
    /// The map of the engine's territory (its region's communes when it has one) with the needs
    /// of `outcome`; `None` when the data hold no commune points.
    pub fn new(engine: &Engine, outcome: &MatchOutcome) -> Option<MapData> {
        let region = engine.region();
        let communes: Vec<_> = engine
            .dataset()
            .territory
            .communes
            .values()
            .filter(|c| region.is_none() || c.region == region)
            .filter_map(|c| Some((c, c.point?)))
            .collect();
        let points: Vec<GeoPoint> = communes.iter().map(|(_, p)| *p).collect();
        let (projection, height) = Projection::fit(&points)?;
        let placed: Vec<(Departement, (f64, f64))> = communes
            .iter()
            .map(|(c, p)| (c.departement.clone(), projection.xy(*p)))
            .collect();
        let mut dots = String::new();
        for (_, (x, y)) in &placed {
            dots.push_str(&format!("M{x} {y}h0.1"));
        }
        Some(MapData {
            width: WIDTH,
            height: round(height),
            departements: shapes(engine, &placed, height),
            points: dots,
            sites: sites(engine, &projection),
            demand: demand(engine, outcome, &projection),
        })
    }
}

/// Each cell's département: the nearest commune point's within [`REACH`] cells around it.
fn grid(placed: &[(Departement, (f64, f64))], cell: f64, rows: usize) -> Vec<Option<usize>> {
    let mut buckets: Vec<Vec<usize>> = vec![Vec::new(); GRID * rows];
    let at = |v: f64, n: usize| ((v / cell).floor().max(0.0) as usize).min(n - 1);
    for (i, (_, (x, y))) in placed.iter().enumerate() {
        buckets[at(*y, rows) * GRID + at(*x, GRID)].push(i);
    }
    let mut cells = vec![None; GRID * rows];
    for r in 0..rows {
        for c in 0..GRID {
            let centre = ((c as f64 + 0.5) * cell, (r as f64 + 0.5) * cell);
            let mut best: Option<(f64, usize)> = None;
            for rr in r.saturating_sub(REACH)..=(r + REACH).min(rows - 1) {
                for cc in c.saturating_sub(REACH)..=(c + REACH).min(GRID - 1) {
                    for &i in &buckets[rr * GRID + cc] {
                        let (x, y) = placed[i].1;
                        let d = (x - centre.0).powi(2) + (y - centre.1).powi(2);
                        if best.is_none_or(|(b, _)| d < b) {
                            best = Some((d, i));
                        }
                    }
                }
            }
            cells[r * GRID + c] = best.map(|(_, i)| i);
        }
    }
    cells
}

fn shapes(
    engine: &Engine,
    placed: &[(Departement, (f64, f64))],
    height: f64,
) -> Vec<DepartementShape> {
    let cell = WIDTH / GRID as f64;
    let rows = (height / cell).ceil().max(1.0) as usize;
    let owner = grid(placed, cell, rows);
    let dep_of = |r: usize, c: usize| owner[r * GRID + c].map(|i| &placed[i].0);
    let mut by_dep: BTreeMap<&Departement, (String, String, f64, f64, usize)> = BTreeMap::new();
    for r in 0..rows {
        for c in 0..GRID {
            let Some(d) = dep_of(r, c) else { continue };
            let entry = by_dep.entry(d).or_default();
            let (x0, y0) = (round(c as f64 * cell), round(r as f64 * cell));
            // Area: a run of cells starts where the cell on the left is another département's.
            if c == 0 || dep_of(r, c - 1) != Some(d) {
                let run = (c..GRID).take_while(|&k| dep_of(r, k) == Some(d)).count();
                entry.0.push_str(&format!(
                    "M{x0} {y0}h{}v{}h-{}z",
                    round(run as f64 * cell),
                    round(cell),
                    round(run as f64 * cell)
                ));
            }
            // Outline: every cell side whose neighbour is not this département.
            let other = |rr: Option<usize>, cc: Option<usize>| match (rr, cc) {
                (Some(rr), Some(cc)) if rr < rows && cc < GRID => dep_of(rr, cc) != Some(d),
                _ => true,
            };
            let s = round(cell);
            if other(r.checked_sub(1), Some(c)) {
                entry.1.push_str(&format!("M{x0} {y0}h{s}"));
            }
            if other(Some(r + 1), Some(c)) {
                entry.1.push_str(&format!("M{x0} {}h{s}", round(y0 + cell)));
            }
            if other(Some(r), c.checked_sub(1)) {
                entry.1.push_str(&format!("M{x0} {y0}v{s}"));
            }
            if other(Some(r), Some(c + 1)) {
                entry.1.push_str(&format!("M{} {y0}v{s}", round(x0 + cell)));
            }
            entry.2 += x0 + cell / 2.0;
            entry.3 += y0 + cell / 2.0;
            entry.4 += 1;
        }
    }
    by_dep
        .into_iter()
        .map(|(d, (area, path, sx, sy, n))| DepartementShape {
            code: d.to_string(),
            label: engine.label(&gapmap_match::GapKey::Departement(d.clone())),
            path,
            area,
            x: round(sx / n as f64),
            y: round(sy / n as f64),
        })
        .collect()
}

fn sites(engine: &Engine, projection: &Projection) -> Vec<Site> {
    let territory = &engine.dataset().territory;
    let mut by_commune: BTreeMap<_, (usize, u64, usize)> = BTreeMap::new();
    for offer in &engine.dataset().offers {
        let Some(commune) = offer.location.commune else {
            continue;
        };
        let entry = by_commune.entry(commune).or_default();
        entry.0 += 1;
        match offer.capacity.seats() {
            Some(seats) => entry.1 += u64::from(seats),
            None => entry.2 += 1,
        }
    }
    by_commune
        .into_iter()
        .filter_map(|(code, (offers, seats, seats_unknown))| {
            let commune = territory.commune(&code)?;
            let (x, y) = projection.xy(commune.point?);
            Some(Site {
                x,
                y,
                commune: code.to_string(),
                name: commune.name.clone(),
                offers,
                seats,
                seats_unknown,
            })
        })
        .collect()
}

fn demand(engine: &Engine, outcome: &MatchOutcome, projection: &Projection) -> Vec<DemandPlace> {
    let mut by_place: BTreeMap<&NeedLocation, (f64, f64, usize)> = BTreeMap::new();
    for need in &outcome.needs {
        let entry = by_place.entry(&need.location).or_default();
        entry.0 += need.demand.map_or(0.0, |v| v.as_f64());
        entry.1 += need.gap.as_f64();
        entry.2 += 1;
    }
    by_place
        .into_iter()
        .filter_map(|(place, (demand, gap, needs))| {
            let (x, y) = projection.xy(engine.point(place)?);
            Some(DemandPlace {
                x,
                y,
                place: place.to_string(),
                label: place_label(engine, place),
                demand: (demand * 1000.0).round() / 1000.0,
                gap: (gap * 1000.0).round() / 1000.0,
                needs,
            })
        })
        .collect()
}

/// A place's name as published.
pub fn place_label(engine: &Engine, place: &NeedLocation) -> String {
    let t = &engine.dataset().territory;
    let named = match place {
        NeedLocation::Commune(c) => t.commune(c).map(|c| c.name.clone()),
        NeedLocation::Bassin(b) => t.bassins.get(b).map(|b| b.name.clone()),
        NeedLocation::Departement(d) => t.departements.get(d).map(|d| d.name.clone()),
        NeedLocation::Region(r) => t.regions.get(r).cloned(),
    };
    named.unwrap_or_else(|| place.to_string())
}
