#!/usr/bin/env python3
"""Lines per second per core on Spark and Dask against one machine (issue 7).

The same pipeline three ways, on the same SYNTHETIC parquet input (``--files`` files of
mixed dental and hospital lines, with supplementary products, no ``line_id``):

* ``single``: ``polars.read_parquet`` → ``aanspraak.score`` → ``write_parquet``, in this
  process (the engine uses every core through rayon);
* ``spark``: a ``local[N]`` session, ``spark.read.parquet`` → ``aanspraak.spark.score``
  → ``write.parquet``;
* ``dask``: a ``dask.distributed.LocalCluster`` of N single-threaded worker processes,
  ``dd.read_parquet(dtype_backend="pyarrow")`` → ``aanspraak.dask.score`` → ``to_parquet``.

``--engines spark-steps`` times Spark's steps one by one (see :func:`spark_steps`), and
``FLOOR=1`` in the environment runs Spark and Dask without aanspraak (read, shuffle by
insured, write), to show what the engine itself costs.

N is ``--cores`` (default: all of this machine's). Each engine is started before the
clock runs (Spark's JVM, Dask's workers); the clock covers reading, numbering the lines,
the shuffle by insured, scoring and writing. Best of ``--repeat`` runs. Per core =
lines/s ÷ N. Output parquet goes to ``--work-dir`` and is removed after each run.

Peak memory: the summed RSS of this process and all its descendants (Spark's JVM and
Python workers, Dask's nannies and workers), sampled every 200 ms by a thread while the
timed runs go (``psutil``, which ``distributed`` brings); it includes each engine's
idle footprint.

Usage::

    python benches/engines.py --rows 4000000 --repeat 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import polars as pl

import aanspraak


def make_input(folder: Path, rows: int, files: int) -> None:
    """`rows` synthetic lines in `files` parquet files (written once, reused)."""
    marker = folder / f"ready-{rows}-{files}"
    if marker.exists():
        return
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "input").mkdir(parents=True)
    df = aanspraak.synthetic.declarations(rows, seed=11, years=(2022, 2023), hospital_share=0.3, supplementary_share=0.6).drop("line_id")
    size = -(-rows // files)
    for i, part in enumerate(df.iter_slices(size)):
        part.write_parquet(folder / "input" / f"part-{i:03d}.parquet")
    marker.touch()


def tree_rss() -> int:
    """Bytes resident in this process and all its descendants."""
    import psutil

    me = psutil.Process()
    total = 0
    for proc in [me, *me.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:  # ended between listing and reading
            pass
    return total


def best_of(repeat: int, run: Callable[[], None], out: Path) -> tuple[float, int]:
    """The best time of `repeat` runs, and the peak of :func:`tree_rss` while they ran."""
    peak, done = [tree_rss()], threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], tree_rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    times = []
    try:
        for _ in range(repeat):
            shutil.rmtree(out, ignore_errors=True)
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
            shutil.rmtree(out, ignore_errors=True)
    finally:
        done.set()
        sampler.join()
    return min(times), peak[0]


def single(src: Path, out: Path, policy: str) -> Callable[[], None]:
    def run() -> None:
        out.mkdir(parents=True)
        aanspraak.score(pl.read_parquet(src / "*.parquet"), policy=policy).write_parquet(out / "scored.parquet")

    return run


def spark(src: Path, out: Path, policy: str, cores: int, partitions: int) -> tuple[Callable[[], None], Callable[[], None]]:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    import aanspraak.spark

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "8g")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")

    def run() -> None:
        aanspraak.spark.score(session.read.parquet(str(src)), policy=policy).write.parquet(str(out))

    def floor() -> None:  # Spark's own part: read, shuffle by insured, write; no Python
        session.read.parquet(str(src)).repartition("insured_id").write.parquet(str(out))

    return (floor if os.environ.get("FLOOR") else run), session.stop


def spark_steps(src: Path, policy: str, cores: int, partitions: int, repeat: int) -> None:
    """Where Spark's time goes: each step timed alone (best of `repeat`) with Spark's
    ``noop`` sink, which evaluates every row but writes nothing."""
    run, stop = spark(src, Path("/nonexistent"), policy, cores, partitions)
    from pyspark.sql import SparkSession

    import aanspraak.spark as aspark

    session = SparkSession.getActiveSession()
    assert session is not None
    frame = session.read.parquet(str(src))
    noop = lambda df: df.write.format("noop").mode("overwrite").save()  # noqa: E731
    steps = {
        "read + number lines (line_id)": lambda: noop(aspark._with_line_id(frame)),
        "+ shuffle + mapInArrow returning its input": lambda: noop(
            aspark._by_insured(aspark._with_line_id(frame), None).mapInArrow(lambda it: (b for b in it), aspark._with_line_id(frame).schema)
        ),
        "+ scoring (aanspraak.spark.score)": lambda: noop(aspark.score(frame, policy=policy)),
    }
    try:
        for name, step in steps.items():
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                step()
                times.append(time.perf_counter() - start)
            print(f"  spark step {name:<45} {min(times):>7.2f} s", flush=True)
    finally:
        stop()


def dask(src: Path, out: Path, policy: str, cores: int, partitions: int) -> tuple[Callable[[], None], Callable[[], None]]:
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    import aanspraak.dask

    cluster = LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=None, memory_limit="8GiB")
    client = Client(cluster)

    def run() -> None:
        frame = dd.read_parquet(str(src), dtype_backend="pyarrow")
        aanspraak.dask.score(frame, policy=policy, npartitions=partitions).to_parquet(str(out))

    def floor() -> None:  # Dask's own part: read, shuffle by insured, write; no scoring
        frame = dd.read_parquet(str(src), dtype_backend="pyarrow")
        frame.shuffle(on="insured_id", npartitions=partitions).to_parquet(str(out))

    def stop() -> None:
        client.close()
        cluster.close()

    return (floor if os.environ.get("FLOOR") else run), stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=4_000_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--partitions", type=int, default=8, help="insured partitions for Spark and Dask")
    parser.add_argument("--policy", default="defriesland-2022")
    parser.add_argument("--engines", default="single,spark,dask")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/aanspraak-engines"))
    args = parser.parse_args()

    make_input(args.work_dir, args.rows, args.files)
    src, out = args.work_dir / "input", args.work_dir / "output"
    print(f"{args.rows:,} lines in {args.files} parquet files, {args.cores} cores, {args.partitions} insured partitions")
    print(f"{'engine':<8} {'seconds':>8} {'lines/s':>12} {'per core':>12} {'peak MiB':>9}")
    for engine in args.engines.split(","):
        stop: Callable[[], None] = lambda: None  # noqa: E731
        if engine == "single":
            run = single(src, out, args.policy)
        elif engine == "spark":
            run, stop = spark(src, out, args.policy, args.cores, args.partitions)
        elif engine == "spark-steps":
            spark_steps(src, args.policy, args.cores, args.partitions, args.repeat)
            continue
        elif engine == "dask":
            run, stop = dask(src, out, args.policy, args.cores, args.partitions)
        else:
            raise SystemExit(f"unknown engine {engine!r}: use single, spark, spark-steps, dask")
        try:
            seconds, peak = best_of(args.repeat, run, out)
        finally:
            stop()
        rate = args.rows / seconds
        print(f"{engine:<8} {seconds:>8.2f} {rate:>12,.0f} {rate / args.cores:>12,.0f} {peak / 2**20:>9,.0f}", flush=True)


if __name__ == "__main__":
    main()
