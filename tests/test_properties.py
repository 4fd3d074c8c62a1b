"""Invariants that must hold for any input (hypothesis): money conservation, limits never
exceeded, determinism under row order."""

import datetime as dt
from decimal import Decimal as D

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aanspraak
from conftest import DTYPES

POLICY = aanspraak.Policy.load("defriesland-2022")

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
        # Conservation, all parts non-negative (docs/rules.md#paid).
        assert r["basic_paid"] + r["supplementary_paid"] + r["patient_paid"] == r["amount"]
        assert min(r["basic_paid"], r["supplementary_paid"], r["patient_paid"], r["eigen_risico"], r["eigen_bijdrage"]) >= zero
        assert r["allowed"] <= r["amount"]
        assert r["eigen_bijdrage"] + r["eigen_risico"] <= r["allowed"]
        if not r["basic_covered"]:
            assert r["allowed"] == r["basic_paid"] == zero
        if r["age"] < 18:
            assert r["eigen_risico"] == r["eigen_bijdrage"] == zero
    # The eigen risico never exceeds the year's deductible (the policy's compulsory amount
    # for that year + voluntary).
    per_year = ok.group_by("insured_id", pl.col("treatment_date").dt.year().alias("y")).agg(
        pl.col("eigen_risico").sum(), pl.col("voluntary_deductible").first()
    )
    for r in per_year.iter_rows(named=True):
        assert r["eigen_risico"] <= POLICY.eigen_risico(r["y"]) + r["voluntary_deductible"]
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


# ------------------------------------------------------------------ supplementary products

# The annual maxima and AV Tand Optimaal's orthodontics sub-limit, from the policy.
_SUPP = POLICY.products().filter(pl.col("annual_max").is_not_null(), kind="supplementary")
ANNUAL_MAX = dict(zip(_SUPP["product"].to_list(), _SUPP["annual_max"].to_list()))
ORTHO_SUBLIMIT = D(str(next(r["sublimit_eur"] for r in POLICY.document()["supplementary"]["av-tand-optimaal"]["rules"] if "sublimit_eur" in r)))
SUPP_CODES = ["C13", "M03", "V21", "A10", "R24", "E13", "P21", "J51", "F461A", "F516A", "F481A", "F811A", "E97", "J39", "H35",
              "J87", "238060", "C11"]

supp_line = st.fixed_dictionaries(
    {
        "insured_id": st.sampled_from(["A", "B", "C"]),
        "treatment_date": st.dates(dt.date(2021, 1, 1), dt.date(2024, 12, 31)),
        "code": st.sampled_from(SUPP_CODES),
        "amount": st.integers(0, 150_000).map(lambda c: D(c) / 100),
        "material_share": st.sampled_from([0, 0, 25, 100]),
        "accident_days_before": st.none() | st.integers(0, 500),
        "authorization": st.none() | st.booleans(),
        "contracted": st.booleans(),
        "element": st.sampled_from([None, 21, 43]),
        "bt_indication": st.sampled_from([None, None, None, "b"]),
        "provider_type": st.sampled_from([None, "tandarts", "kaakchirurg", "orthodontist", "tandprotheticus"]),
    }
)
insured_terms = st.fixed_dictionaries(
    {
        "birth_date": st.dates(dt.date(1950, 1, 1), dt.date(2010, 12, 31)),
        "product": st.sampled_from([*ANNUAL_MAX, "tand-ongevallen", "av-tand-extra+tand-ongevallen", None]),
        "start": st.none() | st.dates(dt.date(2019, 1, 1), dt.date(2023, 1, 1)),
    }
)


def supp_frame(rows, terms):
    recs = []
    for i, r in enumerate(rows):
        t = terms[r["insured_id"]]
        acc = None if r["accident_days_before"] is None else r["treatment_date"] - dt.timedelta(days=r["accident_days_before"])
        recs.append({
            "line_id": i, "insured_id": r["insured_id"], "birth_date": t["birth_date"], "treatment_date": r["treatment_date"],
            "code": r["code"], "amount": r["amount"], "material_costs": (r["amount"] * r["material_share"] / 100).quantize(D("0.01")),
            "accident_date": acc, "authorization": r["authorization"], "contracted": r["contracted"], "element": r["element"],
            "bt_indication": r["bt_indication"], "provider_type": r["provider_type"], "referral": True,
            "supplementary_product": t["product"], "supplementary_start": t["start"],
        })
    return pl.DataFrame(recs, schema={c: DTYPES[c] for c in recs[0]})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(supp_line, min_size=1, max_size=40), st.fixed_dictionaries({k: insured_terms for k in "ABC"}),
       st.randoms(use_true_random=False))
def test_supplementary_limits_conservation_and_determinism(rows, terms, rnd):
    df = supp_frame(rows, terms)
    out = aanspraak.score(df)
    ok = out.filter(pl.col("reason") != "INVALID_INPUT")
    zero = D("0.00")
    for r in ok.iter_rows(named=True):
        assert r["basic_paid"] + r["supplementary_paid"] + r["patient_paid"] == r["amount"]
        assert r["supplementary_paid"] >= zero and r["patient_paid"] >= zero
        # Only what the basic left, never the eigen risico.
        assert r["supplementary_paid"] <= r["amount"] - r["basic_paid"] - r["eigen_risico"]
        if r["supplementary_product"] is None:
            assert (r["supplementary_reason"], r["supplementary_paid"]) == ("NO_SUPPLEMENTARY", zero)
        if r["supplementary_paid"] > zero:
            assert r["supplementary_basis"] is not None
    # Annual maxima per insured, product and calendar year.
    single = ok.filter(pl.col("supplementary_product").is_in(list(ANNUAL_MAX)))
    per_year = single.group_by("insured_id", "supplementary_product", pl.col("treatment_date").dt.year().alias("y")).agg(
        pl.col("supplementary_paid").sum())
    for r in per_year.iter_rows(named=True):
        assert r["supplementary_paid"] <= ANNUAL_MAX[r["supplementary_product"]]
    # AV Tand Optimaal orthodontics: its sub-limit (EUR 750 in seed 004) once per policy.
    ortho = ok.filter((pl.col("supplementary_product") == "av-tand-optimaal") & pl.col("code").str.starts_with("F"))
    for r in ortho.group_by("insured_id").agg(pl.col("supplementary_paid").sum()).iter_rows(named=True):
        assert r["supplementary_paid"] <= ORTHO_SUBLIMIT
    # Row order does not matter.
    perm = list(range(df.height))
    rnd.shuffle(perm)
    cols = ["supplementary_paid", "supplementary_reason", "supplementary_basis", "patient_paid"]
    strings = pl.col("supplementary_reason", "supplementary_basis").cast(pl.String)
    a = out.sort("line_id").select(cols).with_columns(strings)
    b = aanspraak.score(df[perm]).sort("line_id").select(cols).with_columns(strings)
    assert a.equals(b)
