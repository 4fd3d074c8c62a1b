"""Issue 7: scoring inside Dask, on a dask.distributed LocalCluster with 2 workers,
gives, line by line, what `score` gives."""

from __future__ import annotations

import warnings

import pandas as pd
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import aanspraak
from engines import assert_same_lines, assert_scored_like_score, portfolio, what_if

dd = pytest.importorskip("dask.dataframe", reason="dask is not installed: pip install 'aanspraak[dask]'")
distributed = pytest.importorskip("dask.distributed", reason="dask.distributed is not installed: pip install 'aanspraak[dask]'")

import aanspraak.dask as adask  # noqa: E402


@pytest.fixture(scope="module")
def client():
    try:
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    except (OSError, RuntimeError, TimeoutError) as err:  # no ports, no processes: the engine cannot start here
        pytest.skip(f"a dask.distributed LocalCluster cannot start on this machine: {err}")
    with cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def lines() -> pl.DataFrame:
    return portfolio()


@pytest.fixture(scope="module")
def ddf(lines, tmp_path_factory):
    """The portfolio as Dask reads it in a pipeline: 4 parquet files, 2 row groups each."""
    folder = tmp_path_factory.mktemp("portfolio")
    size = -(-lines.height // 4)
    for i, part in enumerate(lines.iter_slices(size)):
        part.write_parquet(folder / f"part-{i}.parquet", row_group_size=-(-size // 2))
    return dd.read_parquet(str(folder), split_row_groups=True, dtype_backend="pyarrow")


def collect(frame) -> pl.DataFrame:
    return pl.from_pandas(frame.compute())


def test_dask_gives_every_line_the_amounts_of_score(client, ddf, lines):
    scored = adask.score(ddf, policy="defriesland-2022")
    got = collect(scored)
    want = aanspraak.score(lines, policy="defriesland-2022")
    assert_scored_like_score(got, want)
    # the money columns are exact Arrow decimals, not floats
    assert isinstance(scored.dtypes["basic_paid"], pd.ArrowDtype) and str(scored.dtypes["basic_paid"].pyarrow_dtype) == "decimal128(18, 2)"


def test_dask_puts_every_insured_in_one_partition(client, ddf):
    scored = adask.score(ddf, npartitions=5)
    assert scored.npartitions == 5
    ids = [set(p["insured_id"].dropna()) for p in (scored.get_partition(i).compute() for i in range(5))]
    assert sum(len(s) for s in ids) == len(set().union(*ids))
    assert sum(1 for s in ids if s) > 1


def test_dask_meta_matches_the_computed_partitions(client, ddf):
    scored = adask.score(ddf)
    part = scored.get_partition(0).compute()
    assert list(part.columns) == list(scored.columns)
    assert dict(part.dtypes) == dict(scored.dtypes)


@pytest.mark.filterwarnings("ignore:Sending large graph")  # from_pandas puts the frame in the graph
def test_dask_keeps_given_line_ids(client, lines):
    numbered = lines.head(50_000).with_columns((pl.int_range(pl.len(), 0, -1) * 7 + 3).cast(pl.Int64).alias("line_id"))
    frame = dd.from_pandas(numbered.to_pandas(use_pyarrow_extension_array=True), npartitions=3)
    assert_same_lines(collect(adask.score(frame)), aanspraak.score(numbered))


@pytest.mark.filterwarnings("ignore:Sending large graph")  # from_pandas puts the frame in the graph
def test_dask_takes_numpy_dates_and_float_money(client, lines):
    # datetime64 dates, float64 money (NaN where missing): the engine reads them as
    # `score` reads the same frame
    small = lines.head(20_000).with_columns(pl.col(pl.Decimal).cast(pl.Float64))
    pandas = small.to_pandas(use_pyarrow_extension_array=True)
    pandas = pandas.astype({"birth_date": "datetime64[ms]", "treatment_date": "datetime64[ms]", "amount": "float64", "reference_tariff": "float64"})
    got = collect(adask.score(dd.from_pandas(pandas, npartitions=3)))
    want = aanspraak.score(small)
    out = ["line_id", *aanspraak.OUTPUT_COLUMNS]
    assert_same_lines(got.select(out), want.select(out))


def test_dask_reports_a_missing_column_before_computing(ddf):
    with pytest.raises(aanspraak.SchemaError, match="code"):
        adask.score(ddf.drop(columns=["code"]))


def test_dask_compare_matches_compare(client, ddf, lines):
    scenarios = what_if()
    got = adask.compare(ddf, scenarios)
    want = aanspraak.compare(lines, scenarios)
    assert got.scenarios == want.scenarios and got.columns == want.columns
    assert_same_lines(collect(got.lines), want.lines)
    assert_frame_equal(got.totals(), want.totals)
    assert_same_lines(collect(got.scenario("er0")), want.scenario("er0"))


def test_dask_takes_the_local_date_of_tz_aware_dates(client):
    from test_input_types import DATE_COLUMNS, as_zone, money_view, tz_lines

    df = tz_lines()
    pandas = as_zone(df, "Europe/Amsterdam").to_pandas(use_pyarrow_extension_array=True)
    # numpy-backed tz-aware columns too, as pandas reads them from a warehouse extract
    pandas = pandas.astype({c: "datetime64[ns, Europe/Amsterdam]" for c in DATE_COLUMNS[:2]})
    got = collect(adask.score(dd.from_pandas(pandas, npartitions=2))).sort("line_id")
    assert money_view(got) == money_view(aanspraak.score(df))


def test_dask_reads_and_returns_warehouse_column_names(client, ddf, lines):
    names = {"insured_id": "verzekerde_nr", "amount": "bedrag", "code": "prestatiecode"}
    theirs = ddf.rename(columns=names)
    got = collect(adask.score(theirs, columns=names))
    assert "verzekerde_nr" in got.columns and "insured_id" not in got.columns
    back = {v: k for k, v in names.items()}
    # the same lines as score with the same names (messages name the user's columns)
    assert_scored_like_score(got.rename(back), aanspraak.score(lines.rename(names), columns=names).rename(back))
    with pytest.raises(aanspraak.SchemaError, match=r"column 'bedrag' \(amount\): no such column"):
        adask.score(theirs.drop(columns="bedrag"), columns=names)
    cmp = adask.compare(theirs, what_if(), columns_map=names)
    assert_frame_equal(cmp.totals(), aanspraak.compare(lines, what_if()).totals)


@pytest.mark.filterwarnings("ignore:Sending large graph")  # from_pandas puts the frame in the graph
def test_dask_scores_credit_lines_like_score(client, lines):
    # Partitions hold whole insureds, so a credit is always scored with its original
    # (docs/rules.md#credit-lines); the bad lines of the portfolio make some credits invalid.
    numbered = lines.head(30_000).with_row_index("line_id").with_columns(pl.col("line_id").cast(pl.Int64))
    credited = aanspraak.synthetic.with_credits(numbered, 0.05, seed=3)
    frame = dd.from_pandas(credited.to_pandas(use_pyarrow_extension_array=True), npartitions=3)
    want = aanspraak.score(credited)
    assert (want["reason"] == "CREDITED").sum() > 2_500
    assert_same_lines(collect(adask.score(frame)), want)
    got, expected = adask.compare(frame, what_if()), aanspraak.compare(credited, what_if())
    assert_frame_equal(got.totals(), expected.totals)
    assert expected.totals["credited_lines"].to_list() == [(want["reason"] == "CREDITED").sum()] * len(expected.scenarios)


def opening_of(lines: pl.DataFrame) -> pl.DataFrame:
    """Balances for every other insured-year of the portfolio (docs/rules.md#opening-balances)."""
    years = lines.select("insured_id", pl.col("treatment_date").dt.year().alias("year")).drop_nulls().unique().sort("insured_id", "year")
    return years.gather_every(2).with_columns(eigen_risico_used=pl.lit(120.0))


@pytest.mark.filterwarnings("ignore::aanspraak.OpeningWarning")
def test_dask_consumes_opening_balances_like_score(client, ddf, lines):
    opening = opening_of(lines)
    want = aanspraak.score(lines, opening=opening)
    assert want["eigen_risico"].sum() < aanspraak.score(lines)["eigen_risico"].sum()
    assert_scored_like_score(collect(adask.score(ddf, opening=opening)), want)
    got, expected = adask.compare(ddf, what_if(), opening=opening), aanspraak.compare(lines, what_if(), opening=opening)
    assert_frame_equal(got.totals(), expected.totals)
    with pytest.raises(aanspraak.OpeningError, match="eigen_risico_used is negative"):
        adask.score(ddf, opening=opening.with_columns(eigen_risico_used=pl.lit(-1.0)))


def test_dask_as_of_matches_score_as_of(client, ddf, lines):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", aanspraak.NotYetBookedWarning)
        want = aanspraak.score(lines, as_of="2022-06-30")
    got = collect(adask.score(ddf, as_of="2022-06-30"))
    # The portfolio has no processing_date: every valid line is not yet booked.
    assert_same_lines(got, want)
    assert int((got["reason"].cast(str) == "NOT_YET_BOOKED").sum()) == int((want["reason"].cast(str) == "NOT_YET_BOOKED").sum()) > 0
