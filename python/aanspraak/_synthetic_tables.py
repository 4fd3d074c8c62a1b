"""The tables behind :mod:`aanspraak.synthetic` (SYNTHETIC data, NOT REAL): the
generator's own choices, and the lookup arrays built from them and from the bundled
reference data, each built once, on first use (``functools.cache``).

The choices are guesses, not statistics: which prestatiecodes are drawn and how often
per age band (:data:`CODE_TABLE`), by which provider (:data:`PROVIDER_MIX`), which
hospital codes and how often (:data:`MSZ_POK`, :data:`MSZ_AUTH`,
:data:`MSZ_ON_REQUEST`), and the product mix per policy set (:data:`PRODUCT_MIX`).
What the bundled tables already hold is read from them, not copied:

* the NZa maximum tariffs (``amount`` is drawn around them) from the bundled code table
  (:meth:`aanspraak.CodeTable.bundled`, docs/rules.md#code-table), the row valid in the
  code's era; :data:`TARIFFS_NOT_IN_CODE_TABLE` holds the one tariff the table leaves out;
* the hospital codes are checked against the bundled authorisation and POK lists
  (docs/rules.md#hospital-care), so a code cannot drift from the list it claims to be on;
* the product keys are checked against the bundled policy sets
  (:func:`aanspraak.policies`); a bundled set without a mix here gets one: its basic
  products in equal shares, its supplementary products without accident cover.

Examples
--------
>>> pre, new = dental_tariffs()
>>> pre["C11"], new["C002"]
(2291, 2851)
>>> policy_sets()["vgz-2021"]
((('uc-ruime-keuze', 1.0),), ('uc-tandzeker-500',))
"""

from __future__ import annotations

import datetime as dt
import functools
import io

import numpy as np
import polars as pl

from aanspraak import _core
from aanspraak.codes import CodeTable
from aanspraak.policy import policies

__all__ = [
    "AGE_EDGES",
    "CODE_TABLE",
    "CODE_YEARS",
    "DENTAL_USE",
    "ERA_START_2026",
    "MSZ_AUTH",
    "MSZ_ON_REQUEST",
    "MSZ_POK",
    "MSZ_SLOTS",
    "PRODUCT_MIX",
    "PROVIDERS",
    "PROVIDERS_OUT",
    "PROVIDER_MIX",
    "REGIONS",
    "SETTINGS",
    "TARIFFS_NOT_IN_CODE_TABLE",
    "code_years",
    "dental_use_by_age",
    "dental_tables",
    "dental_tariffs",
    "msz_tables",
    "policy_sets",
    "supplementary_min_ages",
]

