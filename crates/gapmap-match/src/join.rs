//! The compiled candidate join: which offers can supply which needs, found through integer ids
//! and posting lists instead of a search per need.
//!
//! Built once from the referential and the offers ([`CompiledMap::new`]):
//! - offers are grouped by their set of ROME codes (a *code set*: thousands of offers share a few
//!   thousand sets); each set has the competences it teaches as a bitset;
//! - posting lists: ROME domain -> code sets, competence -> code sets, code set -> offers (grouped
//!   by geographic cell, see [`crate::geo::Cells`]).
//!
//! For a need's *subject* (its sheets with their confidence and its competences) the join lists
//! every code set that shares a domain with it or teaches enough of its competences
//! ([`CompiledMap::subject_links`]); then every offer of those sets within reach of the need's
//! place is a candidate — there is no cap and no cut by identifier; only cells that no offer
//! within reach can lie in are skipped ([`CompiledMap::offers_near`]).

use std::collections::{BTreeMap, HashMap};

use gapmap_model::{Offer, OgrCode, Referential, RomeCode};

use crate::score::{CodeKey, OccupationLink, Scoring, SubjectFacts};

/// A fixed-size set of competence ids.
#[derive(Clone, Debug, Default)]
struct Bitset(Vec<u64>);

impl Bitset {
    fn with_capacity(bits: usize) -> Bitset {
        Bitset(vec![0; bits.div_ceil(64)])
    }

    fn insert(&mut self, bit: u32) {
        let (word, offset) = (bit as usize / 64, bit % 64);
        if let Some(w) = self.0.get_mut(word) {
            *w |= 1 << offset;
        }
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().enumerate().flat_map(|(k, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let b = rest.trailing_zeros();
                    rest &= rest - 1;
                    k as u32 * 64 + b
                })
            })
        })
    }

    fn contains(&self, bit: u32) -> bool {
        let (word, offset) = (bit as usize / 64, bit % 64);
        self.0.get(word).is_some_and(|w| w & (1 << offset) != 0)
    }
}

/// Offers that share the same ROME codes.
struct CodeSet {
    /// The codes with their domain and parent.
    keys: Vec<CodeKey>,
    /// Competences taught by the codes' sheets and their child sheets.
    competences: Bitset,
}

/// A need's subject: its sheets with confidence (millionths) and its competences with weights.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Subject {
    /// Sheets with their confidence in millionths.
    pub rome: Vec<(RomeCode, u32)>,
    /// Competences with their weight (2 = core, 1 = other or explicit), sorted by code.
    pub competences: Vec<(OgrCode, u32)>,
}

impl Subject {
    /// A subject from its sheets (confidence in [0, 1]) and its weighted competences.
    pub fn new(rome: &[(RomeCode, f64)], competences: Vec<(OgrCode, u32)>) -> Subject {
        let mut rome: Vec<(RomeCode, u32)> = rome
            .iter()
            .map(|&(code, c)| {
                let c = if c.is_finite() {
                    c.clamp(0.0, 1.0)
                } else {
                    0.0
                };
                (code, (c * 1_000_000.0).round() as u32)
            })
            .collect();
        rome.sort();
        rome.dedup_by_key(|(code, _)| *code);
        let mut competences = competences;
        competences.sort();
        Subject { rome, competences }
    }

    /// The sheets with their confidence as a float.
    pub fn sheets(&self) -> impl Iterator<Item = (RomeCode, f64)> + '_ {
        self.rome
            .iter()
            .map(|&(code, c)| (code, f64::from(c) / 1_000_000.0))
    }
}

/// A code set linked to a subject, before distance, level and text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SubjectLink {
    /// The code set.
    pub codeset: u32,
    /// The facts of the link, with `text` still 0.
    pub facts: SubjectFacts,
}

/// The compiled lookups (see the module docs).
pub(crate) struct CompiledMap<'a> {
    referential: &'a Referential,
    codesets: Vec<CodeSet>,
    /// Code set of each offer (`None` when the offer has no ROME code).
    offer_codeset: Vec<Option<u32>>,
    /// Offers of each code set, sorted by (cell, offer).
    codeset_offers: Vec<Vec<u32>>,
    /// Runs of `codeset_offers` by cell: (cell, end of the run).
    codeset_cells: Vec<Vec<(u32, u32)>>,
    domain_codesets: HashMap<[u8; 3], Vec<u32>>,
    competence_codesets: Vec<Vec<u32>>,
    competence_id: HashMap<OgrCode, u32>,
    sheet_competences: HashMap<RomeCode, Vec<(OgrCode, bool)>>,
    children: HashMap<RomeCode, Vec<RomeCode>>,
}

