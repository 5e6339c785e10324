"""gapmap for analysts: where the regional training map falls short of recruitment demand.

>>> import gapmap
>>> engine = gapmap.Engine.import_data("datasets/demo")            # or gapmap.Engine.open(store)
>>> table = engine.gaps(["datasets/needs/armees-hdf-2026.csv"], by="buyer")   # a polars DataFrame
>>> engine.explain("adt-combat-59", ["datasets/needs/armees-hdf-2026.csv"])   # a plain dict

Figures are people a year. "covered" counts the graduates of trainings that teach the job (direct
supply); "covered_adjacent" the graduates of related trainings who would need retraining (part
of the gap). Errors are raised as `gapmap.GapmapError` with the file, line and field at fault.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Optional, Union

from gapmap._gapmap import Engine as _Engine
from gapmap._gapmap import GapmapError

Path = Union[str, "os.PathLike[str]"]

__all__ = ["Engine", "GapmapError"]


class Engine:
    """The data, its index and the matching (the Rust `gapmap_engine::Engine`)."""

    def __init__(self, inner: _Engine) -> None:
        self._inner = inner

    @classmethod
    def open(cls, store: Path) -> "Engine":
        """Opens a store written by `gapmap import --store` (its index is reused or rebuilt)."""
        return cls(_Engine.open(os.fspath(store)))

    @classmethod
    def import_data(cls, data: Path, region: Optional[int] = None) -> "Engine":
        """Imports a data folder as published, for one region (e.g. 32) or the whole country."""
        return cls(_Engine.import_data(os.fspath(data), region))

    def gaps(
        self,
        needs: Iterable[Path] = (),
        by: str = "rome",
        bmo: bool = False,
        config: Optional[Path] = None,
        pandas: bool = False,
    ) -> Any:
        """The gap table along `by` (rome, departement, bassin, level, buyer, tag, competence)
        of the needs files (and the survey's needs with `bmo=True`): a polars DataFrame, or a
        pandas one with `pandas=True`."""
        columns = self._inner.gap_columns(
            [os.fspath(n) for n in needs],
            by,
            bmo,
            None if config is None else os.fspath(config),
        )
        if pandas:
            import pandas as pd

            return pd.DataFrame(columns)
        import polars as pl

        # Tension is unknown (None) for needs files: keep the column a number column all the same.
        overrides = {"tension": pl.Float64} if "tension" in columns else {}
        return pl.DataFrame(columns, schema_overrides=overrides)

    def explain(
        self,
        need_id: str,
        needs: Iterable[Path] = (),
        bmo: bool = False,
        config: Optional[Path] = None,
    ) -> dict:
        """Why a need is covered or not: its figures and every candidate offer (plain dicts)."""
        return self._inner.explain(
            need_id,
            [os.fspath(n) for n in needs],
            bmo,
            None if config is None else os.fspath(config),
        )

    def search(self, text: str, limit: int = 20) -> list:
        """Training offers for a text, best first (plain dicts)."""
        return self._inner.search(text, limit)

    def resolve(self, text: str, limit: int = 5) -> list:
        """ROME sheets for a job title, most likely first (plain dicts)."""
        return self._inner.resolve(text, limit)
