"""Development triangles (docs/rules.md#development-triangles): scored lines by the
period of their care (origin, from ``treatment_date``) and the period the insurer booked
them in (development, from ``processing_date``), each line at its final scored amount.
Money stays exact (Decimal); ``Triangle.to_chainladder`` hands the triangle to the
chainladder package (the ``chainladder`` extra) for development factors and IBNR."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from aanspraak._frames import MONEY

if TYPE_CHECKING:
    from aanspraak.scenarios import Comparison

#: The grains of ``origin`` and ``development``, with their length in months.
GRAINS: dict[str, int] = {"year": 12, "quarter": 3, "month": 1}

#: chainladder's letter for each grain.
_CL_GRAIN = {"year": "Y", "quarter": "Q", "month": "M"}

#: The value columns: the money columns of the output, and ``declared`` (basic_paid +
#: supplementary_paid + patient_paid, a null patient_paid counting as 0).
VALUES: tuple[str, ...] = MONEY


class TriangleWarning(UserWarning):
    """Lines without a ``treatment_date`` or ``processing_date`` were left out of a
    development triangle."""


@dataclass(frozen=True)
class Triangle:
    """A development triangle (the result of :func:`triangle`).

    Attributes
    ----------
    frame
        Long, one row per cell, sorted by ``by``, ``origin``, ``development``: the ``by``
        columns, ``origin`` (first day of the origin period), ``origin_end`` (its last
        day), ``development`` (the lag in development periods from the origin period's
        start, 0 first), ``valuation_end`` (the last day of that development period),
        ``incremental`` (the value booked in the cell) and ``cumulative`` (booked up to
        and including it), both exact ``Decimal(38, 2)``. Every cell up to the latest
        valuation in the data is there, with zeros where nothing was booked.
    value, origin_grain, development_grain, by
        As given to :func:`triangle`.
    """

    frame: pl.DataFrame
    value: str
    origin_grain: str
    development_grain: str
    by: tuple[str, ...] = ()

    def wide(self, values: str = "cumulative") -> pl.DataFrame:
        """The familiar origin × development table: one row per (``by``, ``origin``), one
        column per development lag (``"0"``, ``"1"``, ...) holding ``values``
        (``"cumulative"`` or ``"incremental"``); null below the latest diagonal."""
        if values not in ("cumulative", "incremental"):
            raise ValueError(f"values must be 'cumulative' or 'incremental', not {values!r}")
        index = [*self.by, "origin"]
        if self.frame.is_empty():
            return pl.DataFrame(schema={c: self.frame.schema[c] for c in index})
        out = self.frame.with_columns(pl.col("development").cast(pl.String)).pivot(
            on="development", index=index, values=values, sort_columns=False
        )
        lags = sorted((c for c in out.columns if c not in index), key=int)
        return out.select(*index, *lags).sort(index)

    def to_chainladder(self) -> Any:
        """The triangle as a ``chainladder.Triangle`` (cumulative, the value as its column,
        ``by`` as its index), with the origin and development grain set explicitly:
        origins at their period start, developments at the ``valuation_end`` of each
        cell. chainladder computes in floats. ImportError when chainladder is missing
        (``pip install 'aanspraak[chainladder]'``); ValueError when chainladder could
        not tell the grain (a single origin or a single development period at a grain
        finer than a year)."""
        try:
            import chainladder as cl
        except ImportError as err:
            raise ImportError("Triangle.to_chainladder needs the chainladder package: pip install 'aanspraak[chainladder]'") from err
        import pandas as pd

        data = self.frame.select(
            *self.by,
            pl.col("origin"),
            pl.col("valuation_end"),
            pl.col("cumulative").cast(pl.Float64).alias(self.value),
        ).to_pandas()
        data["origin"] = pd.to_datetime(data["origin"])
        data["valuation_end"] = pd.to_datetime(data["valuation_end"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            tri = cl.Triangle(
                data,
                origin="origin",
                development="valuation_end",
                columns=[self.value],
                index=list(self.by) or None,
                cumulative=True,
                trailing=False,
            )
        want = (_CL_GRAIN[self.origin_grain], _CL_GRAIN[self.development_grain])
        got = (tri.origin_grain[0], tri.development_grain[0])
        if got != want:
            tri = tri.grain(f"O{want[0]}D{want[1]}") if _finer(got, want) else None
            if tri is None:
                raise ValueError(
                    f"chainladder reads this triangle at origin/development grain {got}, not {want}: it has a single "
                    "origin or development period; build it at a coarser grain"
                )
        return tri


def _finer(got: tuple[str, str], want: tuple[str, str]) -> bool:
    """chainladder's grains `got` are as fine as `want` or finer (then `grain()` coarsens)."""
    months = {"Y": 12, "S": 6, "Q": 3, "M": 1}
    return all(months[g] <= months[w] and months[w] % months[g] == 0 for g, w in zip(got, want))


