"""Each rule of docs/rules.md#coverage on both sides of its boundary."""

from decimal import Decimal as D

import pytest

from conftest import assert_conserved, d, one, score

CHILD = d("2010-01-01")


# --- age 17 / 18 (Bzv 2.7 lid 4 versus lid 5) ---------------------------------------------

def test_c11_the_day_before_and_on_the_18th_birthday():
    before = one({"birth_date": d("2004-06-15"), "treatment_date": d("2022-06-14"), "code": "C002", "amount": D("22.16")})
    assert (before["age"], before["reason"], before["legal_basis"], before["basic_paid"]) == (17, "COVERED", "Bzv 2.7 lid 4", D("22.16"))
    assert before["eigen_risico"] == D("0.00")  # no eigen risico under 18
    on = one({"birth_date": d("2004-06-15"), "treatment_date": d("2022-06-15"), "code": "C002", "amount": D("22.16")})
    assert (on["age"], on["reason"], on["legal_basis"], on["basic_paid"]) == (18, "NOT_INSURED_ADULT", "Bzv 2.7 lid 5", D("0.00"))
    assert on["patient_paid"] == D("22.16")


def test_leap_day_birthday_turns_18_on_1_march():
    r = one({"birth_date": d("2004-02-29"), "treatment_date": d("2022-02-28"), "code": "C002"})
    assert (r["age"], r["reason"]) == (17, "COVERED")
    r = one({"birth_date": d("2004-02-29"), "treatment_date": d("2022-03-01"), "code": "C002"})
    assert (r["age"], r["reason"]) == (18, "NOT_INSURED_ADULT")


@pytest.mark.parametrize("code,reason", [("R24", "NOT_INSURED_YOUTH"), ("F411A", "NOT_INSURED_YOUTH"), ("J20", "NOT_INSURED_YOUTH"),
                                         ("V12", "COVERED"), ("E13", "COVERED"), ("P020", "COVERED"), ("X10", "COVERED")])
def test_youth_sections(code, reason):
    r = one({"birth_date": CHILD, "code": code, "amount": D("50.00"), "element": 36})
    assert r["reason"] == reason


# --- age 22 / 23 (lid 6) --------------------------------------------------------------------

LID6 = {"code": "R24", "amount": D("237.56"), "element": 11, "missing_tooth_cause": "agenesis", "need_before_18": True,
        "provider_type": "tandarts", "authorization": True}


def test_lid6_at_22_covered_at_23_not():
    at22 = one({**LID6, "birth_date": d("2000-03-02"), "treatment_date": d("2023-03-01")})
    assert (at22["age"], at22["reason"], at22["legal_basis"]) == (22, "COVERED", "Bzv 2.7 lid 6")
    assert at22["authorization_required"] is True  # De Friesland 3.12.2 sub k
    assert (at22["eigen_risico"], at22["basic_paid"]) == (D("237.56"), D("0.00"))
    at23 = one({**LID6, "birth_date": d("2000-03-01"), "treatment_date": d("2023-03-01")})
    assert (at23["age"], at23["reason"]) == (23, "NOT_INSURED_ADULT")


def test_lid6_needs_incisor_or_canine_and_cause_and_need_before_18():
    base = {**LID6, "birth_date": d("2002-01-01")}
    assert one(base)["reason"] == "COVERED"
    assert one({**base, "element": 14})["reason"] == "NOT_INSURED_ADULT"
    assert one({**base, "element": None})["reason"] == "NOT_INSURED_ADULT"
    assert one({**base, "missing_tooth_cause": None})["reason"] == "NOT_INSURED_ADULT"
    assert one({**base, "need_before_18": False})["reason"] == "NOT_INSURED_ADULT"
    assert one({**base, "authorization": False})["reason"] == "AUTHORIZATION_MISSING"
    assert one({**base, "provider_type": "mondhygienist"})["reason"] == "PROVIDER_NOT_QUALIFIED"


def test_lid6_under_18_covers_a_crown_that_lid4_does_not():
    r = one({**LID6, "birth_date": d("2008-01-01"), "element": 21, "missing_tooth_cause": "accident"})
    assert (r["age"], r["reason"], r["legal_basis"]) == (14, "COVERED", "Bzv 2.7 lid 6")
    assert r["eigen_risico"] == D("0.00")


# --- esthetic zone, elements 13 / 14 / 15 ----------------------------------------------------

