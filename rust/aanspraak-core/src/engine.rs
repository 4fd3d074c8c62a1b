//! The scoring pipeline: read → stateless rules (parallel) → ledger → money → supplementary →
//! output. Orchestration only: every reason comes from `rules`, the `ledger` or the input
//! schema (see `reason::sources`).

use crate::grouped;
use crate::error::Result;
use crate::input::{self, Invalid, Keys, Lines, NO_CENTS};
use crate::supplementary;
use crate::ledger::{self, Item};
use crate::money::{apply_bp, MAX_CENTS};
use crate::output::{self, flag, Outcome};
pub use crate::passes::{Timer, CHUNK};
use crate::policy::CompiledPolicy;
use crate::rules::line::{judge_line, LineContext};
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use rayon::prelude::*;

/// Score declaration lines; returns the output columns (docs/rules.md#output) in input order.
pub fn score(schema: SchemaRef, batches: &[RecordBatch], policy: &CompiledPolicy) -> Result<RecordBatch> {
    score_from(schema, batches, policy, None)
}

/// A table: its schema and record batches.
pub type Table<'a> = (SchemaRef, &'a [RecordBatch]);

/// `score` with the balances used before the input (docs/rules.md#opening-balances):
/// `opening` is the normalised table `input::opening` reads. The output's schema
/// metadata counts the balances capped at their pot (`output::OPENING_CAPPED`).
pub fn score_from(schema: SchemaRef, batches: &[RecordBatch], policy: &CompiledPolicy, opening: Option<Table>) -> Result<RecordBatch> {
    score_as_of(schema, batches, policy, opening, None)
}

/// `score_from` as known on day `as_of` (docs/rules.md#as-known-on-a-date): the lines
/// not booked by then (`input::booking`) are `NOT_YET_BOOKED` and left out.
pub fn score_as_of(schema: SchemaRef, batches: &[RecordBatch], policy: &CompiledPolicy, opening: Option<Table>, as_of: Option<i32>) -> Result<RecordBatch> {
    let t = Timer::new();
    let keys = KeySet::of(policy);
    let mut lines = input::read(schema, batches, &keys.keys())?;
    if let Some((schema, batches)) = opening {
        let opening = input::opening::Opening::read(schema, batches, &keys.keys())?;
        supplementary::check_opening(&opening, policy)?;
        lines.opening = Some(opening);
    }
    if let Some(day) = as_of {
        input::booking::as_of(&mut lines, day);
    }
    t.lap("read input");
    let outcome = score_lines(&lines, policy);
    t.lap("rules + ledger + money");
    let out = output::build(&lines, outcome, policy)?;
    t.lap("build output");
    match &lines.opening {
        Some(o) => {
            let (er, supp) = o.take_capped();
            output::with_opening_capped(out, er + supp)
        }
        None => Ok(out),
    }
}

/// What reading the input takes from a policy: its years and product keys. Two policies
/// with equal key sets read the same input into the same `Lines`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySet {
    days: (i32, i32),
    basic: Vec<String>,
    specialisms: Vec<String>,
    default_basic: u16,
    supplementary: Vec<String>,
    accident: Vec<bool>,
}

impl KeySet {
    pub fn of(policy: &CompiledPolicy) -> KeySet {
        KeySet {
            days: policy.day_range(),
            basic: policy.basic.iter().map(|b| b.key.clone()).collect(),
            specialisms: policy.msz.specialisms.clone(),
            default_basic: u16::try_from(policy.default_basic).expect("validated: at most MAX_PRODUCTS"),
            supplementary: policy.supp.iter().map(|s| s.key.clone()).collect(),
            accident: policy.supp.iter().map(|s| s.accident).collect(),
        }
    }
    pub fn keys(&self) -> Keys<'_> {
        Keys {
            days: self.days,
            basic: &self.basic,
            specialisms: &self.specialisms,
            default_basic: self.default_basic,
            supplementary: &self.supplementary,
            accident: &self.accident,
        }
    }
}

pub(crate) use crate::rules::line::code_candidates;

