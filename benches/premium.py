#!/usr/bin/env python3
"""Time the premium figures of issue 17 on a SYNTHETIC portfolio: ``aanspraak.exposure``
and ``aanspraak.schadelast(..., exposure=members)`` on about 10M scored lines of 2M
members (``aanspraak.synthetic.members`` and ``declarations_for``), each the best of
``--repeat`` runs in this process, with the peak RSS.

Usage::

    python benches/premium.py --members 2000000 --repeat 3
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings
from pathlib import Path

import polars as pl

import aanspraak
from aanspraak import synthetic


def _best(repeat: int, work) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = work()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=2_000_000)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache-dir", default="/tmp/aanspraak-bench")
    args = parser.parse_args()
    cache = Path(args.cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    m_path, s_path = cache / f"members-{args.members}-{args.year}.parquet", cache / f"scored-{args.members}-{args.year}.parquet"
    if not s_path.exists():
        members = synthetic.members(args.members, seed=0, years=(args.year, args.year))
        scored = aanspraak.score(synthetic.declarations_for(members, seed=0, years=(args.year, args.year)))
        members.write_parquet(m_path)
        scored.write_parquet(s_path)
    members, scored = pl.read_parquet(m_path), pl.read_parquet(s_path)
    by = ["age_band", "product"]
    print(f"{scored.height:,} scored lines, {members.height:,} members, {args.year}; best of {args.repeat}")
    cells = ["age_band", "supplementary_product"]
    t, e = _best(args.repeat, lambda: aanspraak.exposure(members, by=cells, years=args.year))
    print(f"exposure(members, by={cells}): {t:6.2f} s  ({len(e):,} cells)")  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, s = _best(args.repeat, lambda: aanspraak.schadelast(scored, by=by, exposure=members))
    print(f"schadelast(scored, by={by}, exposure=):  {t:6.2f} s  ({len(s):,} cells)")  # type: ignore[arg-type]
    t, _ = _best(args.repeat, lambda: aanspraak.schadelast(scored, by=by))
    print(f"schadelast(scored, by={by}) (no exposure): {t:6.2f} s")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
