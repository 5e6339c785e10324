//! French text analysis: how a label or a query becomes index terms.
//!
//! The pipeline is `SimpleTokenizer -> RemoveLongFilter -> LowerCaser -> StopWordFilter(French)
//! -> StopWordFilter(gender fragments) -> AsciiFoldingFilter -> CompoundSplit -> GenderFold
//! -> Stemmer(French)`:
//! - stop words come before folding because the French list holds accented words (`à`, `étant`);
//! - the tokenizer splits on apostrophes and the French list holds `l`, `d`, `qu`, so elisions fall
//!   away; the gender fragments left by "(e)", "/ne", "(trice)" are dropped the same way;
//! - folding comes before stemming so that "securite" and "sécurité" give the same stem;
//! - a few learned prefixes (`cyber`, `tele`, `aero`, `electro`, ...) are split from what follows
//!   only where the split keeps the meaning ("cybersécurité", "cybersecurite" and "cyber sécurité"
//!   give the same terms; "électrotechnicien" gives "electro" and "technicien"); elsewhere the
//!   whole word stays one term, its prefix not a term of its own ("aéronautique" matches neither
//!   "nautique" nor "aéroportuaire", "télépilote" not "télécommunications", "électroménager" not
//!   "électrotechnique");
//! - feminine job-title suffixes are folded to the masculine ("conductrice" -> "conducteur"), on
//!   both sides, so either form of "Conducteur / Conductrice" matches.

use std::collections::HashMap;

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Words of this many bytes or more are dropped by the analysers (tantivy's `RemoveLongFilter`).
pub const MAX_WORD: usize = 40;

/// Name under which the French analyser is registered in every index of this crate.
pub const FRENCH: &str = "gapmap_fr";

/// Fragments left by gender marks ("Technicien(ne)", "Vendeur/euse", "Agent(e)") and short
/// labels ("Accompagnateur(trice)"), in accented and folded forms. Counted from the
/// parenthesised fragments of the ROME short labels.
const GENDER_FRAGMENTS: &[&str] = &[
    "e", "es", "ne", "nes", "le", "les", "se", "ses", "ve", "fe", "re", "s", "ère", "ere", "ière",
    "iere", "euse", "teuse", "trice", "rice", "ice", "sse", "esse", "tive", "ive", "eresse",
];

/// Prefixes given a term of their own, each with the starts of what may follow it as a word of
/// its own (`""`: anything): only where the split keeps the meaning. Read from the words of the
/// ROME, BCN and Certif Info labels that start with a prefix: "aéro|nautique", "aéro|portuaire",
/// "télé|communication", "télé|vision", "électro|ménager", "bio|logique", "thermo|mètres",
/// "radio|actifs" would be false friends; "cyber|sécurité", "électro|technicien",
/// "micro|électronique", "agro|alimentaire", "télé|conseiller", "aéro|spatial" are not.
const SPLIT_PREFIXES: &[(&str, &[&str])] = &[
    ("cyber", &[""]),
    ("electro", &["techn", "mecan"]),
    ("micro", &["electron", "mecan", "biolog", "informat"]),
    ("agro", &["aliment"]),
    (
        "tele",
        &["conseil", "vend", "operat", "secret", "prospect", "surveil"],
    ),
    ("aero", &["spatial"]),
    ("hydro", &[]),
    ("radio", &[]),
    ("thermo", &[]),
    ("bio", &[]),
];

/// A remainder shorter than this stays glued ("electronique" is not "electro" + "nique").
const MIN_REMAINDER: usize = 6;

/// Feminine -> masculine suffixes of French job titles, applied to folded lowercase words of at
/// least [`MIN_GENDER_WORD`] letters. Order matters: the longest suffix first.
const GENDER_SUFFIXES: &[(&str, &str)] = &[
    ("trice", "teur"),
    ("euse", "eur"),
    ("ienne", "ien"),
    ("iere", "ier"),
    ("elle", "el"),
    ("ere", "er"),
    ("ee", "e"),
];

const MIN_GENDER_WORD: usize = 6;

/// The French analyser used for indexing and querying (see the module docs).
pub fn french_analyzer() -> TextAnalyzer {
    build_analyzer(true)
}

/// The same analyser without the stemmer: whole folded words, for string-similarity re-ranking.
pub fn french_words_analyzer() -> TextAnalyzer {
    build_analyzer(false)
}

fn build_analyzer(stem: bool) -> TextAnalyzer {
    let fragments = GENDER_FRAGMENTS.iter().map(|s| (*s).to_owned());
    // `StopWordFilter::new` only fails for languages without a list; French has one.
    let french_stops = StopWordFilter::new(Language::French)
        .unwrap_or_else(|| StopWordFilter::remove(Vec::<String>::new()));
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD))
        .filter(LowerCaser)
        .filter(french_stops)
        .filter(StopWordFilter::remove(fragments))
        .filter(AsciiFoldingFilter)
        .filter(CompoundSplit)
        .filter(GenderFold);
    if stem {
        builder.filter(CachedFrenchStemmer).build()
    } else {
        builder.build()
    }
}

