"""Scoring one partition of a distributed frame: what the Spark and Dask front ends share.

Spark (:mod:`aanspraak.spark`) and Dask (:mod:`aanspraak.dask`) first put every line of an
insured in one partition and give each line a global ``line_id``; then each partition is
an ordinary Arrow table that the engine scores whole, here. Because the engine orders an
insured's lines by (``treatment_date``, ``line_id``) and carries no state between
insureds, a partition gives the same per-line result as scoring all lines at once.

Money stays exact: the engine's Decimal(18, 2) columns pass through as Arrow decimals,
and the totals are summed as Python integers of cents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from aanspraak import _columns, _core, _opening
from aanspraak._input import engine_table
from aanspraak.policy import Policy, resolve
from aanspraak.scenarios import SHARED_COLUMNS, column_name, scenario_columns, scenario_totals
from aanspraak.scoring import OUTPUT_COLUMNS

#: The column that numbers the input lines; the engine orders ties by it.
LINE_ID = "line_id"

#: The column every partitioning is on.
INSURED_ID = "insured_id"


def _plain(table: pa.Table) -> pa.Table:
    """`table` with dictionary (categorical) columns as plain strings: Spark has no
    dictionary type, and a pandas category per partition would not line up."""
    fields = [pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type) else f for f in table.schema]
    return table.cast(pa.schema(fields))


def _input_part(table: pa.Table) -> pa.Table:
    """The input columns a result carries: all but the ones the output replaces."""
    if LINE_ID not in table.column_names:
        raise ValueError(f"a partition must carry {LINE_ID!r}; the front ends add it before partitioning")
    return table.drop_columns([c for c in OUTPUT_COLUMNS if c in table.column_names])


def _balances(engine: pa.Table, opening: "pl.DataFrame | None", columns: "dict[str, str] | None") -> "pa.Table | None":
    """The engine's opening balances of the partition's insureds (docs/rules.md#opening-balances)."""
    if opening is None:
        return None
    ids = pl.from_arrow(engine.column("insured_id"))
    assert isinstance(ids, pl.Series)
    rows = _opening.for_insureds(opening, ids, columns)
    return None if rows is None else _opening.table(rows, ids.dtype, columns)


def score_table(
    table: pa.Table, policy: Policy, columns: "dict[str, str] | None" = None, opening: "pl.DataFrame | None" = None, as_of: "int | None" = None
) -> pa.Table:
    """Score one partition (all lines of its insureds, under the library's column names):
    the input columns, then :data:`aanspraak.OUTPUT_COLUMNS`, categoricals as strings;
    with `columns` (the warehouse names) the messages name the user's columns; `opening`
    the balances (checked on the driver: :func:`aanspraak._opening.user_frame`); `as_of`
    the day the history is known on, in days since 1970-01-01 (docs/rules.md#as-known-on-a-date)."""
    engine = engine_table(table)
    try:
        scored = policy._compiled.score(engine, _balances(engine, opening, columns), as_of)
    except _core.SchemaError as e:
        raise _columns.schema_error(e, columns or {}) from None
    kept, out = _input_part(table), _plain(_columns.user_messages(pa.table(scored), columns or {}))
    return pa.Table.from_arrays([*kept.columns, *out.columns], schema=pa.schema([*kept.schema, *out.schema]))


def empty_table(schema: pa.Schema) -> pa.Table:
    """Zero lines of `schema`, with ``line_id`` (Int64) first when absent, where the
    front ends put it."""
    if LINE_ID not in schema.names:
        schema = schema.insert(0, pa.field(LINE_ID, pa.int64()))
    return schema.empty_table()


def output_schema(input_schema: pa.Schema, policy: "str | Path | Policy", columns: "dict[str, str] | None" = None) -> pa.Schema:
    """The Arrow schema :func:`score_table` gives for input of `input_schema` (plus
    ``line_id`` when absent), found by scoring zero lines on the driver, which also
    checks the input columns before any work is sent out.

    Raises
    ------
    aanspraak.SchemaError
        A required column is missing or has an unusable type.

    Examples
    --------
    >>> import aanspraak
    >>> schema = aanspraak.synthetic.declarations(0).drop("line_id").to_arrow().schema
    >>> out = output_schema(schema, "defriesland-2022")
    >>> out.names[0], str(out.field("basic_paid").type), str(out.field("reason").type)
    ('line_id', 'decimal128(18, 2)', 'string')
    """
    return score_table(empty_table(input_schema), resolve(policy), columns).schema


def compare_table(
    table: pa.Table,
    names: Sequence[str],
    policies: Sequence[Policy],
    columns: Sequence[str],
    columns_map: "dict[str, str] | None" = None,
    opening: "pl.DataFrame | None" = None,
    as_of: "int | None" = None,
) -> pa.Table:
    """Score one partition under every scenario: the wide lines of
    :attr:`aanspraak.Comparison.lines` (input, shared columns, ``<column>__<scenario>``);
    `as_of` as for :func:`score_table`."""
    engine = engine_table(table)
    try:
        prepared = _core.Prepared(engine, policies[0]._compiled, _balances(engine, opening, columns_map), as_of)
        tables, _sums = prepared.compare([p._compiled for p in policies], list(SHARED_COLUMNS), list(columns))
    except _core.SchemaError as e:
        raise _columns.schema_error(e, columns_map or {}) from None
    kept = _input_part(table)
    arrays, fields = list(kept.columns), list(kept.schema)
    for name, out in zip(names, tables):
        out = _plain(_columns.user_messages(pa.table(out), columns_map or {}))
        for field, array in zip(out.schema, out.columns):
            wide = field.name if field.name in SHARED_COLUMNS else column_name(field.name, name)
            arrays.append(array)
            fields.append(field.with_name(wide))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def compare_schema(
    input_schema: pa.Schema, names: Sequence[str], policies: Sequence[Policy], columns: Sequence[str], columns_map: "dict[str, str] | None" = None
) -> pa.Schema:
    """The Arrow schema :func:`compare_table` gives, from zero lines."""
    return compare_table(empty_table(input_schema), names, policies, columns, columns_map).schema


def sums_schema(names: Sequence[str], columns: Sequence[str]) -> pa.Schema:
    """The schema of :func:`partition_sums`: one Int64 column per count and per money sum."""
    money = [column_name(c, n) for n in names for c in _money(columns)]
    return pa.schema([pa.field(f, pa.int64()) for f in ("lines", "insured", *_credited(names, columns), *money)])


def _credited(names: Sequence[str], columns: Sequence[str]) -> list[str]:
    """The per-scenario counts of CREDITED lines (docs/rules.md#credit-lines), when compared."""
    return [column_name("credited_lines", n) for n in names] if "reason" in columns else []


def _money(columns: Sequence[str]) -> list[str]:
    from aanspraak.reports import MONEY

    return [m for m in MONEY[1:] if m in columns]


def partition_sums(table: pa.Table, names: Sequence[str], columns: Sequence[str], insured: str = INSURED_ID) -> pa.Table:
    """One row for one partition of compared lines: its line count, its distinct insured
    (exact across partitions, since an insured's lines share one) and each scenario's
    money sums in cents. Sums are exact: Decimal(38, 2) in polars, then integer cents."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    money = [column_name(c, n) for n in names for c in _money(columns)]
    row = frame.select(
        pl.len().cast(pl.Int64).alias("lines"),
        pl.col(insured).n_unique().cast(pl.Int64).alias("insured"),
        *[(pl.col(column_name("reason", n)) == "CREDITED").sum().cast(pl.Int64).alias(c)
          for n, c in zip(names, _credited(names, columns))],
        *[(pl.col(m).cast(pl.Decimal(38, 2)).sum() * 100).cast(pl.Int64).alias(m) for m in money],
    )
    return row.to_arrow().cast(sums_schema(names, columns))


def totals(sums: pl.DataFrame, names: Sequence[str], policies: Sequence[Policy], columns: Sequence[str]) -> pl.DataFrame:
    """:attr:`aanspraak.Comparison.totals` from the rows of :func:`partition_sums`."""
    add = {c: sum(int(v) for v in sums[c].to_list()) for c in sums.columns}
    cents = [{c: add[column_name(c, n)] for c in _money(columns)} for n in names]
    credited = [add[c] for c in _credited(names, columns)] or None
    return scenario_totals(names, policies, columns, cents, add["lines"], add["insured"], credited)


@dataclass(frozen=True)
class EngineComparison:
    """What the engines' ``compare`` returns: lazy wide lines, and the scenario totals
    on demand. The engine's subclass says how to sum its partitions and select columns.

    Attributes
    ----------
    scenarios, policies, columns
        As in :class:`aanspraak.Comparison`.
    lines
        The engine's lazy frame of the wide lines of :attr:`aanspraak.Comparison.lines`
        (categoricals as strings), partitioned by ``insured_id``.
    """

    scenarios: tuple[str, ...]
    policies: tuple[Policy, ...]
    columns: tuple[str, ...]
    lines: Any
    #: The warehouse column names ``lines`` carries (library name → yours).
    columns_map: dict[str, str] = field(default_factory=dict)

    @property
    def insured_column(self) -> str:
        """The name of ``insured_id`` in :attr:`lines`."""
        return self.columns_map.get(INSURED_ID, INSURED_ID)

    def totals(self) -> pl.DataFrame:
        """:attr:`aanspraak.Comparison.totals`, exact to the cent: each partition sums its
        lines in integer cents (:func:`partition_sums`) and the driver adds the partition
        rows. Computes :attr:`lines` (``cache()`` / ``persist()`` them first if you also
        write them)."""
        return totals(self._partition_sums(), self.scenarios, self.policies, self.columns)

    def scenario(self, name: str) -> Any:
        """The lines of one scenario under the plain names of ``score``."""
        base, own = scenario_columns(list(self.lines.columns), self.scenarios, self.columns, name)
        return self._select(base, own)

    def _partition_sums(self) -> pl.DataFrame:
        """The rows of :func:`partition_sums`, one per partition of :attr:`lines`."""
        raise NotImplementedError

    def _select(self, base: list[str], own: dict[str, str]) -> Any:
        """:attr:`lines` with the `base` columns, then `own` (wide name → plain name)."""
        raise NotImplementedError


__all__ = [
    "EngineComparison",
    "INSURED_ID",
    "LINE_ID",
    "compare_schema",
    "compare_table",
    "empty_table",
    "output_schema",
    "partition_sums",
    "score_table",
    "sums_schema",
    "totals",
]
