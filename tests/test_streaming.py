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


def test_a_failed_bucket_leaves_no_part_files(tmp_path, monkeypatch):
    import aanspraak.streaming as streaming

    aanspraak.synthetic.declarations(3_000, seed=2).write_parquet(tmp_path / "in.parquet")
    calls = []

    real = streaming.score_counted

    def failing(decl, policy, **options):
        calls.append(decl.height)
        if len(calls) == 3:  # the column check on no lines, bucket 0, then bucket 1
            raise RuntimeError("bucket on fire")
        return real(decl, policy, **options)

    monkeypatch.setattr(streaming, "score_counted", failing)
    with pytest.raises(RuntimeError, match="bucket on fire"):
        aanspraak.score_parquet(tmp_path / "in.parquet", tmp_path / "out", buckets=3, progress=False)
    assert calls[0] == 0 and calls[1] > 0
    assert list((tmp_path / "out").iterdir()) == [], "part files and staging removed"
    # ... so the same call can run again.
    monkeypatch.undo()
    assert aanspraak.score_parquet(tmp_path / "in.parquet", tmp_path / "out", buckets=3, progress=False)["lines"].sum() == 3_000


def test_a_missing_column_fails_before_the_first_pass(tmp_path):
    aanspraak.synthetic.declarations(100, seed=1).drop("code").write_parquet(tmp_path / "in.parquet")
    with pytest.raises(aanspraak.SchemaError, match="code"):
        aanspraak.score_parquet(tmp_path / "in.parquet", tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_more_buckets_than_open_writers(tmp_path, monkeypatch):
    # polars closes and reopens bucket writers (several staging files per bucket) when
    # there are more buckets than POLARS_MAX_OPEN_SINKS (128 by default).
    monkeypatch.setenv("POLARS_MAX_OPEN_SINKS", "2")
    decl = aanspraak.synthetic.declarations(6_000, seed=5, hospital_share=0.3).drop("line_id")
    decl.write_parquet(tmp_path / "in.parquet")
    summary = aanspraak.score_parquet(tmp_path / "in.parquet", tmp_path / "out", buckets=6, progress=False)
    assert summary.height == 6 and summary["lines"].sum() == 6_000
    got = pl.read_parquet(tmp_path / "out" / "part-*.parquet").sort("line_id")
    want = aanspraak.score(decl)
    for c in COMPARED:
        assert got[c].cast(pl.String).equals(want[c].cast(pl.String)), c
    assert all(pl.read_parquet(f)["line_id"].is_sorted() for f in summary["file"])


def test_pass_one_buffers_about_a_million_lines():
    from aanspraak.streaming import STAGING_BUFFER_LINES, _staging_row_group

    for buckets in (1, 3, 100, 128, 1_000):
        rows = _staging_row_group(buckets)
        assert 1_024 <= rows <= 1 << 17
        assert rows * min(buckets, 128) <= STAGING_BUFFER_LINES
    assert _staging_row_group(100) == STAGING_BUFFER_LINES // 100


def test_a_lazyframe_is_collected_once_with_the_streaming_engine(monkeypatch):
    decl = aanspraak.synthetic.declarations(5_000, seed=11, hospital_share=0.2, supplementary_share=0.5)
    calls: list[object] = []
    collect = pl.LazyFrame.collect

    def spy(self, *args, **kwargs):
        calls.append(kwargs.get("engine"))
        return collect(self, *args, **kwargs)

    monkeypatch.setattr(pl.LazyFrame, "collect", spy)
    lazy = decl.lazy().filter(pl.col("amount") > 0)
    out = aanspraak.score(lazy)
    assert calls == ["streaming"]
    monkeypatch.undo()
    assert out.equals(aanspraak.score(decl.filter(pl.col("amount") > 0)))
