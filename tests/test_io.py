"""aanspraak.io: reading and writing declaration files, as the command line does it and
for a notebook (`aanspraak.read_declarations`, `aanspraak.write_frame`,
`aanspraak.schadelast_of_files`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import polars as pl
import pytest

import aanspraak
from aanspraak import io
from aanspraak.cli import main

# A spreadsheet export as a Dutch office makes one: a byte-order mark, ';' between the
# fields, ids with leading zeros, a decimal comma, padded and unparsable amounts, an
# impossible date, an empty id, an unknown provider and product, material costs above the
# amount, and a half cent.
DUTCH_CSV = (
    "\ufeffinsured_id;birth_date;treatment_date;code;amount;contracted;element;provider_type;"
    "material_costs;supplementary_product;reference_tariff\n"
    "007;2014-05-01;2022-03-01;C002;25,00;true;11;tandarts;;;\n"
    "007;2014-05-01;2022-03-02;C003; 12.50 ;;;tandarts;;;\n"
    "0123;1980-02-29;2022-04-01;V91;abc;false;;;;av-tand-extra;\n"
    "0123;1980-02-29;2022-13-01;V92;-5;;;;10.00;av-tand-onbekend;\n"
    "0123;1980-02-29;2022-04-03;F461A;1000.005;true;21;mondhygienist;2000;;99.5\n"
    ";1980-02-29;2022-04-03;X99;20;;;onbekend;;;\n"
)

#: The frame the command line scored for DUTCH_CSV before io.py existed (cli.read_file).
DUTCH_FRAME = pl.DataFrame(
    [
        ("007", dt.date(2014, 5, 1), "2022-03-01", "C002", "25,00", True, 11, "tandarts", None, None, None),
        ("007", dt.date(2014, 5, 1), "2022-03-02", "C003", " 12.50 ", None, None, "tandarts", None, None, None),
        ("0123", dt.date(1980, 2, 29), "2022-04-01", "V91", "abc", False, None, None, None, "av-tand-extra", None),
        ("0123", dt.date(1980, 2, 29), "2022-13-01", "V92", "-5", None, None, None, D("10.00"), "av-tand-onbekend", None),
        ("0123", dt.date(1980, 2, 29), "2022-04-03", "F461A", "1000.005", True, 21, "mondhygienist", D("2000.00"), None, D("99.50")),
        (None, dt.date(1980, 2, 29), "2022-04-03", "X99", "20", None, None, "onbekend", None, None, None),
    ],
    schema={
        "insured_id": pl.String, "birth_date": pl.Date, "treatment_date": pl.String, "code": pl.String,
        "amount": pl.String, "contracted": pl.Boolean, "element": pl.Int64, "provider_type": pl.String,
        "material_costs": pl.Decimal(18, 2), "supplementary_product": pl.String, "reference_tariff": pl.Decimal(18, 2),
    },
    orient="row",
)


@pytest.fixture
def dutch_csv(tmp_path) -> Path:
    path = tmp_path / "declaraties.csv"
    path.write_text(DUTCH_CSV, encoding="utf-8")
    return path


def test_a_dutch_spreadsheet_export_reads_into_the_frame_the_cli_scored(dutch_csv):
    decl = aanspraak.read_declarations(dutch_csv)
    assert decl.schema == DUTCH_FRAME.schema
    assert decl.equals(DUTCH_FRAME)
    # The same with a tab between the fields, and by a glob.
    tabbed = dutch_csv.with_name("tabs.csv")
    tabbed.write_text(DUTCH_CSV.replace(";", "\t"), encoding="utf-8")
    assert io.read_declarations(str(tabbed)).equals(DUTCH_FRAME)


def test_what_the_dutch_frame_scores_to_is_what_the_cli_writes(dutch_csv, tmp_path, capsys):
    scored = aanspraak.score(aanspraak.read_declarations(dutch_csv))
    # The bad values are the engine's to judge, row by row: the decimal comma too.
    assert scored["reason"].cast(str).to_list() == ["INVALID_INPUT", "COVERED", *["INVALID_INPUT"] * 4]
    assert scored["message"].cast(str).to_list()[0] == "amount is not a number of euros"
    out = tmp_path / "scored.parquet"
    assert main(["score", str(dutch_csv), "-o", str(out)]) == 0
    capsys.readouterr()
    assert pl.read_parquet(out).equals(scored)


def test_money_becomes_exact_decimals_when_every_value_has_cents_at_most(tmp_path):
    path = tmp_path / "decl.csv"
    path.write_text(
        "insured_id,birth_date,treatment_date,code,amount,reference_tariff,authorization\n"
        "1,1990-01-01,2022-05-01,C11, 25.5 ,,\n"
        "2,1990-01-01,2022-05-01,013,-1,30,false\n"
    )
    decl = aanspraak.read_declarations(path)
    assert decl["insured_id"].to_list() == ["1", "2"] and decl["code"].to_list() == ["C11", "013"]
    assert decl["amount"].dtype == pl.Decimal(18, 2) and decl["amount"].to_list() == [D("25.50"), D("-1.00")]
    assert decl["reference_tariff"].to_list() == [None, D("30.00")]
    assert decl["authorization"].dtype == pl.Boolean and decl["authorization"].to_list() == [None, False]


def test_several_files_are_one_frame_in_order_each_with_the_required_columns(tmp_path):
    a = pl.DataFrame({"insured_id": ["A"], "birth_date": [dt.date(1990, 1, 1)], "treatment_date": [dt.date(2022, 1, 3)],
                      "code": ["C11"], "amount": [D("25.00")]})
    b = a.with_columns(insured_id=pl.lit("B"), amount=pl.lit(12.5), element=pl.lit(11))
    io.write_frame(a, tmp_path / "1.parquet")
    io.write_frame(b, tmp_path / "2.arrow")
    steps: list[tuple[str, object]] = []

    class Progress:
        def step(self, what: str) -> None:
            steps.append(("step", what))

        def done(self, **counts: object) -> None:
            steps.append(("done", counts["rows"]))

    decl = aanspraak.read_declarations([tmp_path / "1.parquet", str(tmp_path / "*.arrow")], progress=Progress())
    assert decl["insured_id"].to_list() == ["A", "B"] and decl["element"].to_list() == [None, 11]
    assert decl["amount"].cast(pl.Float64).to_list() == [25.0, 12.5]
    assert steps == [("step", "read 1.parquet"), ("done", 1), ("step", "read 2.arrow"), ("done", 2)]
    a.drop("code").write_parquet(tmp_path / "3.parquet")
    with pytest.raises(io.FileError, match=r"3\.parquet: no column 'code' \(required: insured_id, birth_date"):
        aanspraak.read_declarations(str(tmp_path / "*.parquet"))


def test_paths_globs_and_their_errors(tmp_path):
    odd = tmp_path / "claims[2022].csv"  # a Path is one file, whatever its name
    odd.write_text("insured_id,birth_date,treatment_date,code,amount\n1,1990-01-01,2022-05-01,C11,10\n")
    assert io.expand_inputs([odd, odd]) == [odd]
    with pytest.raises(io.FileError, match="no file matches"):
        io.expand_inputs([str(odd)])  # as text it is a glob, and matches nothing
    with pytest.raises(io.FileError, match="is a directory"):
        io.read_declarations(tmp_path)
    with pytest.raises(io.FileError, match="no such file"):
        io.read_declarations(tmp_path / "none.parquet")
    (tmp_path / "x.xlsx").write_text("")
    with pytest.raises(io.FileError, match="unsupported file type '.xlsx'"):
        io.read_declarations([tmp_path / "x.xlsx"])
    (tmp_path / "broken.parquet").write_text("not parquet")
    with pytest.raises(io.FileError, match=r"^cannot read .*broken\.parquet: "):
        io.read_file(tmp_path / "broken.parquet")
    assert issubclass(io.FileError, ValueError) and aanspraak.FileError is io.FileError


def test_write_frame_keeps_cents_exact_and_leaves_no_partial_file(tmp_path):
    scored = aanspraak.score(aanspraak.synthetic.declarations(500, seed=2))
    for name in ("s.parquet", "s.arrow", "s.csv"):
        aanspraak.write_frame(scored, tmp_path / name)
    assert pl.read_parquet(tmp_path / "s.parquet").equals(scored)
    assert pl.read_ipc(tmp_path / "s.arrow").equals(scored)
    text = pl.read_csv(tmp_path / "s.csv", infer_schema=False)
    assert text["basic_paid"].to_list() == [str(v) for v in scored["basic_paid"]]
    assert text["reason"].to_list() == scored["reason"].cast(str).to_list()
    with pytest.raises(io.FileError, match="cannot write"):
        aanspraak.write_frame(scored, tmp_path / "missing" / "s.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.arrow", "s.csv", "s.parquet"]


def test_schadelast_of_part_files_is_the_schadelast_of_one_score(tmp_path):
    decl = aanspraak.synthetic.declarations(6_000, seed=4, supplementary_share=0.6, hospital_share=0.3)
    decl.write_parquet(tmp_path / "decl.parquet")
    parts = aanspraak.score_parquet(str(tmp_path / "decl.parquet"), tmp_path / "out", lines_per_bucket=1_500)
    files = parts["file"].to_list()
    assert len(files) > 1
    whole = aanspraak.score(decl)
    assert aanspraak.schadelast_of_files(files).equals(aanspraak.schadelast(whole))
    totals, by_year = io.schadelast_tables_of_files(files, [(), ["year", "product"]])
    assert totals.equals(aanspraak.schadelast(whole))
    want = aanspraak.schadelast(whole, by=["year", "product"]).sort(["year", "product"], nulls_last=True)
    assert by_year.select(want.columns).equals(want)


def test_the_input_columns_are_the_engines():
    cols = io.input_columns()
    assert cols.required == tuple(name for name, _ in aanspraak._core.required_columns())
    assert not set(cols.text) & set(cols.boolean) and not set(cols.money) & set(cols.boolean)