@pytest.mark.parametrize("element,reason", [(13, "COVERED"), (14, "COVERED"), (15, "OUTSIDE_ESTHETIC_ZONE"),
                                            (24, "COVERED"), (25, "OUTSIDE_ESTHETIC_ZONE"), (43, "OUTSIDE_ESTHETIC_ZONE"),
                                            (None, "OUTSIDE_ESTHETIC_ZONE")])
def test_esthetic_zone_boundary(element, reason):
    r = one({"code": "J87", "amount": D("258.67"), "element": element, "bt_indication": "b", "authorization": True})
    assert r["reason"] == reason


def test_esthetic_zone_in_2026_uses_j060_and_j087_is_not_that_code():
    r = one({"code": "J060", "treatment_date": d("2026-02-01"), "element": 43, "bt_indication": "b"})
    assert r["reason"] == "OUTSIDE_ESTHETIC_ZONE"
    r = one({"code": "J87", "treatment_date": d("2026-02-01"), "element": 21, "bt_indication": "b"})
    assert (r["reason"], r["legal_basis"]) == ("UNKNOWN_CODE", "NZa prestatiecodelijst (code unknown on treatment date)")


# --- frequency limits: second C11 in a year, third fluoride -----------------------------------

def _c11(date, auth=None, line=0):
    return {"insured_id": "K", "birth_date": CHILD, "treatment_date": d(date), "code": "C002", "amount": D("22.16"),
            "authorization": auth, "line_id": line}


def test_second_c11_in_a_year():
    out = score(_c11("2022-02-01", line=1), _c11("2022-08-01", auth=False, line=2), _c11("2022-09-01", line=3),
                _c11("2023-01-05", auth=False, line=4))
    assert out["reason"].to_list() == ["COVERED", "FREQUENCY_LIMIT", "COVERED", "COVERED"]
    assert out["legal_basis"].to_list()[1] == "Bzv 2.7 lid 4 sub a"
    assert out["authorization_required"].to_list() == [False, True, True, False]
    assert out["basic_paid"].to_list() == [D("22.16"), D("0.00"), D("22.16"), D("22.16")]
    assert_conserved(out)


def test_third_fluoride_needs_authorisation():
    rows = [{"insured_id": "F", "birth_date": CHILD, "treatment_date": d(f"2022-0{m}-01"), "code": "M40", "amount": D("14.58"),
             "authorization": False, "line_id": m} for m in (1, 4, 7)]
    out = score(*rows)
    assert out["reason"].to_list() == ["COVERED", "COVERED", "FREQUENCY_LIMIT"]
    assert out["legal_basis"].to_list()[2] == "Bzv 2.7 lid 4 sub d"


def test_frequency_limit_order_follows_date_not_input_order():
    out = score(_c11("2022-08-01", auth=False, line=2), _c11("2022-02-01", auth=False, line=1))
    assert out["reason"].to_list() == ["FREQUENCY_LIMIT", "COVERED"]


# --- adult lid 5 ----------------------------------------------------------------------------

def test_lid5a_specialist_surgery_needs_a_kaakchirurg():
    base = {"code": "H35", "amount": D("64.79")}
    assert one({**base, "provider_type": "kaakchirurg"})["legal_basis"] == "Bzv 2.7 lid 5 sub a"
    assert one({**base, "provider_type": "tandarts"})["reason"] == "NOT_INSURED_ADULT"
    assert one(base)["reason"] == "NOT_INSURED_ADULT"  # unknown provider: lid 5a not met (docs/interpretations.md#coverage)
    assert one({"code": "H11", "amount": D("40.49"), "provider_type": "kaakchirurg"})["reason"] == "NOT_INSURED_ADULT"
    assert one({"code": "X10", "amount": D("16.33"), "provider_type": "kaakchirurg"})["reason"] == "COVERED"
    assert one({"code": "J20", "amount": D("100.00"), "provider_type": "kaakchirurg"})["reason"] == "NOT_INSURED_ADULT"


def test_referral_for_kaakchirurg():
    base = {"code": "H35", "amount": D("64.79"), "provider_type": "kaakchirurg"}
    assert one({**base, "referral": False})["reason"] == "REFERRAL_MISSING"
    assert one({**base, "referral": True})["reason"] == "COVERED"
    assert one({**base, "referral": None})["reason"] == "COVERED"


# --- bijzondere tandheelkunde -----------------------------------------------------------------

