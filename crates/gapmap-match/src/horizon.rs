//! A plan horizon: demand and supply year by year.
//!
//! - **Demand** ([`DemandRule`]): a need with a year is for that year only; a need with a yearly
//!   growth ([`gapmap_model::Need::growth`]) is a flow from its year on (to
//!   [`gapmap_model::Need::until`]), its volume scaled by `(1 + growth)^(year - its year)`; a need
//!   without a year is the same flow every year. A BMO line is a flow from the survey's year,
//!   growing by [`MatchConfig::bmo_growth`] (default 0: the survey repeated). A year in which a
//!   buyer of the needs has no need is listed ([`YearOutcome::buyers_without_demand`]): its demand
//!   that year is not given, not zero.
//! - **Supply** ([`crate::SupplyRules::supply_in`]): the graduates entering the labour market in
//!   year `Y` come from the intake of `Y` less the years to graduation
//!   ([`crate::supply::years_to_graduation`]), with the seats of that intake
//!   year, published or projected ([`MatchConfig::capacity_projection`]), each flagged.
//!
//! ```
//! use gapmap_match::Horizon;
//! let horizon: Horizon = "2026-2030".parse().unwrap();
//! assert_eq!(horizon.years().collect::<Vec<_>>(), vec![2026, 2027, 2028, 2029, 2030]);
//! assert_eq!("2027".parse::<Horizon>().unwrap().years().count(), 1);
//! assert!("2030-2026".parse::<Horizon>().is_err());
//! ```

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use gapmap_model::{Buyer, Count, Need, Offer, Volume};

use crate::config::MatchConfig;
use crate::gaps::{Axis, GapRow};
use crate::matcher::MatchOutcome;

/// The most years a horizon may span.
pub const MAX_YEARS: u16 = 30;

/// Consecutive plan years, `first` to `last` inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Horizon {
    first: u16,
    last: u16,
}

/// A horizon that cannot be.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("years {text:?}: {reason}")]
pub struct HorizonError {
    /// The text given.
    pub text: String,
    /// What is wrong.
    pub reason: &'static str,
}

impl Horizon {
    /// The years `first` to `last`: both between 1990 and 2100, `first <= last`, at most
    /// [`MAX_YEARS`] years.
    pub fn new(first: u16, last: u16) -> Result<Horizon, HorizonError> {
        let error = |reason| HorizonError {
            text: format!("{first}-{last}"),
            reason,
        };
        if !(1990..=2100).contains(&first) || !(1990..=2100).contains(&last) {
            return Err(error("expected years between 1990 and 2100"));
        }
        if first > last {
            return Err(error("the first year is after the last"));
        }
        if last - first >= MAX_YEARS {
            return Err(error("at most 30 years"));
        }
        Ok(Horizon { first, last })
    }

    /// The first year.
    pub fn first(self) -> u16 {
        self.first
    }

    /// The last year.
    pub fn last(self) -> u16 {
        self.last
    }

    /// The years, in order.
    pub fn years(self) -> RangeInclusive<u16> {
        self.first..=self.last
    }
}

impl FromStr for Horizon {
    type Err = HorizonError;
    /// `2026-2030`, `2026..2030` or a single year `2026`.
    fn from_str(s: &str) -> Result<Horizon, HorizonError> {
        let t = s.trim();
        let year = |y: &str| {
            y.trim().parse::<u16>().map_err(|_| HorizonError {
                text: t.to_owned(),
                reason: "expected YEAR or FIRST-LAST, e.g. 2026-2030",
            })
        };
        match t.split_once('-').or_else(|| t.split_once("..")) {
            Some((a, b)) => Horizon::new(year(a)?, year(b)?),
            None => {
                let y = year(t)?;
                Horizon::new(y, y)
            }
        }
    }
}

impl fmt::Display for Horizon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// How a need's demand spreads over the years.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DemandRule {
    /// No year: the same volume every year.
    EveryYear,
    /// The volume is for this year only.
    Year(u16),
    /// A flow from `from` (to `until`), growing by `growth` a year.
    Flow {
        /// First year.
        from: u16,
        /// Yearly growth (`0.05`: +5 %).
        growth: f64,
        /// Last year, when it has one.
        until: Option<u16>,
    },
}

impl DemandRule {
    /// The rule of `need` under `config`.
    pub fn of(need: &Need, config: &MatchConfig) -> DemandRule {
        let growth = match need.buyer {
            Buyer::BmoSurvey => need.growth.or(Some(config.bmo_growth)),
            _ => need.growth,
        };
        match (need.year, growth) {
            (None, _) => DemandRule::EveryYear,
            (Some(year), None) => DemandRule::Year(year),
            (Some(from), Some(growth)) => DemandRule::Flow {
                from,
                growth,
                until: need.until,
            },
        }
    }

