#!/usr/bin/env python3
"""Build the msz (medical specialist care) lists from the seed documents (docs/rules.md#hospital-care).

Stdlib only. Reads two PDF-extracted seeds and writes two CSV files:

* ``authorization_list.csv`` (category,heading,code,description,source) from
  seed ``000_81a8797e10194693.txt``: the insurer's authorisation list,
  categories K01-K09 and X02-X99. One row per code row, in seed order;
  duplicates (the same code under several categories, or twice in one
  category under different headings) are kept exactly as in the seed.
* ``pok_list.csv`` (specialism,code,description,source) from seed
  ``001_0cecb427a987a2af.txt``: "Ingrepen POK", one row per data row in seed
  order, including the "op verzoek patiënt" codes 199872/199884/199893.

Codes are normalised to six digits (the POK seed lost the leading zero:
30540 -> 030540). ``source`` is "seed <file> line <n>" (1-based line of the
row's code).

The script checks itself: for each seed it counts the code rows with a simple
regex over the raw text and fails when the CSV row count differs.

Usage (from the repository root):
    python3 scripts/build_msz_lists.py [--seeds-dir ../shared/seeds]
                                       [--out-dir rust/aanspraak-core/data/msz]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS_DIR = REPO_ROOT / ".." / "shared" / "seeds"
DEFAULT_OUT_DIR = REPO_ROOT / "rust" / "aanspraak-core" / "data" / "msz"

SEED_AUTH = "000_81a8797e10194693.txt"
SEED_POK = "001_0cecb427a987a2af.txt"

AUTH_COLUMNS = ["category", "heading", "code", "description", "source"]
POK_COLUMNS = ["specialism", "code", "description", "source"]

# Parsing patterns (anchored on the code, tolerant of leading/trailing blanks).
AUTH_ROW = re.compile(r"^\s*([KX]\d\d)\s+(\d{5,6})\b\s*(.*?)\s*$")
POK_ROW = re.compile(r"^\s*([A-Z]{2,4})[\t ]+(\d{4,6})\b[\t ]*(.*?)\s*$")
POK_HEADER = re.compile(r"^\s*Specialisme\b", re.IGNORECASE)

# Independent counting patterns for the self-check (deliberately simple).
AUTH_COUNT = re.compile(r"^\s*[KX]\d\d\s+\d{5,6}\b")
POK_COUNT = re.compile(r"^\s*[A-Z]{2,4}[\t ]+\d{4,6}\b")


def clean(text: str) -> str:
    """Normalise whitespace: NBSP and tabs become spaces, runs collapse to one."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def join_parts(parts: list[str]) -> str:
    """Join description fragments with single spaces.

    A fragment ending in '-' or '/' (a word broken across lines, e.g.
    ``irritatie-`` + ``hyperplasieen`` or ``implantaat/`` + ``implantaten``)
    is joined without a space.
    """
    out = ""
    for part in (clean(p) for p in parts):
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith(("-", "/")):
            out += part
        else:
            out += " " + part
    return out


def source(seed: str, lineno: int) -> str:
    return f"seed {seed} line {lineno}"


def six(code: str) -> str:
    if not code.isdigit() or len(code) > 6:
        raise ValueError(f"not a zorgactiviteit code: {code!r}")
    return code.zfill(6)


def read_lines(path: Path) -> list[str]:
    # splitlines() on the decoded text; keep raw lines (no stripping) for the regexes.
    return path.read_text(encoding="utf-8").splitlines()


def next_nonblank(lines: list[str], i: int) -> str | None:
    for j in range(i + 1, len(lines)):
        if lines[j].strip():
            return lines[j]
    return None


def parse_authorization(lines: list[str]) -> list[dict[str, str]]:
    """Parse seed 000.

    Line kinds:
    * code row: ``K01 238060 Plaatsen van ...`` (possibly with a leading space);
    * continuation: a non-blank line directly below a code row or another
      continuation line (no blank line in between);
    * heading: any other non-blank line, i.e. one that follows a blank line
      (or starts the file), or one that starts with whitespace (page-break
      damage glues some headings to the previous row: `` Parodontale
      chirurgie`` right after ``volgens le Fort III.``). A heading must be
      followed by a code row (after blank lines); anything else is an error.
    """
    rows: list[dict[str, str]] = []
    heading = ""
    current: dict | None = None  # row being built
    prev_blank = True

    def flush() -> None:
        nonlocal current
        if current is not None:
            rows.append({
                "category": current["category"],
                "heading": current["heading"],
                "code": current["code"],
                "description": join_parts(current["parts"]),
                "source": source(SEED_AUTH, current["lineno"]),
            })
            current = None

    for idx, raw in enumerate(lines):
        lineno = idx + 1
        if not raw.strip():
            prev_blank = True
            continue
        m = AUTH_ROW.match(raw)
        if m:
            flush()
            if not heading:
                raise ValueError(f"line {lineno}: code row before any heading")
            current = {
                "category": m.group(1),
                "code": six(m.group(2)),
                "parts": [m.group(3)],
                "lineno": lineno,
                "heading": heading,
            }
        else:
            looks_like_heading = prev_blank or current is None or raw[:1].isspace()
            if looks_like_heading:
                nxt = next_nonblank(lines, idx)
                if nxt is None or not AUTH_ROW.match(nxt):
                    raise ValueError(
                        f"line {lineno}: {raw.strip()!r} looks like a heading "
                        "but no code row follows"
                    )
                flush()
                heading = clean(raw)
            else:
                current["parts"].append(raw)
        prev_blank = False
    flush()
    return rows


