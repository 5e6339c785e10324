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
    use super::reduce;

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
    }
}
