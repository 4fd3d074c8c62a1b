"""Issue 7: scoring inside Spark (local[2]) gives, line by line, what `score` gives."""

from __future__ import annotations

import os
import sys

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import aanspraak
from engines import assert_same_lines, assert_scored_like_score, portfolio, what_if

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed: pip install 'aanspraak[spark]'")

import aanspraak.spark as aspark  # noqa: E402
from pyspark.sql import SparkSession, functions as F  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def spark():
    # The Python workers must be this interpreter, with aanspraak installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        session = (
            SparkSession.builder.master("local[2]")
            .appName("aanspraak-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.driver.memory", "2g")
            .getOrCreate()
        )
    except (OSError, RuntimeError, TimeoutError) as err:  # no Java, no port: the engine cannot start here
        pytest.skip(f"Spark cannot start on this machine: {err}")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def lines() -> pl.DataFrame:
    return portfolio()


@pytest.fixture(scope="module")
def sdf(spark, lines):
    return spark.createDataFrame(lines.to_arrow())


def collect(frame) -> pl.DataFrame:
    out = pl.from_arrow(frame.toArrow())
    assert isinstance(out, pl.DataFrame)
    return out


def test_spark_gives_every_line_the_amounts_of_score(sdf, lines):
    scored = aspark.score(sdf, policy="defriesland-2022")
    got = collect(scored)
    want = aanspraak.score(lines, policy="defriesland-2022")
    assert_scored_like_score(got, want)


def test_spark_puts_every_insured_in_one_partition(sdf):
    scored = aspark.score(sdf, partitions=5).withColumn("p", F.spark_partition_id())
    spread = scored.groupBy("insured_id").agg(F.countDistinct("p").alias("n")).filter(F.col("n") > 1)
    assert spread.count() == 0
    assert scored.select("p").distinct().count() > 1


def test_spark_keeps_given_line_ids_and_orders_ties_by_them(spark, lines):
    # line ids that run against the row order: ties on one date go by line_id
    numbered = lines.head(50_000).with_columns((pl.int_range(pl.len(), 0, -1) * 7 + 3).cast(pl.Int64).alias("line_id"))
    got = collect(aspark.score(spark.createDataFrame(numbered.to_arrow())))
    assert_same_lines(got, aanspraak.score(numbered))


def test_spark_output_schema_comes_from_the_policy(sdf):
    fields = {f.name: f.dataType for f in aspark.score(sdf).schema.fields}
    assert fields["basic_paid"] == T.DecimalType(18, 2)
    assert fields["patient_paid"] == T.DecimalType(18, 2)
    assert fields["age"] == T.ShortType()
    assert fields["reason"] == T.StringType()
    assert fields["basic_covered"] == T.BooleanType()
    assert fields["line_id"] == T.LongType()
    assert list(fields)[-len(aanspraak.OUTPUT_COLUMNS):] == list(aanspraak.OUTPUT_COLUMNS)


def test_spark_reports_a_missing_column_on_the_driver(sdf):
    with pytest.raises(aanspraak.SchemaError, match="code"):
        aspark.score(sdf.drop("code"))


def test_spark_scores_an_empty_frame(spark, sdf):
    scored = aspark.score(sdf.limit(0))
    assert scored.count() == 0
    assert scored.columns[-1] == "message"


def test_spark_compare_matches_compare(sdf, lines):
    scenarios = what_if()
    got = aspark.compare(sdf, scenarios)
    want = aanspraak.compare(lines, scenarios)
    assert got.scenarios == want.scenarios and got.columns == want.columns
    assert_same_lines(collect(got.lines), want.lines)
    assert_frame_equal(got.totals(), want.totals)
    assert got.totals()["delta_basic_paid"][1] > 0
    assert_same_lines(collect(got.scenario("er0")), want.scenario("er0"))


def test_spark_takes_the_date_of_timestamps_in_the_session_time_zone(spark):
    # Europe/Amsterdam midnights as Spark timestamps (instants): the date is the one
    # Spark shows in the session time zone, as for Date columns
    from test_input_types import as_zone, money_view, tz_lines

    df = tz_lines()
    spark.conf.set("spark.sql.session.timeZone", "Europe/Amsterdam")
    try:
        got = collect(aspark.score(spark.createDataFrame(as_zone(df, "Europe/Amsterdam").to_arrow()))).sort("line_id")
    finally:
        spark.conf.unset("spark.sql.session.timeZone")
    assert money_view(got) == money_view(aanspraak.score(df))


def test_spark_reads_and_returns_warehouse_column_names(spark, lines):
    names = {"insured_id": "verzekerde_nr", "amount": "bedrag", "code": "prestatiecode"}
    theirs = spark.createDataFrame(lines.rename({k: v for k, v in names.items()}).to_arrow())
    got = collect(aspark.score(theirs, columns=names))
    assert "verzekerde_nr" in got.columns and "insured_id" not in got.columns
    back = {v: k for k, v in names.items()}
    # the same lines as score with the same names (messages name the user's columns)
    assert_scored_like_score(got.rename(back), aanspraak.score(lines.rename(names), columns=names).rename(back))
    with pytest.raises(aanspraak.SchemaError, match=r"column 'bedrag' \(amount\): no such column"):
        aspark.score(theirs.drop("bedrag"), columns=names)
    cmp = aspark.compare(theirs, what_if(), columns_map=names)
    assert_frame_equal(cmp.totals(), aanspraak.compare(lines, what_if()).totals)


@pytest.mark.filterwarnings("ignore::aanspraak.OpeningWarning")
def test_spark_consumes_opening_balances_like_score(sdf, lines):
    # Every other insured-year of the portfolio used EUR 120 before (docs/rules.md#opening-balances).
    years = lines.select("insured_id", pl.col("treatment_date").dt.year().alias("year")).drop_nulls().unique().sort("insured_id", "year")
    opening = years.gather_every(2).with_columns(eigen_risico_used=pl.lit(120.0))
    want = aanspraak.score(lines, opening=opening)
    assert want["eigen_risico"].sum() < aanspraak.score(lines)["eigen_risico"].sum()
    assert_scored_like_score(collect(aspark.score(sdf, opening=opening)), want)
    got, expected = aspark.compare(sdf, what_if(), opening=opening), aanspraak.compare(lines, what_if(), opening=opening)
    assert_frame_equal(got.totals(), expected.totals)
