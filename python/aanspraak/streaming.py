"""Scoring parquet datasets larger than memory, bucket by bucket.

The eigen risico, frequency limits and supplementary maxima need all lines of an insured
together, so the lines cannot be scored in arbitrary batches. :func:`score_parquet`
therefore makes two passes:

1. a streaming pass (polars) that numbers the lines (``line_id``, when absent) and writes
   them into ``B`` buckets by a hash of ``insured_id``, so that every insured is in exactly
   one bucket;
2. one :func:`aanspraak.score` per bucket, each written to its own parquet file.

Peak memory is that of scoring one bucket (``lines_per_bucket`` lines), not of the
dataset.
"""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from aanspraak.policy import Policy, resolve
from aanspraak.scoring import _with_line_id, score

#: Seed of the insured-id hash that assigns buckets (fixed, so reruns give the same files).
BUCKET_SEED = 20_26


def _sources(inputs: "str | Path | Sequence[str | Path]") -> list[str]:
    items = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    if not items:
        raise ValueError("score_parquet needs at least one input file or glob")
    return [str(i) for i in items]


def score_parquet(
    inputs: "str | Path | Sequence[str | Path]",
    output_dir: "str | Path",
    policy: "str | Path | Policy" = "defriesland-2022",
    *,
    lines_per_bucket: int = 2_000_000,
    buckets: int | None = None,
    progress: bool | None = None,
) -> pl.DataFrame:
    """Score a parquet dataset of any size into ``output_dir``, one bucket of insureds
    at a time.

    Parameters
    ----------
    inputs
        Parquet files or globs (as :func:`polars.scan_parquet` reads them).
    output_dir
        Created if needed; gets ``part-00000.parquet``, ``part-00001.parquet``, ... (one
        per bucket; existing ``part-*.parquet`` files there are an error).
    policy
        As for :func:`aanspraak.score`.
    lines_per_bucket
        About how many lines each bucket should hold (peak memory grows with it).
    buckets
        The number of buckets (default: lines / ``lines_per_bucket``, at least 1).
    progress
        A progress bar on stderr over the buckets (default: on a terminal).

    Returns
    -------
    polars.DataFrame
        One row per output file: ``bucket``, ``file``, ``lines``, ``insured``,
        ``seconds`` (scoring and writing).

    Notes
    -----
    Output order and grouping: every insured's lines are in exactly one file; within a
    file the lines keep the input order. ``line_id`` numbers the input lines 0..n-1 in
    the order of the files (as ``scan_parquet`` reads them) when the input has no
    ``line_id``, so ties on a treatment date are broken as :func:`aanspraak.score` on
    the whole input would break them. The scored columns are those of ``score``.

    Examples
    --------
    >>> import aanspraak, tempfile, pathlib, polars as pl
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> aanspraak.synthetic.declarations(3_000, seed=4).drop("line_id").write_parquet(d / "in.parquet")
    >>> parts = aanspraak.score_parquet(d / "in.parquet", d / "out", buckets=3, progress=False)
    >>> int(parts["lines"].sum())
    3000
    >>> pl.read_parquet(d / "out" / "*.parquet")["line_id"].sort().to_list() == list(range(3000))
    True
    """
    pol = resolve(policy)
    sources = _sources(inputs)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    if any(out.glob("part-*.parquet")):
        raise ValueError(f"{out} already has part-*.parquet files; choose an empty directory")
    if lines_per_bucket < 1 or (buckets is not None and buckets < 1):
        raise ValueError("lines_per_bucket and buckets must be at least 1")

    lf = pl.scan_parquet(sources)
    names = lf.collect_schema().names()
    if "insured_id" not in names:
        raise _missing_column("insured_id")
    total = lf.select(pl.len()).collect().item()
    n_buckets = buckets or max(1, math.ceil(total / lines_per_bucket))
    lf = _with_line_id(lf)
    bucket = (pl.col("insured_id").cast(pl.String).hash(BUCKET_SEED) % n_buckets).alias("_bucket")

    staging = out / ".buckets"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        # Pass 1 (streaming): every line into its insured's bucket.
        lf.with_columns(bucket).sink_parquet(pl.PartitionBy(staging, key="_bucket", include_key=False), mkdir=True)
        rows = []
        from tqdm import tqdm

        disable = True if progress is False else (None if progress is None else False)
        for k in tqdm(range(n_buckets), desc="aanspraak buckets", unit="bucket", disable=disable, leave=False):
            part = sorted(staging.glob(f"_bucket={k}/*.parquet"))
            if not part:
                continue
            file = out / f"part-{k:05d}.parquet"
            t0 = time.perf_counter()
            # Pass 2: score one bucket (whole insureds) and write it.
            decl = pl.read_parquet(part)
            scored = score(decl, pol)
            scored.write_parquet(file)
            rows.append({
                "bucket": k, "file": str(file), "lines": scored.height,
                "insured": decl.lazy().group_by("insured_id").agg().select(pl.len()).collect().item(),
                "seconds": time.perf_counter() - t0,
            })
            del decl, scored
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    schema = {"bucket": pl.Int64, "file": pl.String, "lines": pl.Int64, "insured": pl.Int64, "seconds": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def _missing_column(column: str) -> Exception:
    from aanspraak._core import SchemaError

    return SchemaError(f"column {column!r}: no such column (score_parquet buckets the lines by insured)")