# ---------------------------------------------------------------------------
# Code table.
# (pre-2026 code, 2026 code, weights for age bands (0-5, 6-11, 12-17, 18-64,
# 65+), provider kind, tooth kind).  Tooth kind: None = no element, "P" = FDI
# element (deciduous allowed under 12), "D" = deciduous element only.
# Provider kinds are explained at PROVIDER_MIX.
# Cleaning is M03 (gebitsreiniging): in the reference list M30 is sensitive
# tooth necks / fluoride varnish and M32 a bacteriological test; both appear
# with small weights. Fillings before 2026 are the 2013 codes V11-V15 plus the
# 2020 amalgam code V71 (the later V7x/V8x/V9x split is not in the 2013/2020
# reference rows); from 2026 V11-V14 map to the composite codes V91-V94.
# ---------------------------------------------------------------------------
CODE_TABLE: tuple[tuple[str, str, tuple[float, ...], str, str | None], ...] = (
    ("C11", "C002", (20, 20, 18, 18, 14), "CM", None),
    ("C13", "C003", (6, 6, 5, 6, 5), "CM", None),
    ("C22", "C010", (0.2, 0.3, 0.3, 0.5, 0.6), "TD", None),
    ("C28", "C012", (0, 0.1, 0.2, 0.5, 0.4), "TD", None),
    ("M01", "M01", (5, 4, 3, 2, 1), "MH", None),
    ("M02", "M02", (0.5, 1, 1, 1, 0.5), "MH", None),
    ("M03", "M03", (3, 8, 8, 10, 6), "MH", None),
    ("M30", "M30", (1, 2, 1.5, 1, 1), "MH", None),
    ("M32", "M32", (0, 0.3, 0.3, 0.3, 0.2), "MH", None),
    ("M40", "M40", (10, 12, 8, 0.5, 0.3), "MH", None),
    ("M05", "M05", (3, 2, 0, 0, 0), "TD", "D"),
    ("M80", "M80", (0, 0.3, 0.4, 0.1, 0), "TD", "P"),
    ("M81", "M81", (0, 0.2, 0.3, 0.05, 0), "TD", "P"),
    ("X10", "X10", (2, 8, 8, 9, 6), "TD", None),
    ("X21", "X21", (0, 0.2, 0.4, 0.8, 0.8), "XK", None),
    ("X22", "X22", (0, 0, 0, 0.03, 0.1), "XK", None),
    ("A10", "A10", (2, 4, 4, 6, 5), "TD", None),
    ("A15", "A15", (1, 1, 0.5, 0.3, 0.2), "TD", None),
    ("V11", "V91", (2, 3, 3, 3, 2), "TD", "P"),
    ("V12", "V92", (1.5, 3, 3, 4, 3), "TD", "P"),
    ("V13", "V93", (0.5, 1.5, 1, 2, 2), "TD", "P"),
    ("V14", "V94", (0, 0.2, 0.2, 0.5, 0.6), "TD", "P"),
    ("V15", "V15", (0, 0, 0.1, 0.3, 0.1), "TD", "P"),
    ("V71", "V71", (0.5, 1, 1, 1, 1), "TD", "P"),
    ("V30", "V30", (0, 3, 2, 0.1, 0), "TD", "P"),
    ("V35", "V35", (0, 1.5, 1, 0, 0), "TD", "P"),
    ("E66", "E66", (0.3, 0.5, 0, 0, 0), "TD", "D"),
    ("E13", "E13", (0, 0, 0.3, 0.5, 0.3), "TD", "P"),
    ("E14", "E14", (0, 0, 0.1, 0.4, 0.3), "TD", "P"),
    ("E16", "E16", (0, 0, 0.1, 0.3, 0.2), "TD", "P"),
    ("E17", "E17", (0, 0, 0, 0.1, 0.1), "TD", "P"),
    ("E60", "E60", (0, 0.1, 0.1, 0.3, 0.2), "TD", "P"),
    ("T21", "T021", (0, 0, 0.1, 1.5, 1.5), "TD", "P"),
    ("T22", "T022", (0, 0, 0.1, 1.5, 1.5), "TMH", "P"),
    ("T11", "T012", (0, 0, 0, 0.3, 0.3), "TD", None),
    ("T12", "T012", (0, 0, 0, 0.3, 0.3), "TD", None),
    ("T31", "T032", (0, 0, 0, 0.3, 0.3), "TD", None),
    ("T42", "T042", (0, 0, 0, 0.3, 0.3), "TD", None),
    ("R24", "R24", (0, 0, 0, 1.2, 1), "TD", "P"),
    ("R31", "R31", (0, 0, 0.05, 0.5, 0.4), "TD", "P"),
    ("R80", "R80", (0, 0, 0, 0.4, 0.3), "TD", "P"),
    ("R40", "R40", (0, 0, 0, 0.1, 0.1), "TD", "P"),
    ("R08", "R08", (0, 0, 0, 0.2, 0.1), "TD", "P"),
    ("R29", "R29", (0.2, 0.2, 0, 0, 0), "TD", "P"),
    ("H11", "H11", (1.5, 3, 2, 1.5, 2), "HS", "P"),
    ("H16", "H16", (0.2, 0.5, 0.5, 0.3, 0.5), "HS", "P"),
    ("H35", "H35", (0, 0, 0.1, 0.4, 0.4), "HS", "P"),
    ("H42", "H42", (0, 0, 0, 0.1, 0.1), "HS", "P"),
    ("H43", "H43", (0, 0, 0, 0.1, 0.1), "HS", "P"),
    ("H26", "H26", (0, 0, 0, 0.1, 0.1), "HS", None),
    ("H41", "H41", (0.05, 0.05, 0.05, 0.02, 0), "HS", None),
    ("J01", "J010", (0, 0, 0, 0.05, 0.05), "JI", None),
    ("J20", "J040", (0, 0, 0, 0.1, 0.1), "JI", "P"),
    ("J21", "J041", (0, 0, 0, 0.05, 0.05), "JI", "P"),
    ("J23", "J042", (0, 0, 0, 0.08, 0.05), "JI", "P"),
    ("J44", "R67", (0, 0, 0, 0.05, 0.03), "JI", "P"),
    ("J87", "J060", (0, 0, 0, 0.02, 0.01), "JI", "P"),
    ("J19", "J053", (0, 0, 0, 0.03, 0.01), "JI", "P"),
    ("J40", "J070", (0, 0, 0, 0.02, 0.05), "JI", None),
    ("J42", "J072", (0, 0, 0, 0.02, 0.05), "JI", None),
    ("J50", "J080", (0, 0, 0, 0.003, 0.03), "JI", None),
    ("J51", "J081", (0, 0, 0, 0.02, 0.2), "JI", None),
    ("J52", "J082", (0, 0, 0, 0.01, 0.1), "JI", None),
    ("J60", "J090", (0, 0, 0, 0.03, 0.1), "JI", None),
    ("J70", "J100", (0, 0, 0, 0.01, 0.1), "JI", None),
    ("J74", "J105", (0, 0, 0, 0.01, 0.1), "JI", None),
    ("P10", "P001", (0, 0, 0, 0.1, 0.3), "PP", None),
    ("P15", "P002", (0, 0, 0, 0.05, 0.3), "PP", None),
    ("P34", "P003", (0, 0, 0, 0.05, 0.2), "PP", None),
    ("P35", "P004", (0, 0, 0, 0.05, 0.2), "PP", None),
    ("P57", "P070", (0, 0, 0, 0.02, 0.2), "PP", None),
    ("P21", "P020", (0, 0, 0, 0.05, 1), "PF", None),
    ("P25", "P021", (0, 0, 0, 0.05, 0.8), "PF", None),
    ("P30", "P022", (0, 0, 0, 0.05, 1.2), "PF", None),
    ("P14", "P040", (0, 0, 0, 0.02, 0.3), "PF", None),
    ("P01", "P062", (0, 0, 0, 0.01, 0.4), "PF", None),
    ("P02", "P062", (0, 0, 0, 0.01, 0.3), "PF", None),
    ("P03", "P063", (0, 0, 0, 0.01, 0.3), "PF", None),
    ("P04", "P063", (0, 0, 0, 0.01, 0.2), "PF", None),
    ("P06", "P060", (0, 0, 0, 0.01, 0.1), "PF", None),
    ("P07", "P068", (0, 0, 0, 0.02, 0.6), "PF", None),
    ("P08", "P069", (0, 0, 0, 0.02, 0.5), "PF", None),
    ("F121A", "F121A", (0.02, 0.3, 0.5, 0.03, 0), "FO", None),
    ("F122A", "F122A", (0, 0.2, 0.5, 0.03, 0), "FO", None),
    ("F123A", "F123A", (0, 0.2, 0.5, 0.02, 0), "FO", None),
    ("F125A", "F125A", (0, 0.2, 0.5, 0.02, 0), "FO", None),
    ("F126A", "F126A", (0, 0.2, 0.5, 0.02, 0), "FO", None),
    ("F155A", "F155A", (0, 0.2, 0.5, 0.02, 0), "FO", None),
    ("F156A", "F156A", (0, 0.2, 0.5, 0.02, 0), "FO", None),
    ("F411A", "F411A", (0, 0.3, 0.2, 0.01, 0), "FO", None),
    ("F421A", "F421A", (0, 0.1, 0.1, 0, 0), "FO", None),
    ("F451A", "F451A", (0, 0, 0.2, 0.01, 0), "FO", None),
    ("F461A", "F461A", (0, 0, 0.5, 0.02, 0), "FO", None),
    ("F511A", "F511A", (0, 1, 0.8, 0.03, 0), "FO", None),
    ("F512A", "F512A", (0, 0.3, 0.2, 0, 0), "FO", None),
    ("F515A", "F515A", (0, 0, 1, 0.05, 0), "FO", None),
    ("F516A", "F516A", (0, 0, 3, 0.1, 0), "FO", None),
    ("F531A", "F531A", (0, 0.2, 0.3, 0.01, 0), "FO", None),
    ("F533A", "F533A", (0, 0, 0.5, 0.02, 0), "FO", None),
    ("F811A", "F811A", (0, 0.1, 0.3, 0.01, 0), "FO", None),
    ("F122B", "F122B", (0, 0, 0, 0.05, 0), "FO", None),
    ("F461B", "F461B", (0, 0, 0, 0.02, 0), "FO", None),
    ("F516B", "F516B", (0, 0, 0, 0.1, 0), "FO", None),
)

