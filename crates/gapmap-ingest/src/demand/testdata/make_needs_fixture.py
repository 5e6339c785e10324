"""Writes needs-fixture.xlsx, the spreadsheet read by the demand tests (python3 + openpyxl).

A first sheet of notes, then a sheet `Besoins` with comment rows (one with a note in column M), numbers stored as numbers and
as text, a blank row, a commune code typed as a number (leading zero lost) and a duplicate id.
"""
import openpyxl

wb = openpyxl.Workbook()
notes = wb.active
notes.title = "Notes"
notes["A1"] = "Feuille de notes : le lecteur doit prendre la feuille « Besoins »."
sheet = wb.create_sheet("Besoins")
rows = [
    ["# Fixture de test"],
    # A note far to the right widens the sheet's used range beyond the header.
    ["# deuxième ligne de commentaire"] + [None] * 11 + ["note en colonne M"],
    ["id", "acheteur", "specialite", "rome", "competences", "niveau_min", "lieu", "volume", "annee", "tags"],
    ["x1", "armee-air-espace", "Mécanicien aéronautique", "I1602", None, 4, "60175", 14, 2026, None],
    ["x2", "marine-nationale", "Marin", "N3102", None, None, "commune:59183", "2.5", "2026", None],
    ["x3", "dga", "Ingénieur essais", None, None, "Niveau 7", "region:32", "3", None, None],
    [],
    ["x4", "mn", "Marin", None, None, None, 2408, 1, None, None],
    ["x1", "mn", "Marin", None, None, None, "region:32", 1, None, None],
]
for row in rows:
    sheet.append(row)
wb.save("needs-fixture.xlsx")
