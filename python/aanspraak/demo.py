"""Score the bundled example declarations and print a summary.

Run with ``python -m aanspraak.demo [--policy KEY] [--file PATH]``.
"""

from __future__ import annotations

import argparse
import time
from importlib import resources

import polars as pl

import aanspraak


def example_declarations() -> pl.DataFrame:
    """The bundled example: 20,000 synthetic dental lines of 2022 (see `aanspraak.synthetic`)."""
    with resources.files("aanspraak").joinpath("data/example_declarations.parquet").open("rb") as f:
        return pl.read_parquet(f)


def summary(scored: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Totals over all lines, lines and money per reason, and per supplementary reason."""
    money = ["amount", "allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "supplementary_paid", "patient_paid"]
    totals = scored.select(
        pl.len().alias("lines"),
        pl.col("insured_id").n_unique().alias("insured"),
        *[pl.col(c).cast(pl.Decimal(20, 2)).sum() for c in money],
    )
    by_reason = (
        scored.group_by(pl.col("reason").cast(pl.String))
        .agg(pl.len().alias("lines"), pl.col("amount").cast(pl.Decimal(20, 2)).sum(), pl.col("basic_paid").sum(), pl.col("patient_paid").sum())
        .sort("lines", descending=True)
    )
    by_supplementary = (
        scored.filter(pl.col("supplementary_reason") != "NO_SUPPLEMENTARY")
        .group_by(pl.col("supplementary_product"), pl.col("supplementary_reason").cast(pl.String))
        .agg(pl.len().alias("lines"), pl.col("supplementary_paid").cast(pl.Decimal(20, 2)).sum())
        .sort("supplementary_product", "lines", descending=[False, True])
    )
    return totals, by_reason, by_supplementary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m aanspraak.demo", description=__doc__)
    ap.add_argument("--policy", default="defriesland-2022", help="bundled policy set key or TOML path")
    ap.add_argument("--file", help="a parquet file of declarations instead of the bundled example")
    args = ap.parse_args(argv)
    decl = pl.read_parquet(args.file) if args.file else example_declarations()
    t0 = time.perf_counter()
    scored = aanspraak.score(decl, policy=args.policy)
    dt = time.perf_counter() - t0
    totals, by_reason, by_supplementary = summary(scored)
    pl.Config.set_tbl_cols(20)
    pl.Config.set_tbl_width_chars(160)
    print(f"aanspraak {aanspraak.__version__}: scored {scored.height:,} lines under {args.policy} in {dt:.3f} s")
    print(totals)
    print(by_reason)
    pl.Config.set_tbl_rows(40)
    print(by_supplementary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
