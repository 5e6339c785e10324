//! A diploma found by its published label, for rows whose MEFSTAT11 the BCN does not know yet.
//!
//! Parcoursup BTS 2024 lists the new "Certificats de spécialisation" (the former mentions
//! complémentaires, renamed in 2024) under MEFSTAT11 codes of a new form (`23K00025401`) that
//! `nMef` does not hold, so their rows carry no diploma, level or ROME code. The rule: a label
//! `Certificat de Spécialisation - <specialty>[ - en apprentissage]` is compared with the labels of
//! the BCN diplomas of kind `CS…` (`LIBELLE_COURT`) still open at the intake year, both reduced by
//! [`reduce`]; the diploma is taken when the best similarity (normalised Levenshtein) is at least
//! [`SIMILARITY_THRESHOLD`] and no other diploma scores as well. Anything else stays unresolved,
//! with the reason.

use gapmap_model::{Cfd, Referential};

use super::locate::fold_accents;

/// The least similarity at which a specialty is taken for a diploma's label: the reduced labels
/// are equal in practice; 0.9 forgives a letter or an abbreviation left over.
pub(crate) const SIMILARITY_THRESHOLD: f64 = 0.9;

/// Label prefixes the rule knows, with the BCN kind (`LIBELLE_COURT` prefix) they name.
const KINDS: [(&str, &str); 1] = [("certificat de specialisation", "CS")];

/// The BCN diplomas by kind, with their reduced labels.
pub(crate) struct ByLabel {
    kinds: Vec<(&'static str, Vec<Candidate>)>,
}

struct Candidate {
    cfd: Cfd,
    label: String,
    /// Year of the last intake (from `DATE_FERMETURE`), if closed.
    closed: Option<u16>,
}

impl ByLabel {
    pub(crate) fn new(referential: &Referential) -> ByLabel {
        let kinds = KINDS
            .iter()
            .map(|&(prefix, kind)| {
                let candidates = referential
                    .diplomas
                    .values()
                    .filter(|d| d.short_label.starts_with(kind))
                    .map(|d| Candidate {
                        cfd: d.cfd,
                        // `TECHNICIEN(NE) EN SOUDAGE (CS4)`: the kind is not part of the name.
                        label: reduce(
                            d.label
                                .strip_suffix(&format!(" ({})", d.short_label))
                                .unwrap_or(&d.label),
                        ),
                        closed: d.closed_on.as_deref().and_then(closing_year),
                    })
                    .collect();
                (prefix, candidates)
            })
            .collect();
        ByLabel { kinds }
    }

    /// The diploma a published course label names at intake `year`, or why none is taken.
    pub(crate) fn find(&self, label: &str, year: u16) -> Result<Cfd, String> {
        let folded = fold_accents(label);
        let Some((specialty, candidates)) = self.kinds.iter().find_map(|(prefix, c)| {
            folded
                .strip_prefix(prefix)
                .map(|rest| (rest.trim_start_matches([' ', '-']), c))
        }) else {
            return Err("its label names no diploma kind the rule knows".to_owned());
        };
        let specialty = reduce(
            specialty
                .strip_suffix(" - en apprentissage")
                .unwrap_or(specialty),
        );
        let mut scored: Vec<(f64, Cfd)> = candidates
            .iter()
            .filter(|c| c.closed.is_none_or(|closed| closed > year))
            .map(|c| (strsim::normalized_levenshtein(&specialty, &c.label), c.cfd))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        match scored.as_slice() {
            [(best, cfd), rest @ ..]
                if *best >= SIMILARITY_THRESHOLD && rest.first().is_none_or(|r| r.0 < *best) =>
            {
                Ok(*cfd)
            }
            [(best, _), (second, _), ..] if best == second => Err(format!(
                "its label matches two open diplomas equally ({best:.2})"
            )),
            [(best, cfd), ..] => Err(format!(
                "its label matches no open diploma (closest: {cfd}, similarity {best:.2})"
            )),
            [] => Err("no open diploma of its kind".to_owned()),
        }
    }
}

/// A label reduced for comparison: accents folded, lowercase, gender marks (`(ne)`) and
/// punctuation dropped, the abbreviations of the course labels spelled out (`techn.` ->
/// `technicien`, `opt.` -> `option`).
pub(crate) fn reduce(label: &str) -> String {
    fold_accents(label)
        .replace("(ne)", "")
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "techn." => "technicien",
            "opt." => "option",
            w => w.trim_end_matches('.'),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The year of the last intake of a diploma closed on `31/08/YYYY`: `YYYY - 1`.
fn closing_year(date: &str) -> Option<u16> {
    let year: u16 = date.get(date.len().checked_sub(4)?..)?.parse().ok()?;
    year.checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::{reduce, specialty};

    #[test]
    fn labels_reduce_to_the_same_words() {
        assert_eq!(
            reduce("Techn. en énergies renouvelables opt. a énergie électrique"),
            reduce("TECHNICIEN(NE) EN ENERGIES RENOUVELABLES OPTION A ENERGIE ELECTRIQUE")
        );
        assert_eq!(
            reduce("Technicien(ne) ascensoriste (service et modernisation)"),
            "technicien ascensoriste service et modernisation"
        );
        assert_eq!(reduce("Accueil-réception"), "accueil reception");
        assert_eq!(
            specialty(&reduce(
                "BUT spécialité réseaux et télécommunications parcours cybersécurité"
            )),
            Some("reseaux et telecommunications parcours cybersecurite")
        );
        assert_eq!(
            specialty(&reduce(
                "Licence sciences, technologies, santé mention informatique"
            )),
            Some("informatique")
        );
    }
}

/// The kinds of the Parcoursup course list resolved to Certif Info certifications: course-list
/// prefix (reduced) and Certif Info `Libelle_Type_Diplome`. Higher-education courses only: the
/// list's BTS and certificates are the Parcoursup BTS file's offers again, with their capacity.
const COURSE_KINDS: [(&str, &str); 4] = [
    ("but", "Bachelor universitaire de technologie"),
    ("licence", "Licence"),
    ("licence professionnelle", "Licence professionnelle"),
    (
        "deust",
        "Diplôme d'études universitaires scientifiques et techniques",
    ),
];

/// Certif Info certifications by kind, with their reduced specialty, to give the courses of the
/// Parcoursup course list (label only, no code) their certifications.
///
/// The rule: a course label is `Kind   Specialty[   Parcours …]` (fields separated by three
/// spaces). A certification's specialty is its label after `spécialité` or `mention`. The course
/// takes every active certification of its kind whose specialty equals the course's (all
/// fields), or begins with it followed by `parcours` (the course does not say which parcours), or
/// equals the course's first field (a parcours Certif Info does not list; `Portail X`, the common
/// first year of the licence X, is read `X`). Courses of other
/// kinds (engineering schools, which the list names without specialty; CPGE; state diplomas) and
/// courses that match nothing keep no certification.
pub(crate) struct ByCourse<'a> {
    kinds: Vec<(&'static str, Vec<(String, &'a gapmap_model::Certification)>)>,
}

