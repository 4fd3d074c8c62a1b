"""An executable example per reason code: the declaration lines that produce it.

``aanspraak.reasons()`` and ``aanspraak.supplementary_reasons()`` show each as the column
``example_input`` (JSON). Keys of an example:

- ``lines``: the declaration lines (dates as ISO strings, amounts in euros); the **last**
  line is the one that gets the reason;
- ``legal_basis``: what that line's ``legal_basis`` (basic reasons) or
  ``supplementary_basis`` (supplementary reasons) says, exactly (null where none);
- ``policy``: the bundled policy set (default ``defriesland-2022``);
- ``policy_values``: TOML keys changed on it, as ``Policy.with_values`` takes them, for a
  reason no bundled product produces (``POK_MISMATCH`` needs ``pok_mismatch = "deny"``);
- ``code_rows``: rows added to the bundled code table, for a reason no bundled code has
  (``NO_SHOW``: no code of the NZa lists is a missed-appointment fee);
- ``as_of``: score as known on this date (``score(..., as_of=)``; ``NOT_YET_BOOKED``).

The tests score every example (tests/test_reason_examples.py), so an example that stops
producing its reason fails there.
"""

from __future__ import annotations

import json
from typing import Any

ADULT = "1982-05-10"
CHILD_8 = "2013-09-01"
CHILD_12 = "2010-02-01"
NO_SHOW_ROW = "ZNS01,2013-01-01,9999-12-31,C,Niet nagekomen afspraak (example code),no_show,,,example row"

