"""The command line: `aanspraak score | compare | demo | policies` (run in-process through
`aanspraak.cli.main`, and once as `python -m aanspraak` for the exit codes)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import polars as pl
import pytest

import aanspraak
from aanspraak.cli import main

MONEY = ["allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "supplementary_paid", "patient_paid"]


@pytest.fixture(scope="module")
def decl() -> pl.DataFrame:
    return aanspraak.synthetic.declarations(2000, seed=1, supplementary_share=0.5)


@pytest.fixture
def decl_file(tmp_path, decl):
    path = tmp_path / "decl.parquet"
    decl.write_parquet(path)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("aanspraak: error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_score_round_trips_a_parquet_file(tmp_path, decl, decl_file, capsys):
    out_path = tmp_path / "scored.parquet"
    code, out, err = run(capsys, "score", decl_file, "-o", out_path, "--policy", "defriesland-2022")
    assert code == 0, err
    scored = pl.read_parquet(out_path)
    assert scored.height == decl.height
    assert scored["line_id"].to_list() == decl["line_id"].to_list()
    expected = aanspraak.score(decl, "defriesland-2022")
    assert scored.columns == expected.columns
    for col in ["basic_paid", "patient_paid", "supplementary_paid", "eigen_risico"]:
        assert scored[col].dtype == expected[col].dtype
        assert scored[col].to_list() == expected[col].to_list(), col
    # The summary: rows, time, rate and the schadelast tables.
    assert "scored 2,000 lines" in out and "lines/s" in out
    assert "Schadelast, all lines" in out and "COVERED" in out
    total = f"{expected['basic_paid'].sum():,}"
    assert total in out


def test_csv_output_keeps_the_cents_exact(tmp_path, decl, decl_file, capsys):
    out_path = tmp_path / "scored.csv"
    code, _, err = run(capsys, "score", decl_file, "-o", out_path, "--columns", "line_id,amount,basic_paid,patient_paid,reason")
    assert code == 0, err
    text = pl.read_csv(out_path, infer_schema=False)
    assert text.columns == ["line_id", "amount", "basic_paid", "patient_paid", "reason"]
    expected = aanspraak.score(decl)
    for col in ["basic_paid", "patient_paid"]:
        assert text[col].to_list() == [str(v) for v in expected[col].to_list()], col
        assert all(Decimal(v) == e for v, e in zip(text[col].to_list(), expected[col].to_list()))
    assert all(len(v.split(".")[1]) == 2 for v in text["basic_paid"].to_list())
    # And the CSV scores again to the same cents (ids and codes stay text, money exact).
    again = tmp_path / "again.arrow"
    src = tmp_path / "decl.csv"
    decl.write_csv(src)
    assert main(["score", str(src), "-o", str(again)]) == 0
    capsys.readouterr()
    assert pl.read_ipc(again)["basic_paid"].to_list() == expected["basic_paid"].to_list()


def test_a_glob_of_two_files_is_scored_as_one(tmp_path, capsys):
    # An insured split across both files gets one eigen risico (hospital lines, so that
    # scoring the files one by one would charge it twice).
    decl = aanspraak.synthetic.declarations(2000, seed=1, supplementary_share=0.5, hospital_share=0.3)
    first, second = decl.head(1000), decl.tail(1000)
    split = set(first["insured_id"]) & set(second["insured_id"])
    assert split
    first.write_parquet(tmp_path / "part-1.parquet")
    second.write_parquet(tmp_path / "part-2.parquet")
    out_path = tmp_path / "out" / "scored.parquet"
    out_path.parent.mkdir()
    code, out, err = run(capsys, "score", tmp_path / "part-*.parquet", "-o", out_path)
    assert code == 0, err
    assert "from 2 files" in out
    scored = pl.read_parquet(out_path)
    whole = aanspraak.score(pl.concat([first, second]))
    per_file = pl.concat([aanspraak.score(first), aanspraak.score(second)])
    assert scored["eigen_risico"].sum() == whole["eigen_risico"].sum()
    assert scored["eigen_risico"].sum() < per_file["eigen_risico"].sum()
    assert scored["basic_paid"].to_list() == whole["basic_paid"].to_list()


@pytest.fixture(scope="module")
def shuffled() -> pl.DataFrame:
    """Lines without line_id, shuffled so that an insured's lines are spread over files."""
    decl = aanspraak.synthetic.declarations(4_500, seed=3, supplementary_share=0.6, hospital_share=0.3)
    return decl.drop("line_id").sample(fraction=1.0, shuffle=True, seed=0)


