"""The ``aanspraak`` command line: score declaration files, compare policies, run a demo.

Usage
-----
::

    aanspraak demo                                  # score the bundled example, print the schadelast
    aanspraak demo --rows 100000 --seed 7           # ... or synthetic declarations
    aanspraak policies                              # the bundled policy sets and their products
    aanspraak score decl.parquet -o scored.parquet --policy defriesland-2022
    aanspraak score 'claims/2022-*.csv' -o scored.csv --summary-by year,product
    aanspraak score 'claims/*.parquet' -o scored/     # larger than memory: part files
    aanspraak schadelast scored.parquet --by age_band,product --exposure members.parquet
    aanspraak score decl.parquet -o known.parquet --as-of 2023-12-31   # the history as known then
    aanspraak triangle known.parquet --value basic_paid --origin quarter --development month
    aanspraak compare decl.parquet --policy defriesland-2022 \\
        --scenario er165=eigen_risico:165 \\
        --scenario max300=set:supplementary.av-tand-standaard.annual_max_eur=300 \\
        -o compared.parquet

Inputs are Parquet (``.parquet``, ``.pq``), CSV (``.csv``) or Arrow IPC (``.arrow``,
``.ipc``, ``.feather``) files, by extension; several files and globs are read and scored
together as one set of lines, because the eigen risico and the annual maxima run per
insured over all their lines. Outputs are written by the extension of ``-o``.

``score`` with a directory as ``-o`` (an existing directory, a path ending in ``/``, or a
path without an extension) streams Parquet inputs of any size through
:func:`aanspraak.score_parquet`: the lines are bucketed by insured and scored bucket by
bucket into ``part-NNNNN.parquet`` files in that directory, every insured's lines in
exactly one file, in input order within a file, ``line_id`` numbering the input lines.

A mistake in the command line or its input (a missing file, an unknown policy, a missing
column, ...) prints one line ``aanspraak: error: ...`` on stderr and exits with 2; an
unexpected internal error exits with 1 (rerun with ``--debug`` for the traceback).
``python -m aanspraak`` is the same command.

This module parses the arguments, calls the library and prints; reading and writing the
files is :mod:`aanspraak.io` (``aanspraak.read_declarations``, ``aanspraak.write_frame``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
import warnings
import tomllib
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import polars as pl

import aanspraak
from aanspraak.io import FileError, check_output, check_output_dir, check_parquet_schemas, estimate_rows, expand_inputs
from aanspraak.io import is_directory_output, one_line, read_declarations, read_members, read_opening, read_scored
from aanspraak.io import schadelast_tables_of_files, write_frame
from aanspraak._columns import checked as checked_columns
from aanspraak.policy import Policy
from aanspraak.streaming import LINES_PER_BUCKET

#: Above this many input lines the progress bar is shown (when stderr is a terminal).
LARGE_ROWS = 1_000_000

_SCENARIO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
_SCENARIO_HELP = "NAME=POLICY, NAME=eigen_risico:EUR or NAME=set:PATH=VALUE[,PATH=VALUE...]"


class UserError(Exception):
    """A mistake in the command line or its input: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line (raised as :class:`UserError`)."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see '{self.prog} --help')")


# ------------------------------------------------------------------------ progress


class _Progress:
    """A tqdm bar over steps (files read, score, write) on stderr; silent when disabled."""

    def __init__(self, total: int, enabled: bool | None) -> None:
        from tqdm import tqdm

        # disable=None: tqdm turns itself off when stderr is not a terminal.
        disable: bool | None = True if enabled is False else (None if enabled is None else False)
        self.bar = tqdm(total=total, unit="step", desc="aanspraak", disable=disable, leave=False, file=sys.stderr, dynamic_ncols=True)

    def step(self, what: str) -> None:
        self.bar.set_description_str(what)

    def done(self, **postfix: Any) -> None:
        if postfix:
            self.bar.set_postfix({k: f"{v:,}" if isinstance(v, int) else v for k, v in postfix.items()}, refresh=False)
        self.bar.update()

    def close(self) -> None:
        self.bar.close()


def _progress_enabled(files: Sequence[Path], forced: bool | None) -> bool | None:
    """``--progress``/``--no-progress`` as given; by default ``None`` (on a terminal) when
    the input is large (several files or more than :data:`LARGE_ROWS` lines), else off."""
    if forced is not None:
        return forced
    rows = [estimate_rows(f) for f in files] if len(files) == 1 else []
    large = len(files) > 1 or sum(r or 0 for r in rows) > LARGE_ROWS
    return None if large else False


