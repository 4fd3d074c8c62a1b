"""The dental code table (docs/rules.md#code-table): NZa prestatiecodes by validity period, with tags."""

from __future__ import annotations

import datetime as _dt
import io
from pathlib import Path

import polars as pl

from aanspraak import _core


class CodeTable:
    """A dental code table: one row per (code, validity period).

    Columns: ``code, valid_from, valid_to, section, description, tags, jaw,
    max_tariff_cents, source`` (tags semicolon-separated, see :func:`tag_names`), and
    optionally ``start_source, end_source, replaced_by, replaces``: where a row's validity
    comes from and the documented successor / predecessor, which the ``message`` of an
    ``UNKNOWN_CODE`` line names (docs/rules.md#code-table). The bundled table covers
    2013-2026 (docs/codes.md).

    Examples
    --------
    >>> t = CodeTable.bundled()
    >>> row = t.to_polars().filter(code="J87")
    >>> row["tags"].to_list()
    ['temp_crown_implant']
    """

    def __init__(self, csv_text: str, origin: str) -> None:
        self._rows = _core.check_code_table(csv_text, origin)
        self.csv_text = csv_text
        self.origin = origin

    @classmethod
    def bundled(cls) -> "CodeTable":
        """The bundled table: the NZa codes of 2013-2026, one row per (code, validity period)."""
        return cls(_core.bundled_code_table_csv(), "bundled dental_codes.csv")

    @classmethod
    def from_csv(cls, path: str | Path) -> "CodeTable":
        """Load and validate a user table (same columns as the bundled one)."""
        path = Path(path)
        return cls(path.read_text(encoding="utf-8"), str(path))

    def __len__(self) -> int:
        return self._rows

    def to_polars(self) -> pl.DataFrame:
        """The table as a polars DataFrame (dates parsed)."""
        return pl.read_csv(
            io.StringIO(self.csv_text),
            schema_overrides={"code": pl.String, "max_tariff_cents": pl.Int64, "tags": pl.String, "jaw": pl.String},
            infer_schema=False,
        ).with_columns(
            pl.col("valid_from", "valid_to").str.to_date(),
            pl.col("max_tariff_cents").cast(pl.Int64),
        )

    def for_year(self, year: int) -> pl.DataFrame:
        """The rows valid on some day of ``year`` (same columns as :meth:`to_polars`).

        A code whose meaning changed within the year has two rows; a code that is not
        among them is ``UNKNOWN_CODE`` on every day of the year.

        Examples
        --------
        >>> rows = CodeTable.bundled().for_year(2022)
        >>> rows.filter(pl.col("code").is_in(["C11", "C002"])).select("code", "tags", "replaces").rows()
        [('C002', 'periodic_exam', 'C11')]
        >>> CodeTable.bundled().for_year(2021).filter(code="C11")["replaced_by"].to_list()
        ['C002']
        """
        first, last = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
        return self.to_polars().filter((pl.col("valid_from") <= last) & (pl.col("valid_to") >= first))

    def __repr__(self) -> str:
        return f"CodeTable({self.origin!r}, {self._rows} rows)"


def tag_names() -> list[str]:
    """The tags a code table may carry."""
    return list(_core.tag_names())
