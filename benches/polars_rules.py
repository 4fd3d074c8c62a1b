#!/usr/bin/env python3
"""A subset of aanspraak's rules as plain Polars expressions, checked against
``aanspraak.score`` to the cent and timed side by side. A benchmark, not a test:
it does not run in CI.

The subset (De Friesland 2022, policy set ``defriesland-2022``)
---------------------------------------------------------------
1. *Dental coverage by age* (Bzv 2.7 lid 4 and 5, docs/rules.md#coverage). Under 18: sections
   C M A B E V T G P H X U, not implants, R-codes or orthodontics. From 18: the
   prostheses (full denture, implant denture, J50, repairs), and specialist
   surgery (not simple extractions, perio surgery or implants) and X-rays by a
   kaakchirurg. Also the code rule J87/J19 only on elements 14-24, the insurer's
   exclusions under 18 (M80, M81, M05, G44, G74, C012) and its toestemming
   vooraf (X21 and J39 under 18, J17/J18, implant dentures, J50 and P044 from
   18): ``authorization`` false refuses the line, null counts as granted.
2. *Money of the basic insurance* (docs/rules.md#money): ``allowed`` (non-contracted care at
   80 % Alles Verzorgd / 75 % Zelf Bewust of the reference tariff), the *Rzv
   2.31 eigen bijdrage* from 18 (full denture 25 %, implant denture 10 % lower /
   8 % upper, J50 17 %, repair 10 %), each rounded half up once per line.
3. *Eigen risico* with window functions: EUR 385 + the voluntary deductible per
   insured and calendar year, pro rata from the first day of the month after the
   18th birthday (whole euros, half up), charged on ``allowed - eigen_bijdrage``
   of covered lines from 18 in the order aanspraak uses: (``treatment_date``,
   ``line_id``) within an insured (``ledger.rs`` sorts its items by insured,
   treatment date, line_id order key, row number).
4. *One supplementary product with an annual cap*: AV Tand Extra (from 18, C/M/V/A
   codes 100 %, other codes 80 %, the eigen bijdrage of full and implant dentures 100 %,
   orthodontics and a few codes excluded, at most EUR 500 per insured and
   calendar year, consumed in the same order; the crossing line is paid up to
   the cap). It pays from what the basic left (never the eigen risico) and
   nothing on lines the basic refused for authorisation or the esthetic zone.

The restriction that makes the subset the whole truth
-----------------------------------------------------
The input is ``aanspraak.synthetic.declarations(..., years=(2021, 2022),
supplementary_share=0.5)`` (dental only, shuffled, so not grouped by insured),
from which the script keeps only

- lines without ``bt_indication`` (no bijzondere tandheelkunde, Bzv 2.7 lid 1-3),
- lines whose code has no frequency limit (drops C11 and M40, the tags
  ``periodic_exam`` and ``fluoride``, whose count limits are not in the subset),

takes the first ``--rows`` of those, and sets ``supplementary_product`` to
``av-tand-extra`` for every insured who has a product. The generator adds no
``missing_tooth_cause`` (so no Bzv 2.7 lid 6), no ``referral``, no
``insured_from``/``insured_to``, no ``material_costs`` and no
``supplementary_end``, and its ``supplementary_start`` lies before 2021. The
implant-denture jaw is taken from the code (J51 lower, J52 upper, the only
implant-denture codes it draws; aanspraak's fallback to the line's jaw or
element is not modelled). The
amount is passed as ``amount_cents`` (Int64) to both implementations. The code
facts (section, tags, jaw) come from aanspraak's code table
``rust/aanspraak-core/data/codes/dental_codes.csv`` (pre-2026 rows); the policy
figures are constants below, checked against the bundled TOML on start.

Money is integer cents (Int64) throughout; no Python loop touches a row.

Usage::

    python benches/polars_rules.py --rows 1000000 --repeat 3
    python benches/polars_rules.py --rows 10000000 --repeat 3
"""

from __future__ import annotations

import argparse
import gc
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

import aanspraak
from aanspraak import synthetic

REPO = Path(__file__).resolve().parents[1]
CODE_TABLE = REPO / "rust" / "aanspraak-core" / "data" / "codes" / "dental_codes.csv"
POLICY = "defriesland-2022"
PRODUCT = "av-tand-extra"
YEARS = (2021, 2022)

