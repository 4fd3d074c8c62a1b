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
   P01-P08, implant dentures J51/J52, J50 very rare). Each treatment year
   draws that year's codes from the bundled code table (docs/rules.md#code-table):
   the old code while the table holds it, its successor once a renumbering
   ended it (T21 -> T021 from 2021, C11 -> C002 and P21 -> P020 from 2022,
   J51 -> J081 from 2023), and the 2026 list from 2026 (V11 -> V91).
4. *Money.* ``amount`` is the NZa maximum tariff of the code (read from the
   bundled code table, see ``aanspraak._synthetic_tables``) times a factor:
   55 % exactly 1, the rest uniform in 0.80-1.05, rounded half up to the
   cent with integer arithmetic. Never negative.
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
   (specialism, code) pair chosen from the bundled POK list, ~5 % a
   code of the bundled authorisation list (specialism ``MKA`` for K categories,
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

The synthetic portfolio
-----------------------
:func:`members` draws a SYNTHETIC membership (one period per insured, the shape
:func:`aanspraak.exposure` takes) and :func:`declarations_for` the SYNTHETIC lines of
those members. Both are vectorised (a loop over the years only).

1. *Members.* Each of the ``n`` insureds was insured on 1 January of the first year
   (age from the population pyramid above, without the damping of ages 0-1; insured
   since 1 January of a geometric number of years before, or since birth), or joined
   later: a newborn from the birth date (``birth_rate`` a year), an immigrant on a
   random day (``migration_rate``), a switcher on 1 January of a later year
   (``switch_rate``). Each year some leave: switchers on 31 December, emigrants and
   the dead (a Gompertz curve by age) on a random day. ``insured_to`` is null for
   those still insured at the end of the last year. Basic product by the policy set's
   mix; a voluntary deductible for 12 % of adults; a supplementary product for two
   thirds of insureds, uniform over the products open at their age: the products
   "vanaf 18 jaar" (``min_age`` 18 in the bundled policies: AV Tand Standaard, Extra,
   Optimaal) only for adults, so children (also two thirds: parents insure them with
   them) get AV Tand Opstap or Doorstap; ``region`` a province by population share.
2. *Lines.* Per insured and year with insured days: whether they see a dentist at
   all (by age, ``aanspraak._synthetic_tables.DENTAL_USE``: about 0.78 over the age
   mix, scaled down for part of a year), and if so 1 + a Poisson number of lines with
   a mean by age band and the insured's own gamma intensity, scaled so that the
   expected lines per insured-year is ``lines_per_insured_year``. Lines are grouped
   into visits on uniform days of the insured days; codes, amounts and the other
   columns are drawn as :func:`declarations` draws them (the same code). Each visit is
   booked (``processing_date``) a lognormal lag after it (median two weeks, about 3 %
   over 90 days); 1.5 % of lines are credited 1 + lognormal days (median 30) later, 80
   % of those declared anew with a corrected amount.

*Check against a public figure.* Vektis open data put the Dutch basic-insurance dental
cost (mondzorg) at about EUR 53 per insured-year in 2023. On 50,000 synthetic members
(seed 0, 2023, policy set defriesland-2022)::

    m = members(50_000, seed=0, years=(2023, 2023))
    out = aanspraak.score(declarations_for(m, seed=0, years=(2023, 2023)))
    aanspraak.schadelast(out, by=["year"], exposure=m)

gives ``basic_paid_per_insured_year`` EUR 33.67 and ``eigen_risico_per_insured_year``
EUR 16.74: the care the basic insurance covers comes to EUR 50.41 per insured-year, 5 %
under the public figure; basic_paid alone is 36 % under it, because in this dental-only
portfolio the compulsory eigen risico takes the adults' covered dental care (dentures,
surgery), which in reality other care (pharmacy, hospital) has often used up first.
Children (0-17) cost about EUR 157 per insured-year of basic care, adults 18-64 about
EUR 7 and 65+ about EUR 65 (mostly eigen risico); all lines together declare about EUR
183 per insured-year, 4.6 lines. The calibration set the children's line rates and
``lines_per_insured_year``, not the law. It is a plausibility check of synthetic data,
nothing more.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from aanspraak._frames import to_polars
from aanspraak._synthetic_tables import (
    AGE_EDGES,
    CODE_YEARS,
    MSZ_SLOTS,
    PROVIDERS_OUT,
    REGIONS,
    SETTINGS,
    dental_tables,
    dental_use_by_age,
    msz_tables,
    policy_sets,
    supplementary_min_ages,
)
from aanspraak.exposure import members_frame

__all__ = ["declarations", "declarations_for", "members", "POLICY_SETS"]

# Hospital amount: lognormal, median EUR 350, times a setting factor (percent), clipped.
_MSZ_MEDIAN_CENTS = 35_000
_MSZ_SIGMA = 0.7
_MSZ_SETTING_PCT = np.array([100, 60, 170, 400], dtype=np.int64)
_MSZ_MIN_CENTS, _MSZ_MAX_CENTS = 4_000, 800_000

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


# ------------------------------------------------------------------------------------
# Shared pieces of the line generators (:func:`declarations`, :func:`declarations_for`).
# Each consumes the random stream in a fixed order, so a caller that calls them in the
# same order with the same stream gets the same lines.


def _line_arrays(n: int, with_msz: bool) -> dict[str, np.ndarray]:
    """Empty per-line numeric columns for `n` lines (the hospital ones zeroed: null)."""
    arrays = {
        "treat": np.empty(n, dtype=np.int32),
        "code_idx": np.empty(n, dtype=np.uint32),
        "amount_cents": np.empty(n, dtype=np.int64),
        "element": np.empty(n, dtype=np.int16),  # 0 = no element
        "prov_idx": np.empty(n, dtype=np.uint32),
        "contracted": np.empty(n, dtype=np.bool_),
        "auth": np.empty(n, dtype=np.int8),  # 0 null, 1 true, 2 false
        "bt": np.empty(n, dtype=np.int8),  # 0 null, 1 a, 2 b, 3 c
    }
    if with_msz:  # zeros = null / dental; calloc'ed, so cheap
        arrays["setting"] = np.zeros(n, dtype=np.int8)  # 1 + index in SETTINGS
        arrays["jaw"] = np.zeros(n, dtype=np.int8)  # 1 upper, 2 lower
        arrays["edent"] = np.zeros(n, dtype=np.int8)  # 1 true, 2 false
    return arrays


