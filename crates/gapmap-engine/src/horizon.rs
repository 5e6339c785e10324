//! A plan horizon through the engine: gaps year by year ([`Engine::gaps_over`]), a what-if in
//! time ([`Engine::what_if_over`]), tables per year ([`Engine::year_tables`]) with their
//! [`YEAR_FRAME_COLUMNS`].

use gapmap_match::{Axis, Horizon, HorizonOutcome, LinkKind, MatchConfig, MatchOutcome, Scenario};
use gapmap_model::{Buyer, Need, Offer, Volume};

use crate::{Engine, EngineError, TableRow};

/// A what-if over a plan horizon: the offers with the scenario's changes in time, and the needs
/// matched year by year against them.
#[derive(Clone, Debug)]
pub struct WhatIfOver {
    /// The offers once the scenario is applied over time (closed ones kept, with the first
    /// intake year they close for).
    pub offers: Vec<Offer>,
    /// The needs matched year by year.
    pub outcome: HorizonOutcome,
}

/// Where a year's graduates come from: cohorts whose seats the data give, or projected ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct YearSupply {
    /// Graduates entering the labour market that year, all offers.
    pub graduates: Volume,
    /// Of them, graduates of cohorts whose seats are projected (not published for their intake
    /// year).
    pub projected: Volume,
    /// Direct coverage of the year's needs.
    pub covered_direct: Volume,
    /// Of it, graduates of projected cohorts.
    pub covered_direct_projected: Volume,
}

impl YearSupply {
    /// The supply figures of one year's outcome.
    pub fn of(outcome: &MatchOutcome) -> YearSupply {
        let projected = |i: usize| outcome.supplies[i].cohort.is_some_and(|c| c.is_projected());
        let mut s = YearSupply::default();
        for (i, supply) in outcome.supplies.iter().enumerate() {
            s.graduates += supply.graduates;
            if projected(i) {
                s.projected += supply.graduates;
            }
        }
        for need in &outcome.needs {
            for a in need
                .allocations
                .iter()
                .filter(|a| a.kind == LinkKind::Direct)
            {
                s.covered_direct += a.volume;
                if projected(a.offer_index) {
                    s.covered_direct_projected += a.volume;
                }
            }
        }
        s
    }

    /// The share of the year's direct coverage by projected cohorts (`None` without coverage).
    pub fn projected_share(&self) -> Option<f64> {
        (!self.covered_direct.is_zero())
            .then(|| self.covered_direct_projected.as_f64() / self.covered_direct.as_f64())
    }
}

/// The gap table of one plan year.
#[derive(Clone, Debug, PartialEq)]
pub struct YearTable {
    /// The year.
    pub year: u16,
    /// The rows, biggest gap first.
    pub rows: Vec<TableRow>,
    /// The year's total.
    pub total: TableRow,
    /// Buyers of the needs with no need this year: their demand is not given (not zero).
    pub buyers_without_demand: Vec<Buyer>,
    /// Where the year's graduates come from.
    pub supply: YearSupply,
}

impl Engine {
    /// Matches `needs` year by year over `horizon` against the engine's offers (see
    /// [`gapmap_match::horizon`] for the rules of demand and supply in time).
    ///
    /// ```
    /// use gapmap_engine::{Engine, ImportOptions};
    /// use gapmap_match::{Horizon, MatchConfig};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    /// let engine = Engine::import(&root.join("datasets/demo"), &ImportOptions::default())?;
    /// let plan = engine.needs_from_file(&root.join("datasets/needs/armees-hdf-2026.csv"))?;
    /// let horizon: Horizon = "2026-2030".parse()?;
    /// let years = engine.gaps_over(&plan.needs, &MatchConfig::default(), horizon);
    /// assert_eq!(years.years.len(), 5);
    /// for year in &years.years {
    ///     let total = year.outcome.total();
    ///     assert!(total.covered <= total.volume);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn gaps_over(
        &self,
        needs: &[Need],
        config: &MatchConfig,
        horizon: Horizon,
    ) -> HorizonOutcome {
        self.matcher(config).run_horizon(needs, horizon)
    }

    /// The engine's offers with `scenario` applied over a horizon starting in `first_year`
    /// ([`gapmap_match::apply_over_time`]: a change without a year takes effect at that intake).
    pub fn apply_over_time(
        &self,
        scenario: &Scenario,
        first_year: u16,
    ) -> Result<Vec<Offer>, EngineError> {
        let d = self.dataset();
        gapmap_match::apply_over_time(
            scenario,
            &d.offers,
            &d.referential,
            &d.territory,
            first_year,
        )
        .map_err(|cause| EngineError::ScenarioApply {
            name: scenario.name.clone(),
            cause,
        })
    }

    /// Matches `needs` year by year over `horizon` against the training map changed by
    /// `scenario` in time: an opening supplies from its intake year plus its course length, a
    /// closed course until its last cohort graduates.
    pub fn what_if_over(
        &self,
        needs: &[Need],
        config: &MatchConfig,
        horizon: Horizon,
        scenario: &Scenario,
    ) -> Result<WhatIfOver, EngineError> {
        let offers = self.apply_over_time(scenario, horizon.first())?;
        let outcome = self
            .matcher_over(&offers, config)
            .run_horizon(needs, horizon);
        Ok(WhatIfOver { offers, outcome })
    }

    /// The gap table of each year of `outcome` along `axis` ([`Engine::table`]), with the
    /// year's total, its buyers without demand and where its graduates come from.
    pub fn year_tables(&self, outcome: &HorizonOutcome, axis: Axis) -> Vec<YearTable> {
        outcome
            .years
            .iter()
            .map(|y| YearTable {
                year: y.year,
                rows: self.table(&y.outcome, axis),
                total: TableRow::total(&y.outcome, "Total"),
                buyers_without_demand: y.buyers_without_demand.clone(),
                supply: YearSupply::of(&y.outcome),
            })
            .collect()
    }
}

/// Column names of a gap table over a plan horizon: `year`, then [`crate::FRAME_COLUMNS`].
pub const YEAR_FRAME_COLUMNS: [&str; crate::COLUMN_COUNT + 1] = {
    let mut names = [""; crate::COLUMN_COUNT + 1];
    names[0] = "year";
    let mut i = 0;
    while i < crate::COLUMN_COUNT {
        names[i + 1] = crate::FRAME_COLUMNS[i];
        i += 1;
    }
    names
};

/// The rows of every year as one polars data frame with the columns of [`YEAR_FRAME_COLUMNS`]
/// (`year` as `i32`; the other columns as in [`crate::to_dataframe`]; totals left out).
#[cfg(feature = "polars")]
pub fn to_year_dataframe(
    tables: &[YearTable],
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    use polars::prelude::{Column, NamedFrom, PlSmallStr, Series};

    let rows: Vec<TableRow> = tables.iter().flat_map(|t| t.rows.clone()).collect();
    let years: Vec<i32> = tables
        .iter()
        .flat_map(|t| std::iter::repeat_n(i32::from(t.year), t.rows.len()))
        .collect();
    let mut frame = crate::to_dataframe(&rows)?;
    let year = Column::from(Series::new(PlSmallStr::from("year"), years));
    frame.insert_column(0, year)?;
    Ok(frame)
}
