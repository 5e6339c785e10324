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

use gapmap_model::{Certification, Cfd, Referential, RomeCode};

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
            .filter(|c| c.closed.is_none_or(|last_intake| last_intake >= year))
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
/// punctuation dropped, `&` read `et`, the abbreviations of the course labels spelled out (`techn.` ->
/// `technicien`, `opt.` -> `option`).
pub(crate) fn reduce(label: &str) -> String {
    fold_accents(label)
        .replace("(ne)", "")
        .replace('&', " et ")
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

/// Words left out when specialties are compared (`information-communication` is `information et
/// communication`).
const STOP_WORDS: [&str; 11] = [
    "et", "de", "des", "du", "la", "le", "les", "l", "d", "en", "a",
];

/// Certif Info certifications by kind, with their specialty reduced for comparison, to give the
/// courses of the Parcoursup course list (label only, no code) their certifications.
///
/// The rule (written in the README): a course label is `Kind   Specialty[   …]` (fields separated
/// by three spaces; `Portail X`, the common first year of the licence X, is read `X`). A
/// certification's specialty is its label after `spécialité` or `mention`, else after its kind's
/// words. Specialties are compared without accents, case, punctuation or small words, equal or
/// with a normalised Levenshtein similarity of at least [`SIMILARITY_THRESHOLD`]. The course
/// takes the active certifications of its kind whose specialty is the course's (all fields, its
/// parcours included), else those whose specialty is the course's first field followed by a
/// parcours (the course does not say which one: it takes only the ROME codes all of them share),
/// else the one whose specialty is its first field. A certification that another candidate
/// replaces (`Code_Ancien_Diplome`) is left out. Other kinds (engineering schools, which the list
/// names without specialty; CPGE; state diplomas) and courses that match nothing keep no code.
pub(crate) struct ByCourse<'a> {
    kinds: Vec<(&'static str, Vec<(String, &'a Certification)>)>,
    /// Answers by label: the list repeats labels across schools.
    found: std::cell::RefCell<std::collections::HashMap<String, Result<Course<'a>, NoCourse>>>,
}

/// The certifications a course resolves to, and the ROME codes it takes from them.
#[derive(Clone)]
pub(crate) struct Course<'a> {
    /// The certifications.
    pub(crate) certifications: Vec<&'a Certification>,
    /// The ROME codes: all of a single certification's, or those every parcours shares.
    pub(crate) rome: Vec<RomeCode>,
}

impl<'a> ByCourse<'a> {
    pub(crate) fn new(referential: &'a Referential) -> ByCourse<'a> {
        let kinds = COURSE_KINDS
            .iter()
            .map(|&(prefix, kind)| {
                let of_kind: Vec<&Certification> = referential
                    .certifications
                    .iter()
                    .filter(|c| c.active && c.kind_label == kind && !c.rome.is_empty())
                    .collect();
                let replaced: std::collections::BTreeSet<u32> =
                    of_kind.iter().filter_map(|c| c.replaces).collect();
                let certifications = of_kind
                    .into_iter()
                    .filter(|c| !replaced.contains(&c.certif_info_id))
                    .filter_map(|c| specialty(&reduce(&c.label), prefix).map(|s| (key(s), c)))
                    .collect();
                (prefix, certifications)
            })
            .collect();
        ByCourse {
            kinds,
            found: Default::default(),
        }
    }

    /// The certifications a course of the list names, or why none.
    pub(crate) fn find(&self, label: &str) -> Result<Course<'a>, NoCourse> {
        if let Some(known) = self.found.borrow().get(label) {
            return known.clone();
        }
        let answer = self.resolve(label);
        self.found
            .borrow_mut()
            .insert(label.to_owned(), answer.clone());
        answer
    }

