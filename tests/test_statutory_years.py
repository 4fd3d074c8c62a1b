"""The law of every year scored (docs/rules.md#the-statutory-file): the bundled statutory
parameters cover 2013-2026. The compulsory eigen risico per year (Zvw art. 19), Rzv 2.31
as in force each year: until 2016 a fixed EUR 125 per jaw on an implant denture and no
eigen bijdrage on repairs, from 2017 the percentages. Codes are those valid in the year
(``CodeTable.bundled().for_year``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import polars as pl
import pytest

import aanspraak
from conftest import lines

ADULT = dt.date(1960, 1, 1)
FIXED_BASIS = "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 3 (t/m 2016: vaste eigen bijdrage per kaak)"


def line(year: int, code: str, amount: str, **kw) -> dict:
    return {"insured_id": f"P{year}{code}{amount}", "birth_date": ADULT, "treatment_date": dt.date(year, 6, 1), "code": code,
            "amount": D(amount), "provider_type": "tandprotheticus", **kw}


def scored(*rows: dict, policy: str = "defriesland-2022") -> list[dict]:
    return aanspraak.score(lines(*rows), policy).with_columns(pl.col("reason", "legal_basis").cast(pl.String)).to_dicts()


@pytest.mark.parametrize("year,cap", [(2013, "350.00"), (2014, "360.00"), (2015, "375.00"), (2016, "385.00")])
def test_the_compulsory_eigen_risico_of_2013_to_2016(year, cap):
    # Two tooth extractions by a kaakchirurg (H35, valid that year), EUR 300 each: the first
    # line bears all of its 300.00, the second what is left of the year's pot.
    assert "H35" in aanspraak.CodeTable.bundled().for_year(year)["code"].to_list()
    row = {**line(year, "H35", "300.00"), "insured_id": "K", "provider_type": "kaakchirurg"}
    out = scored(row, {**row, "treatment_date": dt.date(year, 7, 1)})
    assert [r["reason"] for r in out] == ["COVERED", "COVERED"]
    assert [r["eigen_risico"] for r in out] == [D("300.00"), D(cap) - D("300.00")]
    assert aanspraak.Policy.load("defriesland-2022").eigen_risico(year) == D(cap)


def test_a_2015_adults_first_line_bears_the_375_eigen_risico_to_the_cent():
    out = scored({**line(2015, "H35", "412.37"), "provider_type": "kaakchirurg"})[0]
    assert (out["allowed"], out["eigen_bijdrage"], out["eigen_risico"], out["basic_paid"]) == (
        D("412.37"), D("0.00"), D("375.00"), D("37.37"))


def test_a_full_denture_in_2014_at_25_percent():
    out = scored(line(2014, "P30", "351.01"))[0]
    assert out["reason"] == "COVERED"
    assert out["legal_basis"] == "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 2"
    # 25 % of 351.01 = 87.7525, rounded half up once per line.
    assert (out["eigen_bijdrage"], out["eigen_risico"], out["basic_paid"]) == (D("87.75"), D("263.26"), D("0.00"))


def test_an_implant_denture_in_2016_bears_the_fixed_amount_per_jaw():
    lower, upper, cheap = scored(line(2016, "J51", "900.00"), line(2016, "J52", "900.00"), line(2016, "J51", "99.99"))
    for r in (lower, upper):
        assert (r["reason"], r["legal_basis"]) == ("COVERED", FIXED_BASIS)
        assert (r["allowed"], r["eigen_bijdrage"], r["eigen_risico"], r["basic_paid"]) == (
            D("900.00"), D("125.00"), D("385.00"), D("390.00"))
    # Allowed below EUR 125: the eigen bijdrage is all of it, never more.
    assert (cheap["allowed"], cheap["eigen_bijdrage"], cheap["eigen_risico"], cheap["basic_paid"]) == (
        D("99.99"), D("99.99"), D("0.00"), D("0.00"))


def test_the_same_implant_dentures_in_2017_at_10_and_8_percent():
    lower, upper = scored(line(2017, "J51", "900.00"), line(2017, "J52", "900.00"))
    assert (lower["legal_basis"], lower["eigen_bijdrage"]) == ("Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 3 sub a", D("90.00"))
    assert (upper["legal_basis"], upper["eigen_bijdrage"]) == ("Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 3 sub b", D("72.00"))


def test_the_fixed_amount_is_capped_by_a_non_contracted_allowed_amount():
    # Zelf Bewust pays 75 % of the reference tariff for non-contracted care: allowed 112.50,
    # below EUR 125, so the eigen bijdrage is all of it.
    out = scored(line(2016, "J51", "150.00", contracted=False, reference_tariff=D("150.00"), basic_product="zelf-bewust"))[0]
    assert (out["allowed"], out["eigen_bijdrage"], out["basic_paid"]) == (D("112.50"), D("112.50"), D("0.00"))


def test_j50_until_2016_is_implant_dentures_on_both_jaws():
    # The NZa list of 2013 names J50 "Boven- en onder klikgebit": EUR 125 for each jaw.
    both, cheap = scored(line(2016, "J50", "900.00"), line(2013, "J50", "200.00"))
    assert (both["legal_basis"], both["eigen_bijdrage"], both["eigen_risico"]) == (FIXED_BASIS, D("250.00"), D("385.00"))
    assert (cheap["eigen_bijdrage"], cheap["eigen_risico"]) == (D("200.00"), D("0.00"))
    # From 2017 the combination of a full denture and an implant denture, 17 %.
    later = scored(line(2017, "J50", "900.00"))[0]
    assert (later["legal_basis"], later["eigen_bijdrage"]) == ("Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 2-3; J50 17 % (seed 004 art. 3.12.2)", D("153.00"))


def test_a_repair_bears_no_eigen_bijdrage_until_2016_and_10_percent_from_2017():
    before, after = scored(line(2015, "P01", "50.00"), line(2017, "P01", "50.00"))
    assert (before["legal_basis"], before["eigen_bijdrage"], before["eigen_risico"]) == (
        "Bzv 2.7 lid 5 sub b; geen eigen bijdrage op reparatie of rebasing (Rzv 2.31 lid 4 pas vanaf 2017)", D("0.00"), D("50.00"))
    assert (after["legal_basis"], after["eigen_bijdrage"], after["eigen_risico"]) == (
        "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 4", D("5.00"), D("45.00"))


def test_an_implant_denture_under_bijzondere_tandheelkunde_in_2015():
    out = scored(line(2015, "J52", "900.00", bt_indication="a", authorization=True, provider_type="tandarts"))[0]
    assert (out["legal_basis"], out["eigen_bijdrage"]) == (
        "Bzv 2.7 lid 1 sub a; Rzv 2.31 lid 3 (t/m 2016: vaste eigen bijdrage per kaak)", D("125.00"))


def test_a_supplementary_product_pays_the_fixed_eigen_bijdrage():
    # AV Tand Standaard pays the eigen bijdrage of an implant denture at 100 %.
    supp = {"supplementary_product": "av-tand-standaard", "supplementary_start": dt.date(2010, 1, 1)}
    out = scored(line(2016, "J51", "900.00", **supp))[0]
    assert (out["eigen_bijdrage"], out["supplementary_paid"], out["supplementary_reason"], out["patient_paid"]) == (
        D("125.00"), D("125.00"), "PAID", D("385.00"))


def test_a_2012_line_stays_invalid_naming_its_year():
    out = scored(line(2012, "P30", "400.00"))[0]
    assert (out["reason"], out["eigen_bijdrage"], out["basic_paid"]) == ("INVALID_INPUT", D("0.00"), D("0.00"))
    assert out["message"] == "the policy set has no statutory parameters (eigen risico) for the treatment year 2012"


def test_the_statutory_values_of_2015_with_their_references():
    st = aanspraak.Policy.load("vgz-2021").statutory().filter(year=2015)
    got = {r["parameter"]: (r["value"], r["href"]) for r in st.iter_rows(named=True)}
    assert got == {
        "compulsory_eigen_risico_eur": (375.0, "https://wetten.overheid.nl/BWBR0018450/2015-01-01"),
        "full_denture_pct": (25.0, "https://wetten.overheid.nl/BWBR0018715/2015-01-01"),
        "implant_denture_lower_pct": (0.0, "https://wetten.overheid.nl/BWBR0018715/2015-01-01"),
        "implant_denture_upper_pct": (0.0, "https://wetten.overheid.nl/BWBR0018715/2015-01-01"),
        "implant_denture_fixed_eur": (125.0, "https://wetten.overheid.nl/BWBR0018715/2015-01-01"),
        "denture_combo_pct": (0.0, "https://wetten.overheid.nl/BWBR0018715"),
        "denture_repair_pct": (0.0, "https://wetten.overheid.nl/BWBR0018715/2015-01-01"),
    }


def test_a_policy_of_its_own_years_without_the_fixed_amount_keeps_the_percentages():
    # `implant_denture_fixed_eur` is optional in a [[statutory]] block (0: none), so a file
    # written before it keeps its meaning.
    own = """
