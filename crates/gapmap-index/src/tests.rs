//! Tests on small hand-built values, plus the resolve accuracy test on the real ROME referential.

use std::fmt::Write as _;

use expect_test::{Expect, expect};
use gapmap_match::TextSource;
use gapmap_model::{
    Appellation, Capacity, Certification, Competence, CompetenceKind, GeoPoint, Location,
    LocationPrecision, Metier, MetierCompetence, Offer, OfferId, OfferSource, Referential,
    SchoolCode, SkillBlock, TrainingMode,
};

use crate::{GapmapIndex, IndexError, Near, OfferQuery, OpenOutcome};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn code<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap_or_else(|e| panic!("test code {s}: {e:?}"))
}

fn metier(c: &str, parent: &str, label: &str) -> Metier {
    Metier {
        transitions: Default::default(),
        code: code(c),
        parent: code(parent),
        ogr: code("1"),
        label: label.into(),
        domain: c[..3].into(),
        domain_label: String::new(),
        themes: Vec::new(),
        regulated: false,
        manager: false,
    }
}

fn appellation(ogr: &str, rome: &str, parent: &str, label: &str) -> Appellation {
    Appellation {
        ogr: code(ogr),
        label: label.into(),
        short_label: label.into(),
        rome: code(rome),
        rome_parent: code(parent),
        rare: false,
    }
}

fn referential() -> Referential {
    let mut r = Referential::default();
    for m in [
        metier(
            "M1802",
            "M1802",
            "Expertise et support en systèmes d'information",
        ),
        metier("M1856", "M1802", "Expert / Experte en cybersécurité"),
        metier(
            "A1101",
            "A1101",
            "Conducteur / Conductrice d'engins agricoles",
        ),
        metier(
            "I1304",
            "I1304",
            "Installation et maintenance d'équipements industriels",
        ),
        metier("N3203", "N3203", "Manutention portuaire"),
    ] {
        r.metiers.insert(m.code, m);
    }
    r.appellations = vec![
        appellation(
            "38834",
            "M1856",
            "M1802",
            "Expert / Experte en cybersécurité",
        ),
        appellation("38835", "M1856", "M1802", "Analyste en cybersécurité"),
        appellation(
            "12001",
            "A1101",
            "A1101",
            "Conducteur / Conductrice de tracteur",
        ),
        appellation(
            "12002",
            "I1304",
            "I1304",
            "Technicien / Technicienne de maintenance industrielle",
        ),
        appellation("10229", "N3203", "N3203", "Acconier / Acconière de l'armée"),
    ];
    for (ogr, label, kind) in [
        (
            "100001",
            "Détecter une intrusion sur un réseau informatique",
            CompetenceKind::KnowHow,
        ),
        (
            "100002",
            "Conduire un engin agricole",
            CompetenceKind::KnowHow,
        ),
        (
            "100003",
            "Réparer un équipement industriel",
            CompetenceKind::KnowHow,
        ),
        ("100004", "Sécurité des réseaux", CompetenceKind::Knowledge),
    ] {
        let c = Competence {
            ogr: code(ogr),
            label: label.into(),
            kind,
            category: String::new(),
            subcategory: String::new(),
            macro_competence: None,
        };
        r.competences.insert(c.ogr, c);
    }
    for (rome, ogr, core) in [
        ("M1856", "100001", true),
        ("M1802", "100004", true),
        ("A1101", "100002", true),
        ("I1304", "100003", false),
    ] {
        r.metier_competences.push(MetierCompetence {
            rome: code(rome),
            competence: code(ogr),
            core,
        });
    }
    r.certifications = vec![Certification {
        certif_info_id: 1,
        label: "BTS services informatiques aux organisations option solutions d'infrastructure"
            .into(),
        kind_label: "BTS".into(),
        level: code::<u8>("5").try_into().ok(),
        formacodes: Vec::new(),
        rome: vec![code("M1802")],
        nsf: None,
        rncp: Some(code("RNCP35340")),
        rs: None,
        cfd: Some(code("32032612")),
        active: true,
        replaces: None,
    }];
    r.skill_blocks.insert(
        code("RNCP35340"),
        vec![SkillBlock {
            code: code("RNCP35340BC02"),
            label: "Administration des systèmes et des réseaux".into(),
        }],
    );
    r
}