@contextmanager
def _progress(files: Sequence[Path], steps: int, forced: bool | None) -> Iterator[_Progress]:
    """A progress bar when forced, or by default when the input is large (several files
    or more than :data:`LARGE_ROWS` lines) and stderr is a terminal."""
    bar = _Progress(len(files) + steps, _progress_enabled(files, forced))
    try:
        yield bar
    finally:
        bar.close()


# ------------------------------------------------------------------------- display


def _show(title: str, df: pl.DataFrame, groups: Sequence[str] = (), rows: int = 40) -> None:
    """Print a titled, compact table (integer group columns as text, so a year shows no
    thousands separator)."""
    ints = [c for c in groups if c in df.columns and df.schema[c].is_integer()]
    if ints:
        df = df.with_columns(pl.col(ints).cast(pl.String))
    utf8 = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") == "utf8"
    with pl.Config(
        tbl_rows=rows, tbl_cols=-1, tbl_width_chars=250, fmt_str_lengths=60, tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True, thousands_separator=True,
        tbl_formatting="UTF8_FULL_CONDENSED" if utf8 else "ASCII_FULL_CONDENSED",
    ):
        print(f"\n{title}")
        print(df)
    if 0 <= rows < df.height:
        print(f"({df.height:,} rows, {rows} shown)")


def _iso_date(value: str) -> "dt.date":
    """``--as-of``: an ISO date."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def _split_list(value: str, option: str) -> list[str]:
    items = [v.strip() for v in value.split(",")]
    if not all(items):
        raise UserError(f"{option} {value!r}: expected names separated by commas")
    return items


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} lines/s" if seconds > 0 else "-"


def load_policy(spec: str | Path) -> Policy:
    """A bundled policy set by key or a TOML file by path (``~`` expanded)."""
    spec = str(spec)
    path = os.path.expanduser(spec)
    return aanspraak.Policy.load(path if os.path.exists(path) else spec)


# ------------------------------------------------------------------------ commands


def parse_columns_map(value: str | None) -> dict[str, str]:
    """``--columns-map``: a JSON file holding an object ``{"insured_id": "verzekerde_nr", ...}``
    (a path ending in ``.json``), or ``insured_id=verzekerde_nr,amount=bedrag``: the
    library's column name, ``=``, the name in your files."""
    if not value:
        return {}
    if value.endswith(".json") or os.path.isfile(os.path.expanduser(value)):
        path = os.path.expanduser(value)
        try:
            with open(path, encoding="utf-8") as f:
                mapping = json.load(f)
        except FileNotFoundError:
            raise UserError(f"--columns-map {value!r}: no such file") from None
        except (OSError, ValueError) as e:
            raise UserError(f"--columns-map {value!r}: not a JSON file ({one_line(e)})") from None
        if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
            raise UserError(f"--columns-map {value!r}: expected a JSON object of column names, e.g. {{\"insured_id\": \"verzekerde_nr\"}}")
        return mapping
    mapping = {}
    for item in value.split(","):
        key, eq, name = item.partition("=")
        key, name = key.strip(), name.strip()
        if not eq or not key or not name:
            raise UserError(f"--columns-map {value!r}: expected LIBRARY=YOURS[,LIBRARY=YOURS...] (e.g. insured_id=verzekerde_nr) or a .json file")
        if key in mapping:
            raise UserError(f"--columns-map {value!r}: {key} is mapped twice")
        mapping[key] = name
    return mapping


def _opening(args: argparse.Namespace) -> "pl.DataFrame | None":
    """``--opening FILE``: the balances used before the input (docs/rules.md#opening-balances)."""
    if not args.opening:
        return None
    if not Path(args.opening).is_file():
        raise UserError(f"--opening {args.opening!r}: no such file")
    return read_opening(args.opening, args.columns_map)


