//! ROME 4.0 (France Travail, v460): sheets, domains, themes, job titles, competences, knowledge
//! items, sheet -> item links and core flags. UTF-8, `,`, every field quoted.
//!
//! What the link file's codes mean (checked against v460, see the real-data test):
//! `code_compo_bloc` 1 links a sheet to its own OGR, 2 to its job titles, 5 to its competences
//! (`code_rubrique` 1 = savoir-faire, 2 = savoir-être professionnel, 3 = savoir, i.e. a knowledge
//! item), 6 to its work contexts. Only block 5 becomes [`MetierCompetence`]s: the job titles
//! already name their sheet, work contexts are not modelled. `unix_coherence_item` flags items of
//! a sheet: `coeur_metier` = `Principale` is a core item, `Émergente` (emerging) and empty are not.
//!
//! The `emploi_reglemente` / `emploi_cadre` flags are `O`, `N` or empty (about 200 sheets each):
//! empty reads as "no". The transition flags are kept as published, empty as unknown:
//! `transition_eco` (v460: 1,194 `Emploi Blanc`, 261 strategic, 96 green, 33 brown),
//! `transition_num` (170 `O`, 1,192 `N`, 222 empty), `transition_demo` (70 `O`, 1,261 `N`, 253
//! empty). Job titles keep their published `code_rome_parent`, which for about 400
//! titles is the pre-4.0 sheet they came from rather than the parent of their current sheet.

use std::collections::{BTreeMap, HashMap};

use gapmap_model::{
    Appellation, Competence, CompetenceKind, Ecological, Metier, MetierCompetence, OgrCode,
    RomeCode, Transitions,
};

use super::{for_each_row, soft, text, yes_no};
use crate::{DataDir, ImportReport, IngestError, Reject, Row, Table, layout::rome as files};

/// The ROME part of the referential.
pub(super) struct Rome {
    pub metiers: BTreeMap<RomeCode, Metier>,
    pub appellations: Vec<Appellation>,
    pub competences: BTreeMap<OgrCode, Competence>,
    pub metier_competences: Vec<MetierCompetence>,
    pub themes: BTreeMap<String, String>,
}

/// Link block of competences, knowledge items and soft skills.
const BLOCK_COMPETENCES: &str = "5";
/// Link blocks read but not kept: the sheet itself, its job titles, its work contexts.
const BLOCKS_NOT_KEPT: [&str; 3] = ["1", "2", "6"];

pub(super) fn read(data: &DataDir, report: &mut ImportReport) -> Result<Rome, IngestError> {
    let mut metiers = read_metiers(data, report)?;
    read_domains(data, report, &mut metiers)?;
    let themes = read_themes(data, report, &mut metiers)?;
    let appellations = read_appellations(data, report, &metiers)?;
    let competences = read_competences(data, report)?;
    let metier_competences = read_links(data, report, &metiers, &competences)?;
    Ok(Rome {
        metiers,
        appellations,
        competences,
        metier_competences,
        themes,
    })
}

