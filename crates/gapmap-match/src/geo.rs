//! One geography for the matcher: how far an offer is from a need's place.
//!
//! A need sits at a commune (its point), or covers an area (employment area, département,
//! region). The distance from an offer to an area is 0 km when the offer lies in it, otherwise the
//! distance to the nearest commune point of the area.
//!
//! Offers are grouped in `Cells` (one per département, one for offers without a point) with the
//! bounding box of their points, so that the join skips at once every cell that no offer within
//! reach of a place can be in (`Places::near_cells`); the test is conservative, and offers of the
//! remaining cells are then measured one by one.

use std::collections::BTreeMap;

use gapmap_model::{
    BassinCode, Departement, GeoPoint, Location, NeedLocation, Offer, RegionCode, Territory,
};

/// Where an offer stands from a need's place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Reach {
    /// Within reach, at this distance (km).
    Within(f64),
    /// Farther than the reach.
    Far,
    /// The offer or the need has no usable point: the distance is unknown.
    Unknown,
}

/// Commune points by area, for distances to a need's place.
pub struct Places<'a> {
    territory: &'a Territory,
    bassins: BTreeMap<BassinCode, Area>,
    departements: BTreeMap<Departement, Area>,
    regions: BTreeMap<RegionCode, Area>,
}

/// The commune points of an area with their bounding box, to skip far offers cheaply. Points are
/// kept as unit vectors: the nearest point is the one at the shortest chord, and only that chord
/// becomes a great-circle distance.
#[derive(Default)]
struct Area {
    points: Vec<[f64; 3]>,
    /// Sums of the points' latitudes and longitudes, for the area's centre.
    sum_lat: f64,
    sum_lon: f64,
    min_lat: f64,
    max_lat: f64,
    min_lon: f64,
    max_lon: f64,
}

