"""Supplementary dental products (docs/rules.md#supplementary-products): the seed cases, every bundled exclusion,
limits to the cent, accident cover, combinations and the year's conditions."""

from __future__ import annotations

from decimal import Decimal as D

import polars as pl
import pytest

import aanspraak
from conftest import assert_conserved, d, one, score

ADULT = {"insured_id": "A", "birth_date": d("1980-06-15")}


def _extra(**kw):
    """An adult line with AV Tand Extra since 2020 (no waiting period in the product)."""
    return {**ADULT, "supplementary_product": "av-tand-extra", "supplementary_start": d("2020-01-01"), **kw}


# ------------------------------------------------------------------ seed 003: UC TandZeker 500

def _tandzeker(line_id: int, date: str, amount: str, code: str = "F411A", **kw):
    return {"insured_id": "K", "birth_date": d("2012-09-01"), "treatment_date": d(date), "code": code,
            "amount": D(amount), "provider_type": "orthodontist", "supplementary_product": "uc-tandzeker-500",
            "supplementary_start": d("2021-01-01"), "line_id": line_id, **kw}


def test_seed_003_orthodontics_in_first_policy_year_is_waiting_period():
    """Seed 003 r.o. 6.5: waiting period of twelve months from 1 January 2021."""
    r = one(_tandzeker(1, "2021-01-10", "103.43"), policy="vgz-2021")
    assert (r["reason"], r["supplementary_reason"]) == ("NOT_INSURED_YOUTH", "WAITING_PERIOD")
    assert r["supplementary_basis"].startswith("VGZ 2021 UC TandZeker 500 art. 45")
    assert (r["supplementary_paid"], r["patient_paid"]) == (D("0.00"), D("103.43"))
    # The last day of the waiting period, and the first day after it.
    out = score(_tandzeker(1, "2021-12-31", "100.00"), _tandzeker(2, "2022-01-01", "100.00"), policy="vgz-2021")
    assert out["supplementary_reason"].to_list() == ["WAITING_PERIOD", "PAID"]
    assert out["supplementary_paid"].to_list() == [D("0.00"), D("80.00")]


def test_seed_003_after_twelve_months_80_percent_and_lifetime_limit_across_years():
    out = score(
        _tandzeker(1, "2022-02-01", "600.00"),   # 80 % = 480.00
        _tandzeker(2, "2023-03-01", "512.35"),   # 80 % = 409.88 → 889.88 used
        _tandzeker(3, "2024-04-01", "200.00"),   # 80 % = 160.00, only 110.12 left: paid to the cap
        _tandzeker(4, "2025-05-01", "50.00"),    # nothing left
        policy="vgz-2021",
    )
    assert out["supplementary_paid"].to_list() == [D("480.00"), D("409.88"), D("110.12"), D("0.00")]
    assert out["supplementary_reason"].to_list() == ["PAID", "PAID", "SUBLIMIT_REACHED", "SUBLIMIT_REACHED"]
    assert sum(out["supplementary_paid"]) == D("1000.00")
    assert out["patient_paid"].to_list() == [D("120.00"), D("102.47"), D("89.88"), D("50.00")]
    assert_conserved(out)


def test_seed_003_lifetime_limit_restarts_with_a_new_policy_start():
    """The lifetime limit runs from supplementary_start: a new policy has its own."""
    out = score(_tandzeker(1, "2022-02-01", "1500.00"),
                _tandzeker(2, "2024-02-01", "100.00", supplementary_start=d("2023-01-01")), policy="vgz-2021")
    assert out["supplementary_paid"].to_list() == [D("1000.00"), D("80.00")]
    assert out["supplementary_reason"].to_list() == ["SUBLIMIT_REACHED", "PAID"]


def test_seed_003_unknown_start_counts_the_waiting_period_as_served():
    r = one(_tandzeker(1, "2021-01-10", "100.00", supplementary_start=None), policy="vgz-2021")
    assert (r["supplementary_reason"], r["supplementary_paid"]) == ("PAID", D("80.00"))


