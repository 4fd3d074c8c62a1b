#!/usr/bin/env python3
"""Benchmark ``aanspraak.compare`` against ``aanspraak.score`` on SYNTHETIC declarations.

Builds ``--rows`` synthetic lines once, then times (best of ``--repeat``, after one
warm-up call each):

* ``score``: one ``aanspraak.score(decl, base)``;
* ``compare``: ``aanspraak.compare(decl, scenarios)`` with ``--scenarios`` scenarios
  derived from the base, in one of two mixes (``--mix``):

  - ``whatif`` (default): the base itself, eigen risico EUR 165, a supplementary cap of
    EUR 100 on av-tand-standaard, av-tand-opstap paying 100 % instead of 80 %: each
    scenario reruns only the passes its change touches;
  - ``basic``: the base, eigen risico EUR 165, the cap of EUR 100, and non-contracted
    care at 100 % (a change of the basic product: that scenario reruns every pass);

  beyond four, eigen risico variants are added.

and prints rows/s of each, the ratio compare/score (the issue asks for < 2.5 with four
scenarios) and the peak RSS of the process (``ru_maxrss``, includes building the input).

Usage::

    python benches/compare.py --rows 10000000 --scenarios 4 --repeat 3 [--mix basic]
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import aanspraak


def scenarios(n: int, mix: str = "whatif") -> dict[str, aanspraak.Policy]:
    base = aanspraak.Policy.load("defriesland-2022")
    pool = {
        "base": base,
        "er165": base.with_eigen_risico(165),
        "cap100": base.with_supplementary("av-tand-standaard", annual_max_eur=100),
    }
    if mix == "basic":
        pool["nc100"] = base.with_basic("alles-verzorgd", non_contracted_share_pct=100)
    else:
        pool["opstap100"] = base.with_supplementary("av-tand-opstap", rule=0, share_pct=100)
    for i in range(len(pool), n):
        pool[f"er{100 + i * 10}"] = base.with_eigen_risico(100 + i * 10)
    return dict(list(pool.items())[:n])


def best(f, repeat: int) -> float:
    f()  # warm-up: first-touch page faults are not what we compare
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--scenarios", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--mix", choices=["whatif", "basic"], default="whatif")
    ap.add_argument("--supplementary-share", type=float, default=0.6)
    ap.add_argument("--hospital-share", type=float, default=0.1)
    ap.add_argument("--json", action="store_true", help="one JSON line instead of text")
    a = ap.parse_args()
    t0 = time.perf_counter()
    decl = aanspraak.synthetic.declarations(
        a.rows, seed=2026, supplementary_share=a.supplementary_share, hospital_share=a.hospital_share
    )
    build = time.perf_counter() - t0
    sc = scenarios(a.scenarios, a.mix)
    base = sc["base"]
    t_score = best(lambda: aanspraak.score(decl, base), a.repeat)
    t_compare = best(lambda: aanspraak.compare(decl, sc), a.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res = {
        "rows": a.rows,
        "mix": a.mix,
        "scenarios": list(sc),
        "score_s": round(t_score, 3),
        "compare_s": round(t_compare, 3),
        "ratio": round(t_compare / t_score, 2),
        "score_rows_per_s": round(a.rows / t_score),
        "compare_line_scenarios_per_s": round(a.rows * len(sc) / t_compare),
        "peak_rss_mib": round(peak),
        "input_build_s": round(build, 1),
    }
    if a.json:
        print(json.dumps(res))
        return
    print(f"{a.rows:,} synthetic lines (built in {build:.1f} s), {len(sc)} scenarios: {', '.join(sc)}")
    print(f"score    best of {a.repeat}: {t_score:7.3f} s  {a.rows / t_score:>12,.0f} lines/s")
    print(f"compare  best of {a.repeat}: {t_compare:7.3f} s  {a.rows * len(sc) / t_compare:>12,.0f} line-scenarios/s")
    print(f"ratio compare/score: {t_compare / t_score:.2f}   peak RSS {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
