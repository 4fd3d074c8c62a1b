"""Schadelast (claims burden): totals of scored declarations grouped by any columns.

Works on the output of :func:`aanspraak.score` and of :func:`aanspraak.compare` (then per
scenario). Sums are exact Decimal(38, 2) sums of the cents the engine computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from aanspraak import _columns
from aanspraak._frames import MONEY

if TYPE_CHECKING:
    from aanspraak.scenarios import Comparison

#: Age bands of 5 years, the last open-ended.
AGE_BANDS: tuple[str, ...] = tuple(f"{a}-{a + 4}" for a in range(0, 95, 5)) + ("95+",)

#: Columns `schadelast` derives when asked for them in ``by`` (and the input lacks them).
DERIVED: dict[str, str] = {
    "year": "calendar year of treatment_date",
    "age_band": "age on the treatment date in 5-year bands (0-4 ... 90-94, 95+), ordered",
    "domain": "the domain column, else mondzorg for a code starting with a letter and msz for all digits",
    "code_section": "first letter of a dental code (A, C, ..., X), msz for hospital care, overig for other care",
    "product": "the supplementary product (keys joined by +), 'none' for lines without one",
    "basic_product": "the basic_product column, '(default)' where it is null or absent",
}


def _derive(name: str, columns: Sequence[str]) -> pl.Expr:
    code = pl.col("code_normalized").cast(pl.String)
    msz = code.str.contains(r"^[0-9]")
    if name == "year":
        return pl.col("treatment_date").dt.year().alias("year")
    if name == "age_band":
        band = (pl.col("age").cast(pl.Int32) // 5).clip(0, len(AGE_BANDS) - 1)
        labels = pl.Series(AGE_BANDS, dtype=pl.Enum(AGE_BANDS))
        return band.replace_strict(list(range(len(AGE_BANDS))), labels, default=None).alias("age_band")
    if name == "domain":
        inferred = pl.when(msz).then(pl.lit("msz")).otherwise(pl.lit("mondzorg"))
        if "domain" in columns:
            return pl.col("domain").cast(pl.String).fill_null(inferred).alias("domain")
        return inferred.alias("domain")
    if name == "code_section":
        section = pl.when(msz).then(pl.lit("msz")).otherwise(code.str.slice(0, 1))
        if "domain" in columns:  # other care (docs/rules.md#other-care) has free-text codes
            section = pl.when(pl.col("domain").cast(pl.String) == "overig").then(pl.lit("overig")).otherwise(section)
        return section.alias("code_section")
    if name == "product":
        if "supplementary_product" not in columns:
            return pl.lit("none").alias("product")
        return pl.col("supplementary_product").cast(pl.String).fill_null("none").alias("product")
    if name == "basic_product":
        if "basic_product" not in columns:
            return pl.lit("(default)").alias("basic_product")
        return pl.col("basic_product").cast(pl.String).fill_null("(default)").alias("basic_product")
    raise AssertionError(name)


def _aggregations(columns: Sequence[str]) -> list[pl.Expr]:
    present = [c for c in MONEY[1:] if c in columns]
    # (sum_horizontal of decimals trips a polars assertion in grouped sums; `+` does not)
    declared = pl.col("basic_paid") + pl.col("supplementary_paid") + pl.col("patient_paid")
    # Credit pairs (reason CREDITED) count on their own; their money is 0.00 by design
    # (docs/rules.md#credit-lines), so the sums leave them out.
    credited = [(pl.col("reason").cast(pl.String) == "CREDITED").sum().cast(pl.Int64).alias("credited_lines")] if "reason" in columns else []
    return [
        pl.len().cast(pl.Int64).alias("lines"),
        pl.col("insured_id").n_unique().cast(pl.Int64).alias("insured"),
        *credited,
        # Lines with an unreadable amount have a null patient_paid and count as 0.
        declared.sum().alias("declared"),
        *[pl.col(c).sum().alias(c) for c in present],
    ]


def _frame(scored: Any) -> pl.LazyFrame:
    if isinstance(scored, pl.LazyFrame):
        return scored
    if isinstance(scored, pl.DataFrame):
        return scored.lazy()
    raise TypeError(f"schadelast needs the output of aanspraak.score or aanspraak.compare, not {type(scored).__name__}")


def schadelast(
    scored: "pl.DataFrame | pl.LazyFrame | Comparison", by: Sequence[str] = (), *, columns: "Mapping[str, str] | None" = None
) -> pl.DataFrame:
    """Totals of scored lines: line and insured counts and the money columns of
    :data:`MONEY`, grouped by ``by``.

    Parameters
    ----------
    scored
        The output of :func:`aanspraak.score` (eager or lazy), or an
        :class:`aanspraak.Comparison` (then the first column is ``scenario``, in the
        order of the scenarios).
    by
        Columns of ``scored`` and/or derived columns (see :data:`DERIVED`): ``year``,
        ``age_band``, ``domain``, ``code_section``, ``product``, ``basic_product``.
        Output columns such as ``reason`` or ``supplementary_reason`` work as they are.
    columns
        The warehouse column names ``scored`` carries (library name → yours), as given to
        :func:`aanspraak.score`; ``by`` then names your columns, and so does the result.
        A :class:`aanspraak.Comparison` knows its own.

    Returns
    -------
    polars.DataFrame
        One row per group, sorted by ``by``: the groups, ``lines``, ``insured``
        (distinct insured_id), ``credited_lines`` (lines with reason ``CREDITED``: a credit
        line and the line it reverses, all money 0.00; when ``scored`` has ``reason``), then ``declared, allowed, eigen_bijdrage, eigen_risico,
        basic_paid, supplementary_paid, patient_paid`` as exact Decimal sums.

    Examples
    --------
    >>> import aanspraak
    >>> out = aanspraak.score(aanspraak.synthetic.declarations(2_000, seed=5))
    >>> t = aanspraak.schadelast(out, by=["age_band"])
    >>> t["lines"].sum() == out.height
    True
    >>> t["basic_paid"].sum() == out["basic_paid"].sum()
    True
    """
    from aanspraak.scenarios import Comparison

    by = [by] if isinstance(by, str) else list(by)
    if len(set(by)) != len(by):
        raise ValueError(f"by names a column twice: {by}")
    if isinstance(scored, Comparison):
        mapped = scored.columns_map if columns is None else columns
        parts = [
            schadelast(scored.scenario(name, lazy=True), by, columns=mapped).select(pl.lit(name).alias("scenario"), pl.all())
            for name in scored.scenarios
        ]
        out = pl.concat(parts)
        return out.with_columns(pl.col("scenario").cast(pl.Enum(list(scored.scenarios))))
    mapped = _columns.checked(columns)
    if mapped:
        # Read under the library's names (a rename of the plan), group and answer under yours.
        lf = _frame(scored)
        present = lf.collect_schema().names()
        lf = lf.rename({v: k for k, v in mapped.items() if v in present and v != k})
        table = schadelast(lf, _columns.library_names(by, mapped))
        return _columns.to_user(table, {k: v for k, v in mapped.items() if k in table.columns})
    lf = _frame(scored)
    columns = lf.collect_schema().names()
    missing = [c for c in ("insured_id", "basic_paid", "supplementary_paid", "patient_paid") if c not in columns]
    if missing:
        raise ValueError(f"schadelast needs scored lines (the output of aanspraak.score); missing {missing}")
    derived = [_derive(c, columns) for c in by if c in DERIVED and c not in columns]
    unknown = [c for c in by if c not in columns and c not in DERIVED]
    if unknown:
        raise ValueError(f"cannot group by {unknown}: not a column of the scored lines nor one of {sorted(DERIVED)}")
    if derived:
        lf = lf.with_columns(derived)
    aggs = _aggregations(columns)
    if not by:
        return lf.select(aggs).collect()
    return lf.group_by(by).agg(aggs).sort(by, nulls_last=True).collect()