/// The unit vector of a point.
fn unit_vector(p: GeoPoint) -> [f64; 3] {
    let (lat, lon) = (p.lat.to_radians(), p.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The great-circle distance (km) of a chord between two unit vectors.
fn chord_to_km(chord: f64) -> f64 {
    2.0 * GeoPoint::EARTH_RADIUS_KM * (chord / 2.0).clamp(0.0, 1.0).asin()
}

/// The chord between two unit vectors at a great-circle distance of `km`.
fn km_to_chord(km: f64) -> f64 {
    let angle = (km / GeoPoint::EARTH_RADIUS_KM).min(std::f64::consts::PI);
    2.0 * (angle / 2.0).sin()
}

/// A latitude-longitude box around points.
#[derive(Clone, Copy, Debug, PartialEq)]
struct BoundingBox {
    min_lat: f64,
    max_lat: f64,
    min_lon: f64,
    max_lon: f64,
}

impl BoundingBox {
    fn of_point(p: GeoPoint) -> BoundingBox {
        BoundingBox {
            min_lat: p.lat,
            max_lat: p.lat,
            min_lon: p.lon,
            max_lon: p.lon,
        }
    }

    fn extend(&mut self, p: GeoPoint) {
        self.min_lat = self.min_lat.min(p.lat);
        self.max_lat = self.max_lat.max(p.lat);
        self.min_lon = self.min_lon.min(p.lon);
        self.max_lon = self.max_lon.max(p.lon);
    }

    /// A lower bound of the great-circle distance (km) between any point of `self` and any point
    /// of `other`: the haversine formula with the smallest latitude and longitude gaps and the
    /// cosine of the latitude nearest a pole (each term only shrinks), less 1 km for rounding.
    fn min_km_to(&self, other: &BoundingBox) -> f64 {
        let dlat = (self.min_lat - other.max_lat)
            .max(other.min_lat - self.max_lat)
            .max(0.0);
        let dlon = (self.min_lon - other.max_lon)
            .max(other.min_lon - self.max_lon)
            .max(0.0);
        // The other way round the globe, across the antimeridian: 360 less the span of both.
        let span = self.max_lon.max(other.max_lon) - self.min_lon.min(other.min_lon);
        let dlon = dlon.min((360.0 - span).max(0.0)).clamp(0.0, 180.0);
        let polar = [self.min_lat, self.max_lat, other.min_lat, other.max_lat]
            .iter()
            .fold(0.0f64, |m, l| m.max(l.abs()))
            .min(90.0);
        let a = (dlat.to_radians() / 2.0).sin().powi(2)
            + polar.to_radians().cos().powi(2) * (dlon.to_radians() / 2.0).sin().powi(2);
        2.0 * GeoPoint::EARTH_RADIUS_KM * a.clamp(0.0, 1.0).sqrt().asin() - 1.0
    }
}

/// Offers grouped by département, with the bounding box of their points, the regions and the
/// employment areas they lie in; offers without a point form a cell of their own.
pub(crate) struct Cells {
    of_offer: Vec<u32>,
    cells: Vec<Cell>,
}

struct Cell {
    departement: Option<Departement>,
    bounds: Option<BoundingBox>,
    regions: Vec<RegionCode>,
    bassins: Vec<BassinCode>,
}

impl Cells {
    /// The cells of `offers`; the regions of offers without one come from `territory`.
    pub fn new(offers: &[Offer], territory: &Territory) -> Cells {
        let mut index: BTreeMap<Option<&Departement>, u32> = BTreeMap::new();
        let mut cells: Vec<Cell> = Vec::new();
        let mut of_offer = Vec::with_capacity(offers.len());
        for offer in offers {
            let location = &offer.location;
            let key = location.point.map(|_| &location.departement);
            let id = *index.entry(key).or_insert_with(|| {
                cells.push(Cell {
                    departement: key.cloned(),
                    bounds: None,
                    regions: Vec::new(),
                    bassins: Vec::new(),
                });
                cells.len() as u32 - 1
            });
            let cell = &mut cells[id as usize];
            if let Some(p) = location.point {
                match &mut cell.bounds {
                    Some(b) => b.extend(p),
                    None => cell.bounds = Some(BoundingBox::of_point(p)),
                }
            }
            let region = location
                .region
                .or_else(|| territory.region_of(&location.departement));
            if let Some(r) = region.filter(|r| !cell.regions.contains(r)) {
                cell.regions.push(r);
            }
            if let Some(b) = location.bassin.filter(|b| !cell.bassins.contains(b)) {
                cell.bassins.push(b);
            }
            of_offer.push(id);
        }
        Cells { of_offer, cells }
    }

    /// The cell of each offer, by offer index.
    pub fn of_offer(&self) -> &[u32] {
        &self.of_offer
    }
}

impl Area {
    fn push(&mut self, p: GeoPoint) {
        if self.points.is_empty() {
            (self.min_lat, self.max_lat, self.min_lon, self.max_lon) = (p.lat, p.lat, p.lon, p.lon);
        }
        self.min_lat = self.min_lat.min(p.lat);
        self.max_lat = self.max_lat.max(p.lat);
        self.min_lon = self.min_lon.min(p.lon);
        self.max_lon = self.max_lon.max(p.lon);
        self.sum_lat += p.lat;
        self.sum_lon += p.lon;
        self.points.push(unit_vector(p));
    }

    /// The mean latitude and longitude of the area's commune points.
    fn centre(&self) -> Option<GeoPoint> {
        let n = self.points.len() as f64;
        (n > 0.0).then(|| GeoPoint {
            lat: self.sum_lat / n,
            lon: self.sum_lon / n,
        })
    }

    fn bounds(&self) -> Option<BoundingBox> {
        (!self.points.is_empty()).then_some(BoundingBox {
            min_lat: self.min_lat,
            max_lat: self.max_lat,
            min_lon: self.min_lon,
            max_lon: self.max_lon,
        })
    }

    /// The distance to the nearest point, or `None` when the bounding box is already farther
    /// than `reach_km` (or the area has no point). With `good_enough_km`, the search stops at the
    /// first point that close (the caller only needs to know the offer is that close).
    fn nearest_km(&self, p: GeoPoint, reach_km: f64, good_enough_km: f64) -> Option<f64> {
        if self.points.is_empty() {
            return None;
        }
        let clamped = GeoPoint {
            lat: p.lat.clamp(self.min_lat, self.max_lat),
            lon: p.lon.clamp(self.min_lon, self.max_lon),
        };
        // The clamped point lies in the box; any area point is at least about that far. A margin
        // covers the curvature of meridians and parallels over a région-sized box.
        if p.distance_km(clamped) > reach_km * 1.05 + 5.0 {
            return None;
        }
        let v = unit_vector(p);
        let good_enough = km_to_chord(good_enough_km.max(0.0));
        let good_enough_sq = good_enough * good_enough;
        let mut best = f64::INFINITY;
        for q in &self.points {
            let d = (v[0] - q[0]).powi(2) + (v[1] - q[1]).powi(2) + (v[2] - q[2]).powi(2);
            if d < best {
                best = d;
                if best <= good_enough_sq {
                    break;
                }
            }
        }
        Some(chord_to_km(best.sqrt()))
    }
}

impl<'a> Places<'a> {
    /// Groups the territory's commune points by area.
    pub fn new(territory: &'a Territory) -> Places<'a> {
        let mut bassins: BTreeMap<BassinCode, Area> = BTreeMap::new();
        let mut departements: BTreeMap<Departement, Area> = BTreeMap::new();
        let mut regions: BTreeMap<RegionCode, Area> = BTreeMap::new();
        for c in territory.communes.values() {
            let Some(p) = c.point else { continue };
            if let Some(b) = c.bassin {
                bassins.entry(b).or_default().push(p);
            }
            departements
                .entry(c.departement.clone())
                .or_default()
                .push(p);
            if let Some(r) = c.region {
                regions.entry(r).or_default().push(p);
            }
        }
        Places {
            territory,
            bassins,
            departements,
            regions,
        }
    }

    /// Where a need's place is drawn on a map: a commune's point, or the mean latitude and
    /// longitude of an area's commune points; `None` when no point is known.
    pub fn centre(&self, place: &NeedLocation) -> Option<GeoPoint> {
        match place {
            NeedLocation::Commune(code) => self.territory.commune(code).and_then(|c| c.point),
            NeedLocation::Bassin(b) => self.bassins.get(b).and_then(Area::centre),
            NeedLocation::Departement(d) => self.departements.get(d).and_then(Area::centre),
            NeedLocation::Region(r) => self.regions.get(r).and_then(Area::centre),
        }
    }

    /// Exact distance in km from an offer's location to the need's place, if both are located.
    pub fn distance_km(&self, need: &NeedLocation, offer: &Location) -> Option<f64> {
        match self.reach(need, offer, f64::INFINITY, 0.0) {
            Reach::Within(d) => Some(d),
            Reach::Far | Reach::Unknown => None,
        }
    }

    /// For each cell of `cells`, whether an offer of it may be within `reach_km` of the need's
    /// place (or at an unknown distance): `false` only when no offer of the cell can be.
    pub(crate) fn near_cells(
        &self,
        need: &NeedLocation,
        cells: &Cells,
        reach_km: f64,
    ) -> Vec<bool> {
        let place = match need {
            NeedLocation::Commune(code) => self
                .territory
                .commune(code)
                .and_then(|c| c.point)
                .map(BoundingBox::of_point),
            NeedLocation::Bassin(b) => self.bassins.get(b).and_then(Area::bounds),
            NeedLocation::Departement(d) => self.departements.get(d).and_then(Area::bounds),
            NeedLocation::Region(r) => self.regions.get(r).and_then(Area::bounds),
        };
        cells
            .cells
            .iter()
            .map(|cell| {
                let (Some(place), Some(bounds)) = (place, cell.bounds) else {
                    // Unknown distances stay candidates.
                    return true;
                };
                let inside = match need {
                    NeedLocation::Commune(_) => false,
                    NeedLocation::Bassin(b) => cell.bassins.contains(b),
                    NeedLocation::Departement(d) => cell.departement.as_ref() == Some(d),
                    NeedLocation::Region(r) => cell.regions.contains(r),
                };
                inside || place.min_km_to(&bounds) <= reach_km
            })
            .collect()
    }

    /// Whether the offer is within `reach_km` of the need's place. The search may stop at the
    /// first commune point of an area closer than `good_enough_km`, so the distance is exact only
    /// above that distance.
    pub(crate) fn reach(
        &self,
        need: &NeedLocation,
        offer: &Location,
        reach_km: f64,
        good_enough_km: f64,
    ) -> Reach {
        let Some(point) = offer.point else {
            return Reach::Unknown;
        };
        let (area, inside) = match need {
            NeedLocation::Commune(code) => {
                let Some(p) = self.territory.commune(code).and_then(|c| c.point) else {
                    return Reach::Unknown;
                };
                let d = point.distance_km(p);
                return if d <= reach_km {
                    Reach::Within(d)
                } else {
                    Reach::Far
                };
            }
            NeedLocation::Bassin(b) => (self.bassins.get(b), offer.bassin == Some(*b)),
            NeedLocation::Departement(d) => (self.departements.get(d), &offer.departement == d),
            NeedLocation::Region(r) => {
                let region = offer
                    .region
                    .or_else(|| self.territory.region_of(&offer.departement));
                (self.regions.get(r), region == Some(*r))
            }
        };
        if inside {
            return Reach::Within(0.0);
        }
        let Some(area) = area else {
            return Reach::Unknown;
        };
        match area.nearest_km(point, reach_km, good_enough_km) {
            Some(d) if d <= reach_km => Reach::Within(d),
            _ => Reach::Far,
        }
    }
}