def test_bt_needs_authorisation():
    base = {"code": "V12", "amount": D("35.09"), "bt_indication": "b"}
    r = one({**base, "authorization": False})
    assert (r["reason"], r["authorization_required"]) == ("AUTHORIZATION_MISSING", True)
    assert r["legal_basis"] == "Bzv 2.7 lid 1; De Friesland 2022 art. 3.12.1 Toestemming vooraf"
    r = one({**base, "authorization": None})
    assert (r["reason"], r["authorization_required"]) == ("COVERED", True)


def test_bt_unrelated_care_costs_what_it_would_have_cost():
    # Rzv 2.31 lid 1: not related, not covered regularly → 100 % eigen bijdrage.
    r = one({"code": "V12", "amount": D("35.09"), "bt_indication": "b", "bt_related": False})
    assert (r["reason"], r["legal_basis"]) == ("COVERED", "Bzv 2.7 lid 1 sub b; Rzv 2.31 lid 1")
    assert (r["eigen_bijdrage"], r["eigen_risico"], r["basic_paid"], r["patient_paid"]) == (D("35.09"), D("0.00"), D("0.00"), D("35.09"))
    # A full denture not related to the indication: the regular 25 %.
    r = one({"code": "P020", "amount": D("400.00"), "bt_indication": "a", "bt_related": False})
    assert r["eigen_bijdrage"] == D("100.00")
    # Under 18 there is no eigen bijdrage at all.
    r = one({"code": "V12", "birth_date": CHILD, "amount": D("35.09"), "bt_indication": "b", "bt_related": False})
    assert (r["eigen_bijdrage"], r["basic_paid"]) == (D("0.00"), D("35.09"))


def test_bt_provider_rules_de_friesland():
    ortho = {"code": "F461A", "amount": D("512.24"), "bt_indication": "a", "ortho_severe": True}
    assert one({**ortho, "provider_type": "tandarts"})["reason"] == "PROVIDER_NOT_QUALIFIED"
    assert one({**ortho, "provider_type": "orthodontist"})["reason"] == "COVERED"
    assert one({**ortho, "provider_type": None})["reason"] == "COVERED"
    implant = {"code": "J20", "amount": D("300.00"), "bt_indication": "a"}
    assert one({**implant, "provider_type": "tandarts"})["reason"] == "PROVIDER_NOT_QUALIFIED"
    assert one({**implant, "provider_type": "implantoloog"})["reason"] == "COVERED"


def test_severely_resorbed_jaw_counts_as_indication_a_for_implants():
    r = one({"code": "J20", "amount": D("300.00"), "severely_resorbed": True, "provider_type": "kaakchirurg", "referral": True})
    assert (r["reason"], r["legal_basis"]) == ("COVERED", "Bzv 2.7 lid 1 sub a, lid 2")
    r = one({"code": "J20", "amount": D("300.00"), "provider_type": "kaakchirurg"})
    assert r["reason"] == "NOT_INSURED_ADULT"


# --- insurer exclusions and authorisations ----------------------------------------------------

def test_de_friesland_youth_exclusions_and_x21():
    assert one({"birth_date": CHILD, "code": "M80", "amount": D("50.73")})["reason"] == "INSURER_EXCLUSION"
    assert one({"birth_date": CHILD, "code": "M80", "amount": D("50.73")}, policy="vgz-2021")["reason"] == "COVERED"
    r = one({"birth_date": CHILD, "code": "X21", "amount": D("69.97"), "authorization": False})
    assert (r["reason"], r["legal_basis"]) == ("AUTHORIZATION_MISSING", "De Friesland 2022 art. 3.12.3 Toestemming vooraf sub g")


def test_unknown_code():
    r = one({"code": "Q99"})
    assert (r["reason"], r["basic_paid"], r["patient_paid"]) == ("UNKNOWN_CODE", D("0.00"), D("100.00"))


# --- domains ----------------------------------------------------------------------------------

def test_all_digit_codes_are_hospital_care():
    r = one({"code": "38911", "amount": D("500.00")})
    assert (r["code_normalized"], r["reason"], r["legal_basis"]) == ("038911", "COVERED", "Zvw art. 10 a / Bzv 2.4")
    assert (r["eigen_risico"], r["basic_paid"], r["patient_paid"]) == (D("385.00"), D("115.00"), D("385.00"))


def test_kaakchirurgie_codes_as_mondzorg_follow_lid_5a_without_implants():
    kc = {"domain": "mondzorg", "provider_type": "kaakchirurg", "amount": D("248.28")}
    assert one({**kc, "code": "230438"})["legal_basis"] == "Bzv 2.7 lid 5 sub a"
    assert one({**kc, "code": "238060"})["reason"] == "NOT_INSURED_ADULT"  # placing an implant