def cmd_score(args: argparse.Namespace) -> int:
    """``aanspraak score``: read, score in one call, write, print the summary (or, for a
    directory output, stream the Parquet inputs bucket by bucket into part files)."""
    policy = load_policy(args.policy)
    args.columns_map = checked_columns(parse_columns_map(args.columns_map))
    files = expand_inputs(args.inputs)
    columns = _split_list(args.columns, "--columns") if args.columns else None
    by = _split_list(args.summary_by, "--summary-by") if args.summary_by else ["reason"]
    if is_directory_output(args.output):
        return _score_to_directory(args, policy, files, by, columns)
    if args.lines_per_bucket is not None:
        raise UserError(f"--lines-per-bucket applies to a directory output (e.g. -o {Path(args.output).stem or 'scored'}/), not to {args.output}")
    output = check_output(args.output, files)

    t_start = time.perf_counter()
    with _progress(files, 2, args.progress) as bar:
        decl = read_declarations(files, progress=bar, columns=args.columns_map)
        t_read = time.perf_counter()
        bar.step(f"score {decl.height:,} lines")
        scored = aanspraak.score(decl, policy, columns=args.columns_map, opening=_opening(args), as_of=args.as_of)
        t_score = time.perf_counter()
        bar.done()
        totals = aanspraak.schadelast(scored, columns=args.columns_map)
        groups = aanspraak.schadelast(scored, by=by, columns=args.columns_map)
        if columns is not None:
            unknown = [c for c in columns if c not in scored.columns]
            if unknown:
                raise UserError(f"--columns: no column {', '.join(map(repr, unknown))}; have {', '.join(scored.columns)}")
            scored = scored.select(columns)
        bar.step(f"write {output.name}")
        write_frame(scored, output)
        bar.done()
    t_end = time.perf_counter()

    n = scored.height
    print(
        f"aanspraak {aanspraak.__version__}: scored {n:,} lines from {len(files)} file{'s' * (len(files) != 1)} "
        f"under {policy.key} in {t_score - t_read:.3f} s ({_rate(n, t_score - t_read)}); "
        f"total {t_end - t_start:.3f} s"
    )
    print(f"wrote {output} ({n:,} rows, {scored.width} columns)")
    _show("Schadelast, all lines", totals)
    _show(f"By {', '.join(by)}", groups, by)
    return 0


def _score_to_directory(
    args: argparse.Namespace, policy: Policy, files: Sequence[Path], by: Sequence[str], columns: Sequence[str] | None
) -> int:
    """``aanspraak score IN... -o DIR/``: :func:`aanspraak.score_parquet` into part files,
    then the schadelast of the part files (one at a time)."""
    from aanspraak.reports import DERIVED
    from aanspraak.streaming import score_parquet

    output = check_output_dir(args.output, files)
    if columns is not None:
        raise UserError("--columns applies to an output file; the part files of a directory output have all columns")
    schema = check_parquet_schemas(files, args.columns_map)
    if len(set(by)) != len(by):
        raise UserError(f"--summary-by {args.summary_by!r}: a column is named twice")
    known = {*schema, "line_id", *aanspraak.OUTPUT_COLUMNS}
    unknown = [c for c in by if c not in known and c not in DERIVED]
    if unknown:  # before hours of scoring, not after
        raise UserError(
            f"--summary-by: cannot group by {', '.join(map(repr, unknown))}: not a column of the scored lines "
            f"nor one of {', '.join(sorted(DERIVED))}"
        )
    lines_per_bucket = args.lines_per_bucket or LINES_PER_BUCKET

    t_start = time.perf_counter()
    try:
        parts = score_parquet(
            [str(f) for f in files], output, policy,
            lines_per_bucket=lines_per_bucket, progress=_progress_enabled(files, args.progress), columns=args.columns_map,
            opening=_opening(args), as_of=args.as_of,
        )
    except pl.exceptions.PolarsError as e:
        notes = "".join(f"; {n}" for n in getattr(e, "__notes__", ()))
        raise UserError(f"cannot stream the input files: {one_line(e, first_paragraph=True)}{notes}") from e
    t_score = time.perf_counter()
    paths = [Path(f) for f in parts["file"]]
    totals, groups = schadelast_tables_of_files(paths, [(), by], args.columns_map) if paths else (None, None)
    t_end = time.perf_counter()

    n = int(parts["lines"].sum())
    width = len(pl.read_parquet_schema(paths[0])) if paths else 0
    print(
        f"aanspraak {aanspraak.__version__}: scored {n:,} lines from {len(files)} file{'s' * (len(files) != 1)} "
        f"under {policy.key} in {t_score - t_start:.3f} s ({_rate(n, t_score - t_start)}), "
        f"streamed in buckets of about {lines_per_bucket:,} lines; total {t_end - t_start:.3f} s"
    )
    names = f"{paths[0].name} .. {paths[-1].name}" if len(paths) > 1 else (paths[0].name if paths else "none")
    print(
        f"wrote {len(paths)} part file{'s' * (len(paths) != 1)} to {output} ({names}; {n:,} rows, {width} columns; "
        "each insured's lines in one file, in input order)"
    )
    if totals is not None:
        _show("Schadelast, all lines", totals)
        _show(f"By {', '.join(by)}", groups, by)
    return 0