BASIC: dict[str, dict[str, Any]] = {
    "COVERED": {
        "lines": [{"insured_id": "E1", "birth_date": CHILD_8, "treatment_date": "2021-10-01", "code": "C11", "amount": 24.50}],
        "legal_basis": "Bzv 2.7 lid 4",
    },
    "NOT_INSURED_ADULT": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "V21", "amount": 55.00}],
        "legal_basis": "Bzv 2.7 lid 5",
    },
    "NOT_INSURED_YOUTH": {
        "lines": [{"insured_id": "E1", "birth_date": CHILD_12, "treatment_date": "2022-03-01", "code": "R24", "amount": 390.00}],
        "legal_basis": "Bzv 2.7 lid 4",
    },
    "ORTHO_NOT_SEVERE": {
        # Seed 002: an adult's orthodontics after an osteotomy, open bite not on the list.
        "policy": "iptiq-2019",
        "lines": [{"insured_id": "E1", "birth_date": "1990-01-01", "treatment_date": "2019-05-01", "code": "F411A", "amount": 300.00,
                   "bt_indication": "a", "ortho_severe": False, "authorization": True, "referral": True}],
        "legal_basis": "Bzv 2.7 lid 3",
    },
    "OUTSIDE_ESTHETIC_ZONE": {
        # Seed 004: indication b (hypersalivation), J87 on element 43.
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "J87", "amount": 250.00,
                   "element": 43, "bt_indication": "b", "authorization": True}],
        "legal_basis": "NZa J87/J19 esthetische zone (elementen 14-24); seed 004 r.o. 8.4-8.5",
    },
    "NO_SHOW": {
        "code_rows": [NO_SHOW_ROW],
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "ZNS01", "amount": 30.00}],
        "legal_basis": "Zvw art. 11; niet nagekomen afspraak is geen zorg",
    },
    "FREQUENCY_LIMIT": {
        # Bzv 2.7 lid 4 sub a: one periodic exam a year under 18 (De Friesland: more only with authorisation).
        "lines": [
            {"insured_id": "E1", "birth_date": CHILD_8, "treatment_date": "2021-03-01", "code": "C11", "amount": 24.50},
            {"insured_id": "E1", "birth_date": CHILD_8, "treatment_date": "2021-09-01", "code": "C11", "amount": 24.50, "authorization": False},
        ],
        "legal_basis": "Bzv 2.7 lid 4 sub a",
    },
    "AUTHORIZATION_MISSING": {
        # Seed 004 art. 3.12.3 Toestemming vooraf sub g: a kaakoverzichtsfoto (X21) under 18.
        "lines": [{"insured_id": "E1", "birth_date": CHILD_12, "treatment_date": "2022-03-01", "code": "X21", "amount": 69.97,
                   "authorization": False}],
        "legal_basis": "De Friesland 2022 art. 3.12.3 Toestemming vooraf sub g",
    },
    "REFERRAL_MISSING": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "H35", "amount": 64.79,
                   "provider_type": "kaakchirurg", "referral": False}],
        "legal_basis": "De Friesland 2022 art. 3.12.1-3.12.3 Verwijzing",
    },
    "PROVIDER_NOT_QUALIFIED": {
        # Under BT, orthodontics only by an orthodontist or a cbt (De Friesland 2022 art. 3.12.1).
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "F411A", "amount": 300.00,
                   "bt_indication": "a", "ortho_severe": True, "authorization": True, "referral": True, "provider_type": "tandarts"}],
        "legal_basis": "De Friesland 2022 art. 3.12.1 Wie mag deze zorg verlenen",
    },
    "POK_MISMATCH": {
        # Seed 001: DER 038911 belongs in the POK; declared in daycare on a product that denies it.
        "policy_values": {"basic.alles-verzorgd.pok_mismatch": "deny"},
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "038911", "amount": 400.00,
                   "specialism": "DER", "setting": "daycare"}],
        "legal_basis": "POK-lijst (seed 001): ingreep hoort op de poliklinische operatiekamer; Alles Verzorgd Polis pok_mismatch = deny",
    },
    "NOT_INSURED_ON_REQUEST": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "199872", "amount": 900.00}],
        "legal_basis": "Zvw art. 10 a; zorgactiviteit op verzoek patiënt (seed 001)",
    },
    "INSURER_EXCLUSION": {
        "lines": [{"insured_id": "E1", "birth_date": CHILD_12, "treatment_date": "2022-03-01", "code": "M80", "amount": 40.00}],
        "legal_basis": "De Friesland 2022 art. 3.12.3 Uitsluitingen",
    },
    "UNKNOWN_CODE": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "J087", "amount": 250.00}],
        "legal_basis": "NZa prestatiecodelijst (code unknown on treatment date)",
    },
    "INVALID_INPUT": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "C002", "amount": -10.00}],
        "legal_basis": "aanspraak input validation (docs/rules.md, bad input)",
    },
    "CREDITED": {
        # A line and the credit that reverses it (the last line): both CREDITED, all money 0.00.
        "lines": [{"line_id": 1, "insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "C11", "amount": 25.00},
                  {"line_id": 2, "insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "C11", "amount": -25.00,
                   "credits_line_id": 1}],
        "legal_basis": "creditering van een eerdere declaratieregel (Vektis: indicatie debet/credit, referentienummer voorgaande gerelateerde prestatierecord)",
    },
    "NOT_YET_BOOKED": {
        # Care of 2022-12-20 booked on 2023-01-10, scored as known at the end of 2022.
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-12-20", "processing_date": "2023-01-10", "code": "V21", "amount": 55.00}],
        "as_of": "2022-12-31",
        "legal_basis": "nog niet geboekt op de peildatum (as_of): verwerkingsdatum (processing_date) later of onbekend",
    },
}

EXTRA = {"supplementary_product": "av-tand-extra", "supplementary_start": "2020-01-01"}
ACCIDENT = {"supplementary_product": "tand-ongevallen", "supplementary_start": "2021-01-01"}

