"""Input types as warehouses bring them (issue 14): time zones, Null columns, line_id
types, amounts beyond the output, Arrow types polars cannot import, far-out dates,
mixed pandas columns. Each bad input is a SchemaError naming the column or an
INVALID_INPUT row with a message; nothing panics, nothing moves a day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import aanspraak
from aanspraak import partitions
from conftest import lines

DATE_COLUMNS = ["birth_date", "treatment_date", "insured_from", "insured_to", "supplementary_start"]
MONEY = ["allowed", "eigen_bijdrage", "eigen_risico", "basic_paid", "supplementary_paid", "patient_paid"]


def money_view(out: pl.DataFrame) -> list[tuple]:
    return out.select("line_id", "age", pl.col("reason").cast(pl.String), pl.col("message").cast(pl.String), *MONEY).rows()


def tz_lines() -> pl.DataFrame:
    """An insured's lines around the edges a shifted day would move: local midnight on 1
    January (the UTC day before is the previous year's pot), the 18th birthday (age and
    the deductible start the month after), and a contract that starts on a day."""
    rows = [
        # Turns 18 on 2022-03-01: lid 4 before, adult after; eigen risico from 1 April.
        {"line_id": 1, "insured_id": "Y", "birth_date": dt.date(2004, 3, 1), "treatment_date": dt.date(2022, 2, 28), "code": "C002"},
        {"line_id": 2, "insured_id": "Y", "birth_date": dt.date(2004, 3, 1), "treatment_date": dt.date(2022, 3, 1), "code": "C002"},
        {"line_id": 3, "insured_id": "Y", "birth_date": dt.date(2004, 3, 1), "treatment_date": dt.date(2022, 4, 1), "code": "H35",
         "provider_type": "kaakchirurg", "amount": D("300.00")},
        # Local midnight on 1 January: the 2022 pot, not 2021's.
        {"line_id": 4, "insured_id": "N", "treatment_date": dt.date(2022, 1, 1), "code": "H35", "provider_type": "kaakchirurg",
         "amount": D("300.00")},
        {"line_id": 5, "insured_id": "N", "treatment_date": dt.date(2021, 12, 31), "code": "H35", "provider_type": "kaakchirurg",
         "amount": D("300.00")},
        # A contract from 1 July: a line on 30 June is outside it.
        {"line_id": 6, "insured_id": "C", "treatment_date": dt.date(2022, 6, 30), "insured_from": dt.date(2022, 7, 1)},
        {"line_id": 7, "insured_id": "C", "treatment_date": dt.date(2022, 7, 1), "insured_from": dt.date(2022, 7, 1),
         "insured_to": dt.date(2022, 12, 31), "code": "H35", "provider_type": "kaakchirurg", "amount": D("300.00")},
    ]
    return lines(*rows)


def as_zone(df: pl.DataFrame, zone: str, unit: str = "us") -> pl.DataFrame:
    """Date columns as local midnight in `zone` (as pandas and warehouse extracts give them)."""
    cols = [c for c in DATE_COLUMNS if c in df.columns]
    return df.with_columns(pl.col(cols).cast(pl.Datetime(unit)).dt.replace_time_zone(zone))


def test_tz_aware_dates_are_the_local_calendar_date():
    df = tz_lines()
    want = money_view(aanspraak.score(df))
    assert [r[2] for r in want][:5] == ["COVERED", "NOT_INSURED_ADULT", "COVERED", "COVERED", "COVERED"]
    amsterdam = as_zone(df, "Europe/Amsterdam")
    for variant in [amsterdam, as_zone(df, "Europe/Amsterdam", "ns"), as_zone(df, "Asia/Tokyo", "ms"), amsterdam.to_pandas(),
                    amsterdam.to_arrow(), as_zone(df, "America/Sao_Paulo").with_columns(pl.col("treatment_date").dt.offset_by("23h"))]:
        assert money_view(aanspraak.score(variant)) == want, type(variant)
    # A fixed offset ("+01:00"), as Arrow and Parquet writers label instants.
    table = df.to_arrow()
    for c in [c for c in DATE_COLUMNS if c in table.column_names]:
        i = table.schema.get_field_index(c)
        table = table.set_column(i, c, pc.assume_timezone(table[c].cast(pa.timestamp("s")), "+01:00"))
    assert money_view(aanspraak.score(table)) == want
    # compare reads through the same reader.
    cmp = aanspraak.compare(amsterdam, {"a": "defriesland-2022", "b": aanspraak.Policy.load("defriesland-2022").with_eigen_risico(165)})
    assert cmp.lines["eigen_risico__a"].to_list() == aanspraak.score(df)["eigen_risico"].to_list()


def test_tz_aware_dates_in_score_parquet(tmp_path):
    df = tz_lines()
    as_zone(df, "Europe/Amsterdam").write_parquet(tmp_path / "in.parquet")
    aanspraak.score_parquet(tmp_path / "in.parquet", tmp_path / "out", buckets=2, progress=False)
    got = pl.read_parquet(tmp_path / "out" / "*.parquet").sort("line_id")
    assert money_view(got) == money_view(aanspraak.score(df))


def test_an_unknown_time_zone_is_a_schema_error():
    table = tz_lines().to_arrow()
    table = table.set_column(table.schema.get_field_index("treatment_date"), "treatment_date",
                             table["treatment_date"].cast(pa.timestamp("s")).cast(pa.timestamp("s", "Mars/Olympus_Mons")))
    with pytest.raises(aanspraak.SchemaError, match=r"column `treatment_date`: .*time zone"):
        partitions.score_table(table, aanspraak.Policy.load("defriesland-2022"))
    with pytest.raises(aanspraak.SchemaError, match=r"column `treatment_date`"):
        aanspraak.score(table)


def test_a_null_typed_optional_column_counts_as_absent():
    row = {"insured_id": "A", "birth_date": dt.date(1980, 1, 1), "treatment_date": dt.date(2022, 3, 1), "code": "H35",
           "provider_type": "kaakchirurg", "amount": D("100.00")}
    want = aanspraak.score(pl.DataFrame([row])).select("reason", *MONEY).rows()
    frame = pl.DataFrame([{**row, "referral": None, "insured_from": None, "notes": None}])
    assert frame.schema["referral"] == pl.Null
    out = aanspraak.score(frame)
    assert out.select("reason", *MONEY).rows() == want
    assert out["notes"].dtype == pl.Null  # carried through as it came
    table = pl.DataFrame([row]).to_arrow().append_column("authorization", pa.nulls(1))
    assert aanspraak.score(table).select("reason", *MONEY).rows() == want
    assert aanspraak.compare(frame, {"a": "defriesland-2022"}).lines.height == 1
    scored = partitions.score_table(table.append_column("line_id", pa.array([0])), aanspraak.Policy.load("defriesland-2022"))
    assert scored.column("basic_paid").to_pylist() == [want[0][4]]


def test_a_null_typed_required_column_is_a_schema_error_naming_it():
    row = {"insured_id": "A", "birth_date": None, "treatment_date": dt.date(2022, 3, 1), "code": "C002", "amount": D("10.00")}
    with pytest.raises(aanspraak.SchemaError, match=r"column `birth_date`: found Null .*expected Date32"):
        aanspraak.score(pl.DataFrame([row]))
    with pytest.raises(aanspraak.SchemaError, match=r"column `amount`: found Null"):
        aanspraak.score(pl.DataFrame([{**row, "birth_date": dt.date(1980, 1, 1), "amount": None}]))
    table = pl.DataFrame([{**row, "birth_date": dt.date(1980, 1, 1)}]).to_arrow()
    table = table.set_column(0, "insured_id", pa.nulls(1))
    with pytest.raises(aanspraak.SchemaError, match=r"column `insured_id`: found Null"):
        partitions.score_table(table.append_column("line_id", pa.array([0])), aanspraak.Policy.load("defriesland-2022"))


# -- line_id --------------------------------------------------------------------------------


def ordered(ids: pl.Series) -> list:
    """Two H35 lines of 300 on one day (eigen risico 385): the first in order pays 300 of
    it, the second 85. Returns the eigen risico per row."""
    df = lines({"line_id": 1}, {"line_id": 2}).with_columns(
        pl.lit("H35").alias("code"), pl.lit("kaakchirurg").alias("provider_type"), pl.lit(D("300.00")).cast(pl.Decimal(12, 2)).alias("amount"),
        ids.alias("line_id"))
    return aanspraak.score(df)["eigen_risico"].to_list()


FIRST, SECOND = [D("85.00"), D("300.00")], [D("300.00"), D("85.00")]


def test_float_and_decimal_line_ids_order_as_integers():
    assert ordered(pl.Series([2, 1])) == FIRST
    assert ordered(pl.Series([2.0, 1.0])) == FIRST
    assert ordered(pl.Series([D("2"), D("1")], dtype=pl.Decimal(10, 0))) == FIRST
    assert ordered(pl.Series([D("2.00"), D("10.00")], dtype=pl.Decimal(10, 2))) == SECOND
    # pandas makes an integer column with a missing value float; the missing one goes first.
    df = lines({"line_id": 1}, {"line_id": 2}, {"line_id": 3}).to_pandas()
    df["line_id"] = [3.0, None, 2.0]
    df["code"], df["provider_type"], df["amount"] = "H35", "kaakchirurg", 200.0
    out = aanspraak.score(df)
    assert out["eigen_risico"].to_list() == [D("0.00"), D("200.00"), D("185.00")]


@pytest.mark.parametrize("ids", [
    pl.Series([1.5, 2.0]),
    pl.Series([D("1.50"), D("2.00")], dtype=pl.Decimal(10, 2)),
    pl.Series([dt.date(2022, 1, 1), dt.date(2022, 1, 2)]),
    pl.Series([True, False]),
    pl.Series([float("inf"), 1.0]),
])
def test_other_line_ids_are_a_schema_error_naming_line_id(ids):
    with pytest.raises(aanspraak.SchemaError, match=r"column `line_id`: found"):
        ordered(ids)


def test_uint64_line_ids_order_by_value_and_null_goes_first():
    big = pl.Series([2**63 + 5, 2**63 + 1], dtype=pl.UInt64)
    assert ordered(big) == FIRST
    assert ordered(pl.Series([2**63 + 5, 7], dtype=pl.UInt64)) == FIRST
    assert ordered(pl.Series([5, None], dtype=pl.Int64)) == FIRST
    assert ordered(pl.Series(["b", None])) == FIRST
    assert ordered(pl.Series([None, None], dtype=pl.Int64)) == SECOND  # ties keep row order


# -- amounts beyond the output ------------------------------------------------------------------


def test_amounts_that_do_not_fit_the_output_are_invalid_rows():
    big = D("10000000000000000.00")  # 10^16 euros: Decimal(18, 2) holds less
    wide = pl.Decimal(20, 2)
    df = lines(*[{"line_id": i, "contracted": i != 4} for i in range(1, 6)]).with_columns(
        pl.Series("amount", [big, D("9999999999999999.99"), D("100"), D("100"), D("100")], dtype=wide),
        pl.Series("reference_tariff", [None, None, None, big, None], dtype=wide),
        pl.Series("material_costs", [None, None, None, None, big], dtype=wide))
    out = aanspraak.score(df)
    out.to_arrow().validate(full=True)
    assert out["message"].cast(pl.String).to_list() == [
        "amount is too large: 10^16 euros or more do not fit the output (Decimal(18, 2))",
        None, None,
        "reference_tariff is negative, not a number or too large (10^16 euros or more)",
        "material_costs is negative, not a number or more than amount",
    ]
    assert out["patient_paid"].to_list() == [None, D("9999999999999999.99"), D("100.00"), D("100.00"), D("100.00")]
    assert out["basic_paid"].to_list()[0] == D("0.00")


@pytest.mark.parametrize("column", [
    pl.Series("amount_cents", [10**18, 2**63 - 1], dtype=pl.Int64),
    pl.Series("amount_cents", [10**18, 2**64 - 1], dtype=pl.UInt64),
    pl.Series("amount", [2**64 - 1, 10**16], dtype=pl.UInt64),
    pl.Series("amount", [1e16, 1e300], dtype=pl.Float64),
    pl.Series("amount", ["10000000000000000", "1" + "0" * 60], dtype=pl.String),
])
def test_too_large_amounts_of_any_type_say_so(column):
    df = lines({"line_id": 1}, {"line_id": 2}).drop("amount").with_columns(column)
    out = aanspraak.score(df)
    out.to_arrow().validate(full=True)
    assert out["message"].cast(pl.String).to_list() == ["amount is too large: 10^16 euros or more do not fit the output (Decimal(18, 2))"] * 2
    assert out["patient_paid"].to_list() == [None, None]


# -- Arrow types polars cannot import ------------------------------------------------------------


def base_table() -> pa.Table:
    return lines({"line_id": 1, "code": "H35", "provider_type": "kaakchirurg", "amount": D("300.00"), "element": 11},
                 {"line_id": 2, "code": "C002", "amount": D("25.00"), "element": 12}).to_arrow()


def with_column(table: pa.Table, name: str, array: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, array)


@pytest.mark.parametrize("convert", [
    lambda t: with_column(t, "amount", t["amount"].cast(pa.decimal256(40, 2))),
    lambda t: with_column(t, "amount", t["amount"].cast(pa.decimal64(12, 2))),
    lambda t: with_column(t, "amount", pa.array(np.array([300, 25], dtype=np.float16))),
    lambda t: with_column(t, "insured_id", pc.run_end_encode(t["insured_id"].combine_chunks())),
    lambda t: with_column(t, "element", t["element"].combine_chunks().dictionary_encode()),
    lambda t: with_column(t, "code", t["code"].cast(pa.string()).combine_chunks().dictionary_encode().cast(pa.dictionary(pa.uint64(), pa.string()))),
    lambda t: t.cast(pa.schema([f.with_type(pa.large_string()) if pa.types.is_string_view(f.type) else f for f in t.schema])),
])
def test_arrow_types_polars_cannot_import_are_converted(convert):
    table = base_table()
    want = money_view(aanspraak.score(table))
    converted = convert(table)
    assert money_view(aanspraak.score(converted)) == want
    policy = aanspraak.Policy.load("defriesland-2022")
    assert partitions.score_table(converted, policy).column("basic_paid").to_pylist() == [r[7] for r in want]


def test_negative_scale_decimals_are_read_as_whole_numbers():
    table = base_table()
    hundreds = pa.array([D("3E+2"), D("0E+2")], pa.decimal128(3, -2))
    out = aanspraak.score(with_column(table, "amount", hundreds))
    assert out["eigen_risico"].to_list() == [D("300.00"), D("0.00")]
    assert out["amount"].to_list() == [D("300"), D("0")]


def test_unimportable_values_are_a_schema_error_naming_the_column_never_a_panic():
    table = base_table()
    huge = pa.array([D("1" + "0" * 45), D("1")], pa.decimal256(50, 0))
    for call in (aanspraak.score, lambda t: partitions.score_table(t, aanspraak.Policy.load("defriesland-2022"))):
        with pytest.raises(aanspraak.SchemaError, match=r"column `amount`: found decimal256\(50, 0\)"):
            call(with_column(table, "amount", huge))
    # A type the engine has no use for, in a required column, through the engine's own reader.
    interval = with_column(table, "treatment_date", pa.array([(1, 2, 3), (4, 5, 6)], pa.month_day_nano_interval()))
    with pytest.raises(aanspraak.SchemaError, match=r"column `treatment_date`"):
        partitions.score_table(interval, aanspraak.Policy.load("defriesland-2022"))


# -- far-out dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("column, array, message", [
    ("treatment_date", pa.array([10**14, 10**14], pa.timestamp("s")), "treatment_date is not a date between 0001-01-01 and 9999-12-31"),
    ("treatment_date", pa.array([-(10**17), -(10**17)], pa.timestamp("ms", "Europe/Amsterdam")), "treatment_date is not a date"),
    ("birth_date", pa.array([2**31 - 1, -(2**31)], pa.date32()), "birth_date is not a date between 0001-01-01 and 9999-12-31"),
    ("birth_date", pa.array([2**62, -(2**62)], pa.date64()), "birth_date is not a date between"),
    ("insured_from", pa.array([2**31 - 1, 2**31 - 1], pa.date32()), "insured_from is not a date between"),
    ("supplementary_start", pa.array(["2022-13-01", "0000-01-01"]), "supplementary_start is not a date between"),
])
def test_dates_far_out_are_invalid_rows_naming_the_column(column, array, message):
    table = base_table()
    table = with_column(table, column, array) if column in table.column_names else table.append_column(column, array)
    out = aanspraak.score(table)
    assert out["reason"].cast(pl.String).to_list() == ["INVALID_INPUT"] * 2
    assert all(m.startswith(message) for m in out["message"].cast(pl.String).to_list())
    assert out["basic_paid"].to_list() == [D("0.00")] * 2
    assert out["age"].to_list() == [None, None]


# -- messages ---------------------------------------------------------------------------------------


def test_a_mixed_pandas_column_is_named_with_what_was_found():
    df = lines({"line_id": 1}, {"line_id": 2}).to_pandas()
    df["amount"] = pd.Series([25, "x"], dtype=object)
    with pytest.raises(aanspraak.SchemaError, match=r"column `amount`: found a pandas object column mixing int, str"):
        aanspraak.score(df)


# -- layouts -------------------------------------------------------------------------------------------


def test_empty_and_many_batch_inputs_score_like_one_batch():
    df = aanspraak.synthetic.declarations(3_000, seed=3)
    want = aanspraak.score(df)
    table = df.to_arrow()
    batches = pa.Table.from_batches(table.to_batches(max_chunksize=97))
    assert aanspraak.score(batches).equals(want)
    assert aanspraak.score(pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=500))).equals(want)
    assert aanspraak.score(table.to_batches()[0]).height == table.to_batches()[0].num_rows
    for empty in (df.head(0), df.head(0).to_arrow(), df.head(0).to_pandas()):
        assert aanspraak.score(empty).height == 0


def test_integer_valued_float_insured_ids_are_integers():
    # pandas makes an integer id column with a missing value float
    h35 = {"code": "H35", "provider_type": "kaakchirurg", "amount": D("300.00")}
    df = lines({"line_id": 1, **h35}, {"line_id": 2, **h35}, {"line_id": 3}).to_pandas()
    df["insured_id"] = [7.0, 7.0, None]
    out = aanspraak.score(df)
    assert out["eigen_risico"].to_list() == [D("300.00"), D("85.00"), D("0.00")]  # one insured, one pot
    assert out["message"].cast(pl.String).to_list() == [None, None, "insured_id is null"]
    df["insured_id"] = [7.0, 7.5, 1.0]
    with pytest.raises(aanspraak.SchemaError, match=r"column `insured_id`: found Float64 with the value 7.5"):
        aanspraak.score(df)
