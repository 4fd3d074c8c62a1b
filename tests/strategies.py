"""Hypothesis strategies for messy declaration data, and helpers to build and compare
frames. Shared by the property tests (test_invariants.py, test_chunks.py,
test_reference.py).

The data is drawn per insured, as real data is: one birth date, contract periods
(``insured_from``/``insured_to``, sometimes two contracts in one year: Zvw art. 22, GCZ
SKGZ202002133), one voluntary deductible, one supplementary product with its start and
end; then lines with ties on the treatment date, material costs, accident dates, codes in
lower case or with blanks, 5-digit hospital codes (``38911`` is ``038911``), and invalid
rows of the kinds listed in the project's README ("Bad input").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import strategies as st

from conftest import DTYPES

D = Decimal
YEARS = (2021, 2022, 2023)
#: The last day the bundled policy sets have statutory parameters (eigen risico) for.
LAST_POLICY_DAY = dt.date(2026, 12, 31)

#: Codes of several eras and domains; the variants below must score as these do.
CODES = ["C11", "C002", "C13", "M03", "M40", "V12", "V21", "A10", "H35", "X10", "X21", "R24", "E13", "J20", "J51", "J52",
         "J50", "P21", "P022", "F411A", "F461A", "F811A", "J87", "J19", "M80", "E97", "J39", "Q99",
         "038911", "238060", "199872", "039075"]
SUPP_PRODUCTS = ["av-tand-opstap", "av-tand-doorstap", "av-tand-standaard", "av-tand-extra", "av-tand-optimaal", "tand-ongevallen",
                 "av-tand-extra+tand-ongevallen"]
INVALID_KINDS = ["amount_null", "amount_negative", "before_birth", "unknown_product", "bad_element"]


def code_variant(code: str, how: int) -> str:
    """The same code as a declaring system might write it."""
    if how == 1:
        return code.lower()
    if how == 2:
        return f" {code} "
    if how == 3 and code.isdigit() and code.startswith("0"):
        return code[1:]  # 5-digit hospital code
    if how == 4:
        return f"{code.lower()}\t"
    return code


def _contracts(draw) -> list[tuple[dt.date | None, dt.date | None]]:
    kind = draw(st.sampled_from(["whole", "whole", "from", "to", "two"]))
    year = draw(st.sampled_from(YEARS))
    a = draw(st.dates(dt.date(year, 1, 2), dt.date(year, 12, 30)))
    if kind == "whole":
        return [(None, None)]
    if kind == "from":
        return [(a, None)]
    if kind == "to":
        return [(None, a)]
    # Two contracts in one year, with or without a gap between them.
    gap = draw(st.integers(1, 40))
    b = min(a + dt.timedelta(days=gap), dt.date(year, 12, 31))
    return [(None, a), (b, None)]


@st.composite
def insured(draw, iid: str, product: bool = False) -> dict[str, Any]:
    """One insured: birth date (often turning 18 in the scored years, sometimes on the
    1st of a month), contract periods, voluntary deductible, supplementary cover."""
    if draw(st.booleans()):
        birth = draw(st.dates(dt.date(2002, 6, 1), dt.date(2006, 6, 30)))
        if draw(st.booleans()):
            birth = birth.replace(day=1)
    else:
        birth = draw(st.dates(dt.date(1940, 1, 1), dt.date(2015, 12, 31)))
    product = draw(st.sampled_from(SUPP_PRODUCTS) if product else st.none() | st.sampled_from(SUPP_PRODUCTS))
    start = draw(st.none() | st.dates(dt.date(2019, 1, 1), dt.date(2023, 6, 1)))
    end = draw(st.none() | st.dates(dt.date(2022, 1, 1), dt.date(2024, 12, 31)))
    if start is not None and end is not None and end < start:
        start, end = end, start
    return {
        "insured_id": iid,
        "birth_date": birth,
        "contracts": _contracts(draw),
        "voluntary_deductible": draw(st.sampled_from([0, 0, 100, 500])),
        "supplementary_product": product,
        "product_spelling": draw(st.sampled_from([0, 0, 1])),  # 1: with blanks around
        "supplementary_start": start,
        "supplementary_end": end,
    }


line_strategy = st.fixed_dictionaries(
    {
        "day": st.integers(0, 2),  # index into the insured's few treatment dates (ties)
        "code": st.sampled_from(CODES),
        "spelling": st.sampled_from([0, 0, 0, 1, 2, 3, 4]),
        "amount_cents": st.integers(0, 200_000),
        "material_pct": st.sampled_from([None, 0, 30, 100]),
        "element": st.sampled_from([None, 11, 14, 21, 24, 36, 43, 55]),
        "provider_type": st.sampled_from([None, "tandarts", "kaakchirurg", "orthodontist", "tandprotheticus"]),
        "contracted": st.sampled_from([None, True, False]),
        "reference_tariff_cents": st.none() | st.integers(0, 100_000),
        "authorization": st.none() | st.booleans(),
        "referral": st.none() | st.booleans(),
        "bt_indication": st.sampled_from([None, None, None, "b"]),
        "accident_days_before": st.none() | st.integers(0, 500),
        "invalid": st.sampled_from([None] * 12 + INVALID_KINDS),
    }
)


@st.composite
def portfolio(draw, max_insured: int = 4, max_lines: int = 40, min_insured: int = 1, min_lines: int = 1,
              products: bool = False) -> tuple[list[dict], list[dict]]:
    """(insureds, lines): each line carries its insured's facts and a distinct line_id
    (not the row number: processing order must follow line_id). `products`: every
    insured has supplementary cover."""
    n_ins = draw(st.integers(min_insured, max_insured))
    insureds = [draw(insured(f"P{k}", products)) for k in range(n_ins)]
    rows = draw(st.lists(st.tuples(st.integers(0, n_ins - 1), line_strategy), min_size=min_lines, max_size=max_lines))
    dates = {}
    ids = draw(st.permutations(range(100, 100 + len(rows))))
    out = []
    for (k, ln), line_id in zip(rows, ids):
        ins = insureds[k]
        if k not in dates:
            year = draw(st.sampled_from(YEARS))
            dates[k] = draw(st.lists(st.dates(dt.date(year, 1, 1), dt.date(year + 1, 12, 31)), min_size=3, max_size=3))
            b = ins["birth_date"]
            if b.year >= 2002 and draw(st.booleans()):
                # Care in the weeks around the 18th birthday (the eigen risico starts on
                # the first of the next month).
                eighteen = dt.date(b.year + 18, b.month, 28 if (b.month, b.day) == (2, 29) else b.day)
                around = eighteen + dt.timedelta(days=draw(st.integers(-3, 40)))
                # Only within the years the bundled policy sets have parameters for (else the
                # line is invalid for another reason than the one the tests expect).
                if around <= LAST_POLICY_DAY:
                    dates[k][0] = around
        out.append(line_row(ins, ln, dates[k][ln["day"]], line_id))
    return insureds, out


def line_row(ins: dict[str, Any], ln: dict[str, Any], treat: dt.date, line_id: int) -> dict[str, Any]:
    """One input row from an insured and a drawn line."""
    # The contract that holds the treatment date (else the first: the row is then outside
    # its contract, which the engine must report as invalid).
    frm, to = next(((f, t) for f, t in ins["contracts"] if (f is None or f <= treat) and (t is None or treat <= t)), ins["contracts"][0])
    amount = D(ln["amount_cents"]) / 100
    product = ins["supplementary_product"]
    if product is not None and ins["product_spelling"]:
        product = f" {product} "
    row = {
        "line_id": line_id,
        "insured_id": ins["insured_id"],
        "birth_date": ins["birth_date"],
        "treatment_date": treat,
        "code": code_variant(ln["code"], ln["spelling"]),
        "amount": amount,
        "material_costs": None if ln["material_pct"] is None else (amount * ln["material_pct"] / 100).quantize(D("0.01")),
        "element": ln["element"],
        "provider_type": ln["provider_type"],
        "contracted": ln["contracted"],
        "reference_tariff": None if ln["reference_tariff_cents"] is None else D(ln["reference_tariff_cents"]) / 100,
        "authorization": ln["authorization"],
        "referral": ln["referral"],
        "bt_indication": ln["bt_indication"],
        "accident_date": None if ln["accident_days_before"] is None else treat - dt.timedelta(days=ln["accident_days_before"]),
        "voluntary_deductible": ins["voluntary_deductible"],
        "insured_from": frm,
        "insured_to": to,
        "supplementary_product": product,
        "supplementary_start": ins["supplementary_start"],
        "supplementary_end": ins["supplementary_end"],
        "invalid": ln["invalid"],
    }
    spoil(row)
    return row


def spoil(row: dict[str, Any]) -> None:
    """Make the row invalid in the drawn way (README "Bad input")."""
    kind = row["invalid"]
    if kind == "amount_null":
        row["amount"] = None
        row["material_costs"] = None
    elif kind == "amount_negative":
        row["amount"] = -row["amount"] - D("0.01")
        row["material_costs"] = None
    elif kind == "before_birth":
        row["treatment_date"] = row["birth_date"] - dt.timedelta(days=1)
        row["insured_from"] = row["insured_to"] = row["accident_date"] = None
    elif kind == "unknown_product":
        row["supplementary_product"] = "av-tand-goud"
    elif kind == "bad_element":
        row["element"] = 19


INPUT_COLUMNS = [c for c in DTYPES if c not in ("domain", "specialism", "setting", "jaw", "edentulous", "ortho_severe", "severely_resorbed",
                                                "missing_tooth_cause", "need_before_18", "basic_product", "bt_related")]


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """The declarations frame of `rows` (the test-only key ``invalid`` is dropped)."""
    cols = [c for c in INPUT_COLUMNS if c in rows[0]] if rows else INPUT_COLUMNS
    return pl.DataFrame({c: [r[c] for r in rows] for c in cols}, schema={c: DTYPES[c] for c in cols})


#: Output columns compared between two scorings of the same lines.
RESULT = ["age", "code_normalized", "basic_covered", "reason", "legal_basis", "authorization_required", "authorization_category",
          "pok_mismatch", "allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "supplementary_paid", "patient_paid",
          "supplementary_reason", "supplementary_basis", "message"]
MONEY = ["allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "supplementary_paid", "patient_paid"]


def result(out: pl.DataFrame) -> pl.DataFrame:
    """The output columns by line_id, categoricals as strings, for comparisons."""
    cols = [c for c in RESULT if c in out.columns]
    return out.select("line_id", *cols).with_columns(
        pl.col(c).cast(pl.String) for c in cols if out.schema[c] == pl.Categorical or isinstance(out.schema[c], pl.Categorical)
    ).sort("line_id")


def assert_same(a: pl.DataFrame, b: pl.DataFrame, what: str) -> None:
    """Equal per line_id; on a difference, show the first differing lines."""
    ra, rb = result(a), result(b)
    assert ra["line_id"].to_list() == rb["line_id"].to_list(), what
    if not ra.equals(rb):
        diff = ra.with_row_index("_i").join(rb, on="line_id", suffix="_other")
        cols = [c for c in ra.columns if c != "line_id"]
        bad = diff.filter(pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}_other")) for c in cols))
        differing = [c for c in cols if bad.select(pl.col(c).ne_missing(pl.col(f"{c}_other")).any()).item()]
        show = bad.head(3).select("line_id", *[x for c in differing for x in (c, f"{c}_other")])
        raise AssertionError(f"{what}: {bad.height} lines differ\n{show}")
