"""Reading and writing declaration files: Parquet, CSV and Arrow IPC, by extension.

What the ``aanspraak`` command line does with files, for a notebook or a script too:

* :func:`read_declarations` reads one or more files or globs into one frame the way
  ``aanspraak score`` does: CSV with ISO dates parsed, ids and codes as text (leading
  zeros kept), flags as booleans, money as exact ``Decimal(18, 2)`` when every value has at
  most two decimals (else as text, which the engine parses and flags row by row, see
  docs/rules.md#bad-input); a spreadsheet's ``;`` or tab separator is recognised;
* :func:`write_frame` writes a frame by the extension of its path, through a temporary
  file (no partial output), CSV with money as exact text;
* :func:`schadelast_of_files` adds up the schadelast of part files written by
  :func:`aanspraak.score_parquet`, one file at a time;
* the checks the command line runs before any work (:func:`expand_inputs`,
  :func:`check_output`, :func:`check_output_dir`, :func:`check_parquet_schemas`).

A file that cannot be used raises :class:`FileError` (a ``ValueError``) with a message
of one line naming the file.

Examples
--------
>>> import tempfile, pathlib, aanspraak
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "decl.csv").write_text(
...     "insured_id;birth_date;treatment_date;code;amount\\n"
...     "007;2014-05-01;2022-03-01;C11;25.00\\n"
... )
>>> decl = read_declarations(folder / "decl.csv")
>>> decl.row(0)
('007', datetime.date(2014, 5, 1), datetime.date(2022, 3, 1), 'C11', Decimal('25.00'))
>>> scored = aanspraak.score(decl)
>>> write_frame(scored, folder / "scored.csv")
>>> read_declarations(str(folder / "*.csv")).height   # a glob: both files, as one frame
2
"""

from __future__ import annotations

import functools
import glob
import inspect
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import polars as pl
import polars.selectors as cs

from aanspraak._frames import MONEY, write_result_parquet
from aanspraak._input import input_schema
from aanspraak.reports import schadelast

#: File formats by extension.
FORMATS: dict[str, str] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".arrow": "ipc",
    ".ipc": "ipc",
    ".feather": "ipc",
}

#: An Arrow IPC input is read into memory, not memory-mapped (polars 1 maps it by default;
#: polars 2 has no ``memory_map`` argument and reads it).
_IPC_OPTIONS: dict[str, Any] = {"memory_map": False} if "memory_map" in inspect.signature(pl.read_ipc).parameters else {}

#: Money text that becomes Decimal(18, 2) exactly: at most two decimals, a dot.
_CENTS_TEXT = r"^\s*[+-]?[0-9]+(\.[0-9]{0,2})?\s*$"


class FileError(ValueError):
    """A file or path that cannot be used: none matches, unsupported extension, cannot be
    read or written, a required column missing, ... The message is one line."""


class Progress(Protocol):
    """What :func:`read_declarations` reports to: ``step`` before a file, ``done`` after."""

    def step(self, what: str) -> None: ...

    def done(self, **counts: Any) -> None: ...


def one_line(error: BaseException | str, *, first_paragraph: bool = False) -> str:
    """An error message on one line (with ``first_paragraph``, a polars message without
    its hints).

    Examples
    --------
    >>> one_line("cannot read x.csv:\\n  bad row 3\\n\\nHint: try ...", first_paragraph=True)
    'cannot read x.csv: bad row 3'
    """
    text = str(error)
    if first_paragraph:
        text = text.strip().split("\n\n", 1)[0]
    parts = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(parts) or type(error).__name__


# -------------------------------------------------------------------- input columns
# The input columns come from the engine's one input schema (`aanspraak.input_schema()`,
# docs/rules.md#input); this module and the command line name no column of their own.

#: Schema kinds read from CSV as text (ids and codes keep leading zeros).
_TEXT_KINDS = ("id", "code", "enum", "product", "products", "specialism")
#: Schema kinds read from CSV as booleans.
_BOOLEAN_KINDS = ("bool", "tri")
#: Money columns the CSV reader leaves to polars: a voluntary deductible is whole euros.
_NOT_CSV_MONEY = ("voluntary_deductible",)