def test_tandzeker_500_covers_only_orthodontics_in_the_seed():
    r = one(_tandzeker(1, "2022-06-01", "80.00", code="R24", provider_type="tandarts"), policy="vgz-2021")
    assert (r["reason"], r["supplementary_reason"], r["supplementary_paid"]) == ("NOT_INSURED_YOUTH", "NOT_COVERED_BY_PRODUCT", D("0.00"))


# ------------------------------------------------------------------ seed 004: AV Tand Extra

def test_seed_004_av_tand_extra_never_above_500_in_a_calendar_year():
    rows = [_extra(treatment_date=d(f"2022-0{m}-01"), code="V21", amount=D("180.00"), line_id=m) for m in range(1, 5)]
    rows.append(_extra(treatment_date=d("2023-01-05"), code="V21", amount=D("180.00"), line_id=9))
    out = score(*rows)
    assert out["reason"].to_list()[:4] == ["NOT_INSURED_ADULT"] * 4
    assert out["supplementary_paid"].to_list() == [D("180.00"), D("180.00"), D("140.00"), D("0.00"), D("180.00")]
    assert out["supplementary_reason"].to_list() == ["PAID", "PAID", "ANNUAL_MAXIMUM_REACHED", "ANNUAL_MAXIMUM_REACHED", "PAID"]
    assert out.filter(pl.col("supplementary_reason") == "ANNUAL_MAXIMUM_REACHED")["supplementary_basis"].to_list() == [
        "De Friesland 2022 AV Tand Extra art. 4.2 (vanaf 18 jaar, maximaal EUR 500 per kalenderjaar)"] * 2
    assert sum(out.filter(pl.col("treatment_date").dt.year() == 2022)["supplementary_paid"]) == D("500.00")
    assert_conserved(out)


def test_av_tand_standaard_caps_at_250():
    rows = [{**_extra(treatment_date=d(f"2022-0{m}-01"), code="V21", amount=D("100.00"), line_id=m),
             "supplementary_product": "av-tand-standaard"} for m in range(1, 4)]
    assert score(*rows)["supplementary_paid"].to_list() == [D("100.00"), D("100.00"), D("50.00")]


def test_seed_004_cmva_codes_100_percent_other_codes_80_percent():
    out = score(
        _extra(code="C003", amount=D("22.16"), line_id=1),
        _extra(code="M03", amount=D("13.07"), line_id=2),
        _extra(code="V21", amount=D("31.87"), line_id=3),
        _extra(code="A10", amount=D("13.99"), line_id=4),
        _extra(code="R24", amount=D("123.45"), line_id=5),
        _extra(code="E13", amount=D("99.99"), line_id=6),
    )
    assert out["reason"].to_list() == ["NOT_INSURED_ADULT"] * 6
    assert out["supplementary_paid"].to_list() == [D("22.16"), D("13.07"), D("31.87"), D("13.99"), D("98.76"), D("79.99")]
    bases = out["supplementary_basis"].to_list()
    assert bases[0].endswith("sub a (consultatie en diagnostiek, C-codes 100 %)")
    assert bases[3].endswith("sub d (verdovingen, A-codes 100 %)")
    assert bases[4].endswith("sub e (overige codes 80 %)")
    assert_conserved(out)


def _denture_after_eigen_risico(code="P020", amount="1000.00", **extra):
    """A kaakchirurg line uses the eigen risico first, then a full denture."""
    first = _extra(treatment_date=d("2022-01-10"), code="H35", amount=D("385.00"), provider_type="kaakchirurg",
                   referral=True, line_id=1)
    second = _extra(treatment_date=d("2022-02-10"), code=code, amount=D(amount), provider_type="tandprotheticus",
                    line_id=2, **extra)
    out = score(first, second)
    assert_conserved(out)
    return out.row(1, named=True)


