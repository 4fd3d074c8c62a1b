"""``aanspraak.input_schema()`` against what the engine does with the columns it lists
(docs/rules.md#input): enum spellings accepted or refused with the listed message,
required columns, the accepted types named in schema errors."""

from __future__ import annotations

import re

import polars as pl
import pytest

import aanspraak
from aanspraak import _input

from conftest import DEFAULTS, D, d, lines

SCHEMA = aanspraak.input_schema()
ROWS = list(SCHEMA.iter_rows(named=True))
ENUMS = [r for r in ROWS if r["kind"] == "enum"]


def test_schema_columns_are_distinct_and_described():
    assert SCHEMA["name"].n_unique() == SCHEMA.height
    assert SCHEMA.columns == ["name", "kind", "required", "default", "values", "invalid_messages", "expected", "description"]
    for r in ROWS:
        assert r["description"] and r["expected"], r["name"]
        assert (r["default"] is None) == r["required"], r["name"]
        assert bool(r["values"]) == (r["kind"] == "enum"), r["name"]


def test_required_columns_follow_the_schema():
    required = SCHEMA.filter(pl.col("required"))["name"].to_list()
    assert required == list(_input.REQUIRED) == ["insured_id", "birth_date", "treatment_date", "code", "amount"]


@pytest.mark.parametrize("col", ENUMS, ids=lambda r: r["name"])
def test_enum_values_are_accepted_and_others_invalid_with_the_listed_message(col):
    name = col["name"]
    frame = lines(*({name: v} for v in [*col["values"], f" {col['values'][0]} ", "zzz", None]))
    out = aanspraak.score(frame, policy="defriesland-2022")
    reasons = out["reason"].to_list()
    messages = out["message"].to_list()
    k = len(col["values"])
    # Every listed spelling (and one with spaces around it, and null) is valid.
    assert "INVALID_INPUT" not in reasons[: k + 1] + reasons[k + 2 :], (name, reasons)
    assert reasons[k + 1] == "INVALID_INPUT"
    assert col["invalid_messages"] == [messages[k + 1]]


@pytest.mark.parametrize("name", [r["name"] for r in ROWS if r["required"]])
def test_each_required_column_missing_is_a_schema_error_naming_it(name):
    frame = lines(dict(DEFAULTS)).drop(name)
    expected = _input.REQUIRED[name]
    with pytest.raises(aanspraak.SchemaError, match=rf"column `{name}`: found no such column.*expected {re.escape(expected)}"):
        aanspraak.score(frame, policy="defriesland-2022")


@pytest.mark.parametrize("col", ROWS, ids=lambda r: r["name"])
def test_a_type_no_column_accepts_is_a_schema_error_naming_the_accepted_types(col):
    name = col["name"]
    frame = lines(dict(DEFAULTS)).with_columns(pl.lit(b"x", dtype=pl.Binary).alias(name))
    if name == "amount_cents":
        frame = frame.drop("amount")
    with pytest.raises(aanspraak.SchemaError, match=rf"column `{name}`: found .*, expected {re.escape(col['expected'])}$"):
        aanspraak.score(frame, policy="defriesland-2022")


def test_every_invalid_message_is_listed_by_a_column():
    """The messages a bad value can give are the schema's (one table in the core)."""
    listed = {m for ms in SCHEMA["invalid_messages"].to_list() for m in ms}
    bad = lines(
        {"amount": None},
        {"bt_indication": "x"},
        {"insured_from": d("2022-06-01")},
        {"material_costs": D("500.00")},
    )
    out = aanspraak.score(bad, policy="defriesland-2022")
    assert set(out["message"].to_list()) <= listed

