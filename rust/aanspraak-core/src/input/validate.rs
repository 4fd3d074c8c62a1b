//! Per-row validation (docs/rules.md#bad-input): the first problem of a row, in a fixed
//! order, makes it `INVALID_INPUT` with that `Invalid`'s message; every other row is
//! scored normally. Which column can raise which `Invalid` is listed in `schema::COLUMNS`.

use super::kinds::UNPARSABLE;
use super::schema::Invalid;
use super::{Col, Credit, Lines, BAD_BASIC, BAD_DATE, BAD_ELEMENT, BAD_SUPP, NO_CENTS, NO_DATE};
use crate::money::MAX_CENTS;
use crate::provider::Provider;
use crate::vocab::{BtIndication, Domain, Jaw, MissingCause, Setting};
use rayon::prelude::*;

/// The vocabulary columns as read: `None` where a row's value is no accepted spelling.
/// `Lines` holds them settled (`Col::settled`): the bad rows are invalid, never read.
pub(super) struct Spelled {
    pub jaw: Col<Option<Jaw>>,
    pub provider: Col<Option<Provider>>,
    pub bt_indication: Col<Option<BtIndication>>,
    pub missing_cause: Col<Option<MissingCause>>,
    pub domain: Col<Option<Domain>>,
    pub setting: Col<Option<Setting>>,
}

/// The `Invalid` of every row of `l` (whose `invalid` is not yet set); `insured_null`
/// marks null insured ids, `days` the first and last day with statutory parameters.
pub(super) fn rows(l: &Lines, s: &Spelled, insured_null: Option<&[bool]>, days: (i32, i32)) -> Vec<Invalid> {
    let date_checks: [(&Col<i32>, Invalid); 6] = [
        (&l.supp_start, Invalid::SupplementaryStartOutOfRange),
        (&l.supp_end, Invalid::SupplementaryEndOutOfRange),
        (&l.accident_date, Invalid::AccidentDateOutOfRange),
        (&l.insured_from, Invalid::InsuredFromOutOfRange),
        (&l.insured_to, Invalid::InsuredToOutOfRange),
        (&l.processing, Invalid::ProcessingOutOfRange),
    ];
    let (birth, treat, amount) = (&l.birth, &l.treat, &l.amount);
    let mut invalid = vec![Invalid::Ok; l.n];
    let credit = &l.credit;
    invalid.par_iter_mut().enumerate().for_each(|(i, inv)| {
        let check = || -> Invalid {
            if insured_null.is_some_and(|v| v[i]) {
                return Invalid::InsuredNull;
            }
            match birth[i] {
                NO_DATE => return Invalid::BirthNull,
                BAD_DATE => return Invalid::BirthOutOfRange,
                _ => {}
            }
            match treat[i] {
                NO_DATE => return Invalid::TreatmentNull,
                BAD_DATE => return Invalid::TreatmentOutOfRange,
                _ => {}
            }
            if l.code[i] == u32::MAX {
                return Invalid::CodeNull;
            }
            // A credit line's amount may be negative (docs/rules.md#credit-lines): its size counts.
            let is_credit = credit.get(i) == Credit::Reversal;
            let size = match amount[i] {
                NO_CENTS => return Invalid::AmountNull,
                UNPARSABLE => return Invalid::AmountUnparsable,
                a if a > MAX_CENTS => return Invalid::AmountTooLarge,
                a if a < 0 && !is_credit => return Invalid::AmountNegative,
                a => a.abs(),
            };
            // Optional dates that are set but no day of the years 1-9999.
            for (col, why) in &date_checks {
                if col.get(i) == BAD_DATE {
                    return *why;
                }
            }
            if treat[i] < birth[i] {
                return Invalid::TreatmentBeforeBirth;
            }
            // docs/interpretations.md#processing-date: booked after the care (null: not booked).
            let p = l.processing.get(i);
            if p != NO_DATE && p < treat[i] {
                return Invalid::ProcessingBeforeTreatment;
            }
            if treat[i] < days.0 || treat[i] > days.1 {
                return Invalid::NoYearParameters;
            }
            // A value outside the documented vocabulary (docs/rules.md#input).
            if l.element.get(i) == BAD_ELEMENT {
                return Invalid::BadElement;
            }
            if s.jaw.get(i).is_none() {
                return Invalid::BadJaw;
            }
            if s.provider.get(i).is_none() {
                return Invalid::BadProvider;
            }
            if s.bt_indication.get(i).is_none() {
                return Invalid::BadBtIndication;
            }
            if s.missing_cause.get(i).is_none() {
                return Invalid::BadMissingCause;
            }
            if s.domain.get(i).is_none() {
                return Invalid::BadDomain;
            }
            // docs/interpretations.md#other-care: only an overig line can be exempt.
            if l.eigen_risico_exempt.get(i) && s.domain.get(i) != Some(Domain::Overig) {
                return Invalid::ExemptNotOverig;
            }
            if s.setting.get(i).is_none() {
                return Invalid::BadSetting;
            }
            if l.basic.get(i) == BAD_BASIC {
                return Invalid::UnknownBasicProduct;
            }
            if l.supplementary.get(i) == BAD_SUPP {
                return Invalid::UnknownSupplementaryProduct;
            }
            let (ss, se) = (l.supp_start.get(i), l.supp_end.get(i));
            if ss != NO_DATE && se != NO_DATE && se < ss {
                return Invalid::SupplementaryEndBeforeStart;
            }
            // Absent or null material costs are 0 in `Lines` (and 0 is valid).
            let m = l.material.get(i);
            if m < 0 || m == UNPARSABLE || m > size {
                return Invalid::BadMaterialCosts;
            }
            let rt = l.reference_tariff.get(i);
            if rt != NO_CENTS && (rt < 0 || rt > MAX_CENTS) {
                return Invalid::BadReferenceTariff;
            }
            // Absent or null: 0, valid.
            let v = l.voluntary_cents.get(i);
            if !(0..=50_000).contains(&v) || v % 10_000 != 0 {
                return Invalid::BadVoluntaryDeductible;
            }
            let (f, to) = (l.insured_from.get(i), l.insured_to.get(i));
            if (f != NO_DATE && treat[i] < f) || (to != NO_DATE && treat[i] > to) {
                return Invalid::OutsideContract;
            }
            Invalid::Ok
        };
        *inv = check();
    });
    invalid
}
