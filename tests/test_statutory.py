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
                                     "bzv-2.7-lid4-a", "bzv-2.7-lid4-d"}
    assert st["href"].str.starts_with("https://wetten.overheid.nl/BWBR").all()
    assert st.filter(parameter="full_denture_pct")["reference"].unique().to_list() == ["Regeling zorgverzekering, artikel 2.31 lid 2"]
    assert st.filter(parameter="full_denture_pct")["year"].to_list() == list(range(2019, 2027))
    assert (st["value"] == st["statutory_value"]).all(), "the bundled sets use the statutory values"
    assert st.filter(parameter="bzv-2.7-lid4-d")["value"].to_list() == [2.0]


def test_insurer_files_hold_only_insurer_terms_and_the_document_merges_the_law():
    law = tomllib.loads(_core.statutory_toml())
    assert law["parameters"]["compulsory_eigen_risico_eur"]["values"] == [{"years": [2019, 2026], "value": 385}]
    for key in _core.bundled_policies():
        doc = aanspraak.Policy.load(key).document()
        assert doc["statutory"][0]["years"] == [2019, 2026]
        assert doc["statutory"][0]["compulsory_eigen_risico_eur"] == 385
        assert _core.bundled_policy_toml(key) == aanspraak.Policy.load(key).toml_text


def test_the_binding_returns_named_results():
    c = _core.CompiledPolicy.load("defriesland-2022")
    b = c.basic_products()[0]
    assert (b.key, b.name, b.non_contracted_share_pct) == ("alles-verzorgd", "Alles Verzorgd Polis", 80.0)
    s = {p.key: p for p in c.supplementary_products()}["av-tand-opstap"]
    assert (s.accident_cover, s.min_age, s.annual_max_cents, s.rules) == (False, 0, 25_000, 1)
    assert {(r.year, r.cents) for r in c.eigen_risico_by_year()} == {(y, 38_500) for y in range(2019, 2027)}
    r = {r.code: r for r in _core.reasons()}["FREQUENCY_LIMIT"]
    assert r.legal_basis and r.meaning and r.example
    assert {r.code for r in _core.supplementary_reasons()} >= {"WAITING_PERIOD"}