key = "own"
name = "Own"
source = "test"
default_basic_product = "basis"

[[statutory]]
years = [2015, 2015]
compulsory_eigen_risico_eur = 375
full_denture_pct = 25
implant_denture_lower_pct = 10
implant_denture_upper_pct = 8
denture_combo_pct = 17
denture_repair_pct = 10
source = "what-if"

[basic.basis]
non_contracted_share_pct = 100
"""
    p = aanspraak.Policy.from_toml(own, "own.toml")
    assert scored(line(2015, "J51", "900.00"), policy=p)[0]["eigen_bijdrage"] == D("90.00")
    fixed = p.with_values({"statutory[0].implant_denture_fixed_eur": 150})
    assert scored(line(2015, "J51", "900.00"), policy=fixed)[0]["eigen_bijdrage"] == D("150.00")


def test_the_readme_example_of_the_statutory_years_runs():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = readme.split("2017 has 10 % (lower jaw) and 8 % (upper jaw); 2012 has no parameters:\n\n```python\n", 1)[1].split("```", 1)[0]
    exec(compile(block, "README.md", "exec"), {})


def test_the_fixed_amount_has_a_bound_named_in_the_error():
    base = aanspraak.Policy.load("vgz-2021")
    with pytest.raises(aanspraak.PolicyError, match=r"statutory\[1\]\.implant_denture_fixed_eur.*10000000.*10000001"):
        base.with_values({"statutory[1].implant_denture_fixed_eur": 10_000_001})
    # At the bound, twice it (J50) still counts to the cent.
    top = base.with_values({"statutory[1].implant_denture_fixed_eur": 10_000_000})
    assert scored(line(2014, "J50", "30000000.00"), policy=top)[0]["eigen_bijdrage"] == D("20000000.00")
