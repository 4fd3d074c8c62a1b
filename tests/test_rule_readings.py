"""Readings of seed 004 (De Friesland 2022) and Rzv 2.31 that an independent check of the
rules found wrong in the first release: P044, the scope of the youth exclusions, implant
dentures under bijzondere tandheelkunde, which eigen bijdrage a supplementary product pays,
the lid-6 provider rule, and combined supplementary products. Each case fails on the
first release."""

from decimal import Decimal as D

import pytest

from conftest import assert_conserved, d, one, score

ADULT = d("1970-05-01")
CHILD = d("2010-01-01")


# --- P044, toeslag zeer ernstig geslonken kaak (seed 004 art. 3.12.2 Toestemming vooraf l) --

P044 = {"birth_date": ADULT, "code": "P044", "amount": D("101.27"), "authorization": True}


def test_p044_for_an_adult_without_the_right_to_implants_is_not_insured():
    r = one(P044)
    assert (r["basic_covered"], r["reason"], r["basic_paid"], r["patient_paid"]) == (False, "NOT_INSURED_ADULT", D("0.00"), D("101.27"))
    assert r["legal_basis"].startswith("Bzv 2.7 lid 5 sub b, lid 2")
    assert r["eigen_risico"] == D("0.00")  # it uses nothing of the deductible


def test_p044_entitlement_precedes_authorisation_and_referral():
    r = one({**P044, "authorization": False, "provider_type": "kaakchirurg", "referral": False})
    assert r["reason"] == "NOT_INSURED_ADULT"


def test_p044_with_a_severely_resorbed_jaw_is_a_full_denture_with_its_authorisation():
    r = one({**P044, "severely_resorbed": True})
    # Rzv 2.31 lid 2: 25 % of 101.27 = 25.3175 -> 25.32; the rest goes to the eigen risico.
    assert (r["reason"], r["legal_basis"], r["eigen_bijdrage"], r["eigen_risico"], r["basic_paid"]) == (
        "COVERED", "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 2", D("25.32"), D("75.95"), D("0.00"))
    assert r["authorization_required"] is True
    refused = one({**P044, "severely_resorbed": True, "authorization": False})
    assert (refused["reason"], refused["legal_basis"]) == ("AUTHORIZATION_MISSING", "De Friesland 2022 art. 3.12.2 Toestemming vooraf sub l")


def test_p044_as_bijzondere_tandheelkunde_is_covered_without_bijdrage():
    r = one({**P044, "bt_indication": "b"})
    assert (r["reason"], r["legal_basis"], r["eigen_bijdrage"], r["allowed"]) == ("COVERED", "Bzv 2.7 lid 1 sub b", D("0.00"), D("101.27"))


def test_p044_for_a_child_stays_youth_care():
    r = one({**P044, "birth_date": CHILD})
    assert (r["reason"], r["legal_basis"], r["basic_paid"]) == ("COVERED", "Bzv 2.7 lid 4", D("101.27"))


# --- youth exclusions belong to art. 3.12.3 (lid 4), not to BT ------------------------------

@pytest.mark.parametrize("code", ["M80", "M81", "M05", "G44", "G74", "C012"])
def test_youth_exclusions_do_not_refuse_bt_care(code):
    base = {"birth_date": CHILD, "code": code, "amount": D("40.00"), "element": 36, "authorization": True}
    assert one(base)["reason"] == "INSURER_EXCLUSION"
    bt = one({**base, "bt_indication": "b"})
    assert (bt["reason"], bt["legal_basis"], bt["basic_paid"]) == ("COVERED", "Bzv 2.7 lid 1 sub b", D("40.00"))


# --- implant dentures under BT: Rzv 2.31 lid 3 (seed 004 art. 3.12.1 Eigen bijdrage) -------

IMPLANT_DENTURE_BT = {"birth_date": ADULT, "amount": D("1000.00"), "bt_indication": "a", "authorization": True, "voluntary_deductible": 0}


@pytest.mark.parametrize("code,bijdrage,basis", [
    ("J51", D("100.00"), "Bzv 2.7 lid 1 sub a; Rzv 2.31 lid 3 sub a"),   # lower jaw 10 %
    ("J52", D("80.00"), "Bzv 2.7 lid 1 sub a; Rzv 2.31 lid 3 sub b"),    # upper jaw 8 %
])
def test_implant_denture_under_bt_carries_its_bijdrage(code, bijdrage, basis):
    r = one({**IMPLANT_DENTURE_BT, "code": code})
    assert (r["reason"], r["legal_basis"], r["eigen_bijdrage"]) == ("COVERED", basis, bijdrage)
    assert r["eigen_risico"] == D("385.00") and r["basic_paid"] == D("1000.00") - bijdrage - D("385.00")


def test_implant_denture_under_bt_for_a_child_carries_none():
    r = one({**IMPLANT_DENTURE_BT, "code": "J51", "birth_date": CHILD})
    assert (r["reason"], r["eigen_bijdrage"], r["basic_paid"]) == ("COVERED", D("0.00"), D("1000.00"))


def test_other_bt_care_related_to_the_indication_carries_none():
    r = one({**IMPLANT_DENTURE_BT, "code": "P020"})
    assert (r["legal_basis"], r["eigen_bijdrage"]) == ("Bzv 2.7 lid 1 sub a", D("0.00"))


# --- the statutory eigen bijdrage a supplementary product pays ----------------------------

PROSTHESIS = {"birth_date": ADULT, "amount": D("1000.00"), "authorization": True, "supplementary_product": "av-tand-extra"}


