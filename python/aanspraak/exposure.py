"""Exposure: how many insured-years a membership frame holds per cell (docs/rules.md#exposure).

Each membership period (``insured_id``, ``birth_date``, ``insured_from``, ``insured_to``)
is cut at every 31 December and, when ``age_band`` is asked, at the birthday that moves
the insured into another age band. A piece of ``d`` days in year ``y`` is ``d`` ÷ the days
of ``y`` (365, or 366 in a leap year) insured-years, the way the eigen risico pot of a part
of a year is counted (docs/rules.md#eigen-risico). Everything is a polars plan over all
members at once: no Python loop over members or periods.

The age bands are the ones :func:`aanspraak.schadelast` derives as ``age_band``: the age on
a day is the engine's age on a treatment date (whole years since birth; someone born on
29 February turns a year older on 1 March in a common year), banded by :func:`age_band`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from aanspraak import _columns, _core
from aanspraak._frames import to_polars

#: The first age of each default age band: 5-year bands, the last (95+) open-ended.
AGE_BAND_STARTS: tuple[int, ...] = tuple(range(0, 100, 5))

#: The membership columns :func:`exposure` needs.
MEMBER_COLUMNS: tuple[str, ...] = ("insured_id", "birth_date", "insured_from", "insured_to")

#: Exposure units in an insured-year: 365 × 366, so that a day is a whole number of units
#: in any year (366 units in a common year, 365 in a leap year) and sums over years stay exact.
YEAR_UNITS: int = 365 * 366

#: How many bad rows an error message shows.
_SHOWN = 5


class ExposureWarning(UserWarning):
    """Lines of insureds outside the membership given as ``exposure=`` (kept, counted)."""


def band_labels(starts: Sequence[int]) -> tuple[str, ...]:
    """The labels of age bands starting at `starts`: ``0-4``, ..., the last ``95+``.

    Examples
    --------
    >>> band_labels((0, 18, 65))
    ('0-17', '18-64', '65+')
    """
    return tuple(f"{a}-{b - 1}" for a, b in zip(starts, starts[1:])) + (f"{starts[-1]}+",)


#: The default age bands, in order.
AGE_BANDS: tuple[str, ...] = band_labels(AGE_BAND_STARTS)


def band_starts(age_bands: "Sequence[int] | None") -> tuple[int, ...]:
    """`age_bands` checked: the first age of each band, increasing, the first 0 (None: the
    5-year bands). ValueError says what is wrong."""
    if age_bands is None:
        return AGE_BAND_STARTS
    if isinstance(age_bands, (str, bytes)) or not isinstance(age_bands, Sequence):
        raise ValueError(f"age_bands must be the first age of each band, e.g. [0, 18, 65]; got {age_bands!r}")
    starts = tuple(age_bands)
    if not starts or any(not isinstance(a, int) or isinstance(a, bool) for a in starts):
        raise ValueError(f"age_bands must be whole ages, e.g. [0, 18, 65]; got {age_bands!r}")
    if starts[0] != 0 or any(b <= a for a, b in zip(starts, starts[1:])):
        raise ValueError(f"age_bands must start at 0 and increase, e.g. [0, 18, 65]; got {list(starts)}")
    return starts


def age_band(age: pl.Expr, age_bands: "Sequence[int] | None" = None) -> pl.Expr:
    """The age band (an ordered Enum) of integer ages `age`; a negative age falls in the
    first band. `age_bands` gives the first age of each band (default: 5-year bands).

    Examples
    --------
    >>> pl.DataFrame({"age": [0, 17, 18, 64, 70]}).select(age_band(pl.col("age"), [0, 18, 65]))["age"].to_list()
    ['0-17', '0-17', '18-64', '18-64', '65+']
    """
    starts = band_starts(age_bands)
    labels = band_labels(starts)
    if starts == AGE_BAND_STARTS:
        index = (age.cast(pl.Int32) // 5).clip(0, len(starts) - 1)
    else:
        index = pl.sum_horizontal([(age >= a).cast(pl.Int32) for a in starts[1:]]) if len(starts) > 1 else age * 0
    return index.replace_strict(list(range(len(labels))), pl.Series(labels, dtype=pl.Enum(labels)), default=None)


def _as_date(frame: pl.DataFrame, name: str, columns: Mapping[str, str]) -> pl.Expr:
    dtype = frame.schema[name]
    if dtype == pl.Date:
        return pl.col(name)
    if isinstance(dtype, pl.Datetime):
        return pl.col(name).dt.date()
    if dtype == pl.Null:
        return pl.col(name).cast(pl.Date)
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, (pl.Categorical, pl.Enum)):
        text = frame[name].cast(pl.String)
        parsed = text.str.to_date("%Y-%m-%d", strict=False)
        bad = parsed.is_null() & text.is_not_null()
        if bad.any():
            raise _core.SchemaError(
                f"exposure: column {_columns.label(columns, name)}: {text.filter(bad)[0]!r} is not a date (YYYY-MM-DD); "
                f"{bad.sum()} such value{'s' if bad.sum() != 1 else ''}"
            )
        return pl.col(name).cast(pl.String).str.to_date("%Y-%m-%d", strict=False)
    raise _core.SchemaError(f"exposure: column {_columns.label(columns, name)}: found {dtype}, expected dates")


def _years(years: "int | tuple[int, int] | Sequence[int] | None") -> "tuple[int, int] | None":
    if years is None:
        return None
    if isinstance(years, int) and not isinstance(years, bool):
        return (years, years)
    if isinstance(years, Sequence) and not isinstance(years, (str, bytes)) and len(years) == 2 and all(isinstance(y, int) and not isinstance(y, bool) for y in years):
        first, last = years
        if first > last:
            raise ValueError(f"years=({first}, {last}): the first year is after the last")
        if first < 1 or last > 9998:
            raise ValueError(f"years=({first}, {last}): years must lie in 1..9998")
        return (first, last)
    raise ValueError(f"years must be a year or (first, last), both included; got {years!r}")


def _fail(what: str, bad: pl.DataFrame, columns: Mapping[str, str]) -> None:
    """ValueError naming the count and the first rows of `bad` (row, insured_id, problem)."""
    n = bad.height
    shown = "; ".join(
        f"row {r['row']} ({_columns.label(columns, 'insured_id')} {r['insured_id']!r}): {r['problem']}" for r in bad.head(_SHOWN).iter_rows(named=True)
    )
    more = f" (and {n - _SHOWN} more)" if n > _SHOWN else ""
    raise ValueError(f"exposure: {n} {what}{'s' if n != 1 else ''}: {shown}{more}")


def members_frame(members: Any, by: Sequence[str] = (), *, columns: "Mapping[str, str] | None" = None) -> pl.DataFrame:
    """The membership frame under the library's names, checked: ``insured_id``, ``birth_date``,
    ``insured_from``, ``insured_to`` as dates, ``row`` (the input row), and the columns of
    `by` (library names; ``age_band`` and ``year`` are derived, not read).

    Raises SchemaError for a missing column or a column that holds no dates, ValueError for
    bad rows (a null insured_id, birth_date or insured_from, insured_to before insured_from,
    insured_from before birth_date), for an insured with two birth dates and for an insured
    whose periods overlap (a day would count twice). ``insured_to`` null is an open end.
    """
    mapped = dict(columns or {})
    frame = to_polars(members)
    frame = frame.rename({v: k for k, v in mapped.items() if v in frame.columns and v != k and k not in frame.columns})
    for need in MEMBER_COLUMNS:
        if need not in frame.columns:
            raise _core.SchemaError(f"exposure: column {_columns.label(mapped, need)}: no such column in the members (they need {', '.join(MEMBER_COLUMNS)})")
    keys = [c for c in by if c not in ("year", "age_band")]
    unknown = [c for c in keys if c not in frame.columns]
    if unknown:
        raise ValueError(
            f"exposure: cannot group by {_columns.user_names(unknown, mapped)}: not a column of the members nor year or age_band"
        )
    work = frame.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"),
        pl.col("insured_id"),
        *[_as_date(frame, c, mapped).alias(c) for c in MEMBER_COLUMNS[1:]],
        *[pl.col(c) for c in keys if c not in MEMBER_COLUMNS],
    )
    problems: list[tuple[pl.Expr, str]] = [
        (pl.col("insured_id").is_null(), "insured_id is null"),
        (pl.col("birth_date").is_null(), "birth_date is null"),
        (pl.col("insured_from").is_null(), "insured_from is null (a membership needs its first day)"),
        (pl.col("insured_to") < pl.col("insured_from"), "insured_to is before insured_from"),
        (pl.col("insured_from") < pl.col("birth_date"), "insured_from is before birth_date"),
    ]
    flagged = work.select(pl.any_horizontal([c.fill_null(False) for c, _ in problems]).alias("bad"))["bad"]
    if flagged.any():
        problem = pl.concat_str([pl.when(c.fill_null(False)).then(pl.lit(m)) for c, m in problems], separator="; ", ignore_nulls=True)
        _fail("bad member row", work.filter(flagged).select("row", "insured_id", problem.alias("problem")), mapped)
    if work["insured_id"].n_unique() < work.height:
        # Per insured: one birth date, and periods that do not overlap. Sorted by insured and
        # first day, periods overlap somewhere iff one starts on or before the end of the
        # one before it (until the first overlap, the ends increase).
        ordered = work.select("row", "insured_id", "birth_date", "insured_from", "insured_to").sort("insured_id", "insured_from", "row")
        same = pl.col("insured_id") == pl.col("insured_id").shift(1)
        end = pl.col("insured_to").fill_null(dt.date(9999, 12, 31))
        checks = ordered.select(
            "row",
            "insured_id",
            (same & (pl.col("birth_date") != pl.col("birth_date").shift(1))).fill_null(False).alias("births"),
            (same & (pl.col("insured_from") <= end.shift(1))).fill_null(False).alias("overlap"),
            pl.col("insured_from").cast(pl.String).alias("from"),
        )
        births = checks.filter("births").unique("insured_id", keep="first", maintain_order=True)
        if births.height:
            _fail("insured with two birth dates", births.with_columns(pl.lit("rows of this insured give different birth_date").alias("problem")), mapped)
        overlap = checks.filter("overlap")
        if overlap.height:
            _fail(
                "membership period that overlaps an earlier one of the same insured",
                overlap.with_columns(pl.format("the period from {} overlaps an earlier period (a day would count twice)", pl.col("from")).alias("problem")),
                mapped,
            )
    return work


def default_years(work: pl.DataFrame, columns: "Mapping[str, str] | None" = None) -> tuple[int, int]:
    """The years a checked membership frame spans: from the year of the first
    ``insured_from`` to the year of the last ``insured_to``. ValueError when a membership is
    open (``insured_to`` null): up to which year it counts is for ``years=`` to say."""
    mapped = dict(columns or {})
    if work.height == 0:
        raise ValueError("exposure: no members and no years= given: nothing to count")
    open_ = work.filter(pl.col("insured_to").is_null())
    if open_.height:
        raise ValueError(
            f"exposure: {open_.height} membership period{'s are' if open_.height != 1 else ' is'} open ({_columns.label(mapped, 'insured_to')} is null, "
            f"e.g. {_columns.label(mapped, 'insured_id')} {open_['insured_id'][0]!r}): pass years=(first, last) to say up to which year they count"
        )
    return (work["insured_from"].min().year, work["insured_to"].max().year)  # type: ignore[union-attr]


def insured_years(units: pl.Expr) -> pl.Expr:
    """Exposure units (an Int64 without nulls) as insured-years: units ÷ :data:`YEAR_UNITS`,
    the nearest Float64 to the exact ratio (numpy divides each value; polars would multiply
    by the reciprocal, which can be one bit off)."""
    return units.map_batches(lambda s: pl.Series(s.name, s.to_numpy() / YEAR_UNITS, dtype=pl.Float64), return_dtype=pl.Float64)


def cells(work: pl.DataFrame, keys: Sequence[str], years: tuple[int, int], age_bands: "Sequence[int] | None" = None) -> pl.LazyFrame:
    """Exposure of a checked membership frame (:func:`members_frame`) in `years` (first,
    last, both included) grouped by `keys` (``year``, ``age_band`` and member columns):
    ``member_days`` (Int64), ``exposure_units`` (Int64, :data:`YEAR_UNITS` per
    insured-year) and ``members`` (distinct insured with a day in the cell)."""
    keys = list(keys)
    first, last = years
    lo, hi = dt.date(first, 1, 1), dt.date(last, 12, 31)
    day = lambda e: e.cast(pl.Int32)  # noqa: E731  (days since 1970-01-01)
    other = [c for c in keys if c not in ("year", "age_band")]
    y = pl.col("year")
    lf = (
        work.lazy()
        .select(
            "insured_id",
            *other,
            pl.col("birth_date"),
            pl.max_horizontal(pl.col("insured_from"), pl.lit(lo)).alias("s"),
            pl.min_horizontal(pl.col("insured_to").fill_null(hi), pl.lit(hi)).alias("e"),
        )
        .filter(pl.col("s") <= pl.col("e"))
        .with_columns(pl.int_ranges(pl.col("s").dt.year(), pl.col("e").dt.year() + 1, dtype=pl.Int32).alias("year"))
        .explode("year")
        .with_columns(
            # The piece of the period in the year, as day numbers, both ends included.
            pl.max_horizontal(day(pl.col("s")), day(pl.date(y, 1, 1))).alias("ps"),
            pl.min_horizontal(day(pl.col("e")), day(pl.date(y, 12, 31))).alias("pe"),
        )
    )
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    units_per_day = pl.when(leap).then(pl.lit(365, pl.Int64)).otherwise(pl.lit(366, pl.Int64))
    if "age_band" in keys:
        bm, bd = pl.col("birth_date").dt.month(), pl.col("birth_date").dt.day()
        feb29 = (bm == 2) & (bd == 29) & ~leap  # born on 29 February: a year older on 1 March
        birthday = day(pl.date(y, pl.when(feb29).then(3).otherwise(bm), pl.when(feb29).then(1).otherwise(bd)))
        lf = lf.with_columns(
            birthday.alias("b"),
            (y - pl.col("birth_date").dt.year()).alias("age"),
        )
        before = (pl.min_horizontal(pl.col("pe"), pl.col("b") - 1) - pl.col("ps") + 1).clip(0)
        after = (pl.col("pe") - pl.max_horizontal(pl.col("ps"), pl.col("b")) + 1).clip(0)
        part = lambda days, age: lf.select(  # noqa: E731
            "insured_id", "year", *other, age_band(age, age_bands).alias("age_band"), days.cast(pl.Int64).alias("days")
        ).filter(pl.col("days") > 0)
        pieces = pl.concat([part(before, pl.col("age") - 1), part(after, pl.col("age"))])
    else:
        pieces = lf.select("insured_id", "year", *other, (pl.col("pe") - pl.col("ps") + 1).cast(pl.Int64).alias("days"))
    pieces = pieces.with_columns((pl.col("days") * units_per_day).alias("units"))
    aggs = [
        pl.col("days").sum().alias("member_days"),
        pl.col("units").sum().alias("exposure_units"),
        pl.col("insured_id").n_unique().cast(pl.Int64).alias("members"),
    ]
    if not keys:
        return pieces.select(aggs)
    return pieces.group_by(keys).agg(aggs).sort(keys, nulls_last=True)


def exposure(
    members: Any,
    by: Sequence[str] = (),
    *,
    years: "int | tuple[int, int] | None" = None,
    age_bands: "Sequence[int] | None" = None,
    columns: "Mapping[str, str] | None" = None,
) -> pl.DataFrame:
    """Insured-years per calendar year and cell of a membership frame.

    Parameters
    ----------
    members
        One row per membership period (a frame :func:`aanspraak.score` takes: polars,
        pandas, pyarrow): ``insured_id``, ``birth_date``, ``insured_from`` (first day),
        ``insured_to`` (last day, included; null = open: to the end of the last year of
        ``years``), and any grouping columns (``basic_product``, ``supplementary_product``,
        ``region``, ...). An insured may have several periods (a product change, a gap);
        periods of one insured must not overlap (ValueError naming the insured).
    by
        Member columns and ``age_band`` (the bands :func:`aanspraak.schadelast` derives).
        ``year`` is always a cell key (first unless ``by`` places it).
    years
        A year or ``(first, last)``, both included: only days in those years count.
        Default: from the year of the first ``insured_from`` to the year of the last
        ``insured_to``; with an open ``insured_to`` that is unknown, so ``years`` is then
        required (ValueError).
    age_bands
        The first age of each band, e.g. ``[0, 18, 65]`` (``0-17``, ``18-64``, ``65+``);
        default 5-year bands (``0-4`` ... ``95+``), as ``schadelast``.
    columns
        Warehouse column names (library name → yours), as for :func:`aanspraak.score`.

    Returns
    -------
    polars.DataFrame
        One row per cell with at least one insured day, sorted: the keys, ``members``
        (distinct insured with a day in the cell), ``member_days`` (Int64, exact),
        ``insured_years`` (Float64: member_days ÷ the days of the year, 365 or 366).
        Sum ``member_days`` for exact totals; ``insured_years`` is a ratio of days.

    Examples
    --------
    >>> import datetime as dt, polars as pl, aanspraak
    >>> m = pl.DataFrame({"insured_id": ["A", "B"], "birth_date": [dt.date(1980, 5, 1), dt.date(2003, 9, 30)],
    ...                   "insured_from": [dt.date(2023, 7, 1), dt.date(2020, 1, 1)], "insured_to": [None, None]})
    >>> aanspraak.exposure(m, by=["age_band"], years=2023).rows()
    [(2023, '15-19', 1, 272, 0.7452054794520548), (2023, '20-24', 1, 93, 0.2547945205479452), (2023, '40-44', 1, 184, 0.5041095890410959)]
    """
    by = [by] if isinstance(by, str) else list(by)
    if len(set(by)) != len(by):
        raise ValueError(f"by names a column twice: {by}")
    mapped = _columns.checked(columns)
    lib_by = _columns.library_names(by, mapped)
    starts = band_starts(age_bands)
    work = members_frame(members, lib_by, columns=mapped)
    span = _years(years) or default_years(work, mapped)
    keys = lib_by if "year" in lib_by else ["year", *lib_by]
    out = (
        cells(work, keys, span, starts)
        .with_columns(insured_years(pl.col("exposure_units")).alias("insured_years"))
        .select(*keys, "members", "member_days", "insured_years")
        .collect()
    )
    return _columns.to_user(out, {k: v for k, v in mapped.items() if k in out.columns})


__all__ = ["AGE_BANDS", "AGE_BAND_STARTS", "ExposureWarning", "MEMBER_COLUMNS", "YEAR_UNITS", "age_band", "band_labels", "band_starts", "cells", "default_years", "exposure", "insured_years", "members_frame"]
