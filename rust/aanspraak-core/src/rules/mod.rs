//! Coverage of a dental line under the basic insurance (Bzv 2.7; docs/rules.md#coverage), with
//! the reason precedence of docs/rules.md#reason-precedence: code rules → entitlement → insurer exclusion →
//! authorisation → who may give the care → referral. Stateless: one line at a time.
//! Frequency limits and the eigen risico need an insured's other lines: see `ledger`. `line`
//! holds the whole decision on one line (bad row, domain, unknown code, then these rules).

pub mod adult;
pub mod bt;
pub mod code_rules;
pub mod eigen_bijdrage;
pub mod insurer;
pub mod lid6;
pub mod line;
pub mod msz;
pub mod overig;
pub mod youth;

use crate::codes::{CodeRow, Jaw};
use crate::input::{BtIndication, MissingCause, Provider, Tri};
use crate::policy::{CompiledBasic, Entitlement};
use crate::reason::{Basis, Reason};

/// What the rules know about one line.
#[derive(Debug, Clone, Copy)]
pub struct LineFacts<'a> {
    pub age: i32,
    pub row_idx: u32,
    pub row: &'a CodeRow,
    pub element: u8,
    /// Jaw from the line (or derived from the element).
    pub jaw: Jaw,
    pub provider: Provider,
    pub authorization: Tri,
    pub bt_indication: BtIndication,
    pub bt_related: Tri,
    pub ortho_severe: bool,
    pub severely_resorbed: bool,
    pub missing_cause: MissingCause,
    pub need_before_18: bool,
    pub referral: Tri,
}

/// An entitlement found by the statutory rules, or the reason there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statutory {
    Covered { entitlement: Entitlement, basis: Basis },
    NotCovered { reason: Reason, basis: Basis },
}

impl Statutory {
    pub fn is_covered(&self) -> bool {
        matches!(self, Statutory::Covered { .. })
    }
}

/// The stateless verdict on a line.
#[derive(Debug, Clone, Copy)]
pub struct Verdict {
    pub covered: bool,
    pub reason: Reason,
    /// Index into the policy's legal-basis texts.
    pub basis: u16,
    pub entitlement: Entitlement,
    pub authorization_required: bool,
    /// Eigen bijdrage in basis points of `allowed` (Rzv 2.31), 10 000 = all of it.
    pub eigen_bijdrage_bp: u32,
    /// The most the eigen bijdrage may be, in cents (a fixed amount, Rzv 2.31 lid 3 until
    /// 2016); `eigen_bijdrage::NO_MAX` for none.
    pub eigen_bijdrage_max: u32,
    /// The eigen bijdrage stands for care the regular rules do not cover (Rzv 2.31 lid 1).
    pub bijdrage_is_care: bool,
}

impl Verdict {
    pub fn refused(reason: Reason, basis: u16) -> Verdict {
        Verdict {
            covered: false,
            reason,
            basis,
            entitlement: Entitlement::None,
            authorization_required: false,
            eigen_bijdrage_bp: 0,
            eigen_bijdrage_max: eigen_bijdrage::NO_MAX,
            bijdrage_is_care: false,
        }
    }
}

/// The statutory entitlement without bijzondere tandheelkunde (Bzv 2.7 lid 4, 5, 6).
pub fn regular(f: &LineFacts) -> Statutory {
    let by_age = if f.age < 18 { youth::entitlement(f) } else { adult::entitlement(f) };
    if by_age.is_covered() {
        return by_age;
    }
    lid6::entitlement(f).unwrap_or(by_age)
}

