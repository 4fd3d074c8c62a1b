//! The one catalogue of outcomes: every reason code and every statutory legal basis,
//! each with its text in one place. `aanspraak.reasons()` hands this table to Python;
//! `sources` says which function writes each reason.

pub mod sources;

/// Why a line was (not) paid by the basic insurance. Stable upper-case names; one byte,
/// its value the key of the output's `reason` dictionary. The default only fills a
/// column before the passes write every row (`reason::sources` says who writes what).
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Reason {
    #[default]
    Covered = 0,
    NotInsuredAdult,
    NotInsuredYouth,
    OrthoNotSevere,
    OutsideEstheticZone,
    NoShow,
    FrequencyLimit,
    AuthorizationMissing,
    ReferralMissing,
    ProviderNotQualified,
    PokMismatch,
    NotInsuredOnRequest,
    InsurerExclusion,
    UnknownCode,
    InvalidInput,
    Credited,
    NotYetBooked,
}

/// (reason, name, meaning, legal basis it usually rests on, example line)
pub const REASONS: &[(Reason, &str, &str, &str, &str)] = &[
    (Reason::Covered, "COVERED", "Covered by the basic insurance; the legal_basis column names the entitlement and any eigen bijdrage. Lines of domain overig (care outside dental and hospital care, given as its covered amount) are covered as they are: Zvw art. 10 (overige zorg).", "Zvw art. 10, 11; Bzv 2.7", "C11 for a child of 8"),
    (Reason::NotInsuredAdult, "NOT_INSURED_ADULT", "Dental care for an insured of 18 or over that Bzv 2.7 lid 5 does not cover (and no bijzondere tandheelkunde or lid 6).", "Bzv 2.7 lid 5", "V21 filling for an adult of 40"),
    (Reason::NotInsuredYouth, "NOT_INSURED_YOUTH", "Dental care for an insured under 18 outside Bzv 2.7 lid 4 (implants, crowns and bridges, orthodontics).", "Bzv 2.7 lid 4", "R24 crown for a child of 12"),
    (Reason::OrthoNotSevere, "ORTHO_NOT_SEVERE", "Orthodontics under bijzondere tandheelkunde without a very severe developmental or growth disorder (ortho_severe false).", "Bzv 2.7 lid 3", "seed 002: F-codes after osteotomy, open bite not on the indicative list"),
    (Reason::OutsideEstheticZone, "OUTSIDE_ESTHETIC_ZONE", "J87 / J19 (2026: J060 / J053) on an element outside the esthetic zone 14-24, or with no element.", "NZa prestatiebeschrijving J87/J19 (esthetische zone 14-24); seed 004 r.o. 8.4-8.5", "seed 004: J87 on element 43"),
    (Reason::NoShow, "NO_SHOW", "A fee for a missed appointment is never insured care.", "Zvw art. 11; Bzv 2.7 (geen zorg)", "a missed-appointment code (none in the NZa lists: a code-table row tagged no_show)"),
    (Reason::FrequencyLimit, "FREQUENCY_LIMIT", "Under 18: a second periodic exam or third fluoride application in a calendar year without authorisation.", "Bzv 2.7 lid 4 sub a / sub d", "second C11 in 2021 for a child, authorization false"),
    (Reason::AuthorizationMissing, "AUTHORIZATION_MISSING", "The care needs prior authorisation (toestemming vooraf) and authorization is false.", "policy conditions (toestemming vooraf); Bzv 2.7 lid 1 via the policy", "X21 (kaakoverzichtsfoto) for a child of 12, authorization false (De Friesland 2022)"),
    (Reason::ReferralMissing, "REFERRAL_MISSING", "Care by a kaakchirurg or a centrum bijzondere tandheelkunde without the required referral (referral false).", "policy conditions (verwijzing)", "H35 by a kaakchirurg, referral false (De Friesland 2022)"),
    (Reason::ProviderNotQualified, "PROVIDER_NOT_QUALIFIED", "The policy says who may give this care and provider_type is a known other provider.", "policy conditions (wie mag deze zorg verlenen)", "bijzondere tandheelkunde orthodontics by a tandarts (De Friesland 2022)"),
    (Reason::PokMismatch, "POK_MISMATCH", "A POK-list procedure (specialism and code, seed 001) declared in daycare or inpatient, on a basic product that denies it (pok_mismatch = \"deny\"); with \"flag\" the line is covered and pok_mismatch is true.", "POK-lijst (seed 001); policy conditions", "DER 038911 in daycare, on a basic product with pok_mismatch = \"deny\""),
    (Reason::NotInsuredOnRequest, "NOT_INSURED_ON_REQUEST", "Hospital care on the patient's own request (199872, 199884, 199893) is not insured care.", "Zvw art. 10 a; zorgactiviteit op verzoek patiënt (seed 001)", "199872 monofocal toric lens on request"),
    (Reason::InsurerExclusion, "INSURER_EXCLUSION", "The insurer's policy conditions exclude this code.", "policy conditions (uitsluitingen)", "M80 for a child (De Friesland 2022)"),
    (Reason::UnknownCode, "UNKNOWN_CODE", "The code is not in the code table for the treatment date.", "NZa prestatiecodelijst of the treatment year", "J087 declared in 2022"),
    (Reason::InvalidInput, "INVALID_INPUT", "The row has a bad value (see the message column); it pays nothing and patient_paid is the amount when that is valid.", "aanspraak input validation (docs/rules.md, bad input)", "a negative amount"),
    (Reason::Credited, "CREDITED", "The line is reversed by a credit line (credits_line_id), or is that credit: the pair nets to nothing, so both pay 0.00 in every money column and count for no limit (eigen risico, frequency, supplementary maxima).", "creditering (correction) of an earlier declaration line: Vektis debet/credit indicator with the reference number of the earlier record (MZ301 0431/0433, ZH308 0457/0459)", "C11 of EUR 25 and its credit of EUR -25"),
    (Reason::NotYetBooked, "NOT_YET_BOOKED", "Scored as known on a date (score(..., as_of=)): the insurer booked the line after as_of (processing_date later, or null), so it is left out of the scoring. It pays 0.00 in every money column and counts for no limit; a credit pair counts only when both are booked, a credit booked later leaves its original an ordinary line.", "the history as known on the valuation date: lines with processing_date <= as_of (docs/rules.md#as-known-on-a-date)", "a V21 of 2022-12-20 booked on 2023-01-10, scored as_of 2022-12-31"),
];

