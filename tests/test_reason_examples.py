"""Every reason in the catalogues (``aanspraak.reasons()``, ``aanspraak.supplementary_reasons()``)
comes with an example input (``example_input``), and scoring it yields that reason with
the stated legal basis. A reason that no input can produce, or an example that drifts away
from what the engine does, fails here (the README's reason tables list the same codes)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import warnings

import polars as pl
import pytest

import aanspraak
from conftest import assert_conserved

BASIC = aanspraak.reasons()
SUPPLEMENTARY = aanspraak.supplementary_reasons()


def run(example: dict) -> dict:
    """Score an example; returns its last line's output row."""
    policy = aanspraak.Policy.load(example.get("policy", "defriesland-2022"))
    if example.get("policy_values"):
        policy = policy.with_values(example["policy_values"])
    if example.get("code_rows"):
        table = aanspraak.CodeTable.bundled()
        text = table.csv_text.rstrip("\n") + "\n" + "\n".join(example["code_rows"]) + "\n"
        policy = policy.with_code_table(aanspraak.CodeTable(text, "bundled table + example rows"))
    lines = [{**line, "amount": Decimal(str(line["amount"]))} for line in example["lines"]]
    decl = pl.DataFrame(lines, infer_schema_length=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", aanspraak.NotYetBookedWarning)
        out = aanspraak.score(decl, policy=policy, as_of=example.get("as_of"))
    assert out.height == len(lines)
    assert_conserved(out)
    return out.row(out.height - 1, named=True)


def named_codes(prose: str) -> set[str]:
    """NZa codes named in an example's prose (C11, F411A, 038911, J087)."""
    return set(re.findall(r"\b(?:[A-Z]\d{2,3}[A-Z]?|\d{6})\b", prose))


CASES = [(BASIC, "reason", "legal_basis", r) for r in BASIC["reason"].to_list()] + [
    (SUPPLEMENTARY, "supplementary_reason", "supplementary_basis", r) for r in SUPPLEMENTARY["reason"].to_list()
]


@pytest.mark.parametrize("catalogue,reason_column,basis_column,reason", CASES, ids=[c[3] for c in CASES])
def test_reason_example_scores_to_its_reason(catalogue, reason_column, basis_column, reason):
    row = catalogue.filter(reason=reason).row(0, named=True)
    assert row["example_input"], f"{reason} has no example input"
    example = json.loads(row["example_input"])
    got = run(example)
    assert got[reason_column] == reason, got
    assert got[basis_column] == example["legal_basis"], got
    # The prose example and the executable one describe the same care.
    codes = {ln["code"] for ln in example["lines"]}
    assert named_codes(row["example"]) <= codes, (row["example"], codes)


def test_examples_cover_exactly_the_catalogues():
    from aanspraak import _reason_examples as ex

    assert set(ex.BASIC) == set(BASIC["reason"].to_list())
    assert set(ex.SUPPLEMENTARY) == set(SUPPLEMENTARY["reason"].to_list())
