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
33
"""

from aanspraak import synthetic
from aanspraak._core import PolicyError, SchemaError, __version__
from aanspraak._input import input_schema
from aanspraak.codes import CodeTable
from aanspraak.policy import Policy, policies
from aanspraak.scenarios import Comparison, compare
from aanspraak.reports import schadelast
from aanspraak.streaming import score_parquet
from aanspraak.scoring import OUTPUT_COLUMNS, reasons, release_memory, score, supplementary_reasons

__all__ = [
    "CodeTable",
    "Comparison",
    "OUTPUT_COLUMNS",
    "Policy",
    "PolicyError",
    "SchemaError",
    "__version__",
    "compare",
    "input_schema",
    "policies",
    "reasons",
    "release_memory",
    "schadelast",
    "score",
    "score_parquet",
    "supplementary_reasons",
    "synthetic",
]
