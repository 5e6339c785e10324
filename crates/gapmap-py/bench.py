"""The Python side of the overhead figure: `Engine.gaps` of the Ministry plan on Hauts-de-France,
table by buyer, as a polars DataFrame (median of 5). Compare with `cargo bench -p gapmap-engine
--bench engine`, which times the same call in Rust.

    python crates/gapmap-py/bench.py [DATA_FOLDER]
"""

import os
import pathlib
import statistics
import sys
import time

import gapmap

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLAN = ROOT / "datasets" / "needs" / "armees-hdf-2026.csv"
data = pathlib.Path(
    sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GAPMAP_DATA", ROOT.parent / "shared" / "datasets")
)
engine = gapmap.Engine.import_data(data, region=32)
runs = []
for _ in range(5):
    start = time.perf_counter()
    frame = engine.gaps([PLAN], by="buyer")
    runs.append(time.perf_counter() - start)
print(f"Hauts-de-France  Engine.gaps from Python, plan, by buyer, polars DataFrame: "
      f"{statistics.median(runs):.3f} s (median of 5), {frame.height} rows")
