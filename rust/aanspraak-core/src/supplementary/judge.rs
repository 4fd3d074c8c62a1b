//! What one supplementary product makes of one line, before limits (docs/rules.md#supplementary-products): cover
//! dates, minimum age, accident cover, exclusions, the matching rule and its waiting
//! period. Stateless; the limits are consumed in `limits`.

pub use super::terms::NO_RULE;
use super::terms::{SuppProduct, Terms};
use crate::dates::add_months;
use crate::input::{Tri, NO_DATE};
use crate::reason::SuppReason;

/// What the judge reads of a line.
#[derive(Debug, Clone, Copy)]
pub struct LineView {
    pub age: i32,
    pub year: i32,
    pub treat: i32,
    /// Row of the code table.
    pub code_row: u32,
    pub code_tags: u32,
    /// Covered by the basic insurance.
    pub covered: bool,
    pub start: i32,
    pub end: i32,
    pub accident_date: i32,
    pub authorization: Tri,
    /// The eigen bijdrage the patient owes (covered lines).
    pub eigen_bijdrage: i64,
    /// What the basic insurance did not allow: amount − allowed (all of it when not covered).
    pub gap: i64,
}

/// One product's verdict on a line: a claim (`refusal` None) the limits still have to
/// pass, or a refusal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Claim {
    pub product: u16,
    /// Index of the product's conditions (by year).
    pub terms: u8,
    pub rule: u8,
    /// The product reimburses this line's eigen bijdrage.
    pub eb: bool,
    /// None for a claim, else why the product refuses (one byte: the enum's niche).
    pub refusal: Option<SuppReason>,
    pub basis: u16,
    /// Bit of a begun-before-start exclusion that matches (checked by the limits walk).
    pub begun_bit: u8,
}

fn refuse(reason: SuppReason, basis: u16) -> Claim {
    Claim { refusal: Some(reason), basis, rule: NO_RULE, ..Claim::default() }
}

/// Judge `v` under `product` (index `p`).
pub fn judge(p: u16, product: &SuppProduct, v: &LineView) -> Claim {
    let ti = product.terms.iter().rposition(|t| t.from_year <= v.year).unwrap_or(0);
    let t: &Terms = &product.terms[ti];
    let with = |c: Claim| Claim { product: p, terms: ti as u8, ..c };
    // The policy's term (looptijd).
    if v.start != NO_DATE && v.treat < v.start {
        return with(refuse(SuppReason::BeforeCoverStart, t.basis));
    }
    if v.end != NO_DATE && v.treat > v.end {
        return with(refuse(SuppReason::CoverEnded, t.basis));
    }
    if v.age < t.min_age {
        return with(refuse(SuppReason::BelowMinimumAge, t.basis));
    }
    // Accident cover: the accident inside the cover, the treatment within its period after it.
    if let Some(a) = &t.accident {
        let acc = v.accident_date;
        if acc == NO_DATE {
            return with(refuse(SuppReason::NoAccident, a.basis));
        }
        if (v.start != NO_DATE && acc < v.start) || (v.end != NO_DATE && acc > v.end) {
            return with(refuse(SuppReason::AccidentOutsideCover, a.basis));
        }
        if v.treat < acc || v.treat > add_months(acc, a.within_months) {
            return with(refuse(SuppReason::AccidentTreatmentLate, a.basis));
        }
        if a.requires_authorization && v.authorization == Tri::False {
            return with(refuse(SuppReason::AuthorizationMissing, a.basis));
        }
    }
    let mut begun_bit = 0;
    for x in &t.exclusions {
        if x.rule.row_match[v.code_row as usize] && v.age >= x.rule.min_age && v.age <= x.rule.max_age {
            if x.begun_bit == 0 {
                return with(refuse(SuppReason::SupplementaryExclusion, x.rule.basis));
            }
            if begun_bit == 0 {
                begun_bit = x.begun_bit;
            }
        }
    }
    let rule = t.rules.iter().position(|r| r.rule.row_match[v.code_row as usize] && v.age >= r.rule.min_age && v.age <= r.rule.max_age);
    // The eigen bijdrage part (Rzv 2.31) is paid only for the product's tags.
    let eb = v.covered && v.eigen_bijdrage > 0 && t.eb_tags & v.code_tags != 0 && t.eb_bp > 0;
    if !eb && (rule.is_none() || v.gap == 0) {
        // No rule for this care, or all that is left is an eigen bijdrage it does not pay.
        return with(refuse(SuppReason::NotCoveredByProduct, t.basis));
    }
    // With nothing but the eigen bijdrage left, the eigen bijdrage term is what pays.
    let rule = rule.filter(|_| v.gap > 0);
    let (rule_idx, basis) = match rule {
        Some(ri) => (ri as u8, t.rules[ri].rule.basis),
        None => (NO_RULE, t.eb_basis),
    };
    let months = t.waiting_months.max(rule.map_or(0, |ri| t.rules[ri].waiting_months));
    if months > 0 && v.start != NO_DATE && v.treat < add_months(v.start, months) {
        return with(refuse(SuppReason::WaitingPeriod, basis));
    }
    with(Claim { rule: rule_idx, eb, basis, begun_bit, ..Claim::default() })
}
