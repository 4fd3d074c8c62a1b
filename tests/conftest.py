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
    "code": "C11",
    "amount": D("100.00"),
}

#: polars dtypes for optional columns, so that all-null columns still get a useful type.
DTYPES: dict[str, pl.DataType] = {
    "insured_id": pl.String,
    "birth_date": pl.Date,
    "treatment_date": pl.Date,
    "code": pl.String,
    "amount": pl.Decimal(12, 2),
    "line_id": pl.Int64,
    "domain": pl.String,
    "specialism": pl.String,
    "setting": pl.String,
    "element": pl.Int16,
    "jaw": pl.String,
    "edentulous": pl.Boolean,
    "provider_type": pl.String,
    "contracted": pl.Boolean,
    "reference_tariff": pl.Decimal(12, 2),
    "authorization": pl.Boolean,
    "bt_indication": pl.String,
    "bt_related": pl.Boolean,
    "ortho_severe": pl.Boolean,
    "severely_resorbed": pl.Boolean,
    "missing_tooth_cause": pl.String,
    "need_before_18": pl.Boolean,
    "basic_product": pl.String,
    "supplementary_product": pl.String,
    "supplementary_start": pl.Date,
    "supplementary_end": pl.Date,
    "accident_date": pl.Date,
    "material_costs": pl.Decimal(12, 2),
    "referral": pl.Boolean,
    "voluntary_deductible": pl.Int32,
    "insured_from": pl.Date,
    "insured_to": pl.Date,
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
    """amount == basic_paid + supplementary_paid + patient_paid, all >= 0 (valid rows)."""
    ok = out.filter(pl.col("reason") != "INVALID_INPUT")
    for r in ok.iter_rows(named=True):
        assert r["basic_paid"] >= 0 and r["supplementary_paid"] >= 0 and r["patient_paid"] >= 0, r
        assert r["basic_paid"] + r["supplementary_paid"] + r["patient_paid"] == r["amount"], r


@pytest.fixture
def helpers():
    return {"lines": lines, "score": score, "one": one}
