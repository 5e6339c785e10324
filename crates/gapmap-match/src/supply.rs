//! Supply: how many graduates a year an offer sends to the labour market, and when.
//!
//! `graduates = seats x completion factor x (1 - further-study rate)`, in [`Volume`] thousandths,
//! rounded down. The further-study rate is the offer's InserJeunes outcome when known, else the
//! configured default for its level. Graduates enter the labour market `duration_years` after the
//! intake year. Offers without a known capacity supply nothing; they stay visible as "capacity
//! unknown" candidates in explanations.

use gapmap_model::{Capacity, Offer, OfferId, Volume};

use crate::config::MatchConfig;

/// Where a further-study rate comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum RateSource {
    /// The offer's InserJeunes outcomes (with their scope).
    Outcomes(String),
    /// The configured default for the offer's level.
    LevelDefault(u8),
    /// The configured default for offers without level.
    Default,
}

/// Whether the offer's capacity is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapacityStatus {
    /// Seats are published.
    Known,
    /// The source holds a placeholder (Affelnet `999`) instead of a capacity.
    Placeholder,
    /// The source gives no capacity.
    Unknown,
    /// Seats given by the user's capacities file.
    Declared,
}

impl CapacityStatus {
    /// Whether the offer has a number of seats (published or declared).
    pub fn is_known(self) -> bool {
        matches!(self, CapacityStatus::Known | CapacityStatus::Declared)
    }
}

/// The supply of one offer with every factor that went into it.
#[derive(Clone, Debug, PartialEq)]
pub struct Supply {
    /// The offer.
    pub offer: OfferId,
    /// Seats per intake, when known.
    pub seats: Option<u32>,
    /// Whether the capacity is known.
    pub capacity: CapacityStatus,
    /// Completion factor used.
    pub completion_factor: f64,
    /// Further-study rate used.
    pub further_study_rate: f64,
    /// Where the rate comes from.
    pub rate_source: RateSource,
    /// Graduates entering the labour market per year (zero when the capacity is unknown).
    pub graduates: Volume,
    /// Course length used (years).
    pub duration_years: u8,
    /// Whether the course length is the configured default.
    pub duration_assumed: bool,
    /// Year the first graduates of the intake enter the labour market.
    pub entry_year: u16,
}

/// The supply of an offer.
pub fn supply_of(offer: &Offer, config: &MatchConfig) -> Supply {
    let (seats, capacity) = match offer.capacity {
        Capacity::Seats(n) => (Some(n), CapacityStatus::Known),
        Capacity::Placeholder(_) => (None, CapacityStatus::Placeholder),
        Capacity::Unknown => (None, CapacityStatus::Unknown),
        Capacity::Declared(n) => (Some(n), CapacityStatus::Declared),
    };
    let known_rate = offer.outcomes.as_ref().and_then(|o| {
        o.further_study_rate
            .filter(|r| r.is_finite())
            .map(|r| (r.clamp(0.0, 1.0), o.scope.clone()))
    });
    let (further_study_rate, rate_source) = match known_rate {
        Some((rate, scope)) => (rate, RateSource::Outcomes(scope)),
        None => {
            let level = offer.level.map(|l| l.get());
            let listed =
                level.filter(|l| config.further_study_by_level.iter().any(|r| r.level == *l));
            let rate = config.further_study_for(level).clamp(0.0, 1.0);
            match listed {
                Some(l) => (rate, RateSource::LevelDefault(l)),
                None => (rate, RateSource::Default),
            }
        }
    };
    let completion_factor = if config.completion_factor.is_finite() {
        config.completion_factor.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let graduates = match seats {
        Some(n) => {
            let milli = f64::from(n) * 1000.0 * completion_factor * (1.0 - further_study_rate);
            // Rounded down to the thousandth, past the float error of an exact product
            // (18 x 0.8 x (1 - 0.56) is 6.336, not 6.335).
            Volume::from_milli((milli + 1e-6).floor().max(0.0) as u64)
        }
        None => Volume::ZERO,
    };
    let duration_assumed = offer.duration_years.is_none();
    let duration_years = offer
        .duration_years
        .unwrap_or(config.default_duration_years);
    Supply {
        offer: offer.id.clone(),
        seats,
        capacity,
        completion_factor,
        further_study_rate,
        rate_source,
        graduates,
        duration_years,
        duration_assumed,
        entry_year: offer.year.saturating_add(u16::from(duration_years)),
    }
}