    /// The factor of the need's volume in `year`, `None` when the need is not for that year.
    pub fn factor(self, year: u16) -> Option<f64> {
        match self {
            DemandRule::EveryYear => Some(1.0),
            DemandRule::Year(y) => (y == year).then_some(1.0),
            DemandRule::Flow {
                from,
                growth,
                until,
            } => (year >= from && until.is_none_or(|u| year <= u))
                .then(|| (1.0 + growth).powi(i32::from(year - from))),
        }
    }
}

/// The factor of `need`'s volume in `year` ([`DemandRule`]), `None` when it is not for that year.
pub fn demand_factor(need: &Need, year: u16, config: &MatchConfig) -> Option<f64> {
    DemandRule::of(need, config).factor(year)
}

/// The years of the needs that are for their year only ([`DemandRule::Year`]), in order: more
/// than one, and their volumes are not one year's demand (compare them year by year).
pub fn dated_years(needs: &[Need], config: &MatchConfig) -> Vec<u16> {
    let years: std::collections::BTreeSet<u16> = needs
        .iter()
        .filter_map(|n| match DemandRule::of(n, config) {
            DemandRule::Year(y) => Some(y),
            _ => None,
        })
        .collect();
    years.into_iter().collect()
}

/// A course the offers hold for several intake years (same source, school, code and mode, as an
/// import of every year gives them), if any: each copy would supply every plan year, so a
/// horizon refuses such offers (the seats of earlier years are read as each offer's history).
pub fn course_in_several_years(offers: &[Offer]) -> Option<&Offer> {
    let mut seen: std::collections::HashMap<_, u16> = std::collections::HashMap::new();
    for o in offers
        .iter()
        .filter(|o| o.source != gapmap_model::OfferSource::Scenario)
    {
        let Some(mef) = o.mefstat11 else { continue };
        let key = (o.source, o.school, mef, o.mode);
        match seen.get(&key) {
            Some(&year) if year != o.year => return Some(o),
            Some(_) => {}
            None => {
                seen.insert(key, o.year);
            }
        }
    }
    None
}

/// `volume` times `factor`, rounded to the nearest thousandth.
pub fn scale(volume: Volume, factor: f64) -> Volume {
    let milli = (volume.milli() as f64 * factor).round();
    Volume::from_milli(if milli.is_finite() && milli > 0.0 {
        milli as u64
    } else {
        0
    })
}

/// `need` as it stands in `year`: its counts scaled by its [`DemandRule`]; `None` when it is not
/// for that year.
pub fn need_in(need: &Need, year: u16, config: &MatchConfig) -> Option<Need> {
    let factor = demand_factor(need, year, config)?;
    let scaled = |c| scale_count(c, factor);
    Some(Need {
        volume: scaled(need.volume),
        seasonal: need.seasonal.map(scaled),
        difficult: need.difficult.map(scaled),
        ..need.clone()
    })
}

/// A published count times `factor` ([`scale`]); a masked count stays masked.
pub fn scale_count(count: Count, factor: f64) -> Count {
    match count {
        Count::Known(v) => Count::Known(scale(v, factor)),
        Count::Masked => Count::Masked,
    }
}

/// One year of a plan horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct YearOutcome {
    /// The year: graduates entering the labour market and recruitment that year.
    pub year: u16,
    /// The year's match: the needs for that year with their volume of that year, each offer's
    /// supply of that year ([`crate::Supply::cohort`]), the allocation and gaps.
    pub outcome: MatchOutcome,
    /// Buyers of the needs with no need for this year: their demand this year is not given (not
    /// zero).
    pub buyers_without_demand: Vec<Buyer>,
}

/// A match year by year ([`crate::Matcher::run_horizon`]).
#[derive(Clone, Debug, PartialEq)]
pub struct HorizonOutcome {
    /// The years.
    pub horizon: Horizon,
    /// One outcome per year, in order.
    pub years: Vec<YearOutcome>,
}

impl HorizonOutcome {
    /// The outcome of `year`, if in the horizon.
    pub fn year(&self, year: u16) -> Option<&YearOutcome> {
        self.years.iter().find(|y| y.year == year)
    }

    /// Gap rows along `axis`, year by year.
    pub fn aggregate(&self, axis: Axis) -> Vec<(u16, Vec<GapRow>)> {
        self.years
            .iter()
            .map(|y| (y.year, y.outcome.aggregate(axis)))
            .collect()
    }
}
