//! Supplementary dental policies (docs/rules.md#supplementary-products): after the basic insurance, each line's
//! supplementary products pay their share of what the basic left to the patient (never
//! the eigen risico), within annual maxima and sub-limits consumed in treatment-date
//! order. Stateless verdicts per line (`judge`), then a per-insured walk (`limits`).

pub mod judge;
pub mod limits;
pub mod terms;

use crate::passes::CHUNK;
use crate::grouped;
use crate::input::{Col, Invalid, Lines, NO_SUPP};
use crate::outcome::{flag, Outcome, NO_BASIS};
use crate::policy::CompiledPolicy;
use crate::reason::{Basis, Reason, SuppReason};
use judge::{Claim, LineView, NO_RULE};
use limits::{SuppEffect, SuppItem};
use rayon::prelude::*;
pub use terms::{pack, unpack};
use terms::MAX_COMBINED;

/// A refusal for the whole line, before any product is looked at (docs/interpretations.md#supplementary-dental-policies):
/// hospital care, or a basic refusal the supplementary insurance follows.
fn line_refusal(out: &BasicOutcome, i: usize) -> Option<(SuppReason, u16)> {
    if out.flags[i] & flag::MSZ != 0 {
        return Some((SuppReason::HospitalCare, Basis::SuppDentalOnly as u16));
    }
    // Care outside dental care (docs/rules.md#other-care): a dental product never pays it.
    if out.flags[i] & flag::OVERIG != 0 {
        return Some((SuppReason::OtherCare, Basis::SuppDentalOnly as u16));
    }
    match out.reason[i] {
        // A formal refusal of the basic insurance stands for the supplementary too.
        Reason::AuthorizationMissing | Reason::ReferralMissing | Reason::ProviderNotQualified | Reason::PokMismatch | Reason::FrequencyLimit => {
            Some((SuppReason::BasicFormality, Basis::SuppAfterFormality as u16))
        }
        Reason::OutsideEstheticZone => Some((SuppReason::OutsideEstheticZone, Basis::SuppEstheticZone as u16)),
        Reason::NoShow => Some((SuppReason::NoShow, Basis::NoShow as u16)),
        Reason::UnknownCode => Some((SuppReason::UnknownCode, Basis::UnknownCode as u16)),
        // Care the basic insurance covers or does not insure: the products judge it.
        Reason::Covered
        | Reason::NotInsuredAdult
        | Reason::NotInsuredYouth
        | Reason::OrthoNotSevere
        | Reason::NotInsuredOnRequest
        | Reason::InsurerExclusion
        | Reason::InvalidInput => None,
        // Never asked: `score_with` leaves credited and unbooked lines out before any refusal.
        Reason::Credited | Reason::NotYetBooked => None,
    }
}

/// An opening balance of a sub-limit must name a group of its product
/// (docs/rules.md#opening-balances): a rule's `limit_group`, or `rules[i]`.
pub fn check_opening(opening: &crate::input::opening::Opening, policy: &CompiledPolicy) -> crate::error::Result<()> {
    use crate::input::opening::Used;
    for b in opening.balances() {
        if let Used::Limit(p, group) = &b.used {
            let product = &policy.supp[*p as usize];
            let named = |t: &terms::Terms| t.rules.iter().any(|r| r.sublimit != terms::NO_LIMIT && t.groups[r.group as usize] == *group);
            if !product.terms.iter().any(named) {
                let groups: Vec<&str> = product
                    .terms
                    .iter()
                    .flat_map(|t| t.rules.iter().filter(|r| r.sublimit != terms::NO_LIMIT).map(|r| t.groups[r.group as usize].as_str()))
                    .collect();
                return Err(crate::error::Error::Opening(format!(
                    "opening: limit_group {group:?} is no sub-limit of supplementary product {:?} (its sub-limits: {groups:?})",
                    product.key
                )));
            }
        }
    }
    Ok(())
}

