"""The history as known on a date (docs/rules.md#as-known-on-a-date): the ``as_of=``
argument of the scoring functions, as the engine's day number, and the warning that
counts the lines not yet booked on it."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import polars as pl

_EPOCH = dt.date(1970, 1, 1)


class NotYetBookedWarning(UserWarning):
    """Scored ``as_of`` a date: lines booked after it (or with no ``processing_date``)
    were left out, kept with reason ``NOT_YET_BOOKED`` and 0.00 in every money column."""


def day(as_of: Any) -> "int | None":
    """``as_of`` (a date, a datetime's date, or an ISO ``YYYY-MM-DD`` string) as days since
    1970-01-01; None for None. ValueError or TypeError names a bad value."""
    if as_of is None:
        return None
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of.strip())
        except ValueError:
            raise ValueError(f"as_of {as_of!r} is not an ISO date (YYYY-MM-DD)") from None
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    if not isinstance(as_of, dt.date):
        raise TypeError(f"as_of must be a date or an ISO date string, not {type(as_of).__name__}")
    return (as_of - _EPOCH).days


def count(reason: "pl.Series") -> int:
    """The NOT_YET_BOOKED lines of a ``reason`` column (Categorical or String: compared
    as it is, since casting 10M categories to strings takes 0.25-0.5 s)."""
    return int((reason == "NOT_YET_BOOKED").sum())


def warn(n: int, as_of: Any, where: str = "", stacklevel: int = 3) -> int:
    """Warn (NotYetBookedWarning) that `n` lines were not yet booked on `as_of`, if any; `n`."""
    if n:
        warnings.warn(
            f"as_of {as_of}{where}: {n} line{'s were' if n != 1 else ' was'} not yet booked (processing_date later or null); "
            "kept with reason NOT_YET_BOOKED and 0.00 in every money column (docs/rules.md#as-known-on-a-date)",
            NotYetBookedWarning,
            stacklevel=stacklevel,
        )
    return n
