"""The engine's cache of freed buffers (rust/aanspraak-core/src/alloc.rs): reusing memory
across calls must never change a result, and release_memory gives it back."""

import os
import subprocess
import sys

import polars as pl

import aanspraak
from aanspraak import _core


def _decl(n: int, seed: int) -> pl.DataFrame:
    return aanspraak.synthetic.declarations(n, seed=seed, hospital_share=0.2, supplementary_share=0.6)


def test_reused_buffers_give_the_same_result():
    a, b = _decl(200_000, 1), _decl(300_000, 2)
    first_b = aanspraak.score(b)
    assert _core.cached_memory() > 0, "the freed buffers of a 300k-line score are cached"
    for df in (a, b, a):  # buffers of another call, and of a call of another size, reused
        again = aanspraak.score(df)
    assert again.equals(aanspraak.score(a))
    assert aanspraak.score(b).equals(first_b)


def test_release_memory_empties_the_cache_and_changes_nothing():
    b = _decl(300_000, 3)
    before = aanspraak.score(b)
    released = aanspraak.release_memory()
    assert released > 0
    assert _core.cached_memory() == 0
    assert aanspraak.score(b).equals(before)


def test_without_the_cache_the_amounts_are_the_same(tmp_path):
    b = _decl(100_000, 4)
    b.write_parquet(tmp_path / "in.parquet")
    code = (
        "import polars as pl, aanspraak, sys\n"
        "out = aanspraak.score(pl.read_parquet(sys.argv[1]))\n"
        "assert aanspraak._core.cached_memory() == 0\n"
        "out.write_parquet(sys.argv[2])\n"
    )
    env = {**os.environ, "AANSPRAAK_CACHE_MB": "0"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "in.parquet"), str(tmp_path / "out.parquet")], env=env, check=True)
    assert _norm(pl.read_parquet(tmp_path / "out.parquet")).equals(_norm(aanspraak.score(b)))


def _norm(df: pl.DataFrame) -> pl.DataFrame:
    """Every output column, categories as text (their dictionaries may differ)."""
    return df.select("line_id", *aanspraak.OUTPUT_COLUMNS).with_columns(pl.col(pl.Categorical).cast(pl.String))
