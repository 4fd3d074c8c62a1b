"""Schadelast (claims burden): totals of scored declarations grouped by any columns.

Works on the output of :func:`aanspraak.score` and of :func:`aanspraak.compare` (then per
scenario). Sums are exact Decimal(38, 2) sums of the cents the engine computed.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl

from aanspraak import _columns
from aanspraak._frames import MONEY, to_polars
from aanspraak.exposure import AGE_BANDS, YEAR_UNITS, ExposureWarning, age_band, band_starts, cells, default_years, insured_years, members_frame

if TYPE_CHECKING:
    from aanspraak.scenarios import Comparison

__all__ = ["AGE_BANDS", "DERIVED", "schadelast"]

#: Columns `schadelast` derives when asked for them in ``by`` (and the input lacks them).
DERIVED: dict[str, str] = {
    "year": "calendar year of treatment_date",
    "age_band": "age on the treatment date in 5-year bands (0-4 ... 90-94, 95+; or the bands of age_bands=), ordered",
    "domain": "the domain column, else mondzorg for a code starting with a letter and msz for all digits",
    "code_section": "first letter of a dental code (A, C, ..., X), msz for hospital care, overig for other care",
    "product": "the supplementary product (keys joined by +), 'none' for lines without one",
    "basic_product": "the basic_product column, '(default)' where it is null or absent",
}


def _derive(name: str, columns: Sequence[str], age_bands: "Sequence[int] | None" = None) -> pl.Expr:
    code = pl.col("code_normalized").cast(pl.String)
    msz = code.str.contains(r"^[0-9]")
    if name == "year":
        return pl.col("treatment_date").dt.year().alias("year")
    if name == "age_band":  # the bands aanspraak.exposure splits membership by
        return age_band(pl.col("age"), age_bands).alias("age_band")
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
    scored: "pl.DataFrame | pl.LazyFrame | Comparison",
    by: Sequence[str] = (),
    *,
    columns: "Mapping[str, str] | None" = None,
    exposure: Any = None,
    age_bands: "Sequence[int] | None" = None,
) -> pl.DataFrame:
    """Totals of scored lines: line and insured counts and the money columns of
    :data:`MONEY`, grouped by ``by``; with ``exposure=`` also per insured-year.

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
        With ``exposure=``: only ``year``, ``age_band``, ``product`` (when both frames have
        ``supplementary_product``) and columns both ``scored`` and the members have.
    columns
        The warehouse column names ``scored`` carries (library name → yours), as given to
        :func:`aanspraak.score`; ``by`` then names your columns, and so does the result.
        A :class:`aanspraak.Comparison` knows its own. The members of ``exposure=`` carry
        the same names.
    exposure
        A membership frame, as :func:`aanspraak.exposure` takes (``insured_id``,
        ``birth_date``, ``insured_from``, ``insured_to``, grouping columns), counted over
        the years of the lines' treatment dates (docs/rules.md#schadelast-per-insured-year).
    age_bands
        The first age of each ``age_band``, e.g. ``[0, 18, 65]``; default 5-year bands.

    Returns
    -------
    polars.DataFrame
        One row per group, sorted by ``by``: the groups, ``lines``, ``insured``
        (distinct insured_id), ``credited_lines`` (lines with reason ``CREDITED``: a credit
        line and the line it reverses, all money 0.00; when ``scored`` has ``reason``), then ``declared, allowed, eigen_bijdrage, eigen_risico,
        basic_paid, supplementary_paid, patient_paid`` as exact Decimal sums.
        With ``exposure=``, every cell with exposure or lines (zeros where one side has
        none), and after the money: ``claimants`` (distinct insured with a line that is
        not credited), ``members``, ``member_days``, ``insured_years`` (Float64),
        ``frequency`` (lines not credited per insured-year), ``severity`` (declared per
        line not credited, Decimal rounded half up to the cent) and
        ``<money>_per_insured_year`` for each money column (the money ÷ the exact
        insured-years, Decimal rounded half up to the cent); the ratios are null where
        their divisor is 0. Lines outside the membership stay in their cells and are
        counted in an :class:`aanspraak.ExposureWarning`.

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
    band_starts(age_bands)
    cache: dict[str, Any] = {}
    if isinstance(scored, Comparison):
        mapped = scored.columns_map if columns is None else columns
        parts = [
            _table(scored.scenario(name, lazy=True), by, mapped, exposure, age_bands, cache, warn=i == 0).select(pl.lit(name).alias("scenario"), pl.all())
            for i, name in enumerate(scored.scenarios)
        ]
        out = pl.concat(parts)
        return out.with_columns(pl.col("scenario").cast(pl.Enum(list(scored.scenarios))))
    return _table(scored, by, columns, exposure, age_bands, cache, warn=True)


