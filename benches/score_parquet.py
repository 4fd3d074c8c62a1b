#!/usr/bin/env python3
"""Benchmark ``aanspraak.score_parquet`` on a SYNTHETIC parquet dataset larger than one
``score`` call would comfortably hold.

1. Writes ``--rows`` synthetic lines to ``--dir/input/`` in files of ``--file-rows``
   lines (once; reused when present with the same size). Each file is drawn with its own
   seed, so insured ids repeat across files and an insured's lines are spread over them.
2. Runs ``score_parquet(dir/input/*.parquet, dir/output, lines_per_bucket=...)`` in a
   child process and reports its wall time, lines/s and peak RSS (``ru_maxrss`` of the
   child).

Usage::

    python benches/score_parquet.py --rows 20000000 --dir /tmp/aanspraak-big
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path


def write_input(d: Path, rows: int, file_rows: int) -> None:
    import aanspraak

    marker = d / f"rows-{rows}-{file_rows}"
    if marker.exists():
        return
    shutil.rmtree(d / "input", ignore_errors=True)
    (d / "input").mkdir(parents=True)
    for i, start in enumerate(range(0, rows, file_rows)):
        n = min(file_rows, rows - start)
        decl = aanspraak.synthetic.declarations(n, seed=i, supplementary_share=0.6, hospital_share=0.1)
        decl.drop("line_id").write_parquet(d / "input" / f"part-{i:04d}.parquet")
    marker.touch()


def child(d: Path, lines_per_bucket: int) -> None:
    import aanspraak

    shutil.rmtree(d / "output", ignore_errors=True)
    t0 = time.perf_counter()
    parts = aanspraak.score_parquet(str(d / "input" / "*.parquet"), d / "output", lines_per_bucket=lines_per_bucket, progress=False)
    dt = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"lines": int(parts["lines"].sum()), "buckets": parts.height, "seconds": round(dt, 1),
                      "lines_per_s": round(parts["lines"].sum() / dt), "peak_rss_mib": round(peak)}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20_000_000)
    ap.add_argument("--file-rows", type=int, default=5_000_000)
    ap.add_argument("--lines-per-bucket", type=int, default=2_000_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/aanspraak-big"))
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.dir, a.lines_per_bucket)
        return
    t0 = time.perf_counter()
    write_input(a.dir, a.rows, a.file_rows)
    print(f"input: {a.rows:,} synthetic lines in {a.dir / 'input'} ({time.perf_counter() - t0:.0f} s to prepare)")
    out = subprocess.run([sys.executable, __file__, "--child", "--dir", str(a.dir), "--lines-per-bucket", str(a.lines_per_bucket)],
                         check=True, capture_output=True, text=True).stdout
    print(out.strip())


if __name__ == "__main__":
    main()
