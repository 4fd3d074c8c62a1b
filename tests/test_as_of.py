"""``score(..., as_of=)`` scores the history as known on a date (docs/rules.md#as-known-on-a-date):
lines and credits with ``processing_date`` <= as_of are scored, the others are
NOT_YET_BOOKED with 0.00 in every money column and counted in a NotYetBookedWarning; a
line booked later is never used (eigen risico, supplementary maxima)."""

from __future__ import annotations

import datetime as dt
import warnings
from decimal import Decimal as D

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

import aanspraak

d = dt.date.fromisoformat
MONEY = ["allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "supplementary_paid", "patient_paid"]
H35 = {"insured_id": "A", "birth_date": d("1980-01-01"), "code": "H35", "provider_type": "kaakchirurg"}
EXTRA = {"supplementary_product": "av-tand-extra", "supplementary_start": d("2020-01-01")}


def frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, infer_schema_length=None)


def scored(rows: list[dict], as_of=None, **kw) -> tuple[pl.DataFrame, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = aanspraak.score(frame(rows), as_of=as_of, **kw)
    return out, [str(w.message) for w in caught if issubclass(w.category, aanspraak.NotYetBookedWarning)]


def test_the_eigen_risico_as_known_on_the_date():
    # Two extractions of EUR 300: the first booked in March, the second in May.
    rows = [
        {**H35, "line_id": 1, "treatment_date": d("2022-03-01"), "processing_date": d("2022-03-10"), "amount": D("300.00")},
        {**H35, "line_id": 2, "treatment_date": d("2022-02-01"), "processing_date": d("2022-05-02"), "amount": D("300.00")},
    ]
    final, _ = scored(rows)
    # Treated first, line 2 bears the eigen risico in the final history.
    assert final["eigen_risico"].to_list() == [D("85.00"), D("300.00")]
    out, warned = scored(rows, as_of=dt.date(2022, 3, 31))
    assert out["reason"].cast(str).to_list() == ["COVERED", "NOT_YET_BOOKED"]
    assert out["legal_basis"].to_list()[1] == "nog niet geboekt op de peildatum (as_of): verwerkingsdatum (processing_date) later of onbekend"
    # On 31 March only line 1 is known: it bears the whole EUR 385 (2022)... of its 300.
    assert out["eigen_risico"].to_list() == [D("300.00"), D("0.00")]
    assert all(out[c][1] == D("0.00") for c in MONEY)
    assert out["supplementary_reason"].cast(str)[1] == "NOT_YET_BOOKED"
    assert warned == [
        "as_of 2022-03-31: 1 line was not yet booked (processing_date later or null); kept with reason NOT_YET_BOOKED "
        "and 0.00 in every money column (docs/rules.md#as-known-on-a-date)"
    ]
    # Booked on the day itself: known.
    assert scored(rows, as_of="2022-05-02")[0]["eigen_risico"].to_list() == [D("85.00"), D("300.00")]


def test_supplementary_maximum_as_known_on_the_date():
    # AV Tand Extra: EUR 500 a year. Two fillings of 400; the first treated is booked last.
    base = {"insured_id": "A", "birth_date": d("1980-01-01"), "code": "V21", **EXTRA}
    rows = [
        {**base, "line_id": 1, "treatment_date": d("2022-02-01"), "processing_date": d("2022-06-01"), "amount": D("400.00")},
        {**base, "line_id": 2, "treatment_date": d("2022-03-01"), "processing_date": d("2022-03-05"), "amount": D("400.00")},
    ]
    final, _ = scored(rows)
    assert final["supplementary_paid"].to_list() == [D("400.00"), D("100.00")]
    out, warned = scored(rows, as_of="2022-04-30")
    assert out["supplementary_paid"].to_list() == [D("0.00"), D("400.00")]
    assert out["supplementary_reason"].cast(str).to_list() == ["NOT_YET_BOOKED", "PAID"]
    assert len(warned) == 1 and " 1 line was " in warned[0]


def test_no_processing_date_is_not_booked_and_without_as_of_nothing_changes():
    rows = [
        {**H35, "line_id": 1, "treatment_date": d("2022-03-01"), "processing_date": None, "amount": D("100.00")},
        {**H35, "line_id": 2, "treatment_date": d("2022-03-02"), "processing_date": d("2022-03-03"), "amount": D("100.00")},
    ]
    out, warned = scored(rows, as_of="2030-01-01")
    assert out["reason"].cast(str).to_list() == ["NOT_YET_BOOKED", "COVERED"]
    assert out["patient_paid"].to_list() == [D("0.00"), D("100.00")]
    plain, none = scored(rows)
    without = aanspraak.score(frame(rows).drop("processing_date"))
    assert none == [] and plain.drop("processing_date").equals(without)


def test_credits_across_as_of():
    orig = {**H35, "line_id": 1, "treatment_date": d("2022-03-01"), "amount": D("200.00")}
    credit = {**H35, "line_id": 2, "treatment_date": d("2022-03-01"), "amount": D("-200.00"), "credits_line_id": 1}
    # Credit booked after as_of: the original is an ordinary line, the credit not yet booked.
    out, warned = scored([{**orig, "processing_date": d("2022-03-05")}, {**credit, "processing_date": d("2022-04-05")}], as_of="2022-03-31")
    assert out["reason"].cast(str).to_list() == ["COVERED", "NOT_YET_BOOKED"]
    assert out["eigen_risico"].to_list() == [D("200.00"), D("0.00")]
    assert out["patient_paid"].to_list() == [D("200.00"), D("0.00")]
    assert " 1 line was " in warned[0]
    # Both booked: the pair nets to nothing.
    out, warned = scored([{**orig, "processing_date": d("2022-03-05")}, {**credit, "processing_date": d("2022-03-20")}], as_of="2022-03-31")
    assert out["reason"].cast(str).to_list() == ["CREDITED", "CREDITED"] and warned == []
    # The original booked after as_of, its credit before: the pair waits for its original.
    out, warned = scored([{**orig, "processing_date": d("2022-04-05")}, {**credit, "processing_date": d("2022-03-20")}], as_of="2022-03-31")
    assert out["reason"].cast(str).to_list() == ["NOT_YET_BOOKED", "NOT_YET_BOOKED"]
    assert all(v == D("0.00") for c in MONEY for v in out[c])
    assert " 2 lines were " in warned[0]


def test_processing_before_treatment_is_invalid():
    rows = [{**H35, "treatment_date": d("2022-03-10"), "processing_date": d("2022-03-09"), "amount": D("100.00")}]
    out = aanspraak.score(frame(rows))
    assert out["reason"].cast(str).to_list() == ["INVALID_INPUT"]
    assert out["message"].to_list() == ["processing_date is before treatment_date (a line is booked after the care it declares)"]
    # Under as_of a bad row stays INVALID_INPUT.
    assert scored(rows, as_of="2022-03-01")[0]["reason"].cast(str).to_list() == ["INVALID_INPUT"]
    bad = aanspraak.score(frame([{**rows[0], "processing_date": "10000-01-01"}]))
    assert bad["message"].to_list() == ["processing_date is not a date between 0001-01-01 and 9999-12-31"]


def test_bad_as_of():
    rows = [{**H35, "treatment_date": d("2022-03-10"), "processing_date": d("2022-03-11"), "amount": D("100.00")}]
    with pytest.raises(ValueError, match="as_of '2022-13-01' is not an ISO date"):
        aanspraak.score(frame(rows), as_of="2022-13-01")
    with pytest.raises(TypeError, match="as_of must be a date"):
        aanspraak.score(frame(rows), as_of=20220301)


def test_compare_as_of_warns_once_and_scores_every_scenario_as_known():
    base = aanspraak.Policy.load("defriesland-2022")
    rows = [
        {**H35, "line_id": 1, "treatment_date": d("2022-03-01"), "processing_date": d("2022-03-10"), "amount": D("300.00")},
        {**H35, "line_id": 2, "treatment_date": d("2022-02-01"), "processing_date": d("2022-05-02"), "amount": D("300.00")},
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cmp = aanspraak.compare(frame(rows), {"base": base, "er165": base.with_eigen_risico(165)}, as_of="2022-03-31")
    assert sum(issubclass(w.category, aanspraak.NotYetBookedWarning) for w in caught) == 1
    assert cmp.lines["eigen_risico__base"].to_list() == [D("300.00"), D("0.00")]
    assert cmp.lines["eigen_risico__er165"].to_list() == [D("165.00"), D("0.00")]
    assert cmp.lines["reason__er165"].cast(str).to_list() == ["COVERED", "NOT_YET_BOOKED"]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), as_of_day=st.integers(0, 500), null_share=st.sampled_from([0.0, 0.1, 0.5]), credits=st.sampled_from([0.0, 0.05]))