def test_a_glob_scored_to_a_directory_is_one_score_in_part_files(tmp_path, shuffled, capsys):
    (tmp_path / "in").mkdir()
    for i in range(3):
        shuffled.slice(i * 1_500, 1_500).write_parquet(tmp_path / "in" / f"decl-{i}.parquet")
    code, out, err = run(
        capsys, "score", tmp_path / "in" / "decl-*.parquet", "-o", f"{tmp_path / 'out'}/",
        "--lines-per-bucket", "1500", "--summary-by", "year",
    )
    assert code == 0, err
    parts = sorted((tmp_path / "out").glob("part-*.parquet"))
    assert [p.name for p in parts] == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [p.name for p in parts], "no staging left"
    # The part files, sorted by line_id, are one score of the concatenated input.
    want = aanspraak.score(pl.concat([pl.read_parquet(tmp_path / "in" / f"decl-{i}.parquet") for i in range(3)]))
    got = pl.read_parquet(parts).sort("line_id")
    assert got.columns == want.columns
    assert got["line_id"].to_list() == list(range(4_500))
    for col in [*MONEY, "reason"]:
        assert got[col].dtype == want[col].dtype, col
        assert got[col].to_list() == want[col].to_list(), col
    assert want["eigen_risico"].sum() > 0 and want["supplementary_paid"].sum() > 0
    # Every insured in exactly one part file, in input order within it.
    files = [pl.read_parquet(p) for p in parts]
    assert sum(f["insured_id"].n_unique() for f in files) == shuffled["insured_id"].n_unique()
    assert all(f["line_id"].is_sorted() for f in files)
    # The summary: lines, part files and the exact money totals of the whole.
    assert "scored 4,500 lines from 3 files" in out and "wrote 3 part files" in out
    assert "Schadelast, all lines" in out and "By year" in out
    for col in ["basic_paid", "eigen_risico", "supplementary_paid", "patient_paid"]:
        assert f"{want[col].sum():,}" in out, col
    assert f"{shuffled['insured_id'].n_unique():,}" in out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["score", "{csv}", "-o", "{dir}/out/"], "streams Parquet inputs only"),
        (["score", "{decl}", "-o", "{dir}/taken"], "already has part-*.parquet"),
        (["score", "{decl}", "-o", "{dir}/out/", "--columns", "line_id,basic_paid"], "--columns applies"),
        (["score", "{decl}", "{nojaw}", "-o", "{dir}/out"], "differs from"),
        (["score", "{nocode}", "-o", "{dir}/out/"], "'code'"),
        (["score", "{decl}", "-o", "{dir}/out/", "--summary-by", "nope"], "cannot group by 'nope'"),
        (["score", "{decl}", "-o", "{dir}/no/such/out/"], "parent directory"),
        (["score", "{decl}", "-o", "{dir}/o.parquet", "--lines-per-bucket", "10"], "--lines-per-bucket applies"),
        (["score", "{decl}", "-o", "{dir}/out/", "--lines-per-bucket", "0"], "--lines-per-bucket"),
    ],
)
def test_bad_directory_output_gives_one_line_and_exit_code_2(tmp_path, decl, decl_file, capsys, argv, needle):
    csv = tmp_path / "decl.csv"
    decl.head(10).write_csv(csv)
    nocode = tmp_path / "nocode.parquet"
    decl.drop("code").write_parquet(nocode)
    nojaw = tmp_path / "nojaw.parquet"
    decl.drop("jaw").write_parquet(nojaw)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "part-00000.parquet").write_bytes(b"earlier run")
    subst = {"dir": tmp_path, "decl": decl_file, "csv": csv, "nocode": nocode, "nojaw": nojaw}
    code, out, err = run(capsys, *[a.format(**subst) for a in argv])
    assert code == 2, (out, err)
    assert needle in one_error_line(err)
    assert not (tmp_path / "out").exists() and not (tmp_path / "o.parquet").exists()
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["part-00000.parquet"]


