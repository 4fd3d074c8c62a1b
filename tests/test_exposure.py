"""Exposure (insured-years per cell) and schadelast per insured-year
(docs/rules.md#exposure, docs/rules.md#schadelast-per-insured-year)."""

from __future__ import annotations

import datetime as dt
import warnings
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aanspraak
from aanspraak.exposure import band_labels

D = Decimal
ROOT = Path(__file__).resolve().parent.parent


def members(*rows: tuple) -> pl.DataFrame:
    """Rows of (insured_id, birth_date, insured_from, insured_to[, supplementary_product])."""
    cols = ["insured_id", "birth_date", "insured_from", "insured_to", "supplementary_product"][: len(rows[0])]
    return pl.DataFrame([dict(zip(cols, r)) for r in rows], schema={c: (pl.String if c in ("insured_id", "supplementary_product") else pl.Date) for c in cols})


def d(y: int, m: int, day: int) -> dt.date:
    return dt.date(y, m, day)


# ---------------------------------------------------------------- exposure, by hand


def test_a_member_from_1_july_counts_184_days_of_365():
    e = aanspraak.exposure(members(("A", d(1980, 5, 1), d(2023, 7, 1), d(2023, 12, 31))))
    assert e.rows() == [(2023, 1, 184, 184 / 365)]


def test_a_leap_year_has_366_days_and_a_whole_year_is_one_insured_year():
    e = aanspraak.exposure(members(("A", d(1980, 5, 1), d(2024, 1, 1), d(2024, 12, 31)), ("B", d(1980, 5, 1), d(2024, 7, 1), d(2024, 12, 31))))
    # A: 366 days = 1.0; B: 1 July .. 31 December 2024 = 184 days of 366.
    assert e.rows() == [(2024, 2, 366 + 184, (366 + 184) / 366)]
    assert aanspraak.exposure(members(("A", d(1980, 5, 1), d(2024, 1, 1), d(2024, 12, 31))))["insured_years"].item() == 1.0


def test_an_open_insured_to_runs_to_the_end_of_the_last_year_asked():
    m = members(("A", d(1980, 5, 1), d(2022, 3, 1), None))
    e = aanspraak.exposure(m, years=(2021, 2024))
    # 2022 from 1 March: 365 - 59 = 306 days; 2023: 365; 2024 (leap): 366; nothing in 2021.
    assert e.select("year", "member_days").rows() == [(2022, 306), (2023, 365), (2024, 366)]
    assert e["insured_years"].to_list() == [306 / 365, 1.0, 1.0]
    with pytest.raises(ValueError, match=r"1 membership period is open \(insured_to is null, e\.g\. insured_id 'A'\): pass years="):
        aanspraak.exposure(m)


def test_without_years_the_membership_years_count():
    e = aanspraak.exposure(members(("A", d(1980, 5, 1), d(2021, 12, 1), d(2022, 1, 31))))
    assert e.select("year", "member_days").rows() == [(2021, 31), (2022, 31)]


def test_turning_20_mid_year_splits_the_year_between_the_bands_on_the_birthday():
    # Born 30 September 2003: 19 until 29 September 2023 (1 January .. 29 September =
    # 31+28+31+30+31+30+31+31+29 = 272 days in 15-19), 20 from 30 September (93 days in 20-24).
    e = aanspraak.exposure(members(("B", d(2003, 9, 30), d(2020, 1, 1), None)), by=["age_band"], years=2023)
    assert e.rows() == [(2023, "15-19", 1, 272, 272 / 365), (2023, "20-24", 1, 93, 93 / 365)]
    assert e.schema["age_band"] == pl.Enum(aanspraak.reports.AGE_BANDS)


def test_turning_18_splits_only_bands_that_change_at_18():
    m = members(("C", d(2005, 3, 15), d(2023, 1, 1), d(2023, 12, 31)))
    # The default 5-year bands put 17 and 18 in one band (15-19): no split.
    assert aanspraak.exposure(m, by=["age_band"]).select("age_band", "member_days").rows() == [("15-19", 365)]
    # Bands 0-17 / 18+: 1 January .. 14 March (31+28+14 = 73 days) at 17, the rest at 18.
    e = aanspraak.exposure(m, by=["age_band"], age_bands=[0, 18])
    assert e.select("age_band", "member_days").rows() == [("0-17", 73), ("18+", 292)]


