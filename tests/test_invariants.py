"""Properties on messy data (hypothesis): contract periods, ties on the treatment date,
material costs, supplementary cover and accident dates, spelling variants of codes and
product keys, 5-digit hospital codes, and invalid rows among valid ones.

- money: every valid line splits its amount into basic_paid + supplementary_paid +
  patient_paid, all ≥ 0, with the amounts that follow from the line itself exact
  (README "Output columns", docs/interpretations.md "Money");
- an invalid row never changes another row (README "Bad input");
- insureds are independent: an insured scored alone gets what it gets among others;
- row order and batch layout do not matter, per line_id (docs/interpretations.md "Order");
- a higher eigen risico never raises basic_paid, and leaves the supplementary alone
  (docs/interpretations.md "What-if scenarios");
- a lower annual maximum never raises supplementary_paid;
- spelling variants score as the canonical spelling;
- tz-aware Europe/Amsterdam dates score as their local dates.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import aanspraak
from strategies import INVALID_KINDS, MONEY, YEARS, assert_same, frame, line_row, portfolio, result

D = Decimal
ZERO = D("0.00")
POLICY = aanspraak.Policy.load("defriesland-2022")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def score(df, policy=POLICY):
    return aanspraak.score(df, policy=policy)


def non_contracted_share() -> Decimal:
    basic = POLICY.products().filter(kind="basic", product=POLICY.default_basic_product)
    return D(str(basic["non_contracted_share_pct"].item())) / 100


@SETTINGS
@given(portfolio())
def test_money_splits_exactly_and_nothing_is_negative(data):
    insureds, rows = data
    out = score(frame(rows))
    share = non_contracted_share()
    by_id = {r["line_id"]: r for r in rows}
    for o in out.iter_rows(named=True):
        r = by_id[o["line_id"]]
        if r["invalid"] is not None:
            # Spoiled rows are invalid, pay nothing, and the patient keeps a valid amount.
            assert o["reason"] == "INVALID_INPUT", (r, o)
            assert [o[c] for c in MONEY[:-1]] == [ZERO] * 5, o
            assert o["patient_paid"] == (None if r["invalid"] in ("amount_null", "amount_negative") else r["amount"]), o
            assert o["message"], o
            continue
        if o["reason"] == "INVALID_INPUT":
            # The only other invalid rows the strategy makes: care outside the contract.
            assert o["message"] == "treatment_date is outside insured_from..insured_to", o
            assert (r["insured_from"] or dt.date.min) > r["treatment_date"] or r["treatment_date"] > (r["insured_to"] or dt.date.max)
            continue
        parts = [o["basic_paid"], o["supplementary_paid"], o["patient_paid"], o["eigen_risico"], o["eigen_bijdrage"], o["allowed"]]
        assert min(parts) >= ZERO, o
        assert o["basic_paid"] + o["supplementary_paid"] + o["patient_paid"] == r["amount"], o
        assert o["basic_paid"] == o["allowed"] - o["eigen_bijdrage"] - o["eigen_risico"], o
        # What the line itself decides: allowed (README "Output columns", docs/interpretations.md "Money").
        if not o["basic_covered"]:
            assert o["allowed"] == ZERO, o
        elif r["contracted"] is False:
            base = r["reference_tariff"] if r["reference_tariff"] is not None else r["amount"]
            assert o["allowed"] == min(r["amount"], (base * share).quantize(D("0.01"), rounding=ROUND_HALF_UP)), o
        else:
            assert o["allowed"] == r["amount"], o
        if o["age"] < 18:
            assert o["eigen_bijdrage"] == o["eigen_risico"] == ZERO, o
        # The supplementary pays only what the basic left, never the eigen risico.
        assert o["supplementary_paid"] <= r["amount"] - o["basic_paid"] - o["eigen_risico"], o
        if r["supplementary_product"] is None:
            assert (o["supplementary_reason"], o["supplementary_paid"]) == ("NO_SUPPLEMENTARY", ZERO), o
        elif o["supplementary_paid"] > ZERO:
            assert o["supplementary_basis"] is not None, o
    # The eigen risico of an insured-year never exceeds its deductible (compulsory from the
    # policy for that year, plus the voluntary one).
    ok = out.filter(pl.col("reason") != "INVALID_INPUT")
    per_year = ok.group_by("insured_id", pl.col("treatment_date").dt.year().alias("y"), "insured_from").agg(
        pl.col("eigen_risico").sum(), pl.col("voluntary_deductible").first())
    for g in per_year.iter_rows(named=True):
        assert g["eigen_risico"] <= POLICY.eigen_risico(g["y"]) + g["voluntary_deductible"], g


@SETTINGS
@given(portfolio())
def test_an_invalid_row_changes_no_other_row(data):
    _, rows = data
    valid = [r for r in rows if r["invalid"] is None]
    if len(valid) == len(rows) or not valid:
        # Spoil one more row so that there is something to take out.
        rows = [dict(r) for r in rows]
        rows[0]["invalid"] = "unknown_product"
        rows[0]["supplementary_product"] = "av-tand-goud"
        valid = rows[1:]
        if not valid:
            return
    with_bad = score(frame(rows))
    without = score(frame(valid))
    assert_same(with_bad.filter(pl.col("line_id").is_in([r["line_id"] for r in valid])), without, "invalid rows changed valid ones")


@SETTINGS
@given(portfolio())
def test_insureds_are_independent(data):
    insureds, rows = data
    whole = score(frame(rows))
    for ins in insureds:
        mine = [r for r in rows if r["insured_id"] == ins["insured_id"]]
        if mine:
            alone = score(frame(mine))
            assert_same(whole.filter(pl.col("insured_id") == ins["insured_id"]), alone, f"insured {ins['insured_id']} alone")


@SETTINGS
@given(portfolio(), st.randoms(use_true_random=False), st.integers(1, 5))
def test_row_order_and_batches_do_not_matter(data, rnd, n_batches):
    _, rows = data
    df = frame(rows)
    first = score(df)
    perm = list(range(df.height))
    rnd.shuffle(perm)
    shuffled = df[perm]
    # The same rows as several record batches of uneven sizes.
    cuts = sorted({0, df.height, *(rnd.randrange(0, df.height + 1) for _ in range(n_batches - 1))})
    table = pa.Table.from_batches([b for a, z in zip(cuts, cuts[1:]) for b in shuffled.slice(a, z - a).to_arrow().to_batches()])
    assert_same(first, score(table), "permuted rows as record batches")


@lru_cache
def higher_policy(extra: int, voluntary: bool) -> aanspraak.Policy:
    """The compulsory eigen risico `extra` euros above the policy's highest amount in the
    scored years (so higher in every one of them)."""
    eur = max(int(POLICY.eigen_risico(y)) for y in (*YEARS, YEARS[-1] + 1)) + extra
    return POLICY.with_eigen_risico(eur, voluntary=voluntary)


@SETTINGS
@given(portfolio(), st.sampled_from([1, 115, 400]))
def test_a_higher_eigen_risico_never_raises_basic_paid(data, extra):
    _, rows = data
    df = frame(rows)
    a = result(score(df))
    b = result(score(df, higher_policy(extra, True)))
    assert (b["basic_paid"] <= a["basic_paid"]).all()
    assert (b["eigen_risico"] >= a["eigen_risico"]).all()
    # Everything before the eigen risico, and the supplementary, stay as they were.
    same = ["reason", "allowed", "eigen_bijdrage", "supplementary_paid", "supplementary_reason"]
    assert a.select(same).equals(b.select(same))
    # Dropping the voluntary deductibles never raises the eigen risico.
    c = result(score(df, higher_policy(extra, False)))
    assert (c["eigen_risico"] <= b["eigen_risico"]).all()


#: Products whose annual maximum is their only limit across years. AV Tand Optimaal also
#: has a sub-limit over the policy's life: a lower annual maximum leaves more of it for a
#: later year, so a later line may rightly be paid more (see test_lower_cap_optimaal).
ANNUAL_ONLY = ["av-tand-opstap", "av-tand-doorstap", "av-tand-standaard", "av-tand-extra"]


@lru_cache
def lower_cap_policy(product: str, pct: int) -> aanspraak.Policy:
    cap = POLICY.products().filter(product=product)["annual_max"].item()
    return POLICY.with_supplementary(product, annual_max_eur=float((cap * pct / 100).quantize(D("0.01"))))


@SETTINGS
@given(portfolio(), st.sampled_from(ANNUAL_ONLY + ["av-tand-optimaal"]), st.sampled_from([0, 37, 80, 99]))
def test_a_lower_annual_maximum_never_raises_supplementary_paid(data, product, pct):
    _, rows = data
    df = frame(rows)
    base = score(df)
    lower = score(df, lower_cap_policy(product, pct))
    a, b = result(base), result(lower)
    if product in ANNUAL_ONLY:
        bad = a.join(b, on="line_id").filter(pl.col("supplementary_paid_right") > pl.col("supplementary_paid"))
        assert bad.is_empty(), bad.select("line_id", "supplementary_paid", "supplementary_paid_right")
    else:
        # Per insured, the total over all years still never rises.
        tot = lambda o: o.group_by("insured_id").agg(pl.col("supplementary_paid").sum()).sort("insured_id")  # noqa: E731
        assert (tot(lower)["supplementary_paid"] <= tot(base)["supplementary_paid"]).all()
    # The basic insurance is untouched.
    cols = ["reason", "allowed", "eigen_bijdrage", "eigen_risico", "basic_paid"]
    assert a.select(cols).equals(b.select(cols))


def test_lower_cap_optimaal_can_leave_more_of_the_policy_sublimit_for_a_later_year():
    """Why the property above excludes AV Tand Optimaal per line: its orthodontics are
    paid up to EUR 750 once per policy (seed 004); with a lower annual maximum less of it
    is used in the first year, so the next year's line is paid more. The insured's total
    does not rise."""
    base = {"insured_id": "O", "birth_date": dt.date(1980, 1, 1), "code": "F461A", "amount": D("800.00"),
            "supplementary_product": "av-tand-optimaal", "supplementary_start": dt.date(2020, 1, 1)}
    df = pl.DataFrame([{**base, "line_id": 1, "treatment_date": dt.date(2021, 3, 1)},
                       {**base, "line_id": 2, "treatment_date": dt.date(2022, 3, 1), "amount": D("300.00")}])
    sublimit = D("750.00")
    full = score(df)["supplementary_paid"].to_list()
    low = score(df, POLICY.with_supplementary("av-tand-optimaal", annual_max_eur=500))["supplementary_paid"].to_list()
    assert full == [sublimit, ZERO]
    assert low == [D("500.00"), sublimit - D("500.00")]


@SETTINGS
@given(portfolio())
def test_spelling_variants_score_as_the_canonical_spelling(data):
    insureds, rows = data
    canonical = [dict(r) for r in rows]
    plain = {i["insured_id"]: i["supplementary_product"] for i in insureds}
    for r in canonical:
        r["code"] = r["code"].strip().upper()
        if len(r["code"]) == 5 and r["code"].isdigit():
            r["code"] = "0" + r["code"]
        if r["invalid"] != "unknown_product":
            r["supplementary_product"] = plain[r["insured_id"]]
    a, b = score(frame(rows)), score(frame(canonical))
    assert_same(a, b, "spelling variants")


DATE_COLUMNS = ["birth_date", "treatment_date", "insured_from", "insured_to", "supplementary_start", "supplementary_end", "accident_date"]


def amsterdam(df: pl.DataFrame, cols: list[str] | None = None) -> pl.DataFrame:
    """Date columns (all by default) as tz-aware Europe/Amsterdam datetimes at local
    midnight (in UTC that is the evening before)."""
    cols = [c for c, t in df.schema.items() if t == pl.Date and (cols is None or c in cols)]
    return df.with_columns(pl.col(c).cast(pl.Datetime("us")).dt.replace_time_zone("Europe/Amsterdam") for c in cols)




@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(portfolio(), st.sets(st.sampled_from(DATE_COLUMNS[2:])))
def test_amsterdam_datetimes_score_as_their_local_dates(data, tz_columns):
    """A tz-aware date is its local calendar date in its zone: a Europe/Amsterdam
    midnight is that day, not the UTC day before (README "Input columns": Date or
    Datetime; the project's readings on time zones). Dates are moved to the 1st of their
    month, where a day's difference shows (care on the first day of a contract, 1
    January, a birthday), with the treatment date and any other date columns tz-aware,
    the rest plain dates."""
    _, rows = data
    df = frame(rows)
    df = df.with_columns(pl.col(c).dt.truncate("1mo") for c, t in df.schema.items() if t == pl.Date)
    tz_columns = ["birth_date", "treatment_date", *sorted(tz_columns)]
    assert_same(score(df), score(amsterdam(df, tz_columns[1:])), f"Europe/Amsterdam {tz_columns[1:]}")
    assert_same(score(df), score(amsterdam(df, tz_columns)), f"Europe/Amsterdam {tz_columns}")


def test_amsterdam_contract_start_keeps_its_day():
    """Insured from 1 February 2022 (Amsterdam midnight): the pot is 334 days of the
    year, not 335."""
    df = pl.DataFrame({"insured_id": ["A"], "birth_date": [dt.date(1980, 1, 1)], "treatment_date": [dt.date(2022, 2, 1)],
                       "code": ["038911"], "amount": [D("500.00")], "insured_from": [dt.date(2022, 2, 1)]},
                      schema_overrides={"amount": pl.Decimal(12, 2)})
    want = (POLICY.eigen_risico(2022) * 334 / 365).quantize(D(1), rounding=ROUND_HALF_UP)
    assert score(df)["eigen_risico"].item() == want
    assert score(amsterdam(df))["eigen_risico"].item() == want