def parse_scenario(spec: str, base: Policy) -> tuple[str, Policy]:
    """One ``--scenario``: ``NAME=POLICY`` (bundled key or TOML path),
    ``NAME=eigen_risico:EUR`` or ``NAME=set:PATH=VALUE[,PATH=VALUE...]`` (values as TOML
    scalars, e.g. ``300``, ``true``, ``"text"``); the last two derive from ``base``."""
    name, eq, what = spec.partition("=")
    name, what = name.strip(), what.strip()
    if not eq or not name or not what:
        raise UserError(f"--scenario {spec!r}: expected {_SCENARIO_HELP}")
    if not _SCENARIO_NAME.match(name):
        raise UserError(f"--scenario {spec!r}: the name {name!r} may have only letters, digits, '_' and '-'")
    kind, colon, rest = what.partition(":")
    if colon and kind == "eigen_risico":
        try:
            eur = int(rest)
        except ValueError:
            raise UserError(f"--scenario {spec!r}: eigen_risico needs whole euros, e.g. {name}=eigen_risico:165") from None
        if eur < 0:
            raise UserError(f"--scenario {spec!r}: the eigen risico cannot be negative")
        return name, _derive(spec, lambda: base.with_eigen_risico(eur))
    if colon and kind == "set":
        changes: dict[str, Any] = {}
        # Split on commas that start a new PATH=, so array values may contain commas.
        for item in re.split(r",(?=\s*[A-Za-z0-9_\-.\[\]]+\s*=)", rest):
            path, eq, value = item.partition("=")
            path, value = path.strip(), value.strip()
            if not eq or not path or not value:
                raise UserError(f"--scenario {spec!r}: expected {name}=set:PATH=VALUE[,PATH=VALUE...]")
            changes[path] = _toml_value(value, spec)
        return name, _derive(spec, lambda: base.with_values(changes))
    if colon and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]+", kind) and not os.path.exists(os.path.expanduser(what)):
        raise UserError(f"--scenario {spec!r}: unknown derivation {kind!r}; expected {_SCENARIO_HELP}")
    return name, load_policy(what)


def _derive(spec: str, make: Callable[[], Policy]) -> Policy:
    try:
        return make()
    except ValueError as e:  # PolicyError too: name the scenario
        raise UserError(f"--scenario {spec!r}: {one_line(e)}") from e


def _toml_value(value: str, spec: str) -> Any:
    try:
        return tomllib.loads("v = " + value)["v"]
    except tomllib.TOMLDecodeError:
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*", value):
            return value  # a bare word is a string
        raise UserError(f"--scenario {spec!r}: {value!r} is not a TOML value (quote text: '\"...\"')") from None


def cmd_compare(args: argparse.Namespace) -> int:
    """``aanspraak compare``: the baseline and each ``--scenario`` on the same lines."""
    base = load_policy(args.policy)
    scenarios: dict[str, Policy] = {args.base_name: base}
    if not _SCENARIO_NAME.match(args.base_name):
        raise UserError(f"--base-name {args.base_name!r}: use letters, digits, '_' and '-'")
    for spec in args.scenario:
        name, policy = parse_scenario(spec, base)
        if name in scenarios:
            raise UserError(f"--scenario {spec!r}: the name {name!r} is taken; names must be distinct")
        scenarios[name] = policy
    columns_map = checked_columns(parse_columns_map(args.columns_map))
    files = expand_inputs(args.inputs)
    output = check_output(args.output, files) if args.output else None
    args.columns_map = columns_map
    extra: dict[str, Any] = {"columns_map": columns_map, "opening": _opening(args), "as_of": args.as_of}
    if args.columns:
        extra["columns"] = _split_list(args.columns, "--columns")

    t_start = time.perf_counter()
    with _progress(files, 2 if output else 1, args.progress) as bar:
        decl = read_declarations(files, progress=bar, columns=columns_map)
        t_read = time.perf_counter()
        bar.step(f"compare {len(scenarios)} scenarios on {decl.height:,} lines")
        cmp = aanspraak.compare(decl, scenarios, **extra)
        t_cmp = time.perf_counter()
        bar.done()
        if output is not None:
            bar.step(f"write {output.name}")
            write_frame(cmp.lines, output)
            bar.done()
    t_end = time.perf_counter()

    n = cmp.lines.height
    print(
        f"aanspraak {aanspraak.__version__}: {n:,} lines from {len(files)} file{'s' * (len(files) != 1)} "
        f"under {len(scenarios)} scenarios in {t_cmp - t_read:.3f} s; total {t_end - t_start:.3f} s"
    )
    if output is not None:
        print(f"wrote {output} ({n:,} rows, {cmp.lines.width} columns: <column>__<scenario> per scenario)")
    t = cmp.totals
    deltas = [c for c in t.columns if c.startswith("delta_")]
    _show("Scenarios", t.select("scenario", "policy"))
    _show("Schadelast per scenario", t.drop("policy", *deltas))
    _show(f"Difference to {args.base_name}", t.select("scenario", *deltas))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """``aanspraak demo``: score the bundled example (or synthetic lines) and print the schadelast."""
    synthetic_only = {"--seed": args.seed, "--supplementary-share": args.supplementary_share, "--hospital-share": args.hospital_share}
    if args.rows is None and any(v is not None for v in synthetic_only.values()):
        given = ", ".join(k for k, v in synthetic_only.items() if v is not None)
        verb = "applies" if "," not in given else "apply"
        raise UserError(f"{given} {verb} only to synthetic declarations: add --rows N")
    policy = load_policy(args.policy)
    if args.rows is None:
        from aanspraak.demo import example_declarations

        decl = example_declarations()
        what = "the bundled example (synthetic dental lines of 2022)"
    else:
        bundled = policy.key in aanspraak.policies()["policy_set"].to_list()
        decl = aanspraak.synthetic.declarations(
            args.rows,
            seed=args.seed or 0,
            policy_set=policy.key if bundled else "defriesland-2022",
            supplementary_share=0.6 if args.supplementary_share is None else args.supplementary_share,
            hospital_share=0.1 if args.hospital_share is None else args.hospital_share,
        )
        what = f"synthetic declarations (seed {args.seed or 0})"
    t0 = time.perf_counter()
    scored = aanspraak.score(decl, policy)
    dt = time.perf_counter() - t0
    cmp = aanspraak.compare(decl, {"base": policy, "er165": policy.with_eigen_risico(165)})

    money = ["declared", "eigen_risico", "basic_paid", "supplementary_paid", "patient_paid"]
    print(
        f"aanspraak {aanspraak.__version__} demo: {scored.height:,} lines of {what}, "
        f"scored under {policy.key} ({policy.name}) in {dt:.3f} s ({_rate(scored.height, dt)})"
    )
    _show("Schadelast, all lines", aanspraak.schadelast(scored))
    _show("By age band", aanspraak.schadelast(scored, by=["age_band"]).select("age_band", "lines", "insured", *money), ["age_band"])
    _show("By supplementary product", aanspraak.schadelast(scored, by=["product"]).select("product", "lines", "insured", *money), ["product"])
    _show(
        "What if the eigen risico were EUR 165 (er165) instead of the policy's (base)?",
        cmp.totals.select("scenario", "eigen_risico", "basic_paid", "patient_paid", "delta_basic_paid", "delta_patient_paid"),
    )
    print("\nScore your own files: aanspraak score FILE.parquet -o OUT.parquet --policy KEY (see aanspraak score --help)")
    return 0


