"""Issue 7, without an engine: a partition by insured scores as the whole portfolio does,
and policies travel to executors and workers by pickle."""

from __future__ import annotations

import pickle

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings, strategies as st

import aanspraak
from aanspraak import partitions
from engines import assert_same_lines, portfolio

LINES = portfolio(30_000).with_row_index("line_id").with_columns(pl.col("line_id").cast(pl.Int64))
SCORED = aanspraak.score(LINES)


@settings(max_examples=15, deadline=None)
@given(k=st.integers(1, 9), salt=st.integers(0, 2**32 - 1), reverse=st.booleans())
def test_scoring_insured_partitions_apart_gives_the_same_lines(k, salt, reverse):
    # any split that keeps an insured's lines together, in any partition order and with
    # the lines of a partition in any order
    bucket = (pl.col("insured_id").hash(salt) % k).alias("bucket")
    pieces = LINES.with_columns(bucket).partition_by("bucket", include_key=False)
    tables = [partitions.score_table((p.reverse() if reverse else p).to_arrow(), aanspraak.Policy.load("defriesland-2022")) for p in pieces]
    got = pl.from_arrow(pa.concat_tables(tables))
    assert_same_lines(got, SCORED)


def test_a_partition_without_line_ids_is_refused():
    with pytest.raises(ValueError, match="line_id"):
        partitions.score_table(LINES.drop("line_id").head(10).to_arrow(), aanspraak.Policy.load("defriesland-2022"))


def test_partition_sums_add_up_to_the_compare_totals():
    base = aanspraak.Policy.load("defriesland-2022")
    names, policies, cols = aanspraak.scenarios.checked({"base": base, "er0": base.with_eigen_risico(0)}, aanspraak.scenarios.SCENARIO_COLUMNS)
    bucket = (pl.col("insured_id").hash(7) % 4).alias("bucket")
    pieces = LINES.with_columns(bucket).partition_by("bucket", include_key=False)
    sums = [partitions.partition_sums(partitions.compare_table(p.to_arrow(), names, policies, cols), names, cols) for p in pieces]
    got = partitions.totals(pl.from_arrow(pa.concat_tables(sums)), names, policies, cols)
    want = aanspraak.compare(LINES, {"base": base, "er0": base.with_eigen_risico(0)}).totals
    assert got.equals(want)
    assert got["insured"][0] == LINES["insured_id"].n_unique()


@pytest.mark.parametrize(
    "make",
    [
        lambda: aanspraak.Policy.load("defriesland-2022"),
        lambda: aanspraak.Policy.load("vgz-2021").with_eigen_risico(0),
        lambda: aanspraak.Policy.load("defriesland-2022").with_supplementary("av-tand-extra", annual_max_eur=100),
        lambda: aanspraak.Policy.load("defriesland-2022").without_code("M80"),
    ],
    ids=["bundled", "derived", "supplementary-cap", "without-code"],
)
def test_a_pickled_policy_scores_as_the_original(make):
    policy = make()
    again = pickle.loads(pickle.dumps(policy))
    assert again.origin == policy.origin and again.toml_text == policy.toml_text
    assert_same_lines(aanspraak.score(LINES, policy=again), aanspraak.score(LINES, policy=policy))


def test_a_bundled_policy_pickles_as_its_key_and_unpickles_once():
    policy = aanspraak.Policy.load("defriesland-2022")
    data = pickle.dumps(policy)
    assert len(data) < 200
    assert pickle.loads(data) is pickle.loads(data)  # compiled once per process


def test_a_policy_with_its_own_code_table_and_lists_travels_with_them(tmp_path):
    table = aanspraak.CodeTable.bundled()
    path = tmp_path / "codes.csv"
    path.write_text("\n".join(line for line in table.csv_text.splitlines() if not line.startswith("C11,")) + "\n")
    _auth, pok = aanspraak._core.bundled_msz_lists()
    pok_path = tmp_path / "pok.csv"
    pok_path.write_text(pok.splitlines()[0] + "\n")
    policy = aanspraak.Policy.load("defriesland-2022").with_code_table(aanspraak.CodeTable.from_csv(path)).with_msz_lists(pok_list=pok_path)
    data = pickle.dumps(policy)
    path.unlink(), pok_path.unlink()  # an executor has no such files
    again = pickle.loads(data)
    assert_same_lines(aanspraak.score(LINES, policy=again), aanspraak.score(LINES, policy=policy))
    assert (aanspraak.score(LINES, policy=again)["reason"] == "UNKNOWN_CODE").sum() > 0


def test_a_policy_file_naming_a_code_table_travels_with_the_table(tmp_path):
    table = aanspraak.CodeTable.bundled()
    (tmp_path / "codes.csv").write_text("\n".join(line for line in table.csv_text.splitlines() if not line.startswith("C11,")) + "\n")
    text = aanspraak._core.bundled_policy_toml("defriesland-2022")
    (tmp_path / "mine.toml").write_text('code_table = "codes.csv"\n' + text)
    policy = aanspraak.Policy.load(tmp_path / "mine.toml")
    data = pickle.dumps(policy)
    (tmp_path / "codes.csv").unlink()
    again = pickle.loads(data)
    assert_same_lines(aanspraak.score(LINES, policy=again), aanspraak.score(LINES, policy=policy))
    assert (aanspraak.score(LINES, policy=again)["reason"] == "UNKNOWN_CODE").sum() > 0


def test_the_output_schema_is_checked_on_the_driver():
    schema = LINES.drop("code").to_arrow().schema
    with pytest.raises(aanspraak.SchemaError, match="code"):
        partitions.output_schema(schema, "defriesland-2022")
