"""Sizes where the engine splits the work: it reads and scores rows in chunks of 16,384
and walks insureds in parallel slices, then merges the per-chunk results. These
properties run on 16,000-40,000 lines made from a few hypothesis-drawn insureds
("templates") replicated with numpy: every copy is another insured with perturbed amounts
and dates, and some copies are merged into one heavy insured with hundreds of lines.
The rows come as many record batches of uneven sizes, once with every insured's lines
together (the heavy insured straddling row 16,384) and once shuffled (every insured's
lines spread over all chunks).

Checked: money splits exactly and nothing is negative; the eigen risico and the
supplementary annual maxima equal the pure-Python reference (tests/reference.py); both
layouts give the same result per line_id; insureds scored alone get what they get in
the whole frame.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import polars as pl
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aanspraak
from checks import assert_eigen_risico, assert_money, assert_supplementary_caps
from strategies import assert_same, frame, portfolio

POLICY = aanspraak.Policy.load("defriesland-2022")
ROWS_PER_CHUNK = 16_384  # the engine's chunk size (rust/aanspraak-core/src/engine.rs, CHUNK)


def cents_to_euros(cents: pl.Expr) -> pl.Expr:
    """Integer cents as Decimal(12, 2) euros, exactly."""
    return cents.map_batches(lambda s: pl.Series([None if c is None else Decimal(c).scaleb(-2) for c in s.to_list()],
                                                 dtype=pl.Decimal(12, 2)), return_dtype=pl.Decimal(12, 2))


def replicate(template: pl.DataFrame, n_target: int, seed: int) -> tuple[pl.DataFrame, str]:
    """About `n_target` lines: copies of `template`, copy c of insured P becoming insured
    "P#c", amounts scaled by 50-150 % (material costs alike, so they stay within the
    amount), treatment dates moved by up to a week; copies 0..h-1 of the first insured
    become one heavy insured "P0#heavy". Returns the frame in insured order and the heavy
    insured's id."""
    rng = np.random.default_rng(seed)
    r = template.height
    copies = -(-n_target // r)
    big = template[np.tile(np.arange(r), copies)]
    copy = np.repeat(np.arange(copies), r)
    pct = rng.integers(50, 151, size=big.height)
    shift = rng.integers(-7, 8, size=big.height)
    first = template["insured_id"][0]
    heavy = min(copies, max(2, 600 // max(1, (template["insured_id"] == first).sum())))
    big = big.with_columns(
        pl.Series("copy", copy), pl.Series("pct", pct), pl.Series("shift", shift),
    ).with_columns(
        pl.when((pl.col("insured_id") == first) & (pl.col("copy") < heavy)).then(pl.lit(f"{first}#heavy"))
        .otherwise(pl.col("insured_id") + "#" + pl.col("copy").cast(pl.String)).alias("insured_id"),
        pl.Series("line_id", rng.permutation(big.height) + 1_000, dtype=pl.Int64),
        *[cents_to_euros(((pl.col(c).cast(pl.Float64) * 100).round().cast(pl.Int64) * pl.col("pct")) // 100).alias(c)
          for c in ("amount", "material_costs")],
        (pl.col("treatment_date") + pl.duration(days=pl.col("shift"))).alias("treatment_date"),
        (pl.col("accident_date") + pl.duration(days=pl.col("shift"))).alias("accident_date"),
    ).drop("copy", "pct", "shift")
    return big.sort("insured_id", maintain_order=True), f"{first}#heavy"


def blocks(df: pl.DataFrame, heavy: str) -> pl.DataFrame:
    """Every insured's lines together, the heavy insured's block across row 16,384."""
    h = df.filter(pl.col("insured_id") == heavy)
    rest = df.filter(pl.col("insured_id") != heavy)
    at = max(0, min(rest.height, ROWS_PER_CHUNK - h.height // 2))
    return pl.concat([rest.slice(0, at), h, rest.slice(at)], rechunk=False)


def as_batches(df: pl.DataFrame, rng: np.random.Generator, n: int) -> pa.Table:
    """The rows as a pyarrow Table of `n` record batches of uneven sizes."""
    cuts = np.unique(np.concatenate([[0, df.height], rng.integers(0, df.height, size=n - 1)]))
    return pa.Table.from_batches([b for a, z in zip(cuts, cuts[1:]) for b in df.slice(int(a), int(z - a)).to_arrow().to_batches()])


def as_polars_chunks(df: pl.DataFrame, rng: np.random.Generator, n: int) -> pl.DataFrame:
    cuts = np.unique(np.concatenate([[0, df.height], rng.integers(0, df.height, size=n - 1)]))
    return pl.concat([df.slice(int(a), int(z - a)) for a, z in zip(cuts, cuts[1:])], rechunk=False)


LARGE = settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))


@LARGE
@given(portfolio(min_insured=3, max_insured=6, min_lines=12, max_lines=40), st.integers(16_000, 40_000), st.integers(0, 2**32 - 1))
def test_large_inputs_across_chunks_match_the_reference_and_each_other(data, n_target, seed):
    _, rows = data
    big, heavy = replicate(frame(rows), n_target, seed)
    rng = np.random.default_rng(seed + 1)
    grouped = blocks(big, heavy)
    shuffled = big[rng.permutation(big.height)]
    out = aanspraak.score(as_batches(grouped, rng, 7), policy=POLICY)
    assert out.height == big.height
    assert_money(out)
    assert_eigen_risico(grouped, out, POLICY)
    # The same lines shuffled over all chunks, as polars chunks: the same per line_id.
    assert_same(out, aanspraak.score(as_polars_chunks(shuffled, rng, 11), policy=POLICY), "shuffled over chunks")
    # The heavy insured and the insureds on either side of a chunk boundary, alone.
    ids = grouped["insured_id"]
    edges = {heavy} | {ids[i] for b in range(ROWS_PER_CHUNK, grouped.height, ROWS_PER_CHUNK) for i in (b - 1, b)}
    alone = grouped.filter(pl.col("insured_id").is_in(list(edges)))
    assert_same(out.filter(pl.col("insured_id").is_in(list(edges))), aanspraak.score(alone, policy=POLICY), "insureds alone")


@LARGE
@given(portfolio(min_insured=3, max_insured=6, min_lines=12, max_lines=40, products=True), st.integers(16_000, 40_000),
       st.integers(0, 2**32 - 1))
def test_large_supplementary_maxima_across_chunks_match_the_reference(data, n_target, seed):
    _, rows = data
    big, heavy = replicate(frame(rows), n_target, seed)
    rng = np.random.default_rng(seed + 2)
    shuffled = big[rng.permutation(big.height)]
    out = aanspraak.score(as_batches(shuffled, rng, 5), policy=POLICY)
    assert_money(out)
    assert_supplementary_caps(shuffled, out, POLICY)


def test_a_frame_of_many_chunks_scores_as_one_and_keeps_its_chunks():
    """A polars frame is handed to the engine chunk by chunk (no rechunking copy): equal
    chunks (as read_parquet gives them) and uneven ones, some crossing the engine's
    16,384-row chunks, score exactly as the same lines in one chunk, and the caller's
    frame is left as it was."""
    decl = aanspraak.synthetic.declarations(60_000, seed=5, supplementary_share=0.6, hospital_share=0.2)
    whole = aanspraak.score(decl.rechunk(), POLICY)
    for sizes in ([12_000] * 5, [1, 16_383, 2, 20_000, 7_614, 16_000]):
        bounds = np.cumsum([0, *sizes])
        chunked = pl.concat([decl.slice(int(a), int(b - a)) for a, b in zip(bounds[:-1], bounds[1:])], rechunk=False)
        assert chunked.n_chunks() == len(sizes)
        out = aanspraak.score(chunked, POLICY)
        assert chunked.n_chunks() == len(sizes), "the caller's frame is not rechunked"
        assert out.equals(whole), sizes
    assert whole["supplementary_paid"].sum() > 0 and whole["eigen_risico"].sum() > 0
