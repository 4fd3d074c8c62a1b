"""Opening balances (docs/rules.md#opening-balances): what an insured had already used
before the first line of the input, per calendar year, of the eigen risico and of a
supplementary product's annual maximum or sub-limit.

The user's frame has one row per insured and year (``insured_id``, ``year``) with any of
``eigen_risico_used``; ``supplementary_product`` with ``annual_used``; and
``supplementary_product`` with ``limit_group`` and ``limit_used`` (euros). Several rows of
one insured-year are fine (one per product or group), and a value repeated on them
counts once. This module checks the frame with polars expressions (no loop over rows) and
hands the engine one row per balance.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import polars as pl
import pyarrow as pa

from aanspraak import _core
from aanspraak._frames import to_polars

#: The columns of an opening frame and what each holds.
OPENING_COLUMNS: dict[str, str] = {
    "insured_id": "the insured, as in the declarations (required)",
    "year": "the calendar year of the balances (required, an integer)",
    "eigen_risico_used": "euros of the year's eigen risico used before the input",
    "supplementary_product": "a supplementary product key of the policy set, for annual_used and limit_used",
    "annual_used": "euros of the product's annual maximum used before the input",
    "limit_group": "the product's sub-limit: a rule's limit_group, or rules[i] for rule i without one",
    "limit_used": "euros of that sub-limit used before the input",
}
_MONEY = ("eigen_risico_used", "annual_used", "limit_used")
#: Bad rows named in an OpeningError's message (the count names them all).
_SHOWN = 5
#: The kind of balance each money column is, for the engine.
_KIND = {"eigen_risico_used": "eigen_risico", "annual_used": "annual", "limit_used": "limit"}
_ENGINE_SCHEMA = [
    ("year", pa.int32()),
    ("kind", pa.string()),
    ("supplementary_product", pa.string()),
    ("limit_group", pa.string()),
    ("cents", pa.int64()),
    ("row", pa.uint32()),
]


#: An opening frame with bad values (the message counts the bad rows and names the first
#: ones, each with what is wrong, like the ``message`` of an INVALID_INPUT line), or a
#: product or sub-limit the policy set lacks. Raised by the checks here and by the engine.
OpeningError = _core.OpeningError


class OpeningWarning(UserWarning):
    """Opening balances above their pot (the year's eigen risico, an annual maximum or a
    sub-limit) were capped at it."""


def _schema_error(column: str, found: str, expected: str) -> Exception:
    return _core.SchemaError(f"opening: column `{column}`: found {found}, expected {expected}")


def _cents(frame: pl.DataFrame, name: str) -> tuple[pl.Expr, pl.Expr]:
    """The euros of `name` in cents (Int64), and whether a value is not whole cents."""
    dtype = frame.schema[name]
    col = pl.col(name)
    if dtype.is_integer():
        return col.cast(pl.Int64) * 100, pl.lit(False)
    if dtype.is_float():
        scaled = col.cast(pl.Float64) * 100
        rounded = scaled.round(0)
        bad = (scaled - rounded).abs() > 1e-6 * pl.max_horizontal(scaled.abs(), pl.lit(1.0))
        return rounded.cast(pl.Int64, strict=False), bad | ~scaled.is_finite()
    if isinstance(dtype, pl.Decimal):
        in_cents = col.cast(pl.Decimal(38, 2), strict=False)
        return (in_cents * 100).cast(pl.Int64, strict=False), in_cents.cast(dtype, strict=False) != col
    if dtype == pl.Null:
        return pl.lit(None, pl.Int64), pl.lit(False)
    raise _schema_error(name, str(dtype), "euros as integers, floats or decimals")


def _as_ids_of(ids: pl.Series, like: pl.DataType) -> pl.Series:
    """The opening's insured ids in the declarations' type (keys compare within a type)."""
    if like.is_integer():
        if ids.dtype.is_integer():
            return ids.cast(pl.Int64)
        try:
            return ids.cast(pl.String).str.strip_chars().cast(pl.Int64)
        except pl.exceptions.InvalidOperationError:
            raise _schema_error("insured_id", str(ids.dtype), f"ids of the declarations' type ({like}): some are not integers") from None
    if ids.dtype.is_float() or isinstance(ids.dtype, pl.Decimal):
        raise _schema_error("insured_id", str(ids.dtype), "strings or integers, like the declarations' insured_id")
    return ids.cast(pl.String)


def table(opening: Any, insured_dtype: pl.DataType, columns: "Mapping[str, str] | None" = None) -> pa.Table:
    """The engine's table of `opening` (any frame :func:`aanspraak.score` takes), its
    insured ids in the declarations' type `insured_dtype`. `columns` (the warehouse's
    names) renames ``insured_id`` and ``supplementary_product`` when it maps them.

    Raises SchemaError for a missing column or an unusable type, OpeningError for bad
    values: a null insured_id or year, a negative amount or one that is not whole cents,
    ``annual_used`` without ``supplementary_product``, ``limit_used`` without both
    ``supplementary_product`` and ``limit_group``, a row with no balance, or a balance
    given twice with different amounts.

    Examples
    --------
    >>> import polars as pl
    >>> t = table(pl.DataFrame({"insured_id": ["A"], "year": [2022], "eigen_risico_used": [300.0]}), pl.String)
    >>> t.select(["kind", "cents"]).to_pylist()
    [{'kind': 'eigen_risico', 'cents': 30000}]
    """
    frame = to_polars(opening)
    mapped = {v: k for k, v in (columns or {}).items() if k in ("insured_id", "supplementary_product") and v in frame.columns}
    frame = frame.rename(mapped)
    unknown = [c for c in frame.columns if c not in OPENING_COLUMNS]
    if unknown:
        raise _schema_error(unknown[0], "an unknown column", f"the columns {', '.join(OPENING_COLUMNS)}")
    for need in ("insured_id", "year"):
        if need not in frame.columns:
            raise _schema_error(need, "no such column", OPENING_COLUMNS[need])
    money = [c for c in _MONEY if c in frame.columns]
    if not money:
        raise _schema_error("eigen_risico_used", "no such column", "at least one of eigen_risico_used, annual_used, limit_used")
    if not (frame.schema["year"].is_integer() or frame.schema["year"] == pl.Null):
        raise _schema_error("year", str(frame.schema["year"]), "integer calendar years")
    for name in ("supplementary_product", "limit_group"):
        if name in frame.columns and frame.schema[name] not in (pl.String, pl.Categorical, pl.Enum, pl.Null) and not isinstance(frame.schema[name], (pl.Categorical, pl.Enum)):
            raise _schema_error(name, str(frame.schema[name]), "strings")
    ids = _as_ids_of(frame["insured_id"], insured_dtype)
    exprs = {name: _cents(frame, name) for name in money}
    text = lambda name: pl.col(name).cast(pl.String).str.strip_chars() if name in frame.columns else pl.lit(None, pl.String)  # noqa: E731
    work = frame.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"),
        pl.col("year").cast(pl.Int32, strict=False).alias("year"),
        text("supplementary_product").alias("supplementary_product"),
        text("limit_group").alias("limit_group"),
        *[exprs[name][0].alias(name) for name in money],
        *[exprs[name][1].fill_null(False).alias(f"{name}__bad") for name in money],
    ).with_columns(ids.alias("insured_id"))
    work = work.with_columns(pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in ("supplementary_product", "limit_group"))

    has = lambda name: pl.col(name).is_not_null() if name in money else pl.lit(False)  # noqa: E731
    problems: list[tuple[pl.Expr, str]] = [
        (pl.col("insured_id").is_null(), "insured_id is null"),
        (pl.col("year").is_null(), "year is null"),
        (~pl.any_horizontal(*[has(c) for c in money]), "no balance: eigen_risico_used, annual_used and limit_used are all null"),
        (has("annual_used") & pl.col("supplementary_product").is_null(), "annual_used without a supplementary_product"),
        (has("limit_used") & (pl.col("supplementary_product").is_null() | pl.col("limit_group").is_null()), "limit_used without both supplementary_product and limit_group"),
        (~has("limit_used") & pl.col("limit_group").is_not_null(), "limit_group without limit_used"),
    ]
    for name in money:
        problems.append((pl.col(f"{name}__bad"), f"{name} is not a whole number of cents"))
        problems.append((pl.col(name) < 0, f"{name} is negative"))
    work = work.with_columns(
        pl.concat_str([pl.when(cond.fill_null(False)).then(pl.lit(msg)) for cond, msg in problems], separator="; ", ignore_nulls=True).alias("problem")
    ).with_columns(pl.when(pl.col("problem") != "").then(pl.col("problem")).alias("problem"))
    # One balance per key: rows that repeat a key must agree on its amount.
    keys = {
        "eigen_risico_used": ["insured_id", "year"],
        "annual_used": ["insured_id", "year", "supplementary_product"],
        "limit_used": ["insured_id", "year", "supplementary_product", "limit_group"],
    }
    for name in money:
        given = work.filter(pl.col(name).is_not_null()).select([*keys[name], name, "row"])
        spread = given.group_by(keys[name]).agg(pl.col(name).n_unique().alias("n"))
        if (spread["n"] > 1).any():
            clash = given.join(spread.filter(pl.col("n") > 1), on=keys[name]).select("row")
            work = work.with_columns(
                pl.when(pl.col("row").is_in(clash["row"].implode()))
                .then(pl.concat_str([pl.col("problem"), pl.lit(f"{name} differs from another row of the same {', '.join(keys[name])}")], separator="; ", ignore_nulls=True))
                .otherwise(pl.col("problem"))
                .alias("problem")
            )
    bad = work.filter(pl.col("problem").is_not_null())
    if bad.height:
        shown = "; ".join(
            f"row {r['row']} (insured_id {r['insured_id']!r}, year {r['year']}): {r['problem']}" for r in bad.head(_SHOWN).iter_rows(named=True)
        )
        more = f" (and {bad.height - _SHOWN} more)" if bad.height > _SHOWN else ""
        raise OpeningError(f"opening: {bad.height} bad row{'s' if bad.height != 1 else ''}: {shown}{more}")
    long = pl.concat(
        [
            work.filter(pl.col(name).is_not_null())
            .unique(subset=keys[name], keep="first", maintain_order=True)
            .select(
                "insured_id",
                "year",
                pl.lit(_KIND[name]).alias("kind"),
                (pl.col("supplementary_product") if name != "eigen_risico_used" else pl.lit(None, pl.String)).alias("supplementary_product"),
                (pl.col("limit_group") if name == "limit_used" else pl.lit(None, pl.String)).alias("limit_group"),
                pl.col(name).alias("cents"),
                "row",
            )
            for name in money
        ]
    )
    arrow = long.to_arrow()
    schema = pa.schema([arrow.schema.field("insured_id"), *[pa.field(n, t) for n, t in _ENGINE_SCHEMA]])
    return arrow.select(schema.names).cast(schema)


def user_frame(opening: Any, declarations_ids: "pl.DataType", columns: "Mapping[str, str] | None" = None) -> pl.DataFrame:
    """`opening` as a polars frame under the user's names, checked in full (raises as
    :func:`table`): what the distributed front ends send to the workers, which pass
    each partition the rows of its own insureds (:func:`for_insureds`)."""
    frame = to_polars(opening)
    table(frame, declarations_ids, columns)
    return frame


def for_insureds(opening: pl.DataFrame, ids: "pl.Series", columns: "Mapping[str, str] | None" = None) -> "pl.DataFrame | None":
    """The rows of `opening` whose insured is among `ids` (compared as text, as an
    integer id and its text name one insured); None when there are none."""
    name = (columns or {}).get("insured_id", "insured_id")
    if name not in opening.columns:
        name = "insured_id"
    wanted = ids.cast(pl.String).str.strip_chars().unique().implode()
    rows = opening.filter(pl.col(name).cast(pl.String).str.strip_chars().is_in(wanted))
    return rows if rows.height else None


def capped(out: pa.Table) -> int:
    """How many opening balances the engine capped at their pot in the call that built
    `out` (the count in its schema metadata; 0 without an opening)."""
    meta = out.schema.metadata or {}
    return int(meta.get(b"aanspraak.opening_capped", b"0"))


def warn_capped(capped: int, where: str = "", stacklevel: int = 3) -> None:
    """Warn (OpeningWarning) that `capped` balances were capped at their pot, if any
    (`where`: words that place the count, e.g. " under scenario 'x'")."""
    if capped:
        warnings.warn(
            f"opening{where}: {capped} balance{'s were' if capped != 1 else ' was'} above {'their' if capped != 1 else 'its'} pot (the year's eigen "
            "risico, an annual maximum or a sub-limit) and capped at it (docs/rules.md#opening-balances)",
            OpeningWarning,
            stacklevel=stacklevel,
        )


def closing_balances(scored: Any, opening: Any = None, *, columns: "Mapping[str, str] | None" = None) -> pl.DataFrame:
    """What each insured had used by the end of a scored slice, in the shape ``opening=``
    takes (docs/rules.md#opening-balances): per insured and year of treatment
    ``eigen_risico_used`` (the ``eigen_risico`` charged, plus the `opening` balance the
    slice began with), and per supplementary product ``annual_used`` (its
    ``supplementary_paid``, plus the opening's). Scoring the rest of the year with these
    as its opening gives what scoring the whole year gives, for the eigen risico and the
    annual maxima.

    Sub-limits are not in it: the output does not say which sub-limit a payment used.
    Lines of combined products (``a+b``) that a product paid raise ValueError: which
    product's maximum they used is not in the output either. Frequency limits (counted
    per year under 18) are no balance.

    Examples
    --------
    >>> import aanspraak
    >>> first = aanspraak.score(aanspraak.synthetic.declarations(2_000, seed=4))
    >>> closing = aanspraak.closing_balances(first)
    >>> closing.columns
    ['insured_id', 'year', 'eigen_risico_used', 'supplementary_product', 'annual_used']
    >>> closing["eigen_risico_used"].sum() == first["eigen_risico"].sum()
    True
    """
    names = {k: v for k, v in (columns or {}).items() if k in ("insured_id", "supplementary_product")}
    frame = to_polars(scored)
    frame = frame.rename({v: k for k, v in names.items() if v in frame.columns})
    for need in ("insured_id", "treatment_date", "eigen_risico", "supplementary_paid"):
        if need not in frame.columns:
            raise _schema_error(need, "no such column", "the output of aanspraak.score")
    money = pl.Decimal(18, 2)
    if "supplementary_product" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("supplementary_product"))
    frame = frame.with_columns(
        pl.col("treatment_date").dt.year().cast(pl.Int32).alias("year"), pl.col("supplementary_product").cast(pl.String).str.strip_chars()
    )
    combined = frame.filter(pl.col("supplementary_product").str.contains("+", literal=True) & (pl.col("supplementary_paid") > 0))
    if combined.height:
        raise ValueError(
            f"closing_balances: {combined.height} lines of combined products (e.g. {combined['supplementary_product'][0]!r}) were paid; "
            "which product's annual maximum each used is not in the output"
        )
    er = frame.group_by("insured_id", "year").agg(pl.col("eigen_risico").cast(money).sum().alias("eigen_risico_used"))
    single = frame.filter(pl.col("supplementary_product").is_not_null() & ~pl.col("supplementary_product").str.contains("+", literal=True))
    annual = single.group_by("insured_id", "year", "supplementary_product").agg(pl.col("supplementary_paid").cast(money).sum().alias("annual_used"))
    if opening is not None:
        before = to_polars(opening)
        before = before.rename({v: k for k, v in names.items() if v in before.columns})
        before = before.with_columns(pl.col("insured_id").cast(frame.schema["insured_id"]), pl.col("year").cast(pl.Int32))
        if "eigen_risico_used" in before.columns:
            er_before = before.filter(pl.col("eigen_risico_used").is_not_null()).unique(["insured_id", "year"]).select(
                "insured_id", "year", pl.col("eigen_risico_used").cast(money)
            )
            er = pl.concat([er, er_before]).group_by("insured_id", "year").agg(pl.col("eigen_risico_used").sum())
        if "annual_used" in before.columns:
            annual_before = before.filter(pl.col("annual_used").is_not_null()).unique(["insured_id", "year", "supplementary_product"]).select(
                "insured_id", "year", pl.col("supplementary_product").cast(pl.String), pl.col("annual_used").cast(money)
            )
            annual = pl.concat([annual, annual_before]).group_by("insured_id", "year", "supplementary_product").agg(pl.col("annual_used").sum())
    out = er.join(annual, on=["insured_id", "year"], how="full", coalesce=True).with_columns(pl.col("eigen_risico_used").fill_null(pl.lit(0, money)))
    out = out.select("insured_id", "year", "eigen_risico_used", "supplementary_product", "annual_used").sort("insured_id", "year", "supplementary_product")
    return out.rename({k: v for k, v in names.items()})
