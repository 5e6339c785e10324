//! Which needs a gap table counts: the planner's filters (département, employment area, buyer,
//! tag, level range, ROME sheet). A need the filters keep counts whole, as in the full table.

use gapmap_match::NeedResult;
use gapmap_model::{BassinCode, Departement, EuropeanLevel, RomeCode};

use super::error::ApiError;
use super::params::Params;

/// The filters of a gap table; all given ones must hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NeedFilter {
    /// Département of the need's place.
    pub departement: Option<Departement>,
    /// Employment area of the need's place.
    pub bassin: Option<BassinCode>,
    /// Buyer, by its key.
    pub buyer: Option<String>,
    /// One of the need's tags.
    pub tag: Option<String>,
    /// Minimum level of the need within this range (a need of unknown level is left out).
    pub level: Option<(EuropeanLevel, EuropeanLevel)>,
    /// One of the need's ROME sheets.
    pub rome: Option<RomeCode>,
}

impl NeedFilter {
    /// The filters among `params`.
    pub fn from_params(params: &mut Params) -> Result<NeedFilter, ApiError> {
        Ok(NeedFilter {
            departement: params.parse("departement")?,
            bassin: params.parse("bassin")?,
            buyer: params.text("buyer")?,
            tag: params.text("tag")?,
            level: params.text("level")?.map(|t| level_range(&t)).transpose()?,
            rome: params.parse("rome")?,
        })
    }

    /// Whether no filter is given.
    pub fn is_empty(&self) -> bool {
        *self == NeedFilter::default()
    }

    /// Whether the filters keep `need`.
    pub fn keeps(&self, need: &NeedResult) -> bool {
        let level = |(lo, hi): &(EuropeanLevel, EuropeanLevel)| {
            need.level.is_some_and(|l| (*lo..=*hi).contains(&l))
        };
        self.departement
            .as_ref()
            .is_none_or(|d| need.departement.as_ref() == Some(d))
            && self.bassin.is_none_or(|b| need.bassin == Some(b))
            && self.buyer.as_ref().is_none_or(|b| need.buyer.key() == *b)
            && self.tag.as_ref().is_none_or(|t| need.tags.contains(t))
            && self.level.as_ref().is_none_or(level)
            && self.rome.is_none_or(|r| need.rome().any(|s| s == r))
    }
}

/// A level range `4-5`, or one level `5`, within 1 to 8.
pub fn level_range(text: &str) -> Result<(EuropeanLevel, EuropeanLevel), ApiError> {
    EuropeanLevel::parse_range(text).map_err(|_| {
        ApiError::bad(
            "level",
            format!("level: expected a level from 1 to 8 or a range like 4-5, got {text:?}"),
        )
    })
}
