"""Policy validation: every number of a policy has a range, errors name the file, the key,
the value found and what is allowed (README "Policy sets as data"), and the engine never
aborts on a value it accepted. Also: product counts beyond one byte."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

import aanspraak
from aanspraak import _core
from conftest import lines

TEXT = _core.bundled_policy_toml("defriesland-2022")
BASE = aanspraak.Policy.load("defriesland-2022")


def compile_with(old: str, new: str, origin: str = "p.toml") -> aanspraak.Policy:
    assert old in TEXT, old
    return aanspraak.Policy.from_toml(TEXT.replace(old, new, 1), origin)


def policy_error(make, *parts: str) -> str:
    """The PolicyError of `make()`; each of `parts` must be in its message."""
    with pytest.raises(aanspraak.PolicyError) as e:
        make()
    msg = str(e.value)
    for p in parts:
        assert p in msg, f"{p!r} not in {msg!r}"
    return msg


# ------------------------------------------------------------------ numbers in range


@pytest.mark.parametrize(
    "old, new, key, found, allowed",
    [
        ("years = [2013, 2013]", "years = [2013, 100000000]", "statutory[0].years", "100000000", "1990 to 2100"),
        ("years = [2013, 2013]", "years = [-2147483648, 2013]", "statutory[0].years", "-2147483648", "1990 to 2100"),
        ("years = [2017, 2026]", "years = [2017, 99999999999]", "statutory[4].years", "99999999999", "1990 to 2100"),
        ("compulsory_eigen_risico_eur = 385", "compulsory_eigen_risico_eur = -5", "compulsory_eigen_risico_eur", "-5", "0 to"),
        ("compulsory_eigen_risico_eur = 350", "compulsory_eigen_risico_eur = 99999999999999999999",
         "statutory[0].compulsory_eigen_risico_eur", "99999999999999999999", ""),
        ("implant_denture_fixed_eur = 125", "implant_denture_fixed_eur = 10000001",
         "statutory[0].implant_denture_fixed_eur", "10000001", "0 to 10000000"),
        ("full_denture_pct = 25", "full_denture_pct = nan", "statutory[0].full_denture_pct", "NaN", "0 to 100"),
        ("non_contracted_share_pct = 80", "non_contracted_share_pct = inf", "basic.alles-verzorgd.non_contracted_share_pct", "inf", "0 to 100"),
        ("per_year = 1", "per_year = 0", "basic.alles-verzorgd.frequency_limits[0].per_year", "0", "1 to"),
        ("per_year = 1", "per_year = -1", "basic.alles-verzorgd.frequency_limits[0].per_year", "-1", "1 to"),
        ("max_age = 17", "max_age = 200", "basic.alles-verzorgd.frequency_limits[0].max_age", "200", "0 to 130"),
        ("max_age = 17", "max_age = -1", "basic.alles-verzorgd.frequency_limits[0].max_age", "-1", "0 to 130"),
        ("annual_max_eur = 250", "annual_max_eur = 1e300", "supplementary.av-tand-opstap.annual_max_eur", "1e300", "0 to"),
        ("annual_max_eur = 250", "annual_max_eur = -1", "supplementary.av-tand-opstap.annual_max_eur", "-1", "0 to"),
        ("annual_max_eur = 250", "annual_max_eur = nan", "supplementary.av-tand-opstap.annual_max_eur", "NaN", "0 to"),
        ("annual_max_eur = 250", "annual_max_eur = 250\nwaiting_months = 4294967295",
         "supplementary.av-tand-opstap.waiting_months", "4294967295", "0 to 1200"),
        ("annual_max_eur = 250", "annual_max_eur = 250\nwaiting_months = -3",
         "supplementary.av-tand-opstap.waiting_months", "-3", "0 to 1200"),
        ("annual_max_eur = 250", "annual_max_eur = 250\nmin_age = 1000", "supplementary.av-tand-opstap.min_age", "1000", "0 to 130"),
        ("sublimit_eur = 750", "sublimit_eur = 1e16", "supplementary.av-tand-optimaal.rules[4].sublimit_eur", "1e16", "0 to"),
    ],
)
def test_every_number_has_a_range(old, new, key, found, allowed):
    policy_error(lambda: compile_with(old, new), "p.toml", key, found, allowed)


def test_from_year_and_accident_months_and_ortho_categories_have_ranges():
    text = TEXT + (
        '\n[supplementary.later]\nconditions_of = "av-tand-opstap"\nfrom_year = 100000000\n'
        'name = "x"\nsource = "x"\n'
    )
    policy_error(lambda: aanspraak.Policy.from_toml(text, "p.toml"), "supplementary.later.from_year", "100000000", "1990 to 2100")
    acc = (
        '\n[supplementary.ongeval]\nname = "x"\nsource = "x"\n'
        '[supplementary.ongeval.accident]\ntreatment_within_months = 99999999\nlegal_basis = "x"\nsource = "x"\n'
    )
    policy_error(lambda: aanspraak.Policy.from_toml(TEXT + acc, "p.toml"),
                 "supplementary.ongeval.accident.treatment_within_months", "99999999", "0 to 1200")
    ortho = TEXT.replace("[[supplementary.av-tand-standaard.exclusions]]",
                         "[[supplementary.av-tand-standaard.exclusions]]\northo_categories = [300]", 1)
    policy_error(lambda: aanspraak.Policy.from_toml(ortho, "p.toml"),
                 ".exclusions[0].ortho_categories", "300", "1 to 9")


def test_min_age_above_max_age_is_an_error():
    policy_error(lambda: compile_with("max_age = 17", "max_age = 17\nmin_age = 18"),
                 "basic.alles-verzorgd.frequency_limits[0]", "min_age", "18", "max_age", "17")


def test_the_largest_accepted_values_score_without_overflow():
    """The upper ends of the ranges: a waiting period of 1200 months does not wrap around
    (the line is refused, not paid), and dates at the ends of Date32 do not overflow."""
    p = BASE.with_supplementary("av-tand-opstap", waiting_months=1200)
    row = {"code": "C002", "supplementary_product": "av-tand-opstap", "supplementary_start": dt.date(2020, 1, 1)}
    out = aanspraak.score(lines(row), p)
    assert out["supplementary_reason"][0] == "WAITING_PERIOD" and out["supplementary_paid"][0] == 0
    far = {**row, "supplementary_start": dt.date(9999, 12, 31), "treatment_date": dt.date(2022, 3, 1)}
    out = aanspraak.score(lines(far), p)
    assert out["supplementary_paid"][0] == 0
    ends = aanspraak.Policy.from_toml(TEXT.replace("years = [2013, 2013]", "years = [1990, 2013]").replace("years = [2017, 2026]", "years = [2017, 2100]"), "p.toml")
    assert (ends.eigen_risico(1990), ends.eigen_risico(2100)) == (Decimal("350.00"), Decimal("385.00"))


# ------------------------------------------------------------------ derived policies


def test_derived_policies_check_ranges_and_name_the_key():
    policy_error(lambda: BASE.with_values({"statutory[0].years": [2019, 100000000]}), "statutory[0].years", "100000000", "1990 to 2100")
    policy_error(lambda: BASE.with_eigen_risico(10**20), "statutory[0].compulsory_eigen_risico_eur", str(10**20))
    policy_error(lambda: BASE.with_eigen_risico(-5), "statutory[0].compulsory_eigen_risico_eur", "-5")
    policy_error(lambda: BASE.with_supplementary("av-tand-opstap", waiting_months=10**12),
                 "supplementary.av-tand-opstap.waiting_months", str(10**12), "0 to 1200")
    policy_error(lambda: BASE.with_supplementary("av-tand-opstap", rule=0, share_pct=float("nan")),
                 "supplementary.av-tand-opstap.rules[0].share_pct", "NaN", "0 to 100")
    policy_error(lambda: BASE.with_supplementary("av-tand-opstap", annual_max_eur=float("inf")),
                 "supplementary.av-tand-opstap.annual_max_eur", "inf")


def test_derived_values_that_toml_cannot_hold_name_the_key():
    policy_error(lambda: BASE.with_values({"basic.alles-verzorgd.exclusions[0].codes": ["M80", None]}),
                 "basic.alles-verzorgd.exclusions[0].codes[1]", "None")
    policy_error(lambda: BASE.with_values({"supplementary.av-tand-opstap.annual_max_eur": object()}),
                 "supplementary.av-tand-opstap.annual_max_eur", "object")
    policy_error(lambda: BASE.with_values({"supplementary.av-tand-opstap.rules[0]": {"share_pct": None}}),
                 "supplementary.av-tand-opstap.rules[0].share_pct", "None")


def test_derived_wrong_types_and_unknown_keys_name_the_key():
    policy_error(lambda: BASE.with_supplementary("av-tand-opstap", annual_max_eur="300"),
                 "supplementary.av-tand-opstap.annual_max_eur", "300")
    policy_error(lambda: BASE.with_basic("alles-verzorgd", non_contracted_share_pct="80"),
                 "basic.alles-verzorgd.non_contracted_share_pct")
    policy_error(lambda: BASE.with_supplementary("av-tand-opstap", rule=0, share_pct=True),
                 "supplementary.av-tand-opstap.rules[0].share_pct")
    policy_error(lambda: BASE.with_supplementary("av-tand-opstap", waiting_month=3), "waiting_month")


def test_cli_scenario_names_the_key_and_range(tmp_path, capsys):
    from aanspraak.cli import main

    decl = tmp_path / "d.parquet"
    lines({"code": "C002"}).write_parquet(decl)
    code = main(["compare", str(decl), "--scenario", "far=set:statutory[0].years=[2019, 100000000]"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "statutory[0].years" in err and "100000000" in err and "1990 to 2100" in err
    code = main(["compare", str(decl), "--scenario", "big=eigen_risico:100000000000000000000"])
    err = capsys.readouterr().err
    assert code == 2 and "compulsory_eigen_risico_eur" in err, err


def test_no_value_aborts_the_process():
    """The values that used to abort (allocation failure) or panic, in a fresh process."""
    script = (
        "import aanspraak\n"
        "from aanspraak import _core\n"
        "t = _core.bundled_policy_toml('defriesland-2022')\n"
        "for y in ('[2019, 100000000]', '[-2147483648, 2026]', '[-2147483648, 2147483647]', '[2147483647, 2147483647]'):\n"
        "    try:\n"
        "        aanspraak.Policy.from_toml(t.replace('[2017, 2026]', y), 'p.toml')\n"
        "    except aanspraak.PolicyError:\n"
        "        pass\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]


# ------------------------------------------------------------------ messages that name the right key


def test_extends_must_be_a_string():
    policy_error(lambda: compile_with('extends = "alles-verzorgd"', "extends = 5"), "p.toml", "basic.zelf-bewust.extends", "5", "key of another basic product")


def test_bad_conditions_of_is_reported_under_conditions_of():
    text = TEXT + '\n[supplementary.later]\nconditions_of = "nope"\nfrom_year = 2023\nname = "x"\nsource = "x"\n'
    msg = policy_error(lambda: aanspraak.Policy.from_toml(text, "p.toml"), "supplementary.later.conditions_of", '"nope"')
    assert "later.extends" not in msg
    text = TEXT + '\n[supplementary.later]\nconditions_of = 7\nfrom_year = 2023\nname = "x"\nsource = "x"\n'
    policy_error(lambda: aanspraak.Policy.from_toml(text, "p.toml"), "supplementary.later.conditions_of", "7")


def test_a_missing_code_table_names_policy_file_key_and_path(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('code_table = "nope.csv"\n' + TEXT)
    policy_error(lambda: aanspraak.Policy.load(path), str(path), "code_table", "nope.csv")
    policy_error(lambda: aanspraak.Policy.from_toml('code_table = "nope.csv"\n' + TEXT, "q.toml"), "q.toml", "code_table", "nope.csv")


def test_sublimit_period_without_sublimit_is_an_error():
    policy_error(lambda: compile_with("sublimit_eur = 750\n", ""), "supplementary.av-tand-optimaal.rules[4].sublimit_per", "sublimit_eur")


# ------------------------------------------------------------------ product counts


def _many_products(n: int) -> str:
    """The bundled set with `n` basic and `n` supplementary products, product k paying k/4 %
    for non-contracted care (basic) and k/4 % of C11 (supplementary), capped at k euros."""
    out = [TEXT]
    for k in range(n):
        out.append(
            f'\n[basic.b{k:03d}]\nextends = "alles-verzorgd"\nnon_contracted_share_pct = {k / 4}\n'
            f'\n[supplementary.s{k:03d}]\nname = "s{k}"\nsource = "generated"\nannual_max_eur = {k}\n'
            f'[[supplementary.s{k:03d}.rules]]\ncodes = ["C002"]\nshare_pct = {k / 4}\nlegal_basis = "s{k} rule"\nsource = "generated"\n'
        )
    return "".join(out)


def test_300_basic_and_300_supplementary_products_each_keep_their_own_terms():
    p = aanspraak.Policy.from_toml(_many_products(300), "many.toml")
    rows = []
    for k in (0, 254, 255, 256, 280, 299):
        rows.append({"insured_id": f"B{k}", "code": "C002", "amount": Decimal("100.00"), "contracted": False,
                     "reference_tariff": Decimal("100.00"), "basic_product": f"b{k:03d}", "treatment_date": dt.date(2022, 3, 1),
                     "birth_date": dt.date(2010, 6, 15)})
        rows.append({"insured_id": f"S{k}", "code": "C002", "amount": Decimal("1000.00"),
                     "supplementary_product": f"s{k:03d}", "supplementary_start": dt.date(2020, 1, 1),
                     "treatment_date": dt.date(2022, 3, 1)})
    rows.append({"insured_id": "C", "code": "C002", "amount": Decimal("1000.00"),
                 "supplementary_product": "s280+s299+s001", "supplementary_start": dt.date(2020, 1, 1)})
    out = aanspraak.score(lines(*rows), p).sort("line_id")
    for i, k in enumerate((0, 254, 255, 256, 280, 299)):
        basic, supp = out.row(2 * i, named=True), out.row(2 * i + 1, named=True)
        assert basic["reason"] != "INVALID_INPUT", basic["message"]
        assert basic["allowed"] == (Decimal(k) / 4).quantize(Decimal("0.01")), (k, basic)
        assert supp["supplementary_reason"] != "INVALID_INPUT", supp["message"]
        # s{k} pays k/4 % of what the basic left, capped at EUR k a year.
        left = supp["patient_paid"] + supp["supplementary_paid"] - supp["eigen_risico"]
        share = (left * Decimal(k) / 400).quantize(Decimal("0.01"))
        assert supp["supplementary_paid"] == min(share, Decimal(k)), (k, supp)
    combo = out.row(len(rows) - 1, named=True)
    assert combo["supplementary_reason"] != "INVALID_INPUT", combo["message"]
    assert combo["supplementary_paid"] > 0
    by_key = p.products().filter(kind="supplementary", product="s280")
    assert by_key["annual_max"].item() == Decimal("280.00")
