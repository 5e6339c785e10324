//! Every label the report prints, in French and English, and the number formats of each language.
//!
//! One table ([`Msg::pair`]) holds both languages, so a label cannot exist in one language only.

/// Language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// French, the planners' language (default).
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag for the HTML `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The label `msg` in this language.
    pub(crate) fn text(self, msg: Msg) -> &'static str {
        let (fr, en) = msg.pair();
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    /// A count of people for display: grouped thousands, at most one decimal.
    pub(crate) fn people(self, value: f64) -> String {
        self.decimal(value, 1)
    }

    /// A fraction (0 to 1) as a percentage with no decimal, e.g. "83 %" or "83%".
    pub(crate) fn percent(self, fraction: f64) -> String {
        if !fraction.is_finite() {
            return "–".to_owned();
        }
        let number = self.decimal(fraction * 100.0, 0);
        match self {
            // French typography puts a narrow no-break space before the percent sign.
            Lang::Fr => format!("{number}\u{202F}%"),
            Lang::En => format!("{number}%"),
        }
    }

    /// `value` with at most `max_decimals` decimals (trailing zeros dropped) and grouped thousands.
    pub(crate) fn decimal(self, value: f64, max_decimals: usize) -> String {
        if !value.is_finite() {
            return "–".to_owned();
        }
        let (group, point) = match self {
            Lang::Fr => ('\u{202F}', ','),
            Lang::En => (',', '.'),
        };
        let fixed = format!("{:.*}", max_decimals, value.abs());
        let (int_part, frac_part) = match fixed.split_once('.') {
            Some((int_part, frac_part)) => (int_part, frac_part.trim_end_matches('0')),
            None => (fixed.as_str(), ""),
        };
        let mut out = String::new();
        let rounds_to_zero = int_part.bytes().all(|b| b == b'0') && frac_part.is_empty();
        if value < 0.0 && !rounds_to_zero {
            out.push('−');
        }
        for (i, digit) in int_part.chars().enumerate() {
            if i > 0 && (int_part.len() - i) % 3 == 0 {
                out.push(group);
            }
            out.push(digit);
        }
        if !frac_part.is_empty() {
            out.push(point);
            out.push_str(frac_part);
        }
        out
    }
}

/// A label of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Msg {
    /// "Year".
    Year,
    /// The horizon's files.
    ReadmeYears,
    /// The recommendation's file.
    ReadmeRecommendation,
    /// Heading of the horizon section.
    Horizon,
    /// Introduction of the horizon section.
    HorizonIntro,
    /// Share of the direct coverage by projected seats.
    Projected,
    /// A demand not given.
    NotGiven,
    /// Buyers without a need in a year.
    NoDemandGiven,
    /// The projection rule's name.
    ProjectionRule,
    /// The `last` rule.
    ProjectionLast,
    /// The `trend` rule.
    ProjectionTrend,
    /// The BMO growth.
    BmoGrowth,
    /// The default course length.
    CourseLength,
    /// When a change first reaches graduates.
    FirstGraduates,
    /// A change in every year.
    EveryYear,
    /// The first year a scenario helps.
    FirstYearHelps,
    /// A scenario that never helps.
    NeverHelps,
    /// "Generated on".
    GeneratedAt,
    /// Heading of the illustrative-data notice.
    IllustrativeData,
    /// Text of the illustrative-data notice.
    IllustrativeDataText,
    /// Heading of the table of contents.
    Contents,
    /// Demand column.
    Demand,
    /// Covered demand column.
    Covered,
    /// Adjacent supply column.
    Adjacent,
    /// Seasonal projects column.
    Seasonal,
    /// Recruitment difficulty column.
    Tension,
    /// What "covered" counts, when only direct supply counts.
    CoverageRuleDirect,
    /// What "covered" counts, when adjacent supply counts too.
    CoverageRuleAll,
    /// Gap column.
    Gap,
    /// Coverage column.
    Coverage,
    /// Unit under key figures.
    People,
    /// Summary section.
    Summary,
    /// Summary section's explanation.
    SummaryIntro,
    /// Buyer column.
    Buyer,
    /// Total row.
    Total,
    /// Code column.
    Code,
    /// Label column.
    Label,
    /// Section: gaps by need.
    GapsByNeed,
    /// Section: gaps by ROME occupation.
    GapsByRome,
    /// Section: gaps by competence.
    GapsByCompetence,
    /// Section: gaps by département.
    GapsByDepartement,
    /// Section: gaps by employment area.
    GapsByBassin,
    /// Section: gaps by level.
    GapsByLevel,
    /// Section: gaps by buyer.
    GapsByBuyer,
    /// Section: gaps by tag.
    GapsByTag,
    /// "Showing {shown} of {total} rows; all rows are in {file}."
    RowsShown,
    /// Footnote on small counts.
    SmallCountNote,
    /// Map section.
    Map,
    /// Map explanation.
    MapCaption,
    /// Map legend: communes.
    Communes,
    /// Map legend: training sites.
    TrainingSites,
    /// Map legend: uncovered demand.
    UncoveredDemand,
    /// Big gaps section.
    BigGaps,
    /// Big gaps explanation.
    BigGapsIntro,
    /// Offer column.
    Offer,
    /// School column.
    School,
    /// Distance column.
    DistanceKm,
    /// Score column.
    Score,
    /// What an offer lacks.
    Lacks,
    /// No close offer for a need.
    NoCloseOffer,
    /// Scenario section.
    Scenario,
    /// Recommendations section.
    Recommendations,
    /// Label of the direct gap before and after.
    DirectGapPerYear,
    /// Label of the weighted gap.
    WeightedGap,
    /// No recommended action.
    NoAction,
    /// Action column (open, extend).
    Action,
    /// Euros column.
    Euros,
    /// Gap-closed column.
    Closed,
    /// First-graduates-year column.
    FirstGraduatesYear,
    /// Needs-served column.
    NeedsServed,
    /// Explanation column.
    Why,
    /// Gap before the scenario.
    Before,
    /// Gap after the scenario.
    After,
    /// Change of the gap.
    Change,
    /// Sources section.
    Sources,
    /// Sources explanation.
    SourcesIntro,
    /// Publisher column.
    Publisher,
    /// Data set column.
    Dataset,
    /// Licence column.
    Licence,
    /// Configuration section.
    Configuration,
    /// Configuration explanation.
    ConfigurationIntro,
    /// Files section.
    Files,
    /// Small count column of the tables.
    SmallCount,
    /// "yes".
    Yes,
    /// "no".
    No,
    /// Empty table.
    NoRows,
    /// README: heading.
    ReadmeTitle,
    /// README: report.html.
    ReadmeHtml,
    /// README: CSV files.
    ReadmeCsv,
    /// README: Parquet files.
    ReadmeParquet,
    /// README: gaps.json.
    ReadmeJson,
    /// README: README.txt.
    ReadmeSelf,
    /// README: the columns of the tables.
    ReadmeColumns,
    /// README: how negative numbers and formula-like text are written in CSV.
    ReadmeCsvCells,
    /// Chart axis: people.
    AxisPeople,
    /// Column: needs with a known volume.
    Needs,
    /// Column: needs with a masked volume.
    MaskedNeeds,
    /// Column: covered by direct supply.
    Direct,
    /// Column: needs whose seasonal share is masked.
    SeasonalMasked,
    /// Column: needs with courses of unknown capacity within reach.
    CapacityUnknownNeeds,
    /// Column: the gap of those needs.
    GapCapacityUnknown,
    /// Column: share of the demand on green or strategic jobs of the ecological transition.
    TransitionEcological,
    /// Column: share of the demand on jobs of the digital transition.
    TransitionDigital,
    /// Column: share of the demand on jobs of the demographic transition.
    TransitionDemographic,
    /// Column: graduates a year of an offer.
    Graduates,
    /// Column: first-choice applications per seat (peers' mean).
    PressurePeers,
    /// Column: employment rate at 6 months (peers' mean).
    EmploymentPeers,
    /// Section: the supply of the training map.
    Supply,
    /// Supply section: how entrants and graduates are counted.
    SupplyIntro,
    /// Supply section: entrants per application of a source: `{source}`, `{value}`, `{measured}`.
    PerApplication,
    /// Column: source of the offers.
    SourceColumn,
    /// Column: training mode.
    Mode,
    /// Column: European level.
    LevelColumn,
    /// Column: offers.
    Offers,
    /// Column: seats.
    Seats,
    /// Column: entrants.
    Entrants,
    /// Column: offers whose entrants come from the census.
    FromCensus,
    /// Column: offers whose entrants come from their applications.
    FromApplications,
    /// Column: offers whose outcomes are measured on their diploma or its predecessor.
    MeasuredOutcomes,
    /// README: offers.csv.
    ReadmeOffers,
    /// Summary note: part of the gap courses of unknown capacity may fill.
    CapacityUnknownNote,
}

impl Msg {
    /// The French and English texts of this label.
    pub(crate) fn pair(self) -> (&'static str, &'static str) {
        match self {
            Msg::GeneratedAt => ("Produit le", "Generated on"),
            Msg::IllustrativeData => ("Données illustratives", "Illustrative data"),
            Msg::IllustrativeDataText => (
                "Les chiffres de ce rapport ne décrivent pas la réalité : ils servent à montrer l'outil.",
                "The figures in this report do not describe reality: they show how the tool works.",
            ),
            Msg::Contents => ("Sommaire", "Contents"),
            Msg::Demand => ("Demande", "Demand"),
            Msg::Year => ("Année", "Year"),
            Msg::Horizon => ("Dans le temps : année par année", "Over time: year by year"),
            Msg::HorizonIntro => (
                "Chaque année, les besoins de l'année face aux diplômés qui entrent sur le marché du travail cette année-là : ceux de la rentrée de l'année moins les années jusqu'au diplôme (la durée de la formation, moins les années avant une entrée en première). Les places des rentrées que les sources ne publient pas sont projetées (règle ci-dessous) et signalées ; un besoin daté ne vaut que pour son année, un flux (croissance) à partir de son année ; l'enquête BMO est un flux annuel.",
                "Each year, the year's needs against the graduates entering the labour market that year: those of the intake of that year less the years to graduation (the course length, less the years before an entry in première). Seats of intakes the sources do not publish are projected (rule below) and flagged; a dated need counts for its year only, a flow (growth) from its year on; the BMO survey is a yearly flow.",
            ),
            Msg::Projected => (
                "Couverture par des places projetées",
                "Coverage by projected seats",
            ),
            Msg::NotGiven => ("non renseignée", "not given"),
            Msg::NoDemandGiven => (
                "Aucun besoin renseigné cette année pour : ",
                "No need given this year for: ",
            ),
            Msg::ProjectionRule => (
                "Places des rentrées non publiées",
                "Seats of unpublished intakes",
            ),
            Msg::ProjectionLast => (
                "celles de l'année publiée la plus proche",
                "those of the nearest published year",
            ),
            Msg::ProjectionTrend => (
                "la tendance (moindres carrés) des années publiées",
                "the least-squares trend of the published years",
            ),
            Msg::BmoGrowth => (
                "Croissance annuelle de la demande BMO",
                "Yearly growth of the BMO demand",
            ),
            Msg::CourseLength => (
                "Durée supposée d'une formation sans durée connue (ans)",
                "Course length assumed when unknown (years)",
            ),
            Msg::FirstGraduates => (
                "premiers effets sur les diplômés en",
                "first effect on graduates in",
            ),
            Msg::EveryYear => ("toutes les années", "every year"),
            Msg::FirstYearHelps => (
                "Première année où le scénario réduit l'écart : ",
                "First year the scenario lowers the gap: ",
            ),
            Msg::NeverHelps => (
                "Le scénario ne réduit l'écart en aucune année de l'horizon.",
                "The scenario lowers the gap in no year of the horizon.",
            ),
            Msg::Covered => ("Couverte", "Covered"),
            Msg::Adjacent => ("Voisine", "Adjacent"),
            Msg::Seasonal => ("Saisonniers exclus", "Seasonal excluded"),
            Msg::Tension => ("Difficulté", "Difficulty"),
            Msg::CoverageRuleDirect => (
                "« Couverte » compte les diplômés de formations qui enseignent le métier (même fiche ROME ou fiche parente, ou la plupart de ses compétences). « Voisine » : diplômés de formations proches (même domaine, compétences en partie) qu'il faudrait reconvertir ; ils restent dans l'écart. « Difficulté » : part des projets jugés difficiles par les employeurs (BMO). Les projets saisonniers du BMO sont exclus de la demande.",
                "\"Covered\" counts graduates of trainings that teach the job (same ROME sheet or parent sheet, or most of its competences). \"Adjacent\": graduates of related trainings (same domain, part of the competences) who would need retraining; they stay in the gap. \"Difficulty\": share of projects employers judge difficult (BMO). Seasonal BMO projects are left out of the demand.",
            ),
            Msg::CoverageRuleAll => (
                "« Couverte » compte les diplômés de formations qui enseignent le métier et, selon la configuration, ceux de formations voisines qu'il faudrait reconvertir (colonne « Voisine »). « Difficulté » : part des projets jugés difficiles par les employeurs (BMO).",
                "\"Covered\" counts graduates of trainings that teach the job and, as configured, those of related trainings who would need retraining (column \"Adjacent\"). \"Difficulty\": share of projects employers judge difficult (BMO).",
            ),
            Msg::Gap => ("Écart", "Gap"),
            Msg::Coverage => ("Couverture", "Coverage"),
            Msg::People => ("personnes", "people"),
            Msg::Summary => ("Synthèse par recruteur", "Summary by buyer"),
            Msg::SummaryIntro => (
                "Demande de recrutement, part couverte par l'offre de formation de la région et écart restant, en personnes.",
                "Recruitment demand, the part covered by the region's training offer and the remaining gap, in people.",
            ),
            Msg::Buyer => ("Recruteur", "Buyer"),
            Msg::Total => ("Total", "Total"),
            Msg::Code => ("Code", "Code"),
            Msg::Label => ("Libellé", "Label"),
            Msg::GapsByNeed => ("Besoins les moins couverts", "Least covered needs"),
            Msg::GapsByRome => (
                "Principaux écarts par métier (ROME)",
                "Largest gaps by occupation (ROME)",
            ),
            Msg::GapsByCompetence => (
                "Principaux écarts par compétence",
                "Largest gaps by competence",
            ),
            Msg::GapsByDepartement => ("Écarts par département", "Gaps by département"),
            Msg::GapsByBassin => ("Écarts par bassin d'emploi", "Gaps by employment area"),
            Msg::GapsByLevel => (
                "Écarts par niveau de qualification",
                "Gaps by qualification level",
            ),
            Msg::GapsByBuyer => ("Écarts par recruteur", "Gaps by buyer"),
            Msg::GapsByTag => ("Écarts par thème", "Gaps by tag"),
            Msg::RowsShown => (
                "{shown} lignes affichées sur {total} ; toutes les lignes sont dans {file}.",
                "Showing {shown} of {total} rows; all rows are in {file}.",
            ),
            Msg::SmallCountNote => (
                "† Effectif faible ou masqué dans les sources : chiffre fragile.",
                "† Small or masked count in the sources: a fragile figure.",
            ),
            Msg::Map => ("Carte des écarts", "Map of the gaps"),
            Msg::MapCaption => (
                "Points gris : communes de la région. Carrés bleus : sites de formation. Cercles rouges : demande non couverte, surface proportionnelle à l'écart.",
                "Grey dots: communes of the region. Blue squares: training sites. Red circles: uncovered demand, area proportional to the gap.",
            ),
            Msg::Communes => ("Communes", "Communes"),
            Msg::TrainingSites => ("Sites de formation", "Training sites"),
            Msg::UncoveredDemand => ("Demande non couverte", "Uncovered demand"),
            Msg::BigGaps => (
                "Les plus grands écarts et les offres les plus proches",
                "Largest gaps and the closest offers",
            ),
            Msg::BigGapsIntro => (
                "Pour chaque grand écart, les formations qui s'en approchent le plus et ce qui leur manque pour y répondre.",
                "For each large gap, the trainings that come closest and what they lack to fill it.",
            ),
            Msg::Offer => ("Formation", "Training"),
            Msg::School => ("Établissement", "School"),
            Msg::DistanceKm => ("Distance (km)", "Distance (km)"),
            Msg::Score => ("Score", "Score"),
            Msg::Lacks => ("Ce qui manque", "What it lacks"),
            Msg::NoCloseOffer => ("Aucune offre proche.", "No close offer."),
            Msg::Scenario => ("Scénario : avant / après", "Scenario: before / after"),
            Msg::Recommendations => (
                "Recommandations : ouvertures et extensions",
                "Recommendations: openings and extensions",
            ),
            Msg::Action => ("Action", "Action"),
            Msg::DirectGapPerYear => (
                "Écart direct (pers./an), avant → après :",
                "Direct gap (people a year), before → after:",
            ),
            Msg::WeightedGap => (
                "pondéré par la priorité des recruteurs :",
                "weighted by buyer priority:",
            ),
            Msg::NoAction => (
                "Aucune action ne comble d'écart direct avec ce budget et ces limites.",
                "No action closes any direct gap within this budget and these limits.",
            ),
            Msg::Euros => ("Coût (€)", "Cost (€)"),
            Msg::Closed => ("Écart comblé / an", "Gap closed / yr"),
            Msg::FirstGraduatesYear => ("Premiers diplômés", "First graduates"),
            Msg::NeedsServed => ("Besoins servis", "Needs served"),
            Msg::Why => ("Pourquoi", "Why"),
            Msg::Before => ("Écart avant", "Gap before"),
            Msg::After => ("Écart après", "Gap after"),
            Msg::Change => ("Variation", "Change"),
            Msg::Sources => (
                "Sources des données et licences",
                "Data sources and licences",
            ),
            Msg::SourcesIntro => (
                "Ce rapport réutilise les données publiques suivantes ; leurs producteurs en restent les auteurs.",
                "This report reuses the following public data; their publishers remain their authors.",
            ),
            Msg::Publisher => ("Producteur", "Publisher"),
            Msg::Dataset => ("Jeu de données", "Data set"),
            Msg::Licence => ("Licence", "Licence"),
            Msg::Configuration => ("Configuration utilisée", "Configuration used"),
            Msg::ConfigurationIntro => (
                "Paramètres du calcul (poids, rayons, seuils), pour refaire ou discuter les chiffres.",
                "Parameters of the computation (weights, radii, thresholds), to reproduce or discuss the figures.",
            ),
            Msg::Files => ("Fichiers", "Files"),
            Msg::SmallCount => ("effectif_faible", "small_count"),
            Msg::Needs => ("Besoins", "Needs"),
            Msg::MaskedNeeds => ("Besoins masqués", "Masked needs"),
            Msg::Direct => ("Couverte directe", "Covered direct"),
            Msg::SeasonalMasked => ("Saisonniers masqués", "Seasonal masked"),
            Msg::CapacityUnknownNeeds => (
                "Besoins avec formations de capacité inconnue",
                "Needs with courses of unknown capacity",
            ),
            Msg::GapCapacityUnknown => ("Écart de ces besoins", "Gap of these needs"),
            Msg::TransitionEcological => {
                ("Part transition écologique", "Ecological transition share")
            }
            Msg::TransitionDigital => ("Part transition numérique", "Digital transition share"),
            Msg::Graduates => ("Diplômés / an", "Graduates / yr"),
            Msg::PressurePeers => ("Pression (moyenne)", "Pressure (mean)"),
            Msg::EmploymentPeers => ("Emploi à 6 mois (moyenne)", "Employment at 6 months (mean)"),
            Msg::Supply => (
                "L'offre de formation : entrants et diplômés",
                "The training supply: entrants and graduates",
            ),
            Msg::SupplyIntro => (
                "Une place vide ne forme personne. Les entrants d'une formation sont les élèves qui y sont entrés au constat de rentrée 2020 (établissement × formation, statut scolaire ; sans ceux qui montent de la seconde du même lycée), au plus ses places, même sans capacité publiée ; sinon ses vœux (premiers vœux Affelnet, vœux confirmés Parcoursup) multipliés par le nombre d'entrants par vœu calé sur le constat, au plus ses places ; sans vœu ni élève au constat, aucun entrant. Les diplômés = entrants × part qui atteint l'année terminale (mesurée au constat par type de formation dans la région, statut scolaire ; sinon le paramètre) × (1 − poursuite d'études InserJeunes). Le détail par formation, avec la pression, le remplissage et l'insertion comparés à la moyenne des formations de même région, source, statut et niveau, est dans offers.csv.",
                "An empty seat trains nobody. A course's entrants are the pupils who entered it in the 2020 school census (school x course, school status; not those moving up from the same school's seconde), at most its seats, also without a published capacity; else its applications (Affelnet first choices, Parcoursup confirmed wishes) times the entrants per application calibrated on the census, at most its seats; with neither applicant nor census pupil, no entrant. Graduates = entrants x share reaching the final year (measured in the census per kind of course in the region, school status; else the setting) x (1 - InserJeunes further study). Each offer, with its pressure, fill rate and outcomes against the mean of the courses of its region, source, mode and level, is in offers.csv.",
            ),
            Msg::PerApplication => (
                "Entrants par vœu, {source} : {value} ({measured}).",
                "Entrants per application, {source}: {value} ({measured}).",
            ),
            Msg::SourceColumn => ("Source", "Source"),
            Msg::Mode => ("Statut", "Mode"),
            Msg::LevelColumn => ("Niveau", "Level"),
            Msg::Offers => ("Formations", "Offers"),
            Msg::Seats => ("Places", "Seats"),
            Msg::Entrants => ("Entrants", "Entrants"),
            Msg::FromCensus => ("dont constat", "of which census"),
            Msg::FromApplications => ("dont vœux", "of which applications"),
            Msg::MeasuredOutcomes => ("Insertion mesurée", "Measured outcomes"),
            Msg::TransitionDemographic => (
                "Part transition démographique",
                "Demographic transition share",
            ),
            Msg::CapacityUnknownNote => (
                "Sur cet écart, {gap} personnes par an relèvent de besoins ({needs}) que pourraient aussi servir, à portée, des formations dont la capacité n'est pas connue (les formations du supérieur, que la liste Parcoursup donne sans capacité, et les capacités fictives « 999 » d'Affelnet). Elles ne comptent pour rien dans les chiffres : une part inconnue de cet écart peut être la leur. Un fichier de capacités (--capacities) les fait compter.",
                "Of this gap, {gap} people a year belong to needs ({needs}) that courses of unknown capacity within reach could also serve (higher-education courses, which the Parcoursup list gives without capacity, and Affelnet's 999 placeholders). They count for nothing in the figures: an unknown part of this gap may be theirs. A capacities file (--capacities) makes them count.",
            ),
            Msg::Yes => ("oui", "yes"),
            Msg::No => ("non", "no"),
            Msg::NoRows => ("Aucune ligne.", "No rows."),
            Msg::ReadmeTitle => ("Rapport gapmap", "gapmap report"),
            Msg::ReadmeHtml => (
                "report.html : le rapport à lire, un seul fichier autonome (s'ouvre sans réseau dans un navigateur).",
                "report.html: the report to read, one self-contained file (opens without network in a browser).",
            ),
            Msg::ReadmeCsv => (
                "gaps_by_<axe>.csv : les tables d'écarts par axe, pour Excel ou LibreOffice (UTF-8 avec BOM).",
                "gaps_by_<axis>.csv: the gap tables by axis, for Excel or LibreOffice (UTF-8 with BOM).",
            ),
            Msg::ReadmeOffers => (
                "offers.csv : chaque formation avec ses places, ses entrants, ses diplômés et leurs sources, sa pression, son remplissage et son insertion à côté de la moyenne des formations de même région, source et niveau (colonnes en anglais, vides quand la donnée manque).",
                "offers.csv: every offer with its seats, entrants, graduates and where they come from, its pressure, fill rate and outcomes beside the mean of the offers of its region, source, mode and level (empty when the data lack the figure).",
            ),
            Msg::ReadmeYears => (
                "years_by_<axe>.csv et .parquet (avec --years) : les tables de chaque année de l'horizon, une première colonne « année » ; les besoins sans ligne pour une année n'y figurent pas (demande non renseignée, pas nulle).",
                "years_by_<axis>.csv and .parquet (with --years): the tables of each year of the horizon, with a first column \"year\"; needs without a line for a year are absent from it (demand not given, not zero).",
            ),
            Msg::ReadmeRecommendation => (
                "recommendation.toml (avec --recommend) : les ouvertures et extensions recommandées, en fichier de scénario ; `gapmap gaps --scenario recommendation.toml` en redonne les chiffres.",
                "recommendation.toml (with --recommend): the recommended openings and extensions as a scenario file; `gapmap gaps --scenario recommendation.toml` gives its figures again.",
            ),
            Msg::ReadmeParquet => (
                "gaps_by_<axe>.parquet : les mêmes tables en Parquet (compression Zstd), pour les analystes.",
                "gaps_by_<axis>.parquet: the same tables as Parquet (Zstd compression), for analysts.",
            ),
            Msg::ReadmeJson => (
                "gaps.json : toutes les données du rapport, schéma documenté et versionné (champ format_version).",
                "gaps.json: all the data of the report, with a documented, versioned schema (field format_version).",
            ),
            Msg::ReadmeSelf => ("README.txt : ce fichier.", "README.txt: this file."),
            Msg::ReadmeColumns => (
                "Colonnes des tables : code ; libellé ; besoins (de volume connu) et besoins masqués (volume masqué par l'éditeur, hors des chiffres) ; demande, couverte (le chiffre retenu : couverte directe, plus voisine si la configuration la compte), couverte directe (diplômés de formations qui enseignent le métier), voisine (diplômés de formations proches qu'il faudrait reconvertir) et écart, en personnes par an ; couverture (part de la demande couverte, de 0 à 1, vide sans demande) ; saisonniers exclus (projets saisonniers du BMO laissés hors de la demande) ; saisonniers masqués (besoins dont la part saisonnière est masquée) ; difficulté (part des projets jugés difficiles par les employeurs, vide si inconnue) ; effectif_faible (chiffre fragile) ; besoins avec formations de capacité inconnue (besoins avec un écart qu'enseignent aussi, à portée, des formations dont la capacité n'est pas publiée, surtout du supérieur) et écart de ces besoins (la part de l'écart qu'elles pourraient combler, d'un montant qu'aucune donnée ne dit).",
                "Table columns: key; label; needs (with a known volume) and masked needs (volume masked by the publisher, left out of the figures); demand, covered (the headline: covered direct, plus adjacent when the configuration counts it), covered direct (graduates of trainings that teach the job), adjacent (graduates of related trainings who would need retraining) and gap, in people a year; coverage (share of demand covered, 0 to 1, empty without demand); seasonal excluded (seasonal BMO projects left out of the demand); seasonal masked (needs whose seasonal share is masked); difficulty (share of projects employers judge difficult, empty when unknown); small_count (fragile figure); needs with courses of unknown capacity (needs with a gap that courses of unpublished capacity within reach also teach, mostly higher education) and gap of these needs (the part of the gap they might fill, by an amount no data says).",
            ),
            Msg::ReadmeCsvCells => (
                "Dans les CSV, les nombres restent des nombres (20,5 avec le séparateur ; et une virgule décimale, 20.5 avec le séparateur ,) ; un texte qui commence par = + - @, une tabulation ou un retour chariot est précédé d'une apostrophe pour qu'un tableur ne l'exécute pas comme une formule.",
                "In the CSV files numbers stay numbers (20,5 with the ; separator and a decimal comma, 20.5 with the , separator); a text that starts with = + - @, a tab or a carriage return is prefixed with an apostrophe so that a spreadsheet does not run it as a formula.",
            ),
            Msg::AxisPeople => ("personnes", "people"),
        }
    }
}

/// Replaces `{name}` placeholders in a label.
pub(crate) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}