/// Memory the supplementary walk reuses between calls: its item buffer (a slot of about
/// 110 bytes per line, resident only where written; see `grouped::collect_by_chunk`)
/// stays allocated, so that scoring several scenarios does not pay for fresh pages each
/// time (page faults dominated those passes; see `compare`).
#[derive(Default)]
pub struct Scratch {
    items: Vec<SuppItem>,
}

/// What the supplementary pass reads of the basic insurance's outcome, per row.
#[derive(Clone, Copy)]
pub struct BasicOutcome<'a> {
    pub flags: &'a [u8],
    pub reason: &'a [Reason],
    pub age: &'a [i16],
    pub allowed: &'a [i128],
    pub eigen_bijdrage: &'a [i128],
    pub eigen_risico: &'a [i128],
}

/// The columns the supplementary pass writes; `patient_paid` holds what the basic
/// insurance left the patient on entry, and the payment is taken off it.
pub struct SuppColumns<'a> {
    pub paid: &'a mut [i128],
    pub reason: &'a mut [SuppReason],
    pub basis: &'a mut [u16],
    pub patient_paid: &'a mut [i128],
}

/// Score the supplementary products: fills `supplementary_paid`, `supplementary_reason`
/// and `supplementary_basis`, and takes the payment off `patient_paid`. `code_row` gives
/// a dental line's code-table row.
pub fn score(lines: &Lines, out: &mut Outcome, policy: &CompiledPolicy, code_row: impl Fn(usize) -> Option<u32> + Sync) {
    score_with(lines, out, policy, code_row, &mut Scratch::default())
}

/// `score`, reusing `scratch`'s memory.
pub fn score_with(lines: &Lines, out: &mut Outcome, policy: &CompiledPolicy, code_row: impl Fn(usize) -> Option<u32> + Sync, scratch: &mut Scratch) {
    let basic = BasicOutcome {
        flags: &out.flags,
        reason: &out.reason,
        age: &out.age,
        allowed: &out.allowed,
        eigen_bijdrage: &out.eigen_bijdrage,
        eigen_risico: &out.eigen_risico,
    };
    let cols = SuppColumns {
        paid: &mut out.supplementary_paid,
        reason: &mut out.supplementary_reason,
        basis: &mut out.supplementary_basis,
        patient_paid: &mut out.patient_paid,
    };
    score_columns(lines, basic, cols, policy, code_row, scratch, None)
}

/// Per code-table row, the bits of the begun-before-start exclusions (of any product of
/// `policy`) whose care that row is.
pub(crate) fn marks_of_row(policy: &CompiledPolicy) -> Vec<u8> {
    (0..policy.codes.rows.len())
        .map(|r| {
            policy.supp.iter().flat_map(|p| &p.terms).flat_map(|t| &t.exclusions).filter(|x| x.begun_bit != 0 && x.rule.row_match[r]).fold(0u8, |m, x| m | 1 << (x.begun_bit - 1))
        })
        .collect()
}

