"""Where each reason comes from (docs/rules.md#where-each-reason-comes-from): the registry in
``rust/aanspraak-core/src/reason/sources.rs`` as ``aanspraak.reasons()["emitted_by"]``. The
Rust test ``tests/reasons.rs`` checks it against the sources; this one checks what Python
sees and that docs/rules.md renders it."""

from __future__ import annotations

import re
from pathlib import Path

import aanspraak

ROOT = Path(__file__).resolve().parents[1]


def test_every_basic_reason_comes_from_the_rules_or_the_ledger():
    df = aanspraak.reasons()
    assert df.columns[-1] == "emitted_by"
    for reason, sources in zip(df["reason"].to_list(), df["emitted_by"].to_list()):
        assert sources, reason
        assert all(s.startswith(("rules::", "ledger::")) for s in sources), (reason, sources)
    frequency = df.filter(reason="FREQUENCY_LIMIT")["emitted_by"].item().to_list()
    assert frequency == ["ledger::walk"]


def test_every_supplementary_reason_comes_from_the_supplementary_layer():
    df = aanspraak.supplementary_reasons()
    for reason, sources in zip(df["reason"].to_list(), df["emitted_by"].to_list()):
        assert sources and all(s.startswith("supplementary::") for s in sources), (reason, sources)


def test_docs_render_the_registry():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = text.split("### Where each reason comes from", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\|\s*(basic|supplementary)\s*\|\s*`(\w+)`\s*\|(.*)\|\s*$", line)
        if m:
            rows[(m.group(1), m.group(2))] = re.findall(r"`([\w:]+)`", m.group(3))
    want = {}
    for kind, df in (("basic", aanspraak.reasons()), ("supplementary", aanspraak.supplementary_reasons())):
        for reason, sources in zip(df["reason"].to_list(), df["emitted_by"].to_list()):
            want[(kind, reason)] = sources
    assert rows == want
