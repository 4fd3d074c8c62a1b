"""Helpers to build declaration lines for tests: defaults for every required column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

import aanspraak

D = Decimal


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


DEFAULTS: dict[str, Any] = {
    "insured_id": "P1",
    "birth_date": d("1980-06-15"),
    "treatment_date": d("2022-03-01"),
    "code": "C002",
    "amount": D("100.00"),
}

#: polars dtype of each input kind (``aanspraak.input_schema()``), so that all-null
#: columns still get a useful type.
_KIND_DTYPES: dict[str, pl.DataType] = {
    "id": pl.String,
    "order": pl.Int64,
    "date": pl.Date,
    "code": pl.String,
    "money": pl.Decimal(12, 2),
    "cents": pl.Int64,
    "enum": pl.String,
    "element": pl.Int16,
    "bool": pl.Boolean,
    "tri": pl.Boolean,
    "product": pl.String,
    "products": pl.String,
    "specialism": pl.String,
    "line_ref": pl.Int64,
}

#: polars dtypes of the input columns; the voluntary deductible in whole euros.
DTYPES: dict[str, pl.DataType] = {
    **{r["name"]: _KIND_DTYPES[r["kind"]] for r in aanspraak.input_schema().iter_rows(named=True)},
    "voluntary_deductible": pl.Int32,
}


def lines(*rows: dict[str, Any]) -> pl.DataFrame:
    """A declarations frame from dicts; missing required columns take DEFAULTS."""
    cols: set[str] = set(DEFAULTS)
    for r in rows:
        cols |= set(r)
    data = {c: [r.get(c, DEFAULTS.get(c)) for r in rows] for c in cols}
    return pl.DataFrame(data, schema={c: DTYPES[c] for c in cols})


def score(*rows: dict[str, Any], policy: str = "defriesland-2022") -> pl.DataFrame:
    return aanspraak.score(lines(*rows), policy=policy)


def one(row: dict[str, Any], policy: str = "defriesland-2022") -> dict[str, Any]:
    """Score one line and return its output row as a dict (reason and basis as str)."""
    out = score(row, policy=policy)
    assert out.height == 1
    return out.row(0, named=True)


def assert_conserved(out: pl.DataFrame) -> None:
    """amount == basic_paid + supplementary_paid + patient_paid, all >= 0 (valid rows);
    a CREDITED line (a credit pair nets to nothing) and a NOT_YET_BOOKED line (scored
    as_of a date before its booking) have 0.00 in every money column."""
    money = ["allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "supplementary_paid", "patient_paid"]
    for r in out.filter(pl.col("reason").is_in(["CREDITED", "NOT_YET_BOOKED"])).iter_rows(named=True):
        assert all(r[c] == 0 for c in money) and not r["basic_covered"], r
    ok = out.filter(~pl.col("reason").is_in(["INVALID_INPUT", "CREDITED", "NOT_YET_BOOKED"]))
    for r in ok.iter_rows(named=True):
        assert r["basic_paid"] >= 0 and r["supplementary_paid"] >= 0 and r["patient_paid"] >= 0, r
        assert r["basic_paid"] + r["supplementary_paid"] + r["patient_paid"] == r["amount"], r


@pytest.fixture
def helpers():
    return {"lines": lines, "score": score, "one": one}