def test_seed_004_full_denture_eigen_bijdrage_reimbursed():
    r = _denture_after_eigen_risico()
    assert (r["eigen_bijdrage"], r["basic_paid"]) == (D("250.00"), D("750.00"))
    assert (r["supplementary_reason"], r["supplementary_paid"], r["patient_paid"]) == ("PAID", D("250.00"), D("0.00"))
    assert r["supplementary_basis"].startswith("De Friesland 2022 AV Tand art. 4.2 sub g")


def test_full_denture_eigen_bijdrage_on_material_costs_at_80_percent():
    # EUR 400 of the 1000 is material and technique: its eigen bijdrage (100.00) at 80 %.
    r = _denture_after_eigen_risico(material_costs=D("400.00"))
    assert (r["supplementary_paid"], r["patient_paid"]) == (D("230.00"), D("20.00"))


def test_implant_denture_eigen_bijdrage_is_reimbursed():
    """Art. 4.2 sub g: "volledige prothese", read as art. 3.12.2 reads it (on implants or
    not), so a click denture's 10 % is paid; the 10 % on a repair is not."""
    r = _denture_after_eigen_risico(code="J51", authorization=True)
    assert (r["eigen_bijdrage"], r["supplementary_reason"], r["supplementary_paid"], r["patient_paid"]) == (
        D("100.00"), "PAID", D("100.00"), D("0.00"))
    repair = _denture_after_eigen_risico(code="P062", amount="200.00")
    assert (repair["eigen_bijdrage"], repair["supplementary_reason"], repair["supplementary_paid"]) == (
        D("20.00"), "NOT_COVERED_BY_PRODUCT", D("0.00"))


def test_the_eigen_risico_is_never_paid_by_the_supplementary():
    r = one(_extra(treatment_date=d("2022-02-10"), code="P020", amount=D("1000.00"), provider_type="tandprotheticus"))
    # allowed 1000, eigen bijdrage 250, eigen risico 385, basic 365: the supplementary pays the 250 only.
    assert (r["eigen_risico"], r["basic_paid"], r["supplementary_paid"], r["patient_paid"]) == (
        D("385.00"), D("365.00"), D("250.00"), D("385.00"))


def test_non_contracted_gap_of_a_covered_line_at_the_rule_share():
    """A child's C11 at a non-contracted provider: basic 80 % of the amount, Opstap 80 % of the rest."""
    r = one({"insured_id": "C", "birth_date": d("2012-01-01"), "treatment_date": d("2022-03-01"), "code": "C002",
             "amount": D("50.00"), "contracted": False, "supplementary_product": "av-tand-opstap"})
    assert (r["basic_paid"], r["supplementary_paid"], r["patient_paid"]) == (D("40.00"), D("8.00"), D("2.00"))


def test_covered_line_with_nothing_left_is_nothing_to_pay():
    r = one({"insured_id": "C", "birth_date": d("2012-01-01"), "code": "C002", "amount": D("22.16"),
             "supplementary_product": "av-tand-opstap"})
    assert (r["supplementary_reason"], r["supplementary_basis"], r["supplementary_paid"]) == ("NOTHING_TO_PAY", None, D("0.00"))


# ------------------------------------------------------------------ AV Tand Optimaal orthodontics

def _optimaal(line_id, date, code="F461A", amount="600.00", **kw):
    return {**ADULT, "treatment_date": d(date), "code": code, "amount": D(amount), "provider_type": "orthodontist",
            "supplementary_product": "av-tand-optimaal", "supplementary_start": d("2022-01-01"), "line_id": line_id, **kw}


def test_av_tand_optimaal_orthodontics_750_once_across_years():
    out = score(_optimaal(1, "2022-03-01"), _optimaal(2, "2023-03-01", amount="400.00"), _optimaal(3, "2024-03-01", amount="99.00"))
    assert out["supplementary_paid"].to_list() == [D("600.00"), D("150.00"), D("0.00")]
    assert out["supplementary_reason"].to_list() == ["PAID", "SUBLIMIT_REACHED", "SUBLIMIT_REACHED"]
    assert out["supplementary_basis"][0].startswith("De Friesland 2022 AV Tand Optimaal art. 4.3 sub e")


