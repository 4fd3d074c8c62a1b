"""The engine's eigen risico and supplementary annual maxima against the pure-Python
reference (tests/reference.py) on messy hypothesis data, and the reference itself on
hand-computed cases from the law (Zvw art. 19-22; GCZ SKGZ202002133 for two contracts in
one year; docs/interpretations.md "Money")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from hypothesis import HealthCheck, given, settings

import aanspraak
import reference
from checks import assert_eigen_risico, assert_money, assert_supplementary_caps
from strategies import frame, portfolio

D = Decimal
POLICY = aanspraak.Policy.load("defriesland-2022")
LOWER = POLICY.with_eigen_risico(165)
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(portfolio(max_insured=3, max_lines=40))
def test_eigen_risico_matches_the_reference(data):
    _, rows = data
    df = frame(rows)
    out = aanspraak.score(df, policy=POLICY)
    assert_money(out)
    assert_eigen_risico(df, out, POLICY)


@SETTINGS
@given(portfolio(max_insured=3, min_lines=4, max_lines=40, products=True))
def test_supplementary_annual_maxima_match_the_reference(data):
    _, rows = data
    df = frame(rows)
    assert_supplementary_caps(df, aanspraak.score(df, policy=POLICY), POLICY)


@SETTINGS
@given(portfolio(max_insured=3, max_lines=30))
def test_eigen_risico_matches_the_reference_under_another_amount(data):
    _, rows = data
    df = frame(rows)
    assert_eigen_risico(df, aanspraak.score(df, policy=LOWER), LOWER)


# ------------------------------------------------------------------ the reference itself


def test_reference_pot_periods_follow_the_readings():
    er = POLICY.eigen_risico(2022)
    # 18 on 1 March 2022 (a birthday on the 1st): from 1 April.
    p = reference.pot_period(2022, dt.date(2004, 3, 1), None, None)
    assert (p.start, p.end) == (dt.date(2022, 4, 1), dt.date(2022, 12, 31))
    assert reference.pot_amount(2022, er, D(0), p) == (er * 275 / 365).quantize(D(1), rounding="ROUND_HALF_UP")
    # Two contracts in one year: each its own pro-rata pot.
    a = reference.pot_period(2022, dt.date(1980, 5, 5), None, dt.date(2022, 6, 30))
    b = reference.pot_period(2022, dt.date(1980, 5, 5), dt.date(2022, 8, 1), None)
    assert (a.days, b.days) == (181, 153)
    # 385 × 181 / 365 = 190.92 → 191; (385 + 500) × 153 / 365 = 370.97 → 371
    if er == D("385.00"):
        assert reference.pot_amount(2022, er, D(0), a) == D("191.00")
        assert reference.pot_amount(2022, er, D(500), b) == D("371.00")
    # A leap year counts 366 days.
    assert reference.days_in_year(2024) == 366


def test_engine_and_reference_on_two_contracts_and_a_late_18th_birthday():
    rows = [
        # Two contracts in 2022 (GCZ SKGZ202002133): each pot pro rata, charged in date order.
        {"line_id": 1, "insured_id": "K", "birth_date": dt.date(1980, 5, 5), "treatment_date": dt.date(2022, 2, 1), "code": "038911",
         "amount": D("150.00"), "insured_from": None, "insured_to": dt.date(2022, 6, 30)},
        {"line_id": 2, "insured_id": "K", "birth_date": dt.date(1980, 5, 5), "treatment_date": dt.date(2022, 3, 1), "code": "038911",
         "amount": D("150.00"), "insured_from": None, "insured_to": dt.date(2022, 6, 30)},
        {"line_id": 3, "insured_id": "K", "birth_date": dt.date(1980, 5, 5), "treatment_date": dt.date(2022, 9, 1), "code": "038911",
         "amount": D("900.00"), "insured_from": dt.date(2022, 8, 1), "insured_to": None},
        # 18 on 1 March 2022: care in March bears none, care in April does.
        {"line_id": 4, "insured_id": "Y", "birth_date": dt.date(2004, 3, 1), "treatment_date": dt.date(2022, 3, 15), "code": "038911",
         "amount": D("100.00"), "insured_from": None, "insured_to": None},
        {"line_id": 5, "insured_id": "Y", "birth_date": dt.date(2004, 3, 1), "treatment_date": dt.date(2022, 4, 1), "code": "038911",
         "amount": D("1000.00"), "insured_from": None, "insured_to": None},
    ]
    df = pl.DataFrame(rows, schema_overrides={"amount": pl.Decimal(12, 2)})
    out = aanspraak.score(df, policy=POLICY)
    assert_eigen_risico(df, out, POLICY)
    er = POLICY.eigen_risico(2022)
    first = reference.pot_amount(2022, er, D(0), reference.pot_period(2022, dt.date(1980, 5, 5), None, dt.date(2022, 6, 30)))
    second = reference.pot_amount(2022, er, D(0), reference.pot_period(2022, dt.date(1980, 5, 5), dt.date(2022, 8, 1), None))
    young = reference.pot_amount(2022, er, D(0), reference.pot_period(2022, dt.date(2004, 3, 1), None, None))
    assert out["eigen_risico"].to_list() == [D("150.00"), first - D("150.00"), second, D("0.00"), young]


def test_a_pot_that_is_exactly_half_a_euro_rounds_up():
    """385 × 183 / 366 = 192.50 (2024, a leap year; insured from 2 July): half up gives
    193. With EUR 165, 61 days (from 1 November) give 27.50 → 28."""
    for policy, start in ((POLICY, dt.date(2024, 7, 2)), (LOWER, dt.date(2024, 11, 1))):
        row = {"line_id": 1, "insured_id": "H", "birth_date": dt.date(1970, 1, 1), "treatment_date": start + dt.timedelta(days=3),
               "code": "038911", "amount": D("900.00"), "insured_from": start, "insured_to": None}
        df = pl.DataFrame([row], schema_overrides={"amount": pl.Decimal(12, 2), "insured_to": pl.Date})
        out = aanspraak.score(df, policy=policy)
        period = reference.pot_period(2024, row["birth_date"], start, None)
        exact = policy.eigen_risico(2024) * period.days / 366
        assert_eigen_risico(df, out, policy)
        if exact % 1 == D("0.5"):
            assert out["eigen_risico"].item() == exact + D("0.5")
