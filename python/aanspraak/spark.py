"""Score declarations inside Spark: every insured's lines in one partition, each partition
scored whole in Arrow (``pip install aanspraak[spark]``).

Usage (``spark`` a SparkSession)::

    import aanspraak.spark
    scored = aanspraak.spark.score(spark.read.parquet("declarations/"), policy="defriesland-2022")
    scored.write.parquet("scored/")

What happens:

1. ``line_id`` is added when absent: the row number of the input in its current
   partition order, exactly as :func:`aanspraak.score` numbers rows (one small job
   counts the lines per partition). The input must then read the same rows in the same
   order each time it is evaluated, as files do.
2. The policy is checked and the output schema found by scoring zero lines on the
   driver, so a bad column fails before any task starts.
3. ``repartition(insured_id)`` puts all lines of an insured in one partition; Spark's
   adaptive execution may merge partitions but never splits an insured.
4. ``mapInArrow`` hands each partition, all its batches at once, to the engine. The
   policy travels as one broadcast variable and is compiled once per Python worker.

The result has the input columns, ``line_id`` and the columns of
:data:`aanspraak.OUTPUT_COLUMNS` with the types of :func:`aanspraak.score`, except that
categorical columns are strings (Spark has no categorical type). Its partitions are the
insured partitions of step 3; within a partition lines keep their order in the input.
A partition is held in memory whole while it is scored: choose ``partitions`` so that
the lines of one fit an executor (about 300 bytes a line, input and output together).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import polars as pl
import pyarrow as pa

from aanspraak import _booking, _columns, _opening, partitions as parts
from aanspraak.policy import Policy, resolve
from aanspraak.scenarios import SCENARIO_COLUMNS, checked

try:
    from pyspark.sql import DataFrame, functions as F
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema
    from pyspark.sql.types import StructType
except ImportError as err:  # pragma: no cover - depends on the install
    raise ImportError("aanspraak.spark needs pyspark: pip install 'aanspraak[spark]'") from err

if TYPE_CHECKING:
    from pyspark.broadcast import Broadcast


def score(
    sdf: DataFrame,
    policy: "str | Path | Policy" = "defriesland-2022",
    *,
    partitions: int | None = None,
    columns: "dict[str, str] | None" = None,
    opening: Any = None,
    as_of: Any = None,
) -> DataFrame:
    """Score a Spark DataFrame of declaration lines; the result is a Spark DataFrame.

    Parameters
    ----------
    sdf
        One row per declaration line, with the columns of :func:`aanspraak.score`.
    policy
        A bundled policy set key, a TOML path (read on the driver) or a
        :class:`aanspraak.Policy`.
    partitions
        Number of insured partitions; default ``spark.sql.shuffle.partitions``.
    columns
        The warehouse's column names, as for :func:`aanspraak.score` (library name →
        yours): renamed with ``withColumnsRenamed`` on the way in and out.
    opening
        Balances used before the input, as for :func:`aanspraak.score`
        (docs/rules.md#opening-balances): checked on the driver and broadcast; each
        partition gets the rows of its own insureds. Balances above their pot are capped
        as in ``score``; the executors' OpeningWarning does not reach the driver.
    as_of
        Score as known on this date, as for :func:`aanspraak.score`
        (docs/rules.md#as-known-on-a-date); the NotYetBookedWarning of the executors does
        not reach the driver: count ``reason == "NOT_YET_BOOKED"`` in the result.

    Returns
    -------
    pyspark.sql.DataFrame
        Lazy, like every Spark DataFrame: the input columns (with ``line_id``), then the
        output columns, one row per line, partitioned by ``insured_id``.

    Raises
    ------
    aanspraak.SchemaError
        A required column is missing or has an unusable type (raised here, on the driver).
    """
    pol = resolve(policy)
    mapped = _columns.checked(columns)
    numbered = _with_line_id(_to_library(sdf, mapped))
    arrow_out = parts.output_schema(_arrow_schema(numbered), pol, mapped)
    shared = _share(numbered, (pol, _opening_of(numbered, opening, mapped)))
    day = _booking.day(as_of)
    run = _partition_runner(lambda table: parts.score_table(table, _value(shared)[0], mapped, _value(shared)[1], day), arrow_out, _batch_lines(sdf), _zone(sdf))
    return _to_user(_by_insured(numbered, partitions).mapInArrow(run, _spark_schema(arrow_out)), mapped)


class SparkComparison(parts.EngineComparison):
    """The result of :func:`compare`: ``lines`` is a Spark DataFrame; ``totals()`` runs
    a Spark job (see :class:`aanspraak.partitions.EngineComparison`)."""

    def _partition_sums(self) -> pl.DataFrame:
        names, cols = self.scenarios, self.columns
        schema = parts.sums_schema(names, cols)
        insured = self.insured_column
        run = _partition_runner(lambda table: parts.partition_sums(table, names, cols, insured), schema, 1 << 16)
        frame = pl.from_arrow(self.lines.mapInArrow(run, _spark_schema(schema)).toArrow())
        assert isinstance(frame, pl.DataFrame)
        return frame

    def _select(self, base: list[str], own: dict[str, str]) -> DataFrame:
        return self.lines.select(*base, *[F.col(w).alias(c) for w, c in own.items()])


def compare(
    sdf: DataFrame,
    scenarios: Mapping[str, "str | Path | Policy"],
    *,
    columns: Sequence[str] = SCENARIO_COLUMNS,
    partitions: int | None = None,
    columns_map: "dict[str, str] | None" = None,
    opening: Any = None,
    as_of: Any = None,
) -> SparkComparison:
    """:func:`aanspraak.compare` on a Spark DataFrame: every partition is read once and
    scored under each scenario; see :func:`score` for the partitioning. ``columns_map``:
    the warehouse's column names, as ``columns=`` of :func:`score`; ``opening``: the
    balances used before the input, and ``as_of`` the date the history is known on, as
    for :func:`score`."""
    names, policies, cols = checked(scenarios, columns)
    mapped = _columns.checked(columns_map)
    numbered = _with_line_id(_to_library(sdf, mapped))
    arrow_out = parts.compare_schema(_arrow_schema(numbered), names, policies, cols, mapped)
    shared = _share(numbered, (policies, _opening_of(numbered, opening, mapped)))
    day = _booking.day(as_of)
    run = _partition_runner(
        lambda table: parts.compare_table(table, names, _value(shared)[0], cols, mapped, _value(shared)[1], day), arrow_out, _batch_lines(sdf), _zone(sdf)
    )
    lines = _to_user(_by_insured(numbered, partitions).mapInArrow(run, _spark_schema(arrow_out)), mapped)
    return SparkComparison(tuple(names), tuple(policies), tuple(cols), lines, mapped)


# -- the pieces --------------------------------------------------------------------------


def _opening_of(numbered: DataFrame, opening: Any, mapped: dict[str, str]) -> "pl.DataFrame | None":
    """The opening balances, checked on the driver against the lines' insured_id type."""
    if opening is None:
        return None
    ids = _arrow_schema(numbered).field("insured_id").type
    return _opening.user_frame(opening, pl.from_arrow(pa.array([], ids)).dtype, mapped)


def _to_library(sdf: DataFrame, mapped: dict[str, str]) -> DataFrame:
    """`sdf` with the warehouse's names renamed to the library's (checked first)."""
    if not mapped:
        return sdf
    _columns.check_present(sdf.columns, mapped)
    return sdf.withColumnsRenamed({v: k for k, v in mapped.items() if v != k})


def _to_user(sdf: DataFrame, mapped: dict[str, str]) -> DataFrame:
    """`sdf` with the library's names of mapped columns renamed back to the warehouse's."""
    return sdf.withColumnsRenamed({k: v for k, v in mapped.items() if v != k}) if mapped else sdf


def _arrow_schema(sdf: DataFrame) -> pa.Schema:
    """The Arrow schema of the batches `mapInArrow` will hand over for `sdf`, its
    timestamps in the session's time zone (see :func:`_in_zone`)."""
    return _in_zone(to_arrow_schema(sdf.schema, timezone=_zone(sdf)), _zone(sdf))


def _zone(sdf: DataFrame) -> str:
    """The session time zone: the zone in which Spark shows its timestamps (and takes
    their date, ``to_date``)."""
    return str(sdf.sparkSession.conf.get("spark.sql.session.timeZone"))


def _in_zone(schema: pa.Schema, zone: str) -> pa.Schema:
    """`schema` with every tz-aware timestamp labelled with `zone`: Spark hands its
    TimestampType (an instant) over as UTC, but its calendar date is the one in the
    session time zone; the engine takes the date in the column's zone
    (docs/interpretations.md, Dates). Only the label changes, not the instants."""
    fields = [f.with_type(pa.timestamp(f.type.unit, zone)) if pa.types.is_timestamp(f.type) and f.type.tz else f for f in schema]
    return pa.schema(fields, metadata=schema.metadata)


def _spark_schema(schema: pa.Schema) -> StructType:
    return from_arrow_schema(schema)


def _batch_lines(sdf: DataFrame) -> int:
    """Lines per output batch: Spark's own Arrow batch size."""
    return int(sdf.sparkSession.conf.get("spark.sql.execution.arrow.maxRecordsPerBatch", "10000") or 10000)


def _share(sdf: DataFrame, value: Any) -> "Broadcast[Any] | Any":
    """`value` as a broadcast variable (sent to each executor once), or the value itself
    where the session has no SparkContext (Spark Connect): then it is pickled with the
    function, once per task."""
    try:
        context = sdf.sparkSession.sparkContext
    except Exception:  # Spark Connect has no SparkContext
        return value
    return context.broadcast(value)


def _value(shared: Any) -> Any:
    from pyspark.broadcast import Broadcast

    return shared.value if isinstance(shared, Broadcast) else shared


def _partition_runner(
    work: Callable[[pa.Table], pa.Table], schema: pa.Schema, batch_lines: int, zone: str | None = None
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """A `mapInArrow` function: read the whole partition, apply `work` once, hand the
    result back in batches cast to `schema` (Spark's string and date types). With a
    `zone`, timestamps reach `work` labelled with it (:func:`_in_zone`)."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        table = pa.Table.from_batches(list(batches))
        if table.num_rows == 0:
            return
        if zone is not None:
            table = table.cast(_in_zone(table.schema, zone))
        yield from work(table).cast(schema).to_batches(max_chunksize=max(batch_lines, 1))

    return run


def _by_insured(sdf: DataFrame, partitions: int | None) -> DataFrame:
    """`sdf` hash-partitioned on ``insured_id``: all lines of an insured in one partition."""
    key = F.col(parts.INSURED_ID)
    return sdf.repartition(partitions, key) if partitions else sdf.repartition(key)


def _with_line_id(sdf: DataFrame) -> DataFrame:
    """`sdf` with ``line_id`` = its row number (Int64) first, as :func:`aanspraak.score` adds it.

    ``monotonically_increasing_id`` is (partition << 33) + row within the partition; one
    job counts the rows per partition, and the row number is the partition's offset plus
    the row within it."""
    if parts.LINE_ID in sdf.columns:
        return sdf
    counts = dict(sdf.groupBy(F.spark_partition_id().alias("p")).count().collect())
    offsets, total = [], 0
    for p in range(max(counts, default=-1) + 1):
        offsets.append(total)
        total += counts.get(p, 0)
    if not offsets:
        return sdf.select(F.lit(None).cast("long").alias(parts.LINE_ID), "*")
    table = F.array(*[F.lit(o).cast("long") for o in offsets])
    within = F.monotonically_increasing_id() - F.shiftleft(F.spark_partition_id().cast("long"), 33)
    line_id = F.element_at(table, F.spark_partition_id() + 1) + within
    return sdf.select(line_id.alias(parts.LINE_ID), "*")


__all__ = ["SparkComparison", "compare", "score"]