impl<'a> ByCourse<'a> {
    pub(crate) fn new(referential: &'a Referential) -> ByCourse<'a> {
        let kinds = COURSE_KINDS
            .iter()
            .map(|&(prefix, kind)| {
                let certifications = referential
                    .certifications
                    .iter()
                    .filter(|c| c.active && c.kind_label == kind && !c.rome.is_empty())
                    .filter_map(|c| specialty(&reduce(&c.label)).map(|s| (s.to_owned(), c)))
                    .collect();
                (prefix, certifications)
            })
            .collect();
        ByCourse { kinds }
    }

    /// The certifications a course of the list names, or why none: `Ok` is never empty.
    pub(crate) fn find(
        &self,
        label: &str,
    ) -> Result<Vec<&'a gapmap_model::Certification>, NoCourse> {
        let fields: Vec<String> = label
            .split("   ")
            .map(reduce)
            .filter(|f| !f.is_empty())
            .collect();
        let Some((kind, rest)) = fields.split_first() else {
            return Err(NoCourse::OtherKind);
        };
        let Some((_, certifications)) = self.kinds.iter().find(|(k, _)| k == kind) else {
            return Err(NoCourse::OtherKind);
        };
        let full = rest.join(" ");
        // `Portail X` is the common first year of the licence X.
        let first = rest.first().map_or("", |f| {
            let f = f.strip_prefix("portail ").unwrap_or(f);
            f.split(" parcours ").next().unwrap_or(f)
        });
        if full.is_empty() {
            return Err(NoCourse::NoSpecialty);
        }
        let found: Vec<&gapmap_model::Certification> = certifications
            .iter()
            .filter(|(s, _)| {
                *s == full
                    || s.strip_prefix(full.as_str())
                        .is_some_and(|after| after.starts_with(" parcours "))
                    || *s == first
            })
            .map(|&(_, c)| c)
            .collect();
        if found.is_empty() {
            Err(NoCourse::NotListed)
        } else {
            Ok(found)
        }
    }
}

/// Why a course of the list gets no certification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NoCourse {
    /// A kind the rule does not resolve (engineering schools, CPGE, BTS...).
    OtherKind,
    /// The label names a kind but no specialty.
    NoSpecialty,
    /// Certif Info lists no active certification of that specialty with ROME codes.
    NotListed,
}

/// The specialty of a reduced certification label: after its first `specialite` or `mention`.
fn specialty(label: &str) -> Option<&str> {
    ["specialite ", "mention "]
        .iter()
        .filter_map(|m| label.find(m).map(|i| &label[i + m.len()..]))
        .next()
}