def test_optimaal_sublimit_and_annual_maximum_together():
    # F 600 (sub-limit 750) then R24 crown 80 % of 600 = 480, but only 400 of the EUR 1,000 is left.
    out = score(_optimaal(1, "2022-03-01"), _optimaal(2, "2022-04-01", code="R24", amount="600.00", provider_type="tandarts"))
    assert out["supplementary_paid"].to_list() == [D("600.00"), D("400.00")]
    assert out["supplementary_reason"].to_list() == ["PAID", "ANNUAL_MAXIMUM_REACHED"]


def test_optimaal_excludes_orthodontics_begun_before_the_policy():
    out = score(_optimaal(1, "2021-09-01", supplementary_product=None, supplementary_start=None),
                _optimaal(2, "2022-03-01", code="F516A", amount="90.00"))
    assert out["supplementary_reason"].to_list() == ["NO_SUPPLEMENTARY", "SUPPLEMENTARY_EXCLUSION"]
    assert out["supplementary_basis"][1].endswith("sub f (orthodontie gestart voor de ingangsdatum)")
    # Another insured who began after the start is paid.
    r = one(_optimaal(2, "2022-03-01", code="F516A", amount="90.00"))
    assert (r["supplementary_reason"], r["supplementary_paid"]) == ("PAID", D("90.00"))


@pytest.mark.parametrize(
    "product, code, basis_end",
    [
        ("av-tand-extra", "F461A", "Uitsluitingen (orthodontische behandelingen)"),
        ("av-tand-extra", "E97", "Uitsluitingen (uitwendig bleken)"),
        ("av-tand-extra", "E98", "Uitsluitingen (uitwendig bleken)"),
        ("av-tand-extra", "M61", "Uitsluitingen (mondbeschermer)"),
        ("av-tand-extra", "A20", "Uitsluitingen (algehele narcose)"),
        ("av-tand-extra", "J39", "Uitsluitingen (autotransplantaten, J39)"),
        ("av-tand-extra", "G44", "Uitsluitingen (botox, G44)"),
        ("av-tand-standaard", "F461A", "Uitsluitingen (orthodontische behandelingen)"),
        ("av-tand-standaard", "J39", "Uitsluitingen (autotransplantaten, J39)"),
        ("av-tand-optimaal", "F481A", "sub a (linguale brackets, beugelcategorie 8 en 9)"),
        ("av-tand-optimaal", "F491B", "sub a (linguale brackets, beugelcategorie 8 en 9)"),
        ("av-tand-optimaal", "F518A", "sub a (linguale brackets, beugelcategorie 8 en 9)"),
        ("av-tand-optimaal", "F519C", "sub a (linguale brackets, beugelcategorie 8 en 9)"),
        ("av-tand-optimaal", "E97", "sub b (uitwendig bleken)"),
        ("av-tand-optimaal", "A20", "sub c (algehele narcose)"),
        ("av-tand-optimaal", "F811A", "sub g (F811A)"),
        ("av-tand-optimaal", "J39", "sub h (autotransplantaten, J39)"),
        ("av-tand-optimaal", "G44", "sub i (botox, G44)"),
    ],
)
def test_each_exclusion(product, code, basis_end):
    r = one(_extra(code=code, amount=D("100.00"), supplementary_product=product, provider_type="tandarts"))
    assert r["supplementary_reason"] == "SUPPLEMENTARY_EXCLUSION", r
    assert r["supplementary_basis"].endswith(basis_end)
    assert (r["supplementary_paid"], r["patient_paid"]) == (D("0.00"), D("100.00"))


def test_optimaal_pays_clear_aligners_category_7():
    r = one(_optimaal(1, "2022-03-01", code="F471A", amount="496.38"))
    assert (r["supplementary_reason"], r["supplementary_paid"]) == ("PAID", D("496.38"))