class InputColumns(NamedTuple):
    """The input columns a file reader needs to know (see :func:`input_columns`)."""

    #: Columns every declarations file needs (``amount`` or ``amount_cents``).
    required: tuple[str, ...]
    #: Read from CSV as text: ids and codes keep leading zeros and all-digit hospital codes.
    text: tuple[str, ...]
    #: Read from CSV as booleans, also when a file has no value in them.
    boolean: tuple[str, ...]
    #: Read from CSV as text, then Decimal(18, 2) when every value has at most two
    #: decimals (exact); otherwise the engine parses the text and flags bad values.
    money: tuple[str, ...]


@functools.cache
def input_columns() -> InputColumns:
    """The required columns and the CSV column types, from :func:`aanspraak.input_schema`
    (docs/rules.md#input).

    Examples
    --------
    >>> input_columns().required
    ('insured_id', 'birth_date', 'treatment_date', 'code', 'amount')
    >>> "contracted" in input_columns().boolean
    True
    """
    schema = input_schema()

    def named(condition: pl.Expr) -> tuple[str, ...]:
        return tuple(schema.filter(condition)["name"].to_list())

    kind = pl.col("kind")
    return InputColumns(
        required=named(pl.col("required")),
        text=named(kind.is_in(_TEXT_KINDS)),
        boolean=named(kind.is_in(_BOOLEAN_KINDS)),
        money=named((kind == "money") & ~pl.col("name").is_in(_NOT_CSV_MONEY)),
    )


def check_required(frame: "pl.DataFrame | dict[str, pl.DataType]", path: Path, columns: "dict[str, str] | None" = None) -> None:
    """Raise :class:`FileError` when the file at ``path`` (read into ``frame``, or its
    schema) lacks a required column (``amount_cents`` stands in for ``amount``). Each of
    several files needs them: concatenating would fill a missing one with nulls."""
    named = columns or {}
    required = [named.get(c, c) for c in input_columns().required]
    have = frame.columns if isinstance(frame, pl.DataFrame) else list(frame)
    cents = named.get("amount_cents", "amount_cents")
    missing = [c for c in required if c not in have and not (c == named.get("amount", "amount") and cents in have)]
    if missing:
        raise FileError(f"{path}: no column {', '.join(map(repr, missing))} (required: {', '.join(required)})")


# ---------------------------------------------------------------------------- input


def file_format(path: Path) -> str:
    """``parquet``, ``csv`` or ``ipc`` by the extension of ``path`` (else :class:`FileError`).

    Examples
    --------
    >>> file_format(Path("claims/2022.PQ")), file_format(Path("x.feather"))
    ('parquet', 'ipc')
    """
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise FileError(
            f"{path}: unsupported file type {path.suffix or '(no extension)'!r}; use {', '.join(FORMATS)}"
        )
    return kind


def expand_inputs(patterns: Sequence[str | Path]) -> list[Path]:
    """The files named by ``patterns``, in order, each once (``~`` expanded).

    A ``str`` may be a glob (``*``, ``?``, ``[...]``; ``**`` recursive), its matches
    sorted; a :class:`~pathlib.Path` is always one file. Raises :class:`FileError` for a
    pattern that matches no file, a path that does not exist or is a directory, and an
    unsupported extension.
    """
    files: list[Path] = []
    seen: set[Path] = set()
    for pattern in patterns:
        expanded = os.path.expanduser(pattern)
        if isinstance(pattern, str) and glob.has_magic(expanded):
            matches = sorted(m for m in glob.glob(expanded, recursive=True) if not os.path.isdir(m))
            if not matches:
                raise FileError(f"no file matches {pattern!r}")
            paths = [Path(m) for m in matches]
        else:
            path = Path(expanded)
            if path.is_dir():
                raise FileError(f"{pattern} is a directory; name its files, e.g. '{path / '*.parquet'}'")
            if not path.exists():
                raise FileError(f"no such file: {pattern}")
            paths = [path]
        for path in paths:
            file_format(path)
            if path.resolve() not in seen:
                seen.add(path.resolve())
                files.append(path)
    return files