SUPPLEMENTARY: dict[str, dict[str, Any]] = {
    "NO_SUPPLEMENTARY": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "V21", "amount": 55.00}],
        "legal_basis": None,
    },
    "PAID": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "V21", "amount": 55.00, **EXTRA}],
        "legal_basis": "De Friesland 2022 AV Tand art. 4.2 sub c (vullingen, V-codes 100 %)",
    },
    "ANNUAL_MAXIMUM_REACHED": {
        "lines": [
            {"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "V21", "amount": 400.00, **EXTRA},
            {"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-06-01", "code": "V21", "amount": 400.00, **EXTRA},
        ],
        "legal_basis": "De Friesland 2022 AV Tand Extra art. 4.2 (vanaf 18 jaar, maximaal EUR 500 per kalenderjaar)",
    },
    "SUBLIMIT_REACHED": {
        # Seed 003: UC TandZeker 500 pays orthodontics 80 % up to EUR 1,000 over the policy's life.
        "policy": "vgz-2021",
        "lines": [
            {"insured_id": "E1", "birth_date": CHILD_8, "treatment_date": "2021-03-01", "code": "F411A", "amount": 900.00,
             "supplementary_product": "uc-tandzeker-500", "supplementary_start": "2019-01-01"},
            {"insured_id": "E1", "birth_date": CHILD_8, "treatment_date": "2021-09-01", "code": "F411A", "amount": 900.00,
             "supplementary_product": "uc-tandzeker-500", "supplementary_start": "2019-01-01"},
        ],
        "legal_basis": "VGZ 2021 UC TandZeker 500 art. 45 (orthodontie 80 % tot EUR 1.000 gedurende de looptijd; wachttijd 12 maanden, art. 6.2.1)",
    },
    "WAITING_PERIOD": {
        # Seed 003: a child of 8, orthodontics in the first year of UC TandZeker 500.
        "policy": "vgz-2021",
        "lines": [{"insured_id": "E1", "birth_date": "2012-06-01", "treatment_date": "2021-03-01", "code": "F411A", "amount": 900.00,
                   "supplementary_product": "uc-tandzeker-500", "supplementary_start": "2021-01-01"}],
        "legal_basis": "VGZ 2021 UC TandZeker 500 art. 45 (orthodontie 80 % tot EUR 1.000 gedurende de looptijd; wachttijd 12 maanden, art. 6.2.1)",
    },
    "SUPPLEMENTARY_EXCLUSION": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "J39", "amount": 80.00, **EXTRA}],
        "legal_basis": "De Friesland 2022 AV Tand art. 4.2 Uitsluitingen (autotransplantaten, J39)",
    },
    "BELOW_MINIMUM_AGE": {
        "lines": [{"insured_id": "E1", "birth_date": CHILD_12, "treatment_date": "2022-03-01", "code": "R24", "amount": 390.00,
                   "supplementary_product": "av-tand-standaard", "supplementary_start": "2020-01-01"}],
        "legal_basis": "De Friesland 2022 AV Tand Standaard art. 4.2 (vanaf 18 jaar, maximaal EUR 250 per kalenderjaar)",
    },
    "NOT_COVERED_BY_PRODUCT": {
        "policy": "vgz-2021",
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2021-03-01", "code": "V21", "amount": 55.00,
                   "supplementary_product": "uc-tandzeker-500", "supplementary_start": "2019-01-01"}],
        "legal_basis": "VGZ 2021 UC TandZeker 500 (aanvullende verzekering)",
    },
    "BEFORE_COVER_START": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2020-06-01", "code": "V21", "amount": 55.00,
                   "supplementary_product": "av-tand-extra", "supplementary_start": "2021-01-01"}],
        "legal_basis": "De Friesland 2022 AV Tand Extra art. 4.2 (vanaf 18 jaar, maximaal EUR 500 per kalenderjaar)",
    },
    "COVER_ENDED": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-06-01", "code": "V21", "amount": 55.00, **EXTRA,
                   "supplementary_end": "2021-12-31"}],
        "legal_basis": "De Friesland 2022 AV Tand Extra art. 4.2 (vanaf 18 jaar, maximaal EUR 500 per kalenderjaar)",
    },
    "NOTHING_TO_PAY": {
        "lines": [{"insured_id": "E1", "birth_date": CHILD_8, "treatment_date": "2021-10-01", "code": "C11", "amount": 24.50, **EXTRA}],
        "legal_basis": None,
    },
    "BASIC_FORMALITY": {
        "lines": [{"insured_id": "E1", "birth_date": CHILD_12, "treatment_date": "2022-03-01", "code": "X21", "amount": 69.97,
                   "authorization": False, **EXTRA}],
        "legal_basis": "aanvullende verzekering volgt de formele weigering van de basisverzekering",
    },
    "OUTSIDE_ESTHETIC_ZONE": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "J87", "amount": 250.00,
                   "element": 43, "bt_indication": "b", "authorization": True, **EXTRA}],
        "legal_basis": "NZa J87/J19 esthetische zone; seed 004 r.o. 8.4-8.5 (ook niet uit de aanvullende verzekering)",
    },
    "HOSPITAL_CARE": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "238060", "amount": 900.00,
                   "jaw": "upper", "edentulous": True, "authorization": True, **EXTRA}],
        "legal_basis": "aanvullende tandverzekering: alleen mondzorg",
    },
    "OTHER_CARE": {
        # Care outside dental care (domain overig): covered by the basic insurance, never by a dental product.
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "farmacie", "amount": 120.00,
                   "domain": "overig", **EXTRA}],
        "legal_basis": "aanvullende tandverzekering: alleen mondzorg",
    },
    "NO_SHOW": {
        "code_rows": [NO_SHOW_ROW],
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "ZNS01", "amount": 30.00, **EXTRA}],
        "legal_basis": "Zvw art. 11; niet nagekomen afspraak is geen zorg",
    },
    "UNKNOWN_CODE": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "J087", "amount": 250.00, **EXTRA}],
        "legal_basis": "NZa prestatiecodelijst (code unknown on treatment date)",
    },
    "NO_ACCIDENT": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "V21", "amount": 55.00, **ACCIDENT}],
        "legal_basis": "De Friesland 2022 Tandongevallenregeling art. 4.4 (ongeval tijdens de looptijd, behandeling binnen een jaar, toestemming vooraf)",
    },
    "ACCIDENT_OUTSIDE_COVER": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2021-03-01", "code": "V21", "amount": 55.00, **ACCIDENT,
                   "accident_date": "2020-12-20"}],
        "legal_basis": "De Friesland 2022 Tandongevallenregeling art. 4.4 (ongeval tijdens de looptijd, behandeling binnen een jaar, toestemming vooraf)",
    },
    "ACCIDENT_TREATMENT_LATE": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-05-01", "code": "V21", "amount": 55.00, **ACCIDENT,
                   "accident_date": "2021-03-01"}],
        "legal_basis": "De Friesland 2022 Tandongevallenregeling art. 4.4 (ongeval tijdens de looptijd, behandeling binnen een jaar, toestemming vooraf)",
    },
    "AUTHORIZATION_MISSING": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "V21", "amount": 55.00, **ACCIDENT,
                   "accident_date": "2022-02-20", "authorization": False}],
        "legal_basis": "De Friesland 2022 Tandongevallenregeling art. 4.4 (ongeval tijdens de looptijd, behandeling binnen een jaar, toestemming vooraf)",
    },
    "INVALID_INPUT": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "V21", "amount": -10.00, **EXTRA}],
        "legal_basis": "aanspraak input validation (docs/rules.md, bad input)",
    },
    "CREDITED": {
        "lines": [{"line_id": 1, "insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "V21", "amount": 55.00, **EXTRA},
                  {"line_id": 2, "insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-03-01", "code": "V21", "amount": -55.00,
                   "credits_line_id": 1, **EXTRA}],
        "legal_basis": "creditering van een eerdere declaratieregel (Vektis: indicatie debet/credit, referentienummer voorgaande gerelateerde prestatierecord)",
    },
    "NOT_YET_BOOKED": {
        "lines": [{"insured_id": "E1", "birth_date": ADULT, "treatment_date": "2022-12-20", "processing_date": "2023-01-10", "code": "V21", "amount": 55.00, **EXTRA}],
        "as_of": "2022-12-31",
        "legal_basis": "nog niet geboekt op de peildatum (as_of): verwerkingsdatum (processing_date) later of onbekend",
    },
}


def as_json(example: dict[str, Any] | None) -> str | None:
    return None if example is None else json.dumps(example, ensure_ascii=False)