struct OfferSpec {
    uai: &'static str,
    label: &'static str,
    rome: &'static str,
    level: u8,
    mode: TrainingMode,
    point: (f64, f64),
    commune: &'static str,
    region: u8,
    bassin: u16,
    cfd: Option<&'static str>,
}

fn offer(s: &OfferSpec) -> Offer {
    let school: SchoolCode = code(s.uai);
    let code_part = s.cfd.unwrap_or("00000000");
    Offer {
        intake: Default::default(),
        id: OfferId::new(OfferSource::ParcoursupBts, 2024, school, code_part, s.mode),
        source: OfferSource::ParcoursupBts,
        year: 2024,
        school,
        school_name: Some("Lycée test".into()),
        location: Location {
            commune: Some(code(s.commune)),
            departement: school.departement(),
            region: Some(code(&s.region.to_string())),
            bassin: Some(code(&s.bassin.to_string())),
            point: GeoPoint::new(s.point.0, s.point.1),
            precision: LocationPrecision::Commune,
        },
        label: s.label.into(),
        cfd: s.cfd.map(code),
        mefstat11: None,
        rncp: Vec::new(),
        level: s.level.try_into().ok(),
        nsf: None,
        formacodes: Vec::new(),
        rome: vec![code(s.rome)],
        mode: s.mode,
        duration_years: Some(2),
        capacity: Capacity::Seats(24),
        applications: None,
        outcomes: None,
    }
}

/// Valid UAIs (check letter computed) in 59 (Lille), 62 (Arras), 80 (Amiens) and 75 (Paris).
fn offers() -> Vec<Offer> {
    let lille = (50.6292, 3.0573);
    let arras = (50.2910, 2.7775);
    let amiens = (49.8941, 2.2958);
    let paris = (48.8566, 2.3522);
    let specs = [
        OfferSpec {
            uai: "0590001F",
            label: "BTS SIO option SISR cybersécurité",
            rome: "M1802",
            level: 5,
            mode: TrainingMode::School,
            point: lille,
            commune: "59350",
            region: 32,
            bassin: 3211,
            cfd: Some("32032612"),
        },
        OfferSpec {
            uai: "0590002G",
            label: "BTS SIO",
            rome: "M1802",
            level: 5,
            mode: TrainingMode::Apprenticeship,
            point: lille,
            commune: "59350",
            region: 32,
            bassin: 3211,
            cfd: Some("32032612"),
        },
        OfferSpec {
            uai: "0620001P",
            label: "Bac pro agroéquipement conduite d'engins",
            rome: "A1101",
            level: 4,
            mode: TrainingMode::School,
            point: arras,
            commune: "62041",
            region: 32,
            bassin: 3220,
            cfd: None,
        },
        OfferSpec {
            uai: "0800001S",
            label: "Bac pro maintenance des systèmes de production connectés",
            rome: "I1304",
            level: 4,
            mode: TrainingMode::School,
            point: amiens,
            commune: "80021",
            region: 32,
            bassin: 3240,
            cfd: None,
        },
        OfferSpec {
            uai: "0750001U",
            label: "BTS cyber sécurité des réseaux",
            rome: "M1802",
            level: 5,
            mode: TrainingMode::School,
            point: paris,
            commune: "75056",
            region: 11,
            bassin: 1101,
            cfd: None,
        },
    ];
    specs.iter().map(offer).collect()
}

fn index() -> Result<GapmapIndex, IndexError> {
    GapmapIndex::build_in_ram(&offers(), &referential())
}

