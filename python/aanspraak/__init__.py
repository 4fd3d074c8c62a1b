"""aanspraak: score Dutch health-insurance declarations against the rules that decide who pays.

The basic insurance (Zorgverzekeringswet, Besluit zorgverzekering art. 2.7, Regeling
zorgverzekering art. 2.31), the statutory eigen bijdrage, the annual eigen risico and an
insurer's policy conditions, to the cent, with the legal basis of every decision.

Examples
--------
>>> import aanspraak
>>> decl = aanspraak.synthetic.declarations(1_000, seed=1)
>>> out = aanspraak.score(decl, policy="defriesland-2022")
>>> out.height
1000
>>> "COVERED" in aanspraak.reasons()["reason"].to_list()
True
>>> aanspraak.input_schema().height  # the input columns the engine reads
36
"""

from typing import TYPE_CHECKING, Any

from aanspraak._core import PolicyError, SchemaError, __version__
from aanspraak._input import input_schema
from aanspraak._booking import NotYetBookedWarning
from aanspraak._opening import OpeningError, OpeningWarning, closing_balances
from aanspraak.codes import CodeTable
from aanspraak.exposure import ExposureWarning, exposure
from aanspraak.io import FileError, read_declarations, schadelast_of_files, write_frame
from aanspraak.policy import Policy, policies
from aanspraak.scenarios import Comparison, compare
from aanspraak.reports import schadelast
from aanspraak.triangles import Triangle, TriangleWarning, triangle
from aanspraak.streaming import score_parquet
from aanspraak.scoring import OUTPUT_COLUMNS, reasons, release_memory, score, supplementary_reasons

__all__ = [
    "CodeTable",
    "Comparison",
    "ExposureWarning",
    "FileError",
    "NotYetBookedWarning",
    "OUTPUT_COLUMNS",
    "OpeningError",
    "OpeningWarning",
    "Policy",
    "PolicyError",
    "SchemaError",
    "Triangle",
    "TriangleWarning",
    "__version__",
    "closing_balances",
    "compare",
    "exposure",
    "input_schema",
    "policies",
    "read_declarations",
    "reasons",
    "release_memory",
    "schadelast",
    "schadelast_of_files",
    "score",
    "score_parquet",
    "supplementary_reasons",
    "synthetic",
    "triangle",
    "write_frame",
]

if TYPE_CHECKING:
    from aanspraak import synthetic


def __getattr__(name: str) -> Any:
    """``aanspraak.synthetic`` is imported on first use, so that ``import aanspraak`` does
    not load the synthetic-data generator nor build its tables."""
    if name == "synthetic":
        import aanspraak.synthetic  # sets the package attribute; no `from` (it would call back here)

        return globals()["synthetic"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
