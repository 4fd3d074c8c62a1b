#!/usr/bin/env python3
"""Same output, bit for bit, from two builds of aanspraak (issue 15).

A refactoring must not change a single output value. This script scores one input with
two copies of the package (each a directory holding an ``aanspraak/`` package with its
compiled ``_core``: e.g. a copy taken before the change and the working tree's
``python/``), each in a process of its own, writes both outputs to parquet and compares
every column, value and null. It prints the columns compared and, on a difference, the
first differing rows, and exits 1.

Usage::

    python benches/same_output.py --input decl.parquet --policy defriesland-2022 \\
        --before /work/before15 --after python

The input is any parquet file of declaration lines, e.g. one written by
``benches/throughput.py`` (its ``--cache-dir``) or by ``aanspraak.synthetic``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import sys
sys.path.insert(0, sys.argv[1])
import polars as pl
import aanspraak
assert aanspraak.__file__.startswith(sys.argv[1]), aanspraak.__file__
df = pl.read_parquet(sys.argv[2])
out = aanspraak.score(df, policy=sys.argv[3])
out.write_parquet(sys.argv[4])
print(aanspraak.__file__, out.shape)
"""


def score_with(package_dir: Path, input_path: Path, policy: str, out: Path) -> None:
    """Score ``input_path`` with the package found in ``package_dir`` into ``out``."""
    subprocess.run(
        [sys.executable, "-c", CHILD, str(package_dir.resolve()), str(input_path), policy, str(out)],
        check=True,
    )


def compare(before: Path, after: Path) -> list[str]:
    """The differences between two scored outputs, as lines of text (empty when equal)."""
    import polars as pl

    a, b = pl.read_parquet(before), pl.read_parquet(after)
    problems: list[str] = []
    if a.schema != b.schema:
        problems.append(f"schemas differ:\n  before {dict(a.schema)}\n  after  {dict(b.schema)}")
        return problems
    if a.height != b.height:
        problems.append(f"row counts differ: {a.height} before, {b.height} after")
        return problems
    for name in a.columns:
        x, y = a[name], b[name]
        same = (x == y) | (x.is_null() & y.is_null())
        bad = (~same.fill_null(False)).arg_true()
        if len(bad):
            rows = bad.head(5).to_list()
            problems.append(
                f"{name}: {len(bad)} rows differ, first rows {rows}: "
                f"before {x.gather(rows).to_list()} after {y.gather(rows).to_list()}"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--input", required=True, type=Path, help="parquet file of declaration lines")
    p.add_argument("--policy", default="defriesland-2022", help="bundled policy set key")
    p.add_argument("--before", required=True, type=Path, help="directory holding the old aanspraak/")
    p.add_argument("--after", required=True, type=Path, help="directory holding the new aanspraak/")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        outs = [Path(tmp) / "before.parquet", Path(tmp) / "after.parquet"]
        for pkg, out in zip((args.before, args.after), outs):
            score_with(pkg, args.input, args.policy, out)
        problems = compare(*outs)
        import polars as pl

        frame = pl.read_parquet(outs[0])
    if problems:
        print("DIFFERENT:\n" + "\n".join(problems))
        return 1
    print(f"same output: {frame.height:,} rows x {frame.width} columns ({', '.join(frame.columns)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
