#!/usr/bin/env python3
"""The stateless part of ``benches/polars_rules.py`` as a decision of the
general-purpose rules engine ZEN (GoRules JDM), checked against
``aanspraak.score`` and timed. A benchmark, not a test: it does not run in CI.

Needs ``pip install zen-engine`` (not a dependency of aanspraak).

What the decision computes, per line, with no state across lines: whether the
basic insurance covers it (dental coverage by age, Bzv 2.7 lid 4/5; J87/J19 only
in the esthetic zone; De Friesland 2022's exclusions under 18 and toestemming
vooraf), the Rzv 2.31 eigen bijdrage percentage, and from those ``allowed``
(non-contracted care at 80 % / 75 % of the reference tariff) and the eigen
bijdrage in cents, half up. The graph is built here as JSON: input node ->
decision table "coverage" (hit policy first, 16 rules, columns age, section,
code, tags, jaw, provider, esthetic zone, authorization false) -> expression
node "money" -> output node. The eigen risico and the supplementary cap need an
insured's earlier lines and are left out. Note: a table cell that ZEN cannot
parse (``!("a" in $ or "b" in $)`` in 2.1.3) does not raise, it just never
matches; ``some``/``none`` are used instead, and the check against aanspraak is
what catches such slips.

The data is that of ``polars_rules.py`` (same generator, same restriction; see
its docstring). Each line becomes one context dict: the line's fields plus the
code facts (section, tags, jaw) from aanspraak's code table, as a rules-engine
user would pass them; building the dicts is timed separately.

Evaluation modes (zen-engine 2.x Python API; the docs' advice is to compile
the decision once and reuse it):

- ``each``: ``ZenEngine().create_decision(content)``, then
  ``decision.evaluate(ctx)`` per line;
- ``batch``: ``ZenEngine({"loader": {"type": "static", ...}}).evaluate_batch``
  over chunks of ``--chunk`` requests;
- ``loop``: the same nodes in *loop mode* (``executionMode: "loop"``), one
  ``evaluate({"lines": [...]})`` per chunk of ``--chunk`` lines.

Usage::

    python benches/zen_rules.py --rows 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import polars as pl
import zen

import aanspraak

sys.path.insert(0, str(Path(__file__).resolve().parent))
import polars_rules as pr  # noqa: E402  (the data and the constants)

TAG_LIST = ["temp_crown_implant", "esthetic_zone_surcharge", "no_show", "implant",
            "non_plastic", "orthodontic", "full_denture", "implant_denture", "denture_combo",
            "denture_repair", "specialist_surgery", "simple_extraction", "perio_surgery", "xray"]
MODES = ("each", "batch", "loop")


def _quoted(values: list[str]) -> str:
    """A unary list test: "a", "b"."""
    return ", ".join(json.dumps(v) for v in values)


def decision_graph(loop: bool = False) -> dict[str, Any]:
    """The JDM graph: coverage table -> money expressions. With ``loop`` both
    nodes run over the array ``lines`` and write ``results``."""
    cols = {  # column id -> input field (an expression on the context)
        "age": "age", "section": "section", "code": "code", "tags": "tags", "jaw": "jaw",
        "provider": "provider",
        "zone": "(element >= 11 and element <= 14) or (element >= 21 and element <= 24)",
        "auth_false": "authorization == false",
    }
    any_tag = lambda *t: f"some($, # in [{_quoted(list(t))}])"  # noqa: E731
    no_tag = lambda *t: f"none($, # in [{_quoted(list(t))}])"  # noqa: E731
    adult, youth = ">= 18", "< 18"
    rules: list[tuple[dict[str, str], bool, int]] = [  # (cells, covered, eigen bijdrage %)
        # refusals first: code rules, authorisation, insurer exclusions
        ({"tags": any_tag("temp_crown_implant", "esthetic_zone_surcharge"), "zone": "false"}, False, 0),
        ({"tags": any_tag("no_show")}, False, 0),
        ({"age": youth, "code": _quoted(pr.AUTH_UNDER_18), "auth_false": "true"}, False, 0),
        ({"code": _quoted(pr.AUTH_ANY_AGE), "auth_false": "true"}, False, 0),
        ({"age": adult, "tags": any_tag("implant_denture", "denture_combo"), "auth_false": "true"},
         False, 0),
        ({"age": adult, "code": _quoted(pr.AUTH_FROM_18), "auth_false": "true"}, False, 0),
        ({"age": youth, "code": _quoted(pr.EXCLUDED_UNDER_18)}, False, 0),
        # Bzv 2.7 lid 4: under 18
        ({"age": youth, "section": _quoted(pr.YOUTH_SECTIONS),
          "tags": no_tag("implant", "non_plastic", "orthodontic")}, True, 0),
        # Bzv 2.7 lid 5 sub b with Rzv 2.31 lid 2-4 and J50
        ({"age": adult, "tags": any_tag("denture_combo")}, True, pr.EB_PCT["denture_combo"]),
        ({"age": adult, "tags": any_tag("implant_denture"), "jaw": '"upper"'}, True,
         pr.EB_PCT["implant_denture_upper"]),
        ({"age": adult, "tags": any_tag("implant_denture")}, True, pr.EB_PCT["implant_denture_lower"]),
        ({"age": adult, "tags": any_tag("full_denture")}, True, pr.EB_PCT["full_denture"]),
        ({"age": adult, "tags": any_tag("denture_repair")}, True, pr.EB_PCT["denture_repair"]),
        # Bzv 2.7 lid 5 sub a: specialist surgery and X-rays by a kaakchirurg
        ({"age": adult, "provider": '"kaakchirurg"', "tags": '"specialist_surgery" in $ and '
          + no_tag("simple_extraction", "perio_surgery", "implant")}, True, 0),
        ({"age": adult, "provider": '"kaakchirurg"',
          "tags": '"xray" in $ and ' + no_tag("orthodontic")}, True, 0),
        ({}, False, 0),  # everything else: not covered
    ]
    table_rules = [{"_id": f"r{i}", **{f"in_{k}": cells.get(k, "") for k in cols},
                    "out_covered": json.dumps(covered), "out_pct": str(pct)}
                   for i, (cells, covered, pct) in enumerate(rules)]
    share = (f'product == "zelf-bewust" ? {pr.NON_CONTRACTED_PCT["zelf-bewust"]} '
             f': {pr.NON_CONTRACTED_PCT["alles-verzorgd"]}')
    allowed = (f"not covered ? 0 : contracted ? amount : "
               f"min([amount, floor((tariff * ({share}) + 50) / 100)])")
    money = [("covered", "covered"), ("allowed", allowed),
             ("eigenBijdrage", "min([$.allowed, floor(($.allowed * ebPct + 50) / 100)])")]
    mode = ({"executionMode": "loop", "inputField": "lines", "outputPath": "results"}
            if loop else {})
    nodes = [
        {"id": "in", "name": "request", "type": "inputNode"},
        {"id": "table", "name": "coverage", "type": "decisionTableNode", "content": {
            "hitPolicy": "first", "passThrough": True,
            "inputs": [{"id": f"in_{k}", "name": k, "field": f} for k, f in cols.items()],
            "outputs": [{"id": "out_covered", "name": "covered", "field": "covered"},
                        {"id": "out_pct", "name": "ebPct", "field": "ebPct"}],
            "rules": table_rules, **mode}},
        {"id": "money", "name": "money", "type": "expressionNode", "content": {
            "expressions": [{"id": k, "key": k, "value": v} for k, v in money],
            **({"executionMode": "loop", "inputField": "results", "outputPath": "results"}
               if loop else {})}},
        {"id": "out", "name": "response", "type": "outputNode"},
    ]
    edges = [{"id": f"e{i}", "sourceId": a, "targetId": b}
             for i, (a, b) in enumerate([("in", "table"), ("table", "money"), ("money", "out")])]
    return {"nodes": nodes, "edges": edges}


def contexts(decl: pl.DataFrame, codes: pl.DataFrame) -> list[dict[str, Any]]:
    """One context dict per line: line fields (money in cents) and code facts."""
    tags = pl.concat_list(pl.when(pl.col(t)).then(pl.lit(t)) for t in TAG_LIST).list.drop_nulls()
    facts = codes.select("code", "section", tags.alias("tags"),
                         jaw=pl.when(pl.col("upper_jaw")).then(pl.lit("upper")))
    return decl.join(facts, on="code", how="left", maintain_order="left").select(
        pr.age_expr().alias("age"),
        "code", "section", "tags", "jaw",
        provider="provider_type", element=pl.col("element").fill_null(0),
        authorization="authorization", contracted=pl.col("contracted").fill_null(True),
        amount="amount_cents",
        tariff=pl.coalesce((pl.col("reference_tariff") * 100).cast(pl.Int64), "amount_cents"),
        product="basic_product",
    ).to_dicts()


def run_each(content: str, ctxs: list[dict[str, Any]], chunk: int) -> list[dict[str, Any]]:
    """Mode ``each``: one compiled decision, one ``evaluate`` call per line."""
    decision = zen.ZenEngine().create_decision(content)
    return [decision.evaluate(c)["result"] for c in ctxs]


def run_batch(content: str, ctxs: list[dict[str, Any]], chunk: int) -> list[dict[str, Any]]:
    """Mode ``batch``: ``ZenEngine.evaluate_batch`` over ``chunk`` requests at a time."""
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"d": json.loads(content)}}})
    out: list[dict[str, Any]] = []
    for i in range(0, len(ctxs), chunk):
        res = engine.evaluate_batch([{"key": "d", "context": c} for c in ctxs[i:i + chunk]])
        out.extend(r["data"]["result"] for r in res)
    return out


def run_loop(content: str, ctxs: list[dict[str, Any]], chunk: int) -> list[dict[str, Any]]:
    """Mode ``loop``: the loop-mode graph, one ``evaluate`` per ``chunk`` lines."""
    decision = zen.ZenEngine().create_decision(content)
    out: list[dict[str, Any]] = []
    for i in range(0, len(ctxs), chunk):
        out.extend(decision.evaluate({"lines": ctxs[i:i + chunk]})["result"]["results"])
    return out


RUNNERS: dict[str, Callable[[str, list[dict[str, Any]], int], list[dict[str, Any]]]] = {
    "each": run_each, "batch": run_batch, "loop": run_loop}


def check(results: list[dict[str, Any]], expected: pl.DataFrame, mode: str, show: int = 5) -> int:
    """Compare zen's results with aanspraak's first lines; print examples, return bad lines."""
    got = pl.DataFrame({"basic_covered": [r["covered"] for r in results],
                        "allowed": [int(r["allowed"]) for r in results],
                        "eigen_bijdrage": [int(r["eigenBijdrage"]) for r in results]},
                       schema={"basic_covered": pl.Boolean, "allowed": pl.Int64,
                               "eigen_bijdrage": pl.Int64})
    exp = expected.head(len(results))
    cols = ["basic_covered", "allowed", "eigen_bijdrage"]
    both = exp.hstack(got.select(pl.all().name.suffix("_zen")))
    bad = both.filter(pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}_zen")) for c in cols))
    if bad.height:
        print(f"MISMATCH ({mode}): {bad.height:,} lines, e.g.")
        print(bad.head(show))
    return bad.height


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """One warm-up call, then the best of ``repeat`` timed calls and the last result
    (``polars_rules.best_of`` without its memory figures)."""
    best, out, _, _ = pr.best_of(fn, repeat)
    return best, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="declaration lines")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after one warm-up")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--chunk", type=int, default=20_000, help="lines per batch / loop call")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--each-rows", type=int, default=10_000,
                        help="lines for the slow 'each' mode (the first N)")
    parser.add_argument("--supplementary-share", type=float, default=0.5)
    args = parser.parse_args(argv)
    pr.check_constants()
    codes = pr.code_table()
    decl = pr.make_declarations(args.rows, args.seed, args.supplementary_share, codes)
    n = decl.height
    print(f"{n:,} synthetic lines (restricted as in polars_rules.py), zen-engine "
          f"{version('zen-engine')}, chunk {args.chunk:,}")

    ctx_s, ctxs = best_of(lambda: contexts(decl, codes), args.repeat)
    aanspraak_s, scored = best_of(lambda: aanspraak.score(decl, policy=pr.POLICY), args.repeat)
    expected = scored.select("basic_covered", *((pl.col(m) * 100).cast(pl.Int64)
                                                 for m in ("allowed", "eigen_bijdrage")))
    del scored
    rows: list[tuple[str, int, float]] = [("aanspraak.score (all rules)", n, aanspraak_s)]
    bad = 0
    for mode in args.modes:
        content = json.dumps(decision_graph(loop=mode == "loop"))
        lines = ctxs[:args.each_rows] if mode == "each" else ctxs
        seconds, results = best_of(lambda: RUNNERS[mode](content, lines, args.chunk), args.repeat)
        bad += check(results, expected, mode)
        rows.append((f"zen {mode}", len(lines), seconds))
    rows.append(("(building the context dicts)", n, ctx_s))

    print(f"amounts and coverage equal to aanspraak on every line: "
          f"{'YES' if bad == 0 else f'NO ({bad:,} lines differ)'}")
    print(f"\nbest of {args.repeat} after one warm-up; python {platform.python_version()}, "
          f"polars {pl.__version__}, aanspraak {aanspraak.__version__}")
    print(f"{'implementation':<30} {'lines':>9} {'seconds':>9} {'lines/s':>11} "
          f"{'time per line / aanspraak':>26}")
    for name, lines, s in rows:
        print(f"{name:<30} {lines:>9,} {s:>9.3f} {lines / s:>11,.0f} "
              f"{(s / lines) / (aanspraak_s / n):>25,.1f}x")
    print("zen rows exclude building the context dicts (last row); aanspraak reads the frame.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
