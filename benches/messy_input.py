"""A messy declarations file for the bit-for-bit check of issue 15 (input reading and
validation): every input column, with nulls and bad values of every kind.

    python benches/messy_input.py OUT.parquet [--string-dates]

With ``--string-dates`` every date column is ISO text with some values that are no date
(and treatment dates in years without statutory parameters); otherwise most are Date.
Compare two builds on it with ``benches/same_output.py``."""
import datetime as dt
import sys

import numpy as np
import polars as pl

import aanspraak

rng = np.random.default_rng(15)
N = 200_000
base = aanspraak.synthetic.declarations(N, seed=15)
pol = aanspraak._core.CompiledPolicy.load("defriesland-2022")
basic = [b[0] for b in pol.basic_products()]
supp = [s[0] for s in pol.supplementary_products()]


def pick(values, p=None):
    idx = rng.choice(len(values), size=N, p=p)
    return [values[i] for i in idx]


def dates(lo, hi, bad=()):
    d0 = dt.date.fromisoformat(lo).toordinal()
    d1 = dt.date.fromisoformat(hi).toordinal()
    return [dt.date.fromordinal(int(x)) for x in rng.integers(d0, d1, size=N)]


def with_nulls(values, share=0.05):
    mask = rng.random(N) < share
    return [None if m else v for v, m in zip(values, mask)]


def mix(good, bad, share=0.05):
    mask = rng.random(N) < share
    b = pick(bad)
    return [bv if m else gv for gv, bv, m in zip(good, b, mask)]


iso = lambda ds: [x.isoformat() if x is not None else None for x in ds]
treat = dates("2019-06-01", "2023-06-30")
cols = {
    "insured_id": with_nulls([f"P{i}" for i in rng.integers(0, 20_000, size=N)], 0.01),
    "birth_date": with_nulls(mix(iso(dates("1930-01-01", "2021-01-01")), ["not a date", "2022-02-30", "0000-01-01", "99999-01-01", ""]), 0.01),
    "treatment_date": with_nulls(treat, 0.01),
    "code": with_nulls(mix(base["code"].to_list(), ["", "  ", "ZZZ99", "038911", "199872", "c11", "238060", "1234567"]), 0.01),
    "amount": with_nulls(mix([f"{x:.2f}" for x in rng.uniform(1, 900, size=N)], ["-5.00", "abc", "1e20", "12,50", "99999999999999999999", " 7.5 ", "0.005"]), 0.01),
    "line_id": with_nulls(rng.integers(0, 1000, size=N).tolist(), 0.02),
    "domain": with_nulls(mix(pick([None, "mondzorg", "msz"], [0.8, 0.15, 0.05]), ["ggz", "MSZ", " msz "]), 0.02),
    "element": with_nulls(mix(pick([11, 12, 21, 36, 43, 47, 51, 85]), [0, 19, 49, 86, 99, -11, 255]), 0.3),
    "jaw": with_nulls(mix(pick(["upper", "lower"]), ["both", "Upper", "", "left"]), 0.7),
    "edentulous": with_nulls(pick([True, False]), 0.5),
    "provider_type": with_nulls(mix(pick(["tandarts", "mondhygienist", "tandprotheticus", "orthodontist", "kaakchirurg", "implantoloog", "cbt", "medisch_specialist"]), ["huisarts", "", "Tandarts"]), 0.3),
    "contracted": with_nulls(pick([True, False], [0.8, 0.2]), 0.1),
    "reference_tariff": with_nulls(mix(rng.uniform(1, 900, size=N).round(2).tolist(), [-1.0, 1e18, float("nan"), float("inf")]), 0.6),
    "authorization": with_nulls(pick([True, False]), 0.5),
    "bt_indication": with_nulls(mix(pick(["a", "b", "c"]), ["d", "A", " b ", ""], 0.2), 0.8),
    "bt_related": with_nulls(pick([True, False]), 0.5),
    "ortho_severe": with_nulls(pick([True, False]), 0.5),
    "severely_resorbed": with_nulls(pick([True, False]), 0.5),
    "missing_tooth_cause": with_nulls(mix(pick(["agenesis", "accident"]), ["caries", "Accident"], 0.2), 0.8),
    "need_before_18": with_nulls(pick([True, False]), 0.5),
    "basic_product": with_nulls(mix(pick(basic), ["nope", ""]), 0.3),
    "supplementary_product": with_nulls(mix(pick(supp + [f"{supp[0]}+{supp[1]}", ""]), ["nope", f"{supp[0]}+{supp[0]}", "+".join(supp[:4]), f"{supp[0]}+nope"]), 0.4),
    "supplementary_start": with_nulls(dates("2015-01-01", "2023-01-01"), 0.4),
    "supplementary_end": with_nulls(dates("2018-01-01", "2025-01-01"), 0.6),
    "accident_date": with_nulls(mix(iso(dates("2015-01-01", "2023-01-01")), ["yesterday", "2022-13-01"]), 0.8),
    "material_costs": with_nulls(mix([f"{x:.2f}" for x in rng.uniform(0, 200, size=N)], ["-1", "x", "5000.00"]), 0.6),
    "referral": with_nulls(pick([True, False]), 0.5),
    "voluntary_deductible": with_nulls(pick([0, 100, 200, 300, 400, 500, 150, 600, -100], [0.3, 0.1, 0.1, 0.1, 0.1, 0.2, 0.04, 0.03, 0.03]), 0.2),
    "insured_from": with_nulls(dates("2018-01-01", "2022-06-01"), 0.7),
    "insured_to": with_nulls(dates("2021-06-01", "2024-01-01"), 0.7),
    "setting": with_nulls(mix(pick(["pok", "outpatient", "daycare", "inpatient"]), ["home", "Daycare"]), 0.6),
    "specialism": with_nulls(pick(["DER", "der", "KNO", "CHI", "XYZ", ""]), 0.5),
}
if "--string-dates" in sys.argv:
    far = mix(iso(treat), ["1990-01-01", "2035-06-01", "x", "2022-02-29"], 0.03)
    cols["treatment_date"] = with_nulls(far, 0.01)
    for c in ["supplementary_start", "supplementary_end", "insured_from", "insured_to"]:
        cols[c] = mix(iso(cols[c]), ["never", "10000-01-01", "2021-04-31"], 0.03)
df = pl.DataFrame(cols, strict=False)
print(df.schema)
df.write_parquet(sys.argv[1])
