"""The synthetic portfolio (aanspraak.synthetic.members, declarations_for): SYNTHETIC data,
checked for the shape exposure() and score() take, the booking lags, the credits, the age
and product mix, and the calibration against the public figure of the module docstring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import polars as pl
import pytest

import aanspraak
from aanspraak.synthetic import declarations, declarations_for, members

YEARS = (2021, 2023)


@pytest.fixture(scope="module")
def m() -> pl.DataFrame:
    return members(20_000, seed=5, years=YEARS)


@pytest.fixture(scope="module")
def d(m: pl.DataFrame) -> pl.DataFrame:
    return declarations_for(m, seed=5, years=YEARS)


def test_deterministic_per_seed(m: pl.DataFrame, d: pl.DataFrame) -> None:
    assert members(20_000, seed=5, years=YEARS).equals(m)
    assert not members(20_000, seed=6, years=YEARS).equals(m)
    assert declarations_for(m, seed=5, years=YEARS).equals(d)
    assert not declarations_for(m, seed=6, years=YEARS).equals(d)


def test_declarations_unchanged_by_the_portfolio() -> None:
    # the shared pieces left declarations() as it was: values of the frame made before
    df = declarations(2_000, seed=7, years=(2021, 2023), hospital_share=0.2, supplementary_share=0.5)
    assert df.height == 2_000 and "processing_date" not in df.columns
    assert df["amount"].sum() == Decimal("300037.75")
    assert df["code"][:5].to_list() == ["M03", "M03", "M01", "X10", "V11"]
    assert df["treatment_date"][:2].to_list() == [dt.date(2021, 10, 7), dt.date(2022, 5, 1)]


def test_members_are_valid_for_exposure(m: pl.DataFrame) -> None:
    assert m.columns == [
        "insured_id", "birth_date", "insured_from", "insured_to", "basic_product",
        "supplementary_product", "supplementary_start", "voluntary_deductible", "region",
    ]
    assert m["insured_id"].n_unique() == m.height == 20_000  # one period each: no overlaps
    assert (m["birth_date"] <= m["insured_from"]).all()
    closed = m.filter(pl.col("insured_to").is_not_null())
    assert (closed["insured_from"] <= closed["insured_to"]).all()
    # a closed period ends on a day of the years; an open one runs to the end of the last
    assert (closed["insured_to"] >= dt.date(2021, 1, 1)).all() and (closed["insured_to"] <= dt.date(2023, 12, 31)).all()
    assert m["insured_from"].max() <= dt.date(2023, 12, 31)
    exp = aanspraak.exposure(m, years=YEARS)
    assert exp["year"].to_list() == [2021, 2022, 2023]
    assert ((exp["members"] > 16_000) & (exp["members"] < 19_000)).all()
    # insured-years of a year never exceed the members
    assert (exp["insured_years"] <= exp["members"]).all()


def test_entries_and_exits_during_the_years(m: pl.DataFrame) -> None:
    joined = m.filter(pl.col("insured_from") >= dt.date(2021, 1, 1))
    left = m.filter(pl.col("insured_to").is_not_null())
    # a few % a year: switchers (1 January / 31 December), births, migration, deaths
    assert 0.08 < joined.height / m.height < 0.25
    assert 0.12 < left.height / m.height < 0.35
    on_jan1 = joined.filter((pl.col("insured_from").dt.month() == 1) & (pl.col("insured_from").dt.day() == 1)).height
    on_dec31 = left.filter((pl.col("insured_to").dt.month() == 12) & (pl.col("insured_to").dt.day() == 31)).height
    assert on_jan1 / joined.height > 0.5 and on_dec31 / left.height > 0.6
    newborns = joined.filter(pl.col("insured_from") == pl.col("birth_date")).height
    assert 0.015 < newborns / m.height < 0.045  # about 1 % a year over 3 years


def test_age_mix(m: pl.DataFrame) -> None:
    age = (dt.date(2021, 1, 1) - m["birth_date"]).dt.total_days() / 365.25
    share = lambda lo, hi: float(((age >= lo) & (age < hi)).mean())  # noqa: E731
    assert 0.19 < share(0, 18) < 0.25  # CBS 2022: about 20 % under 18 (before births)
    assert 0.18 < share(65, 200) < 0.25  # about 20 % 65 and over
    assert 0.035 < share(80, 200) < 0.065


def test_product_mix(m: pl.DataFrame) -> None:
    assert m["basic_product"].value_counts(normalize=True).sort("basic_product")["proportion"].round(1).to_list() == [0.7, 0.3]
    ref = m["insured_from"].map_elements(lambda d: max(d, dt.date(2021, 1, 1)), return_dtype=pl.Date)
    age = (ref - m["birth_date"]).dt.total_days() // 366
    adults, minors = m.filter(age >= 19), m.filter(age < 17)
    share = adults["supplementary_product"].is_not_null().mean()
    assert abs(share - 2 / 3) < 0.02
    adult_mix = adults["supplementary_product"].drop_nulls().value_counts(normalize=True)
    assert adult_mix.height == 5 and (adult_mix["proportion"] - 0.2).abs().max() < 0.02
    # products "vanaf 18 jaar" are for adults; children get Opstap or Doorstap
    assert set(minors["supplementary_product"].drop_nulls()) == {"av-tand-opstap", "av-tand-doorstap"}
    assert abs(minors["supplementary_product"].is_not_null().mean() - 2 / 3) < 0.03
    assert (m.filter(pl.col("supplementary_product").is_null())["supplementary_start"].is_null()).all()
    assert (minors["voluntary_deductible"] == 0).all()
    assert 0.09 < (adults["voluntary_deductible"] > 0).mean() < 0.15
    assert set(m["region"]) >= {"Zuid-Holland", "Friesland", "Zeeland"}


def test_lines_only_inside_membership(m: pl.DataFrame, d: pl.DataFrame) -> None:
    assert set(d["insured_id"]) <= set(m["insured_id"])
    joined = d.join(m.select("insured_id", "insured_from", "insured_to", pl.col("birth_date").alias("b")), on="insured_id")
    assert joined.height == d.height
    assert (joined["treatment_date"] >= joined["insured_from"]).all()
    assert (joined["treatment_date"] <= joined["insured_to"].fill_null(dt.date(2023, 12, 31))).all()
    assert (joined["treatment_date"] >= dt.date(2021, 1, 1)).all()
    assert (joined["birth_date"] == joined["b"]).all()
    # the member's products and deductible are on the lines
    first = joined.join(m, on="insured_id", suffix="_m")
    for c in ("basic_product", "supplementary_product", "voluntary_deductible"):
        assert (first[c].eq_missing(first[f"{c}_m"])).all(), c


def test_many_insureds_declare_nothing_in_a_year(m: pl.DataFrame, d: pl.DataFrame) -> None:
    t = aanspraak.schadelast(aanspraak.score(d.filter(pl.col("credits_line_id").is_null())), by=["year"], exposure=m)
    claimants = t["claimants"] / t["members"]
    assert ((claimants > 0.68) & (claimants < 0.80)).all(), claimants.to_list()
    assert set(m["insured_id"]) - set(d["insured_id"])  # some members never declare


def test_processing_lag(d: pl.DataFrame) -> None:
    orig = d.filter(pl.col("credits_line_id").is_null())
    lag = (orig["processing_date"] - orig["treatment_date"]).dt.total_days()
    assert lag.min() == 0  # never before treatment; some booked the same day
    assert 10 <= lag.median() <= 18  # about two weeks
    assert 0.6 < float((lag <= 28).mean()) < 0.85  # most within weeks
    assert 0.015 < float((lag > 90).mean()) < 0.06  # a tail over months
    assert lag.max() > 180
    lag_all = (d["processing_date"] - d["treatment_date"]).dt.total_days()
    assert lag_all.min() >= 0
    assert d["line_id"].to_list() == list(range(d.height))
    assert d["processing_date"].is_sorted()  # booking order


def test_credits_reverse_lines_of_the_same_insured_booked_later(d: pl.DataFrame) -> None:
    credits = d.filter(pl.col("credits_line_id").is_not_null())
    originals = d.filter(pl.col("credits_line_id").is_null()).height
    assert 0.013 < credits.height / originals < 0.017
    pair = credits.join(d, left_on="credits_line_id", right_on="line_id", suffix="_o")
    assert pair.height == credits.height
    assert (pair["insured_id"] == pair["insured_id_o"]).all()
    assert (pair["amount"] == -pair["amount_o"]).all()
    assert (pair["code"] == pair["code_o"]).all() and (pair["treatment_date"] == pair["treatment_date_o"]).all()
    assert (pair["processing_date"] > pair["processing_date_o"]).all()
    assert (pair["line_id"] > pair["credits_line_id"]).all()
    assert pair["credits_line_id"].n_unique() == pair.height
    # corrected lines declared anew: same insured, code and date, booked with the credit
    again = pair.join(
        d.filter(pl.col("credits_line_id").is_null()),
        left_on=["insured_id", "code", "treatment_date", "processing_date"],
        right_on=["insured_id", "code", "treatment_date", "processing_date"],
        suffix="_n",
    ).filter(pl.col("line_id_n") != pl.col("credits_line_id"))
    assert 0.7 < again["credits_line_id"].n_unique() / credits.height <= 1.0
    assert (again["amount_n"] <= again["amount_o"]).all()
    scored = aanspraak.score(d)
    reasons = scored.filter(pl.col("line_id").is_in(pair["line_id"].to_list() + pair["credits_line_id"].to_list()))["reason"]
    assert (reasons == "CREDITED").all()
    assert not (scored["reason"] == "INVALID_INPUT").any()


def test_basic_paid_per_insured_year_near_the_public_figure() -> None:
    # The module docstring's check, at 50k members: Vektis 2023, about EUR 53 per
    # insured-year of basic-insurance dental cost. The basic insurance's share of the
    # covered care (basic_paid + eigen_risico) is within 15 % of it; basic_paid alone is
    # lower, the eigen risico taking the adults' covered dental care in a portfolio
    # without other care.
    mem = members(50_000, seed=0, years=(2023, 2023))
    out = aanspraak.score(declarations_for(mem, seed=0, years=(2023, 2023)))
    t = aanspraak.schadelast(out, by=["year"], exposure=mem)
    basic = t["basic_paid_per_insured_year"][0]
    covered = basic + t["eigen_risico_per_insured_year"][0]
    assert Decimal("45") <= covered <= Decimal("61"), covered
    assert Decimal("28") <= basic <= Decimal("40"), basic
    assert Decimal("150") <= t["declared_per_insured_year"][0] <= Decimal("230")


def test_hospital_and_overig_shares(m: pl.DataFrame) -> None:
    small = m.head(3_000)
    mixed = declarations_for(small, seed=1, years=YEARS, hospital_share=0.2, overig_share=0.1, credit_share=0.0)
    share = mixed["domain"].value_counts(normalize=True).sort("domain")
    assert dict(share.iter_rows()).keys() == {"mondzorg", "msz", "overig"}
    assert "eigen_risico_exempt" in mixed.columns and mixed["credits_line_id"].is_null().all()
    assert not (aanspraak.score(mixed)["reason"] == "INVALID_INPUT").any()


def test_members_of_another_source_and_bad_members() -> None:
    # 20 insureds of 12, each insured in the first quarter and from July (a gap)
    ids = [f"A{i}" for i in range(20)]
    own = pl.DataFrame({
        "insured_id": ids * 2, "birth_date": [dt.date(2010, 3, 1)] * 40,
        "insured_from": [dt.date(2022, 1, 1)] * 20 + [dt.date(2022, 7, 1)] * 20,
        "insured_to": [dt.date(2022, 3, 31)] * 20 + [None] * 20,
    })
    lines = declarations_for(own, seed=1, lines_per_insured_year=30, credit_share=0.0)
    gap = lines.filter((pl.col("treatment_date") > dt.date(2022, 3, 31)) & (pl.col("treatment_date") < dt.date(2022, 7, 1)))
    assert lines.height > 0 and gap.height == 0
    assert lines["basic_product"].is_null().all() and (lines["voluntary_deductible"] == 0).all()
    overlapping = own.with_columns(pl.Series("insured_to", [dt.date(2022, 8, 1)] * 20 + [None] * 20))
    with pytest.raises(ValueError, match="overlaps"):
        declarations_for(overlapping)
    with pytest.raises(ValueError):
        members(-1)
    with pytest.raises(ValueError):
        members(10, supplementary_share=1.5)
    with pytest.raises(ValueError):
        declarations_for(own, credit_share=2.0)


def test_empty() -> None:
    empty = members(0)
    assert empty.height == 0
    lines = declarations_for(empty)
    assert lines.height == 0 and "processing_date" in lines.columns
    assert np.isclose(aanspraak.exposure(members(10, seed=1), years=2022)["insured_years"].sum(), 10, atol=2)


def test_the_readme_portfolio_example_runs() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("details in the `aanspraak.synthetic` docstring.\n\n```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    t = scope["per_year"]
    assert t["lines"].sum() == scope["out"].height
    assert t["members"].sum() >= 5_000 and (t["insured_years"] > 0).all()