# Policy figures (checked against the bundled policy, statutory file merged in, by check_constants).
COMPULSORY_ER_CENTS = 38_500
NON_CONTRACTED_PCT = {"alles-verzorgd": 80, "zelf-bewust": 75}
EB_PCT = {"full_denture": 25, "implant_denture_lower": 10, "implant_denture_upper": 8,
          "denture_combo": 17, "denture_repair": 10}
YOUTH_SECTIONS = list("CMABEVTGPHXU")                       # Bzv 2.7 lid 4
EXCLUDED_UNDER_18 = ["M80", "M81", "M05", "G44", "G74", "C012"]
AUTH_UNDER_18 = ["X21", "J39"]
AUTH_ANY_AGE = ["J17", "J18"]
AUTH_FROM_18 = ["P044"]                                      # + implant_denture, denture_combo
SUPP_CAP_CENTS = 50_000
SUPP_MIN_AGE = 18
SUPP_FULL_SECTIONS = ["C", "M", "V", "A"]                    # 100 %, other codes 80 %
SUPP_EXCLUDED_SECTIONS = ["F"]
# The eigen bijdrage AV Tand Standaard (and so Extra) pays at 100 %: art. 4.2 sub g.
SUPP_EB_TAGS = ["full_denture", "implant_denture", "denture_combo"]
SUPP_EXCLUDED_CODES = ["E97", "E98", "M61", "A20", "J39", "G44"]
TAGS = ["full_denture", "implant_denture", "denture_combo", "denture_repair",
        "specialist_surgery", "simple_extraction", "perio_surgery", "implant", "non_plastic",
        "orthodontic", "xray", "temp_crown_implant", "esthetic_zone_surcharge",
        "periodic_exam", "fluoride", "no_show"]
MONEY = ["allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "supplementary_paid",
         "patient_paid"]


def check_constants() -> None:
    """Fail early if the bundled policy no longer says what the constants say."""
    p = aanspraak.Policy.load(POLICY).document()
    st = p["statutory"][-1]  # the block of 2017-2026
    assert st["compulsory_eigen_risico_eur"] * 100 == COMPULSORY_ER_CENTS
    assert (st["full_denture_pct"], st["implant_denture_lower_pct"], st["implant_denture_upper_pct"],
            st["denture_combo_pct"], st["denture_repair_pct"]) == tuple(EB_PCT.values())
    assert {k: p["basic"][k]["non_contracted_share_pct"] for k in NON_CONTRACTED_PCT} == NON_CONTRACTED_PCT
    extra, std = p["supplementary"][PRODUCT], p["supplementary"]["av-tand-standaard"]
    assert extra["extends"] == "av-tand-standaard" and extra["annual_max_eur"] * 100 == SUPP_CAP_CENTS
    assert std["min_age"] == SUPP_MIN_AGE and std["eigen_bijdrage_tags"] == SUPP_EB_TAGS
    assert [(r.get("sections"), r["share_pct"]) for r in std["rules"]] == [
        *(([s], 100) for s in SUPP_FULL_SECTIONS), (None, 80)]
    excluded = [x for e in std["exclusions"] for x in e.get("sections", []) + e.get("codes", [])]
    assert sorted(excluded) == sorted(SUPP_EXCLUDED_SECTIONS + SUPP_EXCLUDED_CODES)


def code_table() -> pl.DataFrame:
    """Code facts valid in YEARS: code, section, one Boolean per tag, upper_jaw."""
    raw = pl.read_csv(CODE_TABLE, infer_schema_length=0)
    rows = raw.filter((pl.col("valid_from") <= f"{YEARS[1]}-12-31")
                      & (pl.col("valid_to") >= f"{YEARS[0]}-01-01"))
    assert rows["code"].is_unique().all(), "one row per code within YEARS"
    tags = pl.col("tags").fill_null("").str.split(";")
    return rows.select("code", "section", *(tags.list.contains(t).alias(t) for t in TAGS),
                       upper_jaw=pl.col("jaw") == "upper")