# ------------------------------------------------------------------ product-level outcomes

def test_below_minimum_age():
    r = one(_extra(birth_date=d("2010-01-01"), code="R24", amount=D("100.00")))
    assert (r["reason"], r["supplementary_reason"]) == ("NOT_INSURED_YOUTH", "BELOW_MINIMUM_AGE")
    assert r["supplementary_basis"].startswith("De Friesland 2022 AV Tand Extra art. 4.2 (vanaf 18 jaar")


def test_cover_ended_and_before_cover_start():
    out = score(_extra(treatment_date=d("2022-07-01"), code="V21", amount=D("50.00"), supplementary_end=d("2022-06-30"), line_id=1),
                _extra(treatment_date=d("2019-12-31"), code="V21", amount=D("50.00"), line_id=2))
    assert out["supplementary_reason"].to_list() == ["COVER_ENDED", "BEFORE_COVER_START"]
    assert out["supplementary_paid"].to_list() == [D("0.00"), D("0.00")]


def test_basic_formality_refusal_is_not_paid_by_the_supplementary():
    r = one(_extra(code="H35", amount=D("100.00"), provider_type="kaakchirurg", referral=False))
    assert (r["reason"], r["supplementary_reason"], r["supplementary_paid"]) == ("REFERRAL_MISSING", "BASIC_FORMALITY", D("0.00"))
    assert r["supplementary_basis"] == "aanvullende verzekering volgt de formele weigering van de basisverzekering"


def test_seed_004_esthetic_zone_refusal_is_not_paid_by_the_supplementary():
    r = one(_extra(code="J87", amount=D("258.67"), bt_indication="b", element=43, provider_type="kaakchirurg",
                   authorization=True, referral=True))
    assert (r["reason"], r["supplementary_reason"], r["supplementary_paid"]) == ("OUTSIDE_ESTHETIC_ZONE", "OUTSIDE_ESTHETIC_ZONE", D("0.00"))


def test_hospital_lines_are_never_paid_by_a_dental_product():
    r = one(_extra(code="238060", amount=D("500.00"), jaw="upper", edentulous=True, authorization=False))
    assert (r["reason"], r["supplementary_reason"], r["supplementary_paid"]) == ("AUTHORIZATION_MISSING", "HOSPITAL_CARE", D("0.00"))


# ------------------------------------------------------------------ accident cover and combinations

def _accident(**kw):
    return _extra(supplementary_product="tand-ongevallen", code="R24", amount=D("300.00"), treatment_date=d("2022-05-01"),
                  accident_date=d("2022-04-20"), **kw)


def test_accident_cover_pays_in_full_within_a_year_of_an_accident_in_cover():
    r = one(_accident())
    assert (r["supplementary_reason"], r["supplementary_paid"]) == ("PAID", D("300.00"))
    assert r["supplementary_basis"].startswith("De Friesland 2022 Tandongevallenregeling art. 4.4 (herstel")


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"accident_date": None}, "NO_ACCIDENT"),
        ({"accident_date": d("2019-06-01"), "treatment_date": d("2020-05-01")}, "ACCIDENT_OUTSIDE_COVER"),
        ({"treatment_date": d("2023-04-21")}, "ACCIDENT_TREATMENT_LATE"),
        ({"treatment_date": d("2022-04-19")}, "ACCIDENT_TREATMENT_LATE"),
        ({"authorization": False}, "AUTHORIZATION_MISSING"),
    ],
)
def test_accident_cover_conditions(change, reason):
    row = {**_accident(), **change}
    r = one(row)
    assert (r["supplementary_reason"], r["supplementary_paid"]) == (reason, D("0.00"))


def test_accident_treatment_on_the_last_day_of_the_year_is_paid():
    assert one(_accident(**{}) | {"treatment_date": d("2023-04-20")})["supplementary_paid"] == D("300.00")


