"""Scoring parquet datasets larger than memory, bucket by bucket.

The eigen risico, frequency limits and supplementary maxima need all lines of an insured
together, so the lines cannot be scored in arbitrary batches. :func:`score_parquet`
therefore makes two passes:

1. a streaming pass (polars) that numbers the lines (``line_id``, when absent) and writes
   them into ``B`` buckets by a hash of ``insured_id``, so that every insured is in exactly
   one bucket;
2. one :func:`aanspraak.score` per bucket, each written to its own parquet file.

Nothing looks like a result before the call succeeds: both passes write into a hidden
staging directory inside the output directory, and the part files are published (renamed
into place) at the end. A call that does not finish, for an error or a KeyboardInterrupt
(Ctrl-C, again during the cleanup too), removes what it wrote; the exception carries a
note saying so, or naming what could not be removed.

Peak memory is that of scoring one bucket (``lines_per_bucket`` lines), not of the
dataset. Pass 1 keeps one parquet writer open per bucket (polars opens up to 128 at a
time, ``POLARS_MAX_OPEN_SINKS``), and each writer holds its lines until it has a row group
to write; the row group of the staging files is therefore sized so that all open buckets
together hold about :data:`STAGING_BUFFER_LINES` lines (polars' default of 122,880 lines
per bucket would be some 12 million lines in memory at 100 buckets).
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from aanspraak.policy import Policy, resolve
from aanspraak._frames import with_line_id, write_result_parquet
from aanspraak import _booking, _columns, _opening
from aanspraak.scoring import Scored, score_counted


def _score(decl: pl.DataFrame, policy: Policy, mapped: dict[str, str], opening: "pl.DataFrame | None" = None, as_of: Any = None) -> Scored:
    """:func:`aanspraak.score` of lines under the library's names, returned under the
    user's, with the opening balances of their insureds, as known on `as_of` (if given);
    no warnings: the counts, which the caller adds up."""
    balances = None if opening is None else _opening.for_insureds(opening, decl["insured_id"], mapped)
    return score_counted(_columns.to_user(decl, mapped), policy, columns=mapped, opening=balances, as_of=as_of)

#: Seed of the insured-id hash that assigns buckets (fixed, so reruns give the same files).
BUCKET_SEED = 20_26

#: Default of ``lines_per_bucket``: about 2 GiB peak for mixed lines.
LINES_PER_BUCKET = 2_000_000

#: About how many lines pass 1 holds in memory over all open buckets (each bucket's writer
#: buffers one row group of its lines before writing it).
STAGING_BUFFER_LINES = 1 << 20

#: Compression of the staging files of pass 1, which live only until their bucket is
#: scored: lz4 writes them faster than parquet's default zstd (13.4 s against 16.4 s for
#: 20M lines into 10 buckets, measured with ``benches/score_parquet.py``'s input) for
#: 1.5 times the disk (392 against 261 MiB), and reads back as fast.
STAGING_COMPRESSION = "lz4"


def _staging_row_group(n_buckets: int) -> int:
    """Lines per row group of the staging files: :data:`STAGING_BUFFER_LINES` over the
    buckets open at once, between 1,024 and 131,072."""
    return max(1_024, min(1 << 17, STAGING_BUFFER_LINES // min(n_buckets, 128)))


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
    lines_per_bucket: int = LINES_PER_BUCKET,
    buckets: int | None = None,
    progress: bool | None = None,
    columns: "dict[str, str] | None" = None,
    opening: Any = None,
    as_of: Any = None,
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
    columns
        The warehouse's column names, as for :func:`aanspraak.score` (library name →
        yours); the part files carry yours.
    opening
        Balances used before the input, as for :func:`aanspraak.score`
        (docs/rules.md#opening-balances): checked before the first pass; each bucket gets
        the rows of its insureds; one OpeningWarning at the end counts the capped ones.
    as_of
        Score as known on this date, as for :func:`aanspraak.score`
        (docs/rules.md#as-known-on-a-date); one NotYetBookedWarning at the end counts the
        lines not yet booked.

    Returns
    -------
    polars.DataFrame
        One row per output file: ``bucket``, ``file``, ``lines``, ``insured``,
        ``seconds`` (scoring and writing).

    Notes
    -----
    Output order and grouping:

    * every insured's lines are in exactly one part file; the file is the insured's
      bucket, ``hash(insured_id) % buckets`` with a fixed seed, so the same input and
      ``buckets`` give the same files. A bucket without lines gets no file, so the
      numbers may have gaps;
    * within a file the lines keep the input order (the order of the files as
      ``scan_parquet`` reads them, then the rows in each file); the files are not
      sorted by insured or date;
    * ``line_id`` numbers the input lines 0..n-1 in that order when the input has no
      ``line_id`` (an input ``line_id`` is kept as it is), so concatenating the part
      files and sorting by ``line_id`` gives the lines of :func:`aanspraak.score` on the
      whole input, in its order and with its amounts (ties on a treatment date are
      broken by ``line_id`` in both).

    The scored columns are those of ``score``. All input files need the same columns
    and types. The columns are checked before the first pass (a missing column raises
    :class:`aanspraak.SchemaError` at once).

    Interrupted runs: the buckets and the scored parts are written into a hidden staging
    directory (``.aanspraak-staging-*``) in ``output_dir`` and renamed to
    ``part-NNNNN.parquet`` only when every bucket is scored. When the call raises (an
    error, or ``KeyboardInterrupt``, also a second one during the cleanup), it removes
    everything it wrote, including part files already published, and adds a note to the
    exception saying what it removed or what it could not; a rerun then starts clean. Only
    a killed process (``SIGKILL``, power loss) can leave a staging directory behind: it
    holds no ``part-*`` files and can be deleted.

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
    if lines_per_bucket < 1 or (buckets is not None and buckets < 1):
        raise ValueError("lines_per_bucket and buckets must be at least 1")
    out = Path(output_dir)
    if any(out.glob("part-*.parquet")):
        raise ValueError(f"{out} already has part-*.parquet files; choose an empty directory")

    mapped = _columns.checked(columns)
    # Read under the library's names: a rename of the scan plan, nothing copied.
    lf = _columns.to_library(pl.scan_parquet(sources), mapped)
    names = lf.collect_schema().names()
    if "insured_id" not in names:
        raise _missing_column(_columns.label(mapped, "insured_id"))
    total = lf.select(pl.len()).collect().item()
    lf = with_line_id(lf)
    # The engine checks the columns on no lines, before the long first pass.
    _booking.day(as_of)  # a bad as_of fails here, before the first pass
    _score(lf.head(0).collect(), pol, mapped)
    ids = lf.collect_schema()["insured_id"]
    balances = None if opening is None else _opening.user_frame(opening, pl.String if isinstance(ids, pl.Categorical) else ids, mapped)
    capped = unbooked = 0
    n_buckets = buckets or max(1, math.ceil(total / lines_per_bucket))
    bucket = (pl.col("insured_id").cast(pl.String).hash(BUCKET_SEED) % n_buckets).alias("_bucket")

    from tqdm import tqdm

    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    disable = True if progress is False else (None if progress is None else False)
    bar = tqdm(total=n_buckets, desc=f"aanspraak: {total:,} lines into buckets", unit="bucket", disable=disable, leave=False)
    published: list[Path] = []
    rows = []
    try:
        # Pass 1 (streaming): every line into its insured's bucket, in input order.
        lf.with_columns(bucket).sink_parquet(
            pl.PartitionBy(staging / "buckets", key="_bucket", include_key=False),
            mkdir=True,
            maintain_order=True,
            row_group_size=_staging_row_group(n_buckets),
            compression=STAGING_COMPRESSION,
        )
        bar.set_description_str("aanspraak: score buckets")
        scored_parts: list[tuple[Path, Path]] = []
        for k in range(n_buckets):
            # Several files when polars had to close and reopen the bucket's writer
            # (more buckets than open writers); their names sort in writing order.
            part = sorted(staging.glob(f"buckets/_bucket={k}/*.parquet"))
            if part:
                file = out / f"part-{k:05d}.parquet"
                t0 = time.perf_counter()
                # Pass 2: score one bucket (whole insureds) and write it, still staged.
                decl = pl.read_parquet(part)
                scored, bucket_capped, bucket_unbooked = _score(decl, pol, mapped, balances, as_of)
                capped += bucket_capped
                unbooked += bucket_unbooked
                staged = staging / file.name
                write_result_parquet(scored, staged)
                scored_parts.append((staged, file))
                rows.append({
                    "bucket": k, "file": str(file), "lines": scored.height,
                    "insured": decl["insured_id"].n_unique(),
                    "seconds": time.perf_counter() - t0,
                })
                del decl, scored
                shutil.rmtree(staging / "buckets" / f"_bucket={k}", ignore_errors=True)
            bar.update()
        # Publish: every bucket is scored; rename the parts into place.
        for staged, file in scored_parts:
            os.replace(staged, file)
            published.append(file)
        shutil.rmtree(staging)
    except BaseException as e:
        # A Ctrl-C can be pending still (polars raises KeyboardInterrupt from its own
        # threads too) and fire at the first call: retry the cleanup, with no call
        # before this `try`.
        interrupts = 0
        while interrupts < 10:
            try:
                _abandon(e, out, staging, published, interrupts > 0)
                break
            except KeyboardInterrupt:
                interrupts += 1
        raise
    finally:
        bar.close()
    _opening.warn_capped(capped, stacklevel=2)
    _booking.warn(unbooked, as_of, stacklevel=2)
    schema = {"bucket": pl.Int64, "file": pl.String, "lines": pl.Int64, "insured": pl.Int64, "seconds": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


#: Name prefix of the staging directory of a run in the output directory.
STAGING_PREFIX = ".aanspraak-staging-"


@contextlib.contextmanager
def _sigint_held() -> Iterator[list[int]]:
    """SIGINT (Ctrl-C) held back while the block runs, on the main thread (elsewhere
    Python delivers no signals); yields the list of signals that arrived meanwhile."""
    arrived: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield arrived
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: arrived.append(signum))
    try:
        yield arrived
    finally:
        signal.signal(signal.SIGINT, previous)


def _remove(paths: Sequence[Path], attempts: int = 3) -> tuple[list[Path], bool]:
    """Remove files and directory trees; a KeyboardInterrupt raised meanwhile (by a signal
    handler, or from a file system call) does not stop the removal: it is tried again, up
    to `attempts` times. Returns what is left and whether an interrupt came."""
    interrupted = False
    for _ in range(attempts):
        try:
            for p in paths:
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
        except KeyboardInterrupt:
            interrupted = True
        except OSError:
            pass
        else:
            break
    return [p for p in paths if p.exists() or p.is_symlink()], interrupted


def _abandon(error: BaseException, out: Path, staging: Path, published: Sequence[Path], again: bool) -> None:
    """Remove what a run that did not finish wrote (its staging directory and the part
    files already published), Ctrl-C held back meanwhile; note on `error` what was
    removed or left (`again`: a Ctrl-C stopped an earlier attempt)."""
    with _sigint_held() as arrived:
        left, interrupted = _remove([*published, staging])
    what = "an interrupt" if isinstance(error, KeyboardInterrupt) else f"an error ({type(error).__name__})"
    if left:
        error.add_note(
            f"aanspraak.score_parquet stopped by {what}; could not remove {', '.join(map(str, left))}: "
            "delete these before using the directory"
        )
    else:
        more = " (interrupted again during the cleanup, which finished)" if again or interrupted or arrived else ""
        error.add_note(f"aanspraak.score_parquet stopped by {what}; removed everything it had written to {out}{more}")


def _missing_column(column: str) -> Exception:
    from aanspraak._core import SchemaError

    name = column if column.startswith("'") else repr(column)
    return SchemaError(f"column {name}: no such column (score_parquet buckets the lines by insured)")