def test_born_on_29_february_a_year_older_on_1_march_in_a_common_year():
    m = members(("F", d(2000, 2, 29), d(2019, 1, 1), d(2025, 12, 31)))
    e = aanspraak.exposure(m, by=["age_band"], years=(2024, 2025)).select("year", "age_band", "member_days").rows()
    # 2024 (leap): 24 until 28 February (59 days), 24 still: no band change at 24; 2025
    # (common): 24 until 28 February (59 days in 20-24), 25 from 1 March (306 days in 25-29).
    assert e == [(2024, "20-24", 366), (2025, "20-24", 59), (2025, "25-29", 306)]
    e = aanspraak.exposure(members(("G", d(2004, 2, 29), d(2019, 1, 1), None)), by=["age_band"], years=2024)
    # Turns 20 on 29 February 2024: 59 days at 19, 307 at 20.
    assert e.select("age_band", "member_days").rows() == [("15-19", 59), ("20-24", 307)]


def test_periods_of_one_insured_cells_and_members():
    m = members(
        ("A", d(1990, 1, 1), d(2023, 1, 1), d(2023, 3, 31), "av-tand-extra"),
        ("A", d(1990, 1, 1), d(2023, 6, 1), None, "av-tand-standaard"),
        ("B", d(1990, 1, 1), d(2023, 1, 1), None, None),
    )
    e = aanspraak.exposure(m, by=["supplementary_product"], years=2023)
    assert e.rows() == [
        (2023, "av-tand-extra", 1, 90, 90 / 365),
        (2023, "av-tand-standaard", 1, 214, 214 / 365),
        (2023, None, 1, 365, 1.0),
    ]
    # Without the product, A is one member with 90 + 214 days.
    assert aanspraak.exposure(m, years=2023).rows() == [(2023, 2, 669, 669 / 365)]


def test_pandas_members_and_warehouse_column_names():
    m = members(("A", d(1980, 5, 1), d(2023, 7, 1), d(2023, 12, 31), "av-tand-extra")).to_pandas()
    assert isinstance(m, pd.DataFrame)
    assert aanspraak.exposure(m).rows() == [(2023, 1, 184, 184 / 365)]
    names = {"insured_id": "verzekerde_nr", "birth_date": "geboortedatum", "supplementary_product": "aanvullend"}
    e = aanspraak.exposure(pl.from_pandas(m).rename(names), by=["aanvullend", "age_band"], columns=names)
    assert e.columns == ["year", "aanvullend", "age_band", "members", "member_days", "insured_years"]
    assert e.select("aanvullend", "member_days").rows() == [("av-tand-extra", 184)]
    with pytest.raises(aanspraak.SchemaError, match=r"column 'geboortedatum' \(birth_date\): no such column in the members"):
        aanspraak.exposure(pl.from_pandas(m).rename({"insured_id": "verzekerde_nr"}).drop("birth_date"), columns=names)


def test_bad_members_are_refused_naming_column_rows_and_insured():
    with pytest.raises(aanspraak.SchemaError, match=r"column insured_to: no such column"):
        aanspraak.exposure(members(("A", d(1980, 5, 1), d(2023, 7, 1))))
    bad = members(
        ("A", d(1980, 5, 1), d(2023, 7, 1), d(2023, 6, 30)),
        ("B", None, d(2023, 7, 1), None),
        ("C", d(2024, 5, 1), d(2023, 7, 1), None),
        ("D", d(1980, 5, 1), None, None),
    )
    with pytest.raises(ValueError, match=r"exposure: 4 bad member rows: row 0 \(insured_id 'A'\): insured_to is before insured_from; "
                       r"row 1 \(insured_id 'B'\): birth_date is null; row 2 \(insured_id 'C'\): insured_from is before birth_date; "
                       r"row 3 \(insured_id 'D'\): insured_from is null"):
        aanspraak.exposure(bad, years=2023)
    overlap = members(("A", d(1980, 5, 1), d(2023, 1, 1), None), ("B", d(1980, 5, 1), d(2023, 1, 1), None), ("A", d(1980, 5, 1), d(2023, 6, 1), d(2023, 6, 30)))
    with pytest.raises(ValueError, match=r"1 membership period that overlaps an earlier one of the same insured: row 2 \(insured_id 'A'\): the period from 2023-06-01"):
        aanspraak.exposure(overlap, years=2023)
    twice = members(("A", d(1980, 5, 1), d(2022, 1, 1), d(2022, 12, 31)), ("A", d(1981, 5, 1), d(2023, 1, 1), None))
    with pytest.raises(ValueError, match=r"1 insured with two birth dates: row 1 \(insured_id 'A'\)"):
        aanspraak.exposure(twice, years=2023)
    with pytest.raises(aanspraak.SchemaError, match=r"column insured_from: 'July' is not a date"):
        aanspraak.exposure(pl.DataFrame({"insured_id": ["A"], "birth_date": [d(1980, 1, 1)], "insured_from": ["July"], "insured_to": [None]}), years=2023)
    with pytest.raises(ValueError, match=r"cannot group by \['region'\]"):
        aanspraak.exposure(members(("A", d(1980, 5, 1), d(2023, 7, 1), None)), by=["region"], years=2023)
    with pytest.raises(ValueError, match=r"age_bands must start at 0 and increase"):
        aanspraak.exposure(members(("A", d(1980, 5, 1), d(2023, 7, 1), None)), by=["age_band"], years=2023, age_bands=[0, 18, 18])