@pytest.mark.parametrize("combo", ["av-tand-extra+tand-ongevallen", "tand-ongevallen+av-tand-extra"])
def test_combined_products_accident_first_then_the_others(combo):
    out = score(
        _extra(supplementary_product=combo, code="R24", amount=D("300.00"), treatment_date=d("2022-05-01"),
               accident_date=d("2022-04-20"), line_id=1),
        _extra(supplementary_product=combo, code="R24", amount=D("300.00"), treatment_date=d("2022-06-01"), line_id=2),
        _extra(supplementary_product=combo, code="V21", amount=D("300.00"), treatment_date=d("2022-07-01"), line_id=3),
    )
    # The accident line is paid by the accident cover in full and leaves Extra's EUR 500 untouched.
    assert out["supplementary_paid"].to_list() == [D("300.00"), D("240.00"), D("260.00")]
    assert out["supplementary_reason"].to_list() == ["PAID", "PAID", "ANNUAL_MAXIMUM_REACHED"]
    assert out["supplementary_basis"][0].startswith("De Friesland 2022 Tandongevallenregeling")
    assert out["supplementary_basis"][1].endswith("sub e (overige codes 80 %)")
    assert_conserved(out)


def test_combined_product_pays_the_rest_on_what_is_still_unpaid(tmp_path):
    """The accident cover capped at EUR 100 a year: Extra pays 80 % of the remaining 200."""
    text = aanspraak.Policy.load("defriesland-2022").to_toml() if hasattr(aanspraak.Policy, "to_toml") else None
    src = text or aanspraak._core.bundled_policy_toml("defriesland-2022")
    src = src.replace('name = "Tandongevallenregeling"', 'name = "Tandongevallenregeling"\nannual_max_eur = 100')
    p = tmp_path / "capped.toml"
    p.write_text(src)
    r = aanspraak.score(pl.DataFrame([{**_accident(), "supplementary_product": "av-tand-extra+tand-ongevallen"}]), policy=str(p)).row(0, named=True)
    assert (r["supplementary_paid"], r["patient_paid"]) == (D("260.00"), D("40.00"))


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize(
    "change, message",
    [
        ({"supplementary_product": "av-tand-luxe"}, "supplementary_product names a product"),
        ({"supplementary_product": "av-tand-extra+av-tand-extra"}, "supplementary_product names a product"),
        ({"supplementary_end": d("2019-12-31")}, "supplementary_end is before supplementary_start"),
        ({"material_costs": D("100.01")}, "material_costs is negative"),
    ],
)
def test_bad_supplementary_values_are_invalid_rows(change, message):
    out = score(_extra(code="V21", amount=D("100.00"), line_id=1, **change), _extra(code="V21", amount=D("100.00"), line_id=2))
    r, ok = out.row(0, named=True), out.row(1, named=True)
    assert (r["reason"], r["supplementary_reason"], r["supplementary_paid"], r["patient_paid"]) == (
        "INVALID_INPUT", "INVALID_INPUT", D("0.00"), D("100.00"))
    assert r["message"].startswith(message)
    assert (ok["supplementary_reason"], ok["supplementary_paid"]) == ("PAID", D("100.00"))


# ------------------------------------------------------------------ products as data

def _policy_with(tmp_path, extra_toml: str) -> str:
    p = tmp_path / "p.toml"
    p.write_text(aanspraak._core.bundled_policy_toml("defriesland-2022") + "\n" + extra_toml)
    return str(p)


def test_a_later_years_conditions_apply_from_that_year(tmp_path):
    """GCZ SKGZ202000171: a line is judged by the conditions of its treatment year."""
    policy = _policy_with(tmp_path, """
[supplementary.av-tand-extra-2023]
conditions_of = "av-tand-extra"
from_year = 2023
name = "AV Tand Extra 2023"
source = "what-if: EUR 750 from 2023"
legal_basis = "AV Tand Extra 2023 (maximaal EUR 750 per kalenderjaar)"
annual_max_eur = 750
""")
    rows = [_extra(treatment_date=d(f"{y}-03-01"), code="V21", amount=D("900.00"), line_id=y) for y in (2022, 2023)]
    out = aanspraak.score(pl.DataFrame(rows), policy=policy)
    assert out["supplementary_paid"].to_list() == [D("500.00"), D("750.00")]
    assert out["supplementary_basis"][1] == "AV Tand Extra 2023 (maximaal EUR 750 per kalenderjaar)"