@example(seed=1, as_of_day=200, null_share=0.1, credits=0.05)
def test_as_of_equals_scoring_only_the_lines_booked(seed, as_of_day, null_share, credits):
    decl = aanspraak.synthetic.declarations(20_000, seed=seed, credit_share=credits)  # above the engine's chunk of 16,384 rows
    n = decl.height
    if "processing_date" in decl.columns:
        decl = decl.drop("processing_date")
    rng = pl.int_range(0, n, eager=True)
    # Messy lags: 0 to 400 days, a share null (not booked).
    lag = ((rng * 7919 + seed) % 401).cast(pl.Int64)
    nulls = ((rng * 104729 + seed) % 1000) < int(null_share * 1000)
    decl = decl.with_columns(
        pl.when(pl.Series(nulls)).then(None).otherwise(pl.col("treatment_date") + pl.duration(days=pl.Series(lag))).alias("processing_date")
    )
    as_of = dt.date(2022, 1, 1) + dt.timedelta(days=as_of_day)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        known = aanspraak.score(decl, as_of=as_of)
        booked = decl.filter(pl.col("processing_date") <= as_of)
        alone = aanspraak.score(booked)
    in_known = known.filter(pl.col("line_id").is_in(booked["line_id"].implode()))
    if "credits_line_id" in decl.columns:
        # A credit whose original is not booked waits for it: compare the other lines.
        pending = known.filter(pl.col("reason").cast(str) == "NOT_YET_BOOKED")["line_id"]
        in_known = in_known.filter(~pl.col("line_id").is_in(pending.implode()))
        alone = alone.filter(~pl.col("line_id").is_in(pending.implode()))
    cols = ["line_id", "reason", *MONEY, "supplementary_reason"]
    if as_of_day >= 200:  # from mid July 2022 on, thousands of lines are booked
        assert in_known.height > n // 20 and (in_known["eigen_risico"] > 0).sum() > 20
    assert in_known.select(cols).with_columns(pl.col(pl.Categorical).cast(str)).equals(alone.select(cols).with_columns(pl.col(pl.Categorical).cast(str)))
    rest = known.filter(~pl.col("line_id").is_in(booked["line_id"].implode()))
    assert (rest["reason"].cast(str) == "NOT_YET_BOOKED").all() or rest.filter(pl.col("reason").cast(str) != "NOT_YET_BOOKED")["reason"].cast(str).unique().to_list() == ["INVALID_INPUT"]
    assert all((rest.filter(pl.col("reason").cast(str) == "NOT_YET_BOOKED")[c] == 0).all() for c in MONEY)