#: From this year on every row of :data:`CODE_TABLE` draws its 2026 code. Before, a
#: row draws its old code while the bundled code table holds it in the treatment year,
#: and its 2026 code once a renumbering ended the old one (C11 until 2021, C002 from
#: 2022; see :func:`code_years`).
ERA_START_2026 = 2026
#: Years with their own column in :func:`code_years` (earlier years use the first,
#: later ones the last).
CODE_YEARS = range(2013, ERA_START_2026 + 1)

#: Tariffs (euro cents, pre-2026 era) that the bundled code table does not carry. J50:
#: the table describes J50 by the seed's meaning (a full denture with a click denture on
#: the other jaw) and leaves out the 2013 list's EUR 556.10 of "Boven- en onder
#: klikgebit"; the generator keeps drawing J50 amounts around that 2013 tariff.
TARIFFS_NOT_IN_CODE_TABLE: dict[str, int] = {"J50": 55610}

AGE_EDGES = np.array([6, 12, 18, 65])  # band = number of edges <= age
N_BANDS = 5

# Provider types and, per provider kind, the probabilities for (minor, adult).
PROVIDERS: tuple[str, ...] = (
    "tandarts",
    "mondhygienist",
    "kaakchirurg",
    "orthodontist",
    "tandprotheticus",
    "implantoloog",
)
# Output vocabulary: the dental providers plus the hospital one.
PROVIDERS_OUT: tuple[str, ...] = PROVIDERS + ("medisch_specialist",)
PROVIDER_MIX: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "TD": ((1, 0, 0, 0, 0, 0), (1, 0, 0, 0, 0, 0)),  # tandarts only
    "CM": ((0.92, 0.08, 0, 0, 0, 0), (0.88, 0.12, 0, 0, 0, 0)),  # C11/C13
    "MH": ((0.7, 0.3, 0, 0, 0, 0), (0.6, 0.4, 0, 0, 0, 0)),  # prevention
    "TMH": ((0.2, 0.8, 0, 0, 0, 0), (0.15, 0.85, 0, 0, 0, 0)),  # T22
    "HS": ((0.88, 0, 0.12, 0, 0, 0), (0.3, 0, 0.7, 0, 0, 0)),  # surgery
    "XK": ((0.95, 0, 0.05, 0, 0, 0), (0.7, 0, 0.3, 0, 0, 0)),  # X21/X22
    "JI": ((0.1, 0, 0.8, 0, 0, 0.1), (0.1, 0, 0.8, 0, 0, 0.1)),  # implants
    "FO": ((0.05, 0, 0, 0.95, 0, 0), (0.05, 0, 0, 0.95, 0, 0)),  # orthodontics
    "PF": ((1, 0, 0, 0, 0, 0), (0.55, 0, 0, 0, 0.45, 0)),  # full dentures
    "PP": ((1, 0, 0, 0, 0, 0), (1, 0, 0, 0, 0, 0)),  # partial dentures
}