/// docs/rules.md#allowed and docs/rules.md#eigen-bijdrage: the allowed amount of a covered line (non-contracted care at the
/// product's share of the reference tariff) and its eigen bijdrage (Rzv 2.31), in cents:
/// the rules' share of `allowed`, at most their maximum (a fixed amount) and `allowed`.
#[inline]
fn allowed_and_bijdrage(l: &Lines, i: usize, policy: &CompiledPolicy, bijdrage_bp: u16, bijdrage_max: u32) -> (i64, i64) {
    let amount = l.amount[i];
    // An overig line is given as its covered amount (docs/rules.md#other-care).
    let allowed = if l.contracted.get(i) || l.domain.get(i) == input::Domain::Overig {
        amount
    } else {
        let rt = l.reference_tariff.get(i);
        amount.min(apply_bp(if rt == NO_CENTS { amount } else { rt }, policy.basic[l.basic.get(i) as usize].non_contracted_bp))
    };
    (allowed, apply_bp(allowed, bijdrage_bp as u32).min(allowed).min(bijdrage_max as i64))
}

/// The capacity, in items of type `T`, of a walk buffer for `n` rows: the bytes the
/// supplementary items of `n` rows take. The ledger's buffer, dropped before the
/// supplementary pass, is then the very block (with its pages already resident) that
/// the allocator's cache hands that pass: a cold call pays for fresh pages once, not
/// twice (`alloc`). Only the slots written become resident (`grouped::collect_by_chunk`).
fn walk_slots<T>(n: usize) -> usize {
    (n * std::mem::size_of::<supplementary::limits::SuppItem>()).div_ceil(std::mem::size_of::<T>().max(1))
}

/// The ledger items: covered lines with a frequency rule or subject to the eigen risico.
fn ledger_items(lines: &Lines, out: &Outcome, policy: &CompiledPolicy) -> Vec<Item> {
    let mut items = Vec::with_capacity(walk_slots::<Item>(lines.n));
    grouped::collect_by_chunk(&mut items, &mut vec![(); lines.n], |c, rows, push| {
        for i in c * CHUNK..c * CHUNK + rows.len() {
            let f = out.flags[i];
            if f & flag::COVERED == 0 || (out.freq_rule[i] == 0 && f & flag::EIGEN_RISICO == 0) {
                continue;
            }
            let (allowed, bijdrage) = allowed_and_bijdrage(lines, i, policy, out.bijdrage_bp[i], out.bijdrage_max[i]);
            let net = allowed - bijdrage;
            if out.freq_rule[i] != 0 || net > 0 {
                push(ledger_item(lines, i, net, out.freq_rule[i], f));
            }
        }
    });
    items
}

/// What the ledger reads of row `i`.
#[inline]
fn ledger_item(lines: &Lines, i: usize, net: i64, freq_rule: u8, flags: u8) -> Item {
    Item {
        insured: lines.insured.key(i),
        treat: lines.treat[i],
        row: i as u32,
        order: lines.order_key.get(i),
        net,
        birth: lines.birth[i],
        insured_from: lines.insured_from.get(i),
        insured_to: lines.insured_to.get(i),
        voluntary_cents: lines.voluntary_cents.get(i) as i32,
        freq_rule,
        basic: lines.basic.get(i),
        er: flags & flag::EIGEN_RISICO != 0,
        authorization: lines.authorization.get(i),
    }
}

/// The eigen risico per row (Zvw art. 19-20; docs/rules.md#eigen-risico) of lines whose basic outcome is already known:
/// `flags` after the frequency limits, `allowed` and `eigen_bijdrage` in cents. For a
/// scenario whose policy differs from the scored one only in its eigen risico.
pub fn eigen_risico_only(lines: &Lines, flags: &[u8], allowed: &[i128], eigen_bijdrage: &[i128], policy: &CompiledPolicy) -> Vec<i128> {
    let want = flag::COVERED | flag::EIGEN_RISICO;
    let mut items = Vec::new();
    grouped::collect_by_chunk(&mut items, &mut vec![(); lines.n], |c, rows, push| {
        for i in c * CHUNK..c * CHUNK + rows.len() {
            let net = (allowed[i] - eigen_bijdrage[i]) as i64;
            // Frequency limits were charged already: refused lines are no longer covered.
            if flags[i] & want == want && net > 0 {
                push(ledger_item(lines, i, net, 0, flags[i]));
            }
        }
    });
    let effects = ledger::run(&mut items, &lines.insured, policy, lines.opening.as_ref());
    let mut er = vec![0i128; lines.n];
    for (it, e) in items.iter().zip(effects) {
        er[it.row as usize] = e.eigen_risico as i128;
    }
    er
}

