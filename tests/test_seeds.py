"""The dental cases of docs/rules.md#seed-cases, each from its seed document."""

from decimal import Decimal as D

import polars as pl

from conftest import assert_conserved, d, one, score


def test_seed_002_orthodontics_after_osteotomy_not_severe():
    """Seed 002 (IptiQ 2019): adult, orthodontics after osteotomy, open bite not on the
    indicative list: ortho_severe false → not covered, ORTHO_NOT_SEVERE (Bzv 2.7 lid 3)."""
    out = score(
        {"birth_date": d("1995-02-01"), "treatment_date": d("2019-06-01"), "code": "F461A", "amount": D("512.24"),
         "bt_indication": "a", "ortho_severe": False, "provider_type": "orthodontist", "line_id": 1},
        {"birth_date": d("1995-02-01"), "treatment_date": d("2019-07-01"), "code": "F516A", "amount": D("92.15"),
         "bt_indication": "a", "ortho_severe": False, "provider_type": "orthodontist", "line_id": 2},
        policy="iptiq-2019",
    )
    assert out["reason"].to_list() == ["ORTHO_NOT_SEVERE", "ORTHO_NOT_SEVERE"]
    assert out["legal_basis"].to_list() == ["Bzv 2.7 lid 3", "Bzv 2.7 lid 3"]
    assert out["basic_covered"].to_list() == [False, False]
    assert out["basic_paid"].to_list() == [D("0.00"), D("0.00")]
    assert out["eigen_risico"].to_list() == [D("0.00"), D("0.00")]
    assert out["patient_paid"].to_list() == [D("512.24"), D("92.15")]


def test_seed_002_with_severe_disorder_is_covered_under_bt():
    r = one({"birth_date": d("1995-02-01"), "treatment_date": d("2019-06-01"), "code": "F461A", "amount": D("512.24"),
             "bt_indication": "a", "ortho_severe": True, "provider_type": "orthodontist", "authorization": True},
            policy="iptiq-2019")
    assert (r["reason"], r["legal_basis"], r["basic_covered"]) == ("COVERED", "Bzv 2.7 lid 1 sub a", True)
    assert r["authorization_required"] is True
    # Eigen risico applies to BT care for adults: the whole €385 is used first.
    assert (r["eigen_risico"], r["basic_paid"], r["patient_paid"]) == (D("385.00"), D("127.24"), D("385.00"))


def test_seed_003_child_of_8_removable_appliance_not_covered():
    """Seed 003 (VGZ 2021): a child of 8 with a removable appliance and no severe disorder
    is not covered by the basic insurance; UC TandZeker 500 started 1 Jan 2021 pays nothing
    for care in 2021: the twelve-month waiting period (test_supplementary has the rest)."""
    base = {"insured_id": "K", "birth_date": d("2012-09-01"), "treatment_date": d("2021-01-10"), "code": "F411A",
            "amount": D("103.43"), "provider_type": "orthodontist", "supplementary_product": "uc-tandzeker-500",
            "supplementary_start": d("2021-01-01")}
    r = one(base, policy="vgz-2021")
    assert r["age"] == 8
    assert (r["reason"], r["legal_basis"], r["basic_covered"]) == ("NOT_INSURED_YOUTH", "Bzv 2.7 lid 4", False)
    assert (r["basic_paid"], r["supplementary_paid"], r["patient_paid"]) == (D("0.00"), D("0.00"), D("103.43"))
    assert r["supplementary_reason"] == "WAITING_PERIOD"
    # Judged as bijzondere tandheelkunde (art. 32.1) without a severe disorder: ORTHO_NOT_SEVERE.
    r = one({**base, "bt_indication": "a", "ortho_severe": False}, policy="vgz-2021")
    assert (r["reason"], r["legal_basis"]) == ("ORTHO_NOT_SEVERE", "Bzv 2.7 lid 3")
    assert r["patient_paid"] == D("103.43")