# ---------------------------------------------------------------------------
# Hospital care (medisch-specialistische zorg, msz) tables.
# (specialism, zorgactiviteit code, relative weight): 61 pairs chosen from
# the bundled POK list (rust/aanspraak-core/data/msz/pok_list.csv, "Ingrepen
# POK", seed 001_0cecb427a987a2af.txt; msz_tables() checks them against it).
# The pair is kept, so the specialism always matches the code as on the list. The weights are guesses (cataract, skin
# excisions, carpal tunnel and chalazia common), not statistics.
# ---------------------------------------------------------------------------
MSZ_POK: tuple[tuple[str, str, float], ...] = (
    ("ANE", "030540", 1), ("ANE", "030552", 1), ("ANE", "039683", 2),
    ("CHI", "033605", 2), ("CHI", "033621", 2), ("CHI", "033622", 1),
    ("CHI", "035120", 1), ("CHI", "038340", 3), ("CHI", "038822", 1),
    ("CHI", "038856", 2), ("CHI", "038911", 4), ("CHI", "038913", 2),
    ("CHI", "038931", 2), ("CHI", "038963", 1), ("CHI", "039011", 1),
    ("DER", "033623", 2), ("DER", "037410", 1), ("DER", "038907", 2),
    ("DER", "038911", 5), ("DER", "038913", 4), ("DER", "039063", 3),
    ("DER", "039064", 3), ("DER", "039076", 2), ("DER", "039660", 1),
    ("GE", "034394", 1), ("GE", "034697", 1),
    ("GYN", "037170", 2), ("GYN", "037191", 2), ("GYN", "037200", 2),
    ("GYN", "037420", 1), ("GYN", "037944", 1),
    ("KNO", "031800", 1), ("KNO", "031802", 3), ("KNO", "032014", 1),
    ("KNO", "032041", 1), ("KNO", "032320", 2), ("KNO", "032330", 2),
    ("KNO", "038911", 1),
    ("NCH", "030461", 1),
    ("OOG", "030898", 3), ("OOG", "031241", 6), ("OOG", "031242", 2),
    ("OOG", "031511", 3), ("OOG", "031531", 1), ("OOG", "031545", 2),
    ("ORT", "038340", 2), ("ORT", "038752", 1), ("ORT", "038822", 1),
    ("ORT", "038856", 1),
    ("PLA", "031545", 2), ("PLA", "038340", 3), ("PLA", "038373", 1),
    ("PLA", "038382", 1), ("PLA", "038857", 2), ("PLA", "038911", 2),
    ("PLA", "039000", 1), ("PLA", "039011", 1),
    ("URO", "036170", 1), ("URO", "036210", 1), ("URO", "036721", 2),
    ("URO", "036800", 2),
)
# (category, code): 17 rows chosen from the bundled authorisation list
# (rust/aanspraak-core/data/msz/authorization_list.csv, the insurer's
# list, seed 000_81a8797e10194693.txt; checked like the POK pairs). K categories are oral
# and maxillofacial surgery (specialism "MKA", provider kaakchirurg), X
# categories plastic surgery ("PLA"). K01/K02 = implants in the toothless
# upper/lower jaw, K03 = in a jaw with teeth: those lines get ``jaw`` and
# ``edentulous``.
MSZ_AUTH: tuple[tuple[str, str], ...] = (
    ("K01", "238060"), ("K01", "235021"), ("K02", "238060"), ("K02", "238029"),
    ("K03", "238060"), ("K03", "238063"), ("K04", "238049"), ("K05", "234034"),
    ("K05", "234035"), ("K06", "238026"), ("K07", "234024"), ("K08", "234070"),
    ("K09", "234190"), ("X02", "231539"), ("X03", "232062"), ("X09", "239084"),
    ("X99", "239074"),
)
# Zorgactiviteiten "op verzoek van de patiënt" (pok_list.csv; not insured care).
MSZ_ON_REQUEST: tuple[tuple[str, str], ...] = (
    ("OOG", "199872"), ("CHI", "199884"), ("DER", "199893"),
)
# Shares of hospital lines: POK list / authorisation list / on request.
MSZ_GROUP_SHARE = (0.945, 0.05, 0.005)
MSZ_SLOTS = 10_000  # entry lookup table size (weights to 1e-4)
SETTINGS: tuple[str, ...] = ("pok", "outpatient", "daycare", "inpatient")
# Cumulative per-mille thresholds over SETTINGS: POK-list procedures, others.
SETTING_CUM_PM = np.array([[750, 800, 950, 1000], [100, 500, 900, 1000]], dtype=np.int16)

