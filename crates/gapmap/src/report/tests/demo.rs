//! A demonstration input that looks like a real regional report: real commune points of
//! Hauts-de-France (from the data folder), real ROME codes and employment areas, invented figures
//! (hence the illustrative-data notice).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::super::*;

/// The data folder: `GAPMAP_DATA`, or `/work/shared/datasets` seen from the crate.
pub fn data_dir() -> PathBuf {
    std::env::var_os("GAPMAP_DATA").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"),
        PathBuf::from,
    )
}

/// The data folder when it exists; `None` (with a notice) when it does not, outside CI. Under CI
/// (`CI` set) a missing folder is an error.
pub fn data_dir_or_skip() -> anyhow::Result<Option<PathBuf>> {
    let dir = data_dir();
    if dir.is_dir() {
        return Ok(Some(dir));
    }
    if std::env::var_os("CI").is_some() {
        anyhow::bail!("data folder {} is missing", dir.display());
    }
    eprintln!(
        "notice: data folder {} is missing; test skipped",
        dir.display()
    );
    Ok(None)
}

/// Points of the communes of Hauts-de-France (départements 02, 59, 60, 62, 80) from
/// `geo/corresp_geo_point_codes_communes.csv` (`;`, leading unnamed index column; INSEE code in the
/// fourth column, latitude and longitude in the fifth and sixth).
pub fn region_commune_points(data: &Path) -> anyhow::Result<Vec<GeoPoint>> {
    let path = data.join("geo/corresp_geo_point_codes_communes.csv");
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_path(&path)?;
    let mut points = Vec::new();
    for record in reader.records() {
        let record = record?;
        let code = record.get(3).unwrap_or_default();
        if code.len() == 5
            && ["02", "59", "60", "62", "80"]
                .iter()
                .any(|d| code.starts_with(d))
        {
            let lat: f64 = record.get(4).unwrap_or_default().parse()?;
            let lon: f64 = record.get(5).unwrap_or_default().parse()?;
            points.push(GeoPoint { lat, lon });
        }
    }
    Ok(points)
}

fn row(key: &str, label: &str, demand: f64, covered: f64) -> TableRow {
    super::gap_row(key, label, demand, covered, demand < 15.0)
}

const TOWNS: [(&str, f64, f64, f64); 22] = [
    ("Lille", 50.633, 3.057, 96.0),
    ("Dunkerque", 51.034, 2.377, 58.0),
    ("Calais", 50.951, 1.858, 22.0),
    ("Boulogne-sur-Mer", 50.726, 1.614, 17.0),
    ("Arras", 50.291, 2.777, 19.0),
    ("Lens", 50.432, 2.832, 41.0),
    ("Valenciennes", 50.357, 3.523, 47.0),
    ("Maubeuge", 50.278, 3.973, 28.0),
    ("Amiens", 49.894, 2.296, 44.0),
    ("Abbeville", 50.105, 1.835, 9.0),
    ("Beauvais", 49.430, 2.081, 23.0),
    ("Compiègne", 49.418, 2.826, 18.0),
    ("Creil", 49.259, 2.474, 36.0),
    ("Saint-Quentin", 49.847, 3.288, 27.0),
    ("Laon", 49.564, 3.620, 8.0),
    ("Soissons", 49.381, 3.323, 12.0),
    ("Château-Thierry", 49.046, 3.403, 6.0),
    ("Roubaix", 50.690, 3.181, 39.0),
    ("Douai", 50.370, 3.080, 21.0),
    ("Cambrai", 50.176, 3.235, 14.0),
    ("Saint-Omer", 50.750, 2.252, 11.0),
    ("Béthune", 50.530, 2.640, 24.0),
];

