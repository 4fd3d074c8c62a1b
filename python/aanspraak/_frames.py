"""The frames around the engine, shared by score, compare and the streaming and cluster
front ends: what `score` accepts turned into polars, lines numbered, the input part of a
result, the names of the output and money columns, and how a result is written as
parquet."""

from __future__ import annotations

import os
from typing import Any, TypeVar

import polars as pl

from aanspraak import _core
from aanspraak._input import from_arrow, from_pandas

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

#: Columns `score` adds to the input, in order.
OUTPUT_COLUMNS: tuple[str, ...] = tuple(_core.output_columns())


#: zstd level of the result files the library writes (``score_parquet``'s parts, the CLI's
#: parquet output). Level 1 writes a scored bucket of 2M lines in 0.52 s against 0.61 s at
#: polars' default level, and the file is no larger (40 against 41 MiB; README,
#: "Issue 18, fifth step").
RESULT_ZSTD_LEVEL = 1


def write_result_parquet(df: pl.DataFrame, path: "str | os.PathLike[str]") -> None:
    """Write a result frame as parquet, zstd at :data:`RESULT_ZSTD_LEVEL`.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.parquet"
    >>> write_result_parquet(pl.DataFrame({"a": [1, 2]}), path)
    >>> pl.read_parquet(path)["a"].to_list()
    [1, 2]
    """
    df.write_parquet(path, compression="zstd", compression_level=RESULT_ZSTD_LEVEL)


#: The money totals, in order. ``declared`` is basic_paid + supplementary_paid +
#: patient_paid, which is the declared amount to the cent (money is conserved per line).
MONEY: tuple[str, ...] = (
    "declared",
    "allowed",
    "eigen_bijdrage",
    "eigen_risico",
    "basic_paid",
    "supplementary_paid",
    "patient_paid",
)


def to_polars(declarations: Any) -> pl.DataFrame:
    """Accept polars (eager or lazy), pyarrow (Table, RecordBatch, reader), pandas, or any
    object speaking the Arrow PyCapsule stream interface. Columns polars cannot import are
    converted or refused naming the column (`aanspraak._input`)."""
    if isinstance(declarations, pl.DataFrame):
        return declarations
    if isinstance(declarations, pl.LazyFrame):
        return declarations.collect(engine="streaming")
    mod = type(declarations).__module__.split(".")[0]
    if mod == "pandas":
        return from_pandas(declarations)
    if mod == "pyarrow":
        import pyarrow as pa

        if isinstance(declarations, pa.RecordBatchReader):
            declarations = declarations.read_all()
        if isinstance(declarations, pa.RecordBatch):
            declarations = pa.Table.from_batches([declarations])
        if isinstance(declarations, pa.Table):
            return from_arrow(declarations)
        return pl.from_arrow(declarations)  # type: ignore[return-value]
    if hasattr(declarations, "__arrow_c_stream__"):
        return pl.DataFrame(declarations)
    raise TypeError(
        "declarations must be a polars DataFrame/LazyFrame, a pyarrow Table or RecordBatchReader, "
        f"a pandas DataFrame, or an Arrow stream; got {type(declarations).__name__}"
    )


def with_line_id(frame: "FrameT") -> "FrameT":
    """`frame` with ``line_id`` = the row number (Int64) when it has none, as the engine
    numbers the lines."""
    if "line_id" in frame.collect_schema().names():
        return frame
    return frame.with_row_index("line_id").with_columns(pl.col("line_id").cast(pl.Int64))


def input_part(df: pl.DataFrame) -> pl.DataFrame:
    """The input columns of the result: with ``line_id``, without columns the output replaces."""
    df = with_line_id(df)
    return df.drop([c for c in OUTPUT_COLUMNS if c in df.columns])