def test_adjacent_periods_do_not_overlap():
    m = members(("A", d(1980, 5, 1), d(2023, 1, 1), d(2023, 6, 30)), ("A", d(1980, 5, 1), d(2023, 7, 1), None))
    assert aanspraak.exposure(m, years=2023)["member_days"].item() == 365


# ---------------------------------------------------------------- exposure, properties


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@st.composite
def membership(draw):
    rows = []
    for i in range(draw(st.integers(1, 5))):
        birth = draw(st.one_of(st.dates(d(1920, 1, 1), d(2024, 12, 31)), st.sampled_from([d(2000, 2, 29), d(2004, 2, 29), d(1996, 2, 29), d(2005, 12, 31)])))
        start = max(birth, draw(st.dates(d(2017, 6, 1), d(2024, 12, 31))))
        for _ in range(draw(st.integers(1, 3))):
            end = draw(st.one_of(st.none(), st.dates(start, d(2026, 3, 1))))
            rows.append((f"I{i}", birth, start, end, draw(st.sampled_from(["p", "q", None]))))
            if end is None or end >= d(2026, 1, 1):
                break
            start = end + dt.timedelta(days=draw(st.integers(1, 400)))
            if start > d(2026, 3, 1):
                break
    years = tuple(sorted((draw(st.integers(2017, 2026)), draw(st.integers(2017, 2026)))))
    bands = draw(st.sampled_from([None, [0, 18], [0, 5, 18, 19, 65]]))
    return rows, years, bands


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(membership())
def test_exposure_is_the_day_count_of_a_day_by_day_walk(case):
    rows, years, bands = case
    m = members(*rows)
    e = aanspraak.exposure(m, by=["supplementary_product", "age_band"], years=years, age_bands=bands)
    starts = bands or list(range(0, 100, 5))
    labels = band_labels(tuple(starts))
    # The oracle: walk every insured day in the years, band it by the engine's age.
    want: dict[tuple, list] = {}
    for iid, birth, start, end, product in rows:
        day = max(start, d(years[0], 1, 1))
        last = min(end or d(years[1], 12, 31), d(years[1], 12, 31))
        while day <= last:
            band = labels[sum(_age(birth, day) >= a for a in starts[1:])]
            cell = want.setdefault((day.year, product, band), [0, set()])
            cell[0] += 1
            cell[1].add(iid)
            day += dt.timedelta(days=1)
    got = {(y, p, b): (n, k) for y, p, b, k, n, _ in e.rows()}
    assert got == {key: (n, len(ids)) for key, (n, ids) in want.items()}
    # Insured-years of a cell never exceed its members × years, nor a year's days.
    days_in = lambda y: 366 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 365  # noqa: E731
    assert (e["insured_years"] <= e["members"]).all()
    assert all(n / days_in(y) == iy for y, n, iy in e.select("year", "member_days", "insured_years").rows())
    if e.height:
        cells = e.group_by("supplementary_product", "age_band").agg(pl.col("insured_years").sum(), pl.col("year").n_unique())
        per = m.group_by("supplementary_product").agg(pl.col("insured_id").n_unique().alias("n"))
        cells = cells.join(per, on="supplementary_product", nulls_equal=True)
        assert (cells["insured_years"] <= cells["n"] * (years[1] - years[0] + 1) + 1e-9).all()
        # Summed over the age bands, the days are the membership's days in each year.
        by_year = aanspraak.exposure(m, years=years)
        assert e.group_by("year").agg(pl.col("member_days").sum()).sort("year").rows() == by_year.select("year", "member_days").rows()


# ---------------------------------------------------------------- schadelast per insured-year


def _line(iid: str, birth: dt.date, on: dt.date, code: str, amount: str, **extra) -> dict:
    return {"insured_id": iid, "birth_date": birth, "treatment_date": on, "code": code, "amount": D(amount), **extra}