#: Product mix per policy set: basic products with their share of insureds, and the
#: supplementary products (drawn uniformly among the insureds that have one), in the
#: order the generator draws them (the order fixes the drawn values of a seed).
PRODUCT_MIX: dict[str, tuple[tuple[tuple[str, float], ...], tuple[str, ...]]] = {
    "defriesland-2022": (
        (("alles-verzorgd", 0.7), ("zelf-bewust", 0.3)),
        (
            "av-tand-opstap",
            "av-tand-doorstap",
            "av-tand-standaard",
            "av-tand-extra",
            "av-tand-optimaal",
        ),
    ),
    "vgz-2021": ((("uc-ruime-keuze", 1.0),), ("uc-tandzeker-500",)),
    "iptiq-2019": ((("besured-ruime-keuze", 1.0),), ()),
}


# ---------------------------------------------------------------------------
# The synthetic portfolio (aanspraak.synthetic.members, declarations_for).
# ---------------------------------------------------------------------------
#: Province of residence and its rough share of the Dutch population (CBS, 1 January
#: 2022, rounded; the generator's ``region`` column, a grouping column for exposure).
REGIONS: tuple[tuple[str, float], ...] = (
    ("Zuid-Holland", 21.3), ("Noord-Holland", 16.5), ("Noord-Brabant", 14.6),
    ("Gelderland", 12.0), ("Utrecht", 7.8), ("Overijssel", 6.6), ("Limburg", 6.3),
    ("Friesland", 3.7), ("Groningen", 3.4), ("Drenthe", 2.8), ("Flevoland", 2.5),
    ("Zeeland", 2.2),
)

#: Share of insureds who see a dental care provider in a full year, by first age of an
#: age range (a guess of the right order: in the Netherlands roughly three in four to
#: four in five people see a dentist in a year; toddlers rarely, school children nearly
#: all, the very old less often). About 0.78 over the Dutch age mix.
DENTAL_USE: tuple[tuple[int, float], ...] = (
    (0, 0.05), (1, 0.30), (2, 0.70), (3, 0.85), (5, 0.90), (18, 0.78), (25, 0.74),
    (65, 0.78), (75, 0.70), (85, 0.50),
)


def dental_use_by_age() -> np.ndarray:
    """:data:`DENTAL_USE` per whole age 0..199.

    Examples
    --------
    >>> use = dental_use_by_age()
    >>> float(use[0]), float(use[10]), float(use[40]), float(use[90])
    (0.05, 0.9, 0.74, 0.5)
    """
    starts = np.array([a for a, _ in DENTAL_USE])
    shares = np.array([s for _, s in DENTAL_USE])
    return shares[np.searchsorted(starts, np.arange(200), side="right") - 1]


