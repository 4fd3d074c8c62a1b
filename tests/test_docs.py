"""The examples in the public docstrings run (numpy-style Examples sections)."""

import doctest

import pytest

import aanspraak
import aanspraak._input
import aanspraak._synthetic_tables
import aanspraak.codes
import aanspraak.io
import aanspraak.partitions
import aanspraak.policy
import aanspraak.reports
import aanspraak.scenarios
import aanspraak.scoring
import aanspraak.streaming
import aanspraak.synthetic
import aanspraak.triangles

MODULES = [aanspraak, aanspraak._input, aanspraak._synthetic_tables, aanspraak.codes, aanspraak.io, aanspraak.partitions, aanspraak.policy, aanspraak.reports, aanspraak.scenarios, aanspraak.scoring, aanspraak.streaming, aanspraak.synthetic, aanspraak.triangles]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{module.__name__} has no examples"
    assert result.failed == 0


def test_every_reason_the_engine_emits_is_in_the_catalogue():
    out = aanspraak.score(aanspraak.synthetic.declarations(20_000, seed=3))
    catalogue = set(aanspraak.reasons()["reason"].to_list())
    assert set(out["reason"].cast(str).unique().to_list()) <= catalogue
    # And the README documents every catalogue entry.
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert all(f"`{r}`" in readme for r in catalogue)


def test_policies_lists_the_bundled_sets_and_products():
    df = aanspraak.policies()
    basic = df.filter(kind="basic")
    assert sorted(basic["product"].to_list()) == ["alles-verzorgd", "besured-ruime-keuze", "uc-ruime-keuze", "zelf-bewust"]
    assert basic.filter(product="zelf-bewust")["non_contracted_share_pct"].item() == 75.0
    supp = df.filter(policy_set="defriesland-2022", kind="supplementary")["product"].to_list()
    assert sorted(supp) == ["av-tand-doorstap", "av-tand-extra", "av-tand-opstap", "av-tand-optimaal", "av-tand-standaard", "tand-ongevallen"]


def test_user_code_table_replaces_the_bundled_one(tmp_path):
    table = aanspraak.CodeTable.bundled()
    df = table.to_polars()
    assert len(table) == df.height > 1000
    # A user table in which C11 is unknown: the same line becomes UNKNOWN_CODE.
    text = "\n".join(line for line in table.csv_text.splitlines() if not line.startswith("C002,"))
    path = tmp_path / "codes.csv"
    path.write_text(text + "\n")
    pol = aanspraak.Policy.load("defriesland-2022").with_code_table(aanspraak.CodeTable.from_csv(path))
    from conftest import lines

    decl = lines({"birth_date": __import__("datetime").date(2012, 1, 1)})
    assert aanspraak.score(decl, policy="defriesland-2022")["reason"].cast(str).item() == "COVERED"
    assert aanspraak.score(decl, policy=pol)["reason"].cast(str).item() == "UNKNOWN_CODE"
    bad = tmp_path / "bad.csv"
    bad.write_text(table.csv_text.replace(",fluoride,", ",fluor,", 1))
    with pytest.raises(aanspraak.PolicyError, match=r"bad\.csv.*tags"):
        aanspraak.CodeTable.from_csv(bad)


def test_every_supplementary_reason_is_documented_and_the_readme_product_example_scores(tmp_path):
    from decimal import Decimal as D
    from pathlib import Path

    import polars as pl

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for r in aanspraak.supplementary_reasons()["reason"].to_list():
        assert f"`{r}`" in readme, r
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "with_example.toml"
    path.write_text(aanspraak._core.bundled_policy_toml("defriesland-2022") + "\n" + example)
    base = {"insured_id": "X", "birth_date": __import__("datetime").date(1990, 1, 1), "code": "F461A",
            "amount": D("1000.00"), "supplementary_product": "my-tand", "supplementary_start": __import__("datetime").date(2020, 1, 1)}
    rows = [{**base, "treatment_date": __import__("datetime").date(y, 3, 1)} for y in (2024, 2025)]
    out = aanspraak.score(pl.DataFrame(rows), policy=str(path))
    # 2024: orthodontics up to EUR 750 once; 2025 conditions: the budget is spent.
    assert out["supplementary_paid"].to_list() == [D("750.00"), D("0.00")]
    assert out["supplementary_reason"].cast(str).to_list() == ["SUBLIMIT_REACHED", "SUBLIMIT_REACHED"]