/// Why the supplementary insurance paid a line or not (docs/rules.md#supplementary-products). Stable names.
/// One byte, its value the key of the output's `supplementary_reason` dictionary; the
/// default only fills a column before the supplementary pass writes every row.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SuppReason {
    #[default]
    NoSupplementary = 0,
    Paid,
    AnnualMaximumReached,
    SublimitReached,
    WaitingPeriod,
    SupplementaryExclusion,
    BelowMinimumAge,
    NotCoveredByProduct,
    BeforeCoverStart,
    CoverEnded,
    NothingToPay,
    BasicFormality,
    OutsideEstheticZone,
    HospitalCare,
    OtherCare,
    NoShow,
    UnknownCode,
    NoAccident,
    AccidentOutsideCover,
    AccidentTreatmentLate,
    AuthorizationMissing,
    InvalidInput,
    Credited,
    NotYetBooked,
}

/// (reason, name, meaning, what it rests on, example line)
pub const SUPP_REASONS: &[(SuppReason, &str, &str, &str, &str)] = &[
    (SuppReason::NoSupplementary, "NO_SUPPLEMENTARY", "The line has no supplementary product.", "-", "supplementary_product null"),
    (SuppReason::Paid, "PAID", "The product paid its share of what the basic insurance left to the patient (never the eigen risico).", "the product rule in supplementary_basis", "V21 for an adult with AV Tand Extra: 100 %"),
    (SuppReason::AnnualMaximumReached, "ANNUAL_MAXIMUM_REACHED", "The product's maximum per calendar year is used up; the line that crosses it is paid exactly up to the maximum.", "the product's annual maximum", "AV Tand Extra above EUR 500 in 2022"),
    (SuppReason::SublimitReached, "SUBLIMIT_REACHED", "The rule's own limit (per year or over the policy's life) is used up; the crossing line is paid up to it.", "the rule's sub-limit", "UC TandZeker 500 orthodontics above EUR 1,000"),
    (SuppReason::WaitingPeriod, "WAITING_PERIOD", "Treatment inside the waiting period counted from supplementary_start.", "the rule's waiting period", "seed 003: orthodontics in the policy's first year"),
    (SuppReason::SupplementaryExclusion, "SUPPLEMENTARY_EXCLUSION", "The product excludes this care (codes, patterns, sections, orthodontic categories, orthodontics begun before the policy).", "the product's exclusion", "J39 under AV Tand Extra"),
    (SuppReason::BelowMinimumAge, "BELOW_MINIMUM_AGE", "The insured is younger than the product's minimum age on the treatment date.", "the product's minimum age", "AV Tand Standaard for a child of 12"),
    (SuppReason::NotCoveredByProduct, "NOT_COVERED_BY_PRODUCT", "No rule of the product covers this care (or the eigen bijdrage of this prosthesis).", "the product's conditions", "a filling under UC TandZeker 500 (orthodontics only in the seed)"),
    (SuppReason::BeforeCoverStart, "BEFORE_COVER_START", "Treatment before supplementary_start.", "the product's conditions (looptijd)", "care in 2020 on a policy that began in 2021"),
    (SuppReason::CoverEnded, "COVER_ENDED", "Treatment after supplementary_end.", "the product's conditions (looptijd)", "care after the policy ended"),
    (SuppReason::NothingToPay, "NOTHING_TO_PAY", "The basic insurance left nothing to the patient except the eigen risico, which may not be insured.", "Zvw art. 19 (eigen risico, not insurable)", "C11 for a child"),
    (SuppReason::BasicFormality, "BASIC_FORMALITY", "The basic insurance refused the line for a formality (authorisation, referral, who may give the care, POK, a frequency limit without authorisation); the supplementary follows.", "the basic insurance's formal refusal (docs/interpretations.md)", "X21 for a child of 12 without authorisation, with AV Tand Extra"),
    (SuppReason::OutsideEstheticZone, "OUTSIDE_ESTHETIC_ZONE", "J87/J19 outside the esthetic zone: refused by the supplementary too.", "seed 004 r.o. 8.4-8.5", "seed 004: J87 on element 43"),
    (SuppReason::HospitalCare, "HOSPITAL_CARE", "A supplementary dental product never pays hospital (msz) lines.", "dental cover only (docs/interpretations.md)", "238060 under AV Tand Extra"),
    (SuppReason::OtherCare, "OTHER_CARE", "A supplementary dental product never pays care outside dental care (domain overig: pharmacy, GGZ, huisartsenzorg ...).", "dental cover only (docs/interpretations.md#other-care)", "a pharmacy line (domain overig) under AV Tand Extra"),
    (SuppReason::NoShow, "NO_SHOW", "A fee for a missed appointment is not care.", "Zvw art. 11", "a missed-appointment code (a code-table row tagged no_show)"),
    (SuppReason::UnknownCode, "UNKNOWN_CODE", "The code is not in the code table for the treatment date, so no product rule can match it.", "NZa prestatiecodelijst", "J087 in 2022"),
    (SuppReason::NoAccident, "NO_ACCIDENT", "Accident cover pays only care for an accident (accident_date is null).", "the accident product's conditions", "tand-ongevallen, no accident_date"),
    (SuppReason::AccidentOutsideCover, "ACCIDENT_OUTSIDE_COVER", "The accident happened before supplementary_start or after supplementary_end.", "seed 004 art. 4.4 (ongeval tijdens de looptijd)", "accident in 2020, cover from 2021"),
    (SuppReason::AccidentTreatmentLate, "ACCIDENT_TREATMENT_LATE", "The treatment is before the accident or later than the product's period after it (seed 004: one year).", "seed 004 art. 4.4 (binnen een jaar na het ongeval)", "treatment 14 months after the accident"),
    (SuppReason::AuthorizationMissing, "AUTHORIZATION_MISSING", "The product needs prior authorisation and authorization is false.", "seed 004 art. 4.4 Toestemming", "accident care, authorization false"),
    (SuppReason::InvalidInput, "INVALID_INPUT", "The row is invalid (see message); nothing is paid.", "aanspraak input validation (docs/rules.md, bad input)", "a negative amount"),
    (SuppReason::Credited, "CREDITED", "The line is credited (or is the credit): no product pays it and it uses no maximum.", "creditering of an earlier declaration line (docs/rules.md, credit lines)", "a V21 under AV Tand Extra and its credit"),
    (SuppReason::NotYetBooked, "NOT_YET_BOOKED", "Scored as known on a date: the line was booked after as_of (or has no processing_date); no product pays it and it uses no maximum.", "the history as known on the valuation date (docs/rules.md#as-known-on-a-date)", "a V21 under AV Tand Extra booked after as_of"),
];

