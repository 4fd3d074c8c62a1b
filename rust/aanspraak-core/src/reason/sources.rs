//! Where each reason comes from: the functions that write it, as paths under the crate
//! (`rules::line::judge_line` is `crate::rules::line::judge_line`). Every basic reason
//! comes from `rules`, the `ledger` or, for INVALID_INPUT, the input validation that
//! `rules::line::judge_line` reads; the supplementary reasons from `supplementary`. One
//! exhaustive `match` per catalogue, so a new reason does not compile without its source.
//! Plain strings: the catalogue is vocabulary, the bottom layer, and names the functions
//! of higher layers without calling them. `tests/reasons.rs` reads the sources and fails
//! when a reason is constructed in a function not listed here for it, or a listed
//! function does not exist or does not name its reason. `aanspraak.reasons()` and
//! `aanspraak.supplementary_reasons()` show these paths as `emitted_by`; docs/rules.md#where-each-reason-comes-from
//! renders them.

use super::{Reason, SuppReason};

impl Reason {
    /// The functions that decide this reason (docs/rules.md#where-each-reason-comes-from).
    pub fn emitted_by(self) -> &'static [&'static str] {
        match self {
            Reason::Covered => &["rules::judge", "rules::msz::judge", "rules::overig::judge"],
            Reason::NotInsuredAdult => &["rules::adult::entitlement", "rules::line::judge_line"],
            Reason::NotInsuredYouth => &["rules::youth::entitlement"],
            Reason::OrthoNotSevere => &["rules::bt::entitlement"],
            Reason::OutsideEstheticZone => &["rules::code_rules::refusal"],
            Reason::NoShow => &["rules::code_rules::refusal"],
            Reason::FrequencyLimit => &["ledger::walk"],
            Reason::AuthorizationMissing => &["rules::insurer::apply", "rules::msz::judge"],
            Reason::ReferralMissing => &["rules::insurer::apply"],
            Reason::ProviderNotQualified => &["rules::insurer::apply"],
            Reason::PokMismatch => &["rules::msz::judge"],
            Reason::NotInsuredOnRequest => &["rules::msz::judge"],
            Reason::InsurerExclusion => &["rules::insurer::apply"],
            Reason::UnknownCode => &["rules::line::judge_line"],
            Reason::InvalidInput => &["rules::line::judge_line"],
            Reason::Credited => &["rules::line::judge_line"],
            Reason::NotYetBooked => &["rules::line::judge_line"],
        }
    }
}

impl SuppReason {
    /// The functions that decide this supplementary reason (docs/rules.md#where-each-reason-comes-from).
    pub fn emitted_by(self) -> &'static [&'static str] {
        match self {
            SuppReason::NoSupplementary => &["supplementary::score_columns"],
            SuppReason::Paid => &["supplementary::limits::pay"],
            SuppReason::AnnualMaximumReached => &["supplementary::limits::pay"],
            SuppReason::SublimitReached => &["supplementary::limits::pay"],
            SuppReason::WaitingPeriod => &["supplementary::judge::judge"],
            SuppReason::SupplementaryExclusion => &["supplementary::judge::judge", "supplementary::limits::pay"],
            SuppReason::BelowMinimumAge => &["supplementary::judge::judge"],
            SuppReason::NotCoveredByProduct => &["supplementary::judge::judge", "supplementary::limits::pay"],
            SuppReason::BeforeCoverStart => &["supplementary::judge::judge"],
            SuppReason::CoverEnded => &["supplementary::judge::judge"],
            SuppReason::NothingToPay => &["supplementary::score_columns"],
            SuppReason::BasicFormality => &["supplementary::line_refusal"],
            SuppReason::OutsideEstheticZone => &["supplementary::line_refusal"],
            SuppReason::HospitalCare => &["supplementary::line_refusal"],
            SuppReason::OtherCare => &["supplementary::line_refusal"],
            SuppReason::NoShow => &["supplementary::line_refusal"],
            SuppReason::UnknownCode => &["supplementary::line_refusal"],
            SuppReason::NoAccident => &["supplementary::judge::judge"],
            SuppReason::AccidentOutsideCover => &["supplementary::judge::judge"],
            SuppReason::AccidentTreatmentLate => &["supplementary::judge::judge"],
            SuppReason::AuthorizationMissing => &["supplementary::judge::judge"],
            SuppReason::InvalidInput => &["supplementary::score_columns"],
            SuppReason::Credited => &["supplementary::score_columns"],
            SuppReason::NotYetBooked => &["supplementary::score_columns"],
        }
    }
}