#[track_caller]
fn check_search(index: &GapmapIndex, query: OfferQuery, expect: Expect) {
    let rendered = match index.search_offers(&query) {
        Ok(hits) => {
            // The order is the scores' (a term held in a field but not counted as held would
            // break it).
            assert!(
                hits.windows(2).all(|w| w[0].score >= w[1].score - 1e-9),
                "scores out of order"
            );
            let mut out = String::new();
            for h in hits {
                let b = &h.breakdown;
                // The parts add up to the BM25 tantivy's own term queries give the offer.
                let sum: f64 = b.parts.iter().map(|p| p.bm25).sum();
                let own = index
                    .offers
                    .tantivy_bm25(&query.text, &h.offer, &|t| index.referential.knows(t))
                    .unwrap_or(f64::NAN);
                assert!(
                    (sum - own).abs() <= 1e-4 * own.max(1.0) && (b.bm25 - sum).abs() < 1e-9,
                    "{}: parts add up to {sum}, tantivy scores {own}, bm25 {}",
                    h.offer,
                    b.bm25
                );
                // The ranking query scores the coordinated BM25 of the parts.
                let ranked = index
                    .offers
                    .ranking_score(&query.text, &h.offer, &|t| index.referential.knows(t))
                    .unwrap_or(f64::NAN);
                let expected = crate::ranking::coordinated(
                    sum,
                    b.terms_found,
                    b.terms_named,
                    b.terms_searched,
                );
                assert!(
                    (ranked - expected).abs() <= 1e-4 * expected.max(1.0),
                    "{}: ranked {ranked}, coordinated parts {expected}",
                    h.offer
                );
                let parts: Vec<String> = b
                    .parts
                    .iter()
                    .map(|p| format!("{}:{}={:.2}", p.field, p.term, p.bm25))
                    .collect();
                let distance = b
                    .distance_km
                    .map(|d| format!(" {d:.0}km"))
                    .unwrap_or_default();
                let line = [
                    format!("{} {:.2}{distance}", h.offer, h.score),
                    format!("[{}]", h.matched_terms.join(",")),
                    parts.join(" "),
                    b.filters.join(" "),
                ]
                .into_iter()
                .filter(|piece| !piece.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
                let _ = writeln!(out, "{}", line.trim_end());
            }
            out
        }
        Err(e) => format!("error: {e}\n"),
    };
    expect.assert_eq(&rendered);
}

fn text(t: &str) -> OfferQuery {
    OfferQuery {
        text: t.into(),
        ..OfferQuery::default()
    }
}

#[test]
fn offer_search() -> TestResult {
    let index = index()?;
    check_search(
        &index,
        text("cybersécurité"),
        expect![[r#"
            parcoursup-bts:2024:0750001U:00000000:school 1.00 [cybersécurité] label:cyb=2.77 label:securit=2.77 rome_label:cyb=0.73 rome_label:securit=0.73 competence_text:securit=0.36
            parcoursup-bts:2024:0590001F:32032612:school 0.88 [cybersécurité] label:cyb=2.34 label:securit=2.34 rome_label:cyb=0.73 rome_label:securit=0.73 competence_text:securit=0.36
            parcoursup-bts:2024:0590002G:32032612:apprenticeship 0.12 [cybersécurité] rome_label:cyb=0.73 rome_label:securit=0.73 competence_text:securit=0.36
        "#]],
    );
    check_search(
        &index,
        text("conductrice d'engins"),
        expect![[r#"
            parcoursup-bts:2024:0620001P:00000000:school 1.00 [conductrice,engins] label:engin=4.02 rome_label:conducteur=3.20 rome_label:engin=2.46 rome_title:conducteur=1.44 competence_text:engin=0.76
        "#]],
    );
    check_search(
        &index,
        OfferQuery {
            rome: vec![code("M1856")],
            ..OfferQuery::default()
        },
        expect![[r#"
            parcoursup-bts:2024:0590001F:32032612:school 0.00 [] rome=M1802|M1856
            parcoursup-bts:2024:0590002G:32032612:apprenticeship 0.00 [] rome=M1802|M1856
            parcoursup-bts:2024:0750001U:00000000:school 0.00 [] rome=M1802|M1856
        "#]],
    );
    check_search(
        &index,
        OfferQuery {
            text: "réseaux".into(),
            min_level: code::<u8>("5").try_into().ok(),
            mode: Some(TrainingMode::School),
            regions: vec![code("32")],
            ..OfferQuery::default()
        },
        expect![[r#"
            parcoursup-bts:2024:0590001F:32032612:school 1.00 [réseaux] skill_block:reseau=0.54 competence_text:reseau=0.36 level=5.. mode=school region=32
        "#]],
    );
    check_search(
        &index,
        OfferQuery {
            near: Some(Near {
                center: GeoPoint::new(50.6292, 3.0573).ok_or("Lille's point")?,
                radius_km: 60.0,
            }),
            ..OfferQuery::default()
        },
        expect![[r#"
            parcoursup-bts:2024:0590001F:32032612:school 0.00 0km [] within=60km
            parcoursup-bts:2024:0590002G:32032612:apprenticeship 0.00 0km [] within=60km
            parcoursup-bts:2024:0620001P:00000000:school 0.00 43km [] within=60km
        "#]],
    );
    check_search(
        &index,
        OfferQuery {
            departements: vec![code("80"), code("62")],
            bassins: vec![code("3240")],
            ..OfferQuery::default()
        },
        expect![[r#"
            parcoursup-bts:2024:0800001S:00000000:school 0.00 [] departement=80|62 bassin=3240
        "#]],
    );
    check_search(
        &index,
        OfferQuery {
            near: Some(Near {
                center: GeoPoint::new(50.6292, 3.0573).ok_or("Lille's point")?,
                radius_km: -1.0,
            }),
            ..OfferQuery::default()
        },
        expect![[r#"
            error: invalid query: radius -1 km is not a distance
        "#]],
    );
    check_search(
        &index,
        OfferQuery {
            min_level: code::<u8>("6").try_into().ok(),
            max_level: code::<u8>("4").try_into().ok(),
            ..OfferQuery::default()
        },
        expect![[r#"
            error: invalid query: level range 6..4 is empty
        "#]],
    );
    Ok(())
}

/// A word found nowhere (neither in the map's names nor in the ROME referential) is searched
/// as the closest term of the map, and said; a word the referential knows, a short word, or a
/// word whose first letter differs is never corrected (a false friend is worse than nothing).
#[test]
fn typos_are_corrected_and_said() -> TestResult {
    let index = index()?;
    let check = |text: &str, expect: Expect| -> TestResult {
        let hits = index.search_offers(&OfferQuery {
            text: text.into(),
            limit: 1,
            ..OfferQuery::default()
        })?;
        let corrections: Vec<String> = hits
            .first()
            .map(|h| {
                h.breakdown
                    .corrections
                    .iter()
                    .map(|c| format!("{} ({}) -> {}", c.word, c.term, c.searched))
                    .collect()
            })
            .unwrap_or_default();
        let first = hits.first().map(|h| h.label.as_str()).unwrap_or("nothing");
        expect.assert_eq(&format!("{first}: [{}]", corrections.join(", ")));
        Ok(())
    };
    // Letters swapped, one letter doubled: one edit. Two edits once stemmed ("maintenace" stems
    // to "maintenac", "maintenence" to "maintenent"): not corrected.
    check("maintenace", expect!["nothing: []"])?;
    check("maintenence", expect!["nothing: []"])?;
    check(
        "systtèmes",
        expect![
            "Bac pro maintenance des systèmes de production connectés: [systtèmes (systtem) -> system]"
        ],
    )?;
    check(
        "sécuirté",
        expect!["BTS cyber sécurité des réseaux: [sécuirté (secuirt) -> securit]"],
    )?;
    // Known ("agricoles"), too short, first letter changed.
    check(
        "agricoles",
        expect!["Bac pro agroéquipement conduite d'engins: []"],
    )?;
    check("sjo", expect!["nothing: []"])?;
    // In a competence of the referential, in no offer's text: a real word, not corrected.
    check("réparer", expect!["nothing: []"])?;
    check("naintenance", expect!["nothing: []"])?;
    Ok(())
}

/// The three spellings of "cybersécurité" find the same offers in the same order.
#[test]
fn compound_spellings_agree() -> TestResult {
    let index = index()?;
    let ids = |t: &str| -> Result<Vec<String>, IndexError> {
        Ok(index
            .search_offers(&text(t))?
            .into_iter()
            .map(|h| h.offer.to_string())
            .collect())
    };
    let glued = ids("cybersécurité")?;
    assert!(!glued.is_empty());
    assert_eq!(glued, ids("cybersecurite")?);
    assert_eq!(glued, ids("cyber securite")?);
    assert_eq!(glued, ids("Cyber-Sécurité")?);
    Ok(())
}

#[track_caller]
fn check_resolve(index: &GapmapIndex, input: &str, expect: Expect) {
    let rendered = match index.resolve(input, 3) {
        Ok(found) => found
            .iter()
            .map(|r| format!("{} {:.2} {}\n", r.rome, r.confidence, r.label))
            .collect::<String>(),
        Err(e) => format!("error: {e}\n"),
    };
    expect.assert_eq(&rendered);
}

#[test]
fn resolve() -> TestResult {
    let index = index()?;
    check_resolve(
        &index,
        "experte cybersecurite",
        expect![[r#"
        M1856 0.93 Expert / Experte en cybersécurité
    "#]],
    );
    check_resolve(
        &index,
        "conductrice de tracteur",
        expect![[r#"
        A1101 1.00 Conducteur / Conductrice de tracteur
    "#]],
    );
    check_resolve(
        &index,
        "tehcnicien maintenance industrielle",
        expect![[r#"
        I1304 0.96 Technicien / Technicienne de maintenance industrielle
    "#]],
    );
    check_resolve(
        &index,
        "acconier",
        expect![[r#"
        N3203 0.87 Acconier / Acconière de l'armée
    "#]],
    );
    check_resolve(&index, "de la", expect![[r#""#]]);
    Ok(())
}

#[test]
fn competences() -> TestResult {
    let index = index()?;
    let found = index.competences("sécurité réseau", 5)?;
    let rendered: String = found
        .iter()
        .map(|c| format!("{} {:?} {:.2} {}\n", c.ogr, c.kind, c.relevance, c.label))
        .collect();
    expect![[r#"
        100004 Knowledge 1.00 Sécurité des réseaux
        100001 KnowHow 0.23 Détecter une intrusion sur un réseau informatique
    "#]]
    .assert_eq(&rendered);
    Ok(())
}

#[track_caller]
fn check_relevance(index: &GapmapIndex, specialty: &str, expect: Expect) {
    let rendered: String = index
        .text_relevance(specialty)
        .iter()
        .map(|hit| {
            format!(
                "{} {:.2} [{}]\n",
                hit.offer,
                hit.relevance,
                index.matched_terms(specialty, &hit.offer).join(",")
            )
        })
        .collect();
    expect.assert_eq(&rendered);
}

#[test]
fn text_relevance_is_comparable_across_specialties() -> TestResult {
    let index = index()?;
    // "analyste" names no offer, so it tells none apart: the relevance is the share of the
    // words that do. The value does not depend on the other hits of the query (no
    // normalisation to the best hit): "réseaux sécurité" gives each offer its share of the two
    // words' rarity weights.
    check_relevance(
        &index,
        "Analyste cybersécurité",
        expect![[r#"
            parcoursup-bts:2024:0590001F:32032612:school 1.00 [cybersécurité]
            parcoursup-bts:2024:0590002G:32032612:apprenticeship 1.00 [cybersécurité]
            parcoursup-bts:2024:0750001U:00000000:school 1.00 [cybersécurité]
        "#]],
    );
    check_relevance(
        &index,
        "cybersécurité",
        expect![[r#"
        parcoursup-bts:2024:0590001F:32032612:school 1.00 [cybersécurité]
        parcoursup-bts:2024:0590002G:32032612:apprenticeship 1.00 [cybersécurité]
        parcoursup-bts:2024:0750001U:00000000:school 1.00 [cybersécurité]
    "#]],
    );
    check_relevance(
        &index,
        "réseaux sécurité",
        expect![[r#"
        parcoursup-bts:2024:0590001F:32032612:school 0.28 [sécurité]
        parcoursup-bts:2024:0590002G:32032612:apprenticeship 0.28 [sécurité]
        parcoursup-bts:2024:0750001U:00000000:school 1.00 [réseaux,sécurité]
    "#]],
    );
    check_relevance(&index, "!!!", expect![[r#""#]]);
    let label = index.label_relevance("Analyste cybersécurité", "BTS Cybersécurité");
    assert_eq!(label, 1.0);
    let label = index.label_relevance("réseaux sécurité", "BTS Réseaux");
    assert!(label > 0.0 && label < 1.0, "{label}");
    let resolved = TextSource::resolve(&index, "analyste cyber sécurité", 1);
    assert_eq!(
        resolved.first().map(|r| r.rome.to_string()),
        Some("M1856".into())
    );
    Ok(())
}

#[test]
fn rebuild_only_when_the_stamp_changes() -> TestResult {
    let dir = tempfile::tempdir()?;
    let folder = dir.path().join("index");
    let (offers, referential) = (offers(), referential());
    let (first, outcome) = GapmapIndex::open_or_build(&folder, "hash-a", &offers, &referential)?;
    assert_eq!(outcome, OpenOutcome::Built);
    let first_folder = first.folder().map(|p| p.to_owned());
    drop(first);
    let (again, outcome) = GapmapIndex::open_or_build(&folder, "hash-a", &offers, &referential)?;
    assert_eq!(outcome, OpenOutcome::Reused);
    assert_eq!(again.folder().map(|p| p.to_owned()), first_folder);
    // Tokenizers are registered again after opening: the French analysis still applies.
    assert_eq!(again.search_offers(&text("cybersecurite"))?.len(), 3);
    let (changed, outcome) =
        GapmapIndex::open_or_build(&folder, "hash-b", &offers[..2], &referential)?;
    assert_eq!(outcome, OpenOutcome::Built);
    assert_eq!(
        changed.stamp().map(|s| s.content_hash.as_str()),
        Some("hash-b")
    );
    assert_eq!(changed.offer_count(), 2);
    // The old generation was removed: one generation, the pointer and the builders' lock remain.
    let mut names: Vec<String> = std::fs::read_dir(&folder)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(names[..2], ["CURRENT", "build.lock"]);
    Ok(())
}

/// Builders of one index folder take turns: the first builds, the others wait and then reuse its
/// index (without the lock, a builder finishing removed the others' builds in progress).
#[test]
fn concurrent_builders_take_turns() -> TestResult {
    let dir = tempfile::tempdir()?;
    let folder = dir.path().join("index");
    let (offers, referential) = (offers(), referential());
    let outcomes: Vec<Option<(u64, OpenOutcome)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    GapmapIndex::open_or_build(&folder, "hash-a", &offers, &referential)
                        .map(|(index, outcome)| (index.offer_count(), outcome))
                        .ok()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    assert!(
        outcomes.iter().all(|o| o.is_some_and(|(n, _)| n == 5)),
        "{outcomes:?}"
    );
    let built = outcomes
        .iter()
        .filter(|o| o.is_some_and(|(_, outcome)| outcome == OpenOutcome::Built))
        .count();
    assert_eq!(built, 1, "one build, the others reuse it: {outcomes:?}");
    Ok(())
}

#[test]
fn a_crashed_build_leaves_the_previous_index_usable() -> TestResult {
    let dir = tempfile::tempdir()?;
    let folder = dir.path().join("index");
    let (offers, referential) = (offers(), referential());
    GapmapIndex::build(&folder, "hash-a", &offers, &referential)?;
    // A build that died half-way: a partial folder with a broken index and no stamp.
    let partial = folder.join(".build-1-1");
    std::fs::create_dir_all(partial.join("offers"))?;
    std::fs::write(partial.join("offers").join("meta.json"), "{ truncated")?;
    std::fs::write(folder.join("CURRENT.1-1.tmp"), "gen-nothing")?;
    let index = GapmapIndex::open_current(&folder, "hash-a")?;
    assert_eq!(index.map(|i| i.offer_count()), Some(5));
    let (_, outcome) = GapmapIndex::open_or_build(&folder, "hash-a", &offers, &referential)?;
    assert_eq!(outcome, OpenOutcome::Reused);
    // The next build cleans the leftovers up.
    GapmapIndex::build(&folder, "hash-b", &offers, &referential)?;
    assert!(!partial.exists());
    assert!(!folder.join("CURRENT.1-1.tmp").exists());
    // A pointer to a missing generation is damage: open_or_build rebuilds.
    std::fs::write(folder.join("CURRENT"), "gen-missing")?;
    let (index, outcome) = GapmapIndex::open_or_build(&folder, "hash-b", &offers, &referential)?;
    assert_eq!(outcome, OpenOutcome::Built);
    assert_eq!(index.offer_count(), 5);
    Ok(())
}

#[test]
fn concurrent_readers_agree() -> TestResult {
    let index = index()?;
    let expected = index.search_offers(&text("réseaux sécurité"))?;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| index.search_offers(&text("réseaux sécurité")).ok()))
            .collect();
        for h in handles {
            assert_eq!(h.join().ok().flatten().as_ref(), Some(&expected));
        }
    });
    Ok(())
}

/// Limits far above the number of documents neither panic nor allocate for the limit.
#[test]
fn huge_limits_are_bounded() -> TestResult {
    let index = index()?;
    let all = OfferQuery {
        limit: usize::MAX,
        regions: vec![gapmap_model::RegionCode::HAUTS_DE_FRANCE],
        ..OfferQuery::default()
    };
    // The fixture's four offers of region 32.
    assert_eq!(index.search_offers(&all)?.len(), 4);
    // Neither text nor filter: refused, not the whole catalogue.
    let nothing = OfferQuery {
        limit: usize::MAX,
        ..OfferQuery::default()
    };
    let refused = index.search_offers(&nothing).err().map(|e| e.to_string());
    assert!(
        refused
            .as_deref()
            .is_some_and(|e| e.contains("nothing to search")),
        "{refused:?}"
    );
    assert_eq!(index.resolve("cybersécurité", usize::MAX)?.len(), 1);
    assert_eq!(index.competences("réseau", usize::MAX)?.len(), 2);
    Ok(())
}

mod real_data {
    //! On the real data (resolve accuracy is measured in `gapmap-engine/tests/relevance.rs`).

    use std::path::PathBuf;

    use gapmap_ingest::{
        DataDir, ImportReport, OfferFilter, read_offers, read_referential, read_territory,
    };
    use gapmap_model::{Appellation, Metier, Referential, RegionCode, RomeCode};

    use crate::OfferQuery;

    use crate::GapmapIndex;

    /// The data folder: `GAPMAP_DATA`, else `/work/shared/datasets` seen from the crate.
    fn data_dir() -> Option<PathBuf> {
        let dir = std::env::var_os("GAPMAP_DATA").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"),
            PathBuf::from,
        );
        if dir.is_dir() {
            return Some(dir);
        }
        assert!(
            std::env::var_os("CI").is_none(),
            "data folder {} missing",
            dir.display()
        );
        eprintln!(
            "notice: data folder {} missing, real-data test skipped",
            dir.display()
        );
        None
    }

    /// `read_referential`, or, while the importer is not written yet (it returns no sheets), a
    /// minimal reading of the two ROME files the resolver needs.
    pub(crate) fn rome_referential(
        dir: &std::path::Path,
    ) -> Result<Referential, Box<dyn std::error::Error>> {
        let data = DataDir::open(dir)?;
        let mut report = ImportReport::default();
        let referential = read_referential(&data, &mut report)?;
        if !referential.metiers.is_empty() {
            return Ok(referential);
        }
        let mut r = Referential::default();
        let rome_dir = dir.join("rome-4.0");
        let mut sheets =
            csv::Reader::from_path(rome_dir.join("unix_referentiel_code_rome_v460_utf8.csv"))?;
        for row in sheets.records() {
            let row = row?;
            let code: RomeCode = row[0].parse()?;
            r.metiers.insert(
                code,
                Metier {
                    transitions: Default::default(),
                    code,
                    parent: row[9].parse()?,
                    ogr: row[2].parse()?,
                    label: row[3].to_owned(),
                    domain: code.domain().to_owned(),
                    domain_label: String::new(),
                    themes: Vec::new(),
                    regulated: false,
                    manager: false,
                },
            );
        }
        let mut titles =
            csv::Reader::from_path(rome_dir.join("unix_referentiel_appellation_v460_utf8.csv"))?;
        for row in titles.records() {
            let row = row?;
            r.appellations.push(Appellation {
                ogr: row[0].parse()?,
                label: row[1].to_owned(),
                short_label: row[2].to_owned(),
                rome: row[3].parse()?,
                rome_parent: row[11].parse()?,
                rare: &row[12] == "O",
            });
        }
        Ok(r)
    }

    /// On the Hauts-de-France offers, the three spellings of "cybersécurité" give the same top
    /// offers, and the same text search run twice gives the same order.
    #[test]
    fn compound_spellings_agree_on_real_offers() -> Result<(), Box<dyn std::error::Error>> {
        let Some(dir) = data_dir() else { return Ok(()) };
        let referential = rome_referential(&dir)?;
        let data = DataDir::open(&dir)?;
        let territory = read_territory(&data, &mut ImportReport::default())?;
        let filter = OfferFilter {
            region: Some(RegionCode::HAUTS_DE_FRANCE),
            ..OfferFilter::default()
        };
        let offers = read_offers(
            &data,
            &referential,
            &territory,
            &filter,
            &mut ImportReport::default(),
        )?;
        let index = GapmapIndex::build_in_ram(&offers, &referential)?;
        let top = |text: &str| -> Result<Vec<String>, crate::IndexError> {
            let query = OfferQuery {
                text: text.into(),
                limit: 10,
                ..OfferQuery::default()
            };
            Ok(index
                .search_offers(&query)?
                .into_iter()
                .map(|h| h.offer.to_string())
                .collect())
        };
        let glued = top("cybersécurité")?;
        assert!(
            !glued.is_empty(),
            "no offer for cybersécurité among {}",
            offers.len()
        );
        assert_eq!(glued, top("cybersecurite")?);
        assert_eq!(glued, top("cyber securite")?);
        assert_eq!(
            top("technicien maintenance")?,
            top("technicien maintenance")?
        );
        Ok(())
    }
}