def make_declarations(rows: int, seed: int, supplementary_share: float,
                      codes: pl.DataFrame) -> pl.DataFrame:
    """Synthetic dental lines restricted as the module docstring says, shuffled."""
    limited = codes.filter(pl.col("periodic_exam") | pl.col("fluoride"))["code"]
    factor = 1.45  # about 75 % of the lines survive the filter
    while True:
        raw = synthetic.declarations(int(rows * factor) + 1000, seed=seed, years=YEARS,
                                     policy_set=POLICY, supplementary_share=supplementary_share)
        kept = raw.filter(pl.col("bt_indication").is_null() & ~pl.col("code").is_in(limited.to_list()))
        del raw
        if kept.height >= rows:
            break
        factor *= 1.2
    return kept.head(rows).select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("line_id"),
        "insured_id", "birth_date", "treatment_date", "code",
        (pl.col("amount") * 100).cast(pl.Int64).alias("amount_cents"),
        "element", "provider_type", "contracted", "reference_tariff", "authorization",
        "basic_product", "voluntary_deductible",
        pl.when(pl.col("supplementary_product").is_not_null()).then(pl.lit(PRODUCT))
        .alias("supplementary_product"),
        "supplementary_start",
    )


def pct_half_up(cents: pl.Expr, pct: pl.Expr | int) -> pl.Expr:
    """cents x pct / 100, rounded half up (cents >= 0)."""
    return (cents * pct + 50) // 100


def age_expr() -> pl.Expr:
    """Whole years on the treatment date (a 29 February birthday counts from 1 March)."""
    t, b = pl.col("treatment_date"), pl.col("birth_date")
    month_day = lambda d: d.dt.month().cast(pl.Int32) * 100 + d.dt.day()  # noqa: E731
    return t.dt.year() - b.dt.year() - (month_day(t) < month_day(b)).cast(pl.Int32)


def running_total(want: str, by: list[str], order: list[str]) -> pl.Expr:
    """Running total of column ``want`` per ``by`` group, lines in ``order``."""
    return pl.col(want).cum_sum().over(by, order_by=order)


def consumed(want: str, total: str, limit: pl.Expr | int) -> pl.Expr:
    """What a line takes of a budget ``limit``, given its running total:
    min(limit, total) - min(limit, total before the line)."""
    w, t = pl.col(want), pl.col(total)
    return pl.min_horizontal(limit, t) - pl.min_horizontal(limit, t - w)


