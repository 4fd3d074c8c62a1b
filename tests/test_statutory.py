"""The statutory file (docs/rules.md#the-statutory-file): every policy extends it; insurer
files hold only insurer terms; what-ifs override statutory values; the values come with
their references. Also the binding's named results."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal

import aanspraak
from aanspraak import _core
from conftest import lines

#: A custom policy with one basic product and no frequency limits, no statutory years.
CUSTOM = """
key = "custom"
name = "Custom"
source = "test"
default_basic_product = "basis"

[basic.basis]
non_contracted_share_pct = 80
"""

CHILD = dt.date(2013, 5, 1)


def two_exams(**second):
    """Two periodic exams (C11) of a child in 2021, the second without authorisation."""
    first = {"insured_id": "K1", "birth_date": CHILD, "treatment_date": dt.date(2021, 3, 1), "code": "C11", "amount": Decimal("24.50")}
    return lines(first, {**first, "treatment_date": dt.date(2021, 9, 1), "authorization": False, **second})


def test_a_custom_policy_without_frequency_limits_gets_the_statutory_ones():
    p = aanspraak.Policy.from_toml(CUSTOM, "custom.toml")
    out = aanspraak.score(two_exams(), p).sort("line_id")
    assert out["reason"].to_list()[1] == "FREQUENCY_LIMIT"
    assert out["legal_basis"].to_list()[1] == "Bzv 2.7 lid 4 sub a"
    assert out["basic_paid"].to_list()[1] == 0
    assert p.eigen_risico(2026) == Decimal("385.00"), "the statutory years too"


def test_a_what_if_without_the_statutory_frequency_limits():
    p = aanspraak.Policy.from_toml(CUSTOM, "custom.toml").with_basic("basis", statutory_frequency_limits=False)
    out = aanspraak.score(two_exams(), p).sort("line_id")
    assert out["reason"].to_list()[1] != "FREQUENCY_LIMIT"
    assert out["basic_paid"].to_list()[1] > 0
    assert "frequency_limits" not in p.document()["basic"]["basis"]
    bundled = aanspraak.Policy.load("defriesland-2022").with_basic("alles-verzorgd", statutory_frequency_limits=False)
    assert aanspraak.score(two_exams(), bundled).sort("line_id")["reason"].to_list()[1] != "FREQUENCY_LIMIT"


def test_a_what_if_overrides_a_statutory_limit_by_its_path():
    base = aanspraak.Policy.load("defriesland-2022")
    two = base.with_values({"basic.alles-verzorgd.frequency_limits[0].per_year": 2})
    assert aanspraak.score(two_exams(), two).sort("line_id")["reason"].to_list()[1] != "FREQUENCY_LIMIT"
    assert aanspraak.score(two_exams(), base).sort("line_id")["reason"].to_list()[1] == "FREQUENCY_LIMIT"
    row = two.statutory().filter(parameter="bzv-2.7-lid4-a", product="alles-verzorgd").row(0, named=True)
    assert (row["value"], row["statutory_value"]) == (2.0, 1.0)


def test_an_override_of_the_eigen_risico_still_works():
    base = aanspraak.Policy.load("vgz-2021")
    low = base.with_eigen_risico(165)
    assert (base.eigen_risico(2022), low.eigen_risico(2022)) == (Decimal("385.00"), Decimal("165.00"))
    adult = lines({"code": "H35", "amount": Decimal("300.00"), "birth_date": dt.date(1970, 1, 1), "provider_type": "kaakchirurg"})
    assert aanspraak.score(adult, low)["eigen_risico"].item() == Decimal("165.00")
    assert aanspraak.score(adult, base)["eigen_risico"].item() == Decimal("300.00")
    er = low.statutory().filter(parameter="compulsory_eigen_risico_eur", year=2022).row(0, named=True)
    assert (er["value"], er["statutory_value"]) == (165.0, 385.0)


def test_statutory_values_carry_their_references():
    st = aanspraak.Policy.load("iptiq-2019").statutory()
    assert set(st["parameter"]) >= {"compulsory_eigen_risico_eur", "full_denture_pct", "implant_denture_lower_pct",
                                     "implant_denture_upper_pct", "denture_combo_pct", "denture_repair_pct",
                                     "implant_denture_fixed_eur", "bzv-2.7-lid4-a", "bzv-2.7-lid4-d"}
    assert st["href"].str.starts_with("https://wetten.overheid.nl/BWBR").all()
    full = st.filter(parameter="full_denture_pct").sort("year")
    assert full["year"].to_list() == list(range(2013, 2027))
    assert full["value"].to_list() == [25.0] * 14
    # 2013-2016 cite the Regeling as in force that year; 2017-2026 the article.
    assert full["reference"].to_list()[3:5] == ["Regeling zorgverzekering, artikel 2.31 lid 2, as in force on 1 January 2016",
                                                "Regeling zorgverzekering, artikel 2.31 lid 2"]
    # 2013-2018 cite the act as in force that year; the others the act.
    er = st.filter(parameter="compulsory_eigen_risico_eur").sort("year")
    assert er["value"].to_list() == [350.0, 360.0, 375.0] + [385.0] * 11
    assert er["href"].to_list()[:7] == [f"https://wetten.overheid.nl/BWBR0018450/{y}-01-01" for y in range(2013, 2019)] + [
        "https://wetten.overheid.nl/BWBR0018450"]
    assert er["reference"][4] == "Zorgverzekeringswet, artikel 19, as in force on 1 January 2017"
    assert (st["value"] == st["statutory_value"]).all(), "the bundled sets use the statutory values"
    assert st.filter(parameter="bzv-2.7-lid4-d")["value"].to_list() == [2.0]


def test_insurer_files_hold_only_insurer_terms_and_the_document_merges_the_law():
    law = tomllib.loads(_core.statutory_toml())
    assert [(v["years"], v["value"]) for v in law["parameters"]["compulsory_eigen_risico_eur"]["values"]] == [
        ([2013, 2013], 350), ([2014, 2014], 360), ([2015, 2015], 375), ([2016, 2016], 385), ([2017, 2017], 385),
        ([2018, 2018], 385), ([2019, 2026], 385)]
    for key in _core.bundled_policies():
        doc = aanspraak.Policy.load(key).document()
        # one block per run of years with the same values: each of 2013-2016, then 2017-2026
        assert [(b["years"], b["compulsory_eigen_risico_eur"], b["implant_denture_fixed_eur"]) for b in doc["statutory"]] == [
            ([2013, 2013], 350, 125), ([2014, 2014], 360, 125), ([2015, 2015], 375, 125), ([2016, 2016], 385, 125),
            ([2017, 2026], 385, 0)]
        assert _core.bundled_policy_toml(key) == aanspraak.Policy.load(key).toml_text


def test_the_binding_returns_named_results():
    c = _core.CompiledPolicy.load("defriesland-2022")
    b = c.basic_products()[0]
    assert (b.key, b.name, b.non_contracted_share_pct) == ("alles-verzorgd", "Alles Verzorgd Polis", 80.0)
    s = {p.key: p for p in c.supplementary_products()}["av-tand-opstap"]
    assert (s.accident_cover, s.min_age, s.annual_max_cents, s.rules) == (False, 0, 25_000, 1)
    assert {(r.year, r.cents) for r in c.eigen_risico_by_year()} == {(2013, 35_000), (2014, 36_000), (2015, 37_500)} | {
        (y, 38_500) for y in range(2016, 2027)}
    r = {r.code: r for r in _core.reasons()}["FREQUENCY_LIMIT"]
    assert r.legal_basis and r.meaning and r.example
    assert {r.code for r in _core.supplementary_reasons()} >= {"WAITING_PERIOD"}


def test_2013_to_2018_are_scored_and_2012_is_invalid_naming_its_year():
    from decimal import Decimal as D

    import polars as pl

    row = {"insured_id": "P1", "birth_date": dt.date(1960, 1, 1), "code": "P30", "amount": D("400.00"), "provider_type": "tandprotheticus"}
    decl = pl.DataFrame([{**row, "insured_id": f"P{y}", "treatment_date": dt.date(y, 6, 1)} for y in (2016, 2017, 2018, 2012)])
    out = aanspraak.score(decl, "vgz-2021")
    # Rzv 2.31 lid 2: 25 % = 100.00; Zvw art. 19: EUR 385 of the remaining 300.00 → all 300.00.
    assert out["reason"].to_list() == ["COVERED", "COVERED", "COVERED", "INVALID_INPUT"]
    assert out["eigen_bijdrage"].to_list() == [D("100.00"), D("100.00"), D("100.00"), D("0.00")]
    assert out["eigen_risico"].to_list() == [D("300.00"), D("300.00"), D("300.00"), D("0.00")]
    assert out["message"].to_list() == [
        None, None, None, "the policy set has no statutory parameters (eigen risico) for the treatment year 2012",
    ]
    # The eigen risico of 2017 is a pot of its own: EUR 385 over two lines.
    two = pl.DataFrame([{**row, "treatment_date": dt.date(2017, m, 1), "code": "H35", "provider_type": "kaakchirurg", "amount": D("300.00")} for m in (2, 3)])
    assert aanspraak.score(two, "vgz-2021")["eigen_risico"].to_list() == [D("300.00"), D("85.00")]