def test_compare_prints_totals_and_writes_the_wide_lines(tmp_path, decl, decl_file, capsys):
    out_path = tmp_path / "compared.parquet"
    code, out, err = run(
        capsys, "compare", decl_file, "--policy", "defriesland-2022", "--scenario", "er165=eigen_risico:165",
        "--scenario", "max300=set:supplementary.av-tand-standaard.annual_max_eur=300", "-o", out_path,
    )
    assert code == 0, err
    assert "er165" in out and "max300" in out and "delta_basic_paid" in out
    wide = pl.read_parquet(out_path)
    assert {"basic_paid__base", "basic_paid__er165", "basic_paid__max300"} <= set(wide.columns)
    assert wide.height == decl.height
    base = aanspraak.Policy.load("defriesland-2022")
    expected = aanspraak.compare(decl, {"base": base, "er165": base.with_eigen_risico(165)})
    assert wide["basic_paid__er165"].to_list() == expected.lines["basic_paid__er165"].to_list()
    delta = expected.totals.filter(scenario="er165")["delta_basic_paid"].item()
    assert delta > 0 and f"{delta:,}" in out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["score", "{dir}/missing.parquet", "-o", "{dir}/o.parquet"], "no such file"),
        (["score", "{dir}/nothing-*.parquet", "-o", "{dir}/o.parquet"], "no file matches"),
        (["score", "{decl}", "-o", "{dir}/o.parquet", "--policy", "no-such-policy"], "no-such-policy"),
        (["score", "{nocode}", "-o", "{dir}/o.parquet"], "code"),
        (["score", "{decl}", "-o", "{dir}/o.xlsx"], "unsupported file type"),
        (["score", "{decl}", "-o", "{decl}"], "overwrite"),
        (["score", "{garbage}", "-o", "{dir}/o.parquet"], "cannot read"),
        (["score", "{decl}", "-o", "{dir}/o.parquet", "--summary-by", "nope"], "cannot group by"),
        (["score", "{decl}"], "required: -o/--output"),
        (["compare", "{decl}", "--scenario", "er165"], "--scenario 'er165'"),
        (["compare", "{decl}", "--scenario", "x=eigen_risico:lots"], "whole euros"),
        (["compare", "{decl}", "--scenario", "x=set:supplementary.nope.x=1"], "supplementary.nope"),
        (["compare", "{decl}", "--scenario", "x=no-such-policy"], "no-such-policy"),
        (["scor", "{decl}"], "invalid choice"),
        (["score", "{decl}", "-o", "{dir}/o.parquet", "--bogus"], "unrecognized arguments"),
        (["demo", "--rows", "-3"], "--rows"),
        ([], "no command"),
    ],
)
def test_bad_input_gives_one_line_and_exit_code_2(tmp_path, decl, decl_file, capsys, argv, needle):
    nocode = tmp_path / "nocode.parquet"
    decl.drop("code").write_parquet(nocode)
    garbage = tmp_path / "garbage.parquet"
    garbage.write_text("not parquet")
    subst = {"dir": tmp_path, "decl": decl_file, "nocode": nocode, "garbage": garbage}
    code, out, err = run(capsys, *[a.format(**subst) for a in argv])
    assert code == 2, (out, err)
    assert needle in one_error_line(err)
    assert not (tmp_path / "o.parquet").exists()