@functools.cache
def supplementary_min_ages(policy_set: str) -> tuple[int, ...]:
    """The minimum age of each supplementary product of :func:`policy_sets` ``[policy_set]``
    (0 when the policy names none), read from the bundled policies.

    Examples
    --------
    >>> policy_sets()["defriesland-2022"][1]
    ('av-tand-opstap', 'av-tand-doorstap', 'av-tand-standaard', 'av-tand-extra', 'av-tand-optimaal')
    >>> supplementary_min_ages("defriesland-2022")
    (0, 0, 18, 18, 18)
    """
    products = policies().filter(policy_set=policy_set, kind="supplementary")
    age = dict(zip(products["product"].to_list(), products["min_age"].fill_null(0).to_list()))
    return tuple(int(age[p]) for p in policy_sets()[policy_set][1])


def _alias_table(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vose's alias table for a categorical distribution (build time only)."""
    k = len(weights)
    scaled = np.asarray(weights, dtype=np.float64) * k / np.sum(weights)
    prob = np.ones(k)
    alias = np.arange(k)
    small = [i for i in range(k) if scaled[i] < 1.0]
    large = [i for i in range(k) if scaled[i] >= 1.0]
    while small and large:
        s_, l_ = small.pop(), large.pop()
        prob[s_], alias[s_] = scaled[s_], l_
        scaled[l_] -= 1.0 - scaled[s_]
        (small if scaled[l_] < 1.0 else large).append(l_)
    return prob, alias  # leftovers keep prob 1 (rounding noise only)

@functools.cache
def code_years() -> np.ndarray:
    """Per year of :data:`CODE_YEARS` and row of :data:`CODE_TABLE`: 0 to draw the old
    code, 1 the 2026 code. A row draws its 2026 code in a year where the bundled code
    table holds it and not the old code (C002 from 2022), and in 2026; else the old one
    (also in the few years where the table holds neither: T42 before 2018, M30 before
    2018, J87 in 2013, which are then UNKNOWN_CODE as real lines would be).

    Examples
    --------
    >>> years = code_years()
    >>> row = [r[0] for r in CODE_TABLE].index("C11")
    >>> [int(years[y - 2013, row]) for y in (2021, 2022)]
    [0, 1]
    """
    table = CodeTable.bundled().to_polars().select("code", "valid_from", "valid_to")
    valid: dict[str, set[int]] = {}
    for code, vf, vt in table.iter_rows():
        valid.setdefault(code, set()).update(range(vf.year, min(vt.year, ERA_START_2026) + 1))
    out = np.zeros((len(CODE_YEARS), len(CODE_TABLE)), dtype=np.int64)
    for r, (old, new, *_rest) in enumerate(CODE_TABLE):
        for y, year in enumerate(CODE_YEARS):
            old_ok, new_ok = year in valid.get(old, ()), year in valid.get(new, ())
            out[y, r] = year >= ERA_START_2026 or (new_ok and not old_ok)
    return out


def _tariff_days() -> tuple[list[dt.date], list[dt.date]]:
    """Per row of :data:`CODE_TABLE`: the day whose code-table row gives the old code's
    tariff (the last day it is drawn, at the latest 2025-12-31) and the new code's (1
    January 2026: the 2026 list)."""
    years = code_years()
    old_days = []
    for r in range(len(CODE_TABLE)):
        used = [y for i, y in enumerate(CODE_YEARS) if years[i, r] == 0]
        old_days.append(dt.date(max(used, default=ERA_START_2026 - 1), 12, 31))
    return old_days, [dt.date(ERA_START_2026, 1, 1)] * len(CODE_TABLE)


@functools.cache
def dental_tariffs() -> tuple[dict[str, int], dict[str, int]]:
    """The NZa maximum tariffs in euro cents of the :data:`CODE_TABLE` codes, old codes
    and 2026 codes, from the bundled code table (an old code: the row valid on the last
    day it is drawn; a 2026 code: the 2026 row), with :data:`TARIFFS_NOT_IN_CODE_TABLE`
    where the table has no tariff. A 2026 code drawn before 2026 (C002 in 2022) is drawn
    around its 2026 tariff.

    Examples
    --------
    >>> pre, new = dental_tariffs()
    >>> pre["J87"], new["J060"], pre["J50"]
    (25867, 39009, 55610)
    """
    table = CodeTable.bundled().to_polars()
    out: list[dict[str, int]] = []
    for era, days in enumerate(_tariff_days()):
        wanted = {(row[era], day) for row, day in zip(CODE_TABLE, days)}
        codes = sorted({c for c, _ in wanted})
        rows = table.filter(pl.col("code").is_in(codes))
        found: dict[str, int | None] = {}
        for code, day in sorted(wanted):
            hit = rows.filter((pl.col("code") == code) & (pl.col("valid_from") <= day) & (pl.col("valid_to") >= day))
            if hit.height > 1:
                raise RuntimeError(f"the bundled code table has several rows on {day} for {code}")
            if code not in found or found[code] is None:
                found[code] = hit["max_tariff_cents"][0] if hit.height else None
        tariffs: dict[str, int] = {}
        for code in codes:
            cents = found.get(code)
            if cents is None and era == 0:
                cents = TARIFFS_NOT_IN_CODE_TABLE.get(code)
            if cents is None:
                raise RuntimeError(f"the bundled code table has no tariff for {code}")
            tariffs[code] = int(cents)
        out.append(tariffs)
    return out[0], out[1]


@functools.cache
def policy_sets() -> dict[str, tuple[tuple[tuple[str, float], ...], tuple[str, ...]]]:
    """The product mix per bundled policy set: :data:`PRODUCT_MIX`, checked against the
    bundled policies, and for a bundled set not in it its basic products in equal shares
    and its supplementary products without accident cover (in the set's order).

    Examples
    --------
    >>> sorted(policy_sets())
    ['defriesland-2022', 'iptiq-2019', 'vgz-2021']
    """
    products = policies()
    sets: dict[str, tuple[tuple[tuple[str, float], ...], tuple[str, ...]]] = {}
    for key in products["policy_set"].unique(maintain_order=True).to_list():
        of_set = products.filter(policy_set=key)
        basic = of_set.filter(kind="basic")["product"].to_list()
        supp = of_set.filter(kind="supplementary")
        if key in PRODUCT_MIX:
            mix = PRODUCT_MIX[key]
            unknown = [p for p, _ in mix[0] if p not in basic] + [p for p in mix[1] if p not in supp["product"]]
            if unknown:
                raise RuntimeError(f"PRODUCT_MIX[{key!r}] names products the bundled policy set lacks: {unknown}")
            sets[key] = mix
        else:
            dental = supp.filter(~pl.col("accident_cover").fill_null(False))["product"].to_list()
            sets[key] = (tuple((p, 1.0) for p in basic), tuple(dental))
    missing = sorted(set(PRODUCT_MIX) - set(sets))
    if missing:
        raise RuntimeError(f"PRODUCT_MIX names policy sets that are not bundled: {missing}")
    return sets


def _msz_list_pairs() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(category, code) pairs of the bundled authorisation list and (specialism, code)
    pairs of the bundled POK list."""
    auth_csv, pok_csv = _core.bundled_msz_lists()
    auth = pl.read_csv(io.StringIO(auth_csv), schema_overrides={"category": pl.String, "code": pl.String})
    pok = pl.read_csv(io.StringIO(pok_csv), schema_overrides={"specialism": pl.String, "code": pl.String})
    return set(auth.select("category", "code").iter_rows()), set(pok.select("specialism", "code").iter_rows())


@functools.cache
def dental_tables() -> dict[str, object]:
    """:data:`CODE_TABLE` as flat numpy lookup arrays (code index k for the pre-2026
    code, K + k for its 2026 counterpart), with the tariffs of :func:`dental_tariffs`."""
    k = len(CODE_TABLE)
    pre_tariff, new_tariff = dental_tariffs()
    pre = [row[0] for row in CODE_TABLE]
    new = [row[1] for row in CODE_TABLE]
    weights = np.array([row[2] for row in CODE_TABLE], dtype=np.float64)  # K x 5
    # Walker alias tables, one block of K per age band (the era only shifts
    # the code index): draw j uniform in the band's block and u in [0, 1);
    # keep j when u < prob[j], else take alias[j].
    prob = np.empty(N_BANDS * k)
    alias = np.empty(N_BANDS * k, dtype=np.int64)
    for band in range(N_BANDS):
        p_, a_ = _alias_table(weights[:, band])
        prob[band * k : (band + 1) * k] = p_
        alias[band * k : (band + 1) * k] = a_
    kinds = sorted(PROVIDER_MIX)
    kind_of = np.array([kinds.index(row[3]) for row in CODE_TABLE], dtype=np.int8)
    tooth_of = np.array([{None: 0, "P": 1, "D": 2}[row[4]] for row in CODE_TABLE], dtype=np.int8)
    # Provider lookup: 100 slots per (kind, adult) group, provider i filling
    # round(100 * p_i) of them (all probabilities are whole percents).
    prov_table = np.empty(2 * len(kinds) * 100, dtype=np.uint8)
    for i, kind in enumerate(kinds):
        for adult in range(2):
            g = i * 2 + adult
            reps = np.rint(np.asarray(PROVIDER_MIX[kind][adult]) * 100).astype(np.int64)
            assert reps.sum() == 100, kind
            prov_table[g * 100 : (g + 1) * 100] = np.repeat(np.arange(len(PROVIDERS)), reps)
    return {
        "K": k,
        "vocab": pre + new,
        "tariff": np.array(
            [pre_tariff[c] for c in pre] + [new_tariff[c] for c in new],
            dtype=np.int64,
        ),
        "code_prob": prob,
        # (year - first of CODE_YEARS, row) -> 0 old code, 1 its 2026 code
        "code_year": code_years(),
        "code_alias": alias,
        # age in whole years -> band (0-5, 6-11, 12-17, 18-64, 65+)
        "band_of_age": np.searchsorted(AGE_EDGES, np.arange(200), side="right").astype(np.int64),
        "kind": np.concatenate([kind_of, kind_of]),
        "tooth": np.concatenate([tooth_of, tooth_of]),
        "prov_table": prov_table,
    }



@functools.cache
def msz_tables() -> dict[str, object]:
    """Flat lookup arrays for the hospital entries: POK pairs, then the
    authorisation codes, then the on-request codes (each checked against the bundled
    lists)."""
    auth_pairs, pok_pairs = _msz_list_pairs()
    off = [p for p in (*((s, c) for s, c, _ in MSZ_POK), *MSZ_ON_REQUEST) if p not in pok_pairs]
    off += [p for p in MSZ_AUTH if p not in auth_pairs]
    if off:
        raise RuntimeError(f"hospital codes of the generator that are not on the bundled lists: {off}")
    pok_w = np.array([w for *_, w in MSZ_POK], dtype=np.float64)
    weights = np.concatenate(
        [
            MSZ_GROUP_SHARE[0] * pok_w / pok_w.sum(),
            np.full(len(MSZ_AUTH), MSZ_GROUP_SHARE[1] / len(MSZ_AUTH)),
            np.full(len(MSZ_ON_REQUEST), MSZ_GROUP_SHARE[2] / len(MSZ_ON_REQUEST)),
        ]
    )
    # Lookup table of MSZ_SLOTS slots, entry i filling about
    # weights[i] * MSZ_SLOTS of them (largest remainder): one integer draw
    # per line picks the entry.
    exact = weights / weights.sum() * MSZ_SLOTS
    reps = np.floor(exact).astype(np.int64)
    short = MSZ_SLOTS - reps.sum()
    reps[np.argsort(-(exact - reps), kind="stable")[:short]] += 1
    slot = np.repeat(np.arange(len(weights), dtype=np.int16), reps)
    auth_spec = ["MKA" if cat.startswith("K") else "PLA" for cat, _ in MSZ_AUTH]
    specialism = [s for s, _, _ in MSZ_POK] + auth_spec + [s for s, _ in MSZ_ON_REQUEST]
    codes = [c for _, c, _ in MSZ_POK] + [c for _, c in (*MSZ_AUTH, *MSZ_ON_REQUEST)]
    n_pok = len(MSZ_POK)
    group = np.array([0] * n_pok + [1] * (len(codes) - n_pok), dtype=np.int32)
    ms, kc = PROVIDERS_OUT.index("medisch_specialist"), PROVIDERS_OUT.index("kaakchirurg")
    provider = np.array([kc if s == "MKA" else ms for s in specialism], dtype=np.uint32)
    # setting (1 + index in SETTINGS) per (group != POK list, u in 0..999)
    setting_of = np.concatenate(
        [
            np.repeat(np.arange(1, 5, dtype=np.int8), np.diff(row, prepend=0))
            for row in SETTING_CUM_PM
        ]
    )
    # K01-K03: per mille P(jaw = upper) and P(edentulous = true); -1 = no jaw.
    # Mostly as the category says (K01 toothless upper, K02 toothless lower,
    # K03 with teeth), partly random.
    jaw_pm = {"K01": (850, 850), "K02": (150, 850), "K03": (500, 150)}
    cats = [None] * n_pok + [cat for cat, _ in MSZ_AUTH] + [None] * len(MSZ_ON_REQUEST)
    upper_pm = np.array([jaw_pm.get(c, (-1, 0))[0] for c in cats], dtype=np.int16)
    edent_pm = np.array([jaw_pm.get(c, (-1, 0))[1] for c in cats], dtype=np.int16)
    return {
        "codes": codes,
        "specialism": specialism,
        "slot": slot,
        "group": group,
        "provider": provider,
        "setting_of": setting_of,
        "upper_pm": upper_pm,
        "edent_pm": edent_pm,
    }

