//! The stateless decision on one line, every step of it (docs/rules.md#coverage,
//! docs/rules.md#hospital-care, docs/rules.md#bad-input): a bad row, the care domain, a
//! code the tables do not know, the adult fast path, then the dental rules (`judge`) or
//! the hospital-care rules (`msz::judge`). The engine calls `judge_line` for every row in
//! parallel chunks and writes the verdict's fields; nothing here allocates per row.

use super::LineFacts;
use crate::codes::{code_is_msz, Jaw};
use crate::dates;
use crate::input::{BtIndication, Domain, Invalid, Lines, Tri};
use crate::msz::JawState;
use crate::outcome::{flag, NO_AGE};
use crate::policy::{CompiledPolicy, DenseYears, Entitlement};
use crate::reason::{Basis, Reason};

/// Candidate code-table rows per distinct input code.
pub fn code_candidates<'a>(lines: &Lines, policy: &'a CompiledPolicy) -> Vec<&'a [u32]> {
    lines.code_strings.iter().map(|c| policy.codes.candidates(c)).collect()
}

/// What `judge_line` reads besides the line, computed once per scoring: per distinct
/// input code and per code-table row, not per line.
pub struct LineContext<'a> {
    pub policy: &'a CompiledPolicy,
    /// Candidate code-table rows per distinct input code.
    pub cands: Vec<&'a [u32]>,
    /// Per distinct code: all digits (msz by inference).
    msz_code: Vec<bool>,
    /// Per distinct code: its number as a zorgactiviteit.
    msz_number: Vec<Option<u32>>,
    year_params: DenseYears,
    /// Per code-table row: `super::adult_may_cover`.
    adult_may_cover: Vec<bool>,
}

impl<'a> LineContext<'a> {
    pub fn new(lines: &Lines, policy: &'a CompiledPolicy) -> LineContext<'a> {
        LineContext {
            policy,
            cands: code_candidates(lines, policy),
            msz_code: lines.code_strings.iter().map(|c| code_is_msz(c)).collect(),
            msz_number: lines.code_strings.iter().map(|c| if code_is_msz(c) && c.len() <= 6 { c.parse().ok() } else { None }).collect(),
            year_params: policy.years_dense(),
            adult_may_cover: policy.codes.rows.iter().map(super::adult_may_cover).collect(),
        }
    }
}

/// The stateless outcome of one line: the values of its outcome columns (see `outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineVerdict {
    /// NO_AGE for an invalid row.
    pub age: i16,
    pub reason: Reason,
    /// Index into the policy's legal-basis texts.
    pub basis: u16,
    /// Bits of `outcome::flag`.
    pub flags: u8,
    /// Frequency rule index + 1 of the line's product, 0 for none (the ledger counts it).
    pub freq_rule: u8,
    /// Eigen bijdrage in basis points of `allowed` (covered lines).
    pub bijdrage_bp: u16,
    /// The most the eigen bijdrage may be, in cents (`eigen_bijdrage::NO_MAX`: none).
    pub bijdrage_max: u32,
    /// Index into the policy's authorisation-category combinations; u16::MAX for none.
    pub auth_category: u16,
}

impl LineVerdict {
    /// The columns' empty values; every path of `judge_line` sets `reason` and `basis`.
    #[inline]
    fn blank() -> LineVerdict {
        LineVerdict { age: NO_AGE, reason: Reason::default(), basis: 0, flags: 0, freq_rule: 0, bijdrage_bp: 0, bijdrage_max: super::eigen_bijdrage::NO_MAX, auth_category: u16::MAX }
    }
}

/// The jaw of a line: the `jaw` column, else derived from the element (docs/rules.md#input).
#[inline]
fn line_jaw(l: &Lines, i: usize) -> Jaw {
    match l.jaw.get(i) {
        Jaw::Unknown => super::jaw_of_element(l.element.get(i)),
        j => j,
    }
}

/// What the hospital-care rules read of line `i` (docs/rules.md#hospital-care).
fn msz_facts(l: &Lines, i: usize, code: u32) -> super::msz::MszFacts {
    super::msz::MszFacts {
        code,
        jaw: JawState { jaw: line_jaw(l, i), edentulous: l.edentulous.get(i) },
        specialism: l.specialism.get(i),
        setting: l.setting.get(i),
        authorization: l.authorization.get(i),
    }
}