def rules_lazy(decl: pl.DataFrame, codes: pl.DataFrame) -> pl.LazyFrame:
    """The subset of the rules on ``decl`` as one lazy query: its columns plus
    age, basic_covered and the money columns in Int64 cents, in input order."""
    c = pl.col
    t, b = c("treatment_date"), c("birth_date")
    by, order = ["insured_id", "year"], ["treatment_date", "line_id"]
    lf = decl.lazy().join(codes.lazy(), on="code", how="left", maintain_order="left")

    # Age and the facts the rules read.
    lf = lf.with_columns(
        age=age_expr(),
        year=t.dt.year(),
        known=c("section").is_not_null(),
        kaakchirurg=(c("provider_type") == "kaakchirurg").fill_null(False),
        auth_false=(c("authorization") == False).fill_null(False),  # noqa: E712
        esthetic_zone=(c("element").is_between(11, 14) | c("element").is_between(21, 24))
        .fill_null(False),
    )
    # 1. Coverage by age, code rules, insurer exclusions and authorisation.
    youth = c("age") < 18
    youth_ok = (c("section").is_in(YOUTH_SECTIONS)
                & ~(c("implant") | c("non_plastic") | c("orthodontic")))
    prosthesis = c("full_denture") | c("implant_denture") | c("denture_combo") | c("denture_repair")
    surgery = c("specialist_surgery") & ~(c("simple_extraction") | c("perio_surgery") | c("implant"))
    adult_ok = prosthesis | (c("kaakchirurg") & (surgery | (c("xray") & ~c("orthodontic"))))
    needs_auth = ((youth & c("code").is_in(AUTH_UNDER_18)) | c("code").is_in(AUTH_ANY_AGE)
                  | (~youth & (c("implant_denture") | c("denture_combo")
                               | c("code").is_in(AUTH_FROM_18))))
    lf = lf.with_columns(
        esthetic_refused=(c("temp_crown_implant") | c("esthetic_zone_surcharge")) & ~c("esthetic_zone"),
        auth_refused=needs_auth & c("auth_false"),
    ).with_columns(
        basic_covered=(c("known") & ~c("esthetic_refused") & ~c("no_show")
                       & pl.when(youth).then(youth_ok).otherwise(adult_ok)
                       & ~(youth & c("code").is_in(EXCLUDED_UNDER_18)) & ~c("auth_refused")),
    )
    # 2. Allowed and the Rzv 2.31 eigen bijdrage (from 18).
    share = pl.when(c("basic_product") == "zelf-bewust").then(NON_CONTRACTED_PCT["zelf-bewust"]) \
        .otherwise(NON_CONTRACTED_PCT["alles-verzorgd"])
    tariff = pl.coalesce((c("reference_tariff") * 100).cast(pl.Int64), c("amount_cents"))
    eb_pct = (pl.when(c("age") < 18).then(0)
              .when(c("denture_combo")).then(EB_PCT["denture_combo"])
              .when(c("implant_denture") & c("upper_jaw")).then(EB_PCT["implant_denture_upper"])
              .when(c("implant_denture")).then(EB_PCT["implant_denture_lower"])
              .when(c("full_denture")).then(EB_PCT["full_denture"])
              .when(c("denture_repair")).then(EB_PCT["denture_repair"])
              .otherwise(0))
    lf = lf.with_columns(
        allowed=pl.when(~c("basic_covered")).then(0)
        .when(c("contracted").fill_null(True)).then(c("amount_cents"))
        .otherwise(pl.min_horizontal(c("amount_cents"), pct_half_up(tariff, share))),
    ).with_columns(
        eigen_bijdrage=pl.min_horizontal(pct_half_up(c("allowed"), eb_pct), c("allowed")),
    )
    # 3. Eigen risico: the pot per insured and year (pro rata from 18), and what
    #    each line would pay of it (allowed - eigen bijdrage, covered lines from 18).
    adult_from = b.dt.month_start().dt.offset_by("18y1mo")  # 1st of the month after turning 18
    start = pl.max_horizontal(pl.date(c("year"), 1, 1), adult_from)
    days = ((pl.date(c("year"), 12, 31) - start).dt.total_days() + 1).clip(lower_bound=0)
    days_in_year = 365 + t.dt.is_leap_year().cast(pl.Int64)
    euros_x100 = COMPULSORY_ER_CENTS + c("voluntary_deductible").fill_null(0).cast(pl.Int64) * 100
    pot = (2 * euros_x100 * days + 100 * days_in_year) // (200 * days_in_year) * 100
    er_base = pl.when(c("basic_covered") & (c("age") >= 18) & (t >= start)) \
        .then(c("allowed") - c("eigen_bijdrage")).otherwise(0)
    lf = lf.with_columns(er_base=er_base, pot=pot)
    # 4. AV Tand Extra: what each line would get before the annual cap.
    supp_refused = (~(c("supplementary_product") == PRODUCT).fill_null(False) | ~c("known")
                    | c("esthetic_refused") | c("auth_refused") | c("no_show")
                    | (c("age") < SUPP_MIN_AGE) | c("section").is_in(SUPP_EXCLUDED_SECTIONS)
                    | c("code").is_in(SUPP_EXCLUDED_CODES))
    rule_pct = pl.when(c("section").is_in(SUPP_FULL_SECTIONS)).then(100).otherwise(80)
    want = pl.when(supp_refused).then(0).otherwise(
        pl.when(pl.any_horizontal(c(t) for t in SUPP_EB_TAGS)).then(c("eigen_bijdrage")).otherwise(0)
        + pct_half_up(c("amount_cents") - c("allowed"), rule_pct))
    lf = lf.with_columns(want=want)
    # 5. Window functions: both budgets are consumed per insured and year in
    #    (treatment_date, line_id) order; the crossing line gets what is left.
    lf = lf.with_columns(
        er_total=running_total("er_base", by, order), supp_total=running_total("want", by, order),
    ).with_columns(
        eigen_risico=consumed("er_base", "er_total", c("pot")),
        supplementary_paid=consumed("want", "supp_total", SUPP_CAP_CENTS),
    ).with_columns(
        basic_paid=c("allowed") - c("eigen_bijdrage") - c("eigen_risico"),
    ).with_columns(
        patient_paid=c("amount_cents") - c("basic_paid") - c("supplementary_paid"),
    )
    return lf.select(*decl.columns, c("age").cast(pl.Int16), "basic_covered", *MONEY)


def score_polars(decl: pl.DataFrame, codes: pl.DataFrame) -> pl.DataFrame:
    """``rules_lazy`` collected."""
    return rules_lazy(decl, codes).collect()


def aanspraak_cents(scored: pl.DataFrame) -> pl.DataFrame:
    """aanspraak's output with the money as Int64 cents."""
    return scored.select("line_id", "age", "basic_covered", "reason", "supplementary_reason",
                         *((pl.col(m) * 100).cast(pl.Int64) for m in MONEY))


