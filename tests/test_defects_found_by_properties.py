"""Defects that the executable reason examples and the property tests ran into (issue 14):
J39 under 18 (rules) and all-null columns (input). Each failed before its fix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

import aanspraak
from conftest import one

D = Decimal


def test_autotransplant_under_18_is_lid_4_care_that_needs_authorisation():
    """Bzv 2.7 lid 4 sub l covers surgical dental care under 18 except placing implants; an
    autotransplant (J39: moving one's own tooth) is not an implant. Seed 004 art. 3.12.3
    (care under 18) asks authorisation for it (Toestemming vooraf sub i) and says who may
    place it, so it is covered youth care: authorization false refuses it for want of
    authorisation, true covers it."""
    child = {"birth_date": dt.date(2010, 2, 1), "treatment_date": dt.date(2022, 3, 1), "code": "J39", "amount": D("80.00")}
    refused = one({**child, "authorization": False})
    assert (refused["reason"], refused["legal_basis"]) == ("AUTHORIZATION_MISSING", "De Friesland 2022 art. 3.12.3 Toestemming vooraf sub i")
    granted = one({**child, "authorization": True})
    assert (granted["reason"], granted["basic_paid"]) == ("COVERED", D("80.00"))


@pytest.mark.parametrize("column", ["supplementary_product", "referral", "element", "accident_date"])
def test_an_all_null_column_reads_as_absent(column):
    """A column whose values are all null has Arrow type Null in polars and pyarrow
    (pl.DataFrame({"referral": [None]})); the README lets every optional column be null,
    so it must score as if the column were absent, not raise."""
    base = {"insured_id": ["A"], "birth_date": [dt.date(1980, 1, 1)], "treatment_date": [dt.date(2022, 3, 1)], "code": ["V21"],
            "amount": [D("55.00")]}
    without = aanspraak.score(pl.DataFrame(base))
    with_null = aanspraak.score(pl.DataFrame({**base, column: [None]}))
    assert with_null.drop(column).equals(without)
