"""The dental code table (docs/rules.md#code-table): NZa prestatiecodes by validity period, with tags."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from aanspraak import _core


class CodeTable:
    """A dental code table: one row per (code, validity period).

    Columns: ``code, valid_from, valid_to, section, description, tags, jaw,
    max_tariff_cents, source`` (tags semicolon-separated, see :func:`tag_names`).

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
        """The bundled table: NZa 2013 (+2020 rows, +seed codes) before 2026, NZa 2026 after."""
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
        ).with_columns(pl.col("valid_from", "valid_to").str.to_date())

    def __repr__(self) -> str:
        return f"CodeTable({self.origin!r}, {self._rows} rows)"


def tag_names() -> list[str]:
    """The tags a code table may carry."""
    return list(_core.tag_names())
