"""What-if scenarios (`compare`), derived policies and schadelast totals (issue 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aanspraak
from aanspraak.scenarios import SCENARIO_COLUMNS, column_name
from aanspraak.reports import AGE_BANDS, MONEY
from conftest import D, d, lines

BASE = aanspraak.Policy.load("defriesland-2022")


@pytest.fixture(scope="module")
def portfolio() -> pl.DataFrame:
    return aanspraak.synthetic.declarations(30_000, seed=11, supplementary_share=0.6, hospital_share=0.1)


def test_two_identical_policies_give_zero_differences(portfolio):
    cmp = aanspraak.compare(portfolio, {"a": BASE, "b": aanspraak.Policy.load("defriesland-2022")})
    deltas = [c for c in cmp.totals.columns if c.startswith("delta_")]
    assert len(deltas) == len(MONEY)
    assert all(v == 0 for c in deltas for v in cmp.totals[c].to_list())
    for c in SCENARIO_COLUMNS:
        assert cmp.lines[column_name(c, "a")].equals(cmp.lines[column_name(c, "b")]), c
    assert cmp.totals["basic_paid"][0] > 0


def test_eigen_risico_zero_moves_exactly_the_old_eigen_risico_to_basic_paid(portfolio):
    no_voluntary = portfolio.drop("voluntary_deductible")
    cmp = aanspraak.compare(no_voluntary, {"2022": BASE, "er0": BASE.with_eigen_risico(0)})
    w = cmp.lines
    assert (w["eigen_risico__er0"] == 0).all()
    old_er = w["eigen_risico__2022"].sum()
    assert old_er > Decimal("10000")
    assert w["basic_paid__er0"].sum() - w["basic_paid__2022"].sum() == old_er
    # Line by line: what was eigen risico is now paid by the basic insurance.
    assert (w["basic_paid__er0"] == w["basic_paid__2022"] + w["eigen_risico__2022"]).all()
    assert (w["patient_paid__er0"] == w["patient_paid__2022"] - w["eigen_risico__2022"]).all()
    assert cmp.totals.filter(scenario="er0")["delta_basic_paid"].item() == old_er
    assert cmp.totals.filter(scenario="er0")["delta_eigen_risico"].item() == -old_er


def test_voluntary_deductibles_stay_unless_dropped(portfolio):
    assert portfolio["voluntary_deductible"].max() > 0
    cmp = aanspraak.compare(portfolio, {
        "2022": BASE, "er0": BASE.with_eigen_risico(0), "none": BASE.with_eigen_risico(0, voluntary=False),
    })
    w = cmp.lines.filter(pl.col("eigen_risico__er0") > 0)
    assert w.height > 0 and (w["voluntary_deductible"] > 0).all()
    assert (cmp.lines["eigen_risico__none"] == 0).all()
    assert cmp.totals["delta_basic_paid"][2] == cmp.lines["eigen_risico__2022"].sum()


def test_each_scenario_equals_a_score_under_its_policy(portfolio):
    scenarios = {
        "base": BASE,
        "er165": BASE.with_eigen_risico(165),
        "cap": BASE.with_supplementary("av-tand-standaard", annual_max_eur=100),
        "both": BASE.with_eigen_risico(165).with_supplementary("av-tand-extra", annual_max_eur=50),
        "nc100": BASE.with_basic("alles-verzorgd", non_contracted_share_pct=100),  # all passes again
        "vgz": "vgz-2021",  # other product keys: the input is read again
    }
    cmp = aanspraak.compare(portfolio, scenarios, columns=[*SCENARIO_COLUMNS, "supplementary_basis"])
    for name, pol in scenarios.items():
        want = aanspraak.score(portfolio, policy=pol)
        got = cmp.scenario(name)
        assert isinstance(got, pl.DataFrame)
        for c in (*SCENARIO_COLUMNS, "supplementary_basis", "age", "code_normalized") if name != "vgz" else SCENARIO_COLUMNS:
            assert got[c].cast(pl.String).equals(want[c].cast(pl.String)), (name, c)
    assert cmp.totals.filter(scenario="nc100")["delta_allowed"].item() > 0


def test_a_lower_supplementary_cap_pays_less_and_never_over_it(portfolio):
    cmp = aanspraak.compare(portfolio, {"250": BASE, "100": BASE.with_supplementary("av-tand-standaard", annual_max_eur=100)})
    long = cmp.long()
    per_year = (
        long.filter(pl.col("supplementary_product") == "av-tand-standaard")
        .group_by("scenario", "insured_id", pl.col("treatment_date").dt.year())
        .agg(pl.col("supplementary_paid").sum())
    )
    assert per_year.filter(scenario="100")["supplementary_paid"].max() <= Decimal("100.00")
    assert per_year.filter(scenario="250")["supplementary_paid"].max() > Decimal("100.00")
    delta = cmp.totals.filter(scenario="100")
    assert delta["delta_supplementary_paid"].item() < 0
    assert delta["delta_patient_paid"].item() == -delta["delta_supplementary_paid"].item()


def test_dropping_a_code_from_an_exclusion_covers_it():
    child = {"birth_date": dt.date(2012, 1, 1), "code": "M80", "amount": Decimal("65.26")}
    decl = lines(child)
    cmp = aanspraak.compare(decl, {"2022": BASE, "m80": BASE.without_code("M80", within="basic.alles-verzorgd.exclusions")})
    row = cmp.lines.row(0, named=True)
    assert row["reason__2022"] == "INSURER_EXCLUSION"
    assert row["legal_basis__2022"] == "De Friesland 2022 art. 3.12.3 Uitsluitingen"
    assert row["reason__m80"] == "COVERED" and row["basic_paid__m80"] == Decimal("65.26")


def test_a_supplementary_rule_share_can_be_changed():
    adult = {"code": "C002", "amount": Decimal("100.00"), "supplementary_product": "av-tand-opstap",
             "supplementary_start": dt.date(2020, 1, 1)}
    p100 = BASE.with_supplementary("av-tand-opstap", rule=0, share_pct=100)
    cmp = aanspraak.compare(lines(adult), {"80": BASE, "100": p100})
    row = cmp.lines.row(0, named=True)
    assert (row["supplementary_paid__80"], row["supplementary_paid__100"]) == (Decimal("80.00"), Decimal("100.00"))


def test_derived_policies_are_validated_like_files():
    with pytest.raises(aanspraak.PolicyError, match="annual_max_eurs"):
        BASE.with_supplementary("av-tand-extra", annual_max_eurs=10)
    with pytest.raises(aanspraak.PolicyError, match="compulsory_eigen_risico_eur"):
        BASE.with_eigen_risico(-5)
    with pytest.raises(ValueError, match="no 'supplementary.nope'"):
        BASE.with_values({"supplementary.nope.annual_max_eur": 5})
    with pytest.raises(ValueError, match="rules\\[99\\]"):
        BASE.with_supplementary("av-tand-opstap", rule=99, share_pct=5)
    with pytest.raises(ValueError, match="extends 'av-tand-standaard'"):
        BASE.with_supplementary("av-tand-extra", rule=0, share_pct=90)  # its rules are inherited
    with pytest.raises(ValueError, match="not a policy path"):
        BASE.with_values({"basic..x": 1})
    with pytest.raises(ValueError, match="no codes list"):
        BASE.without_code("Q99")
    # The base is untouched, and a derived policy says where it came from.
    assert BASE.eigen_risico(2022) == Decimal("385.00")
    assert BASE.with_eigen_risico(165).origin == "defriesland-2022 with eigen risico EUR 165"


def test_compare_rejects_bad_names_and_columns(portfolio):
    with pytest.raises(ValueError, match="scenario name"):
        aanspraak.compare(portfolio.head(10), {"a b": BASE})
    with pytest.raises(ValueError, match="columns must be"):
        aanspraak.compare(portfolio.head(10), {"a": BASE}, columns=["paid"])
    with pytest.raises(ValueError, match="at least one"):
        aanspraak.compare(portfolio.head(10), {})


def test_schadelast_totals_equal_the_sums_of_the_scored_lines(portfolio):
    out = aanspraak.score(portfolio)
    total = aanspraak.schadelast(out)
    assert total["lines"].item() == out.height
    assert total["insured"].item() == out["insured_id"].n_unique()
    for m in MONEY[1:]:
        assert total[m].item() == out[m].sum(), m
    # declared is the amount, to the cent.
    assert total["declared"].item() == out["amount"].cast(pl.Decimal(18, 2)).sum()
    by = aanspraak.schadelast(out, by=["year", "age_band", "domain", "code_section", "product", "reason"])
    for m in ("lines", *MONEY):
        assert by[m].sum() == total[m].item(), m
    assert set(by["domain"].to_list()) == {"mondzorg", "msz"}
    assert "msz" in by["code_section"].to_list() and "C" in by["code_section"].to_list()
    assert by["age_band"].dtype == pl.Enum(AGE_BANDS)


def test_schadelast_on_a_comparison_is_per_scenario(portfolio):
    cmp = aanspraak.compare(portfolio, {"2022": BASE, "er165": BASE.with_eigen_risico(165)})
    t = aanspraak.schadelast(cmp, by=["age_band"])
    assert t.columns[:2] == ["scenario", "age_band"]
    for name in cmp.scenarios:
        part = t.filter(scenario=name)
        assert part["eigen_risico"].sum() == cmp.lines[column_name("eigen_risico", name)].sum()
        assert part["lines"].sum() == portfolio.height
    assert cmp.long().height == 2 * portfolio.height
    # The totals of compare are schadelast without groups.
    assert cmp.totals.select(aanspraak.schadelast(cmp).columns).equals(aanspraak.schadelast(cmp))


def test_compare_totals_leave_out_unreadable_amounts_like_schadelast():
    decl = lines(
        {"insured_id": "A", "amount": Decimal("100.00")},
        {"insured_id": "B", "amount": Decimal("-5.00")},  # INVALID_INPUT: patient_paid null
        {"insured_id": "B", "code": "NOPE", "amount": Decimal("12.34")},
    )
    cmp = aanspraak.compare(decl, {"2022": BASE, "er0": BASE.with_eigen_risico(0)})
    assert cmp.lines["reason__2022"].to_list()[1] == "INVALID_INPUT"
    assert cmp.totals.select(aanspraak.schadelast(cmp).columns).equals(aanspraak.schadelast(cmp))
    assert cmp.totals["declared"].to_list() == [Decimal("112.34")] * 2
    assert cmp.totals["insured"].to_list() == [2, 2]


def test_schadelast_names_unknown_groups():
    out = aanspraak.score(aanspraak.synthetic.declarations(100, seed=1))
    with pytest.raises(ValueError, match="cannot group by \\['colour'\\]"):
        aanspraak.schadelast(out, by=["colour"])
    with pytest.raises(ValueError, match="missing"):
        aanspraak.schadelast(pl.DataFrame({"a": [1]}))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 2**31),
    st.integers(1, 2_000),
    st.lists(st.sampled_from(["year", "age_band", "domain", "code_section", "product", "reason", "supplementary_reason"]),
             unique=True, max_size=3),
    st.integers(0, 500),
)
def test_grouped_totals_add_up_and_deltas_are_differences(seed, n, by, er):
    decl = aanspraak.synthetic.declarations(n, seed=seed, supplementary_share=0.5, hospital_share=0.2)
    cmp = aanspraak.compare(decl, {"base": BASE, "other": BASE.with_eigen_risico(er)})
    grouped = aanspraak.schadelast(cmp, by=by)
    for name in cmp.scenarios:
        part = grouped.filter(scenario=name)
        assert part["lines"].sum() == n
        for m in MONEY[1:]:
            assert part[m].sum() == cmp.lines[column_name(m, name)].sum()
    t = cmp.totals
    for m in MONEY:
        assert t[f"delta_{m}"][1] == t[m][1] - t[m][0]
    # Lowering or raising the eigen risico only moves money between basic and patient.
    assert t["delta_declared"][1] == 0 and t["delta_supplementary_paid"][1] == 0
    assert t["delta_basic_paid"][1] == -t["delta_patient_paid"][1] == -t["delta_eigen_risico"][1]


#: Changes of one or two supplementary products (av-tand-extra and -optimaal extend
#: av-tand-standaard, so a change of standaard changes them too).
_PRODUCT_CHANGES = {
    "standaard cap": lambda p: p.with_supplementary("av-tand-standaard", annual_max_eur=100),
    "opstap share": lambda p: p.with_supplementary("av-tand-opstap", rule=0, share_pct=100),
    "doorstap cap, opstap cap": lambda p: p.with_supplementary("av-tand-doorstap", annual_max_eur=60).with_supplementary("av-tand-opstap", annual_max_eur=40),
    "optimaal cap": lambda p: p.with_supplementary("av-tand-optimaal", annual_max_eur=90),
    "same values": lambda p: p.with_supplementary("av-tand-extra", annual_max_eur=500),
}


def _messy_products(decl: pl.DataFrame, seed: int, long_ids: bool) -> pl.DataFrame:
    """Insureds who switch product mid-year, combined and unknown product lists, lines
    without a product among an insured's others, and (optionally) ids long enough to be
    hashed by the engine."""
    h = pl.col("insured_id").hash(seed) % 11
    late = pl.col("treatment_date") >= dt.date(2022, 7, 1)
    product = pl.col("supplementary_product")
    decl = decl.with_columns(
        pl.when((h == 0) & late).then(pl.lit("av-tand-opstap"))
        .when((h == 1) & late).then(pl.lit("av-tand-standaard"))
        .when((h == 2) & (pl.int_range(pl.len()) % 5 == 0)).then(pl.lit(None, dtype=pl.String))
        .when((h == 3) & (pl.int_range(pl.len()) % 7 == 0)).then(pl.lit("tand-ongevallen+av-tand-doorstap"))
        .when((h == 4) & (pl.int_range(pl.len()) % 13 == 0)).then(pl.lit("av-tand-nope"))
        .otherwise(product)
        .alias("supplementary_product")
    )
    if long_ids:
        decl = decl.with_columns(pl.concat_str(pl.lit("insured-number-of-the-fund-"), pl.col("insured_id")).alias("insured_id"))
    return decl


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), change=st.sampled_from(sorted(_PRODUCT_CHANGES)), long_ids=st.booleans())
def test_changing_some_products_rescores_their_insureds_exactly_as_score(seed, change, long_ids):
    # compare scores again only the insureds with a line under a changed product; over
    # three engine chunks of lines every scenario still equals `score` under its policy,
    # and so do the baseline's insureds of unchanged products.
    decl = _messy_products(aanspraak.synthetic.declarations(40_000, seed=seed, supplementary_share=0.7), seed, long_ids)
    scenarios = {"base": BASE, "changed": _PRODUCT_CHANGES[change](BASE), "er": BASE.with_eigen_risico(200).with_supplementary("av-tand-opstap", annual_max_eur=40)}
    cols = [*SCENARIO_COLUMNS, "supplementary_basis"]
    cmp = aanspraak.compare(decl, scenarios, columns=cols)
    for name, pol in scenarios.items():
        want = aanspraak.score(decl, policy=pol)
        got = cmp.scenario(name)
        for c in cols:
            assert got[c].cast(pl.String).equals(want[c].cast(pl.String)), (name, c)
    paid = cmp.lines["supplementary_paid__changed"] != cmp.lines["supplementary_paid__base"]
    assert change == "same values" or paid.any(), "the change changes some payments"


def test_care_begun_under_an_unchanged_product_still_excludes_under_a_changed_one():
    # An insured's orthodontics began in 2021 under AV Tand Standaard (which does not
    # change); from 2022 AV Tand Optimaal (which does) excludes it as begun before its
    # start (art. 4.3 Uitsluitingen sub f). Scoring the changed product's lines again
    # without the insured's other lines would lose that mark and pay the line.
    ortho = {"birth_date": d("1980-06-15"), "provider_type": "orthodontist", "amount": D("90.00")}
    decl = lines(
        {**ortho, "insured_id": "M", "line_id": 1, "treatment_date": d("2021-09-01"), "code": "F461A",
         "supplementary_product": "av-tand-standaard", "supplementary_start": d("2020-01-01")},
        {**ortho, "insured_id": "M", "line_id": 2, "treatment_date": d("2022-03-01"), "code": "F516A",
         "supplementary_product": "av-tand-optimaal", "supplementary_start": d("2022-01-01")},
        {**ortho, "insured_id": "N", "line_id": 3, "treatment_date": d("2022-03-01"), "code": "F516A",
         "supplementary_product": "av-tand-optimaal", "supplementary_start": d("2022-01-01")},
    )
    cmp = aanspraak.compare(decl, {"base": BASE, "cap": BASE.with_supplementary("av-tand-optimaal", annual_max_eur=50)})
    w = cmp.lines
    assert w["supplementary_reason__cap"].to_list() == ["SUPPLEMENTARY_EXCLUSION", "SUPPLEMENTARY_EXCLUSION", "ANNUAL_MAXIMUM_REACHED"]
    assert w["supplementary_paid__cap"].to_list() == [D("0.00"), D("0.00"), D("50.00")]
    assert w["supplementary_paid__base"].to_list() == [D("0.00"), D("0.00"), D("90.00")]