def _read_one(path: Path, csv: Callable[[Path], pl.DataFrame]) -> pl.DataFrame:
    """`path` as a frame by its extension: Parquet and Arrow IPC as stored, CSV by `csv`;
    :class:`FileError` naming the file when it cannot be read."""
    kind = file_format(path)
    try:
        if kind == "parquet":
            return pl.read_parquet(path)
        if kind == "ipc":
            return pl.read_ipc(path, **_IPC_OPTIONS)
        return csv(path)
    except FileError:
        raise
    except (OSError, pl.exceptions.PolarsError, ValueError) as e:
        raise FileError(f"cannot read {path}: {one_line(e, first_paragraph=True)}") from e


def _exact_money(df: pl.DataFrame, path: Path, names: Sequence[str]) -> pl.DataFrame:
    """The CSV text columns `names` (those present) as Decimal(18, 2); FileError when a
    value is not euros with at most two decimals."""
    money = [c for c in names if c in df.columns]
    bad = [c for c in money if not df.select(pl.col(c).is_null().or_(pl.col(c).str.contains(_CENTS_TEXT)).all()).item()]
    if bad:
        raise FileError(f"cannot read {path}: column {bad[0]!r} holds values that are not euros with at most two decimals")
    return df.with_columns(pl.col(money).str.strip_chars().cast(pl.Decimal(18, 2)))


def read_file(path: str | Path, columns: "dict[str, str] | None" = None) -> pl.DataFrame:
    """One declarations file, read through polars (CSV as described in the module
    docstring; `columns`: the warehouse's names of the input columns, library name →
    yours, so that a CSV column is typed by what it holds). Raises :class:`FileError`
    when it cannot be read."""
    return _read_one(Path(path), lambda p: _read_csv(p, columns or {}))


def _read_csv(path: Path, named: "dict[str, str] | None" = None) -> pl.DataFrame:
    named = named or {}
    kinds = input_columns()
    columns = InputColumns(*[tuple(named.get(c, c) for c in group) for group in kinds])
    overrides: dict[str, Any] = {c: pl.String for c in (*columns.text, *columns.money)}
    overrides.update({c: pl.Boolean for c in columns.boolean})
    df = pl.read_csv(
        path, separator=_csv_separator(path), try_parse_dates=True, schema_overrides=overrides, infer_schema_length=1_000
    )
    money = [c for c in columns.money if c in df.columns]
    if money:
        clean = df.select(pl.col(c).is_null().or_(pl.col(c).str.contains(_CENTS_TEXT)).all() for c in money).row(0)
        exact = [c for c, ok in zip(money, clean) if ok]
        df = df.with_columns(pl.col(exact).str.strip_chars().cast(pl.Decimal(18, 2)))
    return df


def read_scored(paths: Sequence[str | Path], columns: "dict[str, str] | None" = None) -> pl.DataFrame:
    """Scored lines written by :func:`write_frame` or ``aanspraak score -o`` (Parquet, CSV
    or Arrow IPC; several files are concatenated): CSV money columns (exact text) become
    Decimal(18, 2), ids text. Raises :class:`FileError` when a file cannot be read."""
    named = columns or {}
    text = {named.get(c, c) for c in ("insured_id", "line_id", "code", "supplementary_product", "basic_product")}

    def csv(path: Path) -> pl.DataFrame:
        overrides = {c: pl.String for c in [*text, *MONEY]}
        df = pl.read_csv(path, separator=_csv_separator(path), try_parse_dates=True, infer_schema_length=10_000, schema_overrides=overrides)
        return _exact_money(df, path, MONEY)

    frames = [_read_one(path, csv) for path in map(Path, paths)]
    if not frames:
        raise FileError("no scored files to read")
    try:
        return pl.concat(frames, how="diagonal_relaxed")
    except pl.exceptions.PolarsError as e:
        raise FileError(f"the scored files do not fit together: {one_line(e, first_paragraph=True)}") from e


