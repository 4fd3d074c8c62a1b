"""SYNTHETIC Dutch dental (mondzorg) and hospital-care (msz) declaration
lines -- NOT REAL DATA.

.. warning::

   EVERYTHING THIS MODULE RETURNS IS SYNTHETIC. No row describes a real
   person, patient, provider, hospital, claim or insurer file, and the
   hospital amounts are random numbers, not DBC or NZa tariffs. Use it for
   benchmarks, demos and tests only; never for actuarial conclusions.

How the data is made
--------------------
Everything is drawn with one :func:`numpy.random.default_rng` seeded by
``seed`` and assembled with numpy arrays and polars expressions; there is no
Python loop over rows or insureds (lines are drawn in vectorised chunks of
about a million), so the same ``seed`` and arguments always give the same
frame.

1. *Insureds.* About ``n / lines_per_insured`` insureds. The age at the end of
   the period is drawn from a rough Dutch population pyramid (CBS 2022, 0-95,
   thinning after 75, few over 85, fewer dental claims before age 2); the birth
   date is placed uniformly within that year of age. Each insured gets a
   gamma-distributed care intensity (teenagers in orthodontics more, the very
   old less); every insured gets one line and the other lines are split over
   insureds with one multinomial draw. Per insured: basic product (De
   Friesland 70 % Alles Verzorgd, 30 % Zelf Bewust), voluntary deductible (15 %
   of those who were 18 on 1 January of the first year pick 100-500; minors
   cannot choose one), optional supplementary product of the policy set for a
   ``supplementary_share`` of insureds, which started on 1 January 1-5 years
   before the first year.
2. *Visits and dates.* Lines of one insured are grouped into visits
   (about 2.5 lines per visit). Visits are spread evenly, with a random
   phase, over the part of the period after the birth date, so the marginal
   treatment date is uniform over the years and never before birth.
3. *Codes.* The age at treatment (whole years) picks one of five bands
   (0-5, 6-11, 12-17, 18-64, 65+); each band has its own weights over a fixed
   table of about 100 common prestatiecodes (children: C11, C13, M40, M03,
   X10, V-fillings, sealing, A10, H11, some F-codes; adults: also T, E, R, H
   by the kaakchirurg, rare J; 65+: full dentures P21/P25/P30, repairs
   P01-P08, implant dentures J51/J52, J50 very rare). Treatment years before
   2026 use the pre-2026 NZa list (2013 codes, 2020 where present); 2026 and
   later use the 2026 list (C11 -> C002, C13 -> C003, V11 -> V91, P21 ->
   P020, J51 -> J081, ...). Every code exists in
   ``shared/reference/nza_mondzorg_codes.csv`` for its era.
4. *Money.* ``amount`` is the NZa maximum tariff of the code (embedded below)
   times a factor: 55 % exactly 1, the rest uniform in 0.80-1.05, rounded half
   up to the cent with integer arithmetic. Never negative.
5. *Other columns.* FDI ``element`` for per-tooth codes (deciduous 51-85 only
   under 12), ``provider_type`` by code group and age, ``contracted`` ~90 %,
   ``authorization`` null ~95 % / true 4 % / false 1 %, ``bt_indication``
   set on ~0.5 %. Finally the rows are shuffled and ``line_id`` numbers them
   0..n-1 in output order.
6. *Hospital lines (msz), only with* ``hospital_share > 0``. Each line
   independently becomes a hospital line with probability
   ``hospital_share`` (drawn after all dental draws, so the dental lines
   and every insured, date, ``contracted`` and ``authorization`` value are
   the same as with ``hospital_share=0``; the
   hospital lines replace dental lines in place and so are mixed with them
   per insured). ``code`` is a six-digit zorgactiviteit code: ~94.5 % a
   (specialism, code) pair from an embedded excerpt of the POK list, ~5 % a
   code of the authorisation list (specialism ``MKA`` for K categories,
   ``PLA`` for X), ~0.5 % the on-request codes 199872 (OOG), 199884 (CHI),
   199893 (DER). ``setting`` for POK-list codes is pok 75 % / daycare 15 % /
   outpatient 5 % / inpatient 5 %, for the others outpatient 40 % / daycare
   40 % / pok 10 % / inpatient 10 %. ``amount`` is lognormal (median EUR 350,
   sigma 0.7) in whole cents times a setting factor (outpatient 0.6, daycare
   1.7, inpatient 4), clipped to EUR 40-8,000. ``provider_type`` is
   ``medisch_specialist`` (``kaakchirurg`` for MKA); ``element``,
   ``reference_tariff`` and ``bt_indication`` are null; K01-K03 codes get a
   ``jaw`` and (90 %) ``edentulous``, mostly as the category says.

The code mix, shares and intensities are plausible guesses, not statistics
from any insurer.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import numpy as np
import polars as pl

__all__ = ["declarations", "POLICY_SETS"]

# ---------------------------------------------------------------------------
# Code table.
# (pre-2026 code, 2026 code, weights for age bands (0-5, 6-11, 12-17, 18-64,
# 65+), provider kind, tooth kind).  Tooth kind: None = no element, "P" = FDI
# element (deciduous allowed under 12), "D" = deciduous element only.
# Provider kinds are explained at _PROVIDER_P.
# Cleaning is M03 (gebitsreiniging): in the reference list M30 is sensitive
# tooth necks / fluoride varnish and M32 a bacteriological test; both appear
# with small weights. Fillings before 2026 are the 2013 codes V11-V15 plus the
# 2020 amalgam code V71 (the later V7x/V8x/V9x split is not in the 2013/2020
# reference rows); from 2026 V11-V14 map to the composite codes V91-V94.
# ---------------------------------------------------------------------------
_CODE_TABLE: tuple[tuple[str, str, tuple[float, ...], str, str | None], ...] = (
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
    ("T53", "T042", (0, 0, 0, 0.3, 0.3), "TD", None),
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

# Maximum tariffs in euro cents, copied from shared/reference/nza_mondzorg_codes.csv
# (column max_tariff_eur). Pre-2026: the 2020 row where the CSV has one (C, M, X,
# A15/A10, V71, J87), else the 2013 row (NZa TB/CU-7042-01 tandheelkunde,
# TB/CU-7057-01 orthodontie, tarieven per 1-1-2013). 2026: the 2026 rows (KNMT
# Tarievenboekje 2026 / NZa 2026 tariefbeschikking).
_TARIFF_PRE2026_CENTS: dict[str, int] = {
    "C11": 2216, "C13": 2216, "C22": 2216, "C28": 10495, "M01": 1307, "M02": 1307,
    "M03": 1307, "M30": 583, "M32": 1749, "M40": 1458, "M05": 2624, "M80": 5073,
    "M81": 2799, "X10": 1633, "X21": 6997, "X22": 6997, "A10": 1458, "A15": 758,
    "V11": 2160, "V12": 3509, "V13": 4589, "V14": 6479, "V15": 6479, "V71": 2449,
    "V30": 2430, "V35": 1350, "E66": 4319, "E13": 9718, "E14": 14037, "E16": 18357,
    "E17": 22676, "E60": 4319, "T21": 2915, "T22": 2160, "T11": 14307, "T12": 15657,
    "T31": 8369, "T53": 10906, "R24": 23756, "R31": 3239, "R80": 2700, "R40": 16197,
    "R08": 6479, "R29": 5399, "H11": 4049, "H16": 3023, "H35": 6479, "H42": 6479,
    "H43": 8638, "H26": 5939, "H41": 3239, "J01": 7019, "J20": 21056, "J21": 7559,
    "J23": 8099, "J44": 2700, "J87": 25867, "J19": 7019, "J40": 16737, "J42": 22136,
    "J50": 55610, "J51": 36174, "J52": 36174, "J60": 5939, "J70": 15117, "J74": 5939,
    "P10": 8099, "P15": 16197, "P34": 22136, "P35": 30235, "P57": 1620, "P21": 16197,
    "P25": 21596, "P30": 35094, "P14": 5939, "P01": 3779, "P02": 8099, "P03": 5399,
    "P04": 8099, "P06": 3779, "P07": 1620, "P08": 4319, "F121A": 2052, "F122A": 2052,
    "F123A": 1253, "F125A": 2697, "F126A": 5536, "F155A": 2693, "F156A": 1579,
    "F411A": 10343, "F421A": 10818, "F451A": 37769, "F461A": 51224, "F511A": 2618,
    "F512A": 2618, "F515A": 2992, "F516A": 3741, "F531A": 2618, "F533A": 3741,
    "F811A": 2600, "F122B": 2052, "F461B": 81359, "F516B": 7038,
}
_TARIFF_2026_CENTS: dict[str, int] = {
    "C002": 2851, "C003": 2851, "C010": 2851, "C012": 13503, "M01": 1682, "M02": 1682,
    "M03": 1682, "M30": 750, "M32": 2251, "M40": 1875, "M05": 3376, "M80": 6526,
    "M81": 3601, "X10": 2100, "X21": 9002, "X22": 9002, "A10": 1875, "A15": 975,
    "V91": 6001, "V92": 7877, "V93": 9377, "V94": 12003, "V15": 9002, "V71": 3151,
    "V30": 3376, "V35": 1875, "E66": 6001, "E13": 13503, "E14": 19504, "E16": 25506,
    "E17": 31507, "E60": 6001, "T021": 4051, "T022": 3001, "T012": 21755, "T032": 13503,
    "T042": 11403, "R24": 33007, "R31": 7502, "R80": 3751, "R40": 22505, "R08": 9002,
    "R29": 6752, "H11": 5626, "H16": 4201, "H35": 9002, "H42": 9002, "H43": 12003,
    "H26": 8252, "H41": 4501, "J010": 9752, "J040": 34358, "J041": 14178, "J042": 11253,
    "R67": 3226, "J060": 39009, "J053": 10127, "J070": 18004, "J072": 30757,
    "J080": 77268, "J081": 50261, "J082": 50261, "J090": 8252, "J100": 21005,
    "J105": 8252, "P001": 11253, "P002": 22505, "P003": 30757, "P004": 42010,
    "P070": 2251, "P020": 22505, "P021": 30007, "P022": 48761, "P040": 8102,
    "P062": 10577, "P063": 10652, "P060": 5251, "P068": 2251, "P069": 6001,
    "F121A": 2851, "F122A": 2851, "F123A": 1551, "F125A": 1899, "F126A": 6854,
    "F155A": 3334, "F156A": 1954, "F411A": 12805, "F421A": 13393, "F451A": 38928,
    "F461A": 63324, "F511A": 3242, "F512A": 3242, "F515A": 3705, "F516A": 4631,
    "F531A": 3242, "F533A": 4631, "F811A": 3219, "F122B": 2851, "F461B": 122226,
    "F516B": 10587,
}

_ERA_START_2026 = 2026
_AGE_EDGES = np.array([6, 12, 18, 65])  # band = number of edges <= age
_N_BANDS = 5

# Provider types and, per provider kind, the probabilities for (minor, adult).
_PROVIDERS: tuple[str, ...] = (
    "tandarts",
    "mondhygienist",
    "kaakchirurg",
    "orthodontist",
    "tandprotheticus",
    "implantoloog",
)
# Output vocabulary: the dental providers plus the hospital one.
_PROVIDERS_OUT: tuple[str, ...] = _PROVIDERS + ("medisch_specialist",)
_PROVIDER_P: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
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
# (specialism, zorgactiviteit code, relative weight): 61 pairs copied from
# rust/aanspraak-core/data/msz/pok_list.csv ("Ingrepen POK", seed
# 001_0cecb427a987a2af.txt). The pair is kept, so the specialism always
# matches the code as on the list. The weights are guesses (cataract, skin
# excisions, carpal tunnel and chalazia common), not statistics.
# ---------------------------------------------------------------------------
_MSZ_POK: tuple[tuple[str, str, float], ...] = (
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
# (category, code): 17 rows copied from
# rust/aanspraak-core/data/msz/authorization_list.csv (the insurer's
# authorisation list, seed 000_81a8797e10194693.txt). K categories are oral
# and maxillofacial surgery (specialism "MKA", provider kaakchirurg), X
# categories plastic surgery ("PLA"). K01/K02 = implants in the toothless
# upper/lower jaw, K03 = in a jaw with teeth: those lines get ``jaw`` and
# ``edentulous``.
_MSZ_AUTH: tuple[tuple[str, str], ...] = (
    ("K01", "238060"), ("K01", "235021"), ("K02", "238060"), ("K02", "238029"),
    ("K03", "238060"), ("K03", "238063"), ("K04", "238049"), ("K05", "234034"),
    ("K05", "234035"), ("K06", "238026"), ("K07", "234024"), ("K08", "234070"),
    ("K09", "234190"), ("X02", "231539"), ("X03", "232062"), ("X09", "239084"),
    ("X99", "239074"),
)
# Zorgactiviteiten "op verzoek van de patiënt" (pok_list.csv; not insured care).
_MSZ_ON_REQUEST: tuple[tuple[str, str], ...] = (
    ("OOG", "199872"), ("CHI", "199884"), ("DER", "199893"),
)
# Shares of hospital lines: POK list / authorisation list / on request.
_MSZ_GROUP_SHARE = (0.945, 0.05, 0.005)
_MSZ_SLOTS = 10_000  # entry lookup table size (weights to 1e-4)
_SETTINGS: tuple[str, ...] = ("pok", "outpatient", "daycare", "inpatient")
# Cumulative per-mille thresholds over _SETTINGS: POK-list procedures, others.
_SETTING_CUM_PM = np.array([[750, 800, 950, 1000], [100, 500, 900, 1000]], dtype=np.int16)
# Amount: lognormal, median EUR 350, times a setting factor (percent), clipped.
_MSZ_MEDIAN_CENTS = 35_000
_MSZ_SIGMA = 0.7
_MSZ_SETTING_PCT = np.array([100, 60, 170, 400], dtype=np.int64)
_MSZ_MIN_CENTS, _MSZ_MAX_CENTS = 4_000, 800_000

# Policy sets: basic products with their share of insureds, supplementary
# products (chosen uniformly among insureds that have one).
POLICY_SETS: dict[str, tuple[tuple[tuple[str, float], ...], tuple[str, ...]]] = {
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

# Relative number of insureds (with dental claims) per year of age 0..95,
# after the CBS 2022 population pyramid, damped for ages 0-1.
_AGE_WEIGHTS = np.concatenate(
    [
        [0.15, 0.5],  # 0-1: few dental claims
        np.full(18, 1.0),  # 2-19
        np.full(30, 1.05),  # 20-49
        np.full(15, 1.15),  # 50-64
        np.full(10, 1.1),  # 65-74
        np.full(5, 0.8),  # 75-79
        np.full(5, 0.5),  # 80-84
        np.full(5, 0.25),  # 85-89
        np.full(6, 0.07),  # 90-95
    ]
)
# Relative care intensity by age band at the end of the period.
_BAND_INTENSITY = np.array([0.6, 1.0, 1.5, 1.0, 0.9])
_LINES_PER_VISIT = 2.5
_PHASE_ONE = 1 << 20  # fixed-point 1.0 for the visit phase
_CHUNK = 1 << 20  # lines per vectorised chunk

# FDI position (1..8 permanent, 1..5 deciduous) within a quadrant as integer
# lookup tables: position i appears weight-times (molars get more work).
# 225 is a multiple of both table lengths (45, 25).
_PERM_POS = np.repeat(np.arange(1, 9, dtype=np.int16), [5, 5, 5, 6, 6, 8, 7, 3])
_DECID_POS = np.repeat(np.arange(1, 6, dtype=np.int16), [3, 3, 4, 7, 8])
_POS_DRAW = 225

_EPOCH = _dt.date(1970, 1, 1)
_CENT = Decimal("0.01")


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


def _build_tables() -> dict[str, object]:
    """Turn _CODE_TABLE into flat numpy lookup arrays (code index k for the
    pre-2026 code, K + k for its 2026 counterpart)."""
    k = len(_CODE_TABLE)
    pre = [row[0] for row in _CODE_TABLE]
    new = [row[1] for row in _CODE_TABLE]
    weights = np.array([row[2] for row in _CODE_TABLE], dtype=np.float64)  # K x 5
    # Walker alias tables, one block of K per age band (the era only shifts
    # the code index): draw j uniform in the band's block and u in [0, 1);
    # keep j when u < prob[j], else take alias[j].
    prob = np.empty(_N_BANDS * k)
    alias = np.empty(_N_BANDS * k, dtype=np.int64)
    for band in range(_N_BANDS):
        p_, a_ = _alias_table(weights[:, band])
        prob[band * k : (band + 1) * k] = p_
        alias[band * k : (band + 1) * k] = a_
    kinds = sorted(_PROVIDER_P)
    kind_of = np.array([kinds.index(row[3]) for row in _CODE_TABLE], dtype=np.int8)
    tooth_of = np.array([{None: 0, "P": 1, "D": 2}[row[4]] for row in _CODE_TABLE], dtype=np.int8)
    # Provider lookup: 100 slots per (kind, adult) group, provider i filling
    # round(100 * p_i) of them (all probabilities are whole percents).
    prov_table = np.empty(2 * len(kinds) * 100, dtype=np.uint8)
    for i, kind in enumerate(kinds):
        for adult in range(2):
            g = i * 2 + adult
            reps = np.rint(np.asarray(_PROVIDER_P[kind][adult]) * 100).astype(np.int64)
            assert reps.sum() == 100, kind
            prov_table[g * 100 : (g + 1) * 100] = np.repeat(np.arange(len(_PROVIDERS)), reps)
    return {
        "K": k,
        "vocab": pre + new,
        "tariff": np.array(
            [_TARIFF_PRE2026_CENTS[c] for c in pre] + [_TARIFF_2026_CENTS[c] for c in new],
            dtype=np.int64,
        ),
        "code_prob": prob,
        "code_alias": alias,
        # age in whole years -> band (0-5, 6-11, 12-17, 18-64, 65+)
        "band_of_age": np.searchsorted(_AGE_EDGES, np.arange(200), side="right").astype(np.int64),
        "kind": np.concatenate([kind_of, kind_of]),
        "tooth": np.concatenate([tooth_of, tooth_of]),
        "prov_table": prov_table,
    }


_T = _build_tables()


def _build_msz_tables() -> dict[str, object]:
    """Flat lookup arrays for the hospital entries: POK pairs, then the
    authorisation codes, then the on-request codes."""
    pok_w = np.array([w for *_, w in _MSZ_POK], dtype=np.float64)
    weights = np.concatenate(
        [
            _MSZ_GROUP_SHARE[0] * pok_w / pok_w.sum(),
            np.full(len(_MSZ_AUTH), _MSZ_GROUP_SHARE[1] / len(_MSZ_AUTH)),
            np.full(len(_MSZ_ON_REQUEST), _MSZ_GROUP_SHARE[2] / len(_MSZ_ON_REQUEST)),
        ]
    )
    # Lookup table of _MSZ_SLOTS slots, entry i filling about
    # weights[i] * _MSZ_SLOTS of them (largest remainder): one integer draw
    # per line picks the entry.
    exact = weights / weights.sum() * _MSZ_SLOTS
    reps = np.floor(exact).astype(np.int64)
    short = _MSZ_SLOTS - reps.sum()
    reps[np.argsort(-(exact - reps), kind="stable")[:short]] += 1
    slot = np.repeat(np.arange(len(weights), dtype=np.int16), reps)
    auth_spec = ["MKA" if cat.startswith("K") else "PLA" for cat, _ in _MSZ_AUTH]
    specialism = [s for s, _, _ in _MSZ_POK] + auth_spec + [s for s, _ in _MSZ_ON_REQUEST]
    codes = [c for _, c, _ in _MSZ_POK] + [c for _, c in (*_MSZ_AUTH, *_MSZ_ON_REQUEST)]
    n_pok = len(_MSZ_POK)
    group = np.array([0] * n_pok + [1] * (len(codes) - n_pok), dtype=np.int32)
    ms, kc = _PROVIDERS_OUT.index("medisch_specialist"), _PROVIDERS_OUT.index("kaakchirurg")
    provider = np.array([kc if s == "MKA" else ms for s in specialism], dtype=np.uint32)
    # setting (1 + index in _SETTINGS) per (group != POK list, u in 0..999)
    setting_of = np.concatenate(
        [
            np.repeat(np.arange(1, 5, dtype=np.int8), np.diff(row, prepend=0))
            for row in _SETTING_CUM_PM
        ]
    )
    # K01-K03: per mille P(jaw = upper) and P(edentulous = true); -1 = no jaw.
    # Mostly as the category says (K01 toothless upper, K02 toothless lower,
    # K03 with teeth), partly random.
    jaw_pm = {"K01": (850, 850), "K02": (150, 850), "K03": (500, 150)}
    cats = [None] * n_pok + [cat for cat, _ in _MSZ_AUTH] + [None] * len(_MSZ_ON_REQUEST)
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


_M = _build_msz_tables()


def _date_key(days: np.ndarray) -> np.ndarray:
    """year * 512 + month * 32 + day for day numbers since 1970-01-01.

    For two keys, ``(later - earlier) // 512`` is the age in whole years."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    dom = (d - months).astype(np.int64) + 1
    return (year * 512 + month * 32 + dom).astype(np.int32)


