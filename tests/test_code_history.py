"""The code table through the years (docs/rules.md#code-table, docs/codes.md): the
renumberings of 2021-2023 both ways, a full denture in each era, and the table's build."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import aanspraak
import polars as pl
import pytest
from conftest import lines

ROOT = Path(__file__).resolve().parent.parent
CHILD = dt.date(2012, 5, 1)
ADULT = dt.date(1950, 1, 1)


def scored(*rows: dict) -> list[dict]:
    out = aanspraak.score(lines(*[{"line_id": i + 1, **r} for i, r in enumerate(rows)]), policy="defriesland-2022")
    return out.with_columns(pl.col("reason", "legal_basis", "message").cast(pl.String)).sort("line_id").to_dicts()


def unknown(code: str, day: dt.date, message: str) -> None:
    (r,) = scored({"birth_date": CHILD, "treatment_date": day, "code": code, "amount": D("25.00")})
    assert (r["reason"], r["basic_covered"], r["basic_paid"], r["message"]) == ("UNKNOWN_CODE", False, D("0.00"), message)
    assert r["legal_basis"] == "NZa prestatiecodelijst (code unknown on treatment date)"


# -- the C chapter of 2022 --------------------------------------------------------------------


def test_c002_in_2022_is_the_periodic_check_and_counts_for_the_frequency_limit():
    rows = scored(
        {"birth_date": CHILD, "treatment_date": dt.date(2021, 11, 1), "code": "C11", "amount": D("22.91")},
        {"birth_date": CHILD, "treatment_date": dt.date(2022, 2, 1), "code": "C002", "amount": D("28.83")},
        {"birth_date": CHILD, "treatment_date": dt.date(2022, 8, 1), "code": "C002", "amount": D("28.83"), "authorization": False},
    )
    assert [(r["reason"], r["basic_paid"]) for r in rows] == [
        ("COVERED", D("22.91")), ("COVERED", D("28.83")), ("FREQUENCY_LIMIT", D("0.00"))]
    assert rows[1]["legal_basis"] == "Bzv 2.7 lid 4" and rows[2]["legal_basis"] == "Bzv 2.7 lid 4 sub a"


def test_c11_in_2022_and_c002_in_2021_are_unknown_naming_each_other():
    unknown("C11", dt.date(2022, 3, 1), "C11 was replaced by C002 in 2022")
    unknown("C002", dt.date(2021, 12, 31), "C002 replaced C11 in 2022 and is not valid before 2022")


# -- a full denture in each era ---------------------------------------------------------------


@pytest.mark.parametrize("code,day", [("P21", dt.date(2019, 6, 1)), ("P30", dt.date(2021, 12, 31)),
                                      ("P020", dt.date(2022, 1, 1)), ("P022", dt.date(2025, 6, 1))])
def test_full_denture_in_each_era_carries_the_25_percent(code, day):
    (r,) = scored({"birth_date": ADULT, "treatment_date": day, "code": code, "amount": D("1000.00"),
                   "provider_type": "tandprotheticus", "voluntary_deductible": 0})
    assert (r["reason"], r["legal_basis"]) == ("COVERED", "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 2")
    assert r["eigen_bijdrage"] == D("250.00")
    assert r["eigen_bijdrage"] + r["eigen_risico"] + r["basic_paid"] == D("1000.00")


def test_full_denture_codes_outside_their_era():
    unknown("P21", dt.date(2022, 3, 1), "P21 was replaced by P020 in 2022")
    unknown("P022", dt.date(2021, 3, 1), "P022 replaced P30 in 2022 and is not valid before 2022")
    t = aanspraak.CodeTable.bundled()
    assert t.for_year(2026).filter(code="P022")["tags"].to_list() == ["full_denture"]
    assert t.for_year(2013).filter(code="P30")[["tags", "jaw"]].row(0) == ("full_denture", "both")


# -- a T code across 2020/2021, a J code across 2022/2023 -------------------------------------


def test_t_code_across_2020_and_2021():
    rows = scored(
        {"birth_date": CHILD, "treatment_date": dt.date(2020, 6, 1), "code": "T21", "amount": D("31.49"), "element": 16},
        {"birth_date": CHILD, "treatment_date": dt.date(2021, 6, 1), "code": "T021", "amount": D("40.97"), "element": 16},
    )
    assert [(r["reason"], r["legal_basis"], r["basic_paid"]) for r in rows] == [
        ("COVERED", "Bzv 2.7 lid 4", D("31.49")), ("COVERED", "Bzv 2.7 lid 4", D("40.97"))]
    unknown("T21", dt.date(2021, 1, 1), "T21 was replaced by T021 in 2021")
    unknown("T021", dt.date(2020, 12, 31), "T021 replaced T21 in 2021 and is not valid before 2021")


def test_j_code_across_2022_and_2023():
    rows = scored(
        {"birth_date": ADULT, "treatment_date": dt.date(2022, 6, 1), "code": "J51", "amount": D("1000.00"), "voluntary_deductible": 0},
        {"birth_date": ADULT, "treatment_date": dt.date(2023, 6, 1), "code": "J081", "amount": D("1000.00"), "voluntary_deductible": 0},
    )
    for r in rows:
        assert (r["reason"], r["legal_basis"]) == ("COVERED", "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 3 sub a")
        assert r["eigen_bijdrage"] == D("100.00")  # 10 % on an implant denture of the lower jaw
    unknown("J51", dt.date(2023, 1, 1), "J51 was replaced by J081 in 2023")
    unknown("J081", dt.date(2022, 12, 31), "J081 replaced J51 in 2023 and is not valid before 2023")
    unknown("J02", dt.date(2023, 1, 1), "J02 was replaced by J011 in 2023")


def test_a_code_no_list_knows_has_no_message():
    (r,) = scored({"birth_date": CHILD, "treatment_date": dt.date(2022, 3, 1), "code": "Q99", "amount": D("1.00")})
    assert (r["reason"], r["message"]) == ("UNKNOWN_CODE", None)


# -- the table ----------------------------------------------------------------------------------


def test_for_year_returns_the_rows_of_that_year_with_the_columns_of_to_polars():
    t = aanspraak.CodeTable.bundled()
    full = t.to_polars()
    y22 = t.for_year(2022)
    assert y22.schema == full.schema
    assert {"start_source", "end_source", "replaced_by", "replaces"} <= set(full.columns)
    assert "C002" in y22["code"].to_list() and "C11" not in y22["code"].to_list()
    assert (y22["valid_from"] <= dt.date(2022, 12, 31)).all() and (y22["valid_to"] >= dt.date(2022, 1, 1)).all()
    assert full.filter(pl.col("start_source").is_null() | pl.col("end_source").is_null()).height == 0
    # a user may append rows without the history columns to the bundled table
    extra = t.csv_text + "ZZ1,2013-01-01,9999-12-31,C,Example,,,,example row\n"
    assert len(aanspraak.CodeTable(extra, "extended")) == len(t) + 1


def test_the_table_and_docs_codes_md_are_what_the_build_script_writes():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_dental_codes.py"), "--check"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr + done.stdout


def test_the_readme_code_history_example_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("naming its successor or predecessor:\n\n```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    assert scope["rows_2022"].filter(code="C002")["replaces"].to_list() == ["C11"]