def _half_up(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_schadelast_per_insured_year_by_hand():
    # A (43) from 1 July 2023: 184/365; B turns 20 on 30 September 2023; C (23) declares nothing.
    m = members(("A", d(1980, 5, 1), d(2023, 7, 1), None), ("B", d(2003, 9, 30), d(2020, 1, 1), None), ("C", d(2000, 1, 1), d(2023, 1, 1), None))
    decl = pl.DataFrame([
        _line("A", d(1980, 5, 1), d(2023, 8, 1), "C002", "25.00"),
        _line("A", d(1980, 5, 1), d(2023, 9, 1), "C002", "10.01"),
        _line("B", d(2003, 9, 30), d(2023, 3, 1), "C002", "25.00"),
    ])
    out = aanspraak.score(decl)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every line lies in the membership: no warning
        t = aanspraak.schadelast(out, by=["age_band"], exposure=m)
    rows = {r["age_band"]: r for r in t.iter_rows(named=True)}
    assert list(rows) == ["15-19", "20-24", "40-44"]
    a = rows["40-44"]
    assert (a["lines"], a["claimants"], a["members"], a["member_days"]) == (2, 1, 1, 184)
    assert a["insured_years"] == 184 / 365
    assert a["frequency"] == 2 * 365 / 184
    assert a["declared"] == D("35.01") and a["severity"] == D("17.51")  # 35.01 / 2 = 17.505, half up
    assert a["declared_per_insured_year"] == _half_up(D("35.01") * 365 / 184) == D("69.45")
    assert a["patient_paid_per_insured_year"] == _half_up(a["patient_paid"] * 365 / 184)
    # 20-24: B after the birthday (93 days) and C all year; no lines: zeros, a null severity.
    z = rows["20-24"]
    assert (z["lines"], z["insured"], z["claimants"], z["members"], z["member_days"]) == (0, 0, 0, 2, 93 + 365)
    assert z["declared"] == D("0.00") and z["basic_paid"] == D("0.00") and z["frequency"] == 0.0 and z["severity"] is None
    assert z["declared_per_insured_year"] == D("0.00")
    b = rows["15-19"]
    assert (b["lines"], b["member_days"], b["declared"], b["declared_per_insured_year"]) == (1, 272, D("25.00"), _half_up(D("25.00") * 365 / 272))
    assert t.columns[-7:] == [f"{c}_per_insured_year" for c in aanspraak.reports.MONEY]
    # No grouping: one row, the exact totals.
    total = aanspraak.schadelast(out, exposure=m)
    assert total.select("lines", "claimants", "members", "member_days", "declared").row(0) == (3, 2, 3, 184 + 365 + 365, D("60.01"))
    assert total["declared_per_insured_year"].item() == _half_up(D("60.01") * 365 / (184 + 365 + 365))


def _portfolio(n: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    decl = aanspraak.synthetic.declarations(n, seed=seed, supplementary_share=0.6)
    per = decl.group_by("insured_id").agg(pl.col("birth_date").first(), pl.col("supplementary_product").first()).sort("insured_id")
    # Every insured a member all of 2022 (from birth if born in 2022), plus insureds who
    # declare nothing, of a product no one declares under (cells without lines).
    m = pl.concat([
        per.select("insured_id", "birth_date", pl.max_horizontal(pl.lit(d(2022, 1, 1)), "birth_date").alias("insured_from"), pl.lit(None, pl.Date).alias("insured_to"), "supplementary_product"),
        pl.DataFrame({"insured_id": [f"Q{i}" for i in range(50)], "birth_date": [d(1950 + i, 3, 1) for i in range(50)], "insured_from": [d(2022, 4, 1)] * 50,
                      "insured_to": [None] * 50, "supplementary_product": ["av-tand-nieuw"] * 50}, schema_overrides={"insured_to": pl.Date}),
    ])
    return decl, m


def test_schadelast_with_exposure_totals_equal_the_line_sums_and_empty_cells_are_zero():
    decl, m = _portfolio(3_000, 11)
    out = aanspraak.score(decl, policy="defriesland-2022")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = aanspraak.schadelast(out, by=["age_band", "product"], exposure=m)
    assert t["lines"].sum() == out.height
    for c in aanspraak.reports.MONEY[1:]:
        assert t[c].sum() == out[c].sum(), c
    assert t["declared"].sum() == out["amount"].sum()
    assert t["member_days"].sum() == aanspraak.exposure(m, years=2022)["member_days"].sum()
    # Age bands where only the non-declaring members are: lines 0, money 0.00, exposure > 0.
    empty = t.filter(pl.col("lines") == 0)
    assert empty.height > 0 and (empty["insured_years"] > 0).all() and (empty["declared"] == D("0.00")).all()
    assert (empty["basic_paid_per_insured_year"] == D("0.00")).all() and empty["severity"].null_count() == empty.height
    # The per insured-year money is the exact sum over the exact insured-years, half up.
    r = t.filter(pl.col("lines") > 0).row(0, named=True)
    assert r["basic_paid_per_insured_year"] == _half_up(r["basic_paid"] * 365 / r["member_days"])
    with pytest.raises(ValueError, match=r"with exposure= schadelast groups only by year, age_band, product.*not by \['code_section'\]"):
        aanspraak.schadelast(out, by=["age_band", "code_section"], exposure=m)


def test_claims_outside_the_membership_are_kept_counted_and_warned():
    decl, m = _portfolio(1_000, 12)
    out = aanspraak.score(decl)
    # Two insureds leave the membership on 30 June 2022; one is not a member at all.
    ids = out["insured_id"].unique().sort().to_list()
    left, gone = ids[:2], ids[2]
    late = out.filter(pl.col("insured_id").is_in(left) & (pl.col("treatment_date") > d(2022, 6, 30)))
    m2 = m.filter(pl.col("insured_id") != gone).with_columns(pl.when(pl.col("insured_id").is_in(left)).then(pl.lit(d(2022, 6, 30))).otherwise(pl.col("insured_to")).alias("insured_to"))
    n_out = late.height + out.filter(pl.col("insured_id") == gone).height
    k_out = late["insured_id"].n_unique() + 1
    with pytest.warns(aanspraak.ExposureWarning, match=rf"schadelast: {n_out} lines of {k_out} insured lie outside the membership given as exposure="):
        t = aanspraak.schadelast(out, by=["year"], exposure=m2)
    assert t["lines"].item() == out.height and t["basic_paid"].item() == out["basic_paid"].sum()
    assert t["member_days"].item() == aanspraak.exposure(m2, years=2022)["member_days"].item()
    # A line in a product cell its member is not in is outside that cell's membership.
    other = m.with_columns(pl.when(pl.col("insured_id") == ids[0]).then(pl.lit("tand-ongevallen")).otherwise(pl.col("supplementary_product")).alias("supplementary_product"))
    with pytest.warns(aanspraak.ExposureWarning, match=rf"{out.filter(pl.col('insured_id') == ids[0]).height} lines? of 1 insured .* with the same product"):
        t = aanspraak.schadelast(out, by=["product"], exposure=other)
    assert t["lines"].sum() == out.height


def test_schadelast_with_exposure_per_scenario_and_with_warehouse_names():
    decl, m = _portfolio(2_000, 13)
    base = aanspraak.Policy.load("defriesland-2022")
    cmp = aanspraak.compare(decl, {"2022": base, "er165": base.with_eigen_risico(165)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = aanspraak.schadelast(cmp, by=["age_band"], exposure=m)
    assert t["scenario"].unique(maintain_order=True).to_list() == ["2022", "er165"]
    for s in cmp.scenarios:
        part = t.filter(pl.col("scenario") == s)
        assert part["basic_paid"].sum() == cmp.scenario(s)["basic_paid"].sum()
        assert part["member_days"].sum() == aanspraak.exposure(m, years=2022)["member_days"].sum()
    per = t.group_by("scenario").agg(pl.col("basic_paid").sum(), pl.col("member_days").sum()).sort("scenario")
    # The premium effect: a lower eigen risico makes the basic insurance pay more per insured-year.
    adults = t.filter(pl.col("age_band") == "40-44").sort("scenario")["basic_paid_per_insured_year"].to_list()
    assert adults[1] >= adults[0]
    assert per["basic_paid"][1] > per["basic_paid"][0]
    # Warehouse names: the lines and the members under the user's names.
    names = {"insured_id": "verzekerde_nr", "birth_date": "geboortedatum"}
    out = aanspraak.score(decl.rename(names), columns=names)
    t2 = aanspraak.schadelast(out, by=["age_band"], exposure=m.rename(names), columns=names)
    t1 = aanspraak.schadelast(aanspraak.score(decl), by=["age_band"], exposure=m)
    assert t2.equals(t1)


def test_the_readme_exposure_example_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("Per insured-year, with the members as exposure:\n\n```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    t = scope["t"]
    assert t["lines"].sum() == scope["out"].height
    assert (t["insured_years"] > 0).all()


def test_the_exposure_module_examples_run():
    import doctest
    import importlib

    module = importlib.import_module("aanspraak.exposure")  # (aanspraak.exposure is the function)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 3 and result.failed == 0
