//! The stateful pass: an insured's covered lines in treatment-date order, charging
//! frequency limits (Bzv 2.7 lid 4 sub a, d) and the eigen risico (Zvw art. 19-21)
//! per calendar year and contract period (SPEC 5.3, 10.4-10.6).

use crate::dates::{self, Ymd};
use crate::input::{Tri, NO_DATE};
use crate::strings::RowStrings;
use crate::policy::CompiledPolicy;
use rayon::prelude::*;

/// One covered line that the ledger must look at, carrying everything the walk reads
/// (so that sorting and walking touch only this array, not the input columns).
#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub insured: u128,
    pub treat: i32,
    pub row: u32,
    /// The line_id's order key (SPEC 10.6); the row number breaks ties.
    pub order: i64,
    /// allowed − eigen bijdrage, in cents.
    pub net: i64,
    pub birth: i32,
    pub insured_from: i32,
    pub insured_to: i32,
    pub voluntary_cents: i32,
    /// Frequency rule index + 1 of the line's basic product, 0 for none.
    pub freq_rule: u8,
    pub basic: u8,
    /// Subject to the eigen risico (covered, age 18 or over).
    pub er: bool,
    pub authorization: Tri,
}

/// What the ledger decided for a line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Effect {
    /// Over a frequency limit: refused (authorization false) or flagged.
    pub over_limit: bool,
    pub refused: bool,
    /// Legal basis of the frequency rule (when over the limit).
    pub basis: u16,
    pub eigen_risico: i64,
}

/// Processing order: insured, treatment date, line_id, row (SPEC 10.6).
#[inline]
fn key(it: &Item) -> (u128, i32, i64, u32) {
    (it.insured, it.treat, it.order, it.row)
}

/// Sort the items unless they already are in processing order.
fn order_items(items: &mut [Item]) {
    if !items.par_windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
        items.par_sort_unstable_by_key(key);
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
/// half up to whole euros once (SPEC 10.5). Returns (period start, cents).
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

/// Two different insured ids share a hash key: the caller must regroup by exact ids.
#[derive(Debug)]
pub struct Collision;

/// Run the ledger over `items`; returns effects aligned with `items` after sorting.
/// `insured_strings`: the string ids behind hashed keys, when some were too long to be
/// keys themselves; rows grouped together must then share the id.
pub fn run(items: &mut [Item], insured_strings: Option<&RowStrings>, policy: &CompiledPolicy) -> Result<Vec<Effect>, Collision> {
    order_items(items);
    let mut effects = vec![Effect::default(); items.len()];
    // Split at insured boundaries into about 64 chunks per thread for rayon.
    let target = (items.len() / (rayon::current_num_threads() * 64)).max(4096);
    let mut bounds = vec![0usize];
    let mut next = target;
    while next < items.len() {
        let ins = items[next - 1].insured;
        while next < items.len() && items[next].insured == ins {
            next += 1;
        }
        if next < items.len() {
            bounds.push(next);
        }
        next += target;
    }
    bounds.push(items.len());
    let mut item_chunks: Vec<&[Item]> = Vec::new();
    let mut effect_chunks: Vec<&mut [Effect]> = Vec::new();
    let mut rest_e: &mut [Effect] = &mut effects;
    for w in bounds.windows(2) {
        item_chunks.push(&items[w[0]..w[1]]);
        let (a, b) = rest_e.split_at_mut(w[1] - w[0]);
        effect_chunks.push(a);
        rest_e = b;
    }
    let collision = std::sync::atomic::AtomicBool::new(false);
    item_chunks.into_par_iter().zip(effect_chunks).for_each(|(its, effs)| {
        if !walk(its, effs, insured_strings, policy) {
            collision.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    });
    if collision.into_inner() {
        return Err(Collision);
    }
    Ok(effects)
}

/// Walk consecutive items (whole insureds only). False when two insured ids collided.
fn walk(items: &[Item], effects: &mut [Effect], insured_strings: Option<&RowStrings>, policy: &CompiledPolicy) -> bool {
    let mut counts: Vec<(i32, u8, u8, u32)> = Vec::new(); // (year, basic, rule, count)
    let mut pots: Vec<Pot> = Vec::new();
    let mut current = u128::MAX;
    let mut group_row = usize::MAX;
    for (it, eff) in items.iter().zip(effects.iter_mut()) {
        let r = it.row as usize;
        if group_row == usize::MAX || it.insured != current {
            counts.clear();
            pots.clear();
            current = it.insured;
            group_row = r;
        } else if let Some(strings) = insured_strings {
            if strings.get(r) != strings.get(group_row) {
                return false;
            }
        }
        let day = it.treat;
        let Ymd { year, .. } = dates::civil_from_days(day);
        // Frequency limits count earlier covered lines of the same kind in the year (SPEC 10.4).
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
                if it.authorization == Tri::False {
                    eff.refused = true;
                    continue;
                }
            }
            counts[slot].3 += 1;
        }
        // Eigen risico: one pot per calendar year and contract period (SPEC 10.5).
        if it.er && it.net > 0 {
            let from = it.insured_from;
            let pot = match pots.iter().position(|p| p.year == year && p.from == from) {
                Some(p) => p,
                None => {
                    let params = policy.year(year).expect("rows without year parameters are invalid");
                    let (start, amount) = pot_amount(year, params.eigen_risico_cents, it.voluntary_cents as i64, it.birth, from, it.insured_to);
                    pots.push(Pot { year, from, start, remaining: amount });
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
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_iso;

    #[test]
    fn whole_year_pot() {
        let birth = parse_iso("1980-05-05").unwrap();
        assert_eq!(pot_amount(2022, 38_500, 0, birth, NO_DATE, NO_DATE), (parse_iso("2022-01-01").unwrap(), 38_500));
        assert_eq!(pot_amount(2022, 38_500, 50_000, birth, NO_DATE, NO_DATE).1, 88_500);
    }

    #[test]
    fn pro_rata_after_eighteenth_birthday() {
        // Turns 18 on 1 March 2022: the pot starts 1 April; 275 of 365 days.
        let birth = parse_iso("2004-03-01").unwrap();
        let (start, cents) = pot_amount(2022, 38_500, 0, birth, NO_DATE, NO_DATE);
        assert_eq!(start, parse_iso("2022-04-01").unwrap());
        // 385 × 275 / 365 = 290.07 → €290
        assert_eq!(cents, 29_000);
    }

    #[test]
    fn pro_rata_part_year_contract() {
        let birth = parse_iso("1970-01-01").unwrap();
        let from = parse_iso("2024-07-01").unwrap(); // leap year: 184 of 366 days
        let (_, cents) = pot_amount(2024, 38_500, 0, birth, from, NO_DATE);
        // 385 × 184 / 366 = 193.55 → €194
        assert_eq!(cents, 19_400);
    }
}