@pytest.mark.parametrize("shared, second_paid", [(True, D("0.00")), (False, D("500.00"))])
def test_age_dependent_limits_on_one_or_two_budgets(tmp_path, shared, second_paid):
    """Orthodontics EUR 2,000 under 18 and EUR 750 from 18 (GCZ SKGZ202001185): with a
    limit_group one treatment draws on one budget; without, each age band has its own."""
    group = 'limit_group = "ortho"' if shared else ""
    policy = _policy_with(tmp_path, f"""
[supplementary.ortho-plus]
name = "Ortho plus"
source = "test product"
[[supplementary.ortho-plus.rules]]
sections = ["F"]
max_age = 17
share_pct = 100
sublimit_eur = 2000
sublimit_per = "policy"
{group}
legal_basis = "ortho tot 18 jaar EUR 2.000"
source = "test"
[[supplementary.ortho-plus.rules]]
sections = ["F"]
min_age = 18
share_pct = 100
sublimit_eur = 750
sublimit_per = "policy"
{group}
legal_basis = "ortho vanaf 18 jaar EUR 750"
source = "test"
""")
    common = {"insured_id": "T", "birth_date": d("2004-06-01"), "code": "F516A", "provider_type": "orthodontist",
              "supplementary_product": "ortho-plus", "supplementary_start": d("2019-01-01")}
    out = aanspraak.score(pl.DataFrame([
        {**common, "treatment_date": d("2022-05-01"), "amount": D("1800.00"), "line_id": 1},
        {**common, "treatment_date": d("2022-07-01"), "amount": D("500.00"), "line_id": 2},
    ]), policy=policy)
    assert out["age"].to_list() == [17, 18]
    assert out["supplementary_paid"].to_list() == [D("1800.00"), second_paid]


@pytest.mark.parametrize(
    "toml, key",
    [
        ('[supplementary.x]\nname = "X"\nsource = "s"\n[[supplementary.x.rules]]\nshare_pct = 80\nsublimit_eur = 5\nsublimit_per = "month"\nlegal_basis = "b"\nsource = "s"', "sublimit_per"),
        ('[supplementary.x]\nname = "X"\nsource = "s"\nconditions_of = "nope"\nfrom_year = 2023', "conditions_of"),
        ('[supplementary.x]\nname = "X"\nsource = "s"\n[[supplementary.x.rules]]\nshare_pct = 120\nlegal_basis = "b"\nsource = "s"', "share_pct"),
        ('[supplementary.x]\nname = "X"\nsource = "s"\n[[supplementary.x.exclusions]]\northo_categories = [10]\nlegal_basis = "b"\nsource = "s"', "ortho_categories"),
        ('[supplementary.x]\nname = "X"\nsource = "s"\nannual_max = 500', "annual_max"),
    ],
)
def test_bad_supplementary_terms_name_file_and_key(tmp_path, toml, key):
    with pytest.raises(aanspraak.PolicyError) as e:
        aanspraak.Policy.load(_policy_with(tmp_path, toml))
    assert "p.toml" in str(e.value) and key in str(e.value)


def test_supplementary_reasons_catalogue_documents_every_code():
    cat = aanspraak.supplementary_reasons()
    names = set(cat["reason"].to_list())
    for needed in ["PAID", "WAITING_PERIOD", "ANNUAL_MAXIMUM_REACHED", "SUBLIMIT_REACHED", "SUPPLEMENTARY_EXCLUSION",
                   "BELOW_MINIMUM_AGE", "NO_SUPPLEMENTARY", "COVER_ENDED"]:
        assert needed in names
    assert cat["meaning"].str.len_chars().min() > 10