def parse_pok(lines: list[str]) -> list[dict[str, str]]:
    """Parse seed 001: everything after the column header line.

    Data rows are ``SPEC<tab>code<tab>description`` or ``SPEC code
    description`` (single spaces), sometimes with a leading space. A non-blank
    non-row line directly below a row (no blank line between) is taken as a
    continuation of its description; other stray lines are an error.
    """
    start = None
    for idx, raw in enumerate(lines):
        if POK_HEADER.match(raw):
            start = idx + 1
            break
    if start is None:
        raise ValueError("POK seed: header line 'Specialisme ...' not found")

    rows: list[dict[str, str]] = []
    current: dict | None = None
    prev_blank = True

    def flush() -> None:
        nonlocal current
        if current is not None:
            rows.append({
                "specialism": current["specialism"],
                "code": current["code"],
                "description": join_parts(current["parts"]),
                "source": source(SEED_POK, current["lineno"]),
            })
            current = None

    for idx in range(start, len(lines)):
        raw = lines[idx]
        lineno = idx + 1
        if not raw.strip():
            prev_blank = True
            continue
        m = POK_ROW.match(raw)
        if m:
            flush()
            current = {
                "specialism": m.group(1),
                "code": six(m.group(2)),
                "parts": [m.group(3)],
                "lineno": lineno,
            }
        elif current is not None and not prev_blank:
            current["parts"].append(raw)
        else:
            raise ValueError(f"POK seed line {lineno}: unexpected line {raw.strip()!r}")
        prev_blank = False
    flush()
    return rows


def count_auth(lines: list[str]) -> int:
    return sum(1 for line in lines if AUTH_COUNT.match(line))


def count_pok(lines: list[str]) -> int:
    header = next(i for i, line in enumerate(lines) if POK_HEADER.match(line))
    return sum(1 for line in lines[header + 1:] if POK_COUNT.match(line))


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def check(rows: list[dict[str, str]], expected: int, what: str) -> None:
    if len(rows) != expected:
        raise SystemExit(f"{what}: parsed {len(rows)} rows but the seed has {expected} code rows")
    for row in rows:
        if not re.fullmatch(r"\d{6}", row["code"]):
            raise SystemExit(f"{what}: bad code {row['code']!r} ({row['source']})")
        if not row["description"]:
            raise SystemExit(f"{what}: empty description ({row['source']})")


def distinct(values) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(v, None)
    return list(seen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR,
                        help="directory holding the seed .txt files (default: ../shared/seeds)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR,
                        help="output directory (default: rust/aanspraak-core/data/msz)")
    args = parser.parse_args(argv)

    auth_lines = read_lines(args.seeds_dir / SEED_AUTH)
    pok_lines = read_lines(args.seeds_dir / SEED_POK)

    auth_rows = parse_authorization(auth_lines)
    pok_rows = parse_pok(pok_lines)

    auth_expected = count_auth(auth_lines)
    pok_expected = count_pok(pok_lines)
    check(auth_rows, auth_expected, SEED_AUTH)
    check(pok_rows, pok_expected, SEED_POK)

    write_csv(args.out_dir / "authorization_list.csv", AUTH_COLUMNS, auth_rows)
    write_csv(args.out_dir / "pok_list.csv", POK_COLUMNS, pok_rows)

    print(f"authorization_list.csv: {len(auth_rows)} rows (seed regex count {auth_expected})")
    print("  categories: " + " ".join(distinct(r["category"] for r in auth_rows)))
    print(f"pok_list.csv: {len(pok_rows)} rows (seed regex count {pok_expected})")
    print("  specialisms: " + " ".join(distinct(r["specialism"] for r in pok_rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
