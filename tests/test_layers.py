"""The modules of the Python package form layers, bottom to top (issue 15): no module
imports one of a higher layer, the imports form no circle, and no module imports another
module's private (`_name`) helpers. Imports anywhere in a module count (module level,
``if TYPE_CHECKING:`` and inside functions); only imports of ``aanspraak`` modules."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "python" / "aanspraak"

#: Layers, bottom to top. ``__init__`` is the package (``import aanspraak``).
LAYERS: list[tuple[str, set[str]]] = [
    ("extension and data", {"_core", "_reason_examples"}),
    ("reference data", {"codes"}),
    ("policy", {"policy"}),
    ("input", {"_input"}),
    ("frames", {"_frames"}),
    ("column names", {"_columns"}),
    ("opening balances", {"_opening"}),
    ("as known on a date", {"_booking"}),
    ("scoring", {"scoring"}),
    ("scenarios", {"scenarios"}),
    ("exposure", {"exposure"}),
    ("reports", {"reports"}),
    ("triangles", {"triangles"}),
    ("streaming", {"streaming"}),
    ("files", {"io"}),
    ("partitions", {"partitions"}),
    ("cluster front ends", {"spark", "dask"}),
    ("synthetic tables", {"_synthetic_tables"}),
    ("synthetic data", {"synthetic"}),
    ("package", {"__init__"}),
    ("demo", {"demo"}),
    ("cli", {"cli"}),
    ("entry point", {"__main__"}),
]

#: Upward imports allowed on purpose, as (importer, imported); none so far.
ALLOWED_UPWARD: set[tuple[str, str]] = set()

LAYER = {m: i for i, (_, mods) in enumerate(LAYERS) for m in mods}


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, imported aanspraak module, names taken from it) for each import in a file."""
    modules = {p.stem for p in PACKAGE.glob("*.py")} | {"_core"}
    out: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "aanspraak":
                    out.append((node.lineno, parts[1] if len(parts) > 1 else "__init__", []))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] != "aanspraak":
                continue
            if len(parts) > 1:
                out.append((node.lineno, parts[1], [a.name for a in node.names]))
            else:  # from aanspraak import x: a module, or a name of the package
                for a in node.names:
                    out.append((node.lineno, a.name, []) if a.name in modules else (node.lineno, "__init__", [a.name]))
    return out


def _graph() -> dict[str, list[tuple[int, str, list[str]]]]:
    return {p.stem: _imports(p) for p in sorted(PACKAGE.glob("*.py"))}


def test_every_module_has_a_layer():
    graph = _graph()
    missing = sorted(({m for m in graph} | {t for refs in graph.values() for _, t, _ in refs}) - set(LAYER))
    assert not missing, f"modules missing from LAYERS: {missing}"


def test_no_module_imports_a_higher_layer():
    upward = [
        f"{m}.py:{line}: {m} ({LAYERS[LAYER[m]][0]}) imports {t} ({LAYERS[LAYER[t]][0]})"
        for m, refs in _graph().items()
        for line, t, _ in refs
        if LAYER[t] > LAYER[m] and (m, t) not in ALLOWED_UPWARD
    ]
    assert not upward, "imports of a higher layer:\n" + "\n".join(upward)


def test_no_import_circle():
    edges = {m: sorted({t for _, t, _ in refs if t != m}) for m, refs in _graph().items()}
    state: dict[str, int] = {}
    circles: list[str] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for t in edges.get(m, []):
            if state.get(t) == 1:
                circles.append(" -> ".join(path[path.index(t) :] + [t]))
            elif t not in state:
                visit(t, path + [t])
        state[m] = 2

    for m in edges:
        if m not in state:
            visit(m, [m])
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_no_module_imports_private_helpers_of_another():
    private = [
        f"{m}.py:{line}: from aanspraak.{t} import {n}"
        for m, refs in _graph().items()
        for line, t, names in refs
        for n in names
        if n.startswith("_") and not (n.startswith("__") and n.endswith("__"))
    ]
    assert not private, "private helpers imported from another module:\n" + "\n".join(private)
