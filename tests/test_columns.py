"""Warehouse column names (docs/rules.md#warehouse-column-names): `columns=` maps the
library's input names to the user's, in every entry point; the output keeps the user's
names, errors name the user's column."""

from __future__ import annotations

import json
from decimal import Decimal as D

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import aanspraak
from aanspraak.cli import main
from conftest import d, lines

MAP = {"insured_id": "verzekerde_nr", "treatment_date": "behandeldatum", "amount": "bedrag", "code": "prestatiecode"}
THEIRS = {v: k for k, v in MAP.items()}


def warehouse(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({k: v for k, v in MAP.items() if k in frame.columns})


@pytest.fixture(scope="module")
def decl() -> pl.DataFrame:
    return aanspraak.synthetic.declarations(3_000, seed=11, hospital_share=0.1, supplementary_share=0.5)


def test_score_reads_the_warehouse_names_and_returns_them(decl):
    out = aanspraak.score(warehouse(decl), columns=MAP)
    want = aanspraak.score(decl)
    assert out.columns == [MAP.get(c, c) for c in want.columns]
    assert_frame_equal(out.rename(THEIRS), want)


def test_compare_schadelast_and_the_comparison_keep_the_warehouse_names(decl):
    base = aanspraak.Policy.load("defriesland-2022")
    scenarios = {"base": base, "er165": base.with_eigen_risico(165)}
    got = aanspraak.compare(warehouse(decl), scenarios, columns_map=MAP)
    want = aanspraak.compare(decl, scenarios)
    assert "verzekerde_nr" in got.lines.columns and "insured_id" not in got.lines.columns
    assert_frame_equal(got.lines.rename(THEIRS), want.lines)
    assert_frame_equal(got.totals, want.totals)
    assert_frame_equal(aanspraak.schadelast(got, by=["year", "code_section"]), aanspraak.schadelast(want, by=["year", "code_section"]))
    # schadelast of scored lines: `by` names the user's columns, the result carries them.
    out = aanspraak.score(warehouse(decl), columns=MAP)
    mine = aanspraak.schadelast(out, by=["prestatiecode", "age_band"], columns=MAP)
    theirs = aanspraak.schadelast(aanspraak.score(decl), by=["code", "age_band"])
    assert_frame_equal(mine, theirs.rename({"code": "prestatiecode"}))


def test_score_parquet_writes_the_warehouse_names(decl, tmp_path):
    warehouse(decl.drop("line_id")).write_parquet(tmp_path / "in.parquet")
    aanspraak.score_parquet(tmp_path / "in.parquet", tmp_path / "out", buckets=3, progress=False, columns=MAP)
    got = pl.read_parquet(tmp_path / "out" / "*.parquet").sort("line_id")
    want = aanspraak.score(decl.drop("line_id"))
    assert_frame_equal(got.rename(THEIRS), want, check_column_order=False, check_dtypes=False)
    with pytest.raises(aanspraak.SchemaError, match=r"column 'klant' \(insured_id\): no such column in the input"):
        aanspraak.score_parquet(tmp_path / "in.parquet", tmp_path / "out2", columns={**MAP, "insured_id": "klant"})


def test_errors_and_messages_name_the_users_column():
    rows = lines({"insured_id": "A", "amount": D("-1.00")}, {"insured_id": None, "treatment_date": d("1970-01-01")})
    out = aanspraak.score(warehouse(rows), columns=MAP)
    assert out["message"].to_list() == ["'bedrag' (amount) is negative", "'verzekerde_nr' (insured_id) is null"]
    with pytest.raises(aanspraak.SchemaError, match=r"^column 'behandeldatum' \(treatment_date\): no such column in the input"):
        aanspraak.score(warehouse(rows).drop("behandeldatum"), columns=MAP)
    with pytest.raises(aanspraak.SchemaError, match=r"^column 'behandeldatum' \(treatment_date\): found Boolean, expected Date32"):
        aanspraak.score(warehouse(rows).with_columns(pl.lit(True).alias("behandeldatum")), columns=MAP)
    with pytest.raises(aanspraak.SchemaError, match=r"column 'bedrag' \(amount\): the input also has a column named 'amount'"):
        aanspraak.score(warehouse(rows).with_columns(pl.lit(1.0).alias("amount")), columns=MAP)
    with pytest.raises(ValueError, match=r"'klant_id' is not an input column of the library"):
        aanspraak.score(rows, columns={"klant_id": "x"})
    with pytest.raises(ValueError, match=r"'insured_id' and 'code' both map to 'x'"):
        aanspraak.score(rows, columns={"insured_id": "x", "code": "x"})
    with pytest.raises(ValueError, match=r"an output column"):
        aanspraak.score(rows, columns={"code": "reason"})


@pytest.mark.parametrize("form", ["pairs", "json"])
def test_the_command_line_reads_a_columns_map(decl, tmp_path, capsys, form):
    warehouse(decl.head(500)).write_csv(tmp_path / "in.csv")
    if form == "json":
        (tmp_path / "map.json").write_text(json.dumps(MAP))
        spec = str(tmp_path / "map.json")
    else:
        spec = ",".join(f"{k}={v}" for k, v in MAP.items())
    assert main(["score", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.parquet"), "--columns-map", spec, "--summary-by", "year"]) == 0
    got = pl.read_parquet(tmp_path / "out.parquet")
    assert "verzekerde_nr" in got.columns and "bedrag" in got.columns
    want = aanspraak.score(decl.head(500))
    assert got["basic_paid"].to_list() == want["basic_paid"].to_list()
    assert got["reason"].cast(pl.String).to_list() == want["reason"].cast(pl.String).to_list()
    code = main(["score", str(tmp_path / "in.csv"), "-o", str(tmp_path / "x.parquet"), "--columns-map", "insured_id"])
    assert code == 2 and "expected LIBRARY=YOURS" in capsys.readouterr().err
    code = main(["compare", str(tmp_path / "in.csv"), "--columns-map", spec, "-s", "er165=eigen_risico:165"])
    assert code == 0