def _day(year: int, month: int = 1, day: int = 1) -> int:
    return (_dt.date(year, month, day) - _EPOCH).days


def _cents_to_decimal(expr: pl.Expr) -> pl.Expr:
    """Exact Int64 cents -> Decimal(12, 2) euros (no floats involved)."""
    return (expr.cast(pl.Decimal(12, 0)) * pl.lit(_CENT, dtype=pl.Decimal(3, 2))).cast(
        pl.Decimal(12, 2)
    )


def declarations(
    n: int,
    seed: int = 0,
    *,
    years: tuple[int, int] = (2022, 2022),
    policy_set: str = "defriesland-2022",
    lines_per_insured: float = 6.0,
    supplementary_share: float = 0.0,
    hospital_share: float = 0.0,
) -> pl.DataFrame:
    """Generate ``n`` SYNTHETIC dental and hospital declaration lines (NOT
    REAL DATA: no real person, provider, claim or tariff).

    Parameters
    ----------
    n : int
        Number of declaration lines (rows). ``0`` gives an empty frame with
        the full schema.
    seed : int, default 0
        Seed for :func:`numpy.random.default_rng`; the same seed and
        arguments give an identical frame.
    years : tuple of int, default (2022, 2022)
        First and last treatment year, inclusive. Years before 2026 use the
        pre-2026 NZa code list, 2026 and later the 2026 list.
    policy_set : {"defriesland-2022", "vgz-2021", "iptiq-2019"}
        Policy set whose product keys fill ``basic_product`` and
        ``supplementary_product``.
    lines_per_insured : float, default 6.0
        Average number of lines per insured over the whole period; the number
        of insureds is about ``n / lines_per_insured``.
    supplementary_share : float, default 0.0
        Share of insureds (0-1) with a supplementary dental product of the
        policy set (none exist for ``iptiq-2019``).
    hospital_share : float, default 0.0
        Expected share of the lines (0-1) that are hospital-care (msz) lines
        instead of dental lines; each line is drawn independently, so the
        realised share varies by about ``sqrt(share / n)``. With ``0.0`` the
        frame is exactly the dental-only frame of the same seed (plus the
        msz columns, all null, and ``domain`` "mondzorg").

    Returns
    -------
    polars.DataFrame
        Columns ``line_id`` (Int64), ``insured_id`` (String), ``birth_date``
        (Date), ``treatment_date`` (Date), ``code`` (String), ``amount``
        (Decimal(12, 2)), ``element`` (Int16), ``provider_type`` (String),
        ``contracted`` (Boolean), ``reference_tariff`` (Decimal(12, 2)),
        ``authorization`` (Boolean), ``bt_indication`` (String),
        ``basic_product`` (String), ``voluntary_deductible`` (Int32),
        ``supplementary_product`` (String), ``supplementary_start`` (Date),
        ``domain`` (String: "mondzorg" or "msz"), ``specialism`` (String),
        ``setting`` (String: pok, outpatient, daycare, inpatient),
        ``jaw`` (String: upper, lower), ``edentulous`` (Boolean);
        the last four are null on dental lines, and all five are present
        whatever ``hospital_share`` is. Rows in shuffled order, ``line_id`` =
        0..n-1 in that order.

    Raises
    ------
    ValueError
        On a negative ``n``, an unknown ``policy_set``, a bad ``years`` range,
        a non-positive ``lines_per_insured`` or a share outside 0-1.

    Notes
    -----
    The data is synthetic; see the module docstring for how it is made.
    Memory is roughly 2.5 times the size of the result at its peak; 10
    million rows (about 0.85 GiB as Arrow) take about 10 s on 2 cores;
    ``hospital_share=0.3`` adds about 10 % time and 0.12 GiB.

    Examples
    --------
    >>> df = declarations(1000, seed=1)
    >>> df.height
    1000
    >>> df["line_id"].to_list()[:3]
    [0, 1, 2]
    >>> declarations(1000, seed=1).equals(df)
    True
    >>> mixed = declarations(1000, seed=1, hospital_share=0.3)
    >>> sorted(mixed["domain"].unique())
    ['mondzorg', 'msz']
    """
    n = int(n)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if policy_set not in POLICY_SETS:
        raise ValueError(
            f"unknown policy_set {policy_set!r}; expected one of {sorted(POLICY_SETS)}"
        )
    y0, y1 = (int(years[0]), int(years[1]))
    if not (1900 < y0 <= y1 < 2200):
        raise ValueError(f"years must be (first, last) with first <= last, got {years!r}")
    if not lines_per_insured > 0:
        raise ValueError(f"lines_per_insured must be > 0, got {lines_per_insured!r}")
    if not 0.0 <= supplementary_share <= 1.0:
        raise ValueError(f"supplementary_share must be in [0, 1], got {supplementary_share!r}")
    if not 0.0 <= hospital_share <= 1.0:
        raise ValueError(f"hospital_share must be in [0, 1], got {hospital_share!r}")
    hospital_share = float(hospital_share)
    with_msz = hospital_share > 0.0

    rng = np.random.default_rng(seed)
    basic_products, supp_products = POLICY_SETS[policy_set]
    start_day, end_day = _day(y0), _day(y1, 12, 31)

    # ---------------------------------------------------------------- insureds
    m = 0 if n == 0 else min(n, max(1, int(round(n / lines_per_insured))))
    age_cdf = np.cumsum(_AGE_WEIGHTS) / _AGE_WEIGHTS.sum()
    age_end = np.minimum(np.searchsorted(age_cdf, rng.random(m), side="right"), 95)
    birth = end_day - np.floor((age_end + rng.random(m)) * 365.2425).astype(np.int64)
    band_end = np.searchsorted(_AGE_EDGES, age_end, side="right")
    intensity = rng.gamma(2.0, 1.0, m) * _BAND_INTENSITY[band_end]
    # every insured has at least one line; the rest is split by intensity
    counts = np.ones(m, dtype=np.int64)
    if m:
        counts += rng.multinomial(n - m, intensity / intensity.sum())
    n_visits = np.maximum(1, np.rint(counts / _LINES_PER_VISIT)).astype(np.int32)
    phase_q = rng.integers(0, _PHASE_ONE, m, dtype=np.int32)  # visit-cycle phase, fixed point
    lo = np.maximum(start_day, birth).astype(np.int32)  # first possible treatment day
    birth_key = _date_key(birth)
    span = (end_day - lo + 1).astype(np.int32)  # days available for treatment

    bp_cdf = np.cumsum([s for _, s in basic_products])
    bp_idx = np.minimum(
        np.searchsorted(bp_cdf / bp_cdf[-1], rng.random(m), side="right"), len(basic_products) - 1
    ).astype(np.int64)
    adult_at_start = birth <= _day(y0 - 18)
    vd = np.where(
        adult_at_start & (rng.random(m) < 0.15), rng.integers(1, 6, m) * 100, 0
    ).astype(np.int32)
    has_supp = (rng.random(m) < supplementary_share) & (len(supp_products) > 0)
    supp_idx = np.where(
        has_supp, rng.integers(0, max(1, len(supp_products)), m), -1
    ).astype(np.int8)
    supp_start_year = y0 - rng.integers(1, 6, m)
    # 1 January of the start year, as days since 1970-01-01
    supp_start = (supp_start_year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    supp_start = supp_start.astype(np.int32)
    bp_idx = bp_idx.astype(np.uint32)

    # ------------------------------------------------------------------ lines
    ins = np.repeat(np.arange(m, dtype=np.intp), counts)
    del counts
    rng.shuffle(ins)  # output order: not grouped by insured

    # Per-line numeric columns. They are filled in chunks of _CHUNK lines (a
    # loop over ~n / 1e6 chunks, vectorised inside) so that the temporaries
    # stay small and are reused by the allocator; with whole-column
    # temporaries, page faults cost as much as the arithmetic.
    treat = np.empty(n, dtype=np.int32)
    code_idx = np.empty(n, dtype=np.uint32)
    amount_cents = np.empty(n, dtype=np.int64)
    element = np.empty(n, dtype=np.int16)  # 0 = no element
    prov_idx = np.empty(n, dtype=np.uint32)
    contracted = np.empty(n, dtype=np.bool_)
    auth = np.empty(n, dtype=np.int8)  # 0 null, 1 true, 2 false
    bt = np.empty(n, dtype=np.int8)  # 0 null, 1 a, 2 b, 3 c
    if with_msz:  # zeros = null / dental; calloc'ed, so cheap
        setting = np.zeros(n, dtype=np.int8)  # 1 + index in _SETTINGS
        jaw = np.zeros(n, dtype=np.int8)  # 1 upper, 2 lower
        edent = np.zeros(n, dtype=np.int8)  # 1 true, 2 false
    n_dental_codes = 2 * _T["K"]  # code_idx >= this: hospital entry
    day_key = _date_key(np.arange(start_day, end_day + 1))
    k = _T["K"]
    for lo_row in range(0, n, _CHUNK):
        hi_row = min(n, lo_row + _CHUNK)
        c = hi_row - lo_row
        ic = ins[lo_row:hi_row]

        # treatment date, integers only: the insured's visits are spread
        # evenly over [lo, end] with a random phase; a line falls in a random
        # visit slot (slot nv, from float rounding, wraps to slot 0).
        nv = n_visits[ic].astype(np.int64)
        slot = (rng.random(c) * nv).astype(np.int64)
        t = (phase_q[ic] * nv + slot * _PHASE_ONE) % (nv * _PHASE_ONE)
        tr = (lo[ic] + t * span[ic] // (nv * _PHASE_ONE)).astype(np.int32)
        treat[lo_row:hi_row] = tr

        # exact age on the treatment date, from small per-day / per-insured keys
        tkey = day_key[tr - np.int32(start_day)]
        age = np.minimum((tkey - birth_key[ic]) // 512, len(_T["band_of_age"]) - 1)
        era = (tkey >= _ERA_START_2026 * 512).astype(np.int64)

        # code: alias draw within the age band, shifted to the era's code list
        j = _T["band_of_age"][age] * k + rng.integers(0, k, c)
        keep = rng.random(c) < _T["code_prob"][j]
        cidx = np.where(keep, j % k, _T["code_alias"][j]) + era * k
        code_idx[lo_row:hi_row] = cidx

        # amount: NZa maximum x (1 for 55 %, else 0.8000-1.0500), half up to
        # the cent with integers only
        factor_bp = np.where(
            rng.random(c, dtype=np.float32) < 0.55, 10_000, rng.integers(8_000, 10_501, c)
        )
        amount_cents[lo_row:hi_row] = (_T["tariff"][cidx] * factor_bp + 5_000) // 10_000

        # FDI element: one integer draw gives a coin (deciduous or not, for
        # ages 6-11), the quadrant and the position.
        tooth = _T["tooth"][cidx]
        r = rng.integers(0, 2 * 4 * _POS_DRAW, c, dtype=np.int32)
        coin = r >= 4 * _POS_DRAW
        r %= 4 * _POS_DRAW
        deciduous = (tooth == 2) | ((tooth == 1) & ((age < 6) | ((age < 12) & coin)))
        quadrant = (r // _POS_DRAW).astype(np.int16) + 1 + 4 * deciduous.astype(np.int16)
        r %= _POS_DRAW
        pos = np.where(deciduous, _DECID_POS[r % len(_DECID_POS)], _PERM_POS[r % len(_PERM_POS)])
        element[lo_row:hi_row] = np.where(tooth > 0, quadrant * 10 + pos, 0)

        # provider: lookup table per (provider kind, adult)
        pgroup = _T["kind"][cidx].astype(np.int32) * 2 + (age >= 18)
        prov_idx[lo_row:hi_row] = _T["prov_table"][
            pgroup * 100 + rng.integers(0, 100, c, dtype=np.int32)
        ]

        contracted[lo_row:hi_row] = rng.random(c, dtype=np.float32) < 0.90
        # authorization: null ~95 %, true 4 %, false 1 %;
        # bt_indication: null ~99.5 %, else a 40 %, b 40 %, c 20 % (per mille)
        u = rng.integers(0, 1000, c, dtype=np.int16)
        auth[lo_row:hi_row] = np.where(u < 40, 1, np.where(u < 50, 2, 0))
        u = rng.integers(0, 1000, c, dtype=np.int16)
        bt[lo_row:hi_row] = np.where(u < 2, 1, np.where(u < 4, 2, np.where(u < 5, 3, 0)))

    # Hospital lines, drawn after all dental draws (so the dental lines, and
    # every insured, date, contracted and authorization, do not depend on
    # hospital_share): a share of the lines is replaced in place, chunk by
    # chunk like above.
    for lo_row in range(0, n if with_msz else 0, _CHUNK):
        c = min(n, lo_row + _CHUNK) - lo_row
        hit = lo_row + np.flatnonzero(rng.random(c, dtype=np.float32) < hospital_share)
        h = len(hit)
        e = _M["slot"][rng.integers(0, _MSZ_SLOTS, h, dtype=np.int16)]
        code_idx[hit] = n_dental_codes + e
        st = _M["setting_of"][_M["group"][e] * 1000 + rng.integers(0, 1000, h, dtype=np.int16)]
        setting[hit] = st
        # lognormal amount in whole cents, then integer setting factor,
        # half up, clipped
        base = np.rint(_MSZ_MEDIAN_CENTS * np.exp(_MSZ_SIGMA * rng.standard_normal(h)))
        cents = (base.astype(np.int64) * _MSZ_SETTING_PCT[st - 1] + 50) // 100
        amount_cents[hit] = np.clip(cents, _MSZ_MIN_CENTS, _MSZ_MAX_CENTS)
        element[hit] = 0
        prov_idx[hit] = _M["provider"][e]
        bt[hit] = 0
        # K01-K03 (rare): jaw and edentulous (10 % of edentulous left null)
        has_jaw = _M["upper_pm"][e] >= 0
        ej, hj = e[has_jaw], hit[has_jaw]
        uj = rng.integers(0, 1000, (3, len(hj)), dtype=np.int16)
        jaw[hj] = np.where(uj[0] < _M["upper_pm"][ej], 1, 2)
        edent[hj] = np.where(uj[2] < 100, 0, np.where(uj[1] < _M["edent_pm"][ej], 1, 2))

    lines = pl.DataFrame(
        {
            "ins": ins.astype(np.uint32),
            "treat": treat,
            "code_idx": code_idx,
            "amount_cents": amount_cents,
            "element": element,
            "prov_idx": prov_idx,
            "contracted": contracted,
            "auth": auth,
            "bt": bt,
            **({"setting": setting, "jaw": jaw, "edent": edent} if with_msz else {}),
        }
    )
    del ins, treat, code_idx, amount_cents, element, prov_idx, contracted, auth, bt
    if with_msz:
        del setting, jaw, edent

    # per-insured attributes: gathered by polars as numbers (cheap); strings
    # come from small vocabularies
    insured = pl.DataFrame(
        {
            "birth": birth.astype(np.int32),
            "bp_idx": bp_idx,
            "supp_idx": supp_idx,
            "supp_start": supp_start,
            "vd": vd,
        }
    )
    lines = pl.concat(
        [lines, insured.select(pl.all().gather(lines["ins"]))], how="horizontal"
    )
    del insured
    insured_ids = pl.select(
        pl.lit("V") + pl.int_range(1, m + 1, dtype=pl.Int64).cast(pl.String).str.zfill(7)
    ).to_series()

    def vocab(values: list[str] | tuple[str, ...]) -> pl.Expr:
        return pl.lit(pl.Series(list(values) or [""], dtype=pl.String))

    def small_enum(name: str, values: tuple[str, ...]) -> pl.Expr:
        # Int8 column, 0 = null, i = values[i - 1]
        table = pl.Series([None, *values], dtype=pl.String)
        return pl.lit(table).gather(pl.col(name).cast(pl.UInt32))

    # code_idx indexes dental codes (pre-2026, 2026), then the hospital entries
    n_msz = len(_M["codes"])
    tariff_cents = pl.Series(np.concatenate([_T["tariff"], np.zeros(n_msz, dtype=np.int64)]))
    if with_msz:
        msz_cols = {
            "domain": vocab(["mondzorg", "msz"]).gather(
                (pl.col("code_idx") >= n_dental_codes).cast(pl.UInt32)
            ),
            "specialism": pl.lit(
                pl.Series([None] * n_dental_codes + _M["specialism"], dtype=pl.String)
            ).gather(pl.col("code_idx")),
            "setting": small_enum("setting", _SETTINGS),
            "jaw": small_enum("jaw", ("upper", "lower")),
            "edentulous": pl.when(pl.col("edent") > 0).then(pl.col("edent") == 1),
        }
    else:
        msz_cols = {
            "domain": pl.lit("mondzorg", dtype=pl.String),
            "specialism": pl.lit(None, dtype=pl.String),
            "setting": pl.lit(None, dtype=pl.String),
            "jaw": pl.lit(None, dtype=pl.String),
            "edentulous": pl.lit(None, dtype=pl.Boolean),
        }

    out = lines.select(
        line_id=pl.int_range(pl.len(), dtype=pl.Int64),
        insured_id=pl.lit(insured_ids).gather(pl.col("ins")),
        birth_date=pl.col("birth").cast(pl.Date),
        treatment_date=pl.col("treat").cast(pl.Date),
        code=vocab(_T["vocab"] + _M["codes"]).gather(pl.col("code_idx")),
        amount=_cents_to_decimal(pl.col("amount_cents")),
        element=pl.when(pl.col("element") > 0).then(pl.col("element")),
        provider_type=vocab(_PROVIDERS_OUT).gather(pl.col("prov_idx")),
        contracted=pl.col("contracted"),
        # (no NZa maximum tariff for hospital lines: null there)
        reference_tariff=pl.when(
            ~pl.col("contracted") & (pl.col("code_idx") < n_dental_codes)
        ).then(
            _cents_to_decimal(pl.lit(tariff_cents).gather(pl.col("code_idx")))
        ),
        authorization=pl.when(pl.col("auth") > 0).then(pl.col("auth") == 1),
        bt_indication=small_enum("bt", ("a", "b", "c")),
        basic_product=vocab([b for b, _ in basic_products]).gather(pl.col("bp_idx")),
        voluntary_deductible=pl.col("vd").cast(pl.Int32),
        supplementary_product=pl.when(pl.col("supp_idx") >= 0).then(
            vocab(supp_products).gather(pl.col("supp_idx").clip(0).cast(pl.UInt32))
        ),
        supplementary_start=pl.when(pl.col("supp_idx") >= 0).then(
            pl.col("supp_start").cast(pl.Date)
        ),
        **msz_cols,
    )
    return out