/// `score_with` on borrowed columns: a scenario of `compare` reads the baseline's basic
/// outcome where it is, without copying it into an `Outcome`. With `only`, just the rows
/// it marks are scored and the others' columns are left as the caller filled them; it
/// must mark whole insureds (every row of an insured key, or none), since an insured's
/// lines share their maxima.
pub fn score_columns(
    lines: &Lines,
    o: BasicOutcome,
    out: SuppColumns,
    policy: &CompiledPolicy,
    code_row: impl Fn(usize) -> Option<u32> + Sync,
    scratch: &mut Scratch,
    only: Option<&[bool]>,
) {
    let n = lines.n;
    let skip = |i: usize| only.is_some_and(|o| !o[i]);
    if matches!(lines.supplementary, Col::Const(NO_SUPP)) {
        // No supplementary product anywhere: NO_SUPPLEMENTARY, and INVALID_INPUT for an invalid row.
        for (i, reason) in out.reason.iter_mut().enumerate().filter(|(i, _)| !skip(*i)) {
            *reason = SuppReason::NoSupplementary;
            if lines.invalid[i] != Invalid::Ok {
                *reason = SuppReason::InvalidInput;
                out.basis[i] = Basis::InvalidInput as u16;
            } else if lines.unbooked.get(i) {
                *reason = SuppReason::NotYetBooked;
                out.basis[i] = Basis::NotYetBooked as u16;
            } else if lines.credit.get(i).is_credited() {
                *reason = SuppReason::Credited;
                out.basis[i] = Basis::Credited as u16;
            }
        }
        return;
    }
    let timer = crate::passes::Timer::new();
    // Code-table rows that are care of a begun-before-start exclusion, as bits.
    let marks_of_row = marks_of_row(policy);
    let any_marks = marks_of_row.iter().any(|&m| m != 0);
    let l = lines;
    let patient_paid: &[i128] = out.patient_paid;
    // Stateless pass: a final outcome per line, or an item for the walk.
    let mut finals = vec![(SuppReason::NoSupplementary, NO_BASIS); n];
    let items = &mut scratch.items;
    grouped::collect_by_chunk(items, &mut finals, |c, fin, push| {
        for (k, f) in fin.iter_mut().enumerate() {
            let i = c * CHUNK + k;
            if skip(i) {
                continue;
            }
            if l.invalid[i] != Invalid::Ok {
                *f = (SuppReason::InvalidInput, Basis::InvalidInput as u16);
                continue;
            }
            // docs/rules.md#as-known-on-a-date: a line booked after as_of is not yet known.
            if l.unbooked.get(i) {
                *f = (SuppReason::NotYetBooked, Basis::NotYetBooked as u16);
                continue;
            }
            // docs/rules.md#credit-lines: no product pays a credited line, and it uses no
            // maximum and marks no care begun before the policy.
            if l.credit.get(i).is_credited() {
                *f = (SuppReason::Credited, Basis::Credited as u16);
                continue;
            }
            let combo = l.supplementary.get(i);
            if combo == 0 && !any_marks {
                // No product and no care that marks a begun-before exclusion: nothing to do.
                continue;
            }
            // Hospital and other care have no code-table row.
            let not_dental = o.flags[i] & (flag::MSZ | flag::OVERIG) != 0;
            let row = if not_dental { None } else { code_row(i) };
            let marks = if any_marks { row.map_or(0, |r| marks_of_row[r as usize]) } else { 0 };
            if combo == 0 && marks == 0 {
                continue;
            }
            let base = (patient_paid[i] - o.eigen_risico[i]) as i64;
            // Rzv 2.31 lid 1: a 100 % eigen bijdrage of BT care not related to the indication
            // stands for the regular care; the product pays it as that care, not covered by
            // the basic insurance (docs/interpretations.md).
            let as_care = o.flags[i] & flag::BIJDRAGE_IS_CARE != 0;
            let covered = o.flags[i] & flag::COVERED != 0 && !as_care;
            let eigen_bijdrage = if as_care { 0 } else { o.eigen_bijdrage[i] as i64 };
            let mut item = SuppItem {
                insured: l.insured.key(i),
                treat: l.treat[i],
                order: l.order_key.get(i),
                row: i as u32,
                start: l.supp_start.get(i),
                base,
                eigen_bijdrage,
                amount: l.amount[i],
                material: l.material.get(i),
                marks,
                n: 0,
                claims: [Claim::default(); MAX_COMBINED],
            };
            let refusal = if combo == 0 {
                None
            } else if let Some(r) = line_refusal(&o, i) {
                Some(r)
            } else if base == 0 {
                Some((SuppReason::NothingToPay, NO_BASIS))
            } else {
                let row = row.expect("a dental line with a known code");
                let v = LineView {
                    age: o.age[i] as i32,
                    year: crate::dates::civil_from_days(l.treat[i]).year,
                    treat: l.treat[i],
                    code_row: row,
                    code_tags: policy.codes.rows[row as usize].tags,
                    covered,
                    start: l.supp_start.get(i),
                    end: l.supp_end.get(i),
                    accident_date: l.accident_date.get(i),
                    authorization: l.authorization.get(i),
                    eigen_bijdrage,
                    gap: (l.amount[i] as i128 - if covered { o.allowed[i] } else { 0 }) as i64,
                };
                for p in unpack(combo) {
                    item.claims[item.n as usize] = judge::judge(p, &policy.supp[p as usize], &v);
                    item.n += 1;
                }
                let claims = &item.claims[..item.n as usize];
                // Every product refuses: the last one's reason stands.
                match claims.iter().all(|c| c.refusal.is_some()) {
                    true => claims.last().and_then(|c| Some((c.refusal?, c.basis))),
                    false => None,
                }
            };
            match refusal {
                Some((reason, basis)) => {
                    *f = (reason, basis);
                    if marks != 0 {
                        item.n = 1;
                        item.claims[0] = Claim { refusal: Some(reason), basis, rule: NO_RULE, ..Claim::default() };
                        push(item);
                    }
                }
                None => {
                    if combo == 0 {
                        item.n = 0;
                    }
                    push(item);
                }
            }
        }
    });
    timer.lap("  supplementary judge");
    let effects: Vec<SuppEffect> = grouped::walk(items, l.insured.strings(), |its, effs| limits::walk(its, effs, policy, &l.insured, l.opening.as_ref()));
    timer.lap("  supplementary limits");
    let mut by_row: Vec<(u32, SuppEffect)> = items.par_iter().zip(effects).map(|(it, e)| (it.row, e)).collect();
    by_row.par_sort_unstable_by_key(|x| x.0);
    timer.lap("  supplementary by row");
    let by_row = &by_row;
    let finals = &finals;
    (out.paid.par_chunks_mut(CHUNK), out.reason.par_chunks_mut(CHUNK), out.basis.par_chunks_mut(CHUNK), out.patient_paid.par_chunks_mut(CHUNK))
        .into_par_iter()
        .enumerate()
        .for_each(|(c, (paid, reason, basis, patient))| {
            let mut e = by_row.partition_point(|x| (x.0 as usize) < c * CHUNK);
            for k in 0..paid.len() {
                let i = c * CHUNK + k;
                if skip(i) {
                    continue;
                }
                (reason[k], basis[k]) = finals[i];
                if e < by_row.len() && by_row[e].0 as usize == i {
                    let eff = by_row[e].1;
                    e += 1;
                    if l.supplementary.get(i) != 0 && finals[i].0 == SuppReason::NoSupplementary {
                        paid[k] = eff.paid as i128;
                        patient[k] -= eff.paid as i128;
                        (reason[k], basis[k]) = (eff.reason, eff.basis);
                    }
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_pack_accident_cover_first() {
        let accident = [false, false, true];
        let c = pack(vec![0, 2], &accident).unwrap();
        assert_eq!(unpack(c).collect::<Vec<_>>(), vec![2, 0]);
        assert_eq!(unpack(pack(vec![1], &accident).unwrap()).collect::<Vec<_>>(), vec![1]);
        assert_eq!(pack(vec![1, 1], &accident), None, "a product twice");
        assert_eq!(pack(vec![0, 1, 2, 0], &accident), None, "more than MAX_COMBINED");
        assert_eq!(unpack(0).count(), 0);
        // Indices beyond a byte keep their own product.
        let accident = vec![false; 70_000];
        let c = pack(vec![280, 65_000, 0], &accident).unwrap();
        assert_eq!(unpack(c).collect::<Vec<_>>(), vec![280, 65_000, 0]);
        assert_eq!(pack(vec![crate::policy::MAX_PRODUCTS as u16], &accident), None);
    }
}
