#!/usr/bin/env python3
"""Throughput benchmark for ``aanspraak.score`` on SYNTHETIC declarations (issue 6).

For each size in ``--rows`` the parent writes the synthetic input once to a parquet file
in ``--cache-dir`` (``aanspraak.synthetic.declarations``: dental, plus a
``--hospital-share`` of hospital-care lines, with a ``--supplementary-share`` of insureds
holding a supplementary dental product; shuffled, not grouped by insured), then starts a
fresh copy of itself (``--child N``) so that every size has its own process and its own
peak memory. The child

1. reads the input with ``polars.read_parquet``, waits 2 s and resets its peak RSS
   (``/proc/self/clear_refs``),
2. times ``aanspraak.score(df, policy=...)`` ``--repeat`` times with
   ``time.perf_counter``, keeping the best run and the first, and reads the peak RSS of
   those runs (``VmHWM``),
3. times the *floor* (:func:`floor_frame`: polars reading every input column and writing
   as many output columns as ``score`` adds, with trivial arithmetic) ``--repeat`` times,
4. prints one JSON line with the results;

and then starts a second fresh child (``--floor-child N``) that reads the input the same
way and times only the floor: its first run is the *cold floor* (issue 18), against which
the scoring child's first (cold) call is compared.

The parent prints a table: rows, seconds, rows/s, the floor and the ratio to it, the RSS
before scoring and the peak while scoring, the Arrow size (every buffer, see ``_arrow_mib``) of the
input and of the output columns, and the peak over that size.

Usage::

    python benches/throughput.py --rows 10000000 --repeat 3 \\
        --hospital-share 0.3 --supplementary-share 0.6
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MiB = 1024 * 1024


def _peak_rss_mib() -> float:
    """ru_maxrss of this process in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MiB if sys.platform == "darwin" else peak / 1024