def _period_index(date: pl.Expr, months: int) -> pl.Expr:
    """The number of the `months`-long calendar period a date falls in (months since year 0)."""
    return (date.dt.year().cast(pl.Int64) * 12 + date.dt.month().cast(pl.Int64) - 1) // months


def _period_start(index: pl.Expr, months: int) -> pl.Expr:
    m = index * months
    return pl.date(m // 12, m % 12 + 1, 1)


def triangle(
    scored: "pl.DataFrame | pl.LazyFrame | Comparison",
    value: str = "basic_paid",
    origin: str = "year",
    development: str = "month",
    by: Sequence[str] = (),
    *,
    scenario: "str | None" = None,
    columns: "Mapping[str, str] | None" = None,
) -> Triangle:
    """A development triangle of scored lines (docs/rules.md#development-triangles).

    Parameters
    ----------
    scored
        The output of :func:`aanspraak.score` (eager or lazy) with ``treatment_date`` and
        ``processing_date``, or an :class:`aanspraak.Comparison` with ``scenario=``.
    value
        The money column to develop: ``basic_paid`` (default), ``allowed``,
        ``eigen_bijdrage``, ``eigen_risico``, ``supplementary_paid``, ``patient_paid``
        or ``declared`` (their sum).
    origin
        The period of the care: ``"year"``, ``"quarter"`` or ``"month"`` of ``treatment_date``.
    development
        The length of a development period: ``"month"``, ``"quarter"`` or ``"year"``, no
        longer than the origin period.
    by
        Columns of ``scored`` to build one triangle per group of (all groups share the
        origins and lags).
    scenario
        With a Comparison: the scenario whose lines to use.
    columns
        The warehouse column names ``scored`` carries (library name → yours), as given to
        :func:`aanspraak.score`; a Comparison knows its own.

    Returns
    -------
    Triangle
        Each line is booked at its final scored ``value`` in the development period of its
        ``processing_date``, counted from the start of its origin period (a line booked
        before that start is at lag 0). Lines with no ``treatment_date`` or no
        ``processing_date`` are left out, counted (with their value) in a
        :class:`TriangleWarning`.

    Examples
    --------
    >>> import datetime as dt, polars as pl, aanspraak
    >>> d = dt.date
    >>> decl = pl.DataFrame({
    ...     "insured_id": ["A", "A", "B"], "birth_date": [d(2014, 5, 1)] * 3,
    ...     "treatment_date": [d(2022, 3, 1), d(2022, 11, 20), d(2023, 2, 1)],
    ...     "processing_date": [d(2022, 3, 20), d(2023, 1, 5), d(2023, 2, 10)],
    ...     "code": ["C002"] * 3, "amount": [25.0, 30.0, 40.0],
    ... })
    >>> t = aanspraak.triangle(aanspraak.score(decl), origin="year", development="year")
    >>> t.frame.select("origin", "development", "incremental", "cumulative").rows()
    [(datetime.date(2022, 1, 1), 0, Decimal('25.00'), Decimal('25.00')), (datetime.date(2022, 1, 1), 1, Decimal('30.00'), Decimal('55.00')), (datetime.date(2023, 1, 1), 0, Decimal('40.00'), Decimal('40.00'))]
    """
    from aanspraak.scenarios import Comparison

    if origin not in GRAINS:
        raise ValueError(f"origin grain {origin!r} is not one of {list(GRAINS)}")
    if development not in GRAINS:
        raise ValueError(f"development grain {development!r} is not one of {list(GRAINS)}")
    if GRAINS[development] > GRAINS[origin] or GRAINS[origin] % GRAINS[development]:
        raise ValueError(f"development grain {development!r} is longer than the origin grain {origin!r}; use a development period no longer than the origin period")
    if value not in VALUES:
        raise ValueError(f"value {value!r} is not a money column; choose from {list(VALUES)}")
    by = [by] if isinstance(by, str) else list(by)
    if isinstance(scored, Comparison):
        if scenario is None:
            raise ValueError(f"triangle of a Comparison needs scenario=, one of {list(scored.scenarios)}")
        mapped = dict(scored.columns_map if columns is None else columns)
        lf = scored.scenario(scenario, lazy=True)
        assert isinstance(lf, pl.LazyFrame)
    elif isinstance(scored, (pl.DataFrame, pl.LazyFrame)):
        if scenario is not None:
            raise ValueError("scenario= is for a Comparison; this is the output of aanspraak.score")
        mapped = dict(columns or {})
        lf = scored.lazy()
    else:
        raise TypeError(f"triangle needs the output of aanspraak.score or aanspraak.compare, not {type(scored).__name__}")
    names = lf.collect_schema().names()
    treat, booked = mapped.get("treatment_date", "treatment_date"), mapped.get("processing_date", "processing_date")
    needed = [treat, booked, *(("basic_paid", "supplementary_paid", "patient_paid") if value == "declared" else (value,)), *by]
    missing = [c for c in needed if c not in names]
    if missing:
        raise ValueError(f"triangle needs column(s) {missing} in the scored lines (processing_date: the day the insurer booked the line)")
    if len(set(by)) != len(by) or any(c in ("origin", "origin_end", "development", "valuation_end", "incremental", "cumulative") for c in by):
        raise ValueError(f"by names a column twice or a column of the triangle: {by}")

    money = pl.Decimal(38, 2)
    amount = (
        pl.col("basic_paid").cast(money) + pl.col("supplementary_paid").cast(money) + pl.col("patient_paid").cast(money).fill_null(0)
        if value == "declared"
        else pl.col(value).cast(money).fill_null(0)
    )
    om, dm = GRAINS[origin], GRAINS[development]
    if "reason" in names:
        # Scored with as_of: a line not yet booked on the valuation date is in no cell.
        lf = lf.filter(pl.col("reason").cast(pl.String) != "NOT_YET_BOOKED")
    lines = lf.select(
        *[pl.col(c) for c in by],
        pl.col(treat).cast(pl.Date).alias("_treat"),
        pl.col(booked).cast(pl.Date).alias("_booked"),
        amount.alias("_value"),
    ).collect()
    dated = pl.col("_treat").is_not_null() & pl.col("_booked").is_not_null()
    left = lines.filter(~dated)
    if left.height:
        warnings.warn(
            f"triangle: {left.height} line{'s' if left.height != 1 else ''} without treatment_date or processing_date left out "
            f"({value} {left['_value'].sum()}) (docs/rules.md#development-triangles)",
            TriangleWarning,
            stacklevel=2,
        )
    lines = lines.filter(dated)
    # Origin period (in origin periods) and its start in development periods; the lag of
    # the booking period from there, at least 0.
    lines = lines.with_columns(_period_index(pl.col("_treat"), om).alias("_o"))
    lines = lines.with_columns(
        (_period_index(pl.col("_booked"), dm) - pl.col("_o") * (om // dm)).clip(lower_bound=0).alias("development")
    )
    kind = pl.Int64
    cells = lines.group_by(*by, "_o", "development").agg(pl.col("_value").sum().alias("incremental"))
    frame_schema = {
        **{c: lines.schema[c] for c in by},
        "origin": pl.Date, "origin_end": pl.Date, "development": kind, "valuation_end": pl.Date,
        "incremental": money, "cumulative": money,
    }
    if lines.is_empty():
        return Triangle(pl.DataFrame(schema=frame_schema), value, origin, development, tuple(by))
    # The grid: every group × every origin from the first to the last × every lag up to
    # the latest valuation (the last development period any line is booked in).
    latest = int((cells["_o"] * (om // dm) + cells["development"]).max())  # type: ignore[operator]
    o_min, o_max = int(cells["_o"].min()), int(cells["_o"].max())  # type: ignore[arg-type]
    origins = pl.DataFrame({"_o": pl.int_range(o_min, o_max + 1, eager=True, dtype=kind)})
    grid = origins.with_columns(pl.int_ranges(0, latest - pl.col("_o") * (om // dm) + 1, dtype=kind).alias("development")).explode("development")
    if by:
        grid = cells.select(by).unique().join(grid, how="cross")
    out = (
        grid.join(cells, on=[*by, "_o", "development"], how="left", nulls_equal=True)
        .with_columns(pl.col("incremental").fill_null(0).cast(money))
        .sort([*by, "_o", "development"], nulls_last=True)
        .with_columns(pl.col("incremental").cum_sum().over([*by, "_o"]).cast(money).alias("cumulative"))
        .with_columns(
            _period_start(pl.col("_o"), om).alias("origin"),
            _period_start(pl.col("_o") + 1, om).dt.offset_by("-1d").alias("origin_end"),
            _period_start(pl.col("_o") * (om // dm) + pl.col("development") + 1, dm).dt.offset_by("-1d").alias("valuation_end"),
        )
    )
    return Triangle(out.select(list(frame_schema)), value, origin, development, tuple(by))
