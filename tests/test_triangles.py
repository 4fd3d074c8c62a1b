"""``aanspraak.triangle`` (docs/rules.md#development-triangles): scored lines by origin
(treatment period) and development (lag of the booking period), exact money, every cell
up to the latest valuation; and the round trip through the chainladder package."""

from __future__ import annotations

import datetime as dt
import warnings
from decimal import Decimal as D

import polars as pl
import pytest

import aanspraak

d = dt.date.fromisoformat
CHILD = {"insured_id": "K", "birth_date": d("2014-05-01"), "code": "C002"}


def scored(rows: list[dict]) -> pl.DataFrame:
    return aanspraak.score(pl.DataFrame([{**CHILD, **r} for r in rows], infer_schema_length=None))


LINES = scored([
    {"treatment_date": d("2022-03-01"), "processing_date": d("2022-03-20"), "amount": D("25.10")},
    {"treatment_date": d("2022-11-20"), "processing_date": d("2023-01-05"), "amount": D("30.05")},
    {"treatment_date": d("2022-12-30"), "processing_date": d("2024-02-01"), "amount": D("12.34")},  # a later year
    {"treatment_date": d("2023-02-01"), "processing_date": d("2023-02-10"), "amount": D("40.00")},
    {"treatment_date": d("2023-05-01"), "processing_date": d("2023-08-10"), "amount": D("7.77")},
])


def test_year_by_year_cells_and_totals():
    t = aanspraak.triangle(LINES, origin="year", development="year")
    assert t.frame.select("origin", "origin_end", "development", "valuation_end", "incremental", "cumulative").rows() == [
        (d("2022-01-01"), d("2022-12-31"), 0, d("2022-12-31"), D("25.10"), D("25.10")),
        (d("2022-01-01"), d("2022-12-31"), 1, d("2023-12-31"), D("30.05"), D("55.15")),
        (d("2022-01-01"), d("2022-12-31"), 2, d("2024-12-31"), D("12.34"), D("67.49")),
        (d("2023-01-01"), d("2023-12-31"), 0, d("2023-12-31"), D("47.77"), D("47.77")),
        (d("2023-01-01"), d("2023-12-31"), 1, d("2024-12-31"), D("0.00"), D("47.77")),
    ]
    assert t.wide().rows() == [(d("2022-01-01"), D("25.10"), D("55.15"), D("67.49")), (d("2023-01-01"), D("47.77"), D("47.77"), None)]


@pytest.mark.parametrize("origin,development", [("year", "month"), ("year", "quarter"), ("quarter", "month"), ("quarter", "quarter"), ("month", "month")])
def test_cumulative_at_the_last_development_equals_the_line_totals(origin, development):
    t = aanspraak.triangle(LINES, origin=origin, development=development)
    last = t.frame.group_by("origin").agg(pl.col("cumulative").sort_by("development").last()).sort("origin")
    trunc = {"year": "1y", "quarter": "1q", "month": "1mo"}[origin]
    totals = LINES.group_by(pl.col("treatment_date").dt.truncate(trunc).alias("origin")).agg(pl.col("basic_paid").sum())
    got = dict(zip(last["origin"], last["cumulative"]))
    for o, total in zip(totals["origin"], totals["basic_paid"]):
        assert got[o] == total
    # Every cell: each origin's lags run from 0 to the latest valuation, without gaps.
    latest = t.frame["valuation_end"].max()
    for _, cells in t.frame.group_by("origin"):
        assert cells["development"].sort().to_list() == list(range(cells.height))
        assert cells["valuation_end"].max() == latest
    # Origins without lines are there with zeros (months between the lines).
    assert t.frame["origin"].n_unique() == {"year": 2, "quarter": 6, "month": 15}[origin]


def test_a_line_booked_in_a_later_year_lands_at_its_lag():
    t = aanspraak.triangle(LINES, origin="year", development="month")
    cell = t.frame.filter(pl.col("origin") == d("2022-01-01"), pl.col("incremental") == D("12.34"))
    # Booked 2024-02-01 for care of 2022: 12 + 12 + 1 months after January 2022.
    assert cell.select("development", "valuation_end").row(0) == (25, d("2024-02-29"))
    q = aanspraak.triangle(LINES, origin="quarter", development="month").frame
    # Care of 2022-11-20 (Q4 from October) booked 2023-01-05: lag 3.
    assert q.filter(pl.col("incremental") == D("30.05"))["development"].to_list() == [3]


