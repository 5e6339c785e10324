//! The indicators planners steer the training map with, per offer, beside the means of its
//! peers.
//!
//! - **Pressure**: first-choice applications / seats (Affelnet `Demandes vœux 1`; Parcoursup's
//!   confirmed wishes, which are not ranked, so BTS pressures compare only with each other).
//! - **Fill rate**: census pupils / seats (all the pupils of the class, those moving up from the
//!   school's own seconde included). The census year is not the capacity's year: the gap is
//!   stated beside the figure.
//! - **Outcomes**: InserJeunes employment rates at 6, 12 and 24 months and further-study rate.
//!
//! Outcomes are the course's: its diploma's in its region, or the diploma it renovates
//! ([`OutcomeBasis::Diploma`], [`OutcomeBasis::Predecessor`]); a school's overall figures, which
//! mix its courses, are not an indicator of one course (they stay in its supply's further-study
//! rate, with their source).
//!
//! Peers are the offers of the same region, source, mode and European level ([`PeerGroup`]);
//! their means are seat-weighted over the offers that have both the figure and seats (published,
//! or declared in a capacities file: a declaration moves its peers' means too)
//! (pressure and fill rate as ratios of sums). The **quadrant** places an offer's pressure and
//! 6-month employment rate above or below its peers' means (unknown when either is). Pressure and
//! fill rate over fewer seats than [`MatchConfig::small_capacity_threshold`], and outcomes
//! measured on fewer final-year students than [`MatchConfig::small_cohort_threshold`], are
//! flagged small: read them with care (unknown when the cohort's size is).

use std::collections::BTreeMap;

use gapmap_model::{EuropeanLevel, Offer, OfferSource, OutcomeBasis, RegionCode, TrainingMode};

use crate::config::MatchConfig;
use crate::supply::published_seats;

/// The offers an offer is compared with: same region, source, mode and level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeerGroup {
    /// Region of the offer.
    pub region: Option<RegionCode>,
    /// Source (pressures of Affelnet and Parcoursup do not compare).
    pub source: OfferSource,
    /// School or apprenticeship (their pressures and outcomes differ).
    pub mode: TrainingMode,
    /// European level.
    pub level: Option<EuropeanLevel>,
}

/// Where an offer stands against its peers' means: attractiveness (pressure) and employment at
/// 6 months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Quadrant {
    /// Pressure and employment at or above the means.
    AttractiveEmploying,
    /// Pressure at or above the mean, employment below.
    AttractiveOnly,
    /// Employment at or above the mean, pressure below: seats the labour market wants and
    /// students do not ask for.
    EmployingOnly,
    /// Both below.
    Neither,
}

impl Quadrant {
    /// Short machine key (`attractive-employing`, `attractive-only`, `employing-only`,
    /// `neither`).
    pub fn key(self) -> &'static str {
        match self {
            Quadrant::AttractiveEmploying => "attractive-employing",
            Quadrant::AttractiveOnly => "attractive-only",
            Quadrant::EmployingOnly => "employing-only",
            Quadrant::Neither => "neither",
        }
    }
}

/// The means of a peer group.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PeerMeans {
    /// Offers in the group.
    pub offers: usize,
    /// Applications / seats over the offers with both.
    pub pressure: Option<f64>,
    /// Census pupils / seats over the offers with both.
    pub fill_rate: Option<f64>,
    /// Seat-weighted employment rate at 6 months.
    pub employment_6m: Option<f64>,
    /// Seat-weighted employment rate at 12 months.
    pub employment_12m: Option<f64>,
    /// Seat-weighted employment rate at 24 months.
    pub employment_24m: Option<f64>,
    /// Seat-weighted further-study rate.
    pub further_study: Option<f64>,
}

/// The indicators of one offer.
#[derive(Clone, Debug, PartialEq)]
pub struct OfferIndicators {
    /// Its peer group.
    pub peers: PeerGroup,
    /// Applications / published seats.
    pub pressure: Option<f64>,
    /// Census pupils / published seats.
    pub fill_rate: Option<f64>,
    /// Years between the census and the offer's intake (fill rate only).
    pub census_gap_years: Option<i32>,
    /// Employment rate at 6 months.
    pub employment_6m: Option<f64>,
    /// Employment rate at 12 months.
    pub employment_12m: Option<f64>,
    /// Employment rate at 24 months.
    pub employment_24m: Option<f64>,
    /// Further-study rate.
    pub further_study: Option<f64>,
    /// Pressure and fill rate rest on fewer seats than the threshold (`None`: seats unknown).
    pub small_capacity: Option<bool>,
    /// The outcomes rest on fewer final-year students than the threshold (`None`: outcomes
    /// unknown, or their cohort's size).
    pub small_cohort: Option<bool>,
    /// Pressure and 6-month employment against the peers' means.
    pub quadrant: Option<Quadrant>,
}

