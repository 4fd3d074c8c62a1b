"""The money path of docs/rules.md#money: allowed, eigen bijdrage, eigen risico, basic_paid, patient_paid."""

from decimal import Decimal as D

from conftest import assert_conserved, d, one, score

KC = {"provider_type": "kaakchirurg", "code": "H35"}  # covered for adults (lid 5 sub a)


def test_eigen_risico_is_charged_in_date_order_until_used_up():
    out = score(
        {**KC, "treatment_date": d("2022-05-01"), "amount": D("300.00"), "line_id": 1},
        {**KC, "treatment_date": d("2022-02-01"), "amount": D("200.00"), "line_id": 2},
        {**KC, "treatment_date": d("2022-09-01"), "amount": D("50.00"), "line_id": 3},
        {**KC, "treatment_date": d("2023-01-02"), "amount": D("100.00"), "line_id": 4},
    )
    # Feb: 200 of 385; May: 185 of 300; Sep: nothing left; next year: a new pot.
    assert out["eigen_risico"].to_list() == [D("185.00"), D("200.00"), D("0.00"), D("100.00")]
    assert out["basic_paid"].to_list() == [D("115.00"), D("0.00"), D("50.00"), D("0.00")]
    assert_conserved(out)


def test_same_day_ties_follow_line_id():
    a = {**KC, "treatment_date": d("2022-05-01"), "amount": D("300.00"), "line_id": 20}
    b = {**KC, "treatment_date": d("2022-05-01"), "amount": D("300.00"), "line_id": 10}
    out = score(a, b)
    assert out["eigen_risico"].to_list() == [D("85.00"), D("300.00")]


def test_voluntary_deductible_adds_to_the_pot():
    out = score({**KC, "amount": D("1000.00"), "voluntary_deductible": 500})
    assert out["eigen_risico"].to_list() == [D("885.00")]


def test_pot_starts_the_month_after_the_18th_birthday():
    # Born 2004-03-01: 18 on 1 March 2022, pot from 1 April: 385 × 275/365 = 290.07 → €290.
    born = d("2004-03-01")
    out = score(
        {**KC, "birth_date": born, "treatment_date": d("2022-03-15"), "amount": D("100.00"), "line_id": 1},
        {**KC, "birth_date": born, "treatment_date": d("2022-04-01"), "amount": D("1000.00"), "line_id": 2},
    )
    assert out["age"].to_list() == [18, 18]
    assert out["eigen_risico"].to_list() == [D("0.00"), D("290.00")]
    assert out["basic_paid"].to_list() == [D("100.00"), D("710.00")]


def test_part_year_contract_and_two_contracts_in_one_year():
    # Two periods in 2024 (leap year): Jan 1-Jun 30 (182 days) and Jul 1-Dec 31 (184 days).
    p1 = {"insured_from": d("2024-01-01"), "insured_to": d("2024-06-30")}
    p2 = {"insured_from": d("2024-07-01"), "insured_to": d("2024-12-31")}
    out = score(
        {**KC, **p1, "treatment_date": d("2024-03-01"), "amount": D("1000.00"), "line_id": 1},
        {**KC, **p2, "treatment_date": d("2024-09-01"), "amount": D("1000.00"), "line_id": 2},
    )
    # 385 × 182/366 = 191.45 → €191; 385 × 184/366 = 193.55 → €194.
    assert out["eigen_risico"].to_list() == [D("191.00"), D("194.00")]


def test_treatment_outside_the_contract_is_invalid():
    r = one({**KC, "insured_from": d("2022-06-01"), "treatment_date": d("2022-03-01")})
    assert (r["reason"], r["message"]) == ("INVALID_INPUT", "treatment_date is outside insured_from..insured_to")
    assert (r["basic_paid"], r["patient_paid"]) == (D("0.00"), D("100.00"))


def test_non_contracted_share_of_reference_tariff():
    base = {**KC, "amount": D("120.00"), "contracted": False, "reference_tariff": D("100.00"), "voluntary_deductible": 0}
    # Alles Verzorgd 80 % of 100 = 80; Zelf Bewust 75 % = 75. Deductible then takes it all.
    av = one({**base, "basic_product": "alles-verzorgd"})
    zb = one({**base, "basic_product": "zelf-bewust"})
    assert (av["allowed"], zb["allowed"]) == (D("80.00"), D("75.00"))
    assert (av["patient_paid"], zb["patient_paid"]) == (D("120.00"), D("120.00"))
    # Without a reference tariff the declared amount is the base: 80 % of 120.
    assert one({**base, "reference_tariff": None})["allowed"] == D("96.00")
    # min(amount, share × reference): a cheap provider is paid what it asks.
    assert one({**base, "amount": D("50.00")})["allowed"] == D("50.00")
    # Restitution policies (Ruime Keuze) pay 100 % (docs/rules.md#allowed).
    assert one({**base}, policy="vgz-2021")["allowed"] == D("100.00")


def test_amount_rounding_on_entry():
    import polars as pl

    import aanspraak
    from conftest import lines

    df = lines({**KC, "line_id": 1}, {**KC, "line_id": 2}).with_columns(pl.Series("amount", [2.675, 0.125], dtype=pl.Float64))
    out = aanspraak.score(df)
    assert out["eigen_risico"].to_list() == [D("2.68"), D("0.13")]


def test_amount_cents_column():
    import polars as pl

    import aanspraak
    from conftest import lines

    df = lines({**KC}).drop("amount").with_columns(pl.lit(12345, dtype=pl.Int64).alias("amount_cents"))
    assert aanspraak.score(df)["eigen_risico"].to_list() == [D("123.45")]
