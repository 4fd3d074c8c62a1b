"""The input on its way to the engine: Arrow types that polars or the Arrow C interface
cannot carry are converted here or refused with :class:`aanspraak.SchemaError` naming the
column (README "Input columns", bad input). Per column, never per row.

* run-end encoded columns are decoded, dictionaries of anything but strings decoded;
* ``decimal32``, ``decimal64`` and ``decimal256`` become ``decimal128`` (refused when a
  value needs more than 38 digits), a negative scale becomes scale 0 (``decimal128(5,
  -2)`` holds hundreds); ``float16`` becomes ``float32``;
* a column of type ``Null`` (every value null, with no type) counts as absent when it is
  optional and is refused when it is required: the Arrow C interface cannot hand it over;
* anything else polars cannot import is refused, naming the column.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from aanspraak import _core

#: Required columns and the types the engine reads for them (from the input schema).
REQUIRED: dict[str, str] = dict(_core.required_columns())


def input_schema() -> pl.DataFrame:
    """The input columns the engine reads, one row each (docs/rules.md#input), from the
    schema the Rust core reads by: ``name``, ``kind`` (how it is read: date, money, enum,
    ...), ``required``, ``default`` (what a null or absent value stands for; null for a
    required column), ``values`` (the accepted spellings of an enum column), the
    ``invalid_messages`` a bad value of it gives (reason ``INVALID_INPUT``), ``expected``
    (the Arrow types it accepts) and a one-line ``description``. Other columns are carried
    through untouched.

    Examples
    --------
    >>> import polars as pl
    >>> import aanspraak
    >>> schema = aanspraak.input_schema()
    >>> schema.filter(pl.col("required"))["name"].to_list()
    ['insured_id', 'birth_date', 'treatment_date', 'code', 'amount']
    >>> bt = schema.row(by_predicate=pl.col("name") == "bt_indication", named=True)
    >>> bt["kind"], bt["values"], bt["invalid_messages"]
    ('enum', ['a', 'b', 'c'], ['bt_indication is not a, b or c'])
    >>> schema.filter(pl.col("name") == "contracted")["default"].item()
    'true'
    """
    rows = _core.input_schema()
    return pl.DataFrame(
        rows,
        schema={
            "name": pl.String,
            "kind": pl.String,
            "required": pl.Boolean,
            "default": pl.String,
            "values": pl.List(pl.String),
            "invalid_messages": pl.List(pl.String),
            "expected": pl.String,
            "description": pl.String,
        },
    )


def _refuse(column: str, found: str, expected: str) -> Exception:
    return _core.SchemaError(f"column `{column}`: found {found}, expected {expected}")


def _plain_column(name: str, col: pa.ChunkedArray) -> pa.ChunkedArray:
    """`col` in a type polars and the engine import (see the module docstring)."""
    while True:
        t = col.type
        if pa.types.is_run_end_encoded(t):
            col = pc.run_end_decode(col)
        elif pa.types.is_dictionary(t) and not (
            pa.types.is_string(t.value_type) or pa.types.is_large_string(t.value_type) or pa.types.is_string_view(t.value_type)
        ):
            col = col.cast(t.value_type)
        elif pa.types.is_decimal32(t) or pa.types.is_decimal64(t):
            col = col.cast(pa.decimal128(t.precision, t.scale))
        elif pa.types.is_float16(t):
            col = col.cast(pa.float32())
        elif pa.types.is_decimal256(t) or (pa.types.is_decimal(t) and t.scale < 0):
            scale = max(t.scale, 0)
            digits = min(t.precision - t.scale + scale, 38)
            try:
                col = col.cast(pa.decimal128(digits, scale))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
                raise _refuse(name, str(t), f"decimals of at most 38 digits ({err})") from None
        else:
            return col


def plain_arrow(table: pa.Table) -> pa.Table:
    """`table` with every column in a type polars and the engine import."""
    for i, name in enumerate(table.column_names):
        col = table.column(i)
        plain = _plain_column(name, col)
        if plain is not col:
            table = table.set_column(i, table.schema.field(i).with_type(plain.type), plain)
    return table


def _absent_nulls(names: list[str], null: list[str]) -> list[str]:
    """The columns of type Null to leave out of the engine's input: all of them, after
    refusing a required one (``amount`` is not required when ``amount_cents`` has values)."""
    for column in null:
        if column == "amount" and "amount_cents" in names and "amount_cents" not in null:
            continue
        if column in REQUIRED or (column == "amount_cents" and "amount" not in names):
            expected = REQUIRED.get(column, REQUIRED["amount"])
            raise _refuse(column, "Null (no value in any row, no type)", expected)
    return null


def engine_frame(df: pl.DataFrame) -> pl.DataFrame:
    """The columns of `df` the engine reads: without its Null-typed ones."""
    null = [c for c, t in df.schema.items() if t == pl.Null]
    return df.drop(_absent_nulls(df.columns, null)) if null else df


def engine_arrow(df: pl.DataFrame) -> pa.Table:
    """`df` as the engine's input: an Arrow table over polars' own buffers, one record
    batch per chunk. Handing the frame over through its Arrow stream would first make
    every column one chunk (polars' ``__arrow_c_stream__`` rechunks in place): a copy
    of the whole input into fresh memory, about 1.4 s and 1.5 GiB at 10M lines the first
    time a frame is scored (README, Performance)."""
    return df.to_arrow(compat_level=pl.CompatLevel.newest())


def engine_table(table: pa.Table) -> pa.Table:
    """`table` in types the engine imports, without its Null-typed columns."""
    table = plain_arrow(table)
    null = [f.name for f in table.schema if pa.types.is_null(f.type)]
    return table.drop_columns(_absent_nulls(table.column_names, null)) if null else table


def from_arrow(table: pa.Table) -> pl.DataFrame:
    """`table` as a polars DataFrame; a column polars cannot import is a SchemaError
    naming it (never a panic)."""
    table = plain_arrow(table)
    try:
        frame = pl.from_arrow(table)
    except (Exception, pl.exceptions.PanicException) as err:
        for i, name in enumerate(table.column_names):
            try:
                pl.from_arrow(table.select([i]))
            except (Exception, pl.exceptions.PanicException) as col_err:
                raise _refuse(name, str(table.schema.field(i).type), f"a type polars can read ({col_err})") from None
        raise _core.SchemaError(f"the table cannot be read: {err}") from None
    assert isinstance(frame, pl.DataFrame)
    return frame


def from_pandas(frame: Any) -> pl.DataFrame:
    """A pandas DataFrame as polars; a column of mixed Python types (an object column
    with numbers and strings) is a SchemaError naming it and the types found."""
    try:
        return pl.from_pandas(frame)
    except (Exception, pl.exceptions.PanicException):
        pass
    for name in frame.columns:
        try:
            pa.Table.from_pandas(frame[[name]], preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError) as err:
            kinds = sorted({type(v).__name__ for v in frame[name].dropna()})
            found = f"a pandas {frame[name].dtype} column mixing {', '.join(kinds)}" if len(kinds) > 1 else f"pandas {frame[name].dtype} ({err})"
            raise _refuse(str(name), found, "one type per column") from None
    return from_arrow(pa.Table.from_pandas(frame, preserve_index=False))


__all__ = ["REQUIRED", "engine_frame", "engine_table", "from_arrow", "from_pandas", "input_schema", "plain_arrow"]