def read_members(path: str | Path, columns: "dict[str, str] | None" = None) -> pl.DataFrame:
    """A membership file for :func:`aanspraak.exposure` (Parquet, CSV or Arrow IPC): CSV
    ids and products as text, ISO dates parsed. Raises :class:`FileError`."""
    named = columns or {}
    text = {named.get(c, c) for c in ("insured_id", "supplementary_product", "basic_product")}
    return _read_one(Path(path), lambda p: pl.read_csv(p, separator=_csv_separator(p), try_parse_dates=True, schema_overrides={c: pl.String for c in text}))


def read_opening(path: str | Path, columns: "dict[str, str] | None" = None) -> pl.DataFrame:
    """An opening-balances file (docs/rules.md#opening-balances) for ``opening=``:
    Parquet or Arrow IPC as stored; CSV with ids, products and groups as text, ``year``
    as an integer and the euros as exact decimals. Raises :class:`FileError` when it
    cannot be read; its values are checked by :func:`aanspraak.score`."""
    named = columns or {}
    money = ("eigen_risico_used", "annual_used", "limit_used")
    text = [named.get("insured_id", "insured_id"), named.get("supplementary_product", "supplementary_product"), "limit_group", *money]

    def csv(p: Path) -> pl.DataFrame:
        df = pl.read_csv(p, separator=_csv_separator(p), schema_overrides={c: pl.String for c in text}, infer_schema_length=1_000)
        return _exact_money(df, p, money)

    return _read_one(Path(path), csv)


def _csv_separator(path: Path) -> str:
    """``,``, or ``;`` / tab when the header line has those and no comma (spreadsheet exports)."""
    with open(path, "rb") as f:
        header = f.readline(65_536)
    if b"," not in header:
        for sep in (b";", b"\t"):
            if sep in header:
                return sep.decode()
    return ","


def estimate_rows(path: Path) -> int | None:
    """The number of rows from a file's metadata (Parquet, IPC), an estimate from its
    size for CSV (about 80 bytes a line), ``None`` when the file cannot be read."""
    try:
        kind = file_format(path)
        if kind == "parquet":
            return int(pl.scan_parquet(path).select(pl.len()).collect().item())
        if kind == "ipc":
            return int(pl.scan_ipc(path).select(pl.len()).collect().item())
        return path.stat().st_size // 80  # ~80 bytes per CSV line
    except Exception:  # noqa: BLE001 - reading reports the real problem
        return None


def read_declarations(
    source: str | Path | Sequence[str | Path], *, progress: Progress | None = None, columns: "dict[str, str] | None" = None
) -> pl.DataFrame:
    """Declaration lines from one or more files, as ``aanspraak score`` reads them.

    Parameters
    ----------
    source
        A path, a glob (a ``str`` with ``*``, ``?`` or ``[...]``), or a list of them (see
        :func:`expand_inputs`): Parquet (``.parquet``, ``.pq``), CSV (``.csv``) or Arrow IPC
        (``.arrow``, ``.ipc``, ``.feather``) by extension.
    progress
        Told ``step("read NAME")`` before and ``done(rows=N)`` after each file.
    columns
        The warehouse's column names (library name → yours, as for
        :func:`aanspraak.score`): CSV columns are typed by the input column they hold,
        and the columns keep your names.

    Returns
    -------
    polars.DataFrame
        All files concatenated in order, columns matched by name and types relaxed to a
        common supertype. Each of several files needs the required columns.

    Raises
    ------
    FileError
        No such file, an unsupported extension, a file that cannot be read, a missing
        required column in one of several files, files that cannot be combined.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "decl.csv"
    >>> _ = path.write_text("insured_id,birth_date,treatment_date,code,amount,contracted\\n"
    ...                     "0042,1990-01-01,2022-05-01,C11, 25.5 ,\\n")
    >>> read_declarations(path).row(0)
    ('0042', datetime.date(1990, 1, 1), datetime.date(2022, 5, 1), 'C11', Decimal('25.50'), None)
    """
    files = expand_inputs([source] if isinstance(source, (str, Path)) else source)
    frames = []
    rows = 0
    for path in files:
        if progress is not None:
            progress.step(f"read {path.name}")
        frame = read_file(path, columns)
        if len(files) > 1:
            check_required(frame, path, columns)
        rows += frame.height
        if progress is not None:
            progress.done(rows=rows)
        frames.append(frame)
    if len(frames) == 1:
        return frames[0]
    try:
        return pl.concat(frames, how="diagonal_relaxed")
    except pl.exceptions.PolarsError as e:
        raise FileError(f"cannot combine the input files: {one_line(e, first_paragraph=True)}") from e


