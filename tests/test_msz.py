"""Medical specialist care (docs/rules.md#hospital-care): authorisation list, POK list, care on request, and one
eigen risico shared with dental care."""

import csv
from decimal import Decimal as D
from pathlib import Path

import pytest

import aanspraak
from conftest import assert_conserved, d, lines, one, score

MSZ = Path(__file__).resolve().parents[1] / "rust/aanspraak-core/data/msz"
ADULT = {"birth_date": d("1970-01-01"), "treatment_date": d("2022-05-01"), "amount": D("400.00")}


def deny_policy() -> aanspraak.Policy:
    text = aanspraak._core.bundled_policy_toml("defriesland-2022").replace('pok_mismatch = "flag"', 'pok_mismatch = "deny"')
    return aanspraak.Policy.from_toml(text, "deny.toml")


# --- the seed cases (docs/rules.md#seed-cases) -------------------------------------------------

def test_seed_000_238060_upper_toothless_jaw_without_authorisation():
    """Seed 000: 238060 in the upper toothless jaw without authorisation → not covered, K01."""
    r = one({**ADULT, "code": "238060", "jaw": "upper", "edentulous": True, "authorization": False})
    assert (r["reason"], r["basic_covered"], r["authorization_required"], r["authorization_category"]) == (
        "AUTHORIZATION_MISSING", False, True, "K01")
    assert r["legal_basis"] == "machtigingslijst K01: Implantaten in de edentate bovenkaak (seed 000_81a8797e10194693.txt)"
    assert (r["basic_paid"], r["eigen_risico"], r["patient_paid"]) == (D("0.00"), D("0.00"), D("400.00"))


def test_seed_001_der_038911_in_daycare_is_a_pok_mismatch():
    """Seed 001: DER 038911 in daycare → pok_mismatch (flagged by De Friesland, denied where the product says so)."""
    line = {**ADULT, "code": "038911", "specialism": "DER", "setting": "daycare"}
    r = one(line)
    assert (r["pok_mismatch"], r["reason"], r["basic_covered"], r["legal_basis"]) == (True, "COVERED", True, "Zvw art. 10 a / Bzv 2.4")
    assert (r["eigen_risico"], r["basic_paid"]) == (D("385.00"), D("15.00"))
    r = aanspraak.score(lines(line), policy=deny_policy()).row(0, named=True)
    assert (r["pok_mismatch"], r["reason"], r["basic_paid"], r["patient_paid"]) == (True, "POK_MISMATCH", D("0.00"), D("400.00"))
    assert r["legal_basis"].startswith("POK-lijst (seed 001)")


# --- authorisation list ---------------------------------------------------------------------

def test_categories_from_jaw_and_edentulous():
    base = {**ADULT, "code": "238060"}
    cat = lambda **kw: one({**base, **kw})["authorization_category"]  # noqa: E731
    assert cat(jaw="upper", edentulous=True) == "K01"
    assert cat(jaw="lower", edentulous=True) == "K02"
    assert cat(jaw="upper", edentulous=False) == "K03"
    assert cat(element=36, edentulous=False) == "K03"  # jaw from the element
    assert cat() == "K01,K02,K03"  # unknown: every matching category
    r = one({**base, "authorization": None})
    assert (r["reason"], r["authorization_required"]) == ("COVERED", True)  # null: covered and flagged


AUTH_ROWS = list(csv.DictReader((MSZ / "authorization_list.csv").open(encoding="utf-8")))


@pytest.mark.parametrize("category", sorted({r["category"] for r in AUTH_ROWS}))
def test_every_category_of_the_list_is_hit(category):
    row = next(r for r in AUTH_ROWS if r["category"] == category)
    state = {"K01": {"jaw": "upper", "edentulous": True}, "K02": {"jaw": "lower", "edentulous": True},
             "K03": {"edentulous": False}}.get(category, {})
    r = one({**ADULT, "code": row["code"], "authorization": False, **state})
    assert r["reason"] == "AUTHORIZATION_MISSING"
    assert category in r["authorization_category"].split(",")
    assert r["legal_basis"].startswith("machtigingslijst")


def test_authorised_list_line_is_covered():
    r = one({**ADULT, "code": "239075", "authorization": True})  # X02 voorhoofdslift
    assert (r["reason"], r["authorization_category"], r["authorization_required"]) == ("COVERED", "X02", True)


# --- POK list -------------------------------------------------------------------------------

@pytest.mark.parametrize("specialism", ["CHI", "DER", "GYN", "KNO", "ORT", "PLA", "URO"])
def test_038911_pok_mismatch_both_ways(specialism):
    base = {**ADULT, "code": "038911", "specialism": specialism}
    assert one({**base, "setting": "daycare"})["pok_mismatch"] is True
    assert one({**base, "setting": "inpatient"})["pok_mismatch"] is True
    assert one({**base, "setting": "pok"})["pok_mismatch"] is False
    assert one({**base, "setting": "outpatient"})["pok_mismatch"] is False
    assert one({**base, "setting": None})["pok_mismatch"] is False


