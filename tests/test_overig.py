"""Care outside dental and hospital care (docs/rules.md#other-care): `domain = "overig"`
lines are covered as given, use the eigen risico in date order unless exempt, and are
never paid by a supplementary dental product. Expected amounts are worked out by hand
from Zvw art. 19 (eigen risico EUR 385) and Rzv 2.31 lid 2 (25 % on a full denture)."""

from decimal import Decimal as D

import polars as pl

import aanspraak
from conftest import assert_conserved, d, lines, score

OVERIG = {"domain": "overig", "code": "farmacie"}
DENTURE = {"code": "P30", "provider_type": "tandprotheticus"}  # full denture, upper and lower (2021 numbering)
KC = {"provider_type": "kaakchirurg", "code": "H35"}  # covered for adults (Bzv 2.7 lid 5 sub a)
MONEY = ["allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "supplementary_paid", "patient_paid"]


def money(row: dict) -> list[D]:
    return [row[c] for c in MONEY]


def test_overig_lines_use_the_deductible_before_a_denture_in_date_order():
    pharmacy = {**OVERIG, "treatment_date": d("2021-02-01"), "amount": D("300.00"), "line_id": 1}
    denture = {**DENTURE, "treatment_date": d("2021-03-01"), "amount": D("400.00"), "line_id": 2}
    later = {**OVERIG, "code": "fysiotherapie", "treatment_date": d("2021-04-01"), "amount": D("60.00"), "line_id": 3}
    out = score(later, denture, pharmacy)  # input order is not charging order
    by_id = {r["line_id"]: r for r in out.iter_rows(named=True)}
    # 1 Feb: EUR 300 of the 385 on the pharmacy line, covered as given.
    p = by_id[1]
    assert (p["reason"], p["legal_basis"], p["basic_covered"]) == ("COVERED", "Zvw art. 10 (overige zorg)", True)
    assert money(p) == [D("300.00"), D("0.00"), D("300.00"), D("0.00"), D("0.00"), D("300.00")]
    # 1 Mar: 25 % eigen bijdrage = 100.00 (Rzv 2.31 lid 2); of the 300.00 left, only 85.00 eigen risico.
    t = by_id[2]
    assert t["reason"] == "COVERED" and t["legal_basis"] == "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 2"
    assert money(t) == [D("400.00"), D("100.00"), D("85.00"), D("215.00"), D("0.00"), D("185.00")]
    # 1 Apr: the pot is used up.
    assert money(by_id[3]) == [D("60.00"), D("0.00"), D("0.00"), D("60.00"), D("0.00"), D("0.00")]
    assert_conserved(out)
    # The denture a month before the pharmacy: the denture bears 300.00, the pharmacy the last 85.00.
    out = score({**pharmacy}, {**denture, "treatment_date": d("2021-01-15")})
    assert out["eigen_risico"].to_list() == [D("85.00"), D("300.00")]


def test_an_exempt_overig_line_uses_no_deductible():
    gp = {**OVERIG, "code": "huisarts consult", "eigen_risico_exempt": True, "treatment_date": d("2022-01-15"), "amount": D("50.00")}
    surgery = {**KC, "treatment_date": d("2022-02-01"), "amount": D("400.00"), "eigen_risico_exempt": False}
    out = score(gp, surgery)
    assert out["reason"].to_list() == ["COVERED", "COVERED"]
    assert out["eigen_risico"].to_list() == [D("0.00"), D("385.00")]
    assert out["basic_paid"].to_list() == [D("50.00"), D("15.00")]
    assert_conserved(out)


def test_a_child_bears_no_eigen_risico_on_overig_care():
    out = score({**OVERIG, "birth_date": d("2012-01-01"), "amount": D("80.00")})
    assert money(out.row(0, named=True)) == [D("80.00"), D("0.00"), D("0.00"), D("80.00"), D("0.00"), D("0.00")]


def test_an_overig_line_is_never_paid_by_a_supplementary_product():
    extra = {"supplementary_product": "av-tand-extra", "supplementary_start": d("2020-01-01")}
    out = score({**OVERIG, **extra, "amount": D("500.00")})
    r = out.row(0, named=True)
    assert money(r) == [D("500.00"), D("0.00"), D("385.00"), D("115.00"), D("0.00"), D("385.00")]
    assert (r["supplementary_reason"], r["supplementary_basis"]) == ("OTHER_CARE", "aanvullende tandverzekering: alleen mondzorg")


def test_the_code_is_free_text_and_the_amount_is_the_covered_amount():
    rows = [
        {**OVERIG, "code": "C11", "line_id": 1},  # a dental code, but not dental care here: no frequency limit, no dental rule
        {**OVERIG, "code": "C11", "line_id": 2, "authorization": False},
        {**OVERIG, "code": "123456789012", "line_id": 3},
        {**OVERIG, "code": "GGZ DBC 2021", "line_id": 4, "contracted": False, "reference_tariff": D("10.00")},
    ]
    out = score(*[{**r, "birth_date": d("2012-01-01"), "amount": D("100.00")} for r in rows])
    assert out["reason"].to_list() == ["COVERED"] * 4
    assert out["legal_basis"].to_list() == ["Zvw art. 10 (overige zorg)"] * 4
    assert out["allowed"].to_list() == [D("100.00")] * 4
    assert out["authorization_required"].to_list() == [False] * 4


def test_eigen_risico_exempt_on_a_dental_or_hospital_line_is_invalid():
    out = score({**KC, "eigen_risico_exempt": True}, {"code": "038911", "eigen_risico_exempt": True}, {**KC, "domain": "mondzorg", "eigen_risico_exempt": None})
    assert out["reason"].to_list() == ["INVALID_INPUT", "INVALID_INPUT", "COVERED"]
    msg = "eigen_risico_exempt is true on a line whose domain is not overig (the rules decide the eigen risico of mondzorg and msz lines)"
    assert out["message"].to_list()[:2] == [msg, msg]
    assert out["patient_paid"].to_list()[:2] == [D("100.00"), D("100.00")]
    bad = score({**OVERIG, "domain": "ggz"})
    assert bad["message"][0] == "domain is not mondzorg, msz or overig"


def test_schadelast_and_compare_count_overig_lines():
    decl = lines(
        {**OVERIG, "treatment_date": d("2021-02-01"), "amount": D("300.00")},
        {**DENTURE, "domain": "mondzorg", "treatment_date": d("2021-03-01"), "amount": D("400.00")},
    )
    out = aanspraak.score(decl)
    t = aanspraak.schadelast(out, by=["domain", "code_section"])
    assert t.select("domain", "code_section", "lines", "eigen_risico", "basic_paid").rows() == [
        ("mondzorg", "P", 1, D("85.00"), D("215.00")),
        ("overig", "overig", 1, D("300.00"), D("0.00")),
    ]
    base = aanspraak.Policy.load("defriesland-2022")
    cmp = aanspraak.compare(decl, {"base": base, "er165": base.with_eigen_risico(165)})
    # EUR 165: the pharmacy line uses all of it, the denture none.
    assert cmp.lines["eigen_risico__er165"].to_list() == [D("165.00"), D("0.00")]
    assert cmp.lines["basic_paid__er165"].to_list() == [D("135.00"), D("300.00")]
    assert cmp.totals["delta_basic_paid"].to_list() == [D("0.00"), D("220.00")]
    alone = cmp.scenario("er165")
    assert isinstance(alone, pl.DataFrame)
    assert alone.equals(aanspraak.score(decl, base.with_eigen_risico(165)).select(alone.columns))
