"""Checks of a scored frame against tests/reference.py and the money invariants, shared by
the small (test_reference.py) and the large (test_chunks.py) property tests."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

import aanspraak
import reference

ZERO = Decimal("0.00")

#: Products whose only limit is the annual maximum (no sub-limit that another year or
#: rule shares), so that the reference's annual-maximum walk is the whole story.
ANNUAL_ONLY = ["av-tand-opstap", "av-tand-doorstap", "av-tand-standaard", "av-tand-extra"]


def assert_money(out: pl.DataFrame) -> None:
    """Valid lines: amount = basic_paid + supplementary_paid + patient_paid, every part ≥ 0,
    basic_paid = allowed - eigen_bijdrage - eigen_risico. Invalid lines: nothing paid."""
    ok = out.filter(pl.col("reason") != "INVALID_INPUT")
    money = ["allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "supplementary_paid", "patient_paid"]
    neg = ok.filter(pl.any_horizontal(pl.col(c) < 0 for c in money))
    assert neg.is_empty(), neg.select("line_id", *money).head(5)
    split = ok.filter(pl.col("basic_paid") + pl.col("supplementary_paid") + pl.col("patient_paid") != pl.col("amount"))
    assert split.is_empty(), split.select("line_id", "amount", *money).head(5)
    basic = ok.filter(pl.col("basic_paid") != pl.col("allowed") - pl.col("eigen_bijdrage") - pl.col("eigen_risico"))
    assert basic.is_empty(), basic.select("line_id", *money).head(5)
    bad = out.filter(pl.col("reason") == "INVALID_INPUT")
    paid = bad.filter(pl.any_horizontal(pl.col(c) != 0 for c in money[:-1]))
    assert paid.is_empty(), paid.select("line_id", *money).head(5)


def _rows(df: pl.DataFrame, out: pl.DataFrame, extra: list[str]) -> list[dict]:
    cols = ["line_id", "insured_id", "birth_date", "treatment_date", "insured_from", "insured_to", "voluntary_deductible",
            "supplementary_product"]
    have = [c for c in cols if c in df.columns]
    joined = df.select(have).join(out.select("line_id", "reason", *extra), on="line_id")
    rows = joined.to_dicts()
    for r in rows:
        r["valid"] = r.pop("reason") != "INVALID_INPUT"
    return rows


def assert_eigen_risico(df: pl.DataFrame, out: pl.DataFrame, policy: aanspraak.Policy) -> None:
    """The engine's eigen_risico per line equals the reference's pots walk."""
    rows = _rows(df, out, ["allowed", "eigen_bijdrage", "eigen_risico"])
    want = reference.eigen_risico(rows, policy)
    wrong = [(r["line_id"], r["insured_id"], r["treatment_date"], r["eigen_risico"], want[r["line_id"]]) for r in rows
             if r["eigen_risico"] != want[r["line_id"]]]
    assert not wrong, f"{len(wrong)} lines: (line_id, insured, date, engine, reference) {wrong[:5]}"


_UNCAPPED: dict[int, tuple[aanspraak.Policy, aanspraak.Policy]] = {}


def _uncapped(policy: aanspraak.Policy) -> aanspraak.Policy:
    """`policy` without the annual maxima of ANNUAL_ONLY (compiled once per policy)."""
    if id(policy) not in _UNCAPPED:
        _UNCAPPED[id(policy)] = (policy, policy.with_values({f"supplementary.{p}.annual_max_eur": None for p in ANNUAL_ONLY}))
    return _UNCAPPED[id(policy)][1]


def assert_supplementary_caps(df: pl.DataFrame, out: pl.DataFrame, policy: aanspraak.Policy) -> None:
    """For lines of a product whose only limit is its annual maximum: supplementary_paid
    equals the reference's walk over the uncapped claims, and the reason says when the
    maximum bound."""
    if "supplementary_product" not in df.columns:
        return
    uncapped_policy = _uncapped(policy)
    uncapped = aanspraak.score(df, policy=uncapped_policy).select("line_id", pl.col("supplementary_paid").alias("claim"),
                                                                  pl.col("supplementary_reason").cast(pl.String).alias("uncapped_reason"))
    rows = _rows(df, out.join(uncapped, on="line_id"), ["claim", "uncapped_reason", "supplementary_paid", "supplementary_reason"])
    for r in rows:
        p = r["supplementary_product"]
        r["supplementary_product"] = p.strip() if p is not None and p.strip() in ANNUAL_ONLY else None
    rows = [r for r in rows if r["valid"] and r["supplementary_product"] is not None]
    want = reference.supplementary_capped(rows, policy)
    wrong = []
    for r in rows:
        paid, bound = want[r["line_id"]]
        reason = "ANNUAL_MAXIMUM_REACHED" if bound else r["uncapped_reason"]
        if (r["supplementary_paid"], str(r["supplementary_reason"])) != (paid, reason):
            wrong.append((r["line_id"], r["insured_id"], r["treatment_date"], r["supplementary_product"], r["claim"],
                          (r["supplementary_paid"], str(r["supplementary_reason"])), (paid, reason)))
    assert not wrong, f"{len(wrong)} lines: (line_id, insured, date, product, claim, engine, reference) {wrong[:5]}"
