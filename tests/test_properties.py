"""Invariants that must hold for any input (hypothesis): money conservation, limits never
exceeded, determinism under row order."""

import datetime as dt
from decimal import Decimal as D

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aanspraak
from conftest import DTYPES

CODES = ["C11", "C13", "M40", "V12", "H35", "H11", "X10", "X21", "R24", "J20", "J51", "J52", "J50", "P21", "P07",
         "F411A", "J87", "J19", "M80", "Q99", "J060", "C002", "038911", "38911", "238060", "238022", "199872", "039075"]

line = st.fixed_dictionaries(
    {
        "insured_id": st.sampled_from(["A", "B", "C"]),
        "birth_date": st.dates(dt.date(1940, 1, 1), dt.date(2020, 12, 31)),
        "treatment_date": st.dates(dt.date(2021, 1, 1), dt.date(2026, 12, 31)),
        "code": st.sampled_from(CODES),
        "amount": st.integers(0, 250_000).map(lambda c: D(c) / 100),
    },
    optional={
        "element": st.sampled_from([None, 11, 13, 14, 21, 24, 25, 36, 43, 55]),
        "provider_type": st.sampled_from([None, "tandarts", "kaakchirurg", "orthodontist", "tandprotheticus", "implantoloog"]),
        "contracted": st.booleans(),
        "reference_tariff": st.none() | st.integers(0, 100_000).map(lambda c: D(c) / 100),
        "authorization": st.none() | st.booleans(),
        "bt_indication": st.sampled_from([None, None, "a", "b"]),
        "bt_related": st.none() | st.booleans(),
        "ortho_severe": st.booleans(),
        "missing_tooth_cause": st.sampled_from([None, "agenesis"]),
        "need_before_18": st.booleans(),
        "basic_product": st.sampled_from(["alles-verzorgd", "zelf-bewust"]),
        "referral": st.none() | st.booleans(),
        "voluntary_deductible": st.sampled_from([0, 100, 500]),
        "specialism": st.sampled_from([None, "CHI", "DER", "ANE", "XYZ"]),
        "setting": st.sampled_from([None, "pok", "daycare", "inpatient", "outpatient"]),
        "jaw": st.sampled_from([None, "upper", "lower"]),
        "edentulous": st.none() | st.booleans(),
    },
)

ALL_OPTIONAL = ["element", "provider_type", "contracted", "reference_tariff", "authorization", "bt_indication", "bt_related",
                "ortho_severe", "missing_tooth_cause", "need_before_18", "basic_product", "referral", "voluntary_deductible",
                "specialism", "setting", "jaw", "edentulous"]


def frame(rows):
    cols = ["insured_id", "birth_date", "treatment_date", "code", "amount"] + ALL_OPTIONAL
    data = {c: [r.get(c) for r in rows] for c in cols}
    # A per-insured voluntary deductible and birth date, as in real data.
    first = {}
    for r in rows:
        first.setdefault(r["insured_id"], r)
    data["voluntary_deductible"] = [first[r["insured_id"]].get("voluntary_deductible") or 0 for r in rows]
    data["birth_date"] = [first[r["insured_id"]]["birth_date"] for r in rows]
    data["line_id"] = list(range(len(rows)))
    return pl.DataFrame(data, schema={c: DTYPES[c] for c in data})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_conservation_limits_and_determinism(rows, rnd):
    df = frame(rows)
    out = aanspraak.score(df)
    assert out.height == df.height
    ok = out.filter(pl.col("reason") != "INVALID_INPUT")
    zero = D("0.00")
    for r in ok.iter_rows(named=True):
        # Conservation, all parts non-negative (SPEC 5).
        assert r["basic_paid"] + r["supplementary_paid"] + r["patient_paid"] == r["amount"]
        assert min(r["basic_paid"], r["supplementary_paid"], r["patient_paid"], r["eigen_risico"], r["eigen_bijdrage"]) >= zero
        assert r["allowed"] <= r["amount"]
        assert r["eigen_bijdrage"] + r["eigen_risico"] <= r["allowed"]
        if not r["basic_covered"]:
            assert r["allowed"] == r["basic_paid"] == zero
        if r["age"] < 18:
            assert r["eigen_risico"] == r["eigen_bijdrage"] == zero
    # The eigen risico never exceeds the year's deductible (compulsory + voluntary).
    per_year = ok.group_by("insured_id", pl.col("treatment_date").dt.year().alias("y")).agg(
        pl.col("eigen_risico").sum(), pl.col("voluntary_deductible").first()
    )
    for r in per_year.iter_rows(named=True):
        assert r["eigen_risico"] <= D(385 + r["voluntary_deductible"])
    # The same lines in another order give the same result per line_id.
    perm = list(range(df.height))
    rnd.shuffle(perm)
    shuffled = aanspraak.score(df[perm]).sort("line_id")
    cols = ["reason", "legal_basis", "allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "patient_paid", "authorization_required",
            "authorization_category", "pok_mismatch"]
    strings = pl.col("reason", "legal_basis", "authorization_category").cast(pl.String)
    a = out.sort("line_id").select(cols).with_columns(strings)
    b = shuffled.select(cols).with_columns(strings)
    assert a.equals(b)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3000))
def test_synthetic_portfolios_conserve_money(seed, n):
    out = aanspraak.score(aanspraak.synthetic.declarations(n, seed=seed))
    ok = out.filter(pl.col("reason") != "INVALID_INPUT")
    assert ok.height == out.height
    assert (ok["basic_paid"] + ok["supplementary_paid"] + ok["patient_paid"] == ok["amount"]).all()
    assert (ok["patient_paid"] >= 0).all() and (ok["basic_paid"] >= 0).all()