/// Registers the analysers on `index`. Tokenizers are not saved in the index: call this after
/// every `Index::create_*` and `Index::open*`.
pub fn register(index: &Index) {
    index.tokenizers().register(FRENCH, french_analyzer());
}

/// The terms `text` gives under the French analyser, in order.
///
/// ```
/// let terms = gapmap_index::analyze("Conductrice d'engins de l'armée");
/// assert_eq!(terms, gapmap_index::analyze("conducteur engins armee"));
/// ```
pub fn analyze(text: &str) -> Vec<String> {
    run(&mut french_analyzer(), text)
}

/// The folded words of `text` (no stemming), stop words and gender marks removed.
pub fn normalize_words(text: &str) -> Vec<String> {
    run(&mut french_words_analyzer(), text)
}

/// `text` without the characters that split a word on screen invisibly: combining accents (text
/// typed or pasted in decomposed form, "e" + U+0301; accents are folded anyway), the soft
/// hyphen, zero-width spaces and joiners, the word joiner and the byte-order mark.
pub(crate) fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    let invisible = |c: char| matches!(c, '\u{0300}'..='\u{036F}' | '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}');
    if text.chars().any(invisible) {
        std::borrow::Cow::Owned(text.chars().filter(|&c| !invisible(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

pub(crate) fn run(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let text = clean(text);
    let mut stream = analyzer.token_stream(&text);
    let mut terms = Vec::new();
    while stream.advance() {
        terms.push(stream.token().text.clone());
    }
    terms
}

fn fold_gender(word: &mut String) {
    if word.len() < MIN_GENDER_WORD {
        return;
    }
    for (feminine, masculine) in GENDER_SUFFIXES {
        if let Some(stem) = word.strip_suffix(feminine) {
            // "-ere" only after a consonant ("boulangere"), not "-iere" handled above.
            if *feminine == "ere" && stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
                return;
            }
            let stem_len = stem.len();
            word.truncate(stem_len);
            word.push_str(masculine);
            return;
        }
    }
}

/// Stems remembered per analyser at most; past that the memory starts again empty.
const MAX_CACHED_STEMS: usize = 200_000;

/// Token filter stemming with tantivy's French Snowball stemmer and remembering each stem: the
/// labels of the training map repeat a few thousand words, and stemming is the costliest step of
/// indexing. Each clone of the analyser (one per indexing thread) has its own memory.
#[derive(Clone)]
struct CachedFrenchStemmer;

impl TokenFilter for CachedFrenchStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stems: HashMap::new(),
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::French))
                .build(),
        }
    }
}

#[derive(Clone)]
struct CachedStemmerFilter<T> {
    inner: T,
    stems: HashMap<String, String>,
    /// The stemmer over one whole word.
    stemmer: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
            stemmer: &mut self.stemmer,
        }
    }
}

