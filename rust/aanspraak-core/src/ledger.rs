//! The stateful pass: an insured's covered lines in treatment-date order, charging
//! frequency limits (Bzv 2.7 lid 4 sub a, d) and the eigen risico (Zvw art. 19-21)
//! per calendar year and contract period (Zvw art. 19-20; docs/rules.md#eigen-risico, docs/rules.md#frequency-limits).

use crate::dates::{self, Ymd};
use crate::ids::InsuredIds;
use crate::input::opening::{Opening, Used};
use crate::input::{Tri, NO_DATE};
use crate::grouped::{self, Grouped};
use crate::policy::CompiledPolicy;
use crate::reason::Reason;
use crate::strings::RowStrings;

/// One covered line that the ledger must look at, carrying everything the walk reads
/// (so that sorting and walking touch only this array, not the input columns).
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub insured: u128,
    pub treat: i32,
    pub row: u32,
    /// The line_id's order key (docs/rules.md#order-of-charging); the row number breaks ties.
    pub order: i64,
    /// allowed − eigen bijdrage, in cents.
    pub net: i64,
    pub birth: i32,
    pub insured_from: i32,
    pub insured_to: i32,
    pub voluntary_cents: i32,
    /// Frequency rule index + 1 of the line's basic product, 0 for none.
    pub freq_rule: u8,
    /// Index of the line's basic product.
    pub basic: u16,
    /// Subject to the eigen risico (covered, age 18 or over).
    pub er: bool,
    pub authorization: Tri,
}

/// What the ledger decided for a line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Effect {
    /// Over a frequency limit: refused (authorization false) or flagged.
    pub over_limit: bool,
    /// Why the line is refused after all (FREQUENCY_LIMIT), None when it stays as judged.
    pub refusal: Option<Reason>,
    /// Legal basis of the frequency rule (when over the limit).
    pub basis: u16,
    pub eigen_risico: i64,
}

impl Grouped for Item {
    fn order(&self) -> (u128, i32, i64, u32) {
        (self.insured, self.treat, self.order, self.row)
    }
    fn set_insured(&mut self, key: u128) {
        self.insured = key;
    }
}

/// One eigen risico pot: an insured's calendar year and contract period.
struct Pot {
    year: i32,
    from: i32,
    start: i32,
    remaining: i64,
}

/// The pot amount: (compulsory + voluntary) × days in period ÷ days in year, rounded
/// half up to whole euros once (docs/rules.md#eigen-risico). Returns (period start, cents).
pub fn pot_amount(year: i32, compulsory_cents: i64, voluntary_cents: i64, birth: i32, from: i32, to: i32) -> (i32, i64) {
    let jan1 = dates::days_from_civil(year, 1, 1);
    let dec31 = dates::days_from_civil(year, 12, 31);
    let adult = dates::first_of_month_after_birthday(dates::civil_from_days(birth), 18);
    let start = jan1.max(if from == NO_DATE { jan1 } else { from }).max(adult);
    let end = dec31.min(if to == NO_DATE { dec31 } else { to });
    if end < start {
        return (start, 0);
    }
    let days = (end - start + 1) as i64;
    let diy = dates::days_in_year(year) as i64;
    let euros_x100 = compulsory_cents + voluntary_cents; // cents = euros × 100
    // round_half_up(euros × days / diy) in whole euros, computed in cents exactly.
    let num = euros_x100 * days; // in cent-days
    let den = diy * 100;
    let whole_euros = (2 * num + den) / (2 * den);
    (start, whole_euros * 100)
}

/// Run the ledger over `items` (sorted in place); returns effects aligned with `items`.
/// `ids`: the lines' insured ids (the string ids behind hashed keys, see `grouped`, and
/// the keys of the opening balances).
pub fn run(items: &mut [Item], ids: &InsuredIds, policy: &CompiledPolicy, opening: Option<&Opening>) -> Vec<Effect> {
    let strings: Option<&RowStrings> = ids.strings();
    grouped::walk(items, strings, |its, effs| walk(its, effs, policy, ids, opening))
}

/// Walk consecutive items (whole insureds only).
fn walk(items: &[Item], effects: &mut [Effect], policy: &CompiledPolicy, ids: &InsuredIds, opening: Option<&Opening>) {
    let mut counts: Vec<(i32, u16, u8, u32)> = Vec::new(); // (year, basic, rule, count)
    let mut pots: Vec<Pot> = Vec::new();
    let mut current = None;
    let mut balances: &[crate::input::opening::Balance] = &[];
    for (it, eff) in items.iter().zip(effects.iter_mut()) {
        if current != Some(it.insured) {
            counts.clear();
            pots.clear();
            current = Some(it.insured);
            balances = opening.and_then(|o| o.of(ids, it.row as usize)).unwrap_or_default();
        }
        let day = it.treat;
        let Ymd { year, .. } = dates::civil_from_days(day);
        // Frequency limits count earlier covered lines of the same kind in the year (docs/rules.md#frequency-limits).
        if it.freq_rule != 0 {
            let rule = &policy.basic[it.basic as usize].frequency[it.freq_rule as usize - 1];
            let slot = match counts.iter().position(|x| x.0 == year && x.1 == it.basic && x.2 == it.freq_rule) {
                Some(p) => p,
                None => {
                    counts.push((year, it.basic, it.freq_rule, 0));
                    counts.len() - 1
                }
            };
            if counts[slot].3 >= rule.per_year {
                eff.over_limit = true;
                eff.basis = rule.rule.basis;
                // Bzv 2.7 lid 4 sub a / sub d (docs/rules.md#frequency-limits): without authorisation, refused.
                if it.authorization == Tri::False {
                    eff.refusal = Some(Reason::FrequencyLimit);
                    continue;
                }
            }
            counts[slot].3 += 1;
        }
        // Eigen risico: one pot per calendar year and contract period (Zvw art. 19-20; docs/rules.md#eigen-risico).
        if it.er && it.net > 0 {
            let from = it.insured_from;
            let pot = match pots.iter().position(|p| p.year == year && p.from == from) {
                Some(p) => p,
                None => {
                    let params = policy.year(year).expect("rows without year parameters are invalid");
                    let (start, amount) = pot_amount(year, params.eigen_risico_cents, if params.voluntary { it.voluntary_cents as i64 } else { 0 }, it.birth, from, it.insured_to);
                    // docs/rules.md#opening-balances: the year's first pot consumes the eigen
                    // risico used before the input (capped at the pot).
                    let first_of_year = !pots.iter().any(|p| p.year == year);
                    let before = match opening {
                        Some(o) if first_of_year && !balances.is_empty() => o.consume(balances, year, &Used::EigenRisico, amount),
                        _ => 0,
                    };
                    pots.push(Pot { year, from, start, remaining: amount - before });
                    pots.len() - 1
                }
            };
            let p = &mut pots[pot];
            if day >= p.start {
                let charge = it.net.min(p.remaining);
                p.remaining -= charge;
                eff.eigen_risico = charge;
            }
        }
    }
}