fn read_metiers(
    data: &DataDir,
    report: &mut ImportReport,
) -> Result<BTreeMap<RomeCode, Metier>, IngestError> {
    let table = Table::open(data, files::METIERS)?;
    let code = table.column(&["code_rome"])?;
    let parent = table.column(&["code_rome_parent"])?;
    let ogr = table.column(&["code_ogr"])?;
    let label = table.column(&["libelle_rome"])?;
    let regulated = table.column(&["emploi_reglemente"])?;
    let manager = table.column(&["emploi_cadre"])?;
    let transition_columns = [
        table.find_column(&["transition_eco"]),
        table.find_column(&["transition_num"]),
        table.find_column(&["transition_demo"]),
    ];
    let mut metiers = BTreeMap::new();
    let mut lines = HashMap::new();
    for_each_row(&table, report, |row, field_rejects| {
        let metier = Metier {
            code: row.parse(code, "code_rome")?,
            parent: row.parse(parent, "code_rome_parent")?,
            ogr: row.parse(ogr, "code_ogr")?,
            label: text(row, label, "libelle_rome", field_rejects),
            domain: String::new(),
            domain_label: String::new(),
            themes: Vec::new(),
            regulated: yes_no(row, regulated, "emploi_reglemente", field_rejects),
            manager: yes_no(row, manager, "emploi_cadre", field_rejects),
            transitions: transitions(row, transition_columns, field_rejects),
        };
        if let Some(first) = lines.insert(metier.code, row.line) {
            return Err(row.reject(
                "code_rome",
                metier.code.as_str(),
                &format!("duplicate sheet (first at line {first})"),
                true,
            ));
        }
        // The domain is the code's first three characters by construction of ROME; the domain
        // file confirms it and gives the label.
        let metier = Metier {
            domain: metier.code.domain().to_owned(),
            ..metier
        };
        metiers.insert(metier.code, metier);
        Ok(())
    });
    Ok(metiers)
}

/// The transition flags of a sheet row; a column absent or empty leaves its flag unknown.
fn transitions(
    row: &Row,
    [eco, digital, demographic]: [Option<usize>; 3],
    field_rejects: &mut Vec<Reject>,
) -> Transitions {
    let ecological = eco.and_then(|c| match row.get(c) {
        "" => None,
        "Emploi Vert" => Some(Ecological::Green),
        "Emploi stratégique pour la Transition écologique" => Some(Ecological::Strategic),
        "Emploi Brun" => Some(Ecological::Brown),
        "Emploi Blanc" => Some(Ecological::Neutral),
        other => {
            field_rejects.push(row.reject(
                "transition_eco",
                other,
                "expected Emploi Vert, Emploi stratégique pour la Transition écologique, Emploi \
                 Brun or Emploi Blanc",
                false,
            ));
            None
        }
    });
    let flag = |column: Option<usize>, field: &str, field_rejects: &mut Vec<Reject>| {
        column.and_then(|c| match row.get(c) {
            "" => None,
            "O" => Some(true),
            "N" => Some(false),
            other => {
                field_rejects.push(row.reject(field, other, "expected O, N or empty", false));
                None
            }
        })
    };
    Transitions {
        ecological,
        digital: flag(digital, "transition_num", field_rejects),
        demographic: flag(demographic, "transition_demo", field_rejects),
    }
}

fn read_domains(
    data: &DataDir,
    report: &mut ImportReport,
    metiers: &mut BTreeMap<RomeCode, Metier>,
) -> Result<(), IngestError> {
    let table = Table::open(data, files::DOMAINS)?;
    let code = table.column(&["code_rome"])?;
    let domain = table.column(&["code_domaine_professionel", "code_domaine_professionnel"])?;
    let label = table.column(&[
        "libelle_domaine_professionel",
        "libelle_domaine_professionnel",
    ])?;
    for_each_row(&table, report, |row, field_rejects| {
        let rome: RomeCode = row.parse(code, "code_rome")?;
        let metier = metiers.get_mut(&rome).ok_or_else(|| {
            row.reject(
                "code_rome",
                rome.as_str(),
                "sheet not in the sheet file",
                true,
            )
        })?;
        let published = row.get(domain);
        if published == metier.domain {
            metier.domain_label = text(row, label, "libelle_domaine_professionel", field_rejects);
        } else {
            // The code's own domain is kept: a sheet cannot sit outside it.
            field_rejects.push(row.reject(
                "code_domaine_professionel",
                published,
                &format!("not the domain of {rome}"),
                false,
            ));
        }
        Ok(())
    });
    Ok(())
}

