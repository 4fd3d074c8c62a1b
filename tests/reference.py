"""A small, slow, pure-Python reference for the two stateful parts of scoring: the eigen
risico pots and the supplementary annual maxima. Row by row, in Decimal, written from the
law and the project's readings (Zvw art. 19-22 and GCZ SKGZ202002133 for the pots;
docs/interpretations.md "Money" and "Supplementary dental policies"), not from the Rust
code, so that the property tests can compare the engine against an independent reading.

What it takes as given (computing it again would only duplicate the coverage rules):

- per line the engine's ``allowed`` and ``eigen_bijdrage``: the eigen risico is charged on
  ``allowed - eigen_bijdrage`` (zero for a refused or invalid line, whose allowed is 0);
- per line the supplementary product's claim *before* its annual maximum: the engine's
  ``supplementary_paid`` under the same policy with the annual maximum removed. The
  reference then applies the maximum itself.

Everything else, the pot periods and amounts, the processing order, the per-year and
per-contract split, the consumption of the maxima, is computed here. The year's compulsory
eigen risico and each product's annual maximum come from the policy, never from constants.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable

import aanspraak

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def first_of_month_after_18th_birthday(birth: dt.date) -> dt.date:
    """The eigen risico starts on the first day of the month after the 18th birthday; a
    birthday on the 1st still starts the next month (Zvw art. 19 lid 1 read with the
    project's reading in docs/interpretations.md). Born 29 February: the birthday month
    is February in every year, so the start is 1 March either way."""
    y, m = birth.year + 18, birth.month + 1
    if m == 13:
        y, m = y + 1, 1
    return dt.date(y, m, 1)


def days_in_year(year: int) -> int:
    return (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return max(0, (self.end - self.start).days + 1)


def pot_period(year: int, birth: dt.date, insured_from: dt.date | None, insured_to: dt.date | None) -> Period:
    """From the latest of 1 January, insured_from and the first of the month after the
    18th birthday, to the earliest of 31 December and insured_to (both inclusive)."""
    start = max(dt.date(year, 1, 1), insured_from or dt.date(year, 1, 1), first_of_month_after_18th_birthday(birth))
    end = min(dt.date(year, 12, 31), insured_to or dt.date(year, 12, 31))
    return Period(start, end)


def pot_amount(year: int, compulsory: Decimal, voluntary: Decimal, period: Period) -> Decimal:
    """(compulsory + voluntary) × days in the period ÷ days in the year, rounded half up
    to whole euros once."""
    if period.days == 0:
        return ZERO
    exact = (compulsory + voluntary) * period.days / Decimal(days_in_year(year))
    return exact.quantize(Decimal(1), rounding=ROUND_HALF_UP).quantize(CENT)


def _order_key(row: dict[str, Any]) -> tuple:
    return (row["treatment_date"], row["line_id"])


def eigen_risico(rows: Iterable[dict[str, Any]], policy: aanspraak.Policy) -> dict[Any, Decimal]:
    """The eigen risico per line_id.

    Each row: ``line_id``, ``insured_id``, ``birth_date``, ``treatment_date``,
    ``insured_from``/``insured_to`` (None: whole year), ``voluntary_deductible`` (euros,
    None: 0), ``allowed``, ``eigen_bijdrage`` (from the engine) and ``valid`` (False for an
    invalid row, which bears nothing and uses nothing).

    One pot per insured, calendar year and contract period; lines are charged in
    (treatment_date, line_id) order on allowed - eigen_bijdrage, each up to what is left
    of its pot. A line before its pot's start (an adult in the month of the 18th birthday,
    a minor) bears none.
    """
    voluntary_applies = all(b.get("voluntary_eigen_risico", True) for b in policy.document().get("statutory", []))
    remaining: dict[tuple, Decimal] = {}
    out: dict[Any, Decimal] = {}
    for r in sorted(rows, key=lambda r: (str(r["insured_id"]), *_order_key(r))):
        out[r["line_id"]] = ZERO
        if not r["valid"]:
            continue
        net = r["allowed"] - r["eigen_bijdrage"]
        if net <= 0:
            continue
        year = r["treatment_date"].year
        period = pot_period(year, r["birth_date"], r.get("insured_from"), r.get("insured_to"))
        if not period.start <= r["treatment_date"] <= period.end:
            continue
        key = (r["insured_id"], year, period.start, period.end)
        if key not in remaining:
            voluntary = Decimal(r.get("voluntary_deductible") or 0) if voluntary_applies else ZERO
            remaining[key] = pot_amount(year, policy.eigen_risico(year), voluntary, period)
        charge = min(net, remaining[key])
        remaining[key] -= charge
        out[r["line_id"]] = charge
    return out


def annual_maxima(policy: aanspraak.Policy) -> dict[str, Decimal | None]:
    """Each supplementary product's annual maximum in euros (None: no maximum), from the
    policy's own product table."""
    p = policy.products().filter(kind="supplementary")
    return dict(zip(p["product"].to_list(), p["annual_max"].to_list()))


def supplementary_capped(rows: Iterable[dict[str, Any]], policy: aanspraak.Policy) -> dict[Any, tuple[Decimal, bool]]:
    """What a single supplementary product pays per line_id under its annual maximum, and
    whether the maximum bound on that line.

    Each row: ``line_id``, ``insured_id``, ``treatment_date``, ``supplementary_product``
    (one product key, or None) and ``claim``: what the product would pay on the line
    without an annual maximum (from the engine, see the module docstring).

    The maximum runs per insured, product and calendar year; lines consume it in
    (treatment_date, line_id) order, and the line that crosses it is paid exactly up to
    it (docs/interpretations.md, "Limits").
    """
    maxima = annual_maxima(policy)
    used: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    out: dict[Any, tuple[Decimal, bool]] = {}
    for r in sorted(rows, key=lambda r: (str(r["insured_id"]), *_order_key(r))):
        product, claim = r["supplementary_product"], r["claim"]
        if product is None or claim == 0:
            out[r["line_id"]] = (claim, False)
            continue
        cap = maxima[product]
        if cap is None:
            out[r["line_id"]] = (claim, False)
            continue
        key = (r["insured_id"], product, r["treatment_date"].year)
        paid = min(claim, max(ZERO, cap - used[key]))
        used[key] += paid
        out[r["line_id"]] = (paid, paid < claim)
    return out