def _rss_mib(field: str) -> float | None:
    """VmRSS or VmHWM (peak) of this process from /proc/self/status, in MiB (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to /proc/self/clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _import_aanspraak() -> ModuleType | None:
    """The aanspraak package, installed or from the source tree; None if its
    import fails (e.g. the compiled core is not built)."""
    try:
        import aanspraak

        return aanspraak
    except ImportError:
        pass
    sys.path.insert(0, str(REPO / "python"))
    try:
        import aanspraak

        return aanspraak
    except Exception:  # noqa: BLE001 - report, do not crash
        return None


def _synthetic_module() -> ModuleType:
    """aanspraak.synthetic (it reads its tariffs and lists from the bundled tables of the
    compiled core, so it needs the package)."""
    from aanspraak import synthetic

    return synthetic


def floor_frame(df: "Any", outputs: int) -> "Any":
    """The floor of issue 6: polars reads every input column and writes ``outputs`` new
    columns with trivial arithmetic (strings: byte length, dates: day of month, booleans:
    negation, numbers and decimals: + themselves). Input column k feeds output k mod
    ``outputs``, so every input column is read."""
    import polars as pl

    def trivial(name: str, dtype: Any) -> Any:
        c = pl.col(name)
        if dtype == pl.String:
            return c.str.len_bytes().cast(pl.Int64)
        if dtype == pl.Date:
            return c.dt.day().cast(pl.Int64)
        if dtype == pl.Boolean:
            return (~c).cast(pl.Int64)
        if isinstance(dtype, pl.Decimal):
            return c + c
        return c.cast(pl.Int64) + 1

    terms: list[list[Any]] = [[] for _ in range(outputs)]
    for k, (name, dtype) in enumerate(df.schema.items()):
        terms[k % outputs].append(trivial(name, dtype))
    exprs = []
    for k, ts in enumerate(terms):
        e = ts[0]
        for t in ts[1:]:
            e = e.cast(pl.Int64) + t.cast(pl.Int64)
        exprs.append(e.alias(f"floor_{k}"))
    return df.with_columns(exprs)


def _input_file(rows: int, policy: str, seed: int, hospital_share: float,
                supplementary_share: float, cache_dir: Path, credit_share: float = 0.0, overig_share: float = 0.0) -> Path:
    """The synthetic input as parquet, written once per parameter set (in this process,
    before the timed child starts, so that building it is not part of the child's peak)."""
    name = f"decl-{rows}-{policy}-{seed}-h{hospital_share:g}-s{supplementary_share:g}.parquet"
    if credit_share:
        name = name.replace(".parquet", f"-c{credit_share:g}.parquet")
    if overig_share:
        name = name.replace(".parquet", f"-o{overig_share:g}.parquet")
    path = cache_dir / name
    if not path.exists():
        synthetic = _synthetic_module()
        cache_dir.mkdir(parents=True, exist_ok=True)
        df = synthetic.declarations(
            rows, seed=seed, policy_set=policy, hospital_share=hospital_share,
            supplementary_share=supplementary_share,
            **({"credit_share": credit_share} if credit_share else {}),
            **({"overig_share": overig_share} if overig_share else {}),
        )
        tmp = path.with_suffix(".tmp")
        df.write_parquet(tmp)
        tmp.rename(path)
    return path


def _arrow_mib(frame: Any) -> float:
    """The Arrow size of `frame` in MiB: every buffer its columns hold, each counted once
    (``pyarrow.Table.get_total_buffer_size``), exported at polars' own layout.

    polars' ``estimated_size()`` leaves out the 16-byte views of its string columns
    (``String`` is Arrow's ``string_view``): for the 10M-line input it reports 1,084 MiB
    while the buffers hold 2,094 MiB, which is also what reading the file adds to the RSS.

    >>> import polars as pl
    >>> round(_arrow_mib(pl.DataFrame({"a": list(range(1 << 17))})), 2)  # 128Ki int64
    1.0
    """
    import polars as pl

    table = frame.to_arrow(compat_level=pl.CompatLevel.newest())
    return table.get_total_buffer_size() / MiB


def run_child(rows: int, repeat: int, policy: str, path: Path) -> dict[str, Any]:
    """Read the input, time the floor and the scoring, return one result record."""
    import polars as pl

    aanspraak = _import_aanspraak()
    record: dict[str, Any] = {"rows": rows, "policy": policy, "repeat": repeat, "input": str(path)}
    df = pl.read_parquet(path)
    record["input_mib"] = _arrow_mib(df)
    record["input_estimated_mib"] = df.estimated_size() / MiB
    score = getattr(aanspraak, "score", None) if aanspraak is not None else None
    if score is None:
        record["error"] = "aanspraak.score is not available (package not built?)"
        return record
    outputs = len(aanspraak.scoring.OUTPUT_COLUMNS)
    gc.collect()
    time.sleep(2)  # let polars' allocator return the parquet reader's buffers
    record["rss_before_score_mib"] = _rss_mib("VmRSS")
    peak_resettable = _reset_peak()

    best = float("inf")
    first = None
    out = None
    try:
        for _ in range(repeat):
            del out
            out = None
            gc.collect()
            t0 = time.perf_counter()
            out = score(df, policy=policy)
            elapsed = time.perf_counter() - t0
            first = elapsed if first is None else first
            best = min(best, elapsed)
    except Exception as exc:  # noqa: BLE001 - one size failing should not stop the rest
        record["error"] = f"{type(exc).__name__}: {exc}"
        return record
    # The peak of the scoring runs only (VmHWM was reset after reading the input).
    record["score_peak_mib"] = _rss_mib("VmHWM") if peak_resettable else None

    floor = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        f = floor_frame(df, outputs)
        floor = min(floor, time.perf_counter() - t0)
        del f
    record["floor_seconds"] = floor

    assert out is not None
    record["seconds"] = best
    record["first_seconds"] = first
    record["rows_per_second"] = rows / best if best > 0 else float("inf")
    record["ratio_to_floor"] = best / floor
    # The output's own columns (the input columns in it are the input's buffers).
    record["output_mib"] = _arrow_mib(out.select(aanspraak.scoring.OUTPUT_COLUMNS))
    record["output_estimated_mib"] = out.select(aanspraak.scoring.OUTPUT_COLUMNS).estimated_size() / MiB
    record["output_rows"] = out.height
    record["peak_rss_mib"] = _peak_rss_mib()
    if record["score_peak_mib"] is not None:
        record["peak_over_arrow"] = record["score_peak_mib"] / (record["input_mib"] + record["output_mib"])
        record["peak_over_estimated"] = record["score_peak_mib"] / (record["input_estimated_mib"] + record["output_estimated_mib"])
    return record


def run_floor_child(rows: int, repeat: int, path: Path) -> dict[str, Any]:
    """The cold floor (issue 18): in a fresh process, read the input as the scoring child
    does, then time :func:`floor_frame` ``repeat`` times; the first run is cold (its
    buffers are fresh memory), the best is warm."""
    import polars as pl

    aanspraak = _import_aanspraak()
    outputs = len(aanspraak.scoring.OUTPUT_COLUMNS) if aanspraak is not None else 13
    df = pl.read_parquet(path)
    gc.collect()
    time.sleep(2)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f = floor_frame(df, outputs)
        times.append(time.perf_counter() - t0)
        del f
    return {"rows": rows, "cold_floor_seconds": times[0], "warm_floor_seconds": min(times)}


def _child_record(cmd: list[str]) -> dict[str, Any] | None:
    """The JSON record a child prints last, or None."""
    proc = subprocess.run(cmd, capture_output=True, text=True)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
    return {"error": f"child exited {proc.returncode}: {tail[0]}"}


def run_parent(args: argparse.Namespace) -> int:
    results: list[dict[str, Any]] = []
    for rows in args.rows:
        t0 = time.perf_counter()
        path = _input_file(
            rows, args.policy, args.seed, args.hospital_share, args.supplementary_share,
            Path(args.cache_dir), args.credit_share, args.overig_share,
        )
        gen = time.perf_counter() - t0
        cmd = [
            sys.executable, os.path.abspath(__file__), "--child", str(rows), "--input", str(path),
            "--repeat", str(args.repeat), "--policy", args.policy,
        ]
        record = _child_record(cmd) or {}
        record.setdefault("rows", rows)
        floor = _child_record([sys.executable, os.path.abspath(__file__), "--floor-child", str(rows), "--input", str(path), "--repeat", str(args.repeat)])
        if floor and "error" not in floor:
            record["cold_floor_seconds"] = floor["cold_floor_seconds"]
            if record.get("first_seconds"):
                record["cold_ratio"] = record["first_seconds"] / floor["cold_floor_seconds"]
        record["input_seconds"] = gen
        results.append(record)
        if args.verbose:
            print(json.dumps(record), file=sys.stderr)

    _print_table(results, args)
    if args.json:
        Path(args.json).write_text("".join(json.dumps(r) + "\n" for r in results))
    return 0 if all("error" not in r for r in results) else 1


def _fmt(value: Any, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def _print_table(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    try:
        import polars as pl

        polars_version = pl.__version__
    except Exception:  # noqa: BLE001
        polars_version = "?"
    print(
        f"aanspraak.score throughput: policy={args.policy}, "
        f"hospital_share={args.hospital_share:g}, "
        f"supplementary_share={args.supplementary_share:g}, credit_share={args.credit_share:g}, overig_share={args.overig_share:g}, best of {args.repeat}, "
        f"python {platform.python_version()}, polars {polars_version}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    header = (
        f"{'rows':>12} {'seconds':>8} {'rows/s':>12} {'floor s':>8} {'÷ floor':>8} {'first s':>8} {'cold fl s':>9} "
        f"{'÷ cold fl':>9} {'before MiB':>10} {'peak MiB':>9} {'in MiB':>8} {'out MiB':>8} {'peak ÷ in+out':>14} {'÷ est.':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['rows']:>12,} {_fmt(r.get('seconds'), '8.3f'):>8} "
            f"{_fmt(r.get('rows_per_second'), '12,.0f'):>12} "
            f"{_fmt(r.get('floor_seconds'), '8.3f'):>8} "
            f"{_fmt(r.get('ratio_to_floor'), '8.2f'):>8} "
            f"{_fmt(r.get('first_seconds'), '8.3f'):>8} "
            f"{_fmt(r.get('cold_floor_seconds'), '9.3f'):>9} "
            f"{_fmt(r.get('cold_ratio'), '9.2f'):>9} "
            f"{_fmt(r.get('rss_before_score_mib'), '10,.0f'):>10} "
            f"{_fmt(r.get('score_peak_mib'), '9,.0f'):>9} "
            f"{_fmt(r.get('input_mib'), '8,.1f'):>8} {_fmt(r.get('output_mib'), '8,.1f'):>8} "
            f"{_fmt(r.get('peak_over_arrow'), '14.2f'):>14} "
            f"{_fmt(r.get('peak_over_estimated'), '7.2f'):>7}"
        )
    print(
        "seconds = best of the timed runs (warm); first s = the first run in that process (cold: its\n"
        "  buffers are fresh memory from the OS). floor s = best time of polars reading every input\n"
        "  column and writing as many columns with trivial arithmetic (floor_frame), same process;\n"
        "  cold fl s = the first floor_frame in a fresh process of its own (read the same way), and\n"
        "  ÷ cold fl = first s ÷ cold fl s (issue 18's cold ratio).\n"
        "before MiB = RSS of the child once the input is read (interpreter, libraries, input);\n"
        "  peak MiB = the child's peak RSS (VmHWM, reset after reading) over the scoring runs;\n"
        "  in/out MiB = the Arrow buffers of the input and of the output columns, each buffer once\n"
        "  (pyarrow get_total_buffer_size); ÷ est. = peak over polars' estimated_size() of both, the\n"
        "  measure used before 2026-12-02, which leaves out the 16-byte views of string columns."
    )
    for r in results:
        if "error" in r:
            print(f"  {r['rows']:,} rows: {r['error']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=int, nargs="+", default=[1_000_000, 10_000_000], help="input sizes"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size (best kept)")
    parser.add_argument("--policy", default="defriesland-2022", help="policy set key")
    parser.add_argument("--seed", type=int, default=0, help="seed for the synthetic input")
    parser.add_argument(
        "--hospital-share", type=float, default=0.0, metavar="FLOAT",
        help="share (0-1) of hospital-care (msz) lines in the synthetic input",
    )
    parser.add_argument(
        "--supplementary-share", type=float, default=0.0, metavar="FLOAT",
        help="share (0-1) of insureds with a supplementary dental product",
    )
    parser.add_argument(
        "--credit-share", type=float, default=0.0, metavar="FLOAT",
        help="share (0-1) of lines credited: a credit line of each is appended (credits_line_id)",
    )
    parser.add_argument(
        "--overig-share", type=float, default=0.0, metavar="FLOAT",
        help="share (0-1) of lines that are other basic-insurance care (domain overig, eigen_risico_exempt)",
    )
    parser.add_argument(
        "--cache-dir", default="/tmp/aanspraak-bench", help="where the synthetic inputs are kept"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the records as JSON lines")
    parser.add_argument("--verbose", action="store_true", help="echo child records to stderr")
    parser.add_argument("--child", type=int, metavar="N", help=argparse.SUPPRESS)
    parser.add_argument("--floor-child", type=int, metavar="N", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    if not 0.0 <= args.hospital_share <= 1.0:
        parser.error("--hospital-share must be in [0, 1]")
    if not 0.0 <= args.supplementary_share <= 1.0:
        parser.error("--supplementary-share must be in [0, 1]")
    if not 0.0 <= args.credit_share <= 1.0:
        parser.error("--credit-share must be in [0, 1]")
    if not 0.0 <= args.overig_share <= 1.0:
        parser.error("--overig-share must be in [0, 1]")

    if args.floor_child is not None:
        print(json.dumps(run_floor_child(args.floor_child, args.repeat, Path(args.input))), flush=True)
        return 0
    if args.child is not None:
        record = run_child(args.child, args.repeat, args.policy, Path(args.input))
        print(json.dumps(record), flush=True)
        return 0
    return run_parent(args)


if __name__ == "__main__":
    sys.exit(main())