@pytest.mark.parametrize("code,bijdrage", [("P020", D("250.00")), ("J51", D("100.00")), ("J52", D("80.00")), ("J50", D("170.00"))])
def test_av_tand_pays_the_bijdrage_on_any_full_prosthesis(code, bijdrage):
    # Seed 004 art. 4.2 sub g, "volledige prothese" read as art. 3.12.2 reads it: on implants or not.
    r = one({**PROSTHESIS, "code": code})
    assert r["eigen_bijdrage"] == bijdrage
    assert (r["supplementary_paid"], r["supplementary_reason"]) == (bijdrage, "PAID")
    assert r["patient_paid"] == D("385.00")  # the eigen risico, which may not be insured


def test_av_tand_does_not_pay_the_bijdrage_on_a_repair_nor_do_opstap_or_accident_cover():
    repair = one({**PROSTHESIS, "code": "P062", "amount": D("200.00")})
    assert (repair["eigen_bijdrage"], repair["supplementary_paid"], repair["supplementary_reason"]) == (D("20.00"), D("0.00"), "NOT_COVERED_BY_PRODUCT")
    for product in ["av-tand-opstap", "av-tand-doorstap"]:
        r = one({**PROSTHESIS, "code": "J51", "supplementary_product": product})
        assert (r["supplementary_paid"], r["supplementary_reason"]) == (D("0.00"), "NOT_COVERED_BY_PRODUCT")
    acc = one({**PROSTHESIS, "code": "J51", "supplementary_product": "tand-ongevallen", "accident_date": d("2022-01-10")})
    assert acc["supplementary_paid"] == D("0.00")


@pytest.mark.parametrize("code,share", [("V21", D("1.00")), ("E13", D("0.80"))])
@pytest.mark.parametrize("contracted", [True, False])
def test_bt_care_not_related_is_paid_as_the_regular_care(code, share, contracted):
    # Rzv 2.31 lid 1: the 100 % bijdrage stands for the regular care, which the product pays.
    plain = {"birth_date": ADULT, "code": code, "amount": D("80.00"), "element": 36, "supplementary_product": "av-tand-extra",
             "contracted": contracted}
    bt = {**plain, "bt_indication": "b", "bt_related": False, "authorization": True}
    out = score(plain, {**bt, "insured_id": "P2"})
    assert_conserved(out)
    without, with_bt = out.row(0, named=True), out.row(1, named=True)
    assert without["reason"] == "NOT_INSURED_ADULT"
    assert (with_bt["reason"], with_bt["legal_basis"]) == ("COVERED", "Bzv 2.7 lid 1 sub b; Rzv 2.31 lid 1")
    assert with_bt["basic_paid"] == D("0.00") and with_bt["eigen_risico"] == D("0.00")
    assert with_bt["supplementary_paid"] == without["supplementary_paid"] == D("80.00") * share
    assert with_bt["supplementary_reason"] == "PAID"


# --- lid 6 under 18: the provider rule of art. 3.12.2 is for insureds of 18 and over ---------

LID6 = {"code": "J20", "amount": D("500.00"), "element": 12, "missing_tooth_cause": "agenesis", "need_before_18": True,
        "provider_type": "implantoloog", "authorization": True}


def test_lid6_implant_by_an_implantoloog_under_18_is_covered():
    r = one({**LID6, "birth_date": d("2006-01-01")})  # 16 in 2022
    assert (r["age"], r["reason"], r["legal_basis"], r["basic_paid"]) == (16, "COVERED", "Bzv 2.7 lid 6", D("500.00"))


def test_lid6_implant_by_an_implantoloog_from_18_is_refused():
    r = one({**LID6, "birth_date": d("2002-01-01")})  # 20 in 2022
    assert (r["reason"], r["legal_basis"]) == ("PROVIDER_NOT_QUALIFIED", "De Friesland 2022 art. 3.12.2 Wie mag deze zorg verlenen sub d")


# --- combined products pay each part as a single product would -----------------------------

NON_CONTRACTED_DENTURE = {"birth_date": ADULT, "code": "P020", "amount": D("1000.00"), "contracted": False, "authorization": True,
                          "accident_date": d("2022-02-01")}


def test_combined_products_pay_the_bijdrage_as_a_single_product():
    # allowed 80 % = 800.00, eigen bijdrage 25 % = 200.00, eigen risico 385.00, basic 215.00;
    # left to the patient besides the eigen risico: 200.00 bijdrage + 200.00 not allowed.
    extra = one({**NON_CONTRACTED_DENTURE, "supplementary_product": "av-tand-extra"})
    assert (extra["allowed"], extra["eigen_bijdrage"], extra["eigen_risico"], extra["basic_paid"]) == (
        D("800.00"), D("200.00"), D("385.00"), D("215.00"))
    assert extra["supplementary_paid"] == D("360.00")  # 100 % of the bijdrage + 80 % of the rest
    accident = one({**NON_CONTRACTED_DENTURE, "supplementary_product": "tand-ongevallen"})
    assert accident["supplementary_paid"] == D("200.00")  # 100 % of what the basic did not allow
    both = one({**NON_CONTRACTED_DENTURE, "supplementary_product": "av-tand-extra+tand-ongevallen"})
    # Accident cover first pays the 200.00 not allowed; AV Tand Extra then pays the bijdrage in full.
    assert (both["supplementary_paid"], both["patient_paid"]) == (D("400.00"), D("385.00"))
    no_accident = one({**NON_CONTRACTED_DENTURE, "accident_date": None, "supplementary_product": "av-tand-extra+tand-ongevallen"})
    assert no_accident["supplementary_paid"] == D("360.00")
