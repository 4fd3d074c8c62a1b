//! The supplementary limits, consumed per insured in treatment-date order (docs/rules.md#supplementary-products):
//! annual maximum per product and calendar year, sub-limits per rule (group) per year or
//! over the policy's life from `supplementary_start`, and exclusions of care begun before
//! the policy started. Combined products pay in turn, each on what is still unpaid.

use super::judge::{Claim, NO_RULE};
use super::terms::{MAX_COMBINED, NO_LIMIT};
use crate::dates;
use crate::grouped::Grouped;
use crate::ids::InsuredIds;
use crate::input::opening::{Balance, Opening, Used};
use crate::input::NO_DATE;
use crate::policy::CompiledPolicy;
use crate::reason::SuppReason;

/// A line the walk must look at: one with claims, or one that marks care begun before a
/// policy start (for `begun_before_start` exclusions).
#[derive(Debug, Clone, Copy)]
pub struct SuppItem {
    pub insured: u128,
    pub treat: i32,
    pub order: i64,
    pub row: u32,
    pub start: i32,
    /// What the supplementary may pay from: amount − basic_paid − eigen_risico (cents).
    pub base: i64,
    /// The eigen bijdrage part of `base`; the rest is the part the basic did not allow.
    pub eigen_bijdrage: i64,
    pub amount: i64,
    pub material: i64,
    /// Bits of the begun-before exclusions whose care this line is.
    pub marks: u8,
    pub n: u8,
    pub claims: [Claim; MAX_COMBINED],
}

impl Grouped for SuppItem {
    fn order(&self) -> (u128, i32, i64, u32) {
        (self.insured, self.treat, self.order, self.row)
    }
    fn set_insured(&mut self, key: u128) {
        self.insured = key;
    }
}

/// What the supplementary insurance paid on a line, and why.
#[derive(Debug, Clone, Copy, Default)]
pub struct SuppEffect {
    pub paid: i64,
    pub reason: SuppReason,
    pub basis: u16,
}

/// round_half_up(num / den) for num, den ≥ 0.
#[inline]
fn div_half_up(num: i128, den: i128) -> i128 {
    (2 * num + den) / (2 * den)
}

/// What is still unpaid of a line, by part: the statutory eigen bijdrage, and the part
/// the basic insurance did not allow (the rest of `base`). Combined products pay in turn,
/// each on the parts still unpaid, so a product pays a part as it would alone.
#[derive(Debug, Clone, Copy)]
struct Unpaid {
    eigen_bijdrage: i64,
    gap: i64,
}

impl Unpaid {
    fn total(self) -> i64 {
        self.eigen_bijdrage + self.gap
    }
}

/// A product's share of what is still unpaid, before limits, and the part of it that is
/// eigen bijdrage: the rule's share on the part the basic did not allow, the eigen
/// bijdrage share on the eigen bijdrage, material and technique costs at their own
/// shares (pro rata of `material` in `amount`); rounded half up once.
fn share_of(it: &SuppItem, c: &Claim, policy: &CompiledPolicy, unpaid: Unpaid) -> (i64, i128, i128) {
    let t = &policy.supp[c.product as usize].terms[c.terms as usize];
    let sg = if c.rule == NO_RULE { 0 } else { t.rules[c.rule as usize].share_bp } as i128;
    let sgm = t.material_bp.map_or(sg, |b| b as i128);
    let (se, sem) = if c.eb { (t.eb_bp as i128, t.eb_material_bp as i128) } else { (0, 0) };
    let (e, g) = (unpaid.eigen_bijdrage as i128, unpaid.gap as i128);
    let plain = (se * e, sg * g, 10_000i128);
    let (num_e, num_g, den) = if it.material == 0 {
        plain
    } else {
        let (a, m) = (it.amount as i128, it.material as i128);
        let part = |s: i128, sm: i128, x: i128| (s * x).checked_mul(a - m).zip((sm * x).checked_mul(m)).and_then(|(p, q)| p.checked_add(q));
        // Amounts beyond any real declaration (about 10^13 euros) ignore the material split.
        match (part(se, sem, e), part(sg, sgm, g)) {
            (Some(ne), Some(ng)) if ne.checked_add(ng).is_some() => (ne, ng, 10_000 * a),
            _ => plain,
        }
    };
    ((div_half_up(num_e + num_g, den) as i64).min(unpaid.total()), num_e, num_e + num_g)
}

/// Take `paid` off the unpaid parts, in the proportion of the product's share of each.
fn take(unpaid: &mut Unpaid, paid: i64, num_e: i128, num: i128) {
    let on_e = if num == 0 { 0 } else { (paid as i128).checked_mul(num_e).map_or(paid as i128, |x| div_half_up(x, num)) as i64 };
    // Within what each part can take (paid ≤ both parts together).
    let on_e = on_e.min(unpaid.eigen_bijdrage).min(paid).max(paid - unpaid.gap).max(0);
    unpaid.eigen_bijdrage -= on_e;
    unpaid.gap -= paid - on_e;
}

/// Usage of one limit: (product, kind, period, used cents). Kind 0 is the annual maximum,
/// kind g + 1 the sub-limit of rule group g; the period is the year, or the policy start.
type Usage = (u16, u16, i32, i64);

