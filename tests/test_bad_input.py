"""Bad input (docs/rules.md#bad-input): schema errors before any work; bad values become INVALID_INPUT rows."""

import datetime as dt
from decimal import Decimal as D

import polars as pl
import pyarrow as pa
import pytest

import aanspraak
from conftest import lines, score


def test_missing_required_column_names_it():
    df = lines({}).drop("birth_date")
    with pytest.raises(aanspraak.SchemaError, match=r"column `birth_date`: found no such column, expected Date32"):
        aanspraak.score(df)


def test_unusable_type_names_found_and_expected():
    df = lines({}).with_columns(pl.lit(True).alias("treatment_date"))
    with pytest.raises(aanspraak.SchemaError, match=r"column `treatment_date`: found Boolean, expected Date32, Date64, Timestamp"):
        aanspraak.score(df)
    df = lines({}).with_columns(pl.lit(1.5).alias("code"))
    with pytest.raises(aanspraak.SchemaError, match=r"column `code`: found Float64"):
        aanspraak.score(df)


def test_bad_values_are_invalid_rows_and_the_rest_is_scored():
    rows = [
        {"line_id": 1, "amount": None},
        {"line_id": 2, "amount": D("-5.00")},
        {"line_id": 3, "treatment_date": dt.date(1970, 1, 1)},
        {"line_id": 4, "element": 19},
        {"line_id": 5, "basic_product": "gouden-polis"},
        {"line_id": 6, "provider_type": "tovenaar"},
        {"line_id": 7, "supplementary_product": "av-tand-extra+onbekend"},
        {"line_id": 8, "voluntary_deductible": 150},
        {"line_id": 9, "treatment_date": dt.date(2030, 1, 1)},
        {"line_id": 10, "code": "H35", "provider_type": "kaakchirurg", "amount": D("64.79")},
    ]
    out = score(*rows)
    assert out.height == len(rows)  # nothing dropped
    assert out["reason"].to_list() == ["INVALID_INPUT"] * 9 + ["COVERED"]
    assert out["message"].to_list()[:9] == [
        "amount is null",
        "amount is negative",
        "treatment_date is before birth_date",
        "element is not an FDI tooth number (11-48 permanent, 51-85 deciduous)",
        "basic_product is not a basic product of the policy set",
        "provider_type is not one of tandarts, mondhygienist, tandprotheticus, orthodontist, kaakchirurg, implantoloog, cbt, medisch_specialist",
        "supplementary_product names a product that is not in the policy set (or repeats one, or joins more than 3)",
        "voluntary_deductible is not 0-500 euros in steps of 100",
        "the policy set has no statutory parameters (eigen risico) for the treatment year 2030",
    ]
    assert out["message"][9] is None
    # Invalid rows pay nothing; patient_paid is the amount when that is valid, else null.
    assert out["basic_paid"].to_list()[:9] == [D("0.00")] * 9
    assert out["patient_paid"].to_list()[:3] == [None, None, D("100.00")]
    assert out["eigen_risico"].to_list()[9] == D("64.79")


def test_null_required_values():
    out = score({"line_id": 1, "insured_id": None}, {"line_id": 2, "birth_date": None}, {"line_id": 3, "code": None},
                {"line_id": 4, "code": "  "})
    assert out["message"].to_list() == ["insured_id is null", "birth_date is null or not a date", "code is null or empty",
                                        "code is null or empty"]


def test_bad_policy_file_names_file_key_and_expectation(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text(aanspraak._core.bundled_policy_toml("vgz-2021").replace("non_contracted_share_pct = 100", 'non_contracted_share_pct = "veel"'))
    with pytest.raises(aanspraak.PolicyError, match=r"p\.toml.*non_contracted_share_pct"):
        aanspraak.score(lines({}), policy=bad)
    with pytest.raises(aanspraak.PolicyError, match="defriesland-2022"):
        aanspraak.score(lines({}), policy="no-such-policy")


def test_other_input_layouts_give_the_same_result():
    df = lines({"line_id": 1, "code": "H35", "provider_type": "kaakchirurg"}, {"line_id": 2, "code": "C002", "birth_date": dt.date(2012, 1, 1)})
    expected = aanspraak.score(df).select("reason", "basic_paid", "patient_paid")
    variants = [
        df.to_arrow(),
        df.to_pandas(),
        df.lazy(),
        df.with_columns(pl.col("code", "insured_id", "provider_type").cast(pl.Categorical)),
        df.with_columns(pl.col("amount").cast(pl.Float64), pl.col("treatment_date").cast(pl.Datetime("us"))),
        df.with_columns(pl.col("birth_date", "treatment_date").cast(pl.String)),
        pl.from_arrow(df.to_arrow().cast(pa.schema([
            pa.field(f.name, pa.large_string() if f.type == pa.string_view() or f.type == pa.string() else f.type) for f in df.to_arrow().schema
        ]))),
    ]
    for v in variants:
        got = aanspraak.score(v).select("reason", "basic_paid", "patient_paid")
        assert got.with_columns(pl.col("reason").cast(pl.String)).equals(expected.with_columns(pl.col("reason").cast(pl.String))), type(v)


def test_integer_insured_ids_and_string_line_ids():
    df = lines({"line_id": 1}, {"line_id": 2}).with_columns(pl.Series("insured_id", [7, 7]), pl.Series("line_id", ["b", "a"]))
    df = df.with_columns(pl.lit("H35").alias("code"), pl.lit("kaakchirurg").alias("provider_type"),
                         pl.Series("amount", [D("300.00"), D("300.00")], dtype=pl.Decimal(12, 2)))
    out = aanspraak.score(df)
    assert out["eigen_risico"].to_list() == [D("85.00"), D("300.00")]  # "a" is charged first


def test_all_null_optional_columns_of_any_type_count_as_absent():
    """pandas and CSV readers type an all-null column as strings: that is not a schema error."""
    df = lines({"line_id": 1, "code": "H35", "provider_type": "kaakchirurg"})
    nulls = df.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in ["edentulous", "authorization", "contracted", "element",
                                                                              "insured_from", "voluntary_deductible", "reference_tariff"])
    expected = aanspraak.score(df).select("reason", "basic_paid", "eigen_risico")
    got = aanspraak.score(nulls).select("reason", "basic_paid", "eigen_risico")
    assert got.rows() == expected.rows()
    # The same via pandas, where every column of a frame with an all-None column is object-typed.
    assert aanspraak.score(aanspraak.synthetic.declarations(10, seed=1).to_pandas()).height == 10
    # A column with values of the wrong type is still an error.
    with pytest.raises(aanspraak.SchemaError, match=r"column `edentulous`: found Utf8View, expected Boolean"):
        aanspraak.score(df.with_columns(pl.lit("ja").alias("edentulous")))