def cmd_schadelast(args: argparse.Namespace) -> int:
    """``aanspraak schadelast SCORED... [--by ...] [--exposure MEMBERS]``: the schadelast of
    scored files, per insured-year with a membership file."""
    columns_map = checked_columns(parse_columns_map(args.columns_map))
    files = expand_inputs(args.inputs)
    by = _split_list(args.by, "--by") if args.by else []
    bands = None
    if args.age_bands:
        try:
            bands = [int(b) for b in _split_list(args.age_bands, "--age-bands")]
        except ValueError:
            raise UserError(f"--age-bands {args.age_bands!r}: expected whole ages separated by commas, e.g. 0,18,65") from None
    if args.exposure and not Path(args.exposure).is_file():
        raise UserError(f"--exposure {args.exposure!r}: no such file")
    output = check_output(args.output, files) if args.output else None
    t_start = time.perf_counter()
    scored = read_scored(files, columns_map)
    members = read_members(args.exposure, columns_map) if args.exposure else None
    table = aanspraak.schadelast(scored, by=by, columns=columns_map, exposure=members, age_bands=bands)
    t_end = time.perf_counter()
    print(
        f"aanspraak {aanspraak.__version__}: schadelast of {scored.height:,} scored lines from {len(files)} "
        f"file{'s' * (len(files) != 1)}{f' with the members of {Path(args.exposure).name}' if members is not None else ''} "
        f"in {t_end - t_start:.3f} s"
    )
    shown = table
    if members is not None:
        # The figures an actuary reads first; -o writes every column.
        wanted = [*by, "lines", "claimants", "insured_years", "frequency", "severity",
                  "basic_paid_per_insured_year", "supplementary_paid_per_insured_year", "patient_paid_per_insured_year"]
        shown = table.select([c for c in dict.fromkeys(wanted) if c in table.columns])
    title = f"Schadelast{' per insured-year' if members is not None else ''}{' by ' + ', '.join(by) if by else ''}"
    _show(title + (" (every column with -o)" if members is not None and output is None else ""), shown, by, rows=args.rows)
    if output is not None:
        write_frame(table, output)
        print(f"wrote {output} ({table.height:,} rows, {table.width} columns)")
    return 0