impl SuppReason {
    pub fn name(self) -> &'static str {
        SUPP_REASONS[self as usize].1
    }
}

impl Reason {
    pub fn name(self) -> &'static str {
        REASONS[self as usize].1
    }
    pub fn all() -> impl Iterator<Item = Reason> {
        REASONS.iter().map(|r| r.0)
    }
}

/// The statutory legal bases the engine itself cites. Policy rules add their own texts
/// after these (see `policy::CompiledPolicy::basis_texts`).
#[repr(u16)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    Bzv27Lid1a = 0,
    Bzv27Lid1b,
    Bzv27Lid1c,
    Bzv27Lid1aLid2,
    Bzv27Lid1aRzv231Lid1,
    Bzv27Lid1bRzv231Lid1,
    Bzv27Lid1cRzv231Lid1,
    Bzv27Lid3,
    Bzv27Lid4,
    Bzv27Lid4a,
    Bzv27Lid4d,
    Bzv27Lid5,
    Bzv27Lid5a,
    Bzv27Lid5bRzv231Lid2,
    Bzv27Lid5bRzv231Lid3a,
    Bzv27Lid5bRzv231Lid3b,
    Bzv27Lid5bJ50,
    Bzv27Lid5bRzv231Lid4,
    Bzv27Lid5bLid2,
    Bzv27Lid1aRzv231Lid3a,
    Bzv27Lid1aRzv231Lid3b,
    Bzv27Lid1bRzv231Lid3a,
    Bzv27Lid1bRzv231Lid3b,
    Bzv27Lid1cRzv231Lid3a,
    Bzv27Lid1cRzv231Lid3b,
    Bzv27Lid6,
    EstheticZone,
    NoShow,
    UnknownCode,
    InvalidInput,
    ZvwArt10a,
    OnRequest,
    SuppAfterFormality,
    SuppEstheticZone,
    SuppDentalOnly,
    ZvwArt10Overig,
    Credited,
    Bzv27Lid5bRzv231Lid3Fixed,
    Bzv27Lid1aRzv231Lid3Fixed,
    Bzv27Lid1bRzv231Lid3Fixed,
    Bzv27Lid1cRzv231Lid3Fixed,
    Bzv27Lid5bNoRepairBijdrage,
    NotYetBooked,
}