/// The demonstration input over `outline_points`.
pub fn demo_input(outline_points: Vec<GeoPoint>) -> ReportInput {
    let rome = vec![
        row("H2913", "Soudage manuel", 140.0, 52.0),
        row(
            "I1304",
            "Installation et maintenance d'équipements industriels et d'exploitation",
            120.0,
            61.0,
        ),
        row(
            "N1101",
            "Conduite de transport de marchandises sur longue distance",
            88.0,
            30.0,
        ),
        row("I1310", "Maintenance mécanique industrielle", 75.0, 28.0),
        row("H2903", "Conduite d'équipement d'usinage", 60.0, 22.0),
        row("K2503", "Sécurité et surveillance privées", 50.0, 18.0),
        row("F1602", "Électricité bâtiment", 58.0, 31.0),
        row("G1602", "Personnel de cuisine", 70.0, 45.0),
        row("M1805", "Études et développement informatique", 95.0, 70.0),
        row("J1506", "Soins infirmiers généralistes", 80.0, 58.0),
        row(
            "I1604",
            "Mécanique automobile et entretien de véhicules",
            64.0,
            40.0,
        ),
        row(
            "H1203",
            "Conception et dessin produits mécaniques",
            26.0,
            9.0,
        ),
        row(
            "I1607",
            "Réparation de cycles, motocycles et motoculteurs de loisirs",
            12.0,
            4.0,
        ),
        row("M1607", "Secrétariat", 30.0, 28.0),
    ];
    let competence = vec![
        row(
            "C-SOUD",
            "Réaliser une soudure TIG, MIG ou à l'arc",
            150.0,
            50.0,
        ),
        row(
            "C-DIAG",
            "Diagnostiquer une panne sur un équipement électrique",
            130.0,
            62.0,
        ),
        row("C-PL", "Conduire un poids lourd (permis C, CE)", 90.0, 31.0),
        row("C-PLAN", "Lire un plan, un schéma technique", 160.0, 112.0),
        row("C-HAB", "Habilitation électrique B1V, BR", 70.0, 33.0),
        row(
            "C-CN",
            "Programmer une machine à commande numérique",
            55.0,
            21.0,
        ),
        row("C-SSIAP", "Sécurité incendie (SSIAP 1)", 45.0, 16.0),
        row(
            "C-HACCP",
            "Appliquer les règles d'hygiène alimentaire (HACCP)",
            66.0,
            44.0,
        ),
        row("C-DEV", "Développer une application web", 80.0, 62.0),
    ];
    let level = vec![
        row("3", "Niveau 3 — CAP, BEP", 380.0, 190.0),
        row("4", "Niveau 4 — Bac professionnel, BP", 340.0, 178.0),
        row("5", "Niveau 5 — BTS, BUT", 260.0, 172.0),
        row("6", "Niveau 6 — Licence professionnelle", 75.0, 40.0),
        row("7", "Niveau 7 — Master, ingénieur", 17.0, 16.0),
    ];
    let departement = vec![
        row("02", "Aisne", 96.0, 43.0),
        row("59", "Nord", 468.0, 267.0),
        row("60", "Oise", 149.0, 72.0),
        row("62", "Pas-de-Calais", 259.0, 141.0),
        row("80", "Somme", 100.0, 73.0),
    ];
    let bassin = vec![
        row("3216", "Lille", 210.0, 114.0),
        row("3218", "Dunkerque", 98.0, 40.0),
        row("3221", "Valenciennes", 84.0, 37.0),
        row("3227", "Lens", 76.0, 35.0),
        row("3202", "Amiens", 80.0, 36.0),
        row("3217", "Versant nord-est Roubaix-Tourcoing", 82.0, 43.0),
        row("3211", "Compiègne", 45.0, 27.0),
        row("3204", "Saint-Quentin", 50.0, 23.0),
    ];
    let buyer = vec![
        row("MINARM", "Ministère des Armées", 312.0, 170.0),
        row("BMO", "France Travail — enquête BMO 2024", 760.0, 426.0),
    ];
    let mut gaps_by = BTreeMap::new();
    gaps_by.insert(Axis::Rome, rome);
    gaps_by.insert(Axis::Competence, competence);
    gaps_by.insert(Axis::Level, level);
    gaps_by.insert(Axis::Departement, departement);
    gaps_by.insert(Axis::Bassin, bassin);
    gaps_by.insert(Axis::Buyer, buyer);

    let sites = TOWNS
        .iter()
        .enumerate()
        .flat_map(|(i, (town, lat, lon, _))| {
            let count = 1 + i % 3;
            (0..count).map(move |j| Site {
                label: format!("Lycée professionnel {} n° {}", town, j + 1),
                lat: lat + 0.03 * (j as f64 - 1.0),
                lon: lon + 0.04 * ((i + j) % 3) as f64 - 0.04,
                seats: Some(24.0),
            })
        })
        .collect();
    let uncovered = TOWNS
        .iter()
        .map(|(town, lat, lon, gap)| DemandPoint {
            label: (*town).to_owned(),
            lat: *lat,
            lon: *lon,
            gap: *gap,
        })
        .collect();
    let lacks = |items: &[&str]| items.iter().map(|item| (*item).to_owned()).collect();
    ReportInput {
        title: "Écarts entre besoins de recrutement et offre de formation — Hauts-de-France".to_owned(),
        generated_at: "26/11/2026 12:00".to_owned(),
        lang: Lang::Fr,
        data_note: Some("données de démonstration illustratives".to_owned()),
        config_toml: "[matching]\nradius_km = 40\nmin_score = 0.45\n\n[weights]\nrome = 0.5\ncompetences = 0.3\nlevel = 0.2\n\n[supply]\ngraduation_rate = 0.8\nleakage = 0.25\n".to_owned(),
        sources: vec![
            SourceCredit {
                publisher: "France Travail".to_owned(),
                dataset: "Répertoire opérationnel des métiers et des emplois (ROME 4.0)".to_owned(),
                licence: "Licence Ouverte / Open Licence 2.0".to_owned(),
            },
            SourceCredit {
                publisher: "France Travail".to_owned(),
                dataset: "Enquête Besoins en Main-d'Œuvre 2024".to_owned(),
                licence: "Licence Ouverte / Open Licence 2.0".to_owned(),
            },
            SourceCredit {
                publisher: "Ministère de l'Éducation nationale".to_owned(),
                dataset: "Affelnet lycée, capacités d'accueil 2022".to_owned(),
                licence: "Licence Ouverte / Open Licence 2.0".to_owned(),
            },
            SourceCredit {
                publisher: "IGN / INSEE".to_owned(),
                dataset: "Points des communes 2025".to_owned(),
                licence: "Licence Ouverte / Open Licence 2.0".to_owned(),
            },
        ],
        summary: vec![
            row("armees", "Ministère des Armées", 312.0, 170.0),
            row("bmo", "France Travail — enquête BMO 2024", 760.0, 426.0),
        ],
        total: row("total", "Total", 1072.0, 596.0),
        count_adjacent: false,
        gaps_by,
        sites,
        uncovered,
        outline_points,
        big_gaps: vec![
            BigGap {
                need_label: "Soudeur TIG (H2913) — bassin de Dunkerque — Ministère des Armées".to_owned(),
                gap: 38.0,
                closest_offers: vec![
                    ClosestOffer {
                        label: "Bac pro Technicien en chaudronnerie industrielle".to_owned(),
                        school: "Lycée professionnel, Dunkerque".to_owned(),
                        distance_km: Some(3.2),
                        score: 0.71,
                        lacks: lacks(&["compétence : soudure TIG", "places : 12 pour 38"]),
                    graduates: 0.0, pressure: None, pressure_mean: None, employment_6m: None, employment_6m_mean: None, },
                    ClosestOffer {
                        label: "CAP Réalisations industrielles en chaudronnerie ou soudage".to_owned(),
                        school: "CFA de l'industrie, Calais".to_owned(),
                        distance_km: Some(41.0),
                        score: 0.64,
                        lacks: lacks(&["distance : 41 km", "niveau : 3 au lieu de 4"]),
                    graduates: 0.0, pressure: None, pressure_mean: None, employment_6m: None, employment_6m_mean: None, },
                ],
            },
            BigGap {
                need_label: "Conducteur poids lourd (N1101) — bassin de Lens — BMO 2024".to_owned(),
                gap: 29.0,
                closest_offers: vec![ClosestOffer {
                    label: "Titre professionnel Conducteur du transport routier de marchandises".to_owned(),
                    school: "AFPA, Liévin".to_owned(),
                    distance_km: Some(6.8),
                    score: 0.82,
                    lacks: lacks(&["places : 10 pour 29"]),
                graduates: 0.0, pressure: None, pressure_mean: None, employment_6m: None, employment_6m_mean: None, }],
            },
        ],
        supply: None,
        horizon: None,
        recommendations: None,
        scenario: Some(ScenarioDelta {
            supply_notes: Vec::new(),
            description: "Ouvrir 24 places de Bac pro chaudronnerie à Dunkerque et 12 places de CAP soudage à Lens".to_owned(),
            rows: vec![
                ScenarioRow {
                    label: "Soudage manuel (H2913)".to_owned(),
                    before: 88.0,
                    after: 61.0,
                    delta: -27.0,
                },
                ScenarioRow {
                    label: "Bassin de Dunkerque".to_owned(),
                    before: 58.0,
                    after: 39.0,
                    delta: -19.0,
                },
                ScenarioRow {
                    label: "Bassin de Lens".to_owned(),
                    before: 41.0,
                    after: 33.0,
                    delta: -8.0,
                },
            ],
        }),
    }
}