fn read_themes(
    data: &DataDir,
    report: &mut ImportReport,
    metiers: &mut BTreeMap<RomeCode, Metier>,
) -> Result<BTreeMap<String, String>, IngestError> {
    let table = Table::open(data, files::THEMES)?;
    let code = table.column(&["code_theme"])?;
    let label = table.column(&["libelle_theme"])?;
    let mut themes = BTreeMap::new();
    for_each_row(&table, report, |row, field_rejects| {
        let theme = row.get(code);
        if theme.is_empty() {
            return Err(row.reject("code_theme", "", "empty required field", true));
        }
        if themes.contains_key(theme) {
            return Err(row.reject("code_theme", theme, "duplicate theme", true));
        }
        themes.insert(
            theme.to_owned(),
            text(row, label, "libelle_theme", field_rejects),
        );
        Ok(())
    });

    let table = Table::open(data, files::THEME_TREE)?;
    let code = table.column(&["code_theme"])?;
    let rome = table.column(&["code_rome"])?;
    for_each_row(&table, report, |row, _| {
        let theme = row.get(code);
        if !themes.contains_key(theme) {
            return Err(row.reject("code_theme", theme, "theme not in the theme file", true));
        }
        let code: RomeCode = row.parse(rome, "code_rome")?;
        let metier = metiers.get_mut(&code).ok_or_else(|| {
            row.reject(
                "code_rome",
                code.as_str(),
                "sheet not in the sheet file",
                true,
            )
        })?;
        if let Err(at) = metier.themes.binary_search_by(|t| t.as_str().cmp(theme)) {
            metier.themes.insert(at, theme.to_owned());
        }
        Ok(())
    });
    Ok(themes)
}

fn read_appellations(
    data: &DataDir,
    report: &mut ImportReport,
    metiers: &BTreeMap<RomeCode, Metier>,
) -> Result<Vec<Appellation>, IngestError> {
    let table = Table::open(data, files::APPELLATIONS)?;
    let ogr = table.column(&["code_ogr"])?;
    let label = table.column(&["libelle_appellation_long"])?;
    let short_label = table.column(&["libelle_appellation_court"])?;
    let rome = table.column(&["code_rome"])?;
    let parent = table.column(&["code_rome_parent"])?;
    let rare = table.column(&["peu_usite"])?;
    let mut appellations = Vec::new();
    for_each_row(&table, report, |row, field_rejects| {
        let code: RomeCode = row.parse(rome, "code_rome")?;
        let Some(metier) = metiers.get(&code) else {
            return Err(row.reject(
                "code_rome",
                code.as_str(),
                "sheet not in the sheet file",
                true,
            ));
        };
        // As published: for about 400 titles this is the pre-4.0 sheet the title came from, not
        // the parent of its current sheet. Empty falls back to the sheet's parent.
        let rome_parent =
            soft(row.parse_opt(parent, "code_rome_parent"), field_rejects).unwrap_or(metier.parent);
        appellations.push(Appellation {
            ogr: row.parse(ogr, "code_ogr")?,
            label: text(row, label, "libelle_appellation_long", field_rejects),
            short_label: row.get(short_label).to_owned(),
            rome: code,
            rome_parent,
            rare: yes_no(row, rare, "peu_usite", field_rejects),
        });
        Ok(())
    });
    Ok(appellations)
}