struct CachedStemmerStream<'a, T> {
    tail: T,
    stems: &'a mut HashMap<String, String>,
    stemmer: &'a mut TextAnalyzer,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let word = &mut self.tail.token_mut().text;
        if let Some(stem) = self.stems.get(word.as_str()) {
            word.clone_from(stem);
            return true;
        }
        let stem = {
            let mut stream = self.stemmer.token_stream(word);
            if stream.advance() {
                stream.token().text.clone()
            } else {
                word.clone()
            }
        };
        if self.stems.len() >= MAX_CACHED_STEMS {
            self.stems.clear();
        }
        self.stems
            .insert(std::mem::replace(word, stem.clone()), stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Token filter mapping feminine job-title suffixes to the masculine ones.
#[derive(Clone)]
struct GenderFold;

impl TokenFilter for GenderFold {
    type Tokenizer<T: Tokenizer> = GenderFoldFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> GenderFoldFilter<T> {
        GenderFoldFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
struct GenderFoldFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for GenderFoldFilter<T> {
    type TokenStream<'a> = GenderFoldStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        GenderFoldStream {
            tail: self.inner.token_stream(text),
        }
    }
}

struct GenderFoldStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for GenderFoldStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        fold_gender(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Token filter splitting a known prefix from a folded word where the meaning is kept
/// ("cybersecurite" -> "cyber", "securite"; "aeronautique" stays whole).
#[derive(Clone)]
struct CompoundSplit;

impl TokenFilter for CompoundSplit {
    type Tokenizer<T: Tokenizer> = CompoundSplitFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CompoundSplitFilter<T> {
        CompoundSplitFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
struct CompoundSplitFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CompoundSplitFilter<T> {
    type TokenStream<'a> = CompoundSplitStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CompoundSplitStream {
            tail: self.inner.token_stream(text),
            pending: None,
            current: Token::default(),
        }
    }
}

struct CompoundSplitStream<T> {
    tail: T,
    /// The remainder of a split word (or the whole word), emitted after its prefix.
    pending: Option<Token>,
    current: Token,
}

/// The prefix of `word` and the rest after it, where splitting keeps the meaning; `None`
/// elsewhere: the whole word stays one term, without its prefix as a term of its own (a bare
/// "aero" from "aéronautique" matched "aéroportuaire", "tele" from "télépilote" matched
/// "télécommunications").
fn split_prefix(word: &str) -> Option<(&str, &str)> {
    SPLIT_PREFIXES.iter().find_map(|(prefix, keeps_meaning)| {
        let rest = word.strip_prefix(prefix)?;
        let rest = rest.strip_prefix('-').unwrap_or(rest);
        let split = rest.len() >= MIN_REMAINDER
            && keeps_meaning.iter().any(|start| rest.starts_with(start));
        split.then_some((*prefix, rest))
    })
}

impl<T: TokenStream> TokenStream for CompoundSplitStream<T> {
    fn advance(&mut self) -> bool {
        if let Some(rest) = self.pending.take() {
            self.current = rest;
            return true;
        }
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token();
        self.current = token.clone();
        if let Some((prefix, rest)) = split_prefix(&token.text) {
            let (prefix, rest) = (prefix.to_owned(), rest.to_owned());
            let mut second = token.clone();
            second.text = rest;
            second.position = token.position;
            self.current.text = prefix;
            self.pending = Some(second);
        }
        true
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    #[track_caller]
    fn check(input: &str, expect: Expect) {
        let terms = analyze(input);
        let words = normalize_words(input);
        expect.assert_eq(&format!("{}\n{}", terms.join(" "), words.join(" ")));
    }

    /// The remembered stems are the stemmer's: the same terms as the plain Snowball filter, on
    /// first sight and from memory, and after the memory starts again.
    #[test]
    fn remembered_stems_are_the_stemmers() {
        let plain = |text: &str| {
            let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_WORD))
                .filter(LowerCaser)
                .filter(
                    StopWordFilter::new(Language::French)
                        .unwrap_or_else(|| StopWordFilter::remove(Vec::<String>::new())),
                )
                .filter(StopWordFilter::remove(
                    GENDER_FRAGMENTS.iter().map(|s| (*s).to_owned()),
                ))
                .filter(AsciiFoldingFilter)
                .filter(CompoundSplit)
                .filter(GenderFold)
                .filter(Stemmer::new(Language::French))
                .build();
            run(&mut analyzer, text)
        };
        let texts = [
            "Mécanicien / Mécanicienne aéronautique",
            "Conduite d'engins de travaux publics",
            "Pilote de drones et de systèmes télé-opérés",
            "Opérateur / Opératrice en cybersécurité des installations",
            "mécaniciens aéronautiques, pilotes, opérations",
        ];
        let mut cached = french_analyzer();
        for round in 0..3 {
            for text in texts {
                assert_eq!(run(&mut cached, text), plain(text), "round {round}: {text}");
            }
        }
        // Past the bound, the memory starts again and stems stay right.
        let many: String = (0..MAX_CACHED_STEMS + 10)
            .map(|i| format!("mot{i} "))
            .collect();
        assert_eq!(run(&mut cached, &many).len(), MAX_CACHED_STEMS + 10);
        for text in texts {
            assert_eq!(run(&mut cached, text), plain(text), "{text}");
        }
    }

    /// Compounds: the pairs that must share a term, and the false friends that must share none
    /// (not even a bare prefix).
    #[test]
    fn compounds_split_only_where_the_meaning_is_kept() {
        let terms = |text: &str| -> Vec<String> { analyze(text) };
        let shared = |a: &str, b: &str| -> Vec<String> {
            let b = terms(b);
            terms(a).into_iter().filter(|t| b.contains(t)).collect()
        };
        for (a, b) in [
            ("aéronautique", "nautique"),
            ("aéronautique", "aéroportuaire"),
            ("aéronautique", "aérospatial"),
            ("télécommunications", "communication"),
            ("télécommunications", "télépilote"),
            ("télécommunications", "téléconseiller"),
            ("télévision", "vision"),
            ("électroménager", "ménager"),
            ("électroménager", "électrotechnique"),
            ("électroradiologie", "électrotechnicien"),
            ("biologique", "logique"),
            ("thermomètres", "mètres"),
            ("radioactifs", "actifs"),
            ("télécommande", "commande"),
            ("télépilote", "pilote de ligne"),
        ] {
            assert!(
                shared(a, b).is_empty(),
                "{a} {:?} / {b} {:?}",
                terms(a),
                terms(b)
            );
        }
        assert_eq!(
            shared("maintenance aéronautique", "maintenance nautique"),
            ["mainten"]
        );
        for (a, b) in [
            ("cybersécurité", "cyber sécurité"),
            ("cyberdéfense", "cyber défense"),
            ("électrotechnicien", "électro technicien"),
            ("électrotechnique", "électrotechnicien"),
            ("électromécanicien", "mécanicien"),
            ("microélectronique", "électronique"),
            ("agroalimentaire", "industrie alimentaire"),
            ("téléconseiller", "conseiller clientèle"),
            ("télé-conseiller", "téléconseiller"),
            ("microbiologie", "biologie"),
            ("aérospatial", "industrie spatiale"),
        ] {
            assert!(
                !shared(a, b).is_empty(),
                "{a} {:?} / {b} {:?}",
                terms(a),
                terms(b)
            );
        }
        // One term per unsplit word: coordination counts "aéronautique" once.
        assert_eq!(terms("aéronautique").len(), 1);
    }

    #[test]
    fn analysis() {
        check(
            "Conducteur / Conductrice d'engins agricoles",
            expect![[r#"
                conducteur conducteur engin agricol
                conducteur conducteur engins agricoles"#]],
        );
        check(
            "Technicien(ne) de l'armée qu'il soit",
            expect![[r#"
                technicien arme
                technicien armee"#]],
        );
        check(
            "Accompagnateur(trice) médicosocial(e) vie journalière",
            expect![[r#"
                accompagn medicosocial vi journali
                accompagnateur medicosocial vie journalier"#]],
        );
        check(
            "cybersécurité",
            expect![[r#"
                cyb securit
                cyber securite"#]],
        );
        check(
            "Cyber sécurité",
            expect![[r#"
                cyb securit
                cyber securite"#]],
        );
        check(
            "Télépilote de drone",
            expect![[r#"
                telepilot dron
                telepilote drone"#]],
        );
        check(
            "Électronique, électromécanicien",
            expect![[r#"
                electron electro mecanicien
                electronique electro mecanicien"#]],
        );
        check(
            "Vendeuse, infirmière, boulangère, technicienne",
            expect![[r#"
                vendeur infirmi boulang technicien
                vendeur infirmier boulanger technicien"#]],
        );
    }
}
