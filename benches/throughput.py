#!/usr/bin/env python3
"""Throughput benchmark for ``aanspraak.score`` on SYNTHETIC declarations.

For each size in ``--rows`` this script starts a fresh copy of itself
(``--child N``), so that every size has its own process and its own peak
memory. The child

1. builds ``N`` synthetic declaration lines with
   ``aanspraak.synthetic.declarations`` -- dental, plus a ``--hospital-share``
   of hospital-care (msz) lines, with a ``--supplementary-share`` of insureds
   holding a supplementary dental product -- (not timed as part of the score; its time
   is reported separately),
2. times ``aanspraak.score(df, policy=...)`` ``--repeat`` times with
   ``time.perf_counter`` and keeps the best run,
3. prints one JSON line with the results.

The parent collects those lines and prints a table: rows, seconds, rows/s,
peak RSS and the Arrow size (``DataFrame.estimated_size()``) of input and
output. Peak RSS is ``ru_maxrss`` from ``resource.getrusage`` for the child
process: the process peak, which includes building the input.

Usage::

    python benches/throughput.py --rows 1000000 10000000 --repeat 3 \\
        --policy defriesland-2022 --hospital-share 0.3 --supplementary-share 1
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
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
    """aanspraak.synthetic, or the module file on its own if the package
    cannot be imported."""
    try:
        from aanspraak import synthetic

        return synthetic
    except Exception:  # noqa: BLE001
        path = REPO / "python" / "aanspraak" / "synthetic.py"
        spec = importlib.util.spec_from_file_location("_aanspraak_synthetic", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


def run_child(
    rows: int, repeat: int, policy: str, seed: int, hospital_share: float = 0.0,
    supplementary_share: float = 0.0,
) -> dict[str, Any]:
    """Build the input, time the scoring, return one result record."""
    aanspraak = _import_aanspraak()
    synthetic = _synthetic_module()
    record: dict[str, Any] = {
        "rows": rows, "policy": policy, "repeat": repeat, "hospital_share": hospital_share,
        "supplementary_share": supplementary_share,
    }

    t0 = time.perf_counter()
    df = synthetic.declarations(
        rows, seed=seed, policy_set=policy, hospital_share=hospital_share,
        supplementary_share=supplementary_share,
    )
    record["gen_seconds"] = time.perf_counter() - t0
    record["input_mib"] = df.estimated_size() / MiB
    gc.collect()
    record["peak_rss_after_gen_mib"] = _peak_rss_mib()

    score = getattr(aanspraak, "score", None) if aanspraak is not None else None
    if score is None:
        record["error"] = "aanspraak.score is not available (package not built?)"
        record["peak_rss_mib"] = _peak_rss_mib()
        return record

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
            if hasattr(out, "collect"):  # tolerate a LazyFrame result
                out = out.collect()
            elapsed = time.perf_counter() - t0
            first = elapsed if first is None else first
            best = min(best, elapsed)
    except Exception as exc:  # noqa: BLE001 - one size failing should not stop the rest
        record["error"] = f"{type(exc).__name__}: {exc}"
        record["peak_rss_mib"] = _peak_rss_mib()
        return record

    assert out is not None
    record["seconds"] = best
    record["first_seconds"] = first
    record["rows_per_second"] = rows / best if best > 0 else float("inf")
    record["output_mib"] = out.estimated_size() / MiB
    record["output_rows"] = out.height
    record["peak_rss_mib"] = _peak_rss_mib()
    return record


def run_parent(args: argparse.Namespace) -> int:
    results: list[dict[str, Any]] = []
    for rows in args.rows:
        cmd = [
            sys.executable,
            os.path.abspath(__file__),
            "--child",
            str(rows),
            "--repeat",
            str(args.repeat),
            "--policy",
            args.policy,
            "--seed",
            str(args.seed),
            "--hospital-share",
            repr(args.hospital_share),
            "--supplementary-share",
            repr(args.supplementary_share),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        record = None
        for line in reversed(proc.stdout.splitlines()):
            if line.startswith("{"):
                record = json.loads(line)
                break
        if record is None:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            record = {"rows": rows, "error": f"child exited {proc.returncode}: {tail[0]}"}
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
        f"supplementary_share={args.supplementary_share:g}, best of {args.repeat}, "
        f"python {platform.python_version()}, polars {polars_version}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    header = (
        f"{'rows':>12} {'seconds':>9} {'rows/s':>12} {'first s':>8} {'peak RSS MiB*':>14} "
        f"{'input MiB':>10} {'output MiB':>11} {'gen s':>7} {'gen peak MiB':>13}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['rows']:>12,} {_fmt(r.get('seconds'), '9.3f'):>9} "
            f"{_fmt(r.get('rows_per_second'), '12,.0f'):>12} "
            f"{_fmt(r.get('first_seconds'), '8.3f'):>8} "
            f"{_fmt(r.get('peak_rss_mib'), '14,.0f'):>14} "
            f"{_fmt(r.get('input_mib'), '10,.1f'):>10} {_fmt(r.get('output_mib'), '11,.1f'):>11} "
            f"{_fmt(r.get('gen_seconds'), '7.2f'):>7} "
            f"{_fmt(r.get('peak_rss_after_gen_mib'), '13,.0f'):>13}"
        )
    print(
        "seconds = best of the timed runs; first s = the first run in that process (cold: its buffers\n"
        "  are fresh memory from the OS).\n"
        "* peak RSS = ru_maxrss (resource.getrusage) of the child process that ran "
        "that size: the process peak,\n  which includes building the synthetic input "
        "('gen s', not part of 'seconds'; 'gen peak' = ru_maxrss right after it).\n"
        "  input/output MiB = DataFrame.estimated_size() (Arrow buffers)."
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
        "--hospital-share",
        type=float,
        default=0.0,
        metavar="FLOAT",
        help="share (0-1) of hospital-care (msz) lines in the synthetic input",
    )
    parser.add_argument(
        "--supplementary-share",
        type=float,
        default=0.0,
        metavar="FLOAT",
        help="share (0-1) of insureds with a supplementary dental product",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the records as JSON lines")
    parser.add_argument("--verbose", action="store_true", help="echo child records to stderr")
    parser.add_argument("--child", type=int, metavar="N", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    if not 0.0 <= args.hospital_share <= 1.0:
        parser.error("--hospital-share must be in [0, 1]")
    if not 0.0 <= args.supplementary_share <= 1.0:
        parser.error("--supplementary-share must be in [0, 1]")

    if args.child is not None:
        record = run_child(
            args.child, args.repeat, args.policy, args.seed, args.hospital_share,
            args.supplementary_share,
        )
        print(json.dumps(record), flush=True)
        return 0
    return run_parent(args)


if __name__ == "__main__":
    sys.exit(main())
