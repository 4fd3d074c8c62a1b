"""Shared by the Spark and Dask tests: the 200k-line portfolio and the per-line check."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

import aanspraak

#: Lines in the portfolio the engines score (issue 7: 200k mixed lines).
LINES = 200_000


def portfolio(n: int = LINES) -> pl.DataFrame:
    """Synthetic mixed lines without ``line_id`` (the engines must number them): dental
    and 30 % hospital, 60 % of insureds with supplementary products, two years, and a
    few bad lines (no insured, a negative amount, an unknown code) that must come back
    as INVALID_INPUT rather than go missing."""
    df = aanspraak.synthetic.declarations(n, seed=7, years=(2022, 2023), hospital_share=0.3, supplementary_share=0.6)
    row = pl.col("line_id")
    return df.with_columns(
        pl.when(row % 997 == 5).then(None).otherwise(pl.col("insured_id")).alias("insured_id"),
        pl.when(row % 991 == 7).then(-pl.col("amount")).otherwise(pl.col("amount")).alias("amount"),
        pl.when(row % 983 == 11).then(pl.lit("Q999")).otherwise(pl.col("code")).alias("code"),
    ).drop("line_id")


def plain(df: pl.DataFrame) -> pl.DataFrame:
    """`df` with categoricals as strings, as Spark and Dask carry them."""
    return df.with_columns(pl.col(pl.Categorical).cast(pl.String))


def assert_same_lines(got: pl.DataFrame, want: pl.DataFrame) -> None:
    """Every line of `want` is in `got` with the same value in every column (joined on
    ``line_id``; the engines return lines in partition order)."""
    want = plain(want)
    assert got.columns == want.columns
    assert got.height == want.height
    got = got.sort("line_id")
    want = want.sort("line_id")
    assert_frame_equal(got, want, check_dtypes=False)


def assert_scored_like_score(got: pl.DataFrame, want: pl.DataFrame) -> None:
    """An engine's result for :func:`portfolio` against `score`: every line, ``line_id``
    the row number 0..n-1, every column equal, and the bad lines present as INVALID_INPUT."""
    assert got.height == LINES
    # line_id is the input's row number, as `score` numbers it
    assert sorted(got["line_id"].to_list()) == list(range(LINES))
    assert_same_lines(got, want)
    invalid = got.filter(reason="INVALID_INPUT")
    assert invalid.height == want.filter(reason="INVALID_INPUT").height > 300
    assert invalid["basic_paid"].sum() == 0


def what_if() -> dict[str, aanspraak.Policy]:
    """Three scenarios: the base, no eigen risico, a lower supplementary cap."""
    base = aanspraak.Policy.load("defriesland-2022")
    return {
        "base": base,
        "er0": base.with_eigen_risico(0),
        "cap100": base.with_supplementary("av-tand-standaard", annual_max_eur=100),
    }