def cmd_triangle(args: argparse.Namespace) -> int:
    """``aanspraak triangle SCORED... --value ... --origin ... --development ...``: a
    development triangle of scored files (docs/rules.md#development-triangles)."""
    columns_map = checked_columns(parse_columns_map(args.columns_map))
    files = expand_inputs(args.inputs)
    by = _split_list(args.by, "--by") if args.by else []
    output = check_output(args.output, files) if args.output else None
    scored = read_scored(files, columns_map)
    tri = aanspraak.triangle(scored, value=args.value, origin=args.origin, development=args.development, by=by, columns=columns_map)
    print(
        f"aanspraak {aanspraak.__version__}: {args.value} of {scored.height:,} scored lines by {args.origin} of treatment "
        f"and {args.development} of booking ({tri.frame['origin'].n_unique():,} origins, "
        f"{int(tri.frame['development'].max() or 0) + 1} development periods)"
    )
    _show(f"{args.values.capitalize()} {args.value}, origin x development (lag in {args.development}s)", tri.wide(args.values), rows=args.rows)
    if output is not None:
        write_frame(tri.frame, output)
        print(f"wrote {output} (the long triangle: {tri.frame.height:,} cells)")
    return 0


def cmd_policies(args: argparse.Namespace) -> int:
    """``aanspraak policies``: the bundled policy sets and their products."""
    products = aanspraak.policies()
    keys = products["policy_set"].unique(maintain_order=True).to_list()
    sets = []
    for key in keys:
        pol = aanspraak.Policy.load(key)
        sets.append({"policy_set": key, "name": pol.name, "default_basic_product": pol.default_basic_product})
    _show("Bundled policy sets (use the key with --policy, or a TOML file of your own)", pl.DataFrame(sets), rows=-1)
    _show("Products", products, rows=-1)
    return 0


# -------------------------------------------------------------------------- parser


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n <= 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {value!r}")
    return n