def compare(ours: pl.DataFrame, theirs: pl.DataFrame, show: int = 5) -> int:
    """Print every column that differs, with examples; return the number of bad lines."""
    assert ours["line_id"].equals(theirs["line_id"]), "both in input order"
    cols = ["age", "basic_covered", *MONEY]
    both = ours.select("line_id", "code", "amount_cents", *cols).hstack(theirs.select(
        "reason", "supplementary_reason", *(pl.col(x).alias(f"{x}_aanspraak") for x in cols)))
    differs = {x: pl.col(x).ne_missing(pl.col(f"{x}_aanspraak")) for x in cols}
    for x, ne in differs.items():
        bad = both.filter(ne)
        if bad.height:
            print(f"MISMATCH {x}: {bad.height:,} lines, e.g.")
            print(bad.select("line_id", "code", "amount_cents", "age", "reason",
                             "supplementary_reason", x, f"{x}_aanspraak").head(show))
    return both.filter(pl.any_horizontal(differs.values())).height


def peak_rss_mib() -> float:
    """ru_maxrss of this process in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def reset_peak_rss() -> bool:
    """Reset ru_maxrss to the current RSS (Linux: write 5 to /proc/self/clear_refs);
    False where that is not possible (the peak then covers the whole process)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def best_of(fn: Callable[[], pl.DataFrame], repeat: int) -> tuple[float, pl.DataFrame, float, float]:
    """One warm-up call, then the best of ``repeat`` timed calls; returns the best
    seconds, the last result, the peak RSS during the calls and the RSS before them
    (MiB; the RSS before is nan when the peak could not be reset)."""
    gc.collect()
    base = peak_rss_mib() if reset_peak_rss() else float("nan")
    out: pl.DataFrame | None = fn()
    best = float("inf")
    for _ in range(repeat):
        out = None
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    assert out is not None
    return best, out, peak_rss_mib(), base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="declaration lines")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after one warm-up")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--supplementary-share", type=float, default=0.5,
                        help="share of insureds with AV Tand Extra")
    args = parser.parse_args(argv)
    check_constants()
    codes = code_table()

    t0 = time.perf_counter()
    decl = make_declarations(args.rows, args.seed, args.supplementary_share, codes)
    gen_s, gen_peak = time.perf_counter() - t0, peak_rss_mib()
    print(f"{decl.height:,} synthetic lines ({decl['insured_id'].n_unique():,} insureds, "
          f"years {YEARS[0]}-{YEARS[1]}) in {gen_s:.1f} s; peak RSS {gen_peak:,.0f} MiB")

    polars_s, ours, polars_peak, polars_base = best_of(lambda: score_polars(decl, codes),
                                                        args.repeat)
    aanspraak_s, scored, aanspraak_peak, aanspraak_base = best_of(
        lambda: aanspraak.score(decl, policy=POLICY), args.repeat)
    theirs = aanspraak_cents(scored)
    del scored

    bad = compare(ours, theirs)
    n = decl.height
    covered = int(ours["basic_covered"].sum())
    paid = int((ours["supplementary_paid"] > 0).sum())
    print(f"\n{n:,} lines: {covered:,} covered by the basic insurance, "
          f"{int((ours['eigen_risico'] > 0).sum()):,} with eigen risico, {paid:,} paid by {PRODUCT}")
    print(f"amounts equal to the cent on every line: {'YES' if bad == 0 else f'NO ({bad:,} lines differ)'}")
    print(f"\nbest of {args.repeat} after one warm-up; python {platform.python_version()}, "
          f"polars {pl.__version__}, aanspraak {aanspraak.__version__}")
    print(f"{'implementation':<28} {'seconds':>8} {'lines/s':>12} {'time / aanspraak':>17} "
          f"{'peak RSS MiB':>13} {'(+ over start)':>15}")
    for name, s, peak, base in (("aanspraak.score", aanspraak_s, aanspraak_peak, aanspraak_base),
                                ("polars expressions (subset)", polars_s, polars_peak, polars_base)):
        print(f"{name:<28} {s:>8.3f} {n / s:>12,.0f} {s / aanspraak_s:>16.2f}x "
              f"{peak:>13,.0f} {f'(+{peak - base:,.0f})':>15}")
    print("peak RSS = ru_maxrss during that implementation's runs, reset before them "
          "(/proc/self/clear_refs);\n  '+ over start' = above the RSS when they began "
          "(input frame; for aanspraak also the polars result).")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