pub const BASES: &[(Basis, &str)] = &[
    (Basis::Bzv27Lid1a, "Bzv 2.7 lid 1 sub a"),
    (Basis::Bzv27Lid1b, "Bzv 2.7 lid 1 sub b"),
    (Basis::Bzv27Lid1c, "Bzv 2.7 lid 1 sub c"),
    (Basis::Bzv27Lid1aLid2, "Bzv 2.7 lid 1 sub a, lid 2"),
    (Basis::Bzv27Lid1aRzv231Lid1, "Bzv 2.7 lid 1 sub a; Rzv 2.31 lid 1"),
    (Basis::Bzv27Lid1bRzv231Lid1, "Bzv 2.7 lid 1 sub b; Rzv 2.31 lid 1"),
    (Basis::Bzv27Lid1cRzv231Lid1, "Bzv 2.7 lid 1 sub c; Rzv 2.31 lid 1"),
    (Basis::Bzv27Lid3, "Bzv 2.7 lid 3"),
    (Basis::Bzv27Lid4, "Bzv 2.7 lid 4"),
    (Basis::Bzv27Lid4a, "Bzv 2.7 lid 4 sub a"),
    (Basis::Bzv27Lid4d, "Bzv 2.7 lid 4 sub d"),
    (Basis::Bzv27Lid5, "Bzv 2.7 lid 5"),
    (Basis::Bzv27Lid5a, "Bzv 2.7 lid 5 sub a"),
    (Basis::Bzv27Lid5bRzv231Lid2, "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 2"),
    (Basis::Bzv27Lid5bRzv231Lid3a, "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 3 sub a"),
    (Basis::Bzv27Lid5bRzv231Lid3b, "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 3 sub b"),
    (Basis::Bzv27Lid5bJ50, "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 2-3; J50 17 % (seed 004 art. 3.12.2)"),
    (Basis::Bzv27Lid5bRzv231Lid4, "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 4"),
    (Basis::Bzv27Lid5bLid2, "Bzv 2.7 lid 5 sub b, lid 2: P044 only with the right to implants (seed 004 art. 3.12.2 Toestemming vooraf l)"),
    (Basis::Bzv27Lid1aRzv231Lid3a, "Bzv 2.7 lid 1 sub a; Rzv 2.31 lid 3 sub a"),
    (Basis::Bzv27Lid1aRzv231Lid3b, "Bzv 2.7 lid 1 sub a; Rzv 2.31 lid 3 sub b"),
    (Basis::Bzv27Lid1bRzv231Lid3a, "Bzv 2.7 lid 1 sub b; Rzv 2.31 lid 3 sub a"),
    (Basis::Bzv27Lid1bRzv231Lid3b, "Bzv 2.7 lid 1 sub b; Rzv 2.31 lid 3 sub b"),
    (Basis::Bzv27Lid1cRzv231Lid3a, "Bzv 2.7 lid 1 sub c; Rzv 2.31 lid 3 sub a"),
    (Basis::Bzv27Lid1cRzv231Lid3b, "Bzv 2.7 lid 1 sub c; Rzv 2.31 lid 3 sub b"),
    (Basis::Bzv27Lid6, "Bzv 2.7 lid 6"),
    (Basis::EstheticZone, "NZa J87/J19 esthetische zone (elementen 14-24); seed 004 r.o. 8.4-8.5"),
    (Basis::NoShow, "Zvw art. 11; niet nagekomen afspraak is geen zorg"),
    (Basis::UnknownCode, "NZa prestatiecodelijst (code unknown on treatment date)"),
    (Basis::InvalidInput, "aanspraak input validation (docs/rules.md, bad input)"),
    (Basis::ZvwArt10a, "Zvw art. 10 a / Bzv 2.4"),
    (Basis::OnRequest, "Zvw art. 10 a; zorgactiviteit op verzoek patiënt (seed 001)"),
    (Basis::SuppAfterFormality, "aanvullende verzekering volgt de formele weigering van de basisverzekering"),
    (Basis::SuppEstheticZone, "NZa J87/J19 esthetische zone; seed 004 r.o. 8.4-8.5 (ook niet uit de aanvullende verzekering)"),
    (Basis::SuppDentalOnly, "aanvullende tandverzekering: alleen mondzorg"),
    (Basis::ZvwArt10Overig, "Zvw art. 10 (overige zorg)"),
    (Basis::Credited, "creditering van een eerdere declaratieregel (Vektis: indicatie debet/credit, referentienummer voorgaande gerelateerde prestatierecord)"),
    // Rzv 2.31 as in force until 2016 (docs/rules.md#the-statutory-file).
    (Basis::Bzv27Lid5bRzv231Lid3Fixed, "Bzv 2.7 lid 5 sub b; Rzv 2.31 lid 3 (t/m 2016: vaste eigen bijdrage per kaak)"),
    (Basis::Bzv27Lid1aRzv231Lid3Fixed, "Bzv 2.7 lid 1 sub a; Rzv 2.31 lid 3 (t/m 2016: vaste eigen bijdrage per kaak)"),
    (Basis::Bzv27Lid1bRzv231Lid3Fixed, "Bzv 2.7 lid 1 sub b; Rzv 2.31 lid 3 (t/m 2016: vaste eigen bijdrage per kaak)"),
    (Basis::Bzv27Lid1cRzv231Lid3Fixed, "Bzv 2.7 lid 1 sub c; Rzv 2.31 lid 3 (t/m 2016: vaste eigen bijdrage per kaak)"),
    (Basis::Bzv27Lid5bNoRepairBijdrage, "Bzv 2.7 lid 5 sub b; geen eigen bijdrage op reparatie of rebasing (Rzv 2.31 lid 4 pas vanaf 2017)"),
    (Basis::NotYetBooked, "nog niet geboekt op de peildatum (as_of): verwerkingsdatum (processing_date) later of onbekend"),
];

impl Basis {
    pub fn text(self) -> &'static str {
        BASES[self as usize].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_in_enum_order() {
        for (i, r) in REASONS.iter().enumerate() {
            assert_eq!(r.0 as usize, i, "{}", r.1);
        }
        for (i, r) in SUPP_REASONS.iter().enumerate() {
            assert_eq!(r.0 as usize, i, "{}", r.1);
        }
        for (i, b) in BASES.iter().enumerate() {
            assert_eq!(b.0 as usize, i, "{}", b.1);
        }
    }
}