fn read_competences(
    data: &DataDir,
    report: &mut ImportReport,
) -> Result<BTreeMap<OgrCode, Competence>, IngestError> {
    let mut competences = BTreeMap::new();
    let mut origin: HashMap<OgrCode, (&'static str, u64)> = HashMap::new();

    let table = Table::open(data, files::COMPETENCES)?;
    let ogr = table.column(&["code_ogr"])?;
    let label = table.column(&["libelle_competence"])?;
    let macro_competence = table.column(&["code_ogr_macro_comp"])?;
    let category = table.column(&["cat_comp"])?;
    let subcategory = table.column(&["sous_cat_comp"])?;
    for_each_row(&table, report, |row, field_rejects| {
        let code: OgrCode = row.parse(ogr, "code_ogr")?;
        let kind = match row.get(category) {
            "Savoir-faire" => CompetenceKind::KnowHow,
            "Savoir-être professionnel" | "Savoir-être professionnels" => {
                CompetenceKind::SoftSkill
            }
            other => {
                return Err(row.reject(
                    "cat_comp",
                    other,
                    "expected Savoir-faire or Savoir-être professionnel",
                    true,
                ));
            }
        };
        if let Some((file, line)) = origin.insert(code, (files::COMPETENCES, row.line)) {
            return Err(row.reject(
                "code_ogr",
                &code.to_string(),
                &format!("duplicate item (first in {file} line {line})"),
                true,
            ));
        }
        let competence = Competence {
            ogr: code,
            label: text(row, label, "libelle_competence", field_rejects),
            kind,
            category: row.get(category).to_owned(),
            subcategory: row.get(subcategory).to_owned(),
            macro_competence: soft(
                row.parse_opt(macro_competence, "code_ogr_macro_comp"),
                field_rejects,
            ),
        };
        competences.insert(code, competence);
        Ok(())
    });

    let table = Table::open(data, files::SAVOIRS)?;
    let ogr = table.column(&["code_ogr_savoir", "code_ogr"])?;
    let label = table.column(&["libelle_savoir"])?;
    let category = table.column(&["categorie_savoir"])?;
    let subcategory = table.column(&["sous_categorie_savoir"])?;
    for_each_row(&table, report, |row, field_rejects| {
        let code: OgrCode = row.parse(ogr, "code_ogr_savoir")?;
        if let Some((file, line)) = origin.insert(code, (files::SAVOIRS, row.line)) {
            return Err(row.reject(
                "code_ogr_savoir",
                &code.to_string(),
                &format!("duplicate item (first in {file} line {line})"),
                true,
            ));
        }
        let competence = Competence {
            ogr: code,
            label: text(row, label, "libelle_savoir", field_rejects),
            kind: CompetenceKind::Knowledge,
            category: row.get(category).to_owned(),
            subcategory: row.get(subcategory).to_owned(),
            macro_competence: None,
        };
        competences.insert(code, competence);
        Ok(())
    });
    Ok(competences)
}

/// What a link of the link file became: a competence link (its index) or a link not kept.
#[derive(Clone, Copy)]
enum Link {
    Competence(usize),
    NotKept,
}

fn read_links(
    data: &DataDir,
    report: &mut ImportReport,
    metiers: &BTreeMap<RomeCode, Metier>,
    competences: &BTreeMap<OgrCode, Competence>,
) -> Result<Vec<MetierCompetence>, IngestError> {
    let table = Table::open(data, files::LINKS)?;
    let rome = table.column(&["code_rome"])?;
    let block = table.column(&["code_compo_bloc"])?;
    let section = table.column(&["code_rubrique"])?;
    let ogr = table.column(&["code_ogr"])?;
    let mut links: Vec<MetierCompetence> = Vec::new();
    let mut seen: HashMap<(RomeCode, OgrCode), Link> = HashMap::new();
    for_each_row(&table, report, |row, field_rejects| {
        let code: RomeCode = row.parse(rome, "code_rome")?;
        if !metiers.contains_key(&code) {
            return Err(row.reject(
                "code_rome",
                code.as_str(),
                "sheet not in the sheet file",
                true,
            ));
        }
        let item: OgrCode = row.parse(ogr, "code_ogr")?;
        let link = match row.get(block) {
            BLOCK_COMPETENCES => {
                let Some(competence) = competences.get(&item) else {
                    return Err(row.reject(
                        "code_ogr",
                        &item.to_string(),
                        "not a competence or knowledge item of the referential",
                        true,
                    ));
                };
                let expected = match competence.kind {
                    CompetenceKind::KnowHow => "1",
                    CompetenceKind::SoftSkill => "2",
                    CompetenceKind::Knowledge => "3",
                };
                let published = row.get(section);
                if published != expected {
                    let reason = format!(
                        "section {published:?} does not match a {:?} item (expected {expected})",
                        competence.kind
                    );
                    field_rejects.push(row.reject("code_rubrique", published, &reason, false));
                }
                Link::Competence(links.len())
            }
            other if BLOCKS_NOT_KEPT.contains(&other) => Link::NotKept,
            other => {
                return Err(row.reject(
                    "code_compo_bloc",
                    other,
                    "unknown block (expected 1, 2, 5 or 6)",
                    true,
                ));
            }
        };
        if seen.insert((code, item), link).is_some() {
            return Err(row.reject(
                "code_ogr",
                &item.to_string(),
                &format!("duplicate link of {code}"),
                true,
            ));
        }
        if let Link::Competence(_) = link {
            links.push(MetierCompetence {
                rome: code,
                competence: item,
                core: false,
            });
        }
        Ok(())
    });

    let table = Table::open(data, files::COHERENCE)?;
    let rome = table.column(&["code_rome"])?;
    let ogr = table.column(&["code_ogr"])?;
    let core = table.column(&["coeur_metier"])?;
    for_each_row(&table, report, |row, field_rejects| {
        let code: RomeCode = row.parse(rome, "code_rome")?;
        let item: OgrCode = row.parse(ogr, "code_ogr")?;
        let Some(&link) = seen.get(&(code, item)) else {
            return Err(row.reject(
                "code_ogr",
                &item.to_string(),
                &format!("no link of {code} to this item in the link file"),
                true,
            ));
        };
        let is_core = match row.get(core) {
            "Principale" => true,
            "Émergente" | "" => false,
            other => {
                field_rejects.push(row.reject(
                    "coeur_metier",
                    other,
                    "expected Principale, Émergente or empty",
                    false,
                ));
                false
            }
        };
        if let Link::Competence(i) = link {
            links[i].core = is_core;
        }
        Ok(())
    });
    // Sheet order (stable: the file's order within a sheet), so that a sheet's links are
    // contiguous.
    links.sort_by_key(|l| l.rome);
    Ok(links)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{Sample, check};

    #[test]
    fn rome_sample() {
        check(
            &[
                Sample::utf8(
                    super::files::METIERS,
                    r#""code_rome","code_fiche_metier","code_ogr","libelle_rome","transition_eco","transition_num","transition_demo","emploi_reglemente","emploi_cadre","code_rome_parent"
"A1101","11","6","Conducteur / Conductrice d'engins agricoles","Emploi Blanc","","","O","N","A1101"
"A1102","30047","403950","Conducteur d'engins forestiers","","","","","X","A1101"
"Z1102","1","7","Bad code","","","","","","A1101"
"A1101","11","6","Duplicate","","","","","","A1101"
"#,
                ),
                Sample::utf8(
                    super::files::DOMAINS,
                    r#""code_rome","libelle_rome","code_grand_domaine","libelle_grand_domaine","code_domaine_professionel","libelle_domaine_professionel"
"A1101","x","A","Agriculture","A11","Engins agricoles et forestiers"
"A1102","x","A","Agriculture","A12","Wrong domain"
"A1999","x","A","Agriculture","A19","Unknown sheet"
"#,
                ),
                Sample::utf8(
                    super::files::THEMES,
                    "\"code_theme\",\"libelle_theme\",\"definition_theme\"\n\"002\",\"Défense\",\"\"\n",
                ),
                Sample::utf8(
                    super::files::THEME_TREE,
                    "\"code_theme\",\"libelle_theme\",\"code_ogr_rome\",\"code_rome\",\"libelle_rome\"\n\"002\",\"\",\"6\",\"A1101\",\"\"\n\"009\",\"\",\"6\",\"A1101\",\"\"\n",
                ),
                Sample::utf8(
                    super::files::APPELLATIONS,
                    r#""code_ogr","libelle_appellation_long","libelle_appellation_court","code_rome","code_rome_parent","peu_usite"
"11987","Chauffeur de machines agricoles","Chauffeur","A1101","A1101","N"
"11988","Tractoriste","Tractoriste","A1102","","O"
"11989","Orphan","Orphan","B9999","B9999","N"
"#,
                ),
                Sample::utf8(
                    super::files::COMPETENCES,
                    r#""code_ogr","nature","libelle_competence","code_ogr_macro_comp","cat_comp","sous_cat_comp"
"100023","Compétence","Abattre un arbre","300230","Savoir-faire","Technique"
"300412","Macro-compétence","Etre à l'écoute","","Savoir-être professionnel","Transverse"
"100024","Compétence","Bad category","","Savoir","Technique"
"#,
                ),
                Sample::utf8(
                    super::files::SAVOIRS,
                    "\"code_ogr_savoir\",\"libelle_savoir\",\"categorie_savoir\",\"sous_categorie_savoir\"\n\"100003\",\"Fonctionnement des engins agricoles\",\"Produits\",\"Outils\"\n\"100023\",\"Duplicate of a competence\",\"x\",\"y\"\n",
                ),
                Sample::utf8(
                    super::files::LINKS,
                    r#""code_rome","code_compo_bloc","code_rubrique","code_ogr"
"A1101","1","","6"
"A1101","2","","11987"
"A1101","5","1","100023"
"A1101","5","2","300412"
"A1101","5","1","100003"
"A1101","6","","23376"
"A1101","5","1","999999"
"A1101","7","","1"
"#,
                ),
                Sample::utf8(
                    super::files::COHERENCE,
                    r#""code_rome","code_ogr","coeur_metier"
"A1101","100023","Principale"
"A1101","300412","Émergente"
"A1101","100003","Peut-être"
"A1101","23376",""
"A1102","100023","Principale"
"#,
                ),
            ],
            |data, report| {
                let rome = super::read(data, report)?;
                let mut out = String::new();
                for m in rome.metiers.values() {
                    out += &format!(
                        "metier {} parent={} ogr={} {:?} domain={} {:?} themes={:?} regulated={} manager={}\n",
                        m.code,
                        m.parent,
                        m.ogr,
                        m.label,
                        m.domain,
                        m.domain_label,
                        m.themes,
                        m.regulated,
                        m.manager
                    );
                }
                for (code, label) in &rome.themes {
                    out += &format!("theme {code} {label:?}\n");
                }
                for a in &rome.appellations {
                    out += &format!(
                        "appellation {} {:?} rome={} parent={} rare={}\n",
                        a.ogr, a.label, a.rome, a.rome_parent, a.rare
                    );
                }
                for c in rome.competences.values() {
                    out += &format!(
                        "item {} {:?} {:?} {:?}/{:?} macro={:?}\n",
                        c.ogr, c.kind, c.label, c.category, c.subcategory, c.macro_competence
                    );
                }
                for l in &rome.metier_competences {
                    out += &format!("link {} {} core={}\n", l.rome, l.competence, l.core);
                }
                Ok(out)
            },
            expect![[r#"
                metier A1101 parent=A1101 ogr=6 "Conducteur / Conductrice d'engins agricoles" domain=A11 "Engins agricoles et forestiers" themes=["002"] regulated=true manager=false
                metier A1102 parent=A1101 ogr=403950 "Conducteur d'engins forestiers" domain=A11 "" themes=[] regulated=false manager=false
                theme 002 "Défense"
                appellation 11987 "Chauffeur de machines agricoles" rome=A1101 parent=A1101 rare=false
                appellation 11988 "Tractoriste" rome=A1102 parent=A1101 rare=true
                item 100003 Knowledge "Fonctionnement des engins agricoles" "Produits"/"Outils" macro=None
                item 100023 KnowHow "Abattre un arbre" "Savoir-faire"/"Technique" macro=Some(OgrCode(300230))
                item 300412 SoftSkill "Etre à l'écoute" "Savoir-être professionnel"/"Transverse" macro=None
                link A1101 100023 core=true
                link A1101 300412 core=false
                link A1101 100003 core=false
                file rome-4.0/unix_referentiel_code_rome_v460_utf8.csv Some(Utf8): read 4 accepted 2 rejected 2
                file rome-4.0/unix_cr_gd_dp_v460_utf8.csv Some(Utf8): read 3 accepted 2 rejected 1
                file rome-4.0/unix_themes_v460_utf8.csv Some(Utf8): read 1 accepted 1 rejected 0
                file rome-4.0/unix_arborescence_thematique_v460_utf8.csv Some(Utf8): read 2 accepted 1 rejected 1
                file rome-4.0/unix_referentiel_appellation_v460_utf8.csv Some(Utf8): read 3 accepted 2 rejected 1
                file rome-4.0/unix_referentiel_competence_v460_utf8.csv Some(Utf8): read 3 accepted 2 rejected 1
                file rome-4.0/unix_referentiel_savoir_v460_utf8.csv Some(Utf8): read 2 accepted 1 rejected 1
                file rome-4.0/unix_liens_rome_referentiels_v460_utf8.csv Some(Utf8): read 8 accepted 6 rejected 2
                file rome-4.0/unix_coherence_item_v460_utf8.csv Some(Utf8): read 5 accepted 4 rejected 1
                reject rome-4.0/unix_referentiel_code_rome_v460_utf8.csv:3: field "emploi_cadre": expected O or N (value "X") [row kept without it]
                reject rome-4.0/unix_referentiel_code_rome_v460_utf8.csv:4: field "code_rome": invalid ROME code "Z1102": expected a letter A-N and 4 digits, e.g. M1844 (value "Z1102")
                reject rome-4.0/unix_referentiel_code_rome_v460_utf8.csv:5: field "code_rome": duplicate sheet (first at line 2) (value "A1101")
                reject rome-4.0/unix_cr_gd_dp_v460_utf8.csv:3: field "code_domaine_professionel": not the domain of A1102 (value "A12") [row kept without it]
                reject rome-4.0/unix_cr_gd_dp_v460_utf8.csv:4: field "code_rome": sheet not in the sheet file (value "A1999")
                reject rome-4.0/unix_arborescence_thematique_v460_utf8.csv:3: field "code_theme": theme not in the theme file (value "009")
                reject rome-4.0/unix_referentiel_appellation_v460_utf8.csv:4: field "code_rome": sheet not in the sheet file (value "B9999")
                reject rome-4.0/unix_referentiel_competence_v460_utf8.csv:4: field "cat_comp": expected Savoir-faire or Savoir-être professionnel (value "Savoir")
                reject rome-4.0/unix_referentiel_savoir_v460_utf8.csv:3: field "code_ogr_savoir": duplicate item (first in rome-4.0/unix_referentiel_competence_v460_utf8.csv line 2) (value "100023")
                reject rome-4.0/unix_liens_rome_referentiels_v460_utf8.csv:6: field "code_rubrique": section "1" does not match a Knowledge item (expected 3) (value "1") [row kept without it]
                reject rome-4.0/unix_liens_rome_referentiels_v460_utf8.csv:8: field "code_ogr": not a competence or knowledge item of the referential (value "999999")
                reject rome-4.0/unix_liens_rome_referentiels_v460_utf8.csv:9: field "code_compo_bloc": unknown block (expected 1, 2, 5 or 6) (value "7")
                reject rome-4.0/unix_coherence_item_v460_utf8.csv:4: field "coeur_metier": expected Principale, Émergente or empty (value "Peut-être") [row kept without it]
                reject rome-4.0/unix_coherence_item_v460_utf8.csv:6: field "code_ogr": no link of A1102 to this item in the link file (value "100023")
            "#]],
        );
    }
}