/// The slot of a limit in `usage`; a new slot starts at `opening()`, the balance used
/// before the input (docs/rules.md#opening-balances).
fn used(usage: &mut Vec<Usage>, product: u16, kind: u16, period: i32, opening: impl FnOnce() -> i64) -> usize {
    match usage.iter().position(|u| u.0 == product && u.1 == kind && u.2 == period) {
        Some(p) => p,
        None => {
            usage.push((product, kind, period, opening()));
            usage.len() - 1
        }
    }
}

/// The opening balances of the insured being walked.
#[derive(Clone, Copy)]
pub struct Balances<'a> {
    opening: Option<&'a Opening>,
    of_insured: &'a [Balance],
}

impl Balances<'_> {
    /// What was used of `used` in `year` before the input, capped at `limit`.
    fn before(&self, year: i32, used: Used, limit: i64) -> i64 {
        match self.opening {
            Some(o) if !self.of_insured.is_empty() => o.consume(self.of_insured, year, &used, limit),
            _ => 0,
        }
    }
}

/// Walk consecutive items (whole insureds only).
pub fn walk(items: &[SuppItem], effects: &mut [SuppEffect], policy: &CompiledPolicy, ids: &InsuredIds, opening: Option<&Opening>) {
    let mut usage: Vec<Usage> = Vec::new();
    // First date of care of each begun-before exclusion, per insured.
    let mut first_marked = [i32::MAX; 8];
    let mut current = None;
    let mut balances = Balances { opening, of_insured: &[] };
    for (it, eff) in items.iter().zip(effects.iter_mut()) {
        if current != Some(it.insured) {
            usage.clear();
            first_marked = [i32::MAX; 8];
            current = Some(it.insured);
            balances.of_insured = opening.and_then(|o| o.of(ids, it.row as usize)).unwrap_or_default();
        }
        let year = dates::civil_from_days(it.treat).year;
        let mut unpaid = Unpaid { eigen_bijdrage: it.eigen_bijdrage, gap: it.base - it.eigen_bijdrage };
        let mut best: Option<SuppEffect> = None;
        let mut last = SuppEffect::default();
        for c in &it.claims[..it.n as usize] {
            let e = match c.refusal {
                Some(reason) => SuppEffect { paid: 0, reason, basis: c.basis },
                None => pay(it, c, policy, year, &mut unpaid, &first_marked, &mut usage, balances),
            };
            if e.paid > 0 && best.is_none_or(|b| e.paid > b.paid) {
                best = Some(e);
            }
            last = e;
        }
        *eff = best.unwrap_or(last);
        eff.paid = it.base - unpaid.total();
        for b in 0..8 {
            if it.marks & (1 << b) != 0 {
                first_marked[b] = first_marked[b].min(it.treat);
            }
        }
    }
}

/// One product's payment on a line, within its limits.
#[allow(clippy::too_many_arguments)]
fn pay(it: &SuppItem, c: &Claim, policy: &CompiledPolicy, year: i32, unpaid: &mut Unpaid, first_marked: &[i32; 8], usage: &mut Vec<Usage>, balances: Balances) -> SuppEffect {
    let t = &policy.supp[c.product as usize].terms[c.terms as usize];
    if c.begun_bit != 0 && it.start != NO_DATE && first_marked[c.begun_bit as usize - 1] < it.start {
        let x = t.exclusions.iter().find(|x| x.begun_bit == c.begun_bit).expect("compiled together");
        return SuppEffect { paid: 0, reason: SuppReason::SupplementaryExclusion, basis: x.rule.basis };
    }
    let (full, num_e, num) = share_of(it, c, policy, *unpaid);
    if full == 0 {
        return SuppEffect { paid: 0, reason: SuppReason::NotCoveredByProduct, basis: c.basis };
    }
    let annual = used(usage, c.product, 0, year, || balances.before(year, Used::Annual(c.product), t.annual_max));
    let annual_left = if t.annual_max == NO_LIMIT { i64::MAX } else { (t.annual_max - usage[annual].3).max(0) };
    let sub = (c.rule != NO_RULE).then(|| &t.rules[c.rule as usize]).filter(|r| r.sublimit != NO_LIMIT).map(|r| {
        let group = || Used::Limit(c.product, t.groups[r.group as usize].clone());
        let slot = used(usage, c.product, r.group as u16 + 1, if r.lifetime { it.start } else { year }, || balances.before(year, group(), r.sublimit));
        (slot, (r.sublimit - usage[slot].3).max(0))
    });
    let sub_left = sub.map_or(i64::MAX, |s| s.1);
    let paid = full.min(annual_left).min(sub_left);
    take(unpaid, paid, num_e, num);
    // Saturating: a product without maximum may pay many amounts near 10^16 euros.
    usage[annual].3 = usage[annual].3.saturating_add(paid);
    if let Some((slot, _)) = sub {
        usage[slot].3 = usage[slot].3.saturating_add(paid);
    }
    let (reason, basis) = if paid == full {
        (SuppReason::Paid, c.basis)
    } else if sub_left <= annual_left {
        (SuppReason::SublimitReached, c.basis)
    } else {
        (SuppReason::AnnualMaximumReached, t.basis)
    };
    SuppEffect { paid, reason, basis }
}