    fn resolve(&self, label: &str) -> Result<Course<'a>, NoCourse> {
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
        let Some(first) = rest.first() else {
            return Err(NoCourse::NoSpecialty);
        };
        let first = first.strip_prefix("portail ").unwrap_or(first);
        let (first, parcours) = match first.split_once(" parcours ") {
            Some((mention, p)) => (mention, Some(p)),
            None => (first, None),
        };
        let full = key(&rest.join(" ").replacen("portail ", "", 1));
        // What the course names before its parcours: its first field, or all its fields when it
        // names no parcours (`BUT   Génie civil   Construction durable`).
        let mention = match parcours {
            Some(_) => key(first),
            None => full.clone(),
        };
        let first = key(first);
        let same = |a: &str, b: &str| a == b || similar(a, b);
        let exact: Vec<&'a Certification> = certifications
            .iter()
            .filter(|(s, _)| same(s, &full))
            .map(|&(_, c)| c)
            .collect();
        if !exact.is_empty() {
            return Ok(Course::of(exact, false));
        }
        let parcours_of: Vec<&'a Certification> = certifications
            .iter()
            .filter(|(s, _)| {
                s.split_once(" parcours ")
                    .is_some_and(|(m, _)| same(m, &mention))
            })
            .map(|&(_, c)| c)
            .collect();
        if !parcours_of.is_empty() && parcours.is_none() {
            return Course::of(parcours_of, true).non_empty();
        }
        let by_mention: Vec<&'a Certification> = certifications
            .iter()
            .filter(|(s, _)| same(s, &mention) || same(s, &first))
            .map(|&(_, c)| c)
            .collect();
        if by_mention.is_empty() {
            Err(NoCourse::NotListed)
        } else {
            Ok(Course::of(by_mention, false))
        }
    }
}

impl<'a> Course<'a> {
    /// The course of `certifications`: their codes (all of them, or those all share).
    fn of(certifications: Vec<&'a Certification>, shared: bool) -> Course<'a> {
        let mut rome: Vec<RomeCode> = Vec::new();
        for c in &certifications {
            for code in &c.rome {
                let everywhere = !shared || certifications.iter().all(|o| o.rome.contains(code));
                if everywhere && !rome.contains(code) {
                    rome.push(*code);
                }
            }
        }
        Course {
            certifications,
            rome,
        }
    }

    fn non_empty(self) -> Result<Course<'a>, NoCourse> {
        if self.rome.is_empty() {
            Err(NoCourse::NoSharedCode)
        } else {
            Ok(self)
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
    /// The course names no parcours and the parcours of its specialty share no ROME code.
    NoSharedCode,
}

impl NoCourse {
    /// In words, for the import report.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            NoCourse::OtherKind => "a kind of course not resolved by label",
            NoCourse::NoSpecialty => "a label without specialty",
            NoCourse::NotListed => {
                "no active Certif Info certification of its kind names its specialty"
            }
            NoCourse::NoSharedCode => {
                "it names no parcours and the parcours of its specialty share no ROME code"
            }
        }
    }
}

/// Whether two reduced labels are at least [`SIMILARITY_THRESHOLD`] alike. The lengths alone
/// bound the similarity (`1 - |la - lb| / max`), so most pairs are refused without computing it.
fn similar(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let longest = la.max(lb).max(1) as f64;
    1.0 - la.abs_diff(lb) as f64 / longest >= SIMILARITY_THRESHOLD
        && strsim::normalized_levenshtein(a, b) >= SIMILARITY_THRESHOLD
}

/// The specialty of a reduced certification label: after its first `specialite` or `mention`,
/// else after the words of its kind (`deust webmaster …`).
fn specialty<'l>(label: &'l str, kind: &str) -> Option<&'l str> {
    ["specialite ", "mention "]
        .iter()
        .find_map(|m| label.find(m).map(|i| &label[i + m.len()..]))
        .or_else(|| label.strip_prefix(kind).map(str::trim_start))
        .filter(|s| !s.is_empty())
}

/// A reduced specialty without its small words, for comparison.
fn key(specialty: &str) -> String {
    specialty
        .split(' ')
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::{key, reduce, specialty};

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
            specialty(
                &reduce("BUT spécialité réseaux & télécommunications parcours cybersécurité"),
                "but"
            ),
            Some("reseaux et telecommunications parcours cybersecurite")
        );
        assert_eq!(
            specialty(
                &reduce("Licence sciences, technologies, santé mention informatique"),
                "licence"
            ),
            Some("informatique")
        );
        assert_eq!(
            specialty(&reduce("DEUST webmaster et métiers de l'internet"), "deust"),
            Some("webmaster et metiers de l internet")
        );
        assert_eq!(
            key(&reduce("information-communication")),
            key(&reduce("Information et communication"))
        );
    }
}
