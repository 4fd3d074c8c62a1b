"""Opening balances (docs/rules.md#opening-balances, issue 16 item 4): a slice of a year
starts with what the insured had already used of the eigen risico (Zvw art. 19-20) and of
the supplementary maxima, consumed before the slice's first line."""

from __future__ import annotations

import datetime as dt
import tomllib
import warnings
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aanspraak
from aanspraak._core import bundled_policy_toml
from conftest import D, assert_conserved, d, lines

ADULT = d("1970-01-01")
#: An adult's extraction by a kaakchirurg: covered (Bzv 2.7 lid 5 sub a), under the eigen risico.
H35 = {"insured_id": "A", "birth_date": ADULT, "code": "H35", "provider_type": "kaakchirurg"}
EXTRA = {"supplementary_product": "av-tand-extra", "supplementary_start": d("2020-01-01")}
OPTIMAAL = {"supplementary_product": "av-tand-optimaal", "supplementary_start": d("2020-01-01")}
MONEY = ["allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "supplementary_paid", "patient_paid"]


def opening(**cols) -> pl.DataFrame:
    return pl.DataFrame(cols)


def test_an_opening_balance_leaves_85_euros_of_the_eigen_risico():
    decl = lines({**H35, "line_id": 1, "treatment_date": d("2022-05-01"), "amount": D("300.00")},
                 {**H35, "line_id": 2, "treatment_date": d("2022-06-01"), "amount": D("50.00")})
    out = aanspraak.score(decl, opening=opening(insured_id=["A"], year=[2022], eigen_risico_used=[300.0]))
    assert out["eigen_risico"].to_list() == [D("85.00"), D("0.00")]
    assert out["basic_paid"].to_list() == [D("215.00"), D("50.00")]
    assert_conserved(out)
    # Another year's balance and another insured's do nothing to this line.
    other = opening(insured_id=["A", "B"], year=[2021, 2022], eigen_risico_used=[300.0, 300.0])
    assert aanspraak.score(decl, opening=other)["eigen_risico"].to_list() == [D("300.00"), D("50.00")]


def test_a_balance_above_the_pot_is_capped_with_a_warning_counting_it():
    decl = lines({**H35, "line_id": 1, "treatment_date": d("2022-05-01"), "amount": D("300.00")},
                 {**H35, "insured_id": "B", "line_id": 2, "treatment_date": d("2022-05-01"), "amount": D("300.00")})
    used = opening(insured_id=["A", "B", "C"], year=[2022] * 3, eigen_risico_used=[500.0, 385.0, 900.0])
    with pytest.warns(aanspraak.OpeningWarning, match=r"opening: 1 balance was above its pot"):
        out = aanspraak.score(decl, opening=used)
    # A: 500 > 385 capped (the warning's one row); B exactly the pot; C has no lines.
    assert out["eigen_risico"].to_list() == [D("0.00"), D("0.00")]
    assert out["basic_paid"].to_list() == [D("300.00"), D("300.00")]


def test_with_two_contract_periods_the_first_period_pot_consumes_the_balance():
    # Zvw art. 20: each contract period its own pro-rata pot; Jan-Jun is 181 of 365 days:
    # round(385 x 181 / 365) = EUR 191; Jul-Dec round(385 x 184 / 365) = EUR 194.
    first = {**H35, "insured_from": d("2022-01-01"), "insured_to": d("2022-06-30")}
    second = {**H35, "insured_from": d("2022-07-01"), "insured_to": d("2022-12-31")}
    decl = lines({**first, "line_id": 1, "treatment_date": d("2022-03-01"), "amount": D("300.00")},
                 {**second, "line_id": 2, "treatment_date": d("2022-09-01"), "amount": D("300.00")})
    out = aanspraak.score(decl, opening=opening(insured_id=["A"], year=[2022], eigen_risico_used=[100.0]))
    assert out["eigen_risico"].to_list() == [D("91.00"), D("194.00")]


def test_an_annual_maximum_used_before_leaves_the_rest():
    # AV Tand Extra pays V21 (not covered for an adult) up to EUR 500 a year (seed 004).
    decl = lines({**H35, **EXTRA, "code": "V21", "provider_type": "tandarts", "line_id": 1,
                  "treatment_date": d("2022-03-01"), "amount": D("300.00")})
    used = opening(insured_id=["A"], year=[2022], supplementary_product=["av-tand-extra"], annual_used=[400.0])
    out = aanspraak.score(decl, opening=used).row(0, named=True)
    assert (out["supplementary_paid"], out["supplementary_reason"], out["patient_paid"]) == (D("100.00"), "ANNUAL_MAXIMUM_REACHED", D("200.00"))
    with pytest.warns(aanspraak.OpeningWarning, match="1 balance"):
        capped = aanspraak.score(decl, opening=used.with_columns(annual_used=pl.lit(650.0))).row(0, named=True)
    assert (capped["supplementary_paid"], capped["supplementary_reason"]) == (D("0.00"), "ANNUAL_MAXIMUM_REACHED")


def orthodontics_group() -> str:
    """The name an opening gives AV Tand Optimaal's orthodontics sub-limit: its rule has no
    limit_group, so it is named by its place among the product's rules."""
    rules = tomllib.loads(bundled_policy_toml("defriesland-2022"))["supplementary"]["av-tand-optimaal"]["rules"]
    (i,) = [i for i, r in enumerate(rules) if r.get("sublimit_eur") == 750]
    return f"rules[{i}]"


def test_a_sub_limit_used_before_leaves_the_rest():
    # AV Tand Optimaal: orthodontics 100 % up to EUR 750 once per policy (seed 004 art. 4.3 sub e).
    decl = lines({**H35, **OPTIMAAL, "code": "F461A", "provider_type": "orthodontist", "line_id": 1,
                  "treatment_date": d("2022-03-01"), "amount": D("800.00")})
    whole = aanspraak.score(decl).row(0, named=True)
    assert whole["supplementary_paid"] == D("750.00")
    used = opening(insured_id=["A"], year=[2022], supplementary_product=["av-tand-optimaal"],
                   limit_group=[orthodontics_group()], limit_used=[600.0])
    out = aanspraak.score(decl, opening=used).row(0, named=True)
    assert (out["supplementary_paid"], out["supplementary_reason"]) == (D("150.00"), "SUBLIMIT_REACHED")
    with pytest.raises(aanspraak.OpeningError, match=r"limit_group \"orthodontie\" is no sub-limit of supplementary product \"av-tand-optimaal\".*rules\["):
        aanspraak.score(decl, opening=used.with_columns(limit_group=pl.lit("orthodontie")))


@pytest.mark.parametrize(
    ("frame", "error", "message"),
    [
        ({"insured_id": ["A"], "eigen_risico_used": [1.0]}, aanspraak.SchemaError, r"opening: column `year`: found no such column"),
        ({"insured_id": ["A"], "year": [2022]}, aanspraak.SchemaError, r"at least one of eigen_risico_used, annual_used, limit_used"),
        ({"insured_id": ["A"], "year": ["2022"], "eigen_risico_used": [1.0]}, aanspraak.SchemaError, r"column `year`: found String, expected integer"),
        ({"insured_id": ["A"], "year": [2022], "eigen_risico_used": ["1"]}, aanspraak.SchemaError, r"column `eigen_risico_used`: found String"),
        ({"insured_id": ["A"], "year": [2022], "eigen_risico_used": [1.0], "bedrag": [1]}, aanspraak.SchemaError, r"column `bedrag`: found an unknown column"),
        ({"insured_id": ["A", "A"], "year": [2022, None], "eigen_risico_used": [-1.0, 2.0]}, aanspraak.OpeningError,
         r"opening: 2 bad rows: row 0 \(insured_id 'A', year 2022\): eigen_risico_used is negative; row 1 \(insured_id 'A', year None\): year is null"),
        ({"insured_id": ["A"], "year": [2022], "eigen_risico_used": [1.005]}, aanspraak.OpeningError, r"not a whole number of cents"),
        ({"insured_id": ["A"], "year": [2022], "annual_used": [1.0]}, aanspraak.OpeningError, r"annual_used without a supplementary_product"),
        ({"insured_id": ["A", "A"], "year": [2022, 2022], "eigen_risico_used": [100.0, 200.0]}, aanspraak.OpeningError,
         r"eigen_risico_used differs from another row of the same insured_id, year"),
        ({"insured_id": ["A"], "year": [2022], "supplementary_product": ["av-tand-goud"], "annual_used": [1.0]}, aanspraak.OpeningError,
         r"opening row 0: supplementary_product \"av-tand-goud\" is not a supplementary product of the policy set"),
    ],
)
def test_a_bad_opening_frame_is_refused_naming_the_column_or_the_rows(frame, error, message):
    decl = lines({**H35, "line_id": 1, "treatment_date": d("2022-05-01"), "amount": D("300.00")})
    with pytest.raises(error, match=message):
        aanspraak.score(decl, opening=pl.DataFrame(frame))


def test_a_repeated_balance_counts_once_and_ids_follow_the_declarations_type():
    decl = lines({**H35, "insured_id": "17", "line_id": 1, "treatment_date": d("2022-05-01"), "amount": D("300.00")})
    # A denormalised frame: the eigen risico repeated on each product row; integer ids.
    used = opening(insured_id=[17, 17], year=[2022, 2022], eigen_risico_used=[300.0, 300.0],
                   supplementary_product=["av-tand-extra", "av-tand-optimaal"], annual_used=[10.0, 20.0])
    assert aanspraak.score(decl, opening=used)["eigen_risico"].to_list() == [D("85.00")]


def test_compare_consumes_the_opening_under_each_scenario():
    base = aanspraak.Policy.load("defriesland-2022")
    decl = lines({**H35, "line_id": 1, "treatment_date": d("2022-05-01"), "amount": D("300.00")})
    used = opening(insured_id=["A"], year=[2022], eigen_risico_used=[300.0])
    with pytest.warns(aanspraak.OpeningWarning, match="under scenario 'er165': 1 balance"):
        cmp = aanspraak.compare(decl, {"base": base, "er165": base.with_eigen_risico(165)}, opening=used)
    assert cmp.lines["eigen_risico__base"].to_list() == [D("85.00")]
    assert cmp.lines["eigen_risico__er165"].to_list() == [D("0.00")]
    for name, pol in (("base", base), ("er165", base.with_eigen_risico(165))):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", aanspraak.OpeningWarning)
            alone = aanspraak.score(decl, pol, opening=used)
        assert cmp.lines[f"basic_paid__{name}"].to_list() == alone["basic_paid"].to_list()


# ---------------------------------------------------------------- slices of a year

#: Adult care without frequency limits (those count under 18) or sub-limits: extractions,
#: fillings and crowns, a full denture (25 % eigen bijdrage), V-codes a product pays.
CODES = ["H35", "H11", "V21", "V91", "C002", "R24", "P022", "X21"]
PROVIDERS = {"H35": "kaakchirurg", "H11": "tandarts", "V21": "tandarts", "V91": "tandarts", "C002": "tandarts",
             "R24": "tandarts", "P022": "tandprotheticus", "X21": "tandarts"}


@st.composite
def year_of_lines(draw):
    n_insured = draw(st.integers(1, 6))
    rows = []
    for k in range(draw(st.integers(1, 40))):
        who = draw(st.integers(0, n_insured - 1))
        code = draw(st.sampled_from(CODES))
        rows.append({
            "insured_id": f"insured-with-a-long-id-{who}" if who % 2 else str(who),
            "line_id": k,
            "birth_date": dt.date(1950 + 7 * who, 1 + who % 12, 1 + who),
            "treatment_date": dt.date(2022, 1, 1) + dt.timedelta(days=draw(st.integers(0, 364))),
            "code": code,
            "provider_type": PROVIDERS[code],
            "amount": Decimal(draw(st.integers(0, 90_000))) / 100,
            "supplementary_product": [None, "av-tand-extra", "av-tand-standaard"][who % 3],
            "supplementary_start": dt.date(2019, 1, 1),
            "voluntary_deductible": (who % 3) * 100,
        })
    return lines(*rows), dt.date(2022, 1, 1) + dt.timedelta(days=draw(st.integers(0, 365)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(year_of_lines())
def test_a_year_scored_in_two_slices_equals_the_year_scored_whole(data):
    decl, cut = data
    whole = aanspraak.score(decl).sort("line_id")
    before, after = decl.filter(pl.col("treatment_date") < cut), decl.filter(pl.col("treatment_date") >= cut)
    first = aanspraak.score(before)
    closing = aanspraak.closing_balances(first)
    with warnings.catch_warnings():
        warnings.simplefilter("error", aanspraak.OpeningWarning)  # nothing above a pot
        second = aanspraak.score(after, opening=closing if closing.height else None)
    sliced = pl.concat([first, second]).sort("line_id")
    cols = ["line_id", "reason", "supplementary_reason", *MONEY]
    assert sliced.select(cols).equals(whole.select(cols))


def test_closing_balances_add_the_opening_and_refuse_combined_products():
    decl = lines({**H35, **EXTRA, "line_id": 1, "treatment_date": d("2022-05-01"), "amount": D("300.00")},
                 {**H35, **EXTRA, "code": "V21", "provider_type": "tandarts", "line_id": 2, "treatment_date": d("2022-06-01"), "amount": D("100.00")})
    used = opening(insured_id=["A"], year=[2022], eigen_risico_used=[50.0], supplementary_product=["av-tand-extra"], annual_used=[20.0])
    out = aanspraak.score(decl, opening=used)
    # EUR 50 before, EUR 300 on the extraction (V21 is not covered: no eigen risico);
    # AV Tand Extra EUR 20 before, and what it paid on both lines.
    assert out["eigen_risico"].to_list() == [D("300.00"), D("0.00")]
    got = aanspraak.closing_balances(out, opening=used)
    assert got.rows() == [("A", 2022, D("350.00"), "av-tand-extra", D("20.00") + out["supplementary_paid"].sum())]
    both = decl.with_columns(supplementary_product=pl.lit("av-tand-extra+tand-ongevallen"))
    with pytest.raises(ValueError, match="combined products"):
        aanspraak.closing_balances(aanspraak.score(both))


def test_score_parquet_and_the_command_line_consume_the_opening_like_score(tmp_path, capsys):
    from aanspraak.cli import main

    decl = aanspraak.synthetic.declarations(3_000, seed=5, supplementary_share=0.6)
    cut = dt.date(2022, 7, 1)
    first = aanspraak.score(decl.filter(pl.col("treatment_date") < cut))
    closing = aanspraak.closing_balances(first)
    rest = decl.filter(pl.col("treatment_date") >= cut)
    want = aanspraak.score(rest, opening=closing).sort("line_id")
    assert want["eigen_risico"].sum() < aanspraak.score(rest)["eigen_risico"].sum()
    rest.write_parquet(tmp_path / "rest.parquet")
    aanspraak.score_parquet(tmp_path / "rest.parquet", tmp_path / "parts", opening=closing, lines_per_bucket=500, progress=False)
    got = pl.read_parquet(tmp_path / "parts" / "*.parquet").sort("line_id")
    assert got.select(want.columns).equals(want)
    # The command line reads the balances from CSV (euros as exact decimals).
    closing.write_csv(tmp_path / "opening.csv")
    assert main(["score", str(tmp_path / "rest.parquet"), "-o", str(tmp_path / "out.parquet"), "--opening", str(tmp_path / "opening.csv")]) == 0
    assert pl.read_parquet(tmp_path / "out.parquet").select(want.columns).equals(want)
    pl.DataFrame({"insured_id": ["x"], "year": [2022], "eigen_risico_used": [-5.0]}).write_csv(tmp_path / "bad.csv")
    assert main(["score", str(tmp_path / "rest.parquet"), "-o", str(tmp_path / "out2.parquet"), "--opening", str(tmp_path / "bad.csv")]) != 0
    assert "eigen_risico_used is negative" in capsys.readouterr().err
    assert not (tmp_path / "out2.parquet").exists()


def test_slices_of_a_large_year_agree_with_the_whole_across_the_engine_chunks():
    # 120,000 lines: several of the engine's chunks (16,384 rows), insureds spread over
    # all of them. The eigen risico depends only on its balance, so it agrees on every
    # line; a product with only an annual maximum agrees on every adult's line (frequency
    # limits, which are no balance, count under 18).
    decl = aanspraak.synthetic.declarations(120_000, seed=11, supplementary_share=0.7, hospital_share=0.2)
    cut = dt.date(2022, 5, 17)
    whole = aanspraak.score(decl).sort("line_id")
    first = aanspraak.score(decl.filter(pl.col("treatment_date") < cut))
    second = aanspraak.score(decl.filter(pl.col("treatment_date") >= cut), opening=aanspraak.closing_balances(first))
    sliced = pl.concat([first, second]).sort("line_id")
    assert sliced["eigen_risico"].equals(whole["eigen_risico"])
    assert whole.filter(pl.col("treatment_date") >= cut)["eigen_risico"].sum() < aanspraak.score(
        decl.filter(pl.col("treatment_date") >= cut))["eigen_risico"].sum()
    annual_only = ["av-tand-opstap", "av-tand-doorstap", "av-tand-standaard", "av-tand-extra"]
    adults = (pl.col("age") >= 18) & pl.col("supplementary_product").is_in(annual_only)
    assert sliced.filter(adults)["supplementary_paid"].equals(whole.filter(adults)["supplementary_paid"])
    assert whole.filter(adults & (pl.col("supplementary_reason") == "ANNUAL_MAXIMUM_REACHED")).height > 0