def test_seed_004_j87_j19_outside_esthetic_zone():
    """Seed 004 (De Friesland 2022): indication b (hypersalivation); J87 and J19 on element
    43 → not covered, OUTSIDE_ESTHETIC_ZONE."""
    common = {"birth_date": d("1970-04-04"), "treatment_date": d("2022-08-01"), "bt_indication": "b",
              "element": 43, "provider_type": "kaakchirurg", "authorization": True, "referral": True}
    out = score({**common, "code": "J87", "amount": D("258.67")}, {**common, "code": "J19", "amount": D("70.19")})
    assert out["reason"].to_list() == ["OUTSIDE_ESTHETIC_ZONE"] * 2
    assert out["legal_basis"].cast(pl.String).str.starts_with("NZa J87/J19 esthetische zone").all()
    assert out["basic_paid"].to_list() == [D("0.00"), D("0.00")]
    assert out["eigen_risico"].to_list() == [D("0.00"), D("0.00")]
    assert out["patient_paid"].to_list() == [D("258.67"), D("70.19")]


def test_seed_004_j87_j19_on_element_21_covered():
    """The same on element 21 (inside 14-24) is covered under indication b, with eigen risico."""
    common = {"birth_date": d("1970-04-04"), "treatment_date": d("2022-08-01"), "bt_indication": "b",
              "element": 21, "provider_type": "kaakchirurg", "referral": True}
    out = score({**common, "code": "J87", "amount": D("258.67"), "line_id": 1},
                {**common, "code": "J19", "amount": D("70.19"), "line_id": 2})
    assert out["reason"].to_list() == ["COVERED", "COVERED"]
    assert out["legal_basis"].to_list() == ["Bzv 2.7 lid 1 sub b"] * 2
    # Authorisation null: covered and flagged (docs/rules.md#bijzondere-tandheelkunde).
    assert out["authorization_required"].to_list() == [True, True]
    assert out["eigen_risico"].to_list() == [D("258.67"), D("70.19")]
    assert out["basic_paid"].to_list() == [D("0.00"), D("0.00")]
    assert_conserved(out)


def _denture_case(code: str, amount: str, **extra):
    """An adult whose eigen risico is used up by a kaakchirurg line first, so the
    prosthesis shows its eigen bijdrage alone."""
    first = {"insured_id": "E", "birth_date": d("1950-01-01"), "treatment_date": d("2022-01-10"), "code": "H35",
             "amount": D("385.00"), "provider_type": "kaakchirurg", "referral": True, "line_id": 1}
    second = {"insured_id": "E", "birth_date": d("1950-01-01"), "treatment_date": d("2022-02-10"), "code": code,
              "amount": D(amount), "provider_type": "tandprotheticus", "line_id": 2, **extra}
    out = score(first, second)
    assert out["eigen_risico"].to_list() == [D("385.00"), D("0.00")]
    assert_conserved(out)
    return out.row(1, named=True)


def test_rzv_231_full_denture_25_percent():
    r = _denture_case("P020", "1000.00")
    assert (r["reason"], r["legal_basis"]) == ("COVERED", "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 2")
    assert (r["eigen_bijdrage"], r["basic_paid"], r["patient_paid"]) == (D("250.00"), D("750.00"), D("250.00"))


def test_rzv_231_implant_denture_lower_10_upper_8_percent():
    lower = _denture_case("J51", "1234.56")
    assert lower["legal_basis"] == "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 3 sub a"
    assert (lower["eigen_bijdrage"], lower["basic_paid"]) == (D("123.46"), D("1111.10"))  # 123.456 → 123.46
    upper = _denture_case("J52", "1234.56")
    assert upper["legal_basis"] == "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 3 sub b"
    assert (upper["eigen_bijdrage"], upper["basic_paid"]) == (D("98.76"), D("1135.80"))  # 98.7648 → 98.76
    assert lower["authorization_required"] and upper["authorization_required"]  # De Friesland 3.12.2 sub d


def test_rzv_231_j50_combination_17_percent():
    r = _denture_case("J50", "1000.00")
    assert r["legal_basis"].startswith("Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 2-3; J50 17 %")
    assert (r["eigen_bijdrage"], r["basic_paid"]) == (D("170.00"), D("830.00"))


def test_rzv_231_repair_10_percent():
    r = _denture_case("P068", "80.05")
    assert r["legal_basis"] == "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 4"
    assert (r["eigen_bijdrage"], r["basic_paid"], r["patient_paid"]) == (D("8.01"), D("72.04"), D("8.01"))  # 8.005 → 8.01
