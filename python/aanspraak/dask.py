"""Score declarations inside Dask: shuffle on ``insured_id``, then score each partition
whole (``pip install aanspraak[dask]``). Works with the threaded scheduler and on a
``dask.distributed`` cluster.

Usage::

    import dask.dataframe as dd, aanspraak.dask
    scored = aanspraak.dask.score(dd.read_parquet("declarations/"), policy="defriesland-2022")
    scored.to_parquet("scored/")

What happens:

1. ``line_id`` is added when absent: the row number of the input in partition order,
   exactly as :func:`aanspraak.score` numbers rows (the partition lengths are computed
   first, one small pass over the input).
2. The policy is checked and ``meta`` found by scoring zero lines, so a bad column
   fails here, before the graph runs.
3. ``shuffle(on="insured_id")`` puts all lines of an insured in one partition.
4. ``map_partitions`` scores each partition whole. The policy is one node of the graph
   (a ``dask.delayed`` value), so a distributed cluster sends it to each worker once; a
   worker compiles it once.

The result is a Dask DataFrame with the input columns, ``line_id`` and the columns of
:data:`aanspraak.OUTPUT_COLUMNS`. The output columns are Arrow-backed
(``pandas.ArrowDtype``): Decimal(18, 2) money, nullable integers and booleans exactly as
:func:`aanspraak.score` returns them, categoricals as strings. Its partitions are the
insured partitions of step 3; within a partition lines keep their input order.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import polars as pl
import pyarrow as pa

from aanspraak import _booking, _columns, _opening, partitions as parts
from aanspraak.policy import Policy, resolve
from aanspraak.scenarios import SCENARIO_COLUMNS, checked

try:
    import dask
    import dask.dataframe as dd
except ImportError as err:  # pragma: no cover - depends on the install
    raise ImportError("aanspraak.dask needs dask: pip install 'aanspraak[dask]'") from err


def score(
    ddf: dd.DataFrame,
    policy: "str | Path | Policy" = "defriesland-2022",
    *,
    npartitions: int | None = None,
    columns: "dict[str, str] | None" = None,
    opening: Any = None,
    as_of: Any = None,
) -> dd.DataFrame:
    """Score a Dask DataFrame of declaration lines; the result is a Dask DataFrame.

    Parameters
    ----------
    ddf
        One row per declaration line, with the columns of :func:`aanspraak.score`.
    policy
        A bundled policy set key, a TOML path (read here) or a :class:`aanspraak.Policy`.
    npartitions
        Number of insured partitions; default the input's.
    columns
        The warehouse's column names, as for :func:`aanspraak.score` (library name →
        yours): a ``rename`` of the columns on the way in and out.
    opening
        Balances used before the input, as for :func:`aanspraak.score`
        (docs/rules.md#opening-balances): checked here, and each partition gets the rows
        of its own insureds. Balances above their pot are capped as in ``score``; the
        workers' OpeningWarning does not reach the driver.
    as_of
        Score as known on this date, as for :func:`aanspraak.score`
        (docs/rules.md#as-known-on-a-date); the workers' NotYetBookedWarning does not
        reach the driver: count ``reason == "NOT_YET_BOOKED"`` in the result.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy: the input columns (with ``line_id``), then the output columns, partitioned
        by ``insured_id``.

    Raises
    ------
    aanspraak.SchemaError
        A required column is missing or has an unusable type (raised here).
    """
    pol = resolve(policy)
    mapped = _columns.checked(columns)
    numbered = _with_line_id(_to_library(ddf, mapped))
    schema = parts.output_schema(_arrow_schema(numbered._meta), pol, mapped)
    balances = _opening_of(numbered, opening, mapped)
    return _to_user(_map(numbered, npartitions, _score_part, (pol, mapped, balances, _booking.day(as_of)), schema), mapped)


def _opening_of(numbered: dd.DataFrame, opening: Any, mapped: dict[str, str]) -> "pl.DataFrame | None":
    """The opening balances, checked on the driver against the lines' insured_id type."""
    if opening is None:
        return None
    ids = _arrow_schema(numbered._meta).field("insured_id").type
    return _opening.user_frame(opening, pl.from_arrow(pa.array([], ids)).dtype, mapped)


class DaskComparison(parts.EngineComparison):
    """The result of :func:`compare`: ``lines`` is a Dask DataFrame; ``totals()``
    computes it (see :class:`aanspraak.partitions.EngineComparison`)."""

    def _partition_sums(self) -> pl.DataFrame:
        names, cols = self.scenarios, self.columns
        meta = parts.sums_schema(names, cols).empty_table().to_pandas(types_mapper=pd.ArrowDtype)
        sums = self.lines.map_partitions(_sums, (names, cols, self.insured_column), meta=meta, align_dataframes=False)
        return pl.from_pandas(sums.compute())

    def _select(self, base: list[str], own: dict[str, str]) -> dd.DataFrame:
        return self.lines[base + list(own)].rename(columns=own)


def compare(
    ddf: dd.DataFrame,
    scenarios: Mapping[str, "str | Path | Policy"],
    *,
    columns: Sequence[str] = SCENARIO_COLUMNS,
    npartitions: int | None = None,
    columns_map: "dict[str, str] | None" = None,
    opening: Any = None,
    as_of: Any = None,
) -> DaskComparison:
    """:func:`aanspraak.compare` on a Dask DataFrame: every partition is read once and
    scored under each scenario; see :func:`score` for the partitioning. ``columns_map``:
    the warehouse's column names, as ``columns=`` of :func:`score`; ``opening``: the
    balances used before the input, and ``as_of`` the date the history is known on, as
    for :func:`score`."""
    names, policies, cols = checked(scenarios, columns)
    mapped = _columns.checked(columns_map)
    numbered = _with_line_id(_to_library(ddf, mapped))
    schema = parts.compare_schema(_arrow_schema(numbered._meta), names, policies, cols, mapped)
    balances = _opening_of(numbered, opening, mapped)
    lines = _map(numbered, npartitions, _compare_part, (tuple(names), tuple(policies), tuple(cols), mapped, balances, _booking.day(as_of)), schema)
    return DaskComparison(tuple(names), tuple(policies), tuple(cols), _to_user(lines, mapped), mapped)


# -- what runs on the workers --------------------------------------------------------------


def _score_part(table: pa.Table, work: tuple[Any, ...]) -> pa.Table:
    policy, mapped, opening, as_of = work
    return parts.score_table(table, policy, mapped, opening, as_of)


def _compare_part(table: pa.Table, work: tuple[Any, ...]) -> pa.Table:
    names, policies, cols, mapped, opening, as_of = work
    return parts.compare_table(table, names, policies, cols, mapped, opening, as_of)


def _to_library(ddf: dd.DataFrame, mapped: dict[str, str]) -> dd.DataFrame:
    """`ddf` with the warehouse's names renamed to the library's (checked first)."""
    if not mapped:
        return ddf
    _columns.check_present(list(ddf.columns), mapped)
    return ddf.rename(columns={v: k for k, v in mapped.items() if v != k})


def _to_user(ddf: dd.DataFrame, mapped: dict[str, str]) -> dd.DataFrame:
    """`ddf` with the library's names of mapped columns renamed back to the warehouse's."""
    return ddf.rename(columns={k: v for k, v in mapped.items() if v != k}) if mapped else ddf


@dataclass(frozen=True)
class _Job:
    """What runs on each partition: Arrow in, `work`, pandas out.

    The partition goes to the engine as `arrow_in`, the schema checked on the client
    (whatever dtypes the shuffle delivered). The input columns come back as they came,
    with the same index, except that a column whose meta dtype is a ``pandas.ArrowDtype``
    comes back as that dtype (Dask's P2P shuffle delivers Arrow decimals as Python
    objects); the output columns are ``pandas.ArrowDtype`` of `arrow_out`."""

    work: Callable[[pa.Table, Any], pa.Table]
    arrow_in: pa.Schema
    arrow_out: pa.Schema
    dtypes: Mapping[str, Any]

    def __call__(self, part: pd.DataFrame, arg: Any) -> pd.DataFrame:
        table = pa.Table.from_pandas(part, schema=self.arrow_in, preserve_index=False)
        out = self.work(table, arg).cast(self.arrow_out) if len(part) else self.arrow_out.empty_table()
        new = [f.name for f in self.arrow_out if f.name not in part.columns or f.name in parts.OUTPUT_COLUMNS]
        frame = out.select(new).to_pandas(types_mapper=pd.ArrowDtype)
        frame.index = part.index
        kept = part[[n for n in self.arrow_out.names if n not in new]]
        drifted = [c for c in kept.columns if isinstance(self.dtypes.get(c), pd.ArrowDtype) and kept[c].dtype != self.dtypes[c]]
        if drifted:
            typed = table.select(drifted).to_pandas(types_mapper=pd.ArrowDtype)
            typed.index = part.index
            kept = kept.assign(**{c: typed[c] for c in drifted})
        return pd.concat([kept, frame], axis=1)[self.arrow_out.names]


def _sums(part: pd.DataFrame, names_cols: tuple[Sequence[str], Sequence[str], str]) -> pd.DataFrame:
    """One row of :func:`aanspraak.partitions.partition_sums` for one partition of lines."""
    table = parts.partition_sums(pa.Table.from_pandas(part, preserve_index=False), *names_cols)
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _map(numbered: dd.DataFrame, npartitions: int | None, work: Callable[[pa.Table, Any], pa.Table], arg: Any, arrow_out: pa.Schema) -> dd.DataFrame:
    """`numbered` shuffled on ``insured_id``, then `work(partition, arg)` on each
    partition; `arg` becomes one node of the graph (sent to each worker once)."""
    job = _Job(work, _arrow_schema(numbered._meta), arrow_out, dict(numbered._meta.dtypes))
    shuffled = numbered.shuffle(on=parts.INSURED_ID, npartitions=npartitions)
    return shuffled.map_partitions(job, dask.delayed(arg, pure=True), meta=job(numbered._meta.iloc[:0], None), align_dataframes=False)


def _arrow_schema(meta: pd.DataFrame) -> pa.Schema:
    """The Arrow schema of a partition of `meta` as :class:`_Job` hands it to the engine."""
    return pa.Table.from_pandas(meta.iloc[:0], preserve_index=False).schema


def _number(part: pd.DataFrame, offsets: Sequence[int], partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
    """`part` with ``line_id`` first: its partition's offset plus the row within it (Dask
    passes `partition_info`)."""
    start = offsets[partition_info["number"]] if partition_info else 0
    ids = pd.Series(range(start, start + len(part)), index=part.index, dtype="int64")
    return pd.concat([ids.rename(parts.LINE_ID), part], axis=1)


def _with_line_id(ddf: dd.DataFrame) -> dd.DataFrame:
    """`ddf` with ``line_id`` = its row number (int64) first, as :func:`aanspraak.score`
    adds it: one pass counts the lines per partition."""
    if parts.LINE_ID in ddf.columns:
        return ddf
    lengths = ddf.map_partitions(len).compute().tolist()
    offsets = [0, *itertools.accumulate(lengths)][:-1]
    meta = _number(ddf._meta, [0])
    # one node of the graph, not a copy of the list in every task
    return ddf.map_partitions(_number, dask.delayed(offsets, pure=True), meta=meta, align_dataframes=False)


__all__ = ["DaskComparison", "compare", "score"]