def test_038911_for_a_specialism_not_on_the_list_and_an_unknown_specialism():
    assert one({**ADULT, "code": "038911", "specialism": "ANE", "setting": "daycare"})["pok_mismatch"] is False
    r = one({**ADULT, "code": "038911", "specialism": "XYZ", "setting": "daycare"})
    assert (r["reason"], r["pok_mismatch"]) == ("COVERED", False)  # an unknown specialism is not invalid (docs/rules.md#bad-input)


def test_unknown_setting_is_invalid():
    r = one({**ADULT, "code": "038911", "setting": "garage"})
    assert (r["reason"], r["message"]) == ("INVALID_INPUT", "setting is not pok, outpatient, daycare or inpatient")


# --- care on request, code forms --------------------------------------------------------------

@pytest.mark.parametrize("code", ["199872", "199884", "199893"])
def test_care_on_request_is_not_insured(code):
    r = one({**ADULT, "code": code})
    assert (r["reason"], r["legal_basis"], r["basic_paid"]) == ("NOT_INSURED_ON_REQUEST", "Zvw art. 10 a; zorgactiviteit op verzoek patiënt (seed 001)", D("0.00"))


def test_five_digit_and_leading_zero_codes_are_the_same_code():
    forms = [{"code": "38911"}, {"code": "038911"}, {"code": " 38911 "}, {"code": "38911", "domain": "msz"}]
    rows = [one({**ADULT, **f, "specialism": "DER", "setting": "daycare"}) for f in forms]
    assert {(r["code_normalized"], r["pok_mismatch"], r["basic_paid"]) for r in rows} == {("038911", True, D("15.00"))}


def test_msz_for_children_has_no_eigen_risico():
    r = one({**ADULT, "birth_date": d("2012-01-01"), "code": "038911"})
    assert (r["reason"], r["eigen_risico"], r["basic_paid"]) == ("COVERED", D("0.00"), D("400.00"))


# --- one eigen risico across dental and hospital care -----------------------------------------

def test_deductible_used_up_across_dental_and_hospital_lines():
    p = {"insured_id": "M", "birth_date": d("1960-02-02")}
    out = score(
        {**p, "line_id": 1, "treatment_date": d("2022-02-01"), "code": "H35", "provider_type": "kaakchirurg", "amount": D("200.00")},
        {**p, "line_id": 2, "treatment_date": d("2022-03-01"), "code": "038911", "specialism": "CHI", "amount": D("150.00")},
        {**p, "line_id": 3, "treatment_date": d("2022-04-01"), "code": "P020", "provider_type": "tandprotheticus", "amount": D("400.00")},
        {**p, "line_id": 4, "treatment_date": d("2022-05-01"), "code": "038912", "specialism": "CHI", "amount": D("500.00")},
    )
    # 200 (dental) + 150 (msz) + 35 (denture: 400 − 25 % bijdrage = 300, of which 35) = 385; nothing on line 4.
    assert out["eigen_risico"].to_list() == [D("200.00"), D("150.00"), D("35.00"), D("0.00")]
    assert out["eigen_bijdrage"].to_list() == [D("0.00"), D("0.00"), D("100.00"), D("0.00")]
    assert out["basic_paid"].to_list() == [D("0.00"), D("0.00"), D("265.00"), D("500.00")]
    assert_conserved(out)


# --- the insurer's own lists ---------------------------------------------------------------

def test_user_lists_replace_the_bundled_ones(tmp_path):
    auth = tmp_path / "auth.csv"
    rows = (MSZ / "authorization_list.csv").read_text(encoding="utf-8").splitlines()
    auth.write_text("\n".join(r for r in rows if ",238060," not in r) + "\n", encoding="utf-8")
    pok = tmp_path / "pok.csv"
    pok.write_text("specialism,code,description,source\nDER,038911,Excisie,own list 2024\n", encoding="utf-8")
    pol = aanspraak.Policy.load("defriesland-2022").with_msz_lists(authorization_list=auth, pok_list=pok)
    decl = lines(
        {**ADULT, "code": "238060", "authorization": False, "line_id": 1},
        {**ADULT, "code": "038911", "specialism": "CHI", "setting": "daycare", "line_id": 2},
        {**ADULT, "code": "038911", "specialism": "DER", "setting": "daycare", "line_id": 3},
    )
    out = aanspraak.score(decl, policy=pol)
    assert out["reason"].cast(str).to_list() == ["COVERED", "COVERED", "COVERED"]
    assert out["authorization_required"].to_list() == [False, False, False]
    assert out["pok_mismatch"].to_list() == [False, False, True]


def test_bad_user_list_names_file_line_and_column(tmp_path):
    bad = tmp_path / "pok.csv"
    bad.write_text("specialism,code,description,source\nDER,03891X,Excisie,own\n", encoding="utf-8")
    with pytest.raises(aanspraak.PolicyError, match=r"pok\.csv: key `line 2, column code`"):
        aanspraak.Policy.load("defriesland-2022").with_msz_lists(pok_list=bad)
    bad.write_text("specialism,code\nDER,038911\n", encoding="utf-8")
    with pytest.raises(aanspraak.PolicyError, match=r"columns specialism,code,description,source"):
        aanspraak.Policy.load("defriesland-2022").with_msz_lists(pok_list=bad)