/// The indicators of every offer of a run, and the means of their peer groups.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Indicators {
    offers: Vec<OfferIndicators>,
    means: BTreeMap<PeerGroup, PeerMeans>,
}

/// Sums behind one mean: numerator and denominator.
#[derive(Clone, Copy, Default)]
struct Sum(f64, f64);

impl Sum {
    fn add(&mut self, value: Option<f64>, weight: f64) {
        if let Some(v) = value {
            self.0 += v * weight;
            self.1 += weight;
        }
    }

    fn mean(self) -> Option<f64> {
        (self.1 > 0.0).then(|| self.0 / self.1)
    }
}

impl Indicators {
    /// The indicators of `offers` (in their order) under `config`'s thresholds.
    pub fn new(offers: &[Offer], config: &MatchConfig) -> Indicators {
        let mut per_offer: Vec<OfferIndicators> = offers.iter().map(|o| own(o, config)).collect();
        let mut sums: BTreeMap<PeerGroup, (usize, [Sum; 6])> = BTreeMap::new();
        for (o, ind) in offers.iter().zip(&per_offer) {
            let entry = sums.entry(ind.peers).or_default();
            entry.0 += 1;
            let Some(seats) = published_seats(o).filter(|&n| n > 0).map(f64::from) else {
                continue;
            };
            let s = &mut entry.1;
            s[0].add(o.applications.map(f64::from).map(|a| a / seats), seats);
            s[1].add(
                o.intake.enrolment.map(|e| f64::from(e.pupils) / seats),
                seats,
            );
            s[2].add(ind.employment_6m, seats);
            s[3].add(ind.employment_12m, seats);
            s[4].add(ind.employment_24m, seats);
            s[5].add(ind.further_study, seats);
        }
        let means: BTreeMap<PeerGroup, PeerMeans> = sums
            .into_iter()
            .map(|(group, (offers, s))| {
                let means = PeerMeans {
                    offers,
                    pressure: s[0].mean(),
                    fill_rate: s[1].mean(),
                    employment_6m: s[2].mean(),
                    employment_12m: s[3].mean(),
                    employment_24m: s[4].mean(),
                    further_study: s[5].mean(),
                };
                (group, means)
            })
            .collect();
        for ind in &mut per_offer {
            let m = means.get(&ind.peers).copied().unwrap_or_default();
            ind.quadrant = quadrant(ind.pressure, ind.employment_6m, &m);
        }
        Indicators {
            offers: per_offer,
            means,
        }
    }

    /// The indicators of the `i`-th offer.
    pub fn get(&self, i: usize) -> Option<&OfferIndicators> {
        self.offers.get(i)
    }

    /// The means of a peer group.
    pub fn means(&self, group: &PeerGroup) -> PeerMeans {
        self.means.get(group).copied().unwrap_or_default()
    }

    /// Every peer group with its means, in order.
    pub fn groups(&self) -> impl Iterator<Item = (&PeerGroup, &PeerMeans)> {
        self.means.iter()
    }
}

/// An offer's own figures (the quadrant comes once the means are known).
fn own(o: &Offer, config: &MatchConfig) -> OfferIndicators {
    let seats = published_seats(o).filter(|&n| n > 0);
    let ratio = |x: u32| seats.map(|n| f64::from(x) / f64::from(n));
    let outcomes = o
        .outcomes
        .as_ref()
        .filter(|x| !matches!(x.basis, OutcomeBasis::School));
    OfferIndicators {
        peers: PeerGroup {
            region: o.location.region,
            source: o.source,
            mode: o.mode,
            level: o.level,
        },
        pressure: o.applications.and_then(ratio),
        fill_rate: o.intake.enrolment.and_then(|e| ratio(e.pupils)),
        census_gap_years: o
            .intake
            .enrolment
            .map(|e| i32::from(o.year) - i32::from(e.year)),
        employment_6m: outcomes.and_then(|x| x.employment_rate_6m),
        employment_12m: outcomes.and_then(|x| x.employment_rate_12m),
        employment_24m: outcomes.and_then(|x| x.employment_rate_24m),
        further_study: outcomes.and_then(|x| x.further_study_rate),
        small_capacity: published_seats(o).map(|n| n < config.small_capacity_threshold),
        small_cohort: outcomes
            .and_then(|x| x.cohort)
            .map(|n| n < config.small_cohort_threshold),
        quadrant: None,
    }
}

/// The quadrant of a pressure and a 6-month employment rate against the means.
fn quadrant(pressure: Option<f64>, employment: Option<f64>, means: &PeerMeans) -> Option<Quadrant> {
    let attractive = pressure? >= means.pressure?;
    let employing = employment? >= means.employment_6m?;
    Some(match (attractive, employing) {
        (true, true) => Quadrant::AttractiveEmploying,
        (true, false) => Quadrant::AttractiveOnly,
        (false, true) => Quadrant::EmployingOnly,
        (false, false) => Quadrant::Neither,
    })
}
