//! The referential read from the real open data, against figures checked by hand with python3's
//! `csv` module on the published files (the command for each figure is in its comment).

use std::collections::BTreeMap;

use gapmap_model::{Cfd, CompetenceKind, FapCode, RncpCode, RomeCode};

use super::real_data;
use crate::{ImportReport, IngestError, TextEncoding, layout, read_referential};

fn rome(code: &str) -> RomeCode {
    code.parse().unwrap_or_else(|e| panic!("{e}"))
}

/// Counts of rejects per field and reason (runs of digits replaced by `#`).
fn reject_reasons(report: &ImportReport, file: &str) -> BTreeMap<String, usize> {
    let mut reasons = BTreeMap::new();
    for r in report.rejects.iter().filter(|r| r.file == file) {
        let mut reason = String::new();
        for c in r.reason.chars() {
            if !c.is_ascii_digit() {
                reason.push(c);
            } else if !reason.ends_with('#') {
                reason.push('#');
            }
        }
        *reasons
            .entry(format!("{} {reason}", r.field.as_deref().unwrap_or("-")))
            .or_default() += 1;
    }
    reasons
}

#[test]
fn real_referential() -> Result<(), IngestError> {
    let Some(data) = real_data() else {
        return Ok(());
    };
    let mut report = ImportReport::default();
    let started = std::time::Instant::now();
    let r = read_referential(&data, &mut report)?;
    eprintln!("referential read in {:?}", started.elapsed());
    for f in &report.files {
        eprintln!(
            "{:<90} {:?} accepted {} rejected {}",
            f.file, f.encoding, f.accepted, f.rejected
        );
    }
    eprintln!(
        "{} rejects ({} field-level)",
        report.rejects.len(),
        report.rejects.iter().filter(|r| !r.row_dropped).count()
    );
    for r in report.rejects.iter().filter(|r| !r.row_dropped) {
        eprintln!("{r}");
    }
    for f in &report.files {
        assert_eq!(f.rows_read, f.accepted + f.rejected, "{}", f.file);
    }
    let counts = |file: &str| {
        report
            .files
            .iter()
            .find(|f| f.file == file)
            .map(|f| (f.encoding, f.accepted, f.rejected))
    };

    // ROME. `unix_referentiel_code_rome`: 1,584 rows, 532 with code_rome == code_rome_parent.
    assert_eq!(r.metiers.len(), 1584);
    assert_eq!(r.metiers.values().filter(|m| m.is_parent()).count(), 532);
    assert_eq!(r.metiers.values().filter(|m| !m.is_parent()).count(), 1052);
    assert_eq!(r.parent_of(rome("A1102")), rome("A1101"));
    // A sub-sheet may hang under a parent of another domain (code_rome_parent of A1206).
    assert_eq!(r.parent_of(rome("A1206")), rome("F1101"));
    // emploi_reglemente == 'O': 241; emploi_cadre == 'O': 507.
    assert_eq!(r.metiers.values().filter(|m| m.regulated).count(), 241);
    assert_eq!(r.metiers.values().filter(|m| m.manager).count(), 507);
    let a1101 = &r.metiers[&rome("A1101")];
    assert_eq!(
        (a1101.domain.as_str(), a1101.domain_label.as_str()),
        ("A11", "Engins agricoles et forestiers")
    );
    // unix_arborescence_thematique: 61 sheets in theme 002, 19 of them parents.
    assert!(r.themes["002"].starts_with("Métiers de la défense"));
    let defence: Vec<_> = r
        .metiers
        .values()
        .filter(|m| m.themes.iter().any(|t| t == "002"))
        .collect();
    assert_eq!(defence.len(), 61);
    assert_eq!(defence.iter().filter(|m| m.is_parent()).count(), 19);
    // Domain H21: 5 sheets, parents H2101 and H2102; Certif Info's H2100 stands for those.
    assert_eq!(r.metiers_in_domain("H21").count(), 5);
    assert_eq!(r.expand_rome(rome("H2100")), [rome("H2101"), rome("H2102")]);

    // 13,120 titles, 199 with peu_usite == 'O', 14 for A1101.
    assert_eq!(r.appellations.len(), 13120);
    assert_eq!(r.appellations.iter().filter(|a| a.rare).count(), 199);
    assert_eq!(r.appellations_of(rome("A1101")).count(), 14);

    // 18,317 competences (17,810 + 491 macro know-how, 16 macro soft skills) and 15,354
    // knowledge items, no OGR code in both files.
    let kind = |k| r.competences.values().filter(|c| c.kind == k).count();
    assert_eq!(kind(CompetenceKind::KnowHow), 18317 - 16);
    assert_eq!(kind(CompetenceKind::SoftSkill), 16);
    assert_eq!(kind(CompetenceKind::Knowledge), 15354);
    // Links of block 5: 38,166 + 11,274 (section 1) + 5,255 (section 2) + 35,861 (section 3);
    // 18,900 of them are `Principale` in unix_coherence_item; A1101: 57 links, 9 core.
    assert_eq!(r.metier_competences.len(), 90556);
    assert_eq!(
        r.metier_competences.iter().filter(|l| l.core).count(),
        18900
    );
    assert_eq!(r.competences_of(rome("A1101")).count(), 57);
    assert_eq!(r.core_competences_of(rome("A1101")).count(), 9);
    let index = r.index();
    assert_eq!(index.core_competences_of(rome("A1101")).count(), 9);
    assert_eq!(index.appellations_of(rome("A1101")).count(), 14);
    // Every ROME row is accepted: 118,923 links, 104,219 coherence rows.
    assert_eq!(
        counts(layout::rome::LINKS),
        Some((Some(TextEncoding::Utf8), 118923, 0))
    );
    assert_eq!(
        counts(layout::rome::COHERENCE),
        Some((Some(TextEncoding::Utf8), 104219, 0))
    );

    // Certif Info: 10,067 rows, 9,923 distinct Code_Diplome. Repeats differ only in codeIdeo2 or
    // Code_RS: 64 add an RS number (merged, accepted), 80 add nothing (rejected as duplicates).
    assert_eq!(
        counts(layout::certifications::CERTIF_INFO),
        Some((Some(TextEncoding::Utf8), 9987, 80))
    );
    assert_eq!(r.certifications.len(), 9923);
    assert_eq!(
        r.certifications
            .iter()
            .filter(|c| c.rs.as_deref().is_some_and(|rs| rs.contains(' ')))
            .count(),
        64
    );
    let reasons = reject_reasons(&report, layout::certifications::CERTIF_INFO);
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!(
        reasons.get("Code_Diplome duplicate of line # (differs only in columns not kept)"),
        Some(&80)
    );
    // 3,691 certifications have a Code_Scolarité; 84 of them 33633502; the BTS banque's is 32031313.
    assert_eq!(
        r.certifications.iter().filter(|c| c.cfd.is_some()).count(),
        3691
    );
    let cfd = |s: &str| s.parse::<Cfd>().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.certifications_for_cfd(cfd("33633502")).count(), 84);
    let banque: Vec<_> = r
        .certifications_for_cfd(cfd("32031313"))
        .map(|c| (c.certif_info_id, c.label.as_str()))
        .collect();
    assert_eq!(banque, [(115888, "BTS banque")]);
    // 65 certifications carry a domain-level ROME code such as H2100, kept as published.
    assert_eq!(
        r.certifications
            .iter()
            .filter(|c| c.rome.iter().any(RomeCode::is_domain_level))
            .count(),
        65
    );

    // Apprenticeship kit: 5,707 records (one spans 5 lines), 37 with Code_RNCP "NR"; 5,670
    // pairs over 5,594 diplomas.
    assert_eq!(
        counts(layout::certifications::KIT),
        Some((Some(TextEncoding::Utf8Bom), 5670, 37))
    );
    assert_eq!(r.cfd_rncp.len(), 5594);
    let rncp = |s: &str| s.parse::<RncpCode>().unwrap_or_else(|e| panic!("{e}"));
    assert!(r.rncp_for_cfd(cfd("32031313")).contains(&rncp("RNCP38381")));
    // RNCP blocks: 34,351 blocks of 6,844 fiches; one has an empty label (field-level reject).
    assert_eq!(r.skill_blocks.len(), 6844);
    assert_eq!(r.skill_blocks.values().map(Vec::len).sum::<usize>(), 34351);
    assert_eq!(
        reject_reasons(&report, layout::certifications::BLOCKS)
            .into_iter()
            .collect::<Vec<_>>(),
        [("Bloc_Competences_Libelle empty label".to_owned(), 1)]
    );

    // BCN: nFormationDiplome_ 4,023 diplomas (Windows-1252), the view 11,261 (UTF-8 BOM); 7,247
    // CFDs only in the view, 9 only in n: 11,270 diplomas.
    assert_eq!(
        counts(layout::bcn::DIPLOMAS),
        Some((Some(TextEncoding::Windows1252), 4023, 0))
    );
    assert_eq!(
        counts(layout::bcn::DIPLOMAS_VIEW),
        Some((Some(TextEncoding::Utf8Bom), 11261, 0))
    );
    assert_eq!(r.diplomas.len(), 11270);
    // n wins: 32123002 closes on 31/08/2028 in n, has no closing date in the view.
    assert_eq!(
        r.diplomas[&cfd("32123002")].closed_on.as_deref(),
        Some("31/08/2028")
    );
    let apiculture = &r.diplomas[&cfd("46321218")];
    assert_eq!(
        (
            apiculture.level.map(u8::from),
            apiculture.nsf.map(|n| n.to_string())
        ),
        (Some(4), Some("212s".to_owned()))
    );
    // A mention complémentaire (level table: XX) takes its own level: 01022001 is at 04.
    assert_eq!(r.diplomas[&cfd("01022001")].level.map(u8::from), Some(4));
    // nMef: 10,067 MEFs, 10,066 MEFSTAT11 codes: 32710013401 is shared by 3171340131 (closed
    // 2019) and 4181340131 (closed 2024), the latter kept.
    assert_eq!(
        counts(layout::bcn::MEF),
        Some((Some(TextEncoding::Utf8Bom), 10066, 1))
    );
    let shared = r
        .mef_units
        .iter()
        .find(|(code, _)| code.as_str() == "32710013401")
        .map(|(_, u)| u.mef.as_str());
    assert_eq!(shared, Some("4181340131"));
    // Every unit's diploma is in the diploma files.
    assert!(
        r.mef_units
            .values()
            .all(|u| r.diplomas.contains_key(&u.cfd))
    );

    // Field-level rejects: the empty block label, the diploma on line 2,045 of nFormationDiplome_ with BCN level 922, absent from
    // nNiveauFormationDiplome_ (python: levels = set of its NIVEAU_FORMATION_DIPLOME column), and
    // 7 predecessors (`ANCIEN_DIPLOME_n`) published with 7 characters instead of a CFD's 8, on
    // lines 24, 491, 2,088 (two), 2,493, 2,609 and 3,811 (python: the ANCIEN_DIPLOME_1..7 values
    // whose length is not 8): not guessed, left out of the lineage.
    assert_eq!(report.rejects.iter().filter(|r| !r.row_dropped).count(), 9);
    let short: Vec<String> = report
        .rejects
        .iter()
        .filter(|r| {
            r.field
                .as_deref()
                .is_some_and(|f| f.starts_with("ANCIEN_DIPLOME_"))
        })
        .map(|r| format!("{}:{}", r.line, r.value))
        .collect();
    assert_eq!(
        short,
        [
            "24:5103300",
            "491:450255S",
            "2088:5102002",
            "2088:5102003",
            "2493:5002430",
            "2609:5002270",
            "3811:0102511"
        ]
    );
    // 40025012 (bac pro MSPC) renovates 40025007; 32020116 (BTS CIEL) renovates 32020112.
    let predecessors = |cfd: &str| {
        r.diplomas
            .iter()
            .find(|(c, _)| c.as_str() == cfd)
            .map(|(_, d)| {
                d.predecessors
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
            })
    };
    assert_eq!(predecessors("40025012"), Some(vec!["40025007".to_owned()]));
    assert_eq!(predecessors("32020116"), Some(vec!["32020112".to_owned()]));
    // ROME transition flags as published: v460 has 96 green, 261 strategic, 33 brown sheets; 170
    // digital (222 empty), 70 demographic (253 empty) (python: Counter of the columns).
    let count = |f: &dyn Fn(&gapmap_model::Transitions) -> bool| {
        r.metiers.values().filter(|m| f(&m.transitions)).count()
    };
    use gapmap_model::Ecological;
    assert_eq!(count(&|t| t.ecological == Some(Ecological::Green)), 96);
    assert_eq!(count(&|t| t.ecological == Some(Ecological::Strategic)), 261);
    assert_eq!(count(&|t| t.ecological == Some(Ecological::Brown)), 33);
    assert_eq!(count(&|t| t.digital == Some(true)), 170);
    assert_eq!(count(&|t| t.digital.is_none()), 222);
    assert_eq!(count(&|t| t.demographic == Some(true)), 70);
    assert_eq!(count(&|t| t.demographic.is_none()), 253);

    // FAP 2021: 341 occupations (9 of family Q: QAX01...QEX01); DARES: 5,320 rows, 532 parent
    // sheets x qualifications 0-9, every row accepted.
    assert_eq!(r.fap.len(), 341);
    assert_eq!(
        r.fap[&"QAX01".parse::<FapCode>().unwrap_or_else(|e| panic!("{e}"))].label86,
        "Experts de la finance, de la banque et de l'assurance"
    );
    assert_eq!(r.rome_fap.len(), 5320);
    let dares_sheets: std::collections::BTreeSet<RomeCode> =
        r.rome_fap.iter().map(|l| l.rome).collect();
    assert_eq!(dares_sheets.len(), 532);
    // ROME A1101 at qualification 0 -> A0X43 (first data row of the crosswalk).
    let a1101 = r
        .fap_links_of(rome("A1101"))
        .find(|l| l.qualification == 0)
        .map(|l| l.fap341.to_string());
    assert_eq!(a1101.as_deref(), Some("A0X43"));
    assert_eq!(
        counts(layout::demand::DARES_CROSSWALK).map(|c| c.0),
        Some(Some(TextEncoding::Windows1252))
    );
    assert!(
        r.rome_fap
            .iter()
            .all(|l| r.metiers.get(&l.rome).is_some_and(|m| m.is_parent()))
    );
    Ok(())
}
