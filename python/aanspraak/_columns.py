"""Warehouse column names (docs/rules.md#warehouse-column-names): ``columns={"insured_id":
"verzekerde_nr", ...}`` maps the library's input column names (the keys, the names of
:func:`aanspraak.input_schema`) to the names in the user's data (the values). The input is
renamed to the library's names on the way in and back on the way out: a polars (or Spark,
Dask) rename of the columns, no copy of the data and no loop over rows. Errors and the
``message`` of invalid rows name the user's column, with the library's in brackets:
``column 'verzekerde_nr' (insured_id)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import polars as pl

from aanspraak import _core

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

#: A column map: library name → the user's name.
ColumnMap = Mapping[str, str]


def checked(columns: "ColumnMap | None") -> dict[str, str]:
    """`columns` as a dict, checked: keys are input columns of :func:`aanspraak.input_schema`,
    values distinct non-empty strings that name no output column. ValueError names what is wrong."""
    if not columns:
        return {}
    if not isinstance(columns, Mapping):
        raise ValueError(f"columns must map the library's column names to yours, e.g. {{'insured_id': 'verzekerde_nr'}}; got {type(columns).__name__}")
    from aanspraak._frames import OUTPUT_COLUMNS
    from aanspraak._input import input_schema

    known = input_schema()["name"].to_list()
    out: dict[str, str] = {}
    for key, value in columns.items():
        if key not in known:
            raise ValueError(f"columns: {key!r} is not an input column of the library (aanspraak.input_schema(): {', '.join(known)})")
        if not isinstance(value, str) or not value:
            raise ValueError(f"columns: {key!r} must map to a column name (a non-empty string), got {value!r}")
        if value in OUTPUT_COLUMNS:
            raise ValueError(f"columns: {key!r} maps to {value!r}, an output column of the library; rename it first")
        out[key] = value
    seen: dict[str, str] = {}
    for key, value in out.items():
        if value in seen:
            raise ValueError(f"columns: {seen[value]!r} and {key!r} both map to {value!r}")
        seen[value] = key
    return out


def label(columns: Mapping[str, str], name: str) -> str:
    """How messages name the library's column `name`: ``'verzekerde_nr' (insured_id)`` when
    it is mapped, else ``name``."""
    return f"'{columns[name]}' ({name})" if name in columns else name


def check_present(names: Sequence[str], columns: Mapping[str, str]) -> None:
    """SchemaError when a mapped column is missing from `names` (the input's columns), or
    when the input also has a column under the library's name of a mapped one."""
    for key, value in columns.items():
        if value not in names and value != key:
            raise _core.SchemaError(f"column {label(columns, key)}: no such column in the input (columns= maps {key} to {value!r})")
        if key in names and value != key:
            raise _core.SchemaError(
                f"column {label(columns, key)}: the input also has a column named {key!r}; drop it, or leave {key} out of columns="
            )


def to_library(frame: "FrameT", columns: Mapping[str, str]) -> "FrameT":
    """`frame` with the user's names renamed to the library's (checked first)."""
    if not columns:
        return frame
    check_present(frame.collect_schema().names(), columns)
    return frame.rename({v: k for k, v in columns.items() if v != k})


def to_user(frame: "FrameT", columns: Mapping[str, str]) -> "FrameT":
    """`frame` with the library's names of mapped columns renamed back to the user's."""
    if not columns:
        return frame
    names = frame.collect_schema().names()
    return frame.rename({k: v for k, v in columns.items() if k in names and v != k})


def user_names(names: Sequence[str], columns: Mapping[str, str]) -> list[str]:
    """`names` (library names) as the user's."""
    return [columns.get(n, n) for n in names]


def library_names(names: Sequence[str], columns: Mapping[str, str]) -> list[str]:
    """`names` (the user's names) as the library's."""
    inverse = {v: k for k, v in columns.items()}
    return [inverse.get(n, n) for n in names]


def _rename_words(text: str, columns: Mapping[str, str]) -> str:
    pattern = re.compile(r"(?<![\w`'])(" + "|".join(re.escape(k) for k in sorted(columns, key=len, reverse=True)) + r")(?![\w`'])")
    return pattern.sub(lambda m: label(columns, m.group(1)), text)


def schema_error(err: Exception, columns: Mapping[str, str]) -> Exception:
    """A SchemaError about a library column, reworded to name the user's column."""
    if not columns:
        return err
    msg = re.sub(r"column `(\w+)`", lambda m: f"column {label(columns, m.group(1))}", str(err))
    return type(err)(msg)


def user_messages(table: Any, columns: Mapping[str, str]) -> Any:
    """A pyarrow table whose dictionary column ``message`` names the user's columns: only
    the dictionary (one value per message text) is rewritten, not the rows."""
    if not columns or "message" not in table.column_names:
        return table
    import pyarrow as pa

    i = table.column_names.index("message")
    col = table.column(i)
    if not pa.types.is_dictionary(col.type):
        return table
    chunks = []
    for chunk in col.chunks:
        values = pa.array([None if v is None else _rename_words(v, columns) for v in chunk.dictionary.to_pylist()], type=chunk.dictionary.type)
        chunks.append(pa.DictionaryArray.from_arrays(chunk.indices, values))
    return table.set_column(i, table.schema.field(i), pa.chunked_array(chunks, type=col.type))


__all__ = ["ColumnMap", "check_present", "checked", "label", "library_names", "schema_error", "to_library", "to_user", "user_messages", "user_names"]