def _fill_dental(
    rng: np.random.Generator,
    T: dict[str, Any],
    arrays: dict[str, np.ndarray],
    lo_row: int,
    tr: np.ndarray,
    birth_key: np.ndarray,
    day_key: np.ndarray,
    start_day: int,
) -> None:
    """Draw the dental columns of the lines ``lo_row .. lo_row + len(tr)`` of `arrays`
    from their treatment days `tr` and the :func:`_date_key` of their insureds' birth
    dates: the code of the age band and treatment year, the amount, the element, the
    provider and the flags. `day_key` holds the keys of the days from `start_day` on."""
    c = len(tr)
    hi_row = lo_row + c
    k = T["K"]

    # exact age on the treatment date, from small per-day / per-insured keys
    tkey = day_key[tr - np.int32(start_day)]
    age = np.minimum((tkey - birth_key) // 512, len(T["band_of_age"]) - 1)
    year_idx = np.clip(tkey // 512 - CODE_YEARS[0], 0, len(CODE_YEARS) - 1)

    # code: alias draw within the age band, then the row's code of the treatment
    # year (its old code, or its 2026 code once the old one ended: C002 from 2022)
    j = T["band_of_age"][age] * k + rng.integers(0, k, c)
    keep = rng.random(c) < T["code_prob"][j]
    row = np.where(keep, j % k, T["code_alias"][j])
    cidx = row + T["code_year"][year_idx, row] * k
    arrays["code_idx"][lo_row:hi_row] = cidx

    # amount: NZa maximum x (1 for 55 %, else 0.8000-1.0500), half up to
    # the cent with integers only
    factor_bp = np.where(
        rng.random(c, dtype=np.float32) < 0.55, 10_000, rng.integers(8_000, 10_501, c)
    )
    arrays["amount_cents"][lo_row:hi_row] = (T["tariff"][cidx] * factor_bp + 5_000) // 10_000

    # FDI element: one integer draw gives a coin (deciduous or not, for
    # ages 6-11), the quadrant and the position.
    tooth = T["tooth"][cidx]
    r = rng.integers(0, 2 * 4 * _POS_DRAW, c, dtype=np.int32)
    coin = r >= 4 * _POS_DRAW
    r %= 4 * _POS_DRAW
    deciduous = (tooth == 2) | ((tooth == 1) & ((age < 6) | ((age < 12) & coin)))
    quadrant = (r // _POS_DRAW).astype(np.int16) + 1 + 4 * deciduous.astype(np.int16)
    r %= _POS_DRAW
    pos = np.where(deciduous, _DECID_POS[r % len(_DECID_POS)], _PERM_POS[r % len(_PERM_POS)])
    arrays["element"][lo_row:hi_row] = np.where(tooth > 0, quadrant * 10 + pos, 0)

    # provider: lookup table per (provider kind, adult)
    pgroup = T["kind"][cidx].astype(np.int32) * 2 + (age >= 18)
    arrays["prov_idx"][lo_row:hi_row] = T["prov_table"][
        pgroup * 100 + rng.integers(0, 100, c, dtype=np.int32)
    ]

    arrays["contracted"][lo_row:hi_row] = rng.random(c, dtype=np.float32) < 0.90
    # authorization: null ~95 %, true 4 %, false 1 %;
    # bt_indication: null ~99.5 %, else a 40 %, b 40 %, c 20 % (per mille)
    u = rng.integers(0, 1000, c, dtype=np.int16)
    arrays["auth"][lo_row:hi_row] = np.where(u < 40, 1, np.where(u < 50, 2, 0))
    u = rng.integers(0, 1000, c, dtype=np.int16)
    arrays["bt"][lo_row:hi_row] = np.where(u < 2, 1, np.where(u < 4, 2, np.where(u < 5, 3, 0)))


def _fill_hospital(
    rng: np.random.Generator, M: dict[str, Any], arrays: dict[str, np.ndarray], hospital_share: float
) -> None:
    """Replace each line of `arrays` by a hospital line with probability `hospital_share`,
    drawn after all dental draws (so the dental lines, and every insured, date,
    contracted and authorization, do not depend on it), in place, chunk by chunk."""
    n = len(arrays["code_idx"])
    n_dental_codes = 2 * dental_tables()["K"]  # code_idx >= this: hospital entry
    code_idx, amount_cents, element = arrays["code_idx"], arrays["amount_cents"], arrays["element"]
    prov_idx, bt = arrays["prov_idx"], arrays["bt"]
    setting, jaw, edent = arrays["setting"], arrays["jaw"], arrays["edent"]
    for lo_row in range(0, n, _CHUNK):
        c = min(n, lo_row + _CHUNK) - lo_row
        hit = lo_row + np.flatnonzero(rng.random(c, dtype=np.float32) < hospital_share)
        h = len(hit)
        e = M["slot"][rng.integers(0, MSZ_SLOTS, h, dtype=np.int16)]
        code_idx[hit] = n_dental_codes + e
        st = M["setting_of"][M["group"][e] * 1000 + rng.integers(0, 1000, h, dtype=np.int16)]
        setting[hit] = st
        # lognormal amount in whole cents, then integer setting factor,
        # half up, clipped
        base = np.rint(_MSZ_MEDIAN_CENTS * np.exp(_MSZ_SIGMA * rng.standard_normal(h)))
        cents = (base.astype(np.int64) * _MSZ_SETTING_PCT[st - 1] + 50) // 100
        amount_cents[hit] = np.clip(cents, _MSZ_MIN_CENTS, _MSZ_MAX_CENTS)
        element[hit] = 0
        prov_idx[hit] = M["provider"][e]
        bt[hit] = 0
        # K01-K03 (rare): jaw and edentulous (10 % of edentulous left null)
        has_jaw = M["upper_pm"][e] >= 0
        ej, hj = e[has_jaw], hit[has_jaw]
        uj = rng.integers(0, 1000, (3, len(hj)), dtype=np.int16)
        jaw[hj] = np.where(uj[0] < M["upper_pm"][ej], 1, 2)
        edent[hj] = np.where(uj[2] < 100, 0, np.where(uj[1] < M["edent_pm"][ej], 1, 2))


def _vocab(values: "list[str] | tuple[str, ...]") -> pl.Expr:
    return pl.lit(pl.Series(list(values) or [""], dtype=pl.String))


def _small_enum(name: str, values: tuple[str, ...]) -> pl.Expr:
    # Int8 column, 0 = null, i = values[i - 1]
    table = pl.Series([None, *values], dtype=pl.String)
    return pl.lit(table).gather(pl.col(name).cast(pl.UInt32))


def _line_exprs(T: dict[str, Any], M: dict[str, Any], with_msz: bool) -> tuple[dict[str, pl.Expr], dict[str, pl.Expr]]:
    """The output columns made from the numeric line columns of :func:`_line_arrays`:
    ``code`` .. ``bt_indication``, and the hospital columns ``domain`` .. ``edentulous``."""
    # code_idx indexes dental codes (pre-2026, 2026), then the hospital entries
    n_dental_codes = 2 * T["K"]
    n_msz = len(M["codes"])
    tariff_cents = pl.Series(np.concatenate([T["tariff"], np.zeros(n_msz, dtype=np.int64)]))
    if with_msz:
        msz_cols = {
            "domain": _vocab(["mondzorg", "msz"]).gather(
                (pl.col("code_idx") >= n_dental_codes).cast(pl.UInt32)
            ),
            "specialism": pl.lit(
                pl.Series([None] * n_dental_codes + M["specialism"], dtype=pl.String)
            ).gather(pl.col("code_idx")),
            "setting": _small_enum("setting", SETTINGS),
            "jaw": _small_enum("jaw", ("upper", "lower")),
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
    line_cols = {
        "code": _vocab(T["vocab"] + M["codes"]).gather(pl.col("code_idx")),
        "amount": _cents_to_decimal(pl.col("amount_cents")),
        "element": pl.when(pl.col("element") > 0).then(pl.col("element")),
        "provider_type": _vocab(PROVIDERS_OUT).gather(pl.col("prov_idx")),
        "contracted": pl.col("contracted"),
        # (no NZa maximum tariff for hospital lines: null there)
        "reference_tariff": pl.when(
            ~pl.col("contracted") & (pl.col("code_idx") < n_dental_codes)
        ).then(_cents_to_decimal(pl.lit(tariff_cents).gather(pl.col("code_idx")))),
        "authorization": pl.when(pl.col("auth") > 0).then(pl.col("auth") == 1),
        "bt_indication": _small_enum("bt", ("a", "b", "c")),
    }
    return line_cols, msz_cols



def declarations(
    n: int,
    seed: int = 0,
    *,
    years: tuple[int, int] = (2022, 2022),
    policy_set: str = "defriesland-2022",
    lines_per_insured: float = 6.0,
    supplementary_share: float = 0.0,
    hospital_share: float = 0.0,
    credit_share: float = 0.0,
    overig_share: float = 0.0,
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
        First and last treatment year, inclusive. Each year draws the codes
        the bundled code table holds that year (C11 until 2021, C002 from 2022).
    policy_set : str, default "defriesland-2022"
        A bundled policy set (``defriesland-2022``, ``vgz-2021``,
        ``iptiq-2019``, see :func:`aanspraak.policies`) whose product keys fill
        ``basic_product`` and ``supplementary_product``.
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
    credit_share : float, default 0.0
        Share of the lines (0-1) that are credited: for each, a credit line
        (see :func:`with_credits`) is appended after the ``n`` lines, and the
        column ``credits_line_id`` added. With ``0.0`` there is no such column.
    overig_share : float, default 0.0
        Share of the ``n`` lines (0-1) that are other basic-insurance care
        (``domain`` "overig", see :func:`with_overig`), with the column
        ``eigen_risico_exempt`` added. With ``0.0`` there is no such column.

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
    sets = policy_sets()
    if policy_set not in sets:
        raise ValueError(
            f"unknown policy_set {policy_set!r}; expected one of {sorted(sets)}"
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
    basic_products, supp_products = sets[policy_set]
    T, M = dental_tables(), msz_tables()  # built on the first call
    start_day, end_day = _day(y0), _day(y1, 12, 31)

    # ---------------------------------------------------------------- insureds
    m = 0 if n == 0 else min(n, max(1, int(round(n / lines_per_insured))))
    age_cdf = np.cumsum(_AGE_WEIGHTS) / _AGE_WEIGHTS.sum()
    age_end = np.minimum(np.searchsorted(age_cdf, rng.random(m), side="right"), 95)
    birth = end_day - np.floor((age_end + rng.random(m)) * 365.2425).astype(np.int64)
    band_end = np.searchsorted(AGE_EDGES, age_end, side="right")
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
    arrays = _line_arrays(n, with_msz)
    treat = arrays["treat"]
    day_key = _date_key(np.arange(start_day, end_day + 1))
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
        _fill_dental(rng, T, arrays, lo_row, tr, birth_key[ic], day_key, start_day)

    if with_msz:
        _fill_hospital(rng, M, arrays, hospital_share)

    lines = pl.DataFrame({"ins": ins.astype(np.uint32), **arrays})
    del ins, arrays, treat

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

    line_cols, msz_cols = _line_exprs(T, M, with_msz)
    out = lines.select(
        line_id=pl.int_range(pl.len(), dtype=pl.Int64),
        insured_id=pl.lit(insured_ids).gather(pl.col("ins")),
        birth_date=pl.col("birth").cast(pl.Date),
        treatment_date=pl.col("treat").cast(pl.Date),
        **line_cols,
        basic_product=_vocab([b for b, _ in basic_products]).gather(pl.col("bp_idx")),
        voluntary_deductible=pl.col("vd").cast(pl.Int32),
        supplementary_product=pl.when(pl.col("supp_idx") >= 0).then(
            _vocab(supp_products).gather(pl.col("supp_idx").clip(0).cast(pl.UInt32))
        ),
        supplementary_start=pl.when(pl.col("supp_idx") >= 0).then(
            pl.col("supp_start").cast(pl.Date)
        ),
        **msz_cols,
    )
    if overig_share:
        out = with_overig(out, overig_share, seed)
    if credit_share:
        out = with_credits(out, credit_share, seed)
    return out


#: Kinds of other care for :func:`with_overig`: (code, median euros, exempt from the eigen
#: risico by Zvw art. 19 lid 2 / Bzv 2.17). Invented amounts, of the right order.
OVERIG_KINDS: tuple[tuple[str, float, bool], ...] = (
    ("farmacie", 35.0, False),
    ("ggz", 110.0, False),
    ("fysiotherapie", 40.0, False),
    ("hulpmiddelen", 60.0, False),
    ("ziekenvervoer", 90.0, False),
    ("huisarts", 30.0, True),
    ("verloskunde", 120.0, True),
    ("wijkverpleging", 70.0, True),
)


def with_overig(frame: pl.DataFrame, share: float, seed: int = 0) -> pl.DataFrame:
    """`frame` with ``round(share * n)`` of its lines, drawn without replacement by
    `seed`, turned into other basic-insurance care (``domain`` "overig",
    docs/rules.md#other-care): a kind of :data:`OVERIG_KINDS` as ``code``, a
    log-normal amount around its median, ``eigen_risico_exempt`` for the exempt kinds,
    and null dental and hospital columns. Adds ``eigen_risico_exempt`` (Boolean, false
    on every other line).

    Examples
    --------
    >>> df = with_overig(declarations(1000, seed=1), 0.1, seed=1)
    >>> int((df["domain"] == "overig").sum()), df["eigen_risico_exempt"].dtype
    (100, Boolean)
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"overig_share must be within 0-1, got {share}")
    n = frame.height
    k = round(share * n)
    rng = np.random.default_rng([seed, 0x0E1216])
    mask = np.zeros(n, dtype=bool)
    if k:
        mask[rng.choice(n, size=k, replace=False)] = True
    kind = rng.integers(0, len(OVERIG_KINDS), size=n)
    median = np.array([m for _, m, _ in OVERIG_KINDS])[kind]
    cents = np.maximum(100, np.round(median * 100 * rng.lognormal(0.0, 0.6, size=n))).astype(np.int64)
    is_overig = pl.lit(pl.Series(mask))
    set_to = {
        "domain": pl.lit("overig"),
        "code": pl.lit(pl.Series([c for c, _, _ in OVERIG_KINDS])).gather(pl.lit(pl.Series(kind.astype(np.uint32)))),
        "amount": _cents_to_decimal(pl.lit(pl.Series(cents))),
        "contracted": pl.lit(True),
    }
    nulled = ["element", "provider_type", "reference_tariff", "authorization", "bt_indication", "specialism", "setting", "jaw", "edentulous"]
    return frame.with_columns(
        *[pl.when(is_overig).then(expr).otherwise(pl.col(c)).alias(c) for c, expr in set_to.items()],
        *[pl.when(is_overig).then(None).otherwise(pl.col(c)).alias(c) for c in nulled if c in frame.columns],
        (is_overig & pl.lit(pl.Series([x for _, _, x in OVERIG_KINDS])).gather(pl.lit(pl.Series(kind.astype(np.uint32))))).alias("eigen_risico_exempt"),
    )


def with_credits(frame: pl.DataFrame, share: float, seed: int = 0) -> pl.DataFrame:
    """`frame` (with ``line_id`` 0..n-1) plus a credit line for ``round(share * n)`` of its
    lines, drawn without replacement by `seed`: the same line with ``line_id`` n, n+1, ...,
    ``credits_line_id`` the credited line's ``line_id`` and the amount negated (a
    corrected declaration, docs/rules.md#credit-lines). Appended after the lines; the
    column ``credits_line_id`` (Int64) is null on every other line.

    Examples
    --------
    >>> df = with_credits(declarations(1000, seed=1), 0.02, seed=1)
    >>> df.height, df["credits_line_id"].is_not_null().sum()
    (1020, 20)
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"credit_share must be within 0-1, got {share}")
    n = frame.height
    k = round(share * n)
    picked = np.sort(np.random.default_rng([seed, 0xC4ED17]).choice(n, size=k, replace=False)) if k else np.zeros(0, dtype=np.int64)
    credits = frame[picked].with_columns(
        pl.col("line_id").alias("credits_line_id"),
        pl.int_range(n, n + k, dtype=pl.Int64).alias("line_id"),
        (-pl.col("amount")).alias("amount"),
    )
    return pl.concat([frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("credits_line_id")), credits])


# ------------------------------------------------------------------------------------
# The synthetic portfolio: members, and declarations drawn for them.

#: Population pyramid for :func:`members`: the declarations' age weights without their
#: damping of ages 0-1 (few dental claims, but as many insureds).
_POPULATION_AGE_WEIGHTS = np.concatenate([[1.0, 1.0], _AGE_WEIGHTS[2:]])
#: Yearly probability of death at age a: exp(a * _DEATH_SLOPE + _DEATH_BASE) (a Gompertz
#: curve of roughly the Dutch size: 0.1 % at 40, 1.4 % at 65, 5.6 % at 80, 14 % at 90).
_DEATH_BASE, _DEATH_SLOPE = -10.4, 0.094
#: Voluntary deductible levels (euros) and how often each is chosen.
_VD_LEVELS = np.array([100, 200, 300, 400, 500], dtype=np.int32)
_VD_CDF = np.cumsum([0.08, 0.04, 0.04, 0.04, 0.80])
#: Processing lag of a credit after its original: 1 + lognormal days (median 30, sigma 0.8).
_CREDIT_LAG_MEDIAN, _CREDIT_LAG_SIGMA = 30.0, 0.8
#: Share of credited lines declared anew with a corrected amount.
_CORRECTED_SHARE = 0.8
#: Calibration of declarations_for (see the module docstring, "The synthetic portfolio"):
#: lines per insured-year, and the relative lines of a user by age band (0-5, 6-11,
#: 12-17, 18-64, 65+; children see the dentist twice a year, teenagers also for
#: orthodontics).
_LINES_PER_INSURED_YEAR = 4.6
_PORTFOLIO_BAND_INTENSITY = np.array([1.0, 2.0, 2.6, 1.0, 1.0])


def _jan1(year: np.ndarray) -> np.ndarray:
    """1 January of each year, as days since 1970-01-01 (int64)."""
    return (np.asarray(year, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def _check_years(years: "tuple[int, int]") -> tuple[int, int]:
    y0, y1 = (int(years[0]), int(years[1]))
    if not (1900 < y0 <= y1 < 2200):
        raise ValueError(f"years must be (first, last) with first <= last, got {years!r}")
    return y0, y1


def _check_share(name: str, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    return float(value)


def members(
    n: int,
    seed: int = 0,
    *,
    years: tuple[int, int] = (2022, 2022),
    policy_set: str = "defriesland-2022",
    supplementary_share: float = 2 / 3,
    switch_rate: float = 0.06,
    migration_rate: float = 0.012,
    birth_rate: float = 0.0095,
    deductible_share: float = 0.12,
) -> pl.DataFrame:
    """A SYNTHETIC membership of ``n`` insureds (NOT REAL DATA), one membership period
    each, in the shape :func:`aanspraak.exposure` takes; :func:`declarations_for` draws
    their declarations.

    Parameters
    ----------
    n : int
        Number of insureds (rows): everyone insured on some day of ``years``.
    seed : int, default 0
        Seed; the same seed and arguments give an identical frame.
    years : tuple of int, default (2022, 2022)
        First and last year, inclusive. Members insured on 1 January of the first year
        joined earlier (``insured_from`` before it); entries and exits fall in the years.
    policy_set : str, default "defriesland-2022"
        A bundled policy set whose products fill ``basic_product`` (its product mix, as
        :func:`declarations`) and ``supplementary_product``.
    supplementary_share : float, default 2/3
        Share of insureds with a supplementary dental product, drawn uniformly among the
        products of the set the insured may have at the age of their first day in the
        years (a product with a minimum age, such as AV Tand Standaard, Extra and
        Optimaal "vanaf 18 jaar", only for adults; children get one of the others, AV
        Tand Opstap or Doorstap; none when the set has none for their age).
    switch_rate : float, default 0.06
        Share switching insurer at each turn of the year: they leave on 31 December
        and others join on 1 January (also sets how long the first-day members have
        been insured: a geometric number of whole years).
    migration_rate : float, default 0.012
        Yearly share of immigrants joining, and of emigrants leaving, on a random day.
    birth_rate : float, default 0.0095
        Yearly share of newborns, insured from their birth date.
    deductible_share : float, default 0.12
        Share of adults (18 on their first day in the years) with a voluntary deductible
        (EUR 500 for 80 % of them, 100-400 for the rest); minors have none.

    Returns
    -------
    polars.DataFrame
        ``insured_id`` (String, ``V0000001`` ...), ``birth_date``, ``insured_from``,
        ``insured_to`` (Date; null = still insured at the end of the last year; a
        closed period ends on a day of the years), ``basic_product``,
        ``supplementary_product`` (null = none), ``supplementary_start`` (Date; null
        without one), ``voluntary_deductible`` (Int32 euros), ``region`` (String, a
        province by population share). Sorted by ``insured_id``; periods never overlap
        (one per insured), ``birth_date <= insured_from <= insured_to``.

    Examples
    --------
    >>> m = members(1000, seed=1)
    >>> m.columns[:4], m.height
    (['insured_id', 'birth_date', 'insured_from', 'insured_to'], 1000)
    >>> members(1000, seed=1).equals(m)
    True
    >>> import aanspraak
    >>> round(aanspraak.exposure(m, years=2022)["insured_years"][0])
    983
    """
    n = int(n)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    sets = policy_sets()
    if policy_set not in sets:
        raise ValueError(f"unknown policy_set {policy_set!r}; expected one of {sorted(sets)}")
    y0, y1 = _check_years(years)
    supplementary_share = _check_share("supplementary_share", supplementary_share)
    switch_rate = _check_share("switch_rate", switch_rate)
    migration_rate = _check_share("migration_rate", migration_rate)
    birth_rate = _check_share("birth_rate", birth_rate)
    deductible_share = _check_share("deductible_share", deductible_share)
    basic_products, supp_products = sets[policy_set]
    min_ages = np.array(supplementary_min_ages(policy_set) or (0,), dtype=np.int64)
    rng = np.random.default_rng([seed, 0x4D454D])
    n_years = y1 - y0 + 1
    first_day = _day(y0)

    # How each insured came in: 0 insured before the first year, 1 newborn, 2 immigrant,
    # 3 switched in on 1 January of a later year; with the year they came in.
    weights = np.array([1.0, birth_rate * n_years, migration_rate * n_years, switch_rate * (n_years - 1)])
    kind = np.searchsorted(np.cumsum(weights) / weights.sum(), rng.random(n), side="right").clip(0, 3)
    entry_year = np.where(kind == 3, y0 + 1 + rng.integers(0, max(1, n_years - 1), n), y0 + rng.integers(0, n_years, n))
    year_start = _jan1(entry_year)
    year_len = _jan1(entry_year + 1) - year_start
    random_day = year_start + (rng.random(n) * year_len).astype(np.int64)

    # Age (whole years, population pyramid) on the reference day: 1 January of the first
    # year for those insured before it, the day of joining for immigrants and switchers.
    age_cdf = np.cumsum(_POPULATION_AGE_WEIGHTS) / _POPULATION_AGE_WEIGHTS.sum()
    age = np.minimum(np.searchsorted(age_cdf, rng.random(n), side="right"), 95)
    ref_day = np.where(kind == 0, first_day, np.where(kind == 3, year_start, random_day))
    birth = ref_day - np.floor((age + rng.random(n)) * 365.2425).astype(np.int64)
    birth = np.where(kind == 1, random_day, birth)
    tenure = np.minimum(rng.geometric(max(switch_rate, 1e-9), n) - 1, 80)
    stock_from = np.maximum(birth, _jan1(y0 - tenure))
    insured_from = np.where(kind == 0, stock_from, np.where(kind == 3, year_start, random_day))

    # Exits, year by year (a loop over the years, vectorised over the insureds): death
    # (Gompertz by age) and emigration on a random day of the part of the year insured,
    # switching insurer on 31 December.
    insured_to = np.full(n, -1, dtype=np.int64)
    for year in range(y0, y1 + 1):
        jan1, dec31 = _day(year), _day(year, 12, 31)
        active = (insured_from <= dec31) & (insured_to < 0)
        a = year - (birth.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970)
        q = np.minimum(1.0, np.exp(_DEATH_BASE + _DEATH_SLOPE * a))
        u = rng.random(n)
        start = np.maximum(insured_from, jan1)
        day = start + (rng.random(n) * (dec31 - start + 1)).astype(np.int64)
        leaves_on_day = active & (u < q + migration_rate)
        switches = active & ~leaves_on_day & (u < q + migration_rate + switch_rate)
        insured_to = np.where(leaves_on_day, day, np.where(switches, dec31, insured_to))

    # Products and deductible, by the age on the first day in the years.
    first_in = np.maximum(insured_from, first_day)
    age_first = (_date_key(first_in) - _date_key(birth)) // 512
    adult = age_first >= 18
    vd = np.where(
        adult & (rng.random(n) < deductible_share),
        _VD_LEVELS[np.searchsorted(_VD_CDF / _VD_CDF[-1], rng.random(n), side="right").clip(0, 4)],
        0,
    ).astype(np.int32)
    bp_cdf = np.cumsum([s for _, s in basic_products])
    bp_idx = np.minimum(np.searchsorted(bp_cdf / bp_cdf[-1], rng.random(n), side="right"), len(basic_products) - 1)
    # supplementary: uniform over the products open at that age (min_age <= age)
    open_ = min_ages[None, :] <= np.minimum(age_first, 200)[:, None]  # n x products
    n_open = open_.sum(axis=1)
    pick = (rng.random(n) * n_open).astype(np.int64)  # the pick-th open product
    supp_idx = np.argmax(np.cumsum(open_, axis=1) > pick[:, None], axis=1)
    has_supp = (rng.random(n) < supplementary_share) & (n_open > 0) & (len(supp_products) > 0)
    supp_idx = np.where(has_supp, supp_idx, -1)
    supp_start = np.maximum(insured_from, _jan1(y0 - rng.integers(0, 6, n)))
    region_w = np.cumsum([w for _, w in REGIONS])
    region_idx = np.searchsorted(region_w / region_w[-1], rng.random(n), side="right").clip(0, len(REGIONS) - 1)

    frame = pl.DataFrame(
        {
            "birth": birth.astype(np.int32),
            "frm": insured_from.astype(np.int32),
            "to": insured_to.astype(np.int32),
            "bp": bp_idx.astype(np.uint32),
            "supp": supp_idx.astype(np.int32),
            "supp_start": supp_start.astype(np.int32),
            "vd": vd,
            "region": region_idx.astype(np.uint32),
        }
    )
    return frame.select(
        insured_id=pl.lit("V") + pl.int_range(1, pl.len() + 1, dtype=pl.Int64).cast(pl.String).str.zfill(7),
        birth_date=pl.col("birth").cast(pl.Date),
        insured_from=pl.col("frm").cast(pl.Date),
        insured_to=pl.when(pl.col("to") >= 0).then(pl.col("to").cast(pl.Date)),
        basic_product=_vocab([b for b, _ in basic_products]).gather(pl.col("bp")),
        supplementary_product=pl.when(pl.col("supp") >= 0).then(
            _vocab(supp_products).gather(pl.col("supp").clip(0).cast(pl.UInt32))
        ),
        supplementary_start=pl.when(pl.col("supp") >= 0).then(pl.col("supp_start").cast(pl.Date)),
        voluntary_deductible=pl.col("vd"),
        region=_vocab([r for r, _ in REGIONS]).gather(pl.col("region")),
    )


#: The member columns :func:`declarations_for` copies onto the lines, with their value
#: when the members lack the column.
_MEMBER_LINE_COLUMNS: dict[str, pl.Expr] = {
    "basic_product": pl.lit(None, dtype=pl.String),
    "voluntary_deductible": pl.lit(0, dtype=pl.Int32),
    "supplementary_product": pl.lit(None, dtype=pl.String),
    "supplementary_start": pl.lit(None, dtype=pl.Date),
}
_MEMBER_LINE_TYPES: dict[str, Any] = {
    "basic_product": pl.String,
    "voluntary_deductible": pl.Int32,
    "supplementary_product": pl.String,
    "supplementary_start": pl.Date,
}


def declarations_for(
    members: Any,
    seed: int = 0,
    *,
    years: tuple[int, int] = (2022, 2022),
    lines_per_insured_year: float = _LINES_PER_INSURED_YEAR,
    hospital_share: float = 0.0,
    credit_share: float = 0.015,
    overig_share: float = 0.0,
    lag_median_days: float = 14.0,
    lag_sigma: float = 1.0,
) -> pl.DataFrame:
    """SYNTHETIC declaration lines (NOT REAL DATA) of the insureds of a membership frame,
    each inside its membership period, with a ``processing_date``.

    Parameters
    ----------
    members
        A membership frame as :func:`aanspraak.exposure` takes and checks (``insured_id``,
        ``birth_date``, ``insured_from``, ``insured_to``; periods of one insured must not
        overlap), e.g. from :func:`members`. Its ``basic_product``,
        ``voluntary_deductible``, ``supplementary_product`` and ``supplementary_start``
        are copied onto the lines (null, 0, null, null when absent).
    seed : int, default 0
        Seed; the same members, seed and arguments give an identical frame.
    years : tuple of int, default (2022, 2022)
        Treatment years, inclusive; an open ``insured_to`` runs to the end of the last.
    lines_per_insured_year : float, default 4.6
        Expected lines per insured-year over the whole membership, before credits and
        corrections (calibrated: see the module docstring).
    hospital_share : float, default 0.0
        Share of the lines that are hospital (msz) lines, as in :func:`declarations`.
    credit_share : float, default 0.015
        Share of the lines credited later: a credit line (``credits_line_id``, the
        amount negated) booked 1 + lognormal days (median 30) after its original, and
        for 80 % of them the line declared anew with a corrected amount (80-100 % of the
        original, half up to the cent), booked the same day as the credit.
    overig_share : float, default 0.0
        Share of the lines turned into other basic-insurance care (:func:`with_overig`).
    lag_median_days, lag_sigma : float, default 14.0 and 1.0
        The processing lag of a visit's lines: floor of a lognormal number of days with
        this median and sigma (about 3 % over 90 days with the defaults); the lines of
        one visit are booked together; never before the treatment date.

    Returns
    -------
    polars.DataFrame
        The columns of :func:`declarations` (``eigen_risico_exempt`` only with
        ``overig_share``), then ``processing_date`` (Date) and ``credits_line_id``
        (Int64, null but on credits). Rows in booking order (``processing_date``, ties
        at random), ``line_id`` = 0..n-1 in that order, so a credit comes after the
        line it reverses.

    Examples
    --------
    >>> m = members(2000, seed=1)
    >>> d = declarations_for(m, seed=1)
    >>> d.columns[-2:]
    ['processing_date', 'credits_line_id']
    >>> bool((d["processing_date"] >= d["treatment_date"]).all())
    True
    >>> declarations_for(m, seed=1).equals(d)
    True
    """
    y0, y1 = _check_years(years)
    if not lines_per_insured_year >= 0:
        raise ValueError(f"lines_per_insured_year must be >= 0, got {lines_per_insured_year!r}")
    hospital_share = _check_share("hospital_share", hospital_share)
    credit_share = _check_share("credit_share", credit_share)
    overig_share = _check_share("overig_share", overig_share)
    if not (lag_median_days > 0 and lag_sigma >= 0):
        raise ValueError(f"lag_median_days must be > 0 and lag_sigma >= 0, got {lag_median_days!r}, {lag_sigma!r}")
    frame = to_polars(members)
    carried = [c for c in _MEMBER_LINE_COLUMNS if c in frame.columns]
    work = members_frame(frame, carried).with_columns(
        *[
            pl.col(c).cast(_MEMBER_LINE_TYPES[c]) for c in carried
        ],
        *[expr.alias(c) for c, expr in _MEMBER_LINE_COLUMNS.items() if c not in carried],
    )
    rng = np.random.default_rng([seed, 0xDEC1])
    T, M = dental_tables(), msz_tables()
    with_msz = hospital_share > 0.0
    first_day, last_day = _day(y0), _day(y1, 12, 31)
    m = work.height
    birth = work["birth_date"].cast(pl.Int32).to_numpy().astype(np.int64)
    frm = np.maximum(work["insured_from"].cast(pl.Int32).to_numpy().astype(np.int64), birth)
    to = work["insured_to"].cast(pl.Int32).fill_null(last_day).to_numpy().astype(np.int64)
    intensity = rng.gamma(2.0, 0.5, m)  # the insured's own care intensity, mean 1
    use_by_age = dental_use_by_age()

    # Units: one per insured and year with an insured day (a loop over the years).
    unit_member, unit_lo, unit_hi, unit_frac = [], [], [], []
    for year in range(y0, y1 + 1):
        lo = np.maximum(frm, _day(year))
        hi = np.minimum(to, _day(year, 12, 31))
        has = np.flatnonzero(lo <= hi)
        unit_member.append(has)
        unit_lo.append(lo[has])
        unit_hi.append(hi[has])
        unit_frac.append((hi[has] - lo[has] + 1) / (_day(year + 1) - _day(year)))
    member = np.concatenate(unit_member)
    lo, hi, frac = np.concatenate(unit_lo), np.concatenate(unit_hi), np.concatenate(unit_frac)
    birth_key = _date_key(birth)
    age = np.clip((_date_key(lo) - birth_key[member]) // 512, 0, 199)
    # Who sees a dentist: the yearly share of the age, for the part of the year insured.
    p_use = 1.0 - (1.0 - use_by_age[age]) ** frac
    user = rng.random(len(member)) < p_use
    # Lines of a user: 1 + Poisson(scale x band intensity x own intensity x part of the
    # year); the scale makes the expected lines per insured-year lines_per_insured_year.
    weight = _PORTFOLIO_BAND_INTENSITY[np.searchsorted(AGE_EDGES, age, side="right")] * intensity[member] * frac
    expected_users, weighted = float(p_use.sum()), float((p_use * weight).sum())
    scale = max(0.0, (lines_per_insured_year * float(frac.sum()) - expected_users) / weighted) if weighted > 0 else 0.0
    n_lines = np.where(user, 1 + rng.poisson(scale * weight), 0)
    if lines_per_insured_year == 0:
        n_lines[:] = 0
    n_visits = np.where(n_lines > 0, np.maximum(1, np.rint(n_lines / _LINES_PER_VISIT)), 0).astype(np.int64)

    # Visits: a uniform day of the unit's insured days and a processing lag each.
    visit_unit = np.repeat(np.arange(len(member)), n_visits)
    span = hi - lo + 1
    visit_day = lo[visit_unit] + (rng.random(len(visit_unit)) * span[visit_unit]).astype(np.int64)
    lag = np.floor(np.exp(np.log(lag_median_days) + lag_sigma * rng.standard_normal(len(visit_unit)))).astype(np.int64)
    # Lines: each in a random visit of its unit.
    line_unit = np.repeat(np.arange(len(member)), n_lines)
    first_visit = np.cumsum(n_visits) - n_visits
    visit = first_visit[line_unit] + (rng.random(len(line_unit)) * n_visits[line_unit]).astype(np.int64)
    treat = visit_day[visit].astype(np.int32)
    processing = (visit_day[visit] + lag[visit]).astype(np.int32)
    line_member = member[line_unit]
    del visit_unit, visit_day, lag, line_unit, visit

    n = len(treat)
    arrays = _line_arrays(n, with_msz)
    arrays["treat"][:] = treat
    day_key = _date_key(np.arange(first_day, last_day + 1))
    for lo_row in range(0, n, _CHUNK):
        hi_row = min(n, lo_row + _CHUNK)
        _fill_dental(rng, T, arrays, lo_row, treat[lo_row:hi_row], birth_key[line_member[lo_row:hi_row]], day_key, first_day)
    if with_msz:
        _fill_hospital(rng, M, arrays, hospital_share)

    lines = pl.DataFrame({"member": line_member.astype(np.uint32), **arrays, "processing": processing})
    del arrays, treat, processing, line_member
    per_member = work.select("insured_id", "birth_date", *_MEMBER_LINE_COLUMNS)
    lines = pl.concat([lines, per_member.select(pl.all().gather(lines["member"]))], how="horizontal")
    line_cols, msz_cols = _line_exprs(T, M, with_msz)
    out = lines.select(
        line_id=pl.int_range(pl.len(), dtype=pl.Int64),
        insured_id=pl.col("insured_id"),
        birth_date=pl.col("birth_date"),
        treatment_date=pl.col("treat").cast(pl.Date),
        **line_cols,
        basic_product=pl.col("basic_product"),
        voluntary_deductible=pl.col("voluntary_deductible"),
        supplementary_product=pl.col("supplementary_product"),
        supplementary_start=pl.when(pl.col("supplementary_product").is_not_null()).then(pl.col("supplementary_start")),
        **msz_cols,
        processing_date=pl.col("processing").cast(pl.Date),
    )
    del lines
    if overig_share:
        out = with_overig(out, overig_share, seed)
    return _with_booked_credits(out, credit_share, rng)


def _with_booked_credits(frame: pl.DataFrame, share: float, rng: np.random.Generator) -> pl.DataFrame:
    """`frame` (``line_id`` 0..n-1, with ``processing_date``) with credits of ``round(share
    * n)`` lines booked after them and corrected lines declared anew (see
    :func:`declarations_for`), all rows in booking order and numbered again."""
    n = frame.height
    k = round(share * n)
    picked = np.sort(rng.choice(n, size=k, replace=False)) if k else np.zeros(0, dtype=np.int64)
    credit_lag = 1 + np.floor(np.exp(np.log(_CREDIT_LAG_MEDIAN) + _CREDIT_LAG_SIGMA * rng.standard_normal(k))).astype(np.int64)
    corrected = rng.random(k) < _CORRECTED_SHARE
    factor_bp = rng.integers(8_000, 10_001, k)
    old = pl.col("line_id")
    credits = frame[picked].with_columns(
        old.alias("credits_line_id"),
        (-pl.col("amount")).alias("amount"),
        (pl.col("processing_date") + pl.duration(days=pl.lit(pl.Series(credit_lag)))).alias("processing_date"),
    )
    cents = (pl.col("amount") * 100).cast(pl.Int64)
    again = frame[picked[corrected]].with_columns(
        pl.lit(None, dtype=pl.Int64).alias("credits_line_id"),
        _cents_to_decimal((cents * pl.lit(pl.Series(factor_bp[corrected])) + 5_000) // 10_000).alias("amount"),
        credits["processing_date"].filter(pl.Series(corrected)).alias("processing_date"),
    )
    rows = pl.concat([frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("credits_line_id")), credits, again])
    # booking order, ties at random; the old line_ids of originals are 0..n-1, so a
    # credit finds its original's new line_id by the old one
    tie = rng.permutation(rows.height)
    rows = rows.with_columns(pl.Series("_tie", tie), pl.int_range(pl.len(), dtype=pl.Int64).alias("_row")).sort("processing_date", "_tie")
    new_id = np.empty(rows.height, dtype=np.int64)
    new_id[rows["_row"].to_numpy()] = np.arange(rows.height)
    return rows.with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("line_id"),
        pl.lit(pl.Series(new_id[:n])).gather(pl.col("credits_line_id")).alias("credits_line_id"),
    ).drop("_tie", "_row")


def __getattr__(name: str) -> Any:
    """``POLICY_SETS``: the product mix per bundled policy set (basic products with their
    share of insureds, supplementary products), read from the bundled policies on first
    use (see ``aanspraak._synthetic_tables.policy_sets``)."""
    if name == "POLICY_SETS":
        return policy_sets()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