def _table(
    scored: Any, by: list[str], columns: "Mapping[str, str] | None", exposure: Any, age_bands: "Sequence[int] | None", cache: dict[str, Any], warn: bool
) -> pl.DataFrame:
    """One scored frame's table (see :func:`schadelast`); `by` in the user's names."""
    mapped = _columns.checked(columns)
    lf = _frame(scored)
    if mapped:
        # Read under the library's names (a rename of the plan), group and answer under yours.
        present = lf.collect_schema().names()
        lf = lf.rename({v: k for k, v in mapped.items() if v in present and v != k})
        by = _columns.library_names(by, mapped)
    names = lf.collect_schema().names()
    missing = [c for c in ("insured_id", "basic_paid", "supplementary_paid", "patient_paid") if c not in names]
    if missing:
        raise ValueError(f"schadelast needs scored lines (the output of aanspraak.score); missing {missing}")
    derived = [_derive(c, names, age_bands) for c in by if c in DERIVED and c not in names]
    unknown = [c for c in by if c not in names and c not in DERIVED]
    if unknown:
        raise ValueError(f"cannot group by {_columns.user_names(unknown, mapped)}: not a column of the scored lines nor one of {sorted(DERIVED)}")
    if derived:
        lf = lf.with_columns(derived)
    aggs = _aggregations(names)
    if exposure is None:
        table = lf.select(aggs).collect() if not by else lf.group_by(by).agg(aggs).sort(by, nulls_last=True).collect()
    else:
        table = _with_exposure(lf, names, by, aggs, exposure, mapped, age_bands, cache, warn)
    return _columns.to_user(table, {k: v for k, v in mapped.items() if k in table.columns})


_ZERO = pl.lit(Decimal("0.00"), pl.Decimal(38, 2))


