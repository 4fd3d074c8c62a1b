"""Time aanspraak.exposure on 2M synthetic members (periods from 2014..2023, 30 % closed)."""
import time, datetime as dt, numpy as np, polars as pl, aanspraak, warnings
n = 2_000_000
rng = np.random.default_rng(1)
birth = pl.Series(np.datetime64("1930-01-01") + rng.integers(0, 33_000, n).astype("timedelta64[D]")).cast(pl.Date)
start = pl.Series(np.datetime64("2014-01-01") + rng.integers(0, 3_650, n).astype("timedelta64[D]")).cast(pl.Date)
m = pl.DataFrame({"insured_id": np.arange(n), "birth_date": birth, "insured_from": start,
                  "supplementary_product": rng.choice(["none", "av-tand-standaard", "av-tand-extra"], n)})
m = m.with_columns(pl.max_horizontal("birth_date", "insured_from").alias("insured_from")).with_columns(
                   pl.when(pl.Series(rng.random(n)) < 0.3).then(pl.col("insured_from") + pl.duration(days=pl.Series(rng.integers(0, 2000, n)))).alias("insured_to"))
t = time.perf_counter()
e = aanspraak.exposure(m, by=["age_band", "supplementary_product"], years=(2014, 2023))
t1 = time.perf_counter() - t
print(f"exposure(2M members, by age_band+product, 2014-2023): {t1:.2f} s, {e['member_days'].sum()/365.25/1e6:.1f}M member-years, {e.height} cells")
t = time.perf_counter()
e = aanspraak.exposure(m, years=(2014, 2023))
print(f"exposure(2M members, by year only): {time.perf_counter()-t:.2f} s")