def booked_portfolio(n: int = 3_000) -> pl.DataFrame:
    """Synthetic lines with processing dates 0-120 days after the care, a tenth null."""
    decl = aanspraak.synthetic.declarations(n, seed=11)
    if "processing_date" in decl.columns:
        decl = decl.drop("processing_date")
    rng = pl.int_range(0, n, eager=True)
    lag = pl.Series((rng * 31 + 7) % 121)
    return decl.with_columns(
        pl.when(pl.Series(rng % 10 == 3)).then(None).otherwise(pl.col("treatment_date") + pl.duration(days=lag)).alias("processing_date")
    )


def test_score_parquet_as_of_equals_score_as_of(tmp_path):
    decl = booked_portfolio()
    decl.write_parquet(tmp_path / "in.parquet")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        want = aanspraak.score(decl, as_of="2022-06-30")
        aanspraak.score_parquet(tmp_path / "in.parquet", tmp_path / "out", buckets=3, progress=False, as_of="2022-06-30")
    counts = [str(w.message) for w in caught if issubclass(w.category, aanspraak.NotYetBookedWarning)]
    n = int((want["reason"].cast(str) == "NOT_YET_BOOKED").sum())
    assert n > 1000 and len(counts) == 2 and all(f" {n} lines were " in c for c in counts)
    got = pl.read_parquet(tmp_path / "out" / "*.parquet").sort("line_id")
    cols = ["line_id", *MONEY]
    assert got.select(cols).equals(want.select(cols))
    assert got["reason"].cast(str).to_list() == want["reason"].cast(str).to_list()


def test_partitions_score_table_takes_as_of():
    from aanspraak import partitions

    decl = booked_portfolio(500)
    policy = aanspraak.Policy.load("defriesland-2022")
    day = (dt.date(2022, 6, 30) - dt.date(1970, 1, 1)).days
    got = pl.from_arrow(partitions.score_table(decl.to_arrow(), policy, None, None, day))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = aanspraak.score(decl, as_of="2022-06-30")
    assert got["reason"].cast(str).to_list() == want["reason"].cast(str).to_list()
    assert got["basic_paid"].to_list() == want["basic_paid"].to_list()
