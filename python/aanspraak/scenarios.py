"""What-if scenarios: score the same declarations under several policies in one call.

The input is read, validated and interned once (codes, insured ids, products); each
scenario runs only the policy-dependent passes in Rust and returns only the columns that
differ between policies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from aanspraak import _booking, _columns, _core, _opening
from aanspraak.policy import Policy, resolve
from aanspraak._input import engine_arrow, engine_frame
from aanspraak._frames import MONEY, OUTPUT_COLUMNS, input_part, to_polars

#: Output columns returned per scenario by default.
SCENARIO_COLUMNS: tuple[str, ...] = (
    "basic_covered",
    "reason",
    "legal_basis",
    "allowed",
    "eigen_bijdrage",
    "eigen_risico",
    "basic_paid",
    "supplementary_paid",
    "patient_paid",
    "supplementary_reason",
)

#: Output columns that do not depend on the policy, returned once.
SHARED_COLUMNS: tuple[str, ...] = ("age", "code_normalized", "message")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")


def column_name(column: str, scenario: str) -> str:
    """The wide name of a scenario's column: ``basic_paid`` of ``er165`` is ``basic_paid__er165``."""
    return f"{column}__{scenario}"


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`.

    Attributes
    ----------
    scenarios
        Scenario names in the order given; the first is the baseline.
    policies
        The policy of each scenario.
    columns
        The output columns scored per scenario.
    lines
        Wide, one row per input line in input order: the input columns, the shared
        columns (``age``, ``code_normalized``, ``message``), then per scenario its
        columns named ``<column>__<scenario>`` (see :func:`column_name`).
    totals
        One row per scenario: the totals of :func:`aanspraak.schadelast` over all
        lines, the scenario's policy (its origin), and ``delta_<money>`` = this
        scenario's total minus the baseline's.
    columns_map
        The warehouse column names the input was given under (library name → yours;
        ``compare(..., columns_map=)``): ``lines`` carries yours, and
        :func:`aanspraak.schadelast` of this comparison reads them.
    """

    scenarios: tuple[str, ...]
    policies: tuple[Policy, ...]
    columns: tuple[str, ...]
    lines: pl.DataFrame
    totals: pl.DataFrame
    columns_map: Mapping[str, str] = field(default_factory=dict)

    def scenario(self, name: str, *, lazy: bool = False) -> "pl.DataFrame | pl.LazyFrame":
        """The lines of one scenario as :func:`aanspraak.score` names them (input,
        shared and that scenario's columns under their plain names)."""
        base, own = scenario_columns(self.lines.columns, self.scenarios, self.columns, name)
        lf = self.lines.lazy().select(*base, *[pl.col(w).alias(c) for w, c in own.items()])
        return lf if lazy else lf.collect()

    def long(self) -> pl.DataFrame:
        """All scenarios stacked: a ``scenario`` column (Enum, in order) and the lines
        of :meth:`scenario` (one row per input line and scenario)."""
        kind = pl.Enum(list(self.scenarios))
        return pl.concat(
            [self.scenario(s, lazy=True).select(pl.lit(s, dtype=kind).alias("scenario"), pl.all()) for s in self.scenarios]  # type: ignore[union-attr]
        ).collect()


def scenario_columns(lines: Sequence[str], scenarios: Sequence[str], columns: Sequence[str], name: str) -> tuple[list[str], dict[str, str]]:
    """For one scenario of wide `lines` columns: the columns shared by all scenarios, and
    the scenario's own wide names → plain names. KeyError for an unknown scenario."""
    if name not in scenarios:
        raise KeyError(f"no scenario {name!r}; have {list(scenarios)}")
    wide = {column_name(c, s) for s in scenarios for c in columns}
    return [c for c in lines if c not in wide], {column_name(c, name): c for c in columns}


def compare(
    declarations: Any,
    scenarios: Mapping[str, "str | Path | Policy"],
    *,
    columns: Sequence[str] = SCENARIO_COLUMNS,
    columns_map: "Mapping[str, str] | None" = None,
    opening: Any = None,
    as_of: Any = None,
) -> Comparison:
    """Score the same declarations under several policies (what-if).

    Parameters
    ----------
    declarations
        As for :func:`aanspraak.score`.
    scenarios
        Name → policy (bundled key, TOML path or :class:`aanspraak.Policy`), in order;
        the first is the baseline of the differences. Names are letters, digits, ``_``
        and ``-``. Derive what-if policies with :meth:`Policy.with_eigen_risico`,
        :meth:`Policy.with_supplementary`, :meth:`Policy.with_values`, ...
    columns
        The output columns to return per scenario (default :data:`SCENARIO_COLUMNS`);
        ``basic_paid``, ``supplementary_paid`` and ``patient_paid`` are always among them.
    columns_map
        The warehouse's input column names, as ``columns=`` of :func:`aanspraak.score`
        (library name → yours; named ``columns_map`` here because ``columns`` chooses the
        output columns). ``lines`` carries your names.
    opening
        Balances used before the input, as ``opening=`` of :func:`aanspraak.score`
        (docs/rules.md#opening-balances); every scenario consumes them against its own
        pots, and a scenario that caps some says so in an :class:`aanspraak.OpeningWarning`.
    as_of
        Score every scenario as known on this date, as ``as_of=`` of
        :func:`aanspraak.score` (docs/rules.md#as-known-on-a-date): the lines not yet
        booked are ``NOT_YET_BOOKED`` under every scenario; one
        :class:`aanspraak.NotYetBookedWarning` counts them.

    Notes
    -----
    Scenarios with the same years and product keys as the first (every policy derived
    from it by changing values) reuse its prepared input; others read the input again.
    A scenario that changes only the eigen risico reruns only the eigen risico walk and
    the money after it; one that changes only supplementary products reruns only the
    supplementary passes, and only for the insureds with a line under a product whose
    conditions changed (the others keep the baseline's results); any other change reruns
    all rules (see ``compare.rs``).

    Examples
    --------
    >>> import aanspraak
    >>> base = aanspraak.Policy.load("defriesland-2022")
    >>> decl = aanspraak.synthetic.declarations(5_000, seed=2)
    >>> cmp = aanspraak.compare(decl, {"2022": base, "er165": base.with_eigen_risico(165)})
    >>> t = cmp.totals
    >>> t["delta_basic_paid"][1] == -t["delta_eigen_risico"][1] > 0
    True
    >>> t["delta_patient_paid"][1] == t["delta_eigen_risico"][1]
    True
    """
    names, policies, cols = checked(scenarios, columns)
    mapped = _columns.checked(columns_map)
    df = _columns.to_library(to_polars(declarations), mapped)
    engine = engine_frame(df)
    balances = None if opening is None else _opening.table(opening, engine.schema["insured_id"], mapped)
    day = _booking.day(as_of)
    try:
        prepared = _core.Prepared(engine_arrow(engine), policies[0]._compiled, balances, day)
    except _core.SchemaError as e:
        raise _columns.schema_error(e, mapped) from None
    if day is not None:
        _booking.warn(prepared.not_yet_booked(), as_of)
    df = _columns.to_user(input_part(df), mapped)
    # The shared columns come once, with the first scenario.
    tables, sums = prepared.compare([p._compiled for p in policies], list(SHARED_COLUMNS), cols)
    parts: list[pl.DataFrame] = [df]
    for name, table in zip(names, tables):
        _opening.warn_capped(_opening.capped(table), f" under scenario {name!r}")
        out = pl.from_arrow(_columns.user_messages(table, mapped))
        assert isinstance(out, pl.DataFrame)
        parts.append(out.rename({c: column_name(c, name) for c in cols}))
    lines = pl.concat(parts, how="horizontal")
    # The categorical compared as it is: a cast to strings costs 0.25-0.5 s per 10M lines.
    credited = [int((lines[column_name("reason", n)] == "CREDITED").sum()) for n in names] if "reason" in cols else None
    totals = scenario_totals(names, policies, cols, [dict(s) for s in sums], lines.height, prepared.distinct_insured(), credited)
    return Comparison(tuple(names), tuple(policies), tuple(cols), lines, totals, mapped)


def checked(scenarios: Mapping[str, "str | Path | Policy"], columns: Sequence[str]) -> tuple[list[str], list[Policy], list[str]]:
    """The scenario names, their policies and the columns to score per scenario (the
    three money columns added for the totals), checked; ValueError names what is wrong."""
    if not scenarios:
        raise ValueError("compare needs at least one scenario")
    names = list(scenarios)
    for name in names:
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(f"scenario name {name!r}: use letters, digits, '_' and '-'")
    cols = list(columns)
    cols += [c for c in ("basic_paid", "supplementary_paid", "patient_paid") if c not in cols]  # for the totals
    bad = [c for c in cols if c not in OUTPUT_COLUMNS or c in SHARED_COLUMNS]
    if bad or len(set(cols)) != len(cols) or not cols:
        raise ValueError(
            f"columns must be distinct output columns other than {list(SHARED_COLUMNS)}; "
            f"got {cols} (choose from {[c for c in OUTPUT_COLUMNS if c not in SHARED_COLUMNS]})"
        )
    return names, [resolve(scenarios[n]) for n in names], cols


def scenario_totals(
    names: Sequence[str], policies: Sequence[Policy], columns: Sequence[str], cents: Sequence[dict[str, int]], lines: int, insured: int,
    credited: Sequence[int] | None = None,
) -> pl.DataFrame:
    """The columns of `schadelast` without groups, one row per scenario, from the engine's
    exact sums in cents, plus the deltas against the first scenario. `credited`: the
    CREDITED lines per scenario (``credited_lines``, when the scenarios have ``reason``)."""
    money = [m for m in MONEY[1:] if m in columns]
    euros = lambda c: Decimal(c).scaleb(-2)  # noqa: E731 - cents are exact integers
    kind = pl.Decimal(38, 2)
    totals = pl.DataFrame(
        {
            "scenario": pl.Series(names, dtype=pl.Enum(list(names))),
            "lines": pl.Series([lines] * len(names), dtype=pl.Int64),
            "insured": pl.Series([insured] * len(names), dtype=pl.Int64),
            **({} if credited is None else {"credited_lines": pl.Series(list(credited), dtype=pl.Int64)}),
            # declared = basic_paid + supplementary_paid + patient_paid (nulls left out).
            "declared": pl.Series([euros(t["basic_paid"] + t["supplementary_paid"] + t["patient_paid"]) for t in cents], dtype=kind),
            **{m: pl.Series([euros(t[m]) for t in cents], dtype=kind) for m in money},
        }
    )
    return totals.with_columns(
        pl.Series("policy", [p.origin for p in policies]),
        *[(pl.col(m) - pl.col(m).first()).alias(f"delta_{m}") for m in ("declared", *money)],
    )