def test_by_groups_value_and_lines_without_processing_date():
    rows = [
        {"treatment_date": d("2022-03-01"), "processing_date": d("2022-03-20"), "amount": D("10.00"), "basic_product": "zorgzaam"},
        {"treatment_date": d("2022-04-01"), "processing_date": None, "amount": D("99.99")},
    ]
    out = scored(rows)
    with pytest.warns(aanspraak.TriangleWarning, match=r"1 line without treatment_date or processing_date left out \(declared 99.99\)"):
        t = aanspraak.triangle(out, value="declared", origin="quarter", development="quarter", by=["basic_product"])
    assert t.frame.columns == ["basic_product", "origin", "origin_end", "development", "valuation_end", "incremental", "cumulative"]
    assert t.frame["cumulative"].to_list() == [D("10.00")]


def test_validation_names_the_bad_argument():
    with pytest.raises(ValueError, match="value 'paid'"):
        aanspraak.triangle(LINES, value="paid")
    with pytest.raises(ValueError, match="origin grain 'week'"):
        aanspraak.triangle(LINES, origin="week")
    with pytest.raises(ValueError, match="development grain 'year' is longer than the origin grain 'month'"):
        aanspraak.triangle(LINES, origin="month", development="year")
    with pytest.raises(ValueError, match=r"\['processing_date'\]"):
        aanspraak.triangle(LINES.drop("processing_date"))


def test_compare_per_scenario():
    base = aanspraak.Policy.load("defriesland-2022")
    decl = LINES.select("insured_id", "birth_date", "treatment_date", "processing_date", "code", "amount")
    cmp = aanspraak.compare(decl, {"base": base, "other": base})
    t = aanspraak.triangle(cmp, scenario="other", origin="year", development="year")
    assert t.frame.equals(aanspraak.triangle(LINES, origin="year", development="year").frame)
    with pytest.raises(ValueError, match="needs scenario="):
        aanspraak.triangle(cmp)


def test_chainladder_round_trip():
    cl = pytest.importorskip("chainladder")
    t = aanspraak.triangle(LINES, origin="year", development="quarter")
    tri = t.to_chainladder()
    assert isinstance(tri, cl.Triangle) and tri.is_cumulative
    assert (tri.origin_grain, tri.development_grain) == ("Y", "Q")
    # chainladder's values equal ours, cell by cell (ages in months: lag k is 3(k+1)).
    frame = tri.to_frame(keepdims=False)
    ours = t.wide()
    for i, row in enumerate(ours.iter_rows(named=True)):
        for lag in range(len(ours.columns) - 1):
            mine = row[str(lag)]
            theirs = frame.iloc[i][3 * (lag + 1)]
            if mine is None:
                assert theirs != theirs or theirs is None  # NaN below the diagonal
            else:
                assert theirs == pytest.approx(float(mine))
    # A chain-ladder development runs and gives the IBNR of the later origin.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = cl.Chainladder().fit(cl.Development().fit_transform(tri))
    ibnr = model.ibnr_.to_frame(keepdims=False)
    # 2023 is at age 15 months; the 2022 origin developed 55.15 -> 67.49 after that age.
    assert float(ibnr.iloc[1, 0]) == pytest.approx(47.77 * (67.49 / 55.15 - 1))


def test_the_readme_example_runs():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("### As known on a date, and development triangles", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    wide = scope["t"].wide()
    assert wide.row(0)[1:] == (D("300.00"), D("300.00"), D("300.00"), D("300.00"), D("385.00"))
    assert wide.row(1)[1] == D("150.00")


def test_a_triangle_as_known_on_a_date_ends_at_that_date():
    # Scored as of 2023-06-30, the lines booked on 2023-08-10 and 2024-02-01 are
    # NOT_YET_BOOKED: in no cell, so the latest valuation is 2023 and origin 2022 holds
    # what was booked by then (docs/rules.md#development-triangles).
    rows = [{**CHILD, **r} for r in [
        {"treatment_date": d("2022-03-01"), "processing_date": d("2022-03-20"), "amount": D("25.10")},
        {"treatment_date": d("2022-11-20"), "processing_date": d("2023-01-05"), "amount": D("30.05")},
        {"treatment_date": d("2022-12-30"), "processing_date": d("2024-02-01"), "amount": D("12.34")},
        {"treatment_date": d("2023-05-01"), "processing_date": d("2023-08-10"), "amount": D("7.77")},
    ]]
    with pytest.warns(aanspraak.NotYetBookedWarning):
        known = aanspraak.score(pl.DataFrame(rows, infer_schema_length=None), as_of=d("2023-06-30"))
    t = aanspraak.triangle(known, origin="year", development="year")
    assert t.frame.select("origin", "development", "valuation_end", "cumulative").rows() == [
        (d("2022-01-01"), 0, d("2022-12-31"), D("25.10")),
        (d("2022-01-01"), 1, d("2023-12-31"), D("55.15")),
    ]
