"""gapmap for analysts: where the regional training map falls short of recruitment demand.

>>> import gapmap
>>> engine = gapmap.Engine.import_data("datasets/demo")            # or gapmap.Engine.open(store)
>>> table = engine.gaps(["datasets/needs/armees-hdf-2026.csv"], by="buyer")   # a polars DataFrame
>>> engine.explain("adt-combat-59", ["datasets/needs/armees-hdf-2026.csv"])   # a plain dict

Figures are people a year. "covered_direct" counts the graduates of trainings that teach the job;
"covered_adjacent" the graduates of related trainings who would need retraining; "covered" is the
headline (direct supply, plus adjacent supply when the configuration's `count_adjacent` says so).
Errors are raised as `gapmap.GapmapError` with the file, line and field at fault; refused rows of a
needs file are `UserWarning`s with their file, line and field.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Optional, Union

from gapmap._gapmap import FRAME_COLUMNS, OFFER_COLUMNS
from gapmap._gapmap import Engine as _Engine
from gapmap._gapmap import GapmapError

Path = Union[str, "os.PathLike[str]"]

__all__ = ["Engine", "GapmapError", "FRAME_COLUMNS", "OFFER_COLUMNS"]

# Column types of a gap table (competence tables add "graduates" and "untaught_demand").
_COUNTS = ("needs", "masked_needs", "seasonal_masked")
# Counts that are null where they do not apply (competence rows): pandas' nullable integers.
_OPTIONAL_COUNTS = ("capacity_unknown_needs",)
_TEXTS = ("key", "label")
_FLAGS = ("small",)

# Column types of the offers' table (`Engine.offers`); the others are floats, null when unknown.
_OFFER_TEXTS = (
    "offer", "label", "school", "school_code", "departement", "commune", "source", "mode", "cfd",
    "capacity", "entrants_source", "completion_source", "further_study_source", "outcomes_basis",
    "quadrant",
)
# small_capacity / small_cohort are null when the seats / the cohort's size are unknown: pandas'
# nullable boolean.
_OFFER_COUNTS = (
    "year", "level", "seats", "applications", "census_year", "census_pupils", "census_entered",
)
_OFFER_OPTIONAL_FLAGS = ("small_capacity", "small_cohort")


def _path(path: Optional[Path]) -> Optional[str]:
    return None if path is None else os.fspath(path)


def _paths(needs: Union[Path, Iterable[Path]]) -> list:
    """One needs file or several, as a list of strings."""
    if isinstance(needs, (str, bytes, os.PathLike)):
        needs = [needs]
    return [os.fspath(n) for n in needs]


class Engine:
    """The data, its index and the matching (the Rust `gapmap_engine::Engine`)."""

    def __init__(self, inner: _Engine) -> None:
        self._inner = inner

    @classmethod
    def open(cls, store: Path, capacities: Optional[Path] = None) -> "Engine":
        """Opens a store written by `gapmap import --store` (its index is reused or rebuilt).

        `capacities`: a CSV `offer;capacity[;source]` giving seats to courses whose source
        publishes none (the higher-education course list)."""
        return cls(_Engine.open(os.fspath(store), _path(capacities)))

    @classmethod
    def import_data(
        cls, data: Path, region: Optional[int] = None, capacities: Optional[Path] = None
    ) -> "Engine":
        """Imports a data folder as published, for one region (e.g. 32) or the whole country,
        with the seats of a capacities file if given (see `open`)."""
        return cls(_Engine.import_data(os.fspath(data), region, _path(capacities)))

    def gaps(
        self,
        needs: Union[Path, Iterable[Path]] = (),
        by: str = "rome",
        bmo: bool = False,
        config: Optional[Path] = None,
        pandas: bool = False,
        years: Optional[str] = None,
    ) -> Any:
        """The gap table along `by` (need, rome, competence, departement, bassin, level, buyer,
        tag) of the needs files (and the survey's needs with `bmo=True`), biggest gap first: a
        polars DataFrame with the columns of `FRAME_COLUMNS` (and, by competence, "graduates" and
        "untaught_demand"), or a pandas one with `pandas=True`. Unknown shares (coverage without
        demand, tension without the survey's counts) are null, never 0.

        With `years="2026-2030"`: the table of each year (each year's needs against the graduates
        entering the labour market that year; see the README, rule 11), a first column "year"
        (by competence, without "graduates" and "untaught_demand"); a row absent from a year has
        no need that year (its demand is not given, not 0). Without `years`, needs whose dated
        rows are for several years are refused (`GapmapError`)."""
        columns = self._inner.gap_columns(
            _paths(needs),
            by,
            bmo,
            None if config is None else os.fspath(config),
            years,
        )
        return _frame(columns, _dtype, pandas)

    def explain(
        self,
        need_id: str,
        needs: Union[Path, Iterable[Path]] = (),
        bmo: bool = False,
        config: Optional[Path] = None,
    ) -> dict:
        """Why a need is covered or not: its figures and every candidate offer (plain dicts)."""
        return self._inner.explain(
            need_id,
            _paths(needs),
            bmo,
            None if config is None else os.fspath(config),
        )

    def recommend(
        self,
        needs: Union[Path, Iterable[Path]] = (),
        seats: Optional[int] = None,
        euros: Optional[int] = None,
        bmo: bool = False,
        limits: Optional[Path] = None,
        costs: Optional[Path] = None,
        config: Optional[Path] = None,
    ) -> dict:
        """The openings and extensions that close the most direct gap under a budget of `seats`
        and/or `euros` (a plain dict: "before" and "after" direct gaps, "actions" each with the
        needs it closes, and "scenario_toml", a scenario file that `gapmap gaps --scenario`
        applies to the same figures). Costs are built-in assumptions unless a cost file is given
        (`costs_assumed` says which); see the README's recommendation rules."""
        return self._inner.recommend(
            _paths(needs),
            seats,
            euros,
            bmo,
            _path(limits),
            _path(costs),
            _path(config),
        )

    def offers(self, config: Optional[Path] = None, pandas: bool = False) -> Any:
        """Every offer with its supply and indicators, one row per offer with the columns of
        `OFFER_COLUMNS`: seats, entrants (census enrolment, else applications; empty seats supply
        nobody), completion, further study and graduates with where each comes from; pressure,
        fill rate and InserJeunes outcomes beside the mean of the offers of the same region,
        source, mode and level; quadrant and small-count flags. Unknown values are null, never 0. A
        polars DataFrame, or pandas with `pandas=True`."""
        columns = self._inner.offer_columns(None if config is None else os.fspath(config))
        return _frame(columns, _offer_dtype, pandas)

    def search(self, text: str, limit: int = 20) -> list:
        """Training courses for a text, best first: one dict per course at a school (label,
        school, school_code, commune_name, level, score, seats and graduates each intake once) with its offers as `variants` (statuses, entry years,
        sources; each with `supply`, the offer's row of `offers()`, and `parts`, the (field, term)
        pairs that make its score)."""
        return self._inner.search(text, limit)

    def resolve(self, text: str, limit: int = 5) -> list:
        """ROME sheets for a job title, most likely first (plain dicts)."""
        return self._inner.resolve(text, limit)


def _frame(columns: dict, dtype: Any, pandas: bool) -> Any:
    """A polars (or pandas) data frame of `columns`, each typed by `dtype(name)`."""
    dtypes = {name: dtype(name) for name in columns}
    if pandas:
        import pandas as pd

        return pd.DataFrame(columns).astype({n: t[1] for n, t in dtypes.items()})
    import polars as pl

    return pl.DataFrame(columns, schema={n: getattr(pl, t[0]) for n, t in dtypes.items()})


def _offer_dtype(name: str) -> tuple:
    """(polars type name, pandas dtype) of a column of the offers' table."""
    if name in _OFFER_TEXTS:
        return ("String", "object")
    if name in _OFFER_COUNTS:
        return ("UInt64", "UInt64")
    if name in _OFFER_OPTIONAL_FLAGS:
        return ("Boolean", "boolean")
    return ("Float64", "float64")


def _dtype(name: str) -> tuple:
    """(polars type name, pandas dtype) of a gap-table column."""
    if name in _TEXTS:
        return ("String", "object")
    if name == "year":
        return ("UInt16", "uint16")
    if name in _COUNTS:
        return ("UInt64", "uint64")
    if name in _OPTIONAL_COUNTS:
        return ("UInt64", "UInt64")
    if name in _FLAGS:
        return ("Boolean", "bool")
    return ("Float64", "float64")
