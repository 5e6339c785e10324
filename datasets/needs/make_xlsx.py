"""Writes armees-hdf-2026.xlsx from armees-hdf-2026.csv (python3 + openpyxl).

One spreadsheet row per CSV line, comments included, so that row numbers equal CSV line numbers.
Volumes, levels and years are written as numbers on even rows and as text on odd rows: a reader
must accept both. The Rust test `illustrative_plan_csv_and_xlsx_agree` checks that both files
give the same needs.
"""
import csv
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
NUMERIC = {"niveau_min", "volume", "annee", "annee_fin"}

wb = openpyxl.Workbook()
sheet = wb.active
sheet.title = "besoins"
header = None
with open(HERE / "armees-hdf-2026.csv", encoding="utf-8-sig", newline="") as f:
    for row_number, line in enumerate(f.read().splitlines(), start=1):
        if line.startswith("#"):
            sheet.append([line])
            continue
        cells = next(csv.reader([line], delimiter=";"))
        if header is None:
            header = cells
            sheet.append(cells)
            continue
        row = []
        for name, value in zip(header, cells):
            if name in NUMERIC and value and row_number % 2 == 0:
                number = float(value)
                row.append(int(number) if number.is_integer() else number)
            else:
                row.append(value if value else None)
        sheet.append(row)
wb.save(HERE / "armees-hdf-2026.xlsx")
