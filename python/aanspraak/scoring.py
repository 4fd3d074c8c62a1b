"""Scoring: hand the declarations to the Rust engine through Arrow, get a polars DataFrame back."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl

from aanspraak import _core
from aanspraak import _columns
from aanspraak import _booking, _opening
from aanspraak._frames import OUTPUT_COLUMNS, input_part, to_polars
from aanspraak._input import engine_arrow, engine_frame
from aanspraak.policy import Policy, resolve

def score(
    declarations: Any,
    policy: "str | Path | Policy" = "defriesland-2022",
    *,
    columns: "Mapping[str, str] | None" = None,
    opening: Any = None,
    as_of: Any = None,
) -> pl.DataFrame:
    """Score declaration lines under a policy set.

    Parameters
    ----------
    declarations
        One row per declaration line with the columns of docs/rules.md#input (at least
        ``insured_id, birth_date, treatment_date, code, amount``).
    policy
        A bundled policy set key (see :func:`aanspraak.policies`), a TOML path, or a
        :class:`aanspraak.Policy`.
    columns
        The warehouse's column names (docs/rules.md#warehouse-column-names): the
        library's input column name → yours, e.g. ``{"insured_id": "verzekerde_nr"}``.
        The input is read under the library's names and returned under yours; errors
        and messages name yours (``column 'verzekerde_nr' (insured_id)``).
    opening
        Balances used before the first line of the input (docs/rules.md#opening-balances),
        for a slice of a year: a frame with ``insured_id``, ``year`` and any of
        ``eigen_risico_used``, ``supplementary_product`` + ``annual_used``,
        ``supplementary_product`` + ``limit_group`` + ``limit_used`` (euros). Each is
        consumed before the insured's first line of that year; a balance above its pot
        is capped at it with an :class:`aanspraak.OpeningWarning` giving the count.
    as_of
        Score the history as known on this date (a date or ISO string;
        docs/rules.md#as-known-on-a-date): only lines and credits with a
        ``processing_date`` on or before it are scored. The others (booked later, or with
        no ``processing_date``) stay in the output with reason ``NOT_YET_BOOKED`` and 0.00
        in every money column, counted in an :class:`aanspraak.NotYetBookedWarning`.
        Without it ``processing_date`` is carried but not used.

    Returns
    -------
    polars.DataFrame
        The input rows in input order (with ``line_id`` added as the row number when
        absent), plus the columns in :data:`OUTPUT_COLUMNS`. Money is ``Decimal(18, 2)``.

    Raises
    ------
    aanspraak.SchemaError
        A required column is missing or has an unusable type (or a column of
        ``columns`` is not in the input).
    ValueError
        ``columns`` names a column the library does not read.
    aanspraak.PolicyError
        The policy is unknown or invalid.
    aanspraak.OpeningError
        The opening frame has bad values (each named with its row).

    Examples
    --------
    >>> import datetime as dt, polars as pl, aanspraak
    >>> decl = pl.DataFrame({
    ...     "insured_id": ["A"], "birth_date": [dt.date(2014, 5, 1)],
    ...     "treatment_date": [dt.date(2022, 3, 1)], "code": ["C002"], "amount": [25.0],
    ... })
    >>> out = aanspraak.score(decl, policy="defriesland-2022")
    >>> out.select("reason", "legal_basis", "basic_paid").row(0)
    ('COVERED', 'Bzv 2.7 lid 4', Decimal('25.00'))

    An adult's extraction in a slice of 2022 whose eigen risico was EUR 300 used before:

    >>> adult = decl.with_columns(insured_id=pl.lit("B"), birth_date=dt.date(1980, 1, 1),
    ...                           code=pl.lit("H35"), amount=pl.lit(120.0), provider_type=pl.lit("kaakchirurg"))
    >>> used = pl.DataFrame({"insured_id": ["B"], "year": [2022], "eigen_risico_used": [300.0]})
    >>> aanspraak.score(adult, opening=used).select("eigen_risico", "basic_paid").row(0)
    (Decimal('85.00'), Decimal('35.00'))

    The same line booked on 2022-04-02, as known at the end of March:

    >>> import warnings
    >>> booked = adult.with_columns(processing_date=dt.date(2022, 4, 2))
    >>> with warnings.catch_warnings(record=True):
    ...     aanspraak.score(booked, as_of="2022-03-31").select("reason", "basic_paid").row(0)
    ('NOT_YET_BOOKED', Decimal('0.00'))
    """
    scored = score_counted(declarations, policy, columns=columns, opening=opening, as_of=as_of)
    _opening.warn_capped(scored.capped)
    _booking.warn(scored.unbooked, as_of)
    return scored.lines


class Scored(NamedTuple):
    """What :func:`score_counted` returns: the scored lines and what the warnings of
    :func:`score` would count."""

    lines: pl.DataFrame
    #: Opening balances capped at their pot (docs/rules.md#opening-balances).
    capped: int
    #: Lines NOT_YET_BOOKED on ``as_of`` (0 without it; docs/rules.md#as-known-on-a-date).
    unbooked: int


def score_counted(
    declarations: Any,
    policy: "str | Path | Policy" = "defriesland-2022",
    *,
    columns: "Mapping[str, str] | None" = None,
    opening: Any = None,
    as_of: Any = None,
) -> Scored:
    """:func:`score` without its warnings: the lines and the counts, for a caller that
    scores in parts and warns once for the whole (:func:`aanspraak.score_parquet`).

    Examples
    --------
    >>> import aanspraak
    >>> decl = aanspraak.synthetic.declarations(1_000, seed=1)
    >>> s = score_counted(decl)
    >>> s.lines.equals(aanspraak.score(decl)), s.capped, s.unbooked
    (True, 0, 0)
    """
    pol = resolve(policy)
    names = _columns.checked(columns)
    df = _columns.to_library(to_polars(declarations), names)
    engine = engine_frame(df)
    balances = None if opening is None else _opening.table(opening, engine.schema["insured_id"], names)
    day = _booking.day(as_of)
    try:
        table = pol._compiled.score(engine_arrow(engine), balances, day)
    except _core.SchemaError as e:
        raise _columns.schema_error(e, names) from None
    result = pl.from_arrow(_columns.user_messages(table, names))
    assert isinstance(result, pl.DataFrame)
    unbooked = 0 if day is None else _booking.count(result["reason"])
    lines = _columns.to_user(pl.concat([input_part(df), result], how="horizontal"), names)
    return Scored(lines, _opening.capped(table), unbooked)


def release_memory() -> int:
    """Return the engine's cached buffers to the operating system; the bytes released.

    The engine keeps the large buffers a call frees (up to ``AANSPRAAK_CACHE_MB`` MiB,
    default 4096; 0 turns the cache off) and reuses them in the next call, because fresh
    memory from the operating system is costly: the kernel zeroes it page by page. A
    notebook that is done scoring can give that memory back.

    Examples
    --------
    >>> import aanspraak
    >>> _ = aanspraak.score(aanspraak.synthetic.declarations(100_000, seed=1))
    >>> aanspraak.release_memory() >= 0 and _core.cached_memory() == 0
    True
    """
    return _core.release_memory()


def supplementary_reasons() -> pl.DataFrame:
    """The catalogue of ``supplementary_reason`` codes: code, meaning, what it rests on,
    an example line, that example as input that scores to it (``example_input``:
    JSON, see ``aanspraak._reason_examples``), and the engine functions that decide it
    (``emitted_by``: paths in the Rust core, see docs/rules.md#where-each-reason-comes-from).

    Examples
    --------
    >>> supplementary_reasons().filter(reason="WAITING_PERIOD")["example"].item()[:8]
    'seed 003'
    >>> supplementary_reasons().filter(reason="PAID")["emitted_by"].item().to_list()
    ['supplementary::limits::pay']
    """
    from aanspraak._reason_examples import SUPPLEMENTARY

    return _catalogue(_core.supplementary_reasons(), SUPPLEMENTARY)


def reasons() -> pl.DataFrame:
    """The catalogue of reason codes: code, meaning, legal basis, an example line, and
    that example as input that scores to it (``example_input``: JSON with the lines, the
    policy and the line's exact legal basis; see ``aanspraak._reason_examples``), and the
    engine functions that decide it (``emitted_by``: paths in the Rust core, all in
    ``rules`` or the ``ledger``; see docs/rules.md#where-each-reason-comes-from).

    Examples
    --------
    >>> reasons().filter(reason="OUTSIDE_ESTHETIC_ZONE")["legal_basis"].item()[:3]
    'NZa'
    >>> reasons().filter(reason="FREQUENCY_LIMIT")["emitted_by"].item().to_list()
    ['ledger::walk']
    """
    from aanspraak._reason_examples import BASIC

    return _catalogue(_core.reasons(), BASIC)


def _catalogue(rows: "list[_core.ReasonInfo]", examples: dict[str, dict[str, Any]]) -> pl.DataFrame:
    """A reason catalogue as a frame, each reason with its executable example."""
    from aanspraak._reason_examples import as_json

    return pl.DataFrame(
        {
            "reason": [r.code for r in rows],
            "meaning": [r.meaning for r in rows],
            "legal_basis": [r.legal_basis for r in rows],
            "example": [r.example for r in rows],
            "example_input": [as_json(examples.get(r.code)) for r in rows],
            "emitted_by": pl.Series([r.emitted_by for r in rows], dtype=pl.List(pl.String)),
        }
    )