/// Judge line `i` of `l` on its own (docs/rules.md#coverage, docs/rules.md#hospital-care):
/// the reason and legal basis of every row that is not refused later by the ledger
/// (FREQUENCY_LIMIT, `ledger::Effect::refusal`).
#[inline]
pub fn judge_line(l: &Lines, i: usize, ctx: &LineContext) -> LineVerdict {
    let LineContext { policy, cands, msz_code, msz_number, year_params, adult_may_cover } = ctx;
    let mut out = LineVerdict::blank();
    // docs/rules.md#bad-input: a row with a bad value is judged no further.
    if l.invalid[i] != Invalid::Ok {
        out.reason = Reason::InvalidInput;
        out.basis = Basis::InvalidInput as u16;
        return out;
    }
    let ymd_t = dates::civil_from_days(l.treat[i]);
    let a = dates::age_on(dates::civil_from_days(l.birth[i]), ymd_t);
    out.age = a.min(i16::MAX as i32) as i16;
    // docs/rules.md#as-known-on-a-date: a line booked after as_of is not yet known; like a
    // credited line it counts for nothing.
    if l.unbooked.get(i) {
        out.reason = Reason::NotYetBooked;
        out.basis = Basis::NotYetBooked as u16;
        return out;
    }
    // docs/rules.md#credit-lines: a credited line and its credit are not covered and
    // count for nothing (flags 0: the ledger and the supplementary limits never see them).
    if l.credit.get(i).is_credited() {
        out.reason = Reason::Credited;
        out.basis = Basis::Credited as u16;
        return out;
    }
    let code = l.code[i] as usize;
    let is_msz = match l.domain.get(i) {
        Domain::Infer => msz_code[code],
        Domain::Mondzorg => false,
        Domain::Msz => true,
        Domain::Overig => {
            // Other care, given as its covered amount; its code is not looked up (docs/rules.md#other-care).
            let v = super::overig::judge();
            (out.reason, out.basis) = (v.reason, v.basis);
            out.flags = flag::OVERIG | flag::COVERED | if super::overig::bears_eigen_risico(a, l.eigen_risico_exempt.get(i)) { flag::EIGEN_RISICO } else { 0 };
            return out;
        }
    };
    if is_msz {
        // Medical specialist care (docs/rules.md#hospital-care).
        out.flags = flag::MSZ;
        // A hospital line's code must be a zorgactiviteit number (NZa zorgactiviteitenlijst).
        let Some(number) = msz_number[code] else {
            out.reason = Reason::UnknownCode;
            out.basis = Basis::UnknownCode as u16;
            return out;
        };
        let facts = msz_facts(l, i, number);
        let product = &policy.basic[l.basic.get(i) as usize];
        let (v, category, pok) = super::msz::judge(&facts, policy, product);
        out.reason = v.reason;
        out.basis = v.basis;
        out.auth_category = category.unwrap_or(u16::MAX);
        out.flags = flag::MSZ | if v.authorization_required { flag::AUTHORIZATION_REQUIRED } else { 0 } | if pok { flag::POK_MISMATCH } else { 0 };
        if v.covered {
            out.flags |= flag::COVERED | if a >= 18 { flag::EIGEN_RISICO } else { 0 };
        }
        return out;
    }
    // A dental code not in the NZa prestatiecodelijst of the treatment date.
    let Some(ri) = policy.codes.pick(cands[code], l.treat[i]) else {
        out.reason = Reason::UnknownCode;
        out.basis = Basis::UnknownCode as u16;
        return out;
    };
    let bt = l.bt_indication.get(i);
    // The common case, decided without the full rule walk (Bzv 2.7 lid 5; see rules::adult_may_cover).
    if a >= 18 && bt == BtIndication::None && !adult_may_cover[ri as usize] {
        out.reason = Reason::NotInsuredAdult;
        out.basis = Basis::Bzv27Lid5 as u16;
        return out;
    }
    let facts = LineFacts {
        age: a,
        row_idx: ri,
        row: &policy.codes.rows[ri as usize],
        element: l.element.get(i),
        jaw: line_jaw(l, i),
        provider: l.provider.get(i),
        authorization: l.authorization.get(i),
        bt_indication: bt,
        // Rzv 2.31 lid 1 (docs/rules.md#input): bt_related defaults to true when bt_indication is set.
        bt_related: match l.bt_related.get(i) {
            Tri::Null if bt != BtIndication::None => Tri::True,
            t => t,
        },
        ortho_severe: l.ortho_severe.get(i),
        severely_resorbed: l.severely_resorbed.get(i),
        missing_cause: l.missing_cause.get(i),
        need_before_18: l.need_before_18.get(i),
        referral: l.referral.get(i),
    };
    let product = &policy.basic[l.basic.get(i) as usize];
    let params = year_params.get(ymd_t.year);
    let v = super::judge(&facts, product, params);
    out.reason = v.reason;
    out.basis = v.basis;
    out.flags = if v.authorization_required { flag::AUTHORIZATION_REQUIRED } else { 0 };
    if !v.covered {
        return out;
    }
    out.flags |= flag::COVERED | if a >= 18 { flag::EIGEN_RISICO } else { 0 };
    if v.bijdrage_is_care {
        out.flags |= flag::BIJDRAGE_IS_CARE;
    }
    out.bijdrage_bp = v.eigen_bijdrage_bp as u16;
    out.bijdrage_max = v.eigen_bijdrage_max;
    if v.entitlement != Entitlement::Bt {
        out.freq_rule = product.frequency.iter().position(|f| f.rule.applies(ri, a, v.entitlement)).map_or(0, |p| p as u8 + 1);
    }
    out
}