/// The per-line outcome, from lines already read.
pub fn score_lines(lines: &Lines, policy: &CompiledPolicy) -> Outcome {
    score_lines_with(lines, policy, &mut supplementary::Scratch::default())
}

/// `score_lines`, reusing `scratch`'s memory for the supplementary walk.
pub fn score_lines_with(lines: &Lines, policy: &CompiledPolicy, scratch: &mut supplementary::Scratch) -> Outcome {
    let n = lines.n;
    let t = Timer::new();
    let ctx = LineContext::new(lines, policy);
    let mut out = Outcome::new(n);
    let l = lines;
    // Stateless pass (docs/rules.md#coverage, docs/rules.md#hospital-care): each line judged on its own, in parallel chunks.
    (
        out.age.par_chunks_mut(CHUNK),
        out.reason.par_chunks_mut(CHUNK),
        out.basis.par_chunks_mut(CHUNK),
        out.flags.par_chunks_mut(CHUNK),
        out.freq_rule.par_chunks_mut(CHUNK),
        out.bijdrage_bp.par_chunks_mut(CHUNK),
        out.bijdrage_max.par_chunks_mut(CHUNK),
        out.auth_category.par_chunks_mut(CHUNK),
    )
        .into_par_iter()
        .enumerate()
        .for_each(|(c, (age, reason, basis, flags, freq, bijdrage_bp, bijdrage_max, auth_category))| {
            for k in 0..age.len() {
                let v = judge_line(l, c * CHUNK + k, &ctx);
                (age[k], reason[k], basis[k], flags[k]) = (v.age, v.reason, v.basis, v.flags);
                (freq[k], bijdrage_bp[k], bijdrage_max[k], auth_category[k]) = (v.freq_rule, v.bijdrage_bp, v.bijdrage_max, v.auth_category);
            }
        });
    t.lap("stateless rules");

    // Stateful pass (docs/rules.md#eigen-risico, docs/rules.md#frequency-limits, docs/rules.md#order-of-charging) over the covered lines that need it.
    let mut items = ledger_items(lines, &out, policy);
    t.lap("collect ledger items");
    let effects = ledger::run(&mut items, &lines.insured, policy, lines.opening.as_ref());
    t.lap("ledger");
    // Back in row order (a sort of small records beats random writes into big columns).
    let mut by_row: Vec<(u32, ledger::Effect)> = items.par_iter().zip(effects).map(|(it, e)| (it.row, e)).collect();
    by_row.par_sort_unstable_by_key(|x| x.0);
    drop(items);
    for &(row, eff) in by_row.iter().filter(|(_, e)| e.over_limit) {
        let i = row as usize;
        out.flags[i] |= flag::AUTHORIZATION_REQUIRED;
        if let Some(reason) = eff.refusal {
            out.flags[i] &= !flag::COVERED;
            out.reason[i] = reason;
            out.basis[i] = eff.basis;
        }
    }
    t.lap("apply ledger");

    // Money of the basic insurance (docs/rules.md#money); patient_paid before the supplementary.
    let l = lines;
    let ledger = &by_row;
    (
        out.allowed.par_chunks_mut(CHUNK),
        out.eigen_bijdrage.par_chunks_mut(CHUNK),
        out.eigen_risico.par_chunks_mut(CHUNK),
        out.basic_paid.par_chunks_mut(CHUNK),
        out.patient_paid.par_chunks_mut(CHUNK),
        out.flags.par_chunks(CHUNK),
        out.bijdrage_bp.par_chunks(CHUNK),
        out.bijdrage_max.par_chunks(CHUNK),
    )
        .into_par_iter()
        .enumerate()
        .for_each(|(c, (allowed, eb, er, basic, patient, flags, bijdrage_bp, bijdrage_max))| {
            // The ledger's eigen risico for this chunk's rows, merged in row order.
            let mut e = ledger.partition_point(|x| (x.0 as usize) < c * CHUNK);
            for k in 0..basic.len() {
                let i = c * CHUNK + k;
                if e < ledger.len() && ledger[e].0 as usize == i {
                    er[k] = ledger[e].1.eigen_risico as i128;
                    e += 1;
                }
                let amount = l.amount[i];
                if l.invalid[i] != Invalid::Ok {
                    // docs/rules.md#bad-input: nothing paid; the patient owes the amount when it is valid.
                    patient[k] = if (0..=MAX_CENTS).contains(&amount) { amount as i128 } else { NO_CENTS as i128 };
                    continue;
                }
                if l.credit.get(i).is_credited() || l.unbooked.get(i) {
                    // docs/rules.md#credit-lines: the pair nets to nothing; every money column 0.00.
                    // docs/rules.md#as-known-on-a-date: a line not yet booked pays 0.00 too.
                    continue;
                }
                if flags[k] & flag::COVERED != 0 {
                    let (a, b) = allowed_and_bijdrage(l, i, policy, bijdrage_bp[k], bijdrage_max[k]);
                    allowed[k] = a as i128;
                    eb[k] = b as i128;
                }
                basic[k] = allowed[k] - eb[k] - er[k];
                patient[k] = amount as i128 - basic[k];
            }
        });
    drop(by_row);
    t.lap("money");
    // Supplementary products (docs/rules.md#supplementary-products) on what the basic insurance left.
    let code_row = |i: usize| policy.codes.pick(ctx.cands[l.code[i] as usize], l.treat[i]);
    supplementary::score_with(l, &mut out, policy, code_row, scratch);
    t.lap("supplementary");
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::dates;
    use arrow_array::{ArrayRef, Date32Array, Decimal128Array, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;

    /// One line per row: (insured_id, birth date, treatment date, code, cents, provider),
    /// dates as ISO text; the required columns plus provider_type.
    pub(crate) fn lines_table(rows: &[(&str, &str, &str, &str, i128, &str)]) -> (SchemaRef, Vec<RecordBatch>) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("insured_id", DataType::Utf8, false),
            Field::new("birth_date", DataType::Date32, false),
            Field::new("treatment_date", DataType::Date32, false),
            Field::new("code", DataType::Utf8, false),
            Field::new("amount", DataType::Decimal128(12, 2), false),
            Field::new("provider_type", DataType::Utf8, false),
        ]));
        let d = |s: &str| dates::parse_iso(s).unwrap();
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0))),
            Arc::new(Date32Array::from_iter_values(rows.iter().map(|r| d(r.1)))),
            Arc::new(Date32Array::from_iter_values(rows.iter().map(|r| d(r.2)))),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.3))),
            Arc::new(Decimal128Array::from_iter_values(rows.iter().map(|r| r.4)).with_precision_and_scale(12, 2).unwrap()),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.5))),
        ];
        (schema.clone(), vec![RecordBatch::try_new(schema, cols).unwrap()])
    }

    fn two_insureds() -> (SchemaRef, Vec<RecordBatch>) {
        lines_table(&[
            ("insured-number-A", "1970-01-01", "2022-03-01", "H35", 30_000, "kaakchirurg"),
            ("insured-number-B", "1970-01-01", "2022-03-02", "H35", 30_000, "kaakchirurg"),
        ])
    }

    #[test]
    fn a_hash_collision_of_insured_ids_is_detected_and_regrouped() {
        let policy = crate::policy::load("defriesland-2022").unwrap();
        let (schema, batches) = two_insureds();
        let lines = input::read(schema, &batches, &KeySet::of(&policy).keys()).unwrap();
        let (a, b) = (lines.insured.key(0), lines.insured.key(1));
        assert!(a != b && crate::strings::RowStrings::is_hashed(a));
        // Ids longer than 12 bytes are hashed; simulate two of them with one key.
        let mut items = ledger_items(&lines, &{
            let mut o = Outcome::new(2);
            for i in 0..2 {
                o.flags[i] = flag::COVERED | flag::EIGEN_RISICO;
            }
            o
        }, &policy);
        for it in items.iter_mut() {
            it.insured = a;
        }
        assert!(crate::grouped::collides(&items, lines.insured.strings().unwrap()), "the collision is detected");
        let effects = ledger::run(&mut items, &lines.insured, &policy, None);
        assert_eq!(effects.iter().map(|e| e.eigen_risico).collect::<Vec<_>>(), vec![30_000, 30_000], "regrouped by exact ids");
        // And the engine regroups: each line bears its own €300 of eigen risico.
        let out = score_lines(&lines, &policy);
        assert_eq!(out.eigen_risico[0], 30_000);
        assert_eq!(out.eigen_risico[1], 30_000);
    }
}