# --------------------------------------------------------------------------- output


def check_output(output: str, inputs: Sequence[Path]) -> Path:
    """The output file ``output``, checked before any work: a supported extension, not a
    directory, its directory exists, and not one of the ``inputs``."""
    path = Path(os.path.expanduser(output))
    file_format(path)
    if path.is_dir():
        raise FileError(f"output {output} is a directory")
    if not path.parent.is_dir():
        raise FileError(f"the directory of output {output} does not exist")
    if any(path.resolve() == f.resolve() for f in inputs):
        raise FileError(f"output {output} would overwrite an input file")
    return path


def is_directory_output(output: str) -> bool:
    """Whether ``output`` names a directory of part files rather than a file: an existing
    directory, a path ending in ``/``, or a path without an extension (``scored``).

    Examples
    --------
    >>> is_directory_output("scored/"), is_directory_output("scored"), is_directory_output("scored.csv")
    (True, True, False)
    """
    expanded = os.path.expanduser(output)
    if expanded.endswith(("/", os.sep)) or os.path.isdir(expanded):
        return True
    return Path(expanded).suffix == ""


def check_output_dir(output: str, inputs: Sequence[Path]) -> Path:
    """The output directory of part files, checked before any work: Parquet inputs only,
    its parent exists, no ``part-*.parquet`` there yet, and no input file inside it."""
    path = Path(os.path.expanduser(output))
    not_parquet = [f for f in inputs if file_format(f) != "parquet"]
    if not_parquet:
        raise FileError(
            f"a directory output ({output}) streams Parquet inputs only, and {not_parquet[0]} is "
            f"{file_format(not_parquet[0]).upper()}; convert it to Parquet or name an output file (e.g. -o scored.parquet)"
        )
    if path.exists() and not path.is_dir():
        raise FileError(f"output {output} is a file, not a directory; give it an extension (.parquet, .csv, ...) or choose a directory")
    if not path.exists() and not path.parent.is_dir():
        raise FileError(f"the parent directory of output {output} does not exist")
    if path.is_dir():
        if any(path.glob("part-*.parquet")):
            raise FileError(f"output directory {output} already has part-*.parquet files; remove them or choose another directory")
        inside = [f for f in inputs if f.resolve().is_relative_to(path.resolve())]
        if inside:
            raise FileError(f"output directory {output} holds the input file {inside[0]}; choose another directory")
    return path


def check_parquet_schemas(files: Sequence[Path], columns: "dict[str, str] | None" = None) -> dict[str, pl.DataType]:
    """The common schema of Parquet ``files`` (read from their footers): every file needs
    the required columns, and the same columns with the same types as the first."""
    first: dict[str, pl.DataType] | None = None
    for path in files:
        try:
            schema = dict(pl.read_parquet_schema(path))
        except (OSError, pl.exceptions.PolarsError, ValueError) as e:
            raise FileError(f"cannot read {path}: {one_line(e, first_paragraph=True)}") from e
        check_required(schema, path, columns)
        if first is None:
            first = schema
            continue
        missing = [c for c in first if c not in schema]
        extra = [c for c in schema if c not in first]
        changed = [f"{c} ({schema[c]}, not {first[c]})" for c in first if c in schema and schema[c] != first[c]]
        if missing or extra or changed:
            what = "; ".join(
                x for x in (
                    f"no column {', '.join(map(repr, missing))}" if missing else "",
                    f"extra column {', '.join(map(repr, extra))}" if extra else "",
                    f"other type: {', '.join(changed)}" if changed else "",
                ) if x
            )
            raise FileError(
                f"cannot stream the input files together: {path} differs from {files[0]} ({what}); "
                "a directory output needs the same columns and types in every file"
            )
    return first or {}


