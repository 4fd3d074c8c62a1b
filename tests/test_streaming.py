"""score_parquet: a parquet dataset scored bucket by bucket gives what one score gives."""

from __future__ import annotations

import polars as pl
import pytest

import aanspraak

COMPARED = ["reason", "legal_basis", "allowed", "eigen_bijdrage", "eigen_risico", "basic_paid",
            "supplementary_paid", "patient_paid", "supplementary_reason"]


def test_buckets_of_insureds_score_as_the_whole(tmp_path):
    decl = aanspraak.synthetic.declarations(30_000, seed=8, supplementary_share=0.6, hospital_share=0.2).drop("line_id")
    # Three files; an insured's lines are spread over them.
    for i in range(3):
        decl.slice(i * 10_000, 10_000).write_parquet(tmp_path / f"in-{i}.parquet")
    summary = aanspraak.score_parquet(str(tmp_path / "in-*.parquet"), tmp_path / "out", buckets=5, progress=False)
    assert summary["lines"].sum() == 30_000 and summary.height == 5
    assert summary["insured"].sum() == decl["insured_id"].n_unique(), "each insured in one bucket"
    got = pl.read_parquet(tmp_path / "out" / "part-*.parquet").sort("line_id")
    want = aanspraak.score(decl)  # line_id = row number of the concatenated files
    assert got["line_id"].to_list() == want["line_id"].to_list()
    for c in COMPARED:
        assert got[c].cast(pl.String).equals(want[c].cast(pl.String)), c
    assert got["eigen_risico"].sum() > 0 and got["supplementary_paid"].sum() > 0
    # Within a file the lines keep the input order.
    first = pl.read_parquet(summary["file"][0])
    assert first["line_id"].is_sorted()


def test_an_existing_output_is_refused(tmp_path):
    aanspraak.synthetic.declarations(100, seed=1).write_parquet(tmp_path / "in.parquet")
    aanspraak.score_parquet(tmp_path / "in.parquet", tmp_path / "out", progress=False)
    with pytest.raises(ValueError, match="already has part"):
        aanspraak.score_parquet(tmp_path / "in.parquet", tmp_path / "out", progress=False)
    with pytest.raises(aanspraak.SchemaError, match="insured_id"):
        pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "bad.parquet")
        aanspraak.score_parquet(tmp_path / "bad.parquet", tmp_path / "out2", progress=False)