def _rounded(n: pl.Expr, d: pl.Expr) -> pl.Expr:
    """n ÷ d cents (Int128, d > 0) rounded half away from zero, as Decimal euros."""
    return (n.sign() * ((2 * n.abs() + d) // (2 * d))).cast(pl.Decimal(38, 2)) / 100


def _cents(name: str) -> pl.Expr:
    return (pl.col(name) * 100).cast(pl.Int128)


def _with_exposure(
    lf: pl.LazyFrame,
    names: Sequence[str],
    by: list[str],
    aggs: list[pl.Expr],
    exposure: Any,
    mapped: Mapping[str, str],
    age_bands: "Sequence[int] | None",
    cache: dict[str, Any],
    warn: bool,
) -> pl.DataFrame:
    """The claims table of `lf` (derived `by` columns added) joined to the exposure of the
    members, cell by cell, with the per insured-year figures (docs/rules.md#schadelast-per-insured-year)."""
    if "frame" not in cache:
        cache["frame"] = to_polars(exposure)
    frame: pl.DataFrame = cache["frame"]
    member_names = set(_columns.library_names(frame.columns, mapped))

    def allowed(c: str) -> bool:
        if c in ("year", "age_band"):
            return True
        if c == "product":
            return "supplementary_product" in member_names and "supplementary_product" in names
        return c in member_names and c in names

    bad = [c for c in by if not allowed(c)]
    if bad:
        raise ValueError(
            f"with exposure= schadelast groups only by year, age_band, product and columns both the scored lines and the members have; "
            f"not by {_columns.user_names(bad, mapped)}"
        )
    shared = [c for c in by if c not in ("year", "age_band")]
    read = ["supplementary_product" if c == "product" else c for c in shared]
    key = ("work", tuple(read))
    if key not in cache:
        work = members_frame(frame, read, columns=mapped)
        if "product" in shared:
            work = work.with_columns(pl.col("supplementary_product").cast(pl.String).fill_null("none").alias("product"))
        cache[key] = work
    work = cache[key]

    first, last = lf.select(pl.col("treatment_date").dt.year().min().alias("a"), pl.col("treatment_date").dt.year().max().alias("b")).collect().row(0)
    years = (first, last) if first is not None else default_years(work, mapped)
    exp = cells(work, by, years, age_bands).collect()

    credited = (pl.col("reason").cast(pl.String) == "CREDITED") if "reason" in names else pl.lit(False)
    claim_aggs = [*aggs, pl.col("insured_id").filter(~credited).n_unique().cast(pl.Int64).alias("claimants")]
    claims = lf.select(claim_aggs).collect() if not by else lf.group_by(by).agg(claim_aggs).collect()
    if by:
        for k in shared:
            if claims.schema[k] != exp.schema[k]:
                claims, exp = (f.with_columns(pl.col(k).cast(pl.String)) for f in (claims, exp))
        table = claims.join(exp, on=by, how="full", coalesce=True, nulls_equal=True).sort(by, nulls_last=True)
    else:
        table = pl.concat([claims, exp], how="horizontal")
    money = [c for c in MONEY if c in table.columns]
    counts = [c for c in ("lines", "insured", "credited_lines", "claimants", "members", "member_days", "exposure_units") if c in table.columns]
    table = table.with_columns(*[pl.col(c).fill_null(0) for c in counts], *[pl.col(c).fill_null(_ZERO) for c in money])

    standing = pl.col("lines") - (pl.col("credited_lines") if "credited_lines" in table.columns else 0)
    units = pl.col("exposure_units")
    table = table.with_columns(
        insured_years(units).alias("insured_years"),
        pl.when(units > 0).then(standing * YEAR_UNITS / units).alias("frequency"),
        pl.when(standing > 0).then(_rounded(_cents("declared"), standing.cast(pl.Int128))).alias("severity"),
        *[pl.when(units > 0).then(_rounded(_cents(c) * YEAR_UNITS, units.cast(pl.Int128))).alias(f"{c}_per_insured_year") for c in money],
    )
    head = [*by, "lines", "insured", "claimants", *(["credited_lines"] if "credited_lines" in table.columns else []), *money]
    tail = ["members", "member_days", "insured_years", "frequency", "severity", *[f"{c}_per_insured_year" for c in money]]
    if warn:
        _warn_outside(lf, names, shared, work, mapped)
    return table.select(*head, *tail)


def _warn_outside(lf: pl.LazyFrame, names: Sequence[str], shared: list[str], work: pl.DataFrame, mapped: Mapping[str, str]) -> None:
    """An ExposureWarning counting the lines no membership period of their insured (with
    the same `shared` cell columns) covers on the treatment date."""
    same = lambda e: e.cast(pl.String).fill_null("\x00")  # noqa: E731  (null matches null)
    ids_l, ids_r = lf.collect_schema()["insured_id"], work.schema["insured_id"]
    as_id = (lambda e: e) if ids_l == ids_r else (lambda e: e.cast(pl.String))
    lines = lf.select(as_id(pl.col("insured_id")).alias("insured_id"), "treatment_date", *[same(pl.col(c)).alias(c) for c in shared])
    periods = work.lazy().select(
        as_id(pl.col("insured_id")).alias("insured_id"), "insured_from", "insured_to", *[same(pl.col(c)).alias(c) for c in shared]
    )
    dated = lines.filter(pl.col("treatment_date").is_not_null())
    keys = ["insured_id", *shared]
    known = periods.filter(pl.col("insured_id").is_not_null())
    if known.group_by(keys).len().select((pl.col("len") <= 1).all()).collect().item() is not False:
        # One period per insured (and cell), the common case: a hash join, no sort.
        matched = dated.join(known, on=keys, how="left")
    else:
        # The period that began last on or before the treatment date.
        matched = dated.sort("treatment_date").join_asof(
            known.sort("insured_from"),
            left_on="treatment_date",
            right_on="insured_from",
            by=keys,
            strategy="backward",
            check_sortedness=False,  # sorted by the date above; the by-groups keep that order
        )
    outside_period_start = pl.col("insured_from").is_null() | (pl.col("treatment_date") < pl.col("insured_from"))
    outside_period = outside_period_start | (pl.col("treatment_date") > pl.col("insured_to")).fill_null(False)
    outside = pl.concat(
        [matched.filter(outside_period).select("insured_id", "treatment_date"), lines.filter(pl.col("treatment_date").is_null()).select("insured_id", "treatment_date")]
    )
    summary = outside.select(
        pl.len().alias("lines"), pl.col("insured_id").n_unique().alias("insured"), pl.col("insured_id").first().alias("id"), pl.col("treatment_date").first().alias("date")
    ).collect()
    n, k, first_id, first_date = summary.row(0)
    if not n:
        return
    cell = f" with the same {', '.join(_columns.user_names(shared, mapped))}" if shared else ""
    warnings.warn(
        f"schadelast: {n} line{'s' if n != 1 else ''} of {k} insured lie outside the membership given as exposure= "
        f"(no period of the insured covers the treatment date{cell}), e.g. {_columns.label(mapped, 'insured_id')} {first_id!r} on {first_date}; "
        "they stay in the totals and in their cells, where insured_years may be 0",
        ExposureWarning,
        stacklevel=5,
    )
