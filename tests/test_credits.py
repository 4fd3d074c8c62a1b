"""Credit lines (docs/rules.md#credit-lines, issue 16 item 2): a row with
``credits_line_id`` reverses the line it names. Both get reason CREDITED and 0.00 in every
money column, and every other line is scored as if the original had never been declared:
the eigen risico, the frequency limits and the supplementary maxima it used are free
again. A credit that fails a check is INVALID_INPUT with its own message and its original
stays an ordinary line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import aanspraak
from conftest import D, assert_conserved, d, lines, score
from strategies import assert_same, frame, portfolio
from test_chunks import ROWS_PER_CHUNK, as_batches, replicate

ADULT = d("1970-01-01")
#: An adult's extraction by a kaakchirurg: covered (Bzv 2.7 lid 5 sub a), under the eigen risico.
H35 = {"insured_id": "A", "birth_date": ADULT, "code": "H35", "provider_type": "kaakchirurg"}
EXTRA = {"supplementary_product": "av-tand-extra", "supplementary_start": d("2020-01-01")}
MONEY = ["allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "supplementary_paid", "patient_paid"]


def by_id(out: pl.DataFrame) -> dict[int, dict]:
    return {r["line_id"]: r for r in out.iter_rows(named=True)}


def test_a_credit_frees_the_eigen_risico_for_a_later_line_to_the_cent():
    first = {**H35, "line_id": 1, "treatment_date": d("2022-03-01"), "amount": D("300.37")}
    credit = {**H35, "line_id": 2, "treatment_date": d("2022-03-09"), "amount": D("-300.37"), "credits_line_id": 1}
    later = {**H35, "line_id": 3, "treatment_date": d("2022-04-01"), "amount": D("150.00")}
    last = {**H35, "line_id": 4, "treatment_date": d("2022-05-01"), "amount": D("300.00")}
    # Without the credit the first line takes EUR 300.37 of the EUR 385 eigen risico.
    before = by_id(score(first, later, last))
    assert (before[3]["eigen_risico"], before[4]["eigen_risico"]) == (D("84.63"), D("0.00"))
    out = score(first, credit, later, last)
    assert_conserved(out)
    got = by_id(out)
    for i in (1, 2):
        assert got[i]["reason"] == "CREDITED" and got[i]["basic_covered"] is False
        assert got[i]["supplementary_reason"] == "CREDITED"
        assert got[i]["legal_basis"].startswith("creditering van een eerdere declaratieregel")
        assert [got[i][m] for m in MONEY] == [D("0.00")] * 6
        assert got[i]["message"] is None and got[i]["age"] == 52
    # The later lines bear the eigen risico as if the first had never been declared.
    assert (got[3]["eigen_risico"], got[3]["basic_paid"], got[3]["patient_paid"]) == (D("150.00"), D("0.00"), D("150.00"))
    assert (got[4]["eigen_risico"], got[4]["basic_paid"], got[4]["patient_paid"]) == (D("235.00"), D("65.00"), D("235.00"))
    alone = by_id(score(later, last))
    for i in (3, 4):
        assert {m: got[i][m] for m in MONEY} == {m: alone[i][m] for m in MONEY}


def test_a_corrected_line_declared_anew_is_an_ordinary_line():
    first = {**H35, "line_id": 1, "treatment_date": d("2022-03-01"), "amount": D("300.37")}
    credit = {**H35, "line_id": 2, "treatment_date": d("2022-03-01"), "amount": D("300.37"), "credits_line_id": 1}
    anew = {**H35, "line_id": 3, "treatment_date": d("2022-03-01"), "amount": D("290.00")}
    got = by_id(score(first, credit, anew))
    assert [got[i]["reason"] for i in (1, 2, 3)] == ["CREDITED", "CREDITED", "COVERED"]
    assert (got[3]["eigen_risico"], got[3]["basic_paid"]) == (D("290.00"), D("0.00"))


def test_a_credit_of_a_supplementary_capped_line_frees_the_cap():
    # AV Tand Extra pays V21 (not covered for an adult) up to EUR 500 a year.
    first = {"line_id": 1, "treatment_date": d("2022-02-01"), "code": "V21", "amount": D("400.00"), **EXTRA}
    credit = {"line_id": 2, "treatment_date": d("2022-02-03"), "code": "V21", "amount": D("-400.00"), "credits_line_id": 1, **EXTRA}
    later = {"line_id": 3, "treatment_date": d("2022-03-01"), "code": "V21", "amount": D("300.00"), **EXTRA}
    before = by_id(score(first, later))
    assert (before[3]["supplementary_paid"], before[3]["supplementary_reason"]) == (D("100.00"), "ANNUAL_MAXIMUM_REACHED")
    out = score(first, credit, later)
    assert_conserved(out)
    got = by_id(out)
    assert [got[i]["supplementary_reason"] for i in (1, 2)] == ["CREDITED", "CREDITED"]
    assert [got[i]["supplementary_paid"] for i in (1, 2)] == [D("0.00"), D("0.00")]
    assert (got[3]["supplementary_paid"], got[3]["supplementary_reason"], got[3]["patient_paid"]) == (D("300.00"), "PAID", D("0.00"))


def test_a_credit_frees_a_frequency_limit():
    child = {"birth_date": d("2012-01-01"), "code": "C002", "amount": D("25.00"), "authorization": False}
    first = {**child, "line_id": 1, "treatment_date": d("2022-02-01")}
    credit = {**child, "line_id": 2, "treatment_date": d("2022-02-01"), "credits_line_id": 1}
    second = {**child, "line_id": 3, "treatment_date": d("2022-06-01")}
    assert by_id(score(first, second))[3]["reason"] == "FREQUENCY_LIMIT"
    got = by_id(score(first, credit, second))
    assert (got[3]["reason"], got[3]["basic_paid"], got[3]["legal_basis"]) == ("COVERED", D("25.00"), "Bzv 2.7 lid 4")


def test_each_bad_credit_is_invalid_with_its_message_and_its_original_stays():
    rows = [
        {**H35, "line_id": 10, "treatment_date": d("2022-03-01"), "amount": D("100.00")},
        {**H35, "line_id": 11, "treatment_date": d("2022-03-02"), "amount": D("-99.99"), "credits_line_id": 10},  # amount
        {**H35, "line_id": 12, "treatment_date": d("2022-03-02"), "amount": D("5.00"), "credits_line_id": 999},  # missing
        {**H35, "line_id": 13, "insured_id": "B", "treatment_date": d("2022-03-02"), "amount": D("100.00"), "credits_line_id": 10},
        {**H35, "line_id": 20, "treatment_date": d("2022-03-03"), "amount": D("50.00")},
        {**H35, "line_id": 21, "treatment_date": d("2022-03-04"), "amount": D("-50.00"), "credits_line_id": 20},  # valid
        {**H35, "line_id": 22, "treatment_date": d("2022-03-05"), "amount": D("-50.00"), "credits_line_id": 20},  # twice
        {**H35, "line_id": 23, "treatment_date": d("2022-03-05"), "amount": D("50.00"), "credits_line_id": 21},  # credit of credit
        {**H35, "line_id": 30, "treatment_date": d("2022-03-06"), "amount": D("-7.00")},  # negative, no credit
    ]
    got = by_id(score(*rows))
    messages = {i: (got[i]["reason"], got[i]["message"]) for i in got}
    invalid = "INVALID_INPUT"
    assert messages == {
        10: ("COVERED", None),
        11: (invalid, "amount of a credit is not the credited line's amount (the same euros, positive or negative)"),
        12: (invalid, "credits_line_id names no line_id of the same insured_id in the input"),
        13: (invalid, "credits_line_id names a line of another insured_id"),
        20: ("CREDITED", None),
        21: ("CREDITED", None),
        22: (invalid, "credits_line_id names a line that an earlier credit (lower line_id) already reverses"),
        23: (invalid, "credits_line_id names a credit line (a credit cannot be credited)"),
        30: (invalid, "amount is negative"),
    }
    # The original of the bad credits is ordinary: it uses EUR 100 of the eigen risico.
    assert got[10]["eigen_risico"] == D("100.00")
    # An invalid credit pays nothing; a negative amount is no amount the patient owes.
    assert (got[11]["basic_paid"], got[11]["patient_paid"]) == (D("0.00"), None)
    assert (got[12]["patient_paid"], got[13]["patient_paid"]) == (D("5.00"), D("100.00"))
    assert {got[i]["supplementary_reason"] for i in (11, 12, 13, 22, 23, 30)} == {invalid}


def test_the_first_of_two_credits_pairs_whatever_the_row_order():
    rows = [
        {**H35, "line_id": 1, "treatment_date": d("2022-03-01"), "amount": D("80.00")},
        {**H35, "line_id": 5, "treatment_date": d("2022-03-02"), "amount": D("80.00"), "credits_line_id": 1},
        {**H35, "line_id": 4, "treatment_date": d("2022-03-02"), "amount": D("-80.00"), "credits_line_id": 1},
    ]
    for order in ([0, 1, 2], [2, 1, 0], [1, 0, 2]):
        got = by_id(score(*[rows[k] for k in order]))
        assert [got[i]["reason"] for i in (1, 4, 5)] == ["CREDITED", "CREDITED", "INVALID_INPUT"]


def test_string_line_ids_and_row_numbers():
    out = aanspraak.score(lines(
        {**H35, "treatment_date": d("2022-03-01"), "amount": D("10.00")},
        {**H35, "treatment_date": d("2022-03-02"), "amount": D("-10.00")},
    ).with_columns(pl.Series("line_id", ["MZ-0001", "MZ-0002"]), pl.Series("credits_line_id", [None, "MZ-0001"])))
    assert out["reason"].cast(str).to_list() == ["CREDITED", "CREDITED"]
    # Without line_id a credit names the row number (0-based), the line_id of the output.
    out = score({**H35, "amount": D("10.00")}, {**H35, "amount": D("-10.00"), "credits_line_id": 0})
    assert out["line_id"].to_list() == [0, 1]
    assert out["reason"].cast(str).to_list() == ["CREDITED", "CREDITED"]


def test_schadelast_counts_credited_lines_and_leaves_their_money_out():
    rows = [
        {**H35, "line_id": 1, "treatment_date": d("2022-03-01"), "amount": D("300.00")},
        {**H35, "line_id": 2, "treatment_date": d("2022-03-02"), "amount": D("-300.00"), "credits_line_id": 1},
        {**H35, "line_id": 3, "treatment_date": d("2022-04-01"), "amount": D("200.00")},
    ]
    t = aanspraak.schadelast(score(*rows))
    assert (t["lines"].item(), t["credited_lines"].item()) == (3, 2)
    assert (t["declared"].item(), t["eigen_risico"].item()) == (D("200.00"), D("200.00"))


def test_compare_scores_credits_like_score():
    rows = [
        {**H35, "line_id": 1, "treatment_date": d("2022-03-01"), "amount": D("300.00"), **EXTRA},
        {**H35, "line_id": 2, "treatment_date": d("2022-03-02"), "amount": D("-300.00"), "credits_line_id": 1, **EXTRA},
        {**H35, "line_id": 3, "treatment_date": d("2022-04-01"), "amount": D("200.00"), **EXTRA},
        {**H35, "line_id": 4, "treatment_date": d("2022-05-01"), "amount": D("250.00"), "code": "V21", **EXTRA},
    ]
    decl = lines(*rows)
    base = aanspraak.Policy.load("defriesland-2022")
    scenarios = {"base": base, "er165": base.with_eigen_risico(165), "cap": base.with_values({"supplementary.av-tand-extra.annual_max_eur": 100})}
    cmp = aanspraak.compare(decl, scenarios)
    for name, policy in scenarios.items():
        want = aanspraak.score(decl, policy=policy)
        part = cmp.scenario(name)
        for c in ("reason", *MONEY, "supplementary_reason"):
            assert part[c].cast(want[c].dtype).to_list() == want[c].to_list(), (name, c)
        assert part["patient_paid"].to_list()[:2] == [D("0.00"), D("0.00")]
    assert cmp.totals["credited_lines"].to_list() == [2, 2, 2]
    assert aanspraak.schadelast(cmp)["credited_lines"].to_list() == [2, 2, 2]


def test_score_parquet_and_csv_keep_credits_with_their_originals(tmp_path):
    decl = aanspraak.synthetic.declarations(3_000, seed=9, supplementary_share=0.5)
    pairs = with_credits(decl, np.random.default_rng(9), share=0.05)
    pairs.write_parquet(tmp_path / "decl.parquet")
    whole = aanspraak.score(pairs)
    assert (whole["reason"] == "CREDITED").sum() == 2 * 150
    parts = aanspraak.score_parquet(str(tmp_path / "decl.parquet"), tmp_path / "out", lines_per_bucket=500)
    assert parts.height > 1
    assert_same(pl.read_parquet(tmp_path / "out" / "*.parquet"), whole, "score_parquet")
    aanspraak.write_frame(pairs, tmp_path / "decl.csv")
    assert_same(aanspraak.score(aanspraak.read_declarations(str(tmp_path / "decl.csv"))), whole, "CSV")


# ---- the property: a line and its credit change no other line ---------------------------


def with_credits(decl: pl.DataFrame, rng: np.random.Generator, share: float | None = None, k: int | None = None) -> pl.DataFrame:
    """`decl` (integer line_ids, doubled to leave room) plus `k` new lines (or a `share`
    of its lines) copied from random lines, each with another amount and date, and a
    credit of each (amount of either sign), all at random places in the row order and
    in the order of charging (odd line_ids between the doubled ones)."""
    decl = decl.with_columns(pl.col("line_id") * 2)
    k = k if k is not None else int(decl.height * share)
    pick = rng.choice(decl.height, size=k, replace=k > decl.height)
    ids = rng.choice(decl["line_id"].to_numpy() + 1, size=k, replace=False) if k <= decl.height else None
    new = decl[pick].with_columns(
        pl.Series("line_id", ids if ids is not None else np.arange(k) * 2 + 10**9 + 1, dtype=pl.Int64),
        (pl.col("treatment_date") + pl.duration(days=pl.Series(rng.integers(-20, 21, size=k)))).alias("treatment_date"),
        pl.Series("amount", [Decimal(int(c)).scaleb(-2) for c in rng.integers(0, 300_000, size=k)], dtype=decl.schema["amount"]),
    )
    if "material_costs" in new.columns:
        new = new.with_columns(pl.lit(None, dtype=decl.schema["material_costs"]).alias("material_costs"))
    sign = pl.Series(np.where(rng.random(k) < 0.5, -1, 1)).cast(pl.Int32)
    credit = new.with_columns(
        pl.col("line_id").alias("credits_line_id"),
        (pl.col("line_id") + 2 * 10**10).alias("line_id"),
        (pl.col("amount").cast(pl.Decimal(18, 2)) * sign).cast(decl.schema["amount"]).alias("amount"),
        (pl.col("treatment_date") + pl.duration(days=pl.Series(rng.integers(0, 60, size=k)))).alias("treatment_date"),
    )
    base = decl.with_columns(pl.lit(None, dtype=pl.Int64).alias("credits_line_id"))
    new = new.with_columns(pl.lit(None, dtype=pl.Int64).alias("credits_line_id"))
    out = pl.concat([base, new, credit.select(base.columns)], how="vertical_relaxed")
    return out[rng.permutation(out.height)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1), big=st.booleans())
def test_adding_lines_and_their_credits_changes_no_other_line(data, seed, big):
    _, rows = data.draw(portfolio(max_insured=5, max_lines=40, products=data.draw(st.booleans())))
    decl = frame(rows)
    rng = np.random.default_rng(seed)
    if big:
        # Across the engine's chunks (16,384 rows): thousands of insureds, one heavy.
        decl, _heavy = replicate(decl, data.draw(st.integers(ROWS_PER_CHUNK, 2 * ROWS_PER_CHUNK + 5_000)), seed)
    event("across chunks" if decl.height > ROWS_PER_CHUNK else "one chunk")
    k = data.draw(st.integers(1, max(1, decl.height // 20)))
    both = with_credits(decl, rng, k=k)
    base = both.filter(pl.col("line_id") % 2 == 0).drop("credits_line_id")
    out_base = aanspraak.score(as_batches(base, rng, 5))
    out = aanspraak.score(as_batches(both, rng, 7))
    assert_conserved(out)
    # Every line of the base scores as it did; the messy new lines may be invalid.
    assert_same(out.filter(pl.col("line_id") % 2 == 0), out_base, "with lines and their credits")
    # A new line pairs with its credit exactly when both are valid lines of one insured.
    new = out.filter((pl.col("line_id") % 2 == 1) & pl.col("credits_line_id").is_null())
    cred = out.filter(pl.col("credits_line_id").is_not_null()).select(
        pl.col("credits_line_id").alias("line_id"), pl.col("reason").cast(str).alias("credit_reason"), pl.col("message").cast(str).alias("credit_message"))
    pairs = new.with_columns(pl.col("reason").cast(str)).join(cred, on="line_id")
    assert pairs.height == k
    for r in pairs.iter_rows(named=True):
        if r["credit_reason"] == "CREDITED":
            assert r["reason"] == "CREDITED", r
            continue
        assert r["reason"] != "CREDITED" and r["credit_reason"] == "INVALID_INPUT", r
        if r["reason"] == "INVALID_INPUT":
            assert r["credit_message"] == "credits_line_id names a line that is itself INVALID_INPUT" or not r["credit_message"].startswith("credits_line_id"), r
        else:
            # A valid line of the same insured with the same amount: only a bad value of the
            # credit's own (e.g. a date outside the contract) keeps it from pairing.
            assert not r["credit_message"].startswith(("credits_line_id", "amount of a credit")), r


def test_synthetic_credit_share_makes_valid_pairs():
    decl = aanspraak.synthetic.declarations(5_000, seed=2, credit_share=0.02)
    assert "credits_line_id" in decl.columns
    credits = decl.filter(pl.col("credits_line_id").is_not_null())
    assert credits.height == 100
    out = aanspraak.score(decl)
    assert (out["reason"] == "CREDITED").sum() == 200
    assert decl.equals(aanspraak.synthetic.declarations(5_000, seed=2, credit_share=0.02))
    assert "credits_line_id" not in aanspraak.synthetic.declarations(100, seed=2).columns
