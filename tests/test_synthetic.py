"""Tests for aanspraak.synthetic: SYNTHETIC dental and hospital (msz) declaration lines."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

import aanspraak
from aanspraak import _synthetic_tables as tables
from aanspraak import synthetic

REPO = Path(__file__).resolve().parents[1]
REFERENCE_CSV = REPO / "rust" / "aanspraak-core" / "data" / "codes" / "sources" / "nza_mondzorg_codes.csv"
MSZ_DIR = REPO / "rust" / "aanspraak-core" / "data" / "msz"

declarations = synthetic.declarations

EXPECTED_SCHEMA = {
    "line_id": pl.Int64,
    "insured_id": pl.String,
    "birth_date": pl.Date,
    "treatment_date": pl.Date,
    "code": pl.String,
    "amount": pl.Decimal(12, 2),
    "element": pl.Int16,
    "provider_type": pl.String,
    "contracted": pl.Boolean,
    "reference_tariff": pl.Decimal(12, 2),
    "authorization": pl.Boolean,
    "bt_indication": pl.String,
    "basic_product": pl.String,
    "voluntary_deductible": pl.Int32,
    "supplementary_product": pl.String,
    "supplementary_start": pl.Date,
    "domain": pl.String,
    "specialism": pl.String,
    "setting": pl.String,
    "jaw": pl.String,
    "edentulous": pl.Boolean,
}
MSZ_COLUMNS = ["domain", "specialism", "setting", "jaw", "edentulous"]
SETTINGS = {"pok", "outpatient", "daycare", "inpatient"}
ON_REQUEST = {"199872": "OOG", "199884": "CHI", "199893": "DER"}
MSZ_REASONS = {
    "COVERED", "AUTHORIZATION_MISSING", "POK_MISMATCH", "NOT_INSURED_ON_REQUEST", "INVALID_INPUT",
}
PROVIDERS = {
    "tandarts", "mondhygienist", "kaakchirurg", "orthodontist", "tandprotheticus", "implantoloog",
}
# full dentures of the years the fixtures draw (P21/P25/P30 until 2021, P020-P022 from 2022)
FULL_DENTURE = {"P21", "P25", "P30", "P020", "P021", "P022"}

N = 30_000


@pytest.fixture(scope="module")
def df() -> pl.DataFrame:
    return declarations(N, seed=7)


@pytest.fixture(scope="module")
def df_multi() -> pl.DataFrame:
    # spans both code eras, with supplementary products
    return declarations(N, seed=11, years=(2024, 2026), supplementary_share=0.5)


def _with_age(frame: pl.DataFrame) -> pl.DataFrame:
    t, b = pl.col("treatment_date"), pl.col("birth_date")

    def month_day(d: pl.Expr) -> pl.Expr:  # (dt.month() is Int8: widen first)
        return d.dt.month().cast(pl.Int32) * 32 + d.dt.day().cast(pl.Int32)

    before_birthday = month_day(t) < month_day(b)
    return frame.with_columns(
        age=t.dt.year().cast(pl.Int32) - b.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)
    )


def _insureds(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.unique("insured_id", keep="first", maintain_order=True)


# --------------------------------------------------------------------- shape


def test_row_count_line_id_and_schema(df: pl.DataFrame) -> None:
    assert df.height == N
    assert dict(df.schema) == EXPECTED_SCHEMA
    assert df["line_id"].to_list() == list(range(N))


def test_zero_rows() -> None:
    empty = declarations(0)
    assert empty.height == 0
    assert dict(empty.schema) == EXPECTED_SCHEMA


@pytest.mark.parametrize("n", [1, 2, 7])
def test_tiny(n: int) -> None:
    small = declarations(n, seed=3, supplementary_share=1.0)
    assert small.height == n
    assert dict(small.schema) == EXPECTED_SCHEMA


def test_deterministic_for_seed(df: pl.DataFrame) -> None:
    assert declarations(N, seed=7).equals(df)
    assert not declarations(N, seed=8).equals(df)
    kw = dict(years=(2024, 2026), supplementary_share=0.5)
    assert declarations(500, seed=2, **kw).equals(declarations(500, seed=2, **kw))


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError):
        declarations(-1)
    with pytest.raises(ValueError):
        declarations(10, policy_set="nope")
    with pytest.raises(ValueError):
        declarations(10, years=(2023, 2022))
    with pytest.raises(ValueError):
        declarations(10, lines_per_insured=0)
    with pytest.raises(ValueError):
        declarations(10, supplementary_share=1.5)
    with pytest.raises(ValueError):
        declarations(10, hospital_share=-0.1)
    with pytest.raises(ValueError):
        declarations(10, hospital_share=1.01)


def test_no_nulls_where_required(df: pl.DataFrame) -> None:
    required = ["line_id", "insured_id", "birth_date", "treatment_date", "code", "amount",
                "provider_type", "contracted", "basic_product", "voluntary_deductible"]
    assert df.select(pl.col(required).null_count()).row(0) == (0,) * len(required)


# ------------------------------------------------------------ people and dates


def test_insureds(df: pl.DataFrame) -> None:
    assert df["insured_id"].str.contains(r"^V\d{7}$").all()
    n_ins = df["insured_id"].n_unique()
    assert abs(n_ins - N / 6.0) / (N / 6.0) < 0.05
    # per-insured attributes are constant per insured
    per_ins = df.group_by("insured_id").agg(
        pl.col("birth_date", "basic_product", "voluntary_deductible").n_unique()
    )
    assert (per_ins.drop("insured_id").max().row(0)) == (1, 1, 1)


def test_rows_are_shuffled(df: pl.DataFrame) -> None:
    ids = df["insured_id"]
    same_as_next = (ids.head(N - 1) == ids.tail(N - 1)).sum()
    assert same_as_next < N * 0.01
    assert not ids.is_sorted()


def test_treatment_in_years_and_after_birth(df: pl.DataFrame, df_multi: pl.DataFrame) -> None:
    for frame, (y0, y1) in ((df, (2022, 2022)), (df_multi, (2024, 2026))):
        assert frame["treatment_date"].min() >= dt.date(y0, 1, 1)
        assert frame["treatment_date"].max() <= dt.date(y1, 12, 31)
        assert (frame["treatment_date"] >= frame["birth_date"]).all()
        years = frame["treatment_date"].dt.year().value_counts()
        assert years.height == y1 - y0 + 1
    # uniform-ish over the year: every month has lines
    assert df["treatment_date"].dt.month().n_unique() == 12
    # several lines per insured share a visit date
    per_ins = df.group_by("insured_id").agg(
        n=pl.len(), dates=pl.col("treatment_date").n_unique()
    )
    assert per_ins["n"].sum() > per_ins["dates"].sum() * 1.3


def test_age_mix(df: pl.DataFrame) -> None:
    ages = _with_age(_insureds(df))["age"]
    assert ages.min() >= 0 and ages.max() <= 97
    assert ages.min() < 6 and ages.max() >= 85
    minors = (ages < 18).mean()
    elderly = (ages >= 65).mean()
    very_old = (ages >= 85).mean()
    assert 0.12 < minors < 0.35
    assert 0.10 < elderly < 0.30
    assert very_old < 0.04


# ----------------------------------------------------------------------- codes


def test_code_mix_by_age(df: pl.DataFrame) -> None:
    aged = _with_age(df)
    kids = aged.filter(pl.col("age") < 18)
    adults = aged.filter(pl.col("age") >= 18)
    elderly = aged.filter(pl.col("age") >= 65)
    kid_codes = set(kids["code"].unique())
    assert {"C002", "C003", "M40", "X10", "A10", "H11"} <= kid_codes  # 2022: the C codes of 2022
    assert any(c.startswith("F") for c in kid_codes)
    assert any(c.startswith("V") for c in kid_codes)
    assert (kids["code"] == "C002").mean() > 0.1
    # no prostheses, crowns or implants for children
    assert not kids["code"].str.contains(r"^(P|R24|J)").any()
    adult_codes = set(adults["code"].unique())
    for prefix in "CMVXATERH":
        assert any(c.startswith(prefix) for c in adult_codes), prefix
    assert FULL_DENTURE & set(elderly["code"].unique())
    p_old = elderly["code"].str.starts_with("P").mean()
    p_young = adults.filter(pl.col("age") < 65)["code"].str.starts_with("P").mean()
    assert p_old > 3 * p_young
    # J50 very rare, fluoride mostly for children
    assert (df["code"] == "J50").mean() < 0.001
    assert (kids["code"] == "M40").mean() > 5 * (adults["code"] == "M40").mean()


def test_code_era() -> None:
    # each year draws that year's codes: T21 until 2020, C11 until 2021, J51 until 2022
    frame = declarations(40_000, seed=3, years=(2019, 2026))
    year = frame["treatment_date"].dt.year()
    for old, new, first_new in (("T21", "T021", 2021), ("C11", "C002", 2022), ("J51", "J081", 2023), ("V11", "V91", 2026)):
        before = set(frame.filter(year < first_new)["code"])
        after = set(frame.filter(year >= first_new)["code"])
        assert old in before and old not in after, old
        assert new in after and new not in before, new


def _reference() -> dict[str, dict[str, str]]:
    if not REFERENCE_CSV.exists():
        pytest.skip(f"reference list not found at {REFERENCE_CSV}")
    by_year: dict[str, dict[str, str]] = {}
    with REFERENCE_CSV.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            by_year.setdefault(row["list_year"], {})[row["code"]] = row["max_tariff_eur"]
    return by_year


def _era_tariffs() -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    ref = _reference()

    def money(table: dict[str, str]) -> dict[str, Decimal]:
        out = {}
        for code, value in table.items():
            try:
                out[code] = Decimal(value)
            except ArithmeticError:  # "kostprijs", "maximum", ...
                out[code] = Decimal("NaN")
        return out

    pre = money(ref["2013"]) | money(ref["2020"])  # 2020 rows override 2013
    return pre, money(ref["2026"])


@pytest.mark.parametrize("policy_set", ["defriesland-2022", "vgz-2021"])
def test_codes_exist_in_the_code_table_for_their_year(
    df_multi: pl.DataFrame, df: pl.DataFrame, policy_set: str
) -> None:
    import aanspraak

    table = aanspraak.CodeTable.bundled()
    frames = [df, df_multi, declarations(20_000, seed=5, years=(2019, 2027), policy_set=policy_set)]
    for frame in frames:
        dental = frame.filter(pl.col("domain").is_null() | (pl.col("domain") != "msz")) if "domain" in frame.columns else frame
        dental = dental.filter(~pl.col("code").str.contains(r"^\d+$"))
        for (y,), part in dental.group_by(pl.col("treatment_date").dt.year()):
            valid = set(table.for_year(min(y, 2026))["code"])
            drawn = set(part["code"].unique())
            assert drawn <= valid, (y, sorted(drawn - valid))


def test_every_table_code_is_in_reference() -> None:
    pre, new = _era_tariffs()
    for _pre_code, new_code, *_ in tables.CODE_TABLE:
        assert new_code in new, new_code
    # the 2026 tariffs (read from the bundled code table) are the reference maxima of 2026
    for code, cents in tables.dental_tariffs()[1].items():
        assert Decimal(cents) / 100 == new[code], code


def test_amounts_near_reference_tariff(df_multi: pl.DataFrame) -> None:
    # the generator's tariffs: an old code's before 2026, a 2026 code's (also when drawn
    # before 2026, C002 in 2024) from the 2026 list
    pre_c, new_c = tables.dental_tariffs()
    before = {c: Decimal(v) / 100 for c, v in (new_c | pre_c).items()}
    pre, new = before, {c: Decimal(v) / 100 for c, v in new_c.items()}
    year = df_multi["treatment_date"].dt.year()
    checked = 0
    for frame, table in ((df_multi.filter(year < 2026), pre), (df_multi.filter(year >= 2026), new)):
        tariffs = pl.DataFrame(
            {"code": list(table), "max_tariff": [str(v) for v in table.values()]}
        )
        joined = frame.join(tariffs, on="code", how="left").with_columns(
            pl.col("max_tariff").cast(pl.Decimal(12, 2))
        )
        ratio = joined["amount"].cast(pl.Float64) / joined["max_tariff"].cast(pl.Float64)
        assert ratio.min() >= 0.8 - 0.01 and ratio.max() <= 1.05 + 0.01
        rt = joined.filter(pl.col("reference_tariff").is_not_null())
        assert (rt["reference_tariff"] == rt["max_tariff"]).all()
        checked += frame.height
    assert checked == df_multi.height


# ----------------------------------------------------------------------- money


def test_amounts(df: pl.DataFrame) -> None:
    amount = df["amount"]
    assert amount.min() >= Decimal("0")
    assert amount.max() < Decimal("2000")
    # most lines at the maximum tariff; others spread 0.80-1.05
    assert amount.cast(pl.Float64).mean() > 15
    ref = df.filter(pl.col("reference_tariff").is_not_null())
    assert (ref["contracted"] == False).all()  # noqa: E712
    contracted = df.filter(pl.col("contracted"))
    assert contracted["reference_tariff"].null_count() == contracted.height


# -------------------------------------------------------------- other columns


def test_elements(df: pl.DataFrame) -> None:
    aged = _with_age(df)
    with_el = aged.filter(pl.col("element").is_not_null())
    el = with_el["element"]
    unit, quadrant = el % 10, el // 10
    assert quadrant.is_between(1, 8).all()
    permanent = quadrant <= 4
    assert (unit.filter(permanent).is_between(1, 8)).all()
    assert (unit.filter(~permanent).is_between(1, 5)).all()
    # deciduous teeth only under 12
    assert with_el.filter(~permanent)["age"].max() < 12
    assert (~permanent).sum() > 0
    # per-tooth groups have an element, prostheses and consults do not
    per_tooth = aged.filter(pl.col("code").str.contains(r"^[VERH]\d"))
    assert per_tooth["element"].null_count() < 0.05 * per_tooth.height
    not_per_tooth = aged.filter(pl.col("code").str.contains(r"^(P|C|X|F)"))
    assert not_per_tooth["element"].null_count() == not_per_tooth.height
    assert aged.filter(pl.col("code").str.starts_with("V"))["element"].null_count() == 0


def test_providers(df: pl.DataFrame) -> None:
    aged = _with_age(df)
    assert set(df["provider_type"].unique()) <= PROVIDERS
    assert (df["provider_type"] == "tandarts").mean() > 0.6
    f = df.filter(pl.col("code").str.starts_with("F"))
    assert (f["provider_type"] == "orthodontist").mean() > 0.8
    h_adult = aged.filter(pl.col("code").str.starts_with("H") & (pl.col("age") >= 18))
    assert (h_adult["provider_type"] == "kaakchirurg").mean() > 0.5
    dentures = df.filter(pl.col("code").is_in(list(FULL_DENTURE)))
    assert 0 < (dentures["provider_type"] == "tandprotheticus").mean() < 1
    mh = df.filter(pl.col("provider_type") == "mondhygienist")["code"]
    assert mh.str.contains(r"^(M|C|T)").all()
    kc = df.filter(pl.col("provider_type") == "kaakchirurg")["code"]
    assert kc.str.contains(r"^(H|J|X)").all()


def test_flags_shares(df: pl.DataFrame) -> None:
    assert 0.87 < df["contracted"].mean() < 0.93
    auth = df["authorization"]
    assert 0.93 < auth.null_count() / N < 0.97
    assert 0.03 < auth.sum() / N < 0.05
    assert 0.004 < (auth == False).sum() / N < 0.016  # noqa: E712
    bt = df["bt_indication"]
    assert bt.null_count() / N > 0.99
    assert set(bt.drop_nulls().unique()) <= {"a", "b", "c"}


def test_products_defriesland(df: pl.DataFrame, df_multi: pl.DataFrame) -> None:
    ins = _insureds(df)
    assert set(ins["basic_product"].unique()) == {"alles-verzorgd", "zelf-bewust"}
    assert 0.65 < (ins["basic_product"] == "alles-verzorgd").mean() < 0.75
    vd = ins["voluntary_deductible"]
    assert set(vd.unique()) <= {0, 100, 200, 300, 400, 500}
    assert 0.80 < (vd == 0).mean() < 0.92
    # minors cannot have a voluntary deductible
    assert _with_age(ins).filter(pl.col("age") < 18)["voluntary_deductible"].max() == 0
    assert df["supplementary_product"].null_count() == N
    assert df["supplementary_start"].null_count() == N

    ins_m = _insureds(df_multi)
    has = ins_m["supplementary_product"].is_not_null()
    assert 0.45 < has.mean() < 0.55
    assert set(ins_m["supplementary_product"].drop_nulls().unique()) == {
        "av-tand-opstap", "av-tand-doorstap", "av-tand-standaard",
        "av-tand-extra", "av-tand-optimaal",
    }
    assert (ins_m["supplementary_start"].is_null() == ~has).all()
    start = ins_m["supplementary_start"].drop_nulls()
    assert ((start.dt.month() == 1) & (start.dt.day() == 1)).all()
    assert start.dt.year().is_between(2024 - 5, 2024 - 1).all()


def test_other_policy_sets() -> None:
    vgz = declarations(3_000, seed=1, policy_set="vgz-2021", supplementary_share=0.3)
    assert set(vgz["basic_product"].unique()) == {"uc-ruime-keuze"}
    assert set(vgz["supplementary_product"].drop_nulls().unique()) == {"uc-tandzeker-500"}
    ipt = declarations(3_000, seed=1, policy_set="iptiq-2019", supplementary_share=0.9)
    assert set(ipt["basic_product"].unique()) == {"besured-ruime-keuze"}
    assert ipt["supplementary_product"].null_count() == ipt.height
    assert ipt["supplementary_start"].null_count() == ipt.height


# ------------------------------------------------------- hospital care (msz)

HOSPITAL_SHARE = 0.3


@pytest.fixture(scope="module")
def df_msz() -> pl.DataFrame:
    return declarations(N, seed=7, hospital_share=HOSPITAL_SHARE)


def _csv_rows(name: str) -> list[dict[str, str]]:
    with open(MSZ_DIR / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("share", [0.0, 0.01, 0.3, 1.0])
@pytest.mark.parametrize("n", [0, 1, 5, 2_000])
def test_schema_does_not_depend_on_hospital_share(n: int, share: float) -> None:
    frame = declarations(n, seed=4, hospital_share=share)
    assert frame.height == n
    assert list(frame.schema.items())[-len(MSZ_COLUMNS):] == [
        (c, EXPECTED_SCHEMA[c]) for c in MSZ_COLUMNS
    ]
    assert dict(frame.schema) == EXPECTED_SCHEMA


def test_no_hospital_lines_without_share(df: pl.DataFrame) -> None:
    assert (df["domain"] == "mondzorg").all()
    for col in ["specialism", "setting", "jaw", "edentulous"]:
        assert df[col].null_count() == N, col
    # the default is hospital_share=0.0
    assert declarations(N, seed=7, hospital_share=0.0).equals(df)


def test_hospital_share(df_msz: pl.DataFrame) -> None:
    assert set(df_msz["domain"].unique()) == {"mondzorg", "msz"}
    share = (df_msz["domain"] == "msz").mean()
    assert abs(share - HOSPITAL_SHARE) < 0.015  # sd is about 0.003
    assert (declarations(N, seed=7, hospital_share=1.0)["domain"] == "msz").all()


def test_hospital_columns(df_msz: pl.DataFrame) -> None:
    msz = df_msz.filter(pl.col("domain") == "msz")
    dental = df_msz.filter(pl.col("domain") == "mondzorg")
    assert msz["code"].str.contains(r"^\d{6}$").all()
    assert msz["code"].str.starts_with("0").mean() > 0.8  # leading zeros kept
    assert msz["specialism"].null_count() == 0
    assert set(msz["setting"].unique()) == SETTINGS
    assert msz["element"].null_count() == msz.height
    assert msz["reference_tariff"].null_count() == msz.height
    assert msz["bt_indication"].null_count() == msz.height
    assert set(msz["provider_type"].unique()) == {"medisch_specialist", "kaakchirurg"}
    kc = msz.filter(pl.col("provider_type") == "kaakchirurg")
    assert (kc["specialism"] == "MKA").all()
    # dental lines keep nulls in the msz columns and dental codes
    for col in ["specialism", "setting", "jaw", "edentulous"]:
        assert dental[col].null_count() == dental.height, col
    assert not dental["code"].str.contains(r"^\d{6}$").any()
    assert set(dental["provider_type"].unique()) <= PROVIDERS
    # amounts: euros, integer cents, 40-8000
    amount = msz["amount"]
    assert amount.min() >= Decimal("40") and amount.max() <= Decimal("8000")
    assert amount.dtype == pl.Decimal(12, 2)
    assert 250 < amount.cast(pl.Float64).median() < 550


def test_hospital_code_sources(df_msz: pl.DataFrame) -> None:
    pok = {(r["specialism"], r["code"]) for r in _csv_rows("pok_list.csv")}
    auth = {(r["category"], r["code"]) for r in _csv_rows("authorization_list.csv")}
    # the hospital codes are chosen from the bundled CSVs
    for spec, code, weight in tables.MSZ_POK:
        assert (spec, code) in pok and weight > 0 and code not in ON_REQUEST
    assert len(tables.MSZ_POK) >= 50
    for cat, code in tables.MSZ_AUTH:
        assert (cat, code) in auth
    assert len(tables.MSZ_AUTH) >= 12
    for spec, code in tables.MSZ_ON_REQUEST:
        assert (spec, code) in pok and ON_REQUEST[code] == spec

    msz = df_msz.filter(pl.col("domain") == "msz")
    pairs = set(zip(msz["specialism"], msz["code"]))
    auth_codes = {code for _, code in auth}
    auth_spec = {("MKA" if c.startswith("K") else "PLA", code) for c, code in auth}
    assert pairs <= pok | auth_spec
    n_auth = msz.filter(
        pl.col("code").is_in(sorted(auth_codes)) & pl.col("specialism").is_in(["MKA", "PLA"])
    ).height
    assert 0.03 < n_auth / msz.height < 0.07
    on_req = msz.filter(pl.col("code").is_in(list(ON_REQUEST)))
    assert 0 < on_req.height / msz.height < 0.012
    assert all(ON_REQUEST[c] == s for c, s in zip(on_req["code"], on_req["specialism"]))
    # the POK-list settings: pok 75 %, daycare 15 %, outpatient 5 %, inpatient 5 %
    pok_frame = pl.DataFrame(sorted(pok), schema=["specialism", "code"], orient="row")
    pok_lines = msz.join(pok_frame, on=["specialism", "code"], how="semi").filter(
        ~pl.col("code").is_in(list(ON_REQUEST))
    )
    shares = pok_lines["setting"].value_counts(normalize=True)
    share = dict(zip(shares["setting"], shares["proportion"]))
    assert abs(share["pok"] - 0.75) < 0.03 and abs(share["daycare"] - 0.15) < 0.03
    assert abs(share["outpatient"] - 0.05) < 0.02 and abs(share["inpatient"] - 0.05) < 0.02


def test_jaw_and_edentulous(df_msz: pl.DataFrame) -> None:
    k13 = {code for cat, code in tables.MSZ_AUTH if cat in {"K01", "K02", "K03"}}
    with_jaw = df_msz.filter(pl.col("jaw").is_not_null())
    assert with_jaw.height > 0
    assert set(with_jaw["jaw"].unique()) == {"upper", "lower"}
    assert (with_jaw["specialism"] == "MKA").all() and with_jaw["code"].is_in(sorted(k13)).all()
    assert df_msz.filter(pl.col("edentulous").is_not_null())["jaw"].null_count() == 0
    assert df_msz["edentulous"].null_count() > 0.99 * N  # null mostly


def test_hospital_lines_mixed_per_insured(df_msz: pl.DataFrame, df: pl.DataFrame) -> None:
    # same insureds, dates and flags as the dental-only frame of the seed: the
    # hospital lines replace dental lines in place
    same = ["line_id", "insured_id", "birth_date", "treatment_date", "contracted",
            "authorization", "basic_product", "voluntary_deductible",
            "supplementary_product", "supplementary_start"]
    assert df_msz.select(same).equals(df.select(same))
    dental = df_msz["domain"] == "mondzorg"
    assert df_msz.filter(dental).equals(df.filter(dental))
    per_ins = df_msz.group_by("insured_id").agg(pl.col("domain").n_unique().alias("k"))
    assert (per_ins["k"] == 2).sum() > 0.3 * per_ins.height


def test_hospital_deterministic(df_msz: pl.DataFrame) -> None:
    assert declarations(N, seed=7, hospital_share=HOSPITAL_SHARE).equals(df_msz)
    assert not declarations(N, seed=8, hospital_share=HOSPITAL_SHARE).equals(df_msz)
    kw = dict(years=(2024, 2026), supplementary_share=0.5, hospital_share=0.2)
    assert declarations(3_000, seed=2, **kw).equals(declarations(3_000, seed=2, **kw))


def _aanspraak_score():
    try:
        import aanspraak  # type: ignore[import-not-found]
    except Exception:  # noqa: BLE001
        return None
    return getattr(aanspraak, "score", None)


def test_score_mixed_frame() -> None:
    score = _aanspraak_score()
    if score is None:
        pytest.skip("aanspraak.score is not available (compiled core not built)")
    mixed = declarations(20_000, seed=5, hospital_share=HOSPITAL_SHARE, supplementary_share=0.3)
    out = score(mixed, policy="defriesland-2022")
    assert out.height == mixed.height
    reasons = out.select("line_id", pl.col("reason").cast(pl.String)).join(
        mixed.select("line_id", "domain"), on="line_id", how="left"
    )
    assert reasons["domain"].null_count() == 0
    msz_reasons = set(reasons.filter(pl.col("domain") == "msz")["reason"].unique())
    assert msz_reasons <= MSZ_REASONS, msz_reasons - MSZ_REASONS
    assert "COVERED" in msz_reasons and "NOT_INSURED_ON_REQUEST" in msz_reasons


def test_import_aanspraak_does_not_import_synthetic() -> None:
    # The generator and its tables load on first use of aanspraak.synthetic, not on import.
    import subprocess
    import sys

    probe = (
        "import sys, aanspraak\n"
        "print(sorted(m for m in sys.modules if 'synthetic' in m))\n"
        "aanspraak.synthetic.declarations(10, seed=1)\n"
        "print(sorted(m for m in sys.modules if 'synthetic' in m))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120).stdout
    assert out.splitlines() == ["[]", "['aanspraak._synthetic_tables', 'aanspraak.synthetic']"]


def test_tariffs_come_from_the_bundled_code_table() -> None:
    import aanspraak

    table = aanspraak.CodeTable.bundled().to_polars()
    pre, new = tables.dental_tariffs()
    for era, (tariffs, days) in enumerate(zip((pre, new), tables._tariff_days())):
        assert set(tariffs) == {row[era] for row in tables.CODE_TABLE}
        in_table = {}
        for row, day in zip(tables.CODE_TABLE, days):
            hit = table.filter((pl.col("code") == row[era]) & (pl.col("valid_from") <= day) & (pl.col("valid_to") >= day))
            if hit.height and hit["max_tariff_cents"][0] is not None:
                in_table[row[era]] = hit["max_tariff_cents"][0]
        assert {c: t for c, t in tariffs.items() if c in in_table} == in_table
        # The only tariff the generator keeps itself: the 2013 J50 the table leaves out.
        assert {c: tariffs[c] for c in set(tariffs) - set(in_table)} == ({"J50": 55610} if era == 0 else {})


def test_product_mix_of_every_bundled_policy_set() -> None:
    import aanspraak

    products = aanspraak.policies()
    assert sorted(synthetic.POLICY_SETS) == sorted(products["policy_set"].unique())
    for key, (basic, supp) in synthetic.POLICY_SETS.items():
        of_set = products.filter(policy_set=key)
        assert {b for b, _ in basic} <= set(of_set.filter(kind="basic")["product"])
        assert set(supp) <= set(of_set.filter(kind="supplementary", accident_cover=False)["product"])


def test_overig_share_turns_lines_into_other_care_that_scores_as_given() -> None:
    # docs/rules.md#other-care: covered as given, no eigen bijdrage, exempt kinds bear no
    # eigen risico, never paid by a dental product.
    df = declarations(20_000, seed=7, supplementary_share=0.6, overig_share=0.1)
    overig = df.filter(pl.col("domain") == "overig")
    assert overig.height == 2_000 and df.height == 20_000
    assert overig["element"].null_count() == overig.height and overig["provider_type"].null_count() == overig.height
    exempt = {c for c, _, x in synthetic.OVERIG_KINDS if x}
    assert overig.filter(pl.col("eigen_risico_exempt"))["code"].unique().to_list() != []
    assert set(overig.filter(pl.col("eigen_risico_exempt"))["code"].unique()) <= exempt
    assert not df.filter(pl.col("domain") != "overig")["eigen_risico_exempt"].any()
    out = aanspraak.score(df).filter(pl.col("domain") == "overig")
    assert set(out["reason"].cast(pl.String).unique()) == {"COVERED"}
    assert (out["allowed"] == out["amount"]).all() and (out["eigen_bijdrage"] == 0).all()
    assert (out.filter(pl.col("eigen_risico_exempt"))["eigen_risico"] == 0).all()
    assert out.filter(~pl.col("eigen_risico_exempt"))["eigen_risico"].sum() > 0
    assert set(out["supplementary_reason"].cast(pl.String).unique()) <= {"OTHER_CARE", "NO_SUPPLEMENTARY"}
