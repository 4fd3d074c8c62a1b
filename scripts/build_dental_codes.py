#!/usr/bin/env python3
"""Build rust/aanspraak-core/data/codes/dental_codes.csv from the NZa reference list.

Stdlib only. Reads ``nza_mondzorg_codes.csv`` (columns
code,description,section,source,list_year,max_tariff_eur) and writes one row per
(code, era):

* era "pre-2026" (2013-01-01..2025-12-31): the 2013 rows, overridden per code by
  the 2020 rows, plus the codes the seeds name for their year with the seed's
  meaning (docs/rules.md#code-table);
* era "2026" (2026-01-01..9999-12-31): the 2026 rows only.

No mapping between the eras. Tags follow docs/rules.md#code-table; every judgement call is
listed in rust/aanspraak-core/data/codes/README.md.

Usage (from the repository root):
    python3 scripts/build_dental_codes.py [--reference-dir ../shared/reference]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from decimal import Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE_DIR = REPO_ROOT / ".." / "shared" / "reference"
DEFAULT_SEEDS_DIR = REPO_ROOT / ".." / "shared" / "seeds"
DEFAULT_OUTPUT = REPO_ROOT / "rust" / "aanspraak-core" / "data" / "codes" / "dental_codes.csv"

COLUMNS = [
    "code", "valid_from", "valid_to", "section", "description",
    "tags", "jaw", "max_tariff_cents", "source",
]
REFERENCE_COLUMNS = ["code", "description", "section", "source", "list_year", "max_tariff_eur"]

TAG_VOCABULARY = frozenset({
    "periodic_exam", "fluoride", "orthodontic", "implant", "non_plastic",
    "full_denture", "implant_denture", "denture_combo", "denture_repair",
    "specialist_surgery", "simple_extraction", "perio_surgery", "xray",
    "temp_crown_implant", "esthetic_zone_surcharge", "resorbed_jaw_surcharge", "autotransplant", "no_show",
})
SECTION_LETTERS = frozenset("CMABEVRTGHPJXUFZY")
JAWS = frozenset({"", "upper", "lower", "both"})

PRE = "pre-2026"
NEW = "2026"
ERAS = {
    PRE: ("2013-01-01", "2025-12-31"),
    NEW: ("2026-01-01", "9999-12-31"),
}

SEED_002 = "seed 002_4e853e3c8023e86d.txt"
SEED_004 = "seed 004_6839011239bf2b68.txt"

# --------------------------------------------------------------------------
# Tag rules. Each is a set of codes (or a predicate) per era.
# --------------------------------------------------------------------------


def _rng(prefix: str, lo: int, hi: int, width: int) -> set[str]:
    return {f"{prefix}{n:0{width}d}" for n in range(lo, hi + 1)}


PRE_TAGS: dict[str, set[str]] = {
    "periodic_exam": {"C11"},
    # M40 (2020 excerpt); M10/M20 are the 2013 "Fluoridebehandeling, methode I/II"
    # (fluoride application, Bzv 2.7 lid 4d) -- judgement call, see README.
    "fluoride": {"M40", "M10", "M20"},
    # docs/rules.md#code-table: J20-J27 and J40-J44 (the fixed superstructure); plus the 2013
    # kaakchirurgie implant codes (permandibulair implantaat, plaatsen/vrijleggen van
    # implantaten, kosten implantaten), so that Bzv 2.7 lid 5 sub a, which excludes
    # placing implants, does not cover them for adults.
    "implant": _rng("J", 20, 27, 2) | _rng("J", 40, 44, 2) | {"238029", "238060", "238061", "238062", "238063"},
    "full_denture": {"P21", "P25", "P30", "P044"},
    "implant_denture": {"J51", "J52"},
    "denture_combo": {"J50"},
    # P01-P08 and J70-J77 (those that exist); P70 = rebasing an overkappingsprothese
    # (seed 004 art. 3.12.2 c covers "volledige overkappingsprothese").
    "denture_repair": _rng("P", 1, 8, 2) | _rng("J", 70, 77, 2) | {"P70"},
    "simple_extraction": {"H11", "H16", "234030", "234032"},
    "perio_surgery": {
        "T70", "T71", "T72",            # flapoperaties
        "T76", "T81",                   # tuber- of retromolaarplastiek
        "T80",                          # tandvleestransplantaat
        "T82", "T83",                   # tandvleescorrectie
        "T84", "T85", "T86",            # regeneratiemateriaal aanbrengen/verwijderen
        "T87", "T88",                   # kroonverlenging
        "234024", "234025", "234026",   # kaakchirurgie: parodontale chirurgie
        "234031",                       # kaakchirurgie: gingivaplastiek met mucosatransplantaat
    },
    # every X-code, plus the kaakchirurgie imaging codes
    "xray": {"239451", "239452", "239455", "239457", "239458"},
    "temp_crown_implant": {"J87"},
    "esthetic_zone_surcharge": {"J19"},
    # P044 "toeslag zeer ernstig geslonken kaak": for an adult only with the right to
    # implants (seed 004 art. 3.12.2 Toestemming vooraf l; Bzv 2.7 lid 2).
    "resorbed_jaw_surcharge": {"P044"},
    # J39 "Autotransplantaat": surgical care, not an implant (the 2026 list moved it to
    # H38/H39); under 18 covered by Bzv 2.7 lid 4 sub l (seed 004 art. 3.12.3 Toestemming i).
    "autotransplant": {"J39"},
    "no_show": set(),
}

NEW_TAGS: dict[str, set[str]] = {
    "periodic_exam": {"C002"},
    "fluoride": {"M40"},
    # J040-J049, plus the 2026 equivalents of J40-J44: J070-J073 (drukknoppen,
    # staven) and R67 (opbouw t.b.v. implantaatkroon) -- judgement call.
    "implant": _rng("J", 40, 49, 3) | _rng("J", 70, 73, 3) | {"R67"},
    "full_denture": {"P020", "P021", "P022", "P023", "P044"},
    "implant_denture": {"J081", "J082"},
    # J080 "Gelijktijdig plaatsen volledig kunstgebit en klikgebit" is the combination.
    "denture_combo": {"J080"},
    # P060-P069 minus the partial-denture codes (P061, P064, P065) and planmatig
    # inslijpen (P067); J100-J108.
    "denture_repair": {"P060", "P062", "P063", "P066", "P068", "P069"} | _rng("J", 100, 108, 3),
    "simple_extraction": {"H11", "H16"},
    "perio_surgery": {
        "T070", "T071", "T072",         # flapoperaties
        "T076", "T101",                 # tuber- of retromolaarplastiek
        "T102", "T103",                 # tandvleescorrectie
        "T111", "T112", "T113",         # regeneratiemateriaal aanbrengen/verwijderen
        "T121", "T122",                 # kroonverlenging
        "T141", "T142",                 # tandvleestransplantaat, recessiebedekking
    },
    "xray": set(),
    "temp_crown_implant": {"J060"},
    "esthetic_zone_surcharge": {"J053"},
    "resorbed_jaw_surcharge": {"P044"},
    "autotransplant": {"H38", "H39"},
    "no_show": set(),
}

JAW = {
    PRE: {"P21": "upper", "P25": "lower", "P30": "both",
          "J51": "lower", "J52": "upper", "J50": "both"},
    NEW: {"P020": "upper", "P021": "lower", "P022": "both",
          "J081": "lower", "J082": "upper", "J080": "both"},
}

# Seed-named codes for the pre-2026 era: code -> (seed file, place, seed wording).
# The wording must occur in the seed text (checked when the seeds are available).
SEED_CODES: dict[str, list[tuple[str, str, str, str]]] = {}


def _seed(code: str, seed: str, place: str, insurer_year: str, wording: str) -> None:
    SEED_CODES.setdefault(code, []).append((seed, place, insurer_year, wording))


_DF = "De Friesland 2022"
_seed("J87", SEED_004, "r.o. 3.6, 5.4, 8.4", _DF, "tijdelijke kroon op immediaat geplaatst implantaat")
_seed("J19", SEED_004, "r.o. 3.6, 8.5", _DF, "toeslag esthetische zone")
_seed("J17", SEED_004, "r.o. 3.6, 5.4", _DF, "aanvullende ophoging bodem bijholte")
_seed("J18", SEED_004, "r.o. 3.6, 5.4", _DF, "ophoging bodem bijholte orthograad")
_seed("J39", SEED_004, "art. 3.12.3 (toestemming i), 4.2, 4.3", _DF,
      "autotransplantaten (code J39, het verplaatsen van een eigen tand of kies naar de plaats "
      "van een ontbrekende tand of kies)")
_seed("J50", SEED_004, "art. 3.12.2 (eigen bijdrage)", _DF,
      "gelijktijdig plaatsen van een kunstgebit op de ene kaak en een klikgebit op de andere kaak")
_seed("P044", SEED_004, "art. 3.12.2 (toestemming l)", _DF, "Toeslag zeer ernstig geslonken kaak")
_seed("C012", SEED_004, "art. 3.12.3 (uitsluitingen)", _DF,
      "uitgebreid onderzoek ten behoeve van het opstellen, vastleggen en verstrekken van "
      "behandelplan aan de patiënt")
_seed("M80", SEED_004, "art. 3.12.3 (uitsluitingen)", _DF, "behandelingen van witte vlekken")
_seed("M81", SEED_004, "art. 3.12.3 (uitsluitingen)", _DF, "behandelingen van witte vlekken")
_seed("M05", SEED_004, "art. 3.12.3 (uitsluitingen)", _DF,
      "niet-restauratieve behandelingen van cariës in het melkgebit")
_seed("G44", SEED_004, "art. 3.12.3 (uitsluitingen), 4.2, 4.3", _DF, "therapeutische injecties met botox")
_seed("G74", SEED_004, "art. 3.12.3 (uitsluitingen)", _DF,
      "therapie met behulp van myofunctionele apparatuur")
_seed("X21", SEED_004, "art. 3.12.3 (toestemming g)", _DF, "het maken van een kaakoverzichtsfoto")
_seed("X21", SEED_002, "bijlage polisvoorwaarden, Toestemming", "IptiQ 2019", "orthopantomogram (X21)")
_seed("F811A", SEED_004, "art. 3.12.1, 4.3 (uitsluiting g)", _DF,
      "reparatie of vervanging van een bestaande orthodontische voorziening als u deze verliest "
      "of beschadigt door uw eigen schuld of nalatigheid")
for _c in ("F152A", "F155A", "F156A", "F157A", "F158A", "F159A", "F160A", "F161A", "F162A"):
    _seed(_c, SEED_002, "bijlage polisvoorwaarden, Toestemming", "IptiQ 2019",
          "foto's ten behoeve van orthodontie")

# Seed-named codes whose seed meaning replaces the reference description.
SEED_MEANING_OVERRIDES = {"J50"}

# Letters reported to count no-show fees, searched for in every description.
NO_SHOW_PATTERN = re.compile(r"niet[- ]nagekomen|verzuimde|no[- ]?show|niet verschenen", re.I)
TARIFF_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


# --------------------------------------------------------------------------


def section_letter(section: str, code: str) -> str:
    if section.startswith("Kaakchirurgie"):
        return "H"
    letter = section.strip()[:1].upper()
    if letter not in SECTION_LETTERS:
        raise ValueError(f"unknown section {section!r} for {code}")
    return letter


def describe(row: dict) -> str:
    desc = " ".join(row["description"].split())
    if row["section"].startswith("Kaakchirurgie"):
        group = row["section"].split(" - ", 1)[1] if " - " in row["section"] else ""
        return f"Kaakchirurgie ({group}): {desc}" if group else f"Kaakchirurgie: {desc}"
    return desc


def tariff_cents(text: str) -> str:
    text = text.strip()
    if not TARIFF_NUMBER.match(text):
        return ""
    cents = Decimal(text) * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"tariff {text!r} is not a whole number of cents")
    return str(int(cents))


def seed_citation(code: str) -> str:
    parts = []
    for seed, place, who, wording in SEED_CODES[code]:
        parts.append(f"{seed} {place} ({who}): \"{wording}\"")
    return "; ".join(parts)


def read_reference(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != REFERENCE_COLUMNS:
            raise SystemExit(f"{path}: unexpected columns {reader.fieldnames}")
        rows = []
        for r in reader:
            r = {k: (v or "").strip() for k, v in r.items()}
            r["code"] = r["code"].upper()
            rows.append(r)
    return rows


def check_seed_wording(seeds_dir: Path) -> None:
    """Each seed-named code and its wording must occur in the cited seed file."""
    if not seeds_dir.is_dir():
        print(f"warning: {seeds_dir} not found, seed wording not checked", file=sys.stderr)
        return
    texts: dict[str, str] = {}
    for code, cites in SEED_CODES.items():
        for seed, _place, _who, wording in cites:
            fname = seed.split(" ", 1)[1]
            if fname not in texts:
                texts[fname] = " ".join((seeds_dir / fname).read_text(encoding="utf-8").split()).lower()
            text = texts[fname]
            if not re.search(rf"\b{re.escape(code.lower())}\b", text):
                raise SystemExit(f"{code} does not occur in {fname}")
            if wording.lower() not in text:
                raise SystemExit(f"{code}: wording {wording!r} not found in {fname}")


def build(ref_rows: list[dict]) -> list[dict]:
    by_year: dict[str, dict[str, dict]] = {"2013": {}, "2020": {}, "2026": {}}
    for r in ref_rows:
        year = r["list_year"]
        if year not in by_year:
            raise SystemExit(f"unexpected list_year {year!r}")
        if r["code"] in by_year[year]:
            raise SystemExit(f"duplicate reference row {r['code']} {year}")
        by_year[year][r["code"]] = r

    out: list[dict] = []

    def emit(era: str, code: str, section: str, description: str, tariff: str, source: str) -> None:
        vf, vt = ERAS[era]
        out.append({
            "era": era, "code": code, "valid_from": vf, "valid_to": vt,
            "section": section, "description": description, "tags": "", "jaw": "",
            "max_tariff_cents": tariff, "source": source,
        })

    # ---- era pre-2026: 2013, overridden by 2020, plus seed-named codes ----
    pre_codes = list(by_year["2013"]) + [c for c in by_year["2020"] if c not in by_year["2013"]]
    for code in pre_codes:
        r13, r20 = by_year["2013"].get(code), by_year["2020"].get(code)
        r = r20 or r13
        if r20 and r13:
            source = f"2020 excerpt overrides 2013; {r20['source']} (2020); 2013 list: {r13['source']}"
        elif r20:
            source = f"2020 excerpt, not in 2013 list; {r20['source']} (2020)"
        else:
            source = f"2013 list; {r13['source']} (2013)"
        description = describe(r)
        tariff = tariff_cents(r["max_tariff_eur"])
        if code in SEED_CODES:
            if code in SEED_MEANING_OVERRIDES:
                wording = SEED_CODES[code][0][3]
                description = wording[0].upper() + wording[1:]
                source += (f"; description replaced by the seed meaning (reference text was "
                           f"\"{describe(r)}\", tariff {r['max_tariff_eur']} EUR not carried over)")
                tariff = ""
            source += "; " + seed_citation(code)
        emit(PRE, code, section_letter(r["section"], code), description, tariff, source)

    for code in SEED_CODES:
        if code in by_year["2013"] or code in by_year["2020"]:
            continue
        wording = SEED_CODES[code][0][3]
        if code == "J39":
            wording = ("autotransplantaat (het verplaatsen van een eigen tand of kies naar de plaats "
                       "van een ontbrekende tand of kies)")
        description = wording[0].upper() + wording[1:]
        source = "seed-named code, not in the 2013/2020 reference rows; " + seed_citation(code)
        emit(PRE, code, code[0], description, "", source)

    # ---- era 2026: the 2026 list only ----
    for code, r in by_year["2026"].items():
        emit(NEW, code, section_letter(r["section"], code), describe(r),
             tariff_cents(r["max_tariff_eur"]), f"2026 list; {r['source']} (2026)")

    # ---- tags and jaw ----
    for row in out:
        era, code, sec = row["era"], row["code"], row["section"]
        rules = PRE_TAGS if era == PRE else NEW_TAGS
        tags = {t for t, codes in rules.items() if code in codes}
        if code.startswith("F"):
            tags.add("orthodontic")
        if sec == "R":
            tags.add("non_plastic")
        if sec == "X":
            tags.add("xray")
        if sec == "H":  # every H code and every 6-digit kaakchirurgie code
            tags.add("specialist_surgery")
        if NO_SHOW_PATTERN.search(row["description"]):
            tags.add("no_show")
        row["tags"] = ";".join(sorted(tags))
        row["jaw"] = JAW[era].get(code, "")

    out.sort(key=lambda r: (r["valid_from"], r["code"]))
    return out


def self_test(rows: list[dict]) -> None:
    keys = [(r["code"], r["valid_from"]) for r in rows]
    assert len(keys) == len(set(keys)), "duplicate (code, valid_from)"
    idx = {(r["code"], r["era"]): r for r in rows}

    def tags(code: str, era: str) -> set[str]:
        assert (code, era) in idx, f"missing {code} {era}"
        return set(filter(None, idx[(code, era)]["tags"].split(";")))

    for r in rows:
        t = set(filter(None, r["tags"].split(";")))
        assert t <= TAG_VOCABULARY, (r["code"], t - TAG_VOCABULARY)
        assert r["tags"] == ";".join(sorted(t))
        assert r["source"], r["code"]
        assert r["jaw"] in JAWS
        if r["jaw"]:
            assert t & {"full_denture", "implant_denture", "denture_combo"}, r["code"]
        assert r["section"] in SECTION_LETTERS and len(r["section"]) == 1
        assert r["code"] == r["code"].strip().upper() and r["code"]
        assert r["max_tariff_cents"] == "" or r["max_tariff_cents"].isdigit()
        if r["code"].startswith("F"):
            assert "orthodontic" in t, r["code"]
        if r["section"] == "X":
            assert "xray" in t
        if r["section"] == "R":
            assert "non_plastic" in t
        if r["section"] == "H":
            assert "specialist_surgery" in t

    # every code named in an explicit tag rule exists in its era (ranges may have gaps)
    range_gaps = {("P05", PRE)}
    for era, rules in ((PRE, PRE_TAGS), (NEW, NEW_TAGS)):
        for tag, codes in rules.items():
            for code in codes:
                assert (code, era) in idx or (code, era) in range_gaps, (tag, code, era)

    assert tags("J87", PRE) == {"temp_crown_implant"}
    assert tags("J19", PRE) == {"esthetic_zone_surcharge"}
    assert tags("J50", PRE) == {"denture_combo"} and idx[("J50", PRE)]["jaw"] == "both"
    assert idx[("J50", PRE)]["description"].startswith("Gelijktijdig plaatsen")
    assert tags("P21", PRE) == {"full_denture"} and idx[("P21", PRE)]["jaw"] == "upper"
    assert idx[("P25", PRE)]["jaw"] == "lower" and idx[("P30", PRE)]["jaw"] == "both"
    assert tags("J51", PRE) == {"implant_denture"} and idx[("J51", PRE)]["jaw"] == "lower"
    assert tags("J52", PRE) == {"implant_denture"} and idx[("J52", PRE)]["jaw"] == "upper"
    assert tags("C11", PRE) == {"periodic_exam"}
    assert "fluoride" in tags("M40", PRE) and "fluoride" in tags("M40", NEW)
    assert tags("H11", PRE) == {"simple_extraction", "specialist_surgery"}
    assert tags("H16", NEW) == {"simple_extraction", "specialist_surgery"}
    assert "implant" in tags("J20", PRE) and "implant" in tags("J44", PRE)
    assert "implant" not in tags("J01", PRE)
    assert tags("J060", NEW) == {"temp_crown_implant"}
    assert tags("J053", NEW) == {"esthetic_zone_surcharge"}
    assert tags("J087", NEW) == set()
    assert ("J87", NEW) not in idx and ("J19", NEW) not in idx
    assert tags("C002", NEW) == {"periodic_exam"}
    assert idx[("P020", NEW)]["jaw"] == "upper" and idx[("J081", NEW)]["jaw"] == "lower"
    assert tags("J080", NEW) == {"denture_combo"} and idx[("J080", NEW)]["jaw"] == "both"
    for code in SEED_CODES:
        assert (code, PRE) in idx and "seed 00" in idx[(code, PRE)]["source"], code
    assert idx[("C11", PRE)]["max_tariff_cents"] == "2216"  # 2020 wins over 2013 (20.52)
    assert idx[("A20", PRE)]["max_tariff_cents"] == ""      # "kostprijs"
    for code in ("F411A", "F411B", "F411C"):
        assert (code, PRE) in idx
    assert idx[("233730", PRE)]["section"] == "H"
    assert "Kaakchirurgie" in idx[("233730", PRE)]["description"]


def write(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def report(rows: list[dict]) -> None:
    for era in ERAS:
        print(f"era {era}: {sum(r['era'] == era for r in rows)} rows")
    for era in ERAS:
        counts = {t: 0 for t in sorted(TAG_VOCABULARY)}
        for r in rows:
            if r["era"] == era:
                for t in filter(None, r["tags"].split(";")):
                    counts[t] += 1
        print(f"tags {era}: " + ", ".join(f"{t}={n}" for t, n in counts.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference-dir", type=Path, default=DEFAULT_REFERENCE_DIR,
                    help="directory holding nza_mondzorg_codes.csv (default: ../shared/reference "
                         "relative to the repository root)")
    ap.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR,
                    help="seed documents, used to check the seed wording (default: ../shared/seeds)")
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = ap.parse_args(argv)

    ref_rows = read_reference(args.reference_dir / "nza_mondzorg_codes.csv")
    check_seed_wording(args.seeds_dir)
    rows = build(ref_rows)
    self_test(rows)
    write(rows, args.output)
    # read back what was written and test it again
    with args.output.open(encoding="utf-8", newline="") as fh:
        reread = list(csv.DictReader(fh))
    assert list(reread[0].keys()) == COLUMNS
    for r in reread:
        r["era"] = NEW if r["valid_from"] == ERAS[NEW][0] else PRE
    self_test(reread)
    print(f"wrote {len(rows)} rows to {args.output}")
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