def _share(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {value!r}") from None
    if not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {value!r}")
    return x


_EXAMPLES = """examples:
  aanspraak demo
  aanspraak policies
  aanspraak score decl.parquet -o scored.parquet --policy defriesland-2022
  aanspraak score 'claims/*.csv' -o scored.csv --summary-by year,product
  aanspraak score 'claims/*.parquet' -o scored/
  aanspraak compare decl.parquet --scenario er165=eigen_risico:165 -o compared.parquet

'aanspraak COMMAND --help' describes a command."""

_INPUT_HELP = (
    "declaration files or globs (quote globs): .parquet/.pq, .csv, .arrow/.ipc/.feather. "
    "All files are read and scored together in one call, because the eigen risico and "
    "the annual maxima run per insured across all their lines"
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``aanspraak`` (usage errors raise :class:`UserError`)."""
    common = _Parser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback of an error")

    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="aanspraak",
        description="Score Dutch health-insurance declarations against the Zvw, Bzv, Rzv, eigen risico and policy rules.",
        epilog=_EXAMPLES,
        formatter_class=fmt,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"aanspraak {aanspraak.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def columns_map_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--columns-map", metavar="MAP",
            help="your files' column names: LIBRARY=YOURS[,...] (e.g. insured_id=verzekerde_nr,amount=bedrag) or a .json file "
            "with an object of the same; the output keeps your names",
        )

    def opening_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--as-of", metavar="DATE", type=_iso_date,
            help="score the history as known on DATE (YYYY-MM-DD): lines with a later or no processing_date are NOT_YET_BOOKED",
        )
        p.add_argument(
            "--opening", metavar="FILE",
            help="balances used before the input (a slice of a year): a Parquet/CSV file with insured_id, year and "
            "eigen_risico_used, or supplementary_product with annual_used, or limit_group with limit_used (euros)",
        )

    def progress_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--progress", action=argparse.BooleanOptionalAction, default=None,
            help=f"show a progress bar on stderr (default: for several files or more than {LARGE_ROWS:,} lines, on a terminal)",
        )

    p = sub.add_parser(
        "score", parents=[common], formatter_class=fmt, help="score declaration files and write the scored lines",
        description="Score declaration files under a policy set, write the scored lines and print the schadelast.\n\n"
        "The output has the input columns plus the output columns (reason, legal_basis, basic_paid, ...),\n"
        "in input order; Parquet, CSV or Arrow IPC by the extension of -o (CSV money as exact text).\n\n"
        "Larger than memory: with a directory as -o (an existing directory, a path ending in '/', or a\n"
        "path without an extension) and Parquet inputs, the lines are bucketed by insured in a streaming\n"
        "pass and scored bucket by bucket into DIR/part-NNNNN.parquet (aanspraak.score_parquet). Every\n"
        "insured's lines are in exactly one part file, in input order within the file; line_id numbers\n"
        "the input lines 0..n-1 (unless the input has line_id), so the part files sorted by line_id are\n"
        "what one in-memory score gives. The input files need the same columns and types.",
    )
    p.add_argument("inputs", nargs="+", metavar="IN", help=_INPUT_HELP)
    p.add_argument(
        "-o", "--output", required=True, metavar="OUT",
        help="output file (.parquet, .csv, .arrow, ...), or a directory (existing, ending in '/', or without an "
        "extension) for part-NNNNN.parquet files scored bucket by bucket (Parquet inputs of any size)",
    )
    p.add_argument("-p", "--policy", default="defriesland-2022", metavar="P", help="bundled policy set key (see 'aanspraak policies') or a TOML file (default: %(default)s)")
    p.add_argument("--columns", metavar="C1,C2", help="write only these columns, in this order (default: all)")
    p.add_argument("--summary-by", metavar="C1,C2", help="group the summary by these columns: any column, or year, age_band, domain, code_section, product, basic_product (default: reason)")
    columns_map_option(p)
    opening_option(p)
    p.add_argument(
        "--lines-per-bucket", type=_positive_int, metavar="N",
        help=f"with a directory output: about N lines per bucket and part file; peak memory grows with N (default: {LINES_PER_BUCKET:,})",
    )
    progress_options(p)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser(
        "compare", parents=[common], formatter_class=fmt, help="score the same files under several policies (what-if)",
        description="Score the same declarations under a baseline policy and what-if scenarios; print the\n"
        "schadelast per scenario and the differences to the baseline.\n\n"
        "A scenario is NAME=SPEC, SPEC being one of\n"
        "  KEY_OR_FILE                       a bundled policy set or a TOML file\n"
        "  eigen_risico:EUR                  the baseline with the compulsory eigen risico set to EUR\n"
        "  set:PATH=VALUE[,PATH=VALUE...]    the baseline with TOML keys set (dotted paths, VALUE as TOML)\n\n"
        "example: aanspraak compare decl.parquet --scenario er165=eigen_risico:165 \\\n"
        "             --scenario max300=set:supplementary.av-tand-extra.annual_max_eur=300",
    )
    p.add_argument("inputs", nargs="+", metavar="IN", help=_INPUT_HELP)
    p.add_argument("-p", "--policy", default="defriesland-2022", metavar="P", help="the baseline: bundled key or TOML file (default: %(default)s)")
    p.add_argument("--base-name", default="base", metavar="NAME", help="name of the baseline scenario (default: %(default)s)")
    p.add_argument("-s", "--scenario", action="append", required=True, metavar="NAME=SPEC", help="a what-if scenario (repeat for more)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the lines, wide: <column>__<scenario> per scenario")
    p.add_argument("--columns", metavar="C1,C2", help="output columns per scenario (default: basic_covered, reason, ..., basic_paid, patient_paid)")
    columns_map_option(p)
    opening_option(p)
    progress_options(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser(
        "demo", parents=[common], formatter_class=fmt, help="score the bundled example (or synthetic lines) and print the schadelast",
        description="Score the bundled example declarations (20,000 synthetic dental lines of 2022), or with\n"
        "--rows N that many freshly generated synthetic lines, and print the schadelast: totals, by age\n"
        "band, by supplementary product, and the effect of an eigen risico of EUR 165. The data is\n"
        "synthetic: no real person, claim or tariff.",
    )
    p.add_argument("-p", "--policy", default="defriesland-2022", metavar="P", help="bundled key or TOML file (default: %(default)s)")
    p.add_argument("--rows", type=_positive_int, metavar="N", help="generate N synthetic lines instead of using the bundled example")
    p.add_argument("--seed", type=int, metavar="S", help="seed of the synthetic lines (with --rows; default 0)")
    p.add_argument("--supplementary-share", type=_share, metavar="X", help="share of insureds with a supplementary product (with --rows; default 0.6)")
    p.add_argument("--hospital-share", type=_share, metavar="X", help="share of hospital-care lines (with --rows; default 0.1)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "schadelast", parents=[common], formatter_class=fmt, help="the schadelast of scored files, per insured-year with members",
        description="Add up scored lines (the output of 'aanspraak score') per group; with --exposure, a membership\n"
        "file, also per insured-year: insured_years, claimants, frequency, severity and <money>_per_insured_year\n"
        "(the pure premium of each part), cells with members and no claims included.\n\n"
        "example: aanspraak schadelast scored.parquet --by age_band,product --exposure members.parquet",
    )
    p.add_argument("inputs", nargs="+", metavar="SCORED", help="scored files (Parquet, CSV or Arrow IPC) or globs, added up together")
    p.add_argument("--by", metavar="C1,C2", help="group by these columns: year, age_band, product, or a column of the lines (and the members)")
    p.add_argument("--exposure", metavar="MEMBERS", help="a membership file (insured_id, birth_date, insured_from, insured_to, ...) for the figures per insured-year")
    p.add_argument("--age-bands", metavar="A1,A2", help="the first age of each age_band, e.g. 0,18,65 (default: 5-year bands)")
    p.add_argument("-o", "--output", metavar="OUT", help="also write the table (.parquet, .csv, .arrow)")
    p.add_argument("--rows", type=int, default=60, metavar="N", help="print at most N rows (default: %(default)s)")
    columns_map_option(p)
    p.set_defaults(func=cmd_schadelast)

    p = sub.add_parser(
        "triangle", parents=[common], formatter_class=fmt, help="a development triangle of scored files",
        description="Set scored lines (with processing_date, the day the insurer booked them) in a development\n"
        "triangle: origin = the period of treatment, development = the lag to the period of booking;\n"
        "print the origin x development table. Score with --as-of DATE first for the triangle as known\n"
        "on that date.\n\n"
        "example: aanspraak triangle scored.parquet --value basic_paid --origin quarter --development month",
    )
    p.add_argument("inputs", nargs="+", metavar="SCORED", help="scored files (Parquet, CSV or Arrow IPC) or globs")
    p.add_argument("--value", default="basic_paid", metavar="COLUMN", help="a money column or declared (default: %(default)s)")
    p.add_argument("--origin", default="year", choices=["year", "quarter", "month"], help="origin period (default: %(default)s)")
    p.add_argument("--development", default="month", choices=["year", "quarter", "month"], help="development period (default: %(default)s)")
    p.add_argument("--values", default="cumulative", choices=["cumulative", "incremental"], help="what the table shows (default: %(default)s)")
    p.add_argument("--by", metavar="C1,C2", help="one triangle per value of these columns")
    p.add_argument("-o", "--output", metavar="OUT", help="also write the long triangle (.parquet, .csv, .arrow)")
    p.add_argument("--rows", type=int, default=60, metavar="N", help="print at most N rows (default: %(default)s)")
    columns_map_option(p)
    p.set_defaults(func=cmd_triangle)

    p = sub.add_parser("policies", parents=[common], help="list the bundled policy sets and their products", description="List the bundled policy sets and their products.")
    p.set_defaults(func=cmd_policies)
    return parser


# ---------------------------------------------------------------------------- main


def _fail(message: str, code: int, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    print(f"aanspraak: error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 a user mistake, 1 an internal error).

    Examples
    --------
    >>> main(["policies"]) == 0  # doctest: +SKIP
    True
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv[: argv.index("--")] if "--" in argv else "--debug" in argv
    with warnings.catch_warnings():
        # The library's warnings (lines not yet booked, capped opening balances, lines
        # outside the exposure) as one line each on stderr, like the errors.
        if not debug:
            warnings.showwarning = _warning_line
        return _run(argv, debug)


def _warning_line(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    print(f"aanspraak: warning: {one_line(str(message))}", file=sys.stderr)


def _run(argv: list[str], debug: bool) -> int:
    try:
        args = build_parser().parse_args(argv)
        func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
        if func is None:
            raise UserError("no command given; choose from score, compare, schadelast, triangle, demo, policies (see 'aanspraak --help')")
        return int(func(args) or 0)
    except SystemExit as e:  # --help, --version
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except (UserError, FileError) as e:
        return _fail(one_line(e), 2, debug)
    except (aanspraak.SchemaError, aanspraak.PolicyError) as e:
        return _fail(one_line(e), 2, debug)
    except FileNotFoundError as e:
        return _fail(f"no such file: {e.filename}" if e.filename else one_line(e), 2, debug)
    except ValueError as e:  # compare, schadelast and policy derivations explain the mistake
        return _fail(one_line(e), 2, debug)
    except BrokenPipeError:  # pragma: no cover - e.g. `aanspraak policies | head`
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        return 1
    except OSError as e:
        return _fail(f"{e.strerror or one_line(e)}{f': {e.filename}' if e.filename else ''}", 2, debug)
    except KeyboardInterrupt as e:  # the notes say what an unfinished run removed or left
        return _fail("; ".join(["interrupted", *getattr(e, "__notes__", ())]), 130, debug)
    except Exception as e:  # noqa: BLE001 - one line, the traceback with --debug
        hint = "" if debug else " (rerun with --debug for the traceback)"
        return _fail(f"internal error: {type(e).__name__}: {one_line(e, first_paragraph=True)}{hint}", 1, debug)


if __name__ == "__main__":
    raise SystemExit(main())