def test_schema_error_as_a_process_exits_2_with_one_line(tmp_path, decl):
    nocode = tmp_path / "nocode.parquet"
    decl.drop("code").write_parquet(nocode)
    cases = [
        ["score", str(nocode), "-o", str(tmp_path / "o.parquet")],
        ["score", str(tmp_path / "missing.parquet"), "-o", str(tmp_path / "o.parquet")],
        ["compare", str(nocode), "--scenario", "bad-spec"],
        ["frobnicate"],
    ]
    for argv in cases:
        proc = subprocess.run([sys.executable, "-m", "aanspraak", *argv], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, (argv, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert proc.stderr.startswith("aanspraak: error: ")
        assert proc.stdout == ""
    assert "column `code`" in subprocess.run(
        [sys.executable, "-m", "aanspraak", *cases[0]], capture_output=True, text=True, timeout=60
    ).stderr


def test_an_internal_error_is_one_line_and_exit_code_1(decl_file, tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("engine on fire")

    monkeypatch.setattr(aanspraak, "score", broken)
    code, _, err = run(capsys, "score", decl_file, "-o", tmp_path / "o.parquet")
    assert code == 1
    line = one_error_line(err)
    assert "internal error" in line and "engine on fire" in line and "--debug" in line
    code, _, err = run(capsys, "score", decl_file, "-o", tmp_path / "o.parquet", "--debug")
    assert code == 1 and "Traceback" in err and "engine on fire" in err


def test_demo_scores_synthetic_declarations(capsys):
    code, out, err = run(capsys, "demo", "--rows", "3000", "--seed", "2")
    assert code == 0, err
    assert "3,000 lines" in out
    assert "By age band" in out and "er165" in out and "delta_basic_paid" in out
    assert "age_band" in out and "95+" in out


def test_policies_lists_the_bundled_sets(capsys):
    code, out, _ = run(capsys, "policies")
    assert code == 0
    for key in ["defriesland-2022", "vgz-2021", "iptiq-2019", "av-tand-standaard"]:
        assert key in out


def test_version_and_help(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"aanspraak {aanspraak.__version__}"
    code, out, _ = run(capsys, "score", "--help")
    assert code == 0 and "in one call" in out


def test_schadelast_per_insured_year_from_files(tmp_path, capsys):
    # aanspraak schadelast SCORED --by ... --exposure MEMBERS: the table of
    # aanspraak.schadelast(..., exposure=), from Parquet or CSV files.
    decl = aanspraak.synthetic.declarations(3_000, seed=4, supplementary_share=0.6)
    scored = aanspraak.score(decl)
    members = (decl.group_by("insured_id").agg(pl.col("birth_date", "supplementary_product").first())
               .with_columns(insured_from=pl.max_horizontal(pl.date(2022, 1, 1), "birth_date"), insured_to=pl.date(2022, 12, 31)))
    aanspraak.write_frame(scored, tmp_path / "scored.csv")
    members.write_csv(tmp_path / "members.csv")
    want = aanspraak.schadelast(scored, by=["age_band", "product"], exposure=members, age_bands=[0, 18, 65])
    code, out, _ = run(capsys, "schadelast", tmp_path / "scored.csv", "--by", "age_band,product", "--exposure",
                       tmp_path / "members.csv", "--age-bands", "0,18,65", "-o", tmp_path / "table.parquet")
    assert code == 0 and "per insured-year by age_band, product" in out and "basic_paid_per_insured_year" in out
    got = pl.read_parquet(tmp_path / "table.parquet")
    assert got.drop("age_band").equals(want.drop("age_band"))
    assert got["age_band"].cast(pl.String).equals(want["age_band"].cast(pl.String))
    code, _, err = run(capsys, "schadelast", tmp_path / "scored.csv", "--exposure", tmp_path / "nope.csv")
    assert code == 2 and "--exposure" in err and "no such file" in err
    code, _, err = run(capsys, "schadelast", tmp_path / "scored.csv", "--age-bands", "0,x")
    assert code == 2 and "--age-bands" in err


def test_as_of_and_triangle_on_the_command_line(tmp_path, capsys):
    # aanspraak score --as-of DATE, then aanspraak triangle: the library's triangle of the
    # history as known on that date; the warning is one line on stderr.
    members = aanspraak.synthetic.members(3_000, seed=2, years=(2023, 2023))
    decl = aanspraak.synthetic.declarations_for(members, seed=2, years=(2023, 2023))
    decl.write_parquet(tmp_path / "decl.parquet")
    code, _, err = run(capsys, "score", tmp_path / "decl.parquet", "-o", tmp_path / "known.parquet", "--as-of", "2023-12-31")
    assert code == 0
    late = int((decl["processing_date"] > dt.date(2023, 12, 31)).sum())
    assert late > 0 and f"aanspraak: warning: as_of 2023-12-31: {late} lines were not yet booked" in err
    known = pl.read_parquet(tmp_path / "known.parquet")
    want = aanspraak.triangle(known, origin="quarter", development="month")
    code, out, _ = run(capsys, "triangle", tmp_path / "known.parquet", "--origin", "quarter", "--development", "month",
                       "-o", tmp_path / "tri.parquet")
    assert code == 0 and "Cumulative basic_paid, origin x development (lag in months)" in out
    assert pl.read_parquet(tmp_path / "tri.parquet").equals(want.frame)
    assert want.frame["valuation_end"].max() == dt.date(2023, 12, 31)
    code, _, err = run(capsys, "triangle", tmp_path / "known.parquet", "--origin", "month", "--development", "year")
    assert code == 2 and "longer than the origin grain" in err
    code, _, err = run(capsys, "score", tmp_path / "decl.parquet", "-o", tmp_path / "x.parquet", "--as-of", "2023-13-01")
    assert code == 2 and "--as-of" in err
