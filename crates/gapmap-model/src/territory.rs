//! The territory: communes with their coordinates, départements, regions and BMO employment areas.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{BassinCode, Departement, InseeCommune, Postcode, RegionCode};

/// A point in WGS84 degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
}

impl GeoPoint {
    /// Mean Earth radius used for distances.
    pub const EARTH_RADIUS_KM: f64 = 6371.0088;

    /// Makes a point if both coordinates are finite and in range.
    pub fn new(lat: f64, lon: f64) -> Option<GeoPoint> {
        let ok = lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
        ok.then_some(GeoPoint { lat, lon })
    }

    /// Great-circle (haversine) distance in kilometres.
    ///
    /// ```
    /// use gapmap_model::GeoPoint;
    /// let lille = GeoPoint::new(50.6292, 3.0573).unwrap();
    /// let amiens = GeoPoint::new(49.8941, 2.2958).unwrap();
    /// let d = lille.distance_km(amiens);
    /// assert!((d - 99.0).abs() < 2.0, "{d}");
    /// ```
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * Self::EARTH_RADIUS_KM * a.sqrt().asin()
    }
}

/// A commune of the Code officiel géographique.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Commune {
    /// INSEE code.
    pub code: InseeCommune,
    /// Name as published ("Château-Thierry").
    pub name: String,
    /// Département.
    pub departement: Departement,
    /// Region, if the commune belongs to one.
    pub region: Option<RegionCode>,
    /// Postcodes served.
    pub postcodes: Vec<Postcode>,
    /// Population, if published.
    pub population: Option<u32>,
    /// Reference point (IGN/INSEE commune points).
    pub point: Option<GeoPoint>,
    /// BMO employment area.
    pub bassin: Option<BassinCode>,
}

/// A département with its region and académie.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepartementInfo {
    /// Code.
    pub code: Departement,
    /// Name ("Nord").
    pub name: String,
    /// Region.
    pub region: Option<RegionCode>,
    /// Académie name ("Lille").
    pub academie: Option<String>,
}

/// A BMO employment area.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bassin {
    /// Code.
    pub code: BassinCode,
    /// Name ("LILLE").
    pub name: String,
    /// Region.
    pub region: Option<RegionCode>,
}

/// All territorial tables, keyed for lookup.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Territory {
    /// Communes by INSEE code.
    pub communes: BTreeMap<InseeCommune, Commune>,
    /// Départements by code.
    pub departements: BTreeMap<Departement, DepartementInfo>,
    /// Region names by code.
    pub regions: BTreeMap<RegionCode, String>,
    /// BMO employment areas by code.
    pub bassins: BTreeMap<BassinCode, Bassin>,
    /// Codes that are not current communes but name one: communes déléguées and associées,
    /// Paris/Lyon/Marseille arrondissements, and former codes of merged communes (COG
    /// `anciensCodes`), each mapped to the current commune it belongs to.
    #[serde(default)]
    pub former_codes: BTreeMap<InseeCommune, InseeCommune>,
}

impl Territory {
    /// The region a département belongs to.
    pub fn region_of(&self, departement: &Departement) -> Option<RegionCode> {
        self.departements.get(departement).and_then(|d| d.region)
    }

    /// The current commune a code names: the commune itself, or the current commune a former,
    /// delegated or associated commune or a municipal arrondissement belongs to.
    pub fn commune(&self, code: &InseeCommune) -> Option<&Commune> {
        self.communes.get(code).or_else(|| {
            self.former_codes
                .get(code)
                .and_then(|current| self.communes.get(current))
        })
    }

    /// The communes of a département.
    pub fn communes_of(&self, departement: &Departement) -> impl Iterator<Item = &Commune> + '_ {
        let departement = departement.clone();
        self.communes
            .values()
            .filter(move |c| c.departement == departement)
    }

    /// The mean of the points of a département's communes (`None` if none has a point): where an
    /// offer located only by its département is put.
    pub fn departement_centroid(&self, departement: &Departement) -> Option<GeoPoint> {
        let (mut lat, mut lon, mut n) = (0.0, 0.0, 0u32);
        for point in self.communes_of(departement).filter_map(|c| c.point) {
            lat += point.lat;
            lon += point.lon;
            n += 1;
        }
        (n > 0).then(|| GeoPoint {
            lat: lat / f64::from(n),
            lon: lon / f64::from(n),
        })
    }

    /// The communes of a region.
    pub fn communes_in(&self, region: RegionCode) -> impl Iterator<Item = &Commune> + '_ {
        self.communes
            .values()
            .filter(move |c| c.region == Some(region))
    }
}