def write_frame(df: pl.DataFrame, path: str | Path) -> None:
    """Write ``df`` as Parquet, CSV or Arrow IPC by the extension of ``path``, through a
    temporary file so that a failed write leaves no partial output.

    CSV gets money (Decimal) and categorical columns as text, so the cents stay exact.

    Examples
    --------
    >>> import tempfile, pathlib, decimal
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "paid.csv"
    >>> write_frame(pl.DataFrame({"paid": [decimal.Decimal("0.10")]}), path)
    >>> path.read_text()
    'paid\\n0.10\\n'
    """
    path = Path(path)
    kind = file_format(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if kind == "parquet":
            write_result_parquet(df, tmp)
        elif kind == "ipc":
            df.write_ipc(tmp)
        else:
            df.with_columns((cs.decimal() | cs.categorical() | cs.enum()).cast(pl.String)).write_csv(tmp)
        os.replace(tmp, path)
    except (OSError, pl.exceptions.PolarsError) as e:
        tmp.unlink(missing_ok=True)
        raise FileError(f"cannot write {path}: {one_line(e, first_paragraph=True)}") from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ scored part files


def schadelast_tables_of_files(
    paths: Sequence[str | Path], groupings: Sequence[Sequence[str]], columns: "dict[str, str] | None" = None
) -> list[pl.DataFrame]:
    """The schadelast of scored files (:func:`aanspraak.schadelast`) for each grouping in
    ``groupings`` (``()``: all lines), each file read once (only the columns the sums and
    groups need) and the per-file tables added up. The insured counts add up too when
    every insured is in exactly one file, as in the part files of
    :func:`aanspraak.score_parquet`."""
    if not paths:
        raise ValueError("no files to add up")
    # The sums, and what the derived groups (year, age_band, product, ...) are made of.
    named = columns or {}
    wanted = {*(named.get(c, c) for c in ("insured_id", "treatment_date", "domain", "supplementary_product", "basic_product")),
              *MONEY, *(c for by in groupings for c in by), "age", "code_normalized", "reason"}
    tables: list[list[pl.DataFrame]] = [[] for _ in groupings]
    for path in paths:
        part = pl.read_parquet(path, columns=[c for c in pl.read_parquet_schema(path) if c in wanted])
        for table, by in zip(tables, groupings):
            table.append(schadelast(part, by=by, columns=named) if by else schadelast(part, columns=named))
        del part
    out = []
    for table, by in zip(tables, groupings):
        if by:
            out.append(pl.concat(table).group_by(list(by)).agg(pl.all().sum()).sort(list(by), nulls_last=True))
        else:
            out.append(pl.concat(table).select(pl.all().sum()))
    return out


def schadelast_of_files(paths: Sequence[str | Path], by: Sequence[str] = ()) -> pl.DataFrame:
    """:func:`aanspraak.schadelast` of the scored Parquet files ``paths`` (e.g. the part
    files of :func:`aanspraak.score_parquet`), without reading them all into memory
    (see :func:`schadelast_tables_of_files`).

    Examples
    --------
    >>> import tempfile, pathlib, aanspraak
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> decl = aanspraak.synthetic.declarations(2_000, seed=1)
    >>> decl.write_parquet(folder / "decl.parquet")
    >>> parts = aanspraak.score_parquet(str(folder / "decl.parquet"), folder / "scored", lines_per_bucket=500)
    >>> total = schadelast_of_files(parts["file"].to_list())
    >>> total.equals(aanspraak.schadelast(aanspraak.score(decl)))
    True
    """
    return schadelast_tables_of_files(paths, [by])[0]


__all__ = [
    "FORMATS",
    "FileError",
    "InputColumns",
    "Progress",
    "check_output",
    "check_output_dir",
    "check_parquet_schemas",
    "check_required",
    "estimate_rows",
    "expand_inputs",
    "file_format",
    "input_columns",
    "is_directory_output",
    "one_line",
    "read_declarations",
    "read_file",
    "schadelast_of_files",
    "schadelast_tables_of_files",
    "write_frame",
]