impl<'a> CompiledMap<'a> {
    /// Compiles the lookups of `offers`, whose cells are `cell_of` (by offer index).
    pub fn new(referential: &'a Referential, offers: &[Offer], cell_of: &[u32]) -> CompiledMap<'a> {
        let mut children: HashMap<RomeCode, Vec<RomeCode>> = HashMap::new();
        for m in referential.metiers.values() {
            if m.parent != m.code {
                children.entry(m.parent).or_default().push(m.code);
            }
        }
        let mut sheet_competences: HashMap<RomeCode, Vec<(OgrCode, bool)>> = HashMap::new();
        let mut competence_id: HashMap<OgrCode, u32> = HashMap::new();
        for link in &referential.metier_competences {
            sheet_competences
                .entry(link.rome)
                .or_default()
                .push((link.competence, link.core));
            let next = competence_id.len() as u32;
            competence_id.entry(link.competence).or_insert(next);
        }
        let mut set_of_codes: BTreeMap<Vec<RomeCode>, u32> = BTreeMap::new();
        let mut offer_codeset = Vec::with_capacity(offers.len());
        for offer in offers {
            let mut codes = offer.rome.clone();
            codes.sort();
            codes.dedup();
            if codes.is_empty() {
                offer_codeset.push(None);
                continue;
            }
            let next = set_of_codes.len() as u32;
            offer_codeset.push(Some(*set_of_codes.entry(codes).or_insert(next)));
        }
        let mut by_id: Vec<(&Vec<RomeCode>, u32)> =
            set_of_codes.iter().map(|(k, &v)| (k, v)).collect();
        by_id.sort_by_key(|&(_, id)| id);
        let mut map = CompiledMap {
            referential,
            codesets: Vec::with_capacity(by_id.len()),
            offer_codeset,
            codeset_offers: vec![Vec::new(); by_id.len()],
            codeset_cells: Vec::new(),
            domain_codesets: HashMap::new(),
            competence_codesets: vec![Vec::new(); competence_id.len()],
            competence_id,
            sheet_competences,
            children,
        };
        for (codes, id) in by_id {
            let set = map.compile_set(codes);
            let mut domains: Vec<[u8; 3]> = set.keys.iter().map(CodeKey::domain).collect();
            domains.sort_unstable();
            domains.dedup();
            for d in domains {
                map.domain_codesets.entry(d).or_default().push(id);
            }
            map.codesets.push(set);
        }
        for (id, set) in map.codesets.iter().enumerate() {
            for bit in set.competences.iter() {
                if let Some(list) = map.competence_codesets.get_mut(bit as usize) {
                    list.push(id as u32);
                }
            }
        }
        for (i, set) in map.offer_codeset.iter().enumerate() {
            if let Some(s) = set {
                map.codeset_offers[*s as usize].push(i as u32);
            }
        }
        let cell = |o: u32| cell_of.get(o as usize).copied().unwrap_or(0);
        for offers in &mut map.codeset_offers {
            offers.sort_by_key(|&o| (cell(o), o));
        }
        map.codeset_cells = map
            .codeset_offers
            .iter()
            .map(|offers| {
                let mut runs: Vec<(u32, u32)> = Vec::new();
                for (k, &o) in offers.iter().enumerate() {
                    match runs.last_mut() {
                        Some((c, end)) if *c == cell(o) => *end = k as u32 + 1,
                        _ => runs.push((cell(o), k as u32 + 1)),
                    }
                }
                runs
            })
            .collect();
        map
    }

    fn compile_set(&self, codes: &[RomeCode]) -> CodeSet {
        let mut competences = Bitset::with_capacity(self.competence_id.len());
        for &code in codes.iter().filter(|c| !c.is_domain_level()) {
            let sheets = std::iter::once(code)
                .chain(self.children.get(&code).into_iter().flatten().copied());
            for sheet in sheets {
                for (c, _) in self.sheet_competences.get(&sheet).into_iter().flatten() {
                    if let Some(&bit) = self.competence_id.get(c) {
                        competences.insert(bit);
                    }
                }
            }
        }
        CodeSet {
            keys: codes
                .iter()
                .map(|&c| CodeKey::new(self.referential, c))
                .collect(),
            competences,
        }
    }

    /// The code set of an offer, if it has ROME codes.
    pub fn codeset_of(&self, offer: usize) -> Option<u32> {
        self.offer_codeset.get(offer).copied().flatten()
    }

    /// The offers of a code set in the cells marked in `near` (by cell index; a cell beyond
    /// `near` counts as near).
    pub fn offers_near<'s>(
        &'s self,
        codeset: u32,
        near: &'s [bool],
    ) -> impl Iterator<Item = u32> + 's {
        let offers = &self.codeset_offers[codeset as usize];
        let mut start = 0usize;
        self.codeset_cells[codeset as usize]
            .iter()
            .filter_map(move |&(cell, end)| {
                let run = start..end as usize;
                start = end as usize;
                near.get(cell as usize)
                    .copied()
                    .unwrap_or(true)
                    .then_some(run)
            })
            .flat_map(move |run| offers[run].iter().copied())
    }

    /// The bit of a competence in the code sets' bitsets (`None`: no sheet has it).
    pub fn competence_bit(&self, competence: OgrCode) -> Option<u32> {
        self.competence_id.get(&competence).copied()
    }

    /// The bits of the competences a code set teaches (see [`CompiledMap::competence_bit`]).
    pub fn taught_bits(&self, codeset: u32) -> impl Iterator<Item = u32> + '_ {
        self.codesets[codeset as usize].competences.iter()
    }

    /// Whether a code set teaches the competence of bit `bit`.
    pub fn teaches_bit(&self, codeset: u32, bit: u32) -> bool {
        self.codesets[codeset as usize].competences.contains(bit)
    }

    /// The competences of a sheet, falling back to its child sheets' when it has none of its own.
    fn competences_of_sheet(&self, rome: RomeCode) -> Vec<(OgrCode, bool)> {
        if let Some(own) = self.sheet_competences.get(&rome) {
            return own.clone();
        }
        self.children
            .get(&rome)
            .into_iter()
            .flatten()
            .flat_map(|child| self.sheet_competences.get(child).into_iter().flatten())
            .copied()
            .collect()
    }

    /// The subject of a need whose sheets are `rome` (with confidence in [0, 1]) and whose
    /// buyer names the competences `explicit`: the sheets' competences (core 2, others 1) plus the
    /// named ones (weight 2). Naming a competence stresses it; it does not replace the job.
    pub fn subject(&self, rome: &[(RomeCode, f64)], explicit: &[OgrCode]) -> Subject {
        let mut competences: BTreeMap<OgrCode, u32> = BTreeMap::new();
        for &(sheet, _) in rome {
            for (c, core) in self.competences_of_sheet(sheet) {
                let w = if core { 2 } else { 1 };
                let e = competences.entry(c).or_insert(w);
                *e = (*e).max(w);
            }
        }
        for &c in explicit {
            competences.insert(c, 2);
        }
        Subject::new(rome, competences.into_iter().collect())
    }

    /// The facts of the link between a subject and a code set (text left at 0).
    pub fn facts(&self, subject: &Subject, codeset: u32) -> SubjectFacts {
        self.facts_with(subject, &self.keys_of(subject), codeset)
    }

    /// The subject's sheets with their domain and parent looked up, and their confidence.
    fn keys_of(&self, subject: &Subject) -> Vec<(CodeKey, f64)> {
        subject
            .sheets()
            .map(|(code, c)| (CodeKey::new(self.referential, code), c))
            .collect()
    }

    /// [`CompiledMap::facts`] with the subject's keys already looked up.
    fn facts_with(
        &self,
        subject: &Subject,
        need_keys: &[(CodeKey, f64)],
        codeset: u32,
    ) -> SubjectFacts {
        let set = &self.codesets[codeset as usize];
        let (link, confidence, pair) = best_link(need_keys, &set.keys);
        let mut facts = SubjectFacts {
            link,
            confidence,
            pair,
            covered_weight: 0,
            total_weight: 0,
            covered_count: 0,
            total_count: subject.competences.len() as u32,
            text: 0.0,
        };
        for &(c, w) in &subject.competences {
            facts.total_weight += w;
            if self
                .competence_id
                .get(&c)
                .is_some_and(|&bit| set.competences.contains(bit))
            {
                facts.covered_weight += w;
                facts.covered_count += 1;
            }
        }
        facts
    }

    /// Every code set that passes the link gates for `subject`, in code-set order.
    pub fn subject_links(&self, subject: &Subject, scoring: &Scoring) -> Vec<SubjectLink> {
        let need_keys = self.keys_of(subject);
        let mut seen: Vec<u32> = Vec::new();
        let mut domains: Vec<[u8; 3]> = need_keys.iter().map(|(k, _)| k.domain()).collect();
        domains.sort_unstable();
        domains.dedup();
        for d in &domains {
            seen.extend(self.domain_codesets.get(d).into_iter().flatten().copied());
        }
        // Code sets teaching any of the subject's competences, with the weight they cover.
        let mut covered: HashMap<u32, u32> = HashMap::new();
        for &(c, w) in &subject.competences {
            let Some(&bit) = self.competence_id.get(&c) else {
                continue;
            };
            for &set in &self.competence_codesets[bit as usize] {
                *covered.entry(set).or_default() += w;
            }
        }
        let total: u32 = subject.competences.iter().map(|(_, w)| w).sum();
        for (&set, &weight) in &covered {
            let share = f64::from(weight) / f64::from(total.max(1));
            if share >= scoring.adjacent_competence_share() {
                seen.push(set);
            }
        }
        seen.sort_unstable();
        seen.dedup();
        seen.into_iter()
            .filter_map(|codeset| {
                let facts = self.facts_with(subject, &need_keys, codeset);
                scoring.gate(&facts)?;
                Some(SubjectLink { codeset, facts })
            })
            .collect()
    }
}

/// The best link between the need's sheets (with their confidence) and an offer's codes: the
/// pair with the highest `link value x confidence`.
fn best_link(
    need: &[(CodeKey, f64)],
    offer: &[CodeKey],
) -> (OccupationLink, f64, Option<(RomeCode, RomeCode)>) {
    let mut best = (OccupationLink::Unrelated, 1.0, None);
    let mut best_value = 0.0;
    for (a, confidence) in need {
        for b in offer {
            let link = a.link(b);
            let value = link.value() * confidence;
            if value > best_value {
                best_value = value;
                best = (link, *confidence, Some((a.code(), b.code())));
            }
        }
    }
    best
}