/// Judge one dental line (docs/rules.md#coverage, all its steps).
pub fn judge(f: &LineFacts, product: &CompiledBasic, params: &crate::policy::YearParams) -> Verdict {
    // 1. Code rules that hold everywhere.
    if let Some((reason, basis)) = code_rules::refusal(f) {
        return Verdict::refused(reason, basis as u16);
    }
    // 2-5. Entitlement: bijzondere tandheelkunde first, the regular rules otherwise.
    let regular = regular(f);
    let statutory = match bt::entitlement(f) {
        None => regular,
        Some(bt) if bt.is_covered() => bt,
        // A refused BT route falls back to the regular rules; if they refuse too, the
        // more specific BT reason (e.g. ORTHO_NOT_SEVERE) stands.
        Some(bt) => if regular.is_covered() { regular } else { bt },
    };
    let (entitlement, basis) = match statutory {
        Statutory::NotCovered { reason, basis } => return Verdict::refused(reason, basis as u16),
        Statutory::Covered { entitlement, basis } => (entitlement, basis),
    };
    let bijdrage = eigen_bijdrage::share(f, entitlement, &regular, params);
    let bijdrage_is_care = eigen_bijdrage::stands_for_care(f, entitlement, &regular);
    let basis = eigen_bijdrage::basis_with_bijdrage(f, entitlement, basis, params);
    // 6. Insurer rules.
    let mut v = Verdict {
        covered: true,
        reason: Reason::Covered,
        basis: basis as u16,
        entitlement,
        authorization_required: false,
        eigen_bijdrage_bp: bijdrage.bp,
        eigen_bijdrage_max: bijdrage.max_cents,
        bijdrage_is_care,
    };
    insurer::apply(f, product, &mut v);
    v
}

/// False when an insured of 18 or over without a BT indication can never be covered for
/// this code: no tag that lid 5, lid 6, lid 2 or a code rule reads. `line::judge_line` then
/// answers NOT_INSURED_ADULT (Bzv 2.7 lid 5) without the full walk; a test checks that
/// `judge` agrees for every code row.
pub fn adult_may_cover(row: &CodeRow) -> bool {
    use crate::codes::tag::*;
    row.tags
        & (FULL_DENTURE | IMPLANT_DENTURE | DENTURE_COMBO | DENTURE_REPAIR | SPECIALIST_SURGERY | XRAY | NON_PLASTIC | IMPLANT
            | NO_SHOW | TEMP_CROWN_IMPLANT | ESTHETIC_ZONE_SURCHARGE)
        != 0
}

/// FDI elements whose first digit says the jaw: 1x, 2x, 5x, 6x upper; 3x, 4x, 7x, 8x lower.
pub fn jaw_of_element(element: u8) -> Jaw {
    match element / 10 {
        1 | 2 | 5 | 6 => Jaw::Upper,
        3 | 4 | 7 | 8 => Jaw::Lower,
        _ => Jaw::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{BtIndication, MissingCause, Provider, Tri};

    #[test]
    fn adult_fast_path_agrees_with_the_full_walk() {
        let policy = crate::policy::load("defriesland-2022").unwrap();
        let params = policy.year(2022).unwrap();
        for (ri, row) in policy.codes.rows.iter().enumerate() {
            if adult_may_cover(row) {
                continue;
            }
            for age in [18, 22, 40, 90] {
                for provider in [Provider::Unknown, Provider::Kaakchirurg, Provider::Tandarts] {
                    for element in [0u8, 11, 21, 43] {
                        for severely_resorbed in [false, true] {
                            let f = LineFacts {
                                age, row_idx: ri as u32, row, element, jaw: Jaw::Unknown, provider,
                                authorization: Tri::Null, bt_indication: BtIndication::None, bt_related: Tri::Null, ortho_severe: false,
                                severely_resorbed, missing_cause: MissingCause::Agenesis, need_before_18: true, referral: Tri::Null,
                            };
                            for product in &policy.basic {
                                let v = judge(&f, product, params);
                                assert!(!v.covered && v.reason == Reason::NotInsuredAdult, "{} age {age}", row.code);
                                assert_eq!(v.basis, Basis::Bzv27Lid5 as u16);
                            }
                        }
                    }
                }
            }
        }
    }
}
