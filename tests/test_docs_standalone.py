"""The repository stands on its own: code cites the law and docs/, not SPEC or DESIGN.md.

SPEC.md and DESIGN.md are not part of the repository, so a comment or docstring citing
them ("SPEC 10.5", "DESIGN.md") sends the reader nowhere. Every such citation must point
to the law or to docs/rules.md / docs/interpretations.md, and every anchor cited there
must exist as a heading.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Where code lives: Rust sources, the Python package, tests, benches and scripts.
SCANNED = [
    *sorted((ROOT / "rust").glob("*/src")),
    ROOT / "python" / "aanspraak",
    ROOT / "tests",
    ROOT / "benches",
    ROOT / "scripts",
]
SUFFIXES = {".rs", ".py"}

CITATION = re.compile(r"\bSPEC\s+(?:section\s+)?\d+(?:\.\d+)?|DESIGN\.md")

# Output strings that may name SPEC: none (legal-basis texts cite the law or docs/).
ALLOWED_STRINGS: set[str] = set()

STRING_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"')

DOC_LINK = re.compile(r"docs/(rules|interpretations)\.md#([A-Za-z0-9_-]+)")


def code_files() -> list[Path]:
    files = []
    for base in SCANNED:
        if base.is_dir():
            files += [p for p in base.rglob("*") if p.suffix in SUFFIXES and p.is_file()]
    return sorted(set(files))


def strip_allowed(line: str) -> str:
    """The line without the string literals that are allowed output texts."""

    def repl(m: re.Match[str]) -> str:
        return '""' if m.group(0)[1:-1] in ALLOWED_STRINGS else m.group(0)

    return STRING_LITERAL.sub(repl, line)


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a markdown heading."""
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def anchors(doc: Path) -> set[str]:
    out = set()
    in_fence = False
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and (m := re.match(r"#{1,6}\s+(.*)", line)):
            out.add(github_slug(m.group(1)))
    return out


def test_scanned_files_exist():
    files = code_files()
    assert any(p.suffix == ".rs" for p in files) and any(p.suffix == ".py" for p in files)
    assert Path(__file__).resolve() in files


def test_no_spec_or_design_citations():
    this = Path(__file__).resolve()
    found = []
    for path in code_files():
        if path == this:
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if CITATION.search(strip_allowed(line)):
                found.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()}")
    assert not found, (
        "cite the law or docs/rules.md / docs/interpretations.md instead of SPEC or "
        "DESIGN.md (they are not in the repository):\n" + "\n".join(found)
    )


def test_cited_doc_anchors_exist():
    known = {name: anchors(ROOT / "docs" / f"{name}.md") for name in ("rules", "interpretations")}
    missing = []
    for path in code_files():
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name, anchor in DOC_LINK.findall(line):
                if anchor not in known[name]:
                    missing.append(f"{path.relative_to(ROOT)}:{no}: docs/{name}.md#{anchor}")
    assert not missing, "anchors not found in docs/:\n" + "\n".join(missing)


def test_docs_links_between_themselves_resolve():
    known = {name: anchors(ROOT / "docs" / f"{name}.md") for name in ("rules", "interpretations")}
    missing = []
    for name in known:
        text = (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")
        for target, anchor in re.findall(r"\]\((?:(rules|interpretations)\.md)?#([A-Za-z0-9_-]+)\)", text):
            if anchor not in known[target or name]:
                missing.append(f"docs/{name}.md -> {(target or name)}.md#{anchor}")
    assert not missing, "\n".join(missing)
