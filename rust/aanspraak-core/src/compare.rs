//! Scenarios (what-if): one set of declarations scored under several policies. The
//! input is read, validated and its codes and ids interned once. Each scenario runs
//! only the passes its policy changes relative to the first (baseline) one, by the
//! fingerprints of `policy::Parts`:
//!
//! - other basic rules, products, code table, msz lists or bijdrage percentages: all
//!   passes (rules, ledger, money, supplementary);
//! - only another eigen risico: the eigen risico walk and the money after it;
//! - only other supplementary products: the supplementary passes; and, when the eigen
//!   risico is the baseline's too, only for the insureds with a line under a product
//!   that changed (`rescored_rows`): the others keep the baseline's results.
//!
//! Columns a scenario does not change are the baseline's Arrow arrays, shared.

use crate::engine::{self, score_lines_with, KeySet, Timer};
use crate::error::{Error, Result};
use crate::input::{self, Invalid, Lines, BAD_SUPP, NO_SUPP};
use crate::output::{self, Outcome, COLUMNS, NO_BASIS};
use crate::policy::CompiledPolicy;
use crate::reason::{Reason, SuppReason};
use crate::strings::RowStrings;
use crate::supplementary::{self, Scratch};
use arrow_array::{Array, ArrayRef, Decimal128Array, RecordBatch};
use arrow_schema::{Schema, SchemaRef};
use rayon::prelude::*;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Declarations read once for scoring under several policies.
pub struct Prepared {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
    /// The opening balances as given (docs/rules.md#opening-balances), read again with
    /// the input for a policy with other keys.
    opening: Option<(SchemaRef, Vec<RecordBatch>)>,
    keys: KeySet,
    /// The day the history is known on (docs/rules.md#as-known-on-a-date), if any.
    as_of: Option<i32>,
    lines: Lines,
}

/// Read the input, and the opening balances when given, for `policy`'s key set.
fn read_lines(schema: &SchemaRef, batches: &[RecordBatch], opening: &Option<(SchemaRef, Vec<RecordBatch>)>, as_of: Option<i32>, policy: &CompiledPolicy) -> Result<Lines> {
    let keys = KeySet::of(policy);
    let mut lines = input::read(schema.clone(), batches, &keys.keys())?;
    if let Some((s, b)) = opening {
        let opening = input::opening::Opening::read(s.clone(), b, &keys.keys())?;
        supplementary::check_opening(&opening, policy)?;
        lines.opening = Some(opening);
    }
    if let Some(day) = as_of {
        input::booking::as_of(&mut lines, day);
    }
    Ok(lines)
}

/// The capped opening balances since the last call: (eigen risico, supplementary).
fn capped(lines: &Lines) -> (usize, usize) {
    lines.opening.as_ref().map_or((0, 0), |o| o.take_capped())
}

/// `batch` counting `capped` opening balances, when there is an opening.
fn counting(lines: &Lines, batch: RecordBatch, capped: (usize, usize)) -> Result<RecordBatch> {
    match lines.opening {
        Some(_) => output::with_opening_capped(batch, capped.0 + capped.1),
        None => Ok(batch),
    }
}

/// The sums of the money columns of an output batch, in cents (nulls left out), in the
/// batch's column order.
pub fn money_totals(batch: &RecordBatch) -> Vec<(String, i128)> {
    let schema = batch.schema();
    schema
        .fields()
        .iter()
        .zip(batch.columns())
        .filter_map(|(f, c)| {
            let a = c.as_any().downcast_ref::<Decimal128Array>()?;
            let sum = match a.nulls() {
                None => a.values().par_iter().sum(),
                Some(n) => a.values().par_iter().enumerate().filter(|(i, _)| n.is_valid(*i)).map(|(_, v)| *v).sum(),
            };
            Some((f.name().clone(), sum))
        })
        .collect()
}

impl Prepared {
    /// Read and validate the input for policies with the key set of `policy`.
    pub fn new(schema: SchemaRef, batches: Vec<RecordBatch>, policy: &CompiledPolicy) -> Result<Prepared> {
        Self::with_opening(schema, batches, policy, None)
    }

    /// `new`, with the balances used before the input (the normalised table of
    /// `input::opening`; docs/rules.md#opening-balances).
    pub fn with_opening(schema: SchemaRef, batches: Vec<RecordBatch>, policy: &CompiledPolicy, opening: Option<(SchemaRef, Vec<RecordBatch>)>) -> Result<Prepared> {
        let keys = KeySet::of(policy);
        let t = Timer::new();
        let lines = read_lines(&schema, &batches, &opening, None, policy)?;
        t.lap("read input (once)");
        Ok(Prepared { schema, batches, opening, keys, as_of: None, lines })
    }

    /// The prepared lines as known on day `as_of` (docs/rules.md#as-known-on-a-date):
    /// those not booked by then are `NOT_YET_BOOKED` under every policy.
    pub fn known_on(mut self, as_of: i32) -> Prepared {
        input::booking::as_of(&mut self.lines, as_of);
        self.as_of = Some(as_of);
        self
    }

    /// The number of lines not yet booked on the `as_of` day (0 without one).
    pub fn not_yet_booked(&self) -> usize {
        match &self.lines.unbooked {
            input::Col::Const(u) => if *u { self.lines.n } else { 0 },
            input::Col::Vec(v) => v.par_iter().filter(|&&u| u).count(),
        }
    }

    pub fn len(&self) -> usize {
        self.lines.n
    }

    pub fn is_empty(&self) -> bool {
        self.lines.n == 0
    }

    /// The number of distinct insured ids (a null id counts as one). Long ids are
    /// compared by their 128-bit hash and, where two hashes are equal, by their text.
    pub fn distinct_insured(&self) -> usize {
        let ids = &self.lines.insured;
        // Exact keys (integers, strings of at most 12 bytes): the distinct keys, sorting
        // 16 bytes a row. A hashed long id needs its row to check its string.
        let mut exact: Vec<u128> = (0..self.lines.n).into_par_iter().map(|i| ids.key(i)).collect();
        if !exact.par_iter().any(|&k| RowStrings::is_hashed(k)) {
            exact.par_sort_unstable();
            return exact.par_windows(2).filter(|w| w[0] != w[1]).count() + usize::from(!exact.is_empty());
        }
        let mut keys: Vec<(u128, u32)> = exact.into_par_iter().enumerate().map(|(i, k)| (k, i as u32)).collect();
        keys.par_sort_unstable_by_key(|k| k.0);
        let strings = ids.strings();
        let differ = |a: &(u128, u32), b: &(u128, u32)| {
            a.0 != b.0 || (RowStrings::is_hashed(a.0) && strings.is_some_and(|s| s.get(a.1 as usize) != s.get(b.1 as usize)))
        };
        keys.par_windows(2).filter(|w| differ(&w[0], &w[1])).count() + usize::from(!keys.is_empty())
    }

    /// Whether `policy` scores the prepared lines without reading the input again
    /// (same years and product keys as the policy the input was prepared for).
    pub fn shares_input(&self, policy: &CompiledPolicy) -> bool {
        KeySet::of(policy) == self.keys
    }

    /// The named output columns (see `output::COLUMNS`) under `policy`, in input order.
    /// A policy with other years or product keys reads the input again (same result as
    /// `engine::score`, without the saving).
    pub fn score(&self, policy: &CompiledPolicy, columns: &[&str]) -> Result<RecordBatch> {
        self.score_with(policy, columns, &mut Scratch::default())
    }

    fn score_with(&self, policy: &CompiledPolicy, columns: &[&str], scratch: &mut Scratch) -> Result<RecordBatch> {
        let t = Timer::new();
        let reread;
        let lines = if self.shares_input(policy) {
            &self.lines
        } else {
            reread = read_lines(&self.schema, &self.batches, &self.opening, self.as_of, policy)?;
            t.lap("read input (other keys)");
            &reread
        };
        let outcome = score_lines_with(lines, policy, scratch);
        t.lap("rules + ledger + money");
        let out = output::build_columns(lines, outcome, policy, columns)?;
        t.lap("build output");
        counting(lines, out, capped(lines))
    }

    /// The named output columns under each policy, in input order; the first policy is
    /// the baseline whose results the others reuse where their policy agrees with it.
    /// Its batch starts with the `shared` columns (those no policy changes, such as
    /// `age`), which the other batches leave out.
    pub fn compare(&self, policies: &[&CompiledPolicy], shared: &[&str], columns: &[&str]) -> Result<Vec<RecordBatch>> {
        let Some((&base, others)) = policies.split_first() else {
            return Ok(vec![]);
        };
        if !self.shares_input(base) {
            return Err(Error::Other("compare: the input was prepared for another policy than the first scenario".into()));
        }
        let t = Timer::new();
        let l = &self.lines;
        // One buffer for every scenario's supplementary walk: fresh pages are expensive.
        let mut scratch = Scratch::default();
        let outcome = score_lines_with(l, base, &mut scratch);
        let base_capped = capped(l);
        let kept = Kept {
            flags: outcome.flags.clone(),
            reason: outcome.reason.clone(),
            age: outcome.age.clone(),
            supplementary_reason: outcome.supplementary_reason.clone(),
            supplementary_basis: outcome.supplementary_basis.clone(),
        };
        // Every column of the baseline, so that any scenario can share any of them.
        let all = output::build_columns(l, outcome, base, COLUMNS)?;
        t.lap("baseline scenario");
        let mut results = vec![counting(l, project(&all, &[shared, columns].concat())?, base_capped)?];
        let schema = project(&all, columns)?.schema();
        let parts = base.parts();
        for &p in others {
            if let Some(o) = &l.opening {
                supplementary::check_opening(o, p)?;
            }
            let pp = p.parts();
            if !self.shares_input(p) || pp.basic != parts.basic {
                results.push(self.score_with(p, columns, &mut scratch)?);
                continue;
            }
            let (er_changed, supp_changed) = (pp.eigen_risico != parts.eigen_risico, pp.supplementary != parts.supplementary);
            let money = |name: &str| decimals(&all, name);
            let (allowed, eb) = (money("allowed"), money("eigen_bijdrage"));
            let mut fresh = Outcome::empty();
            let mut names: Vec<&str> = vec![];
            // Opening balances capped: counted again by the passes this scenario runs.
            let mut scenario_capped = base_capped;
            if er_changed {
                fresh.eigen_risico = engine::eigen_risico_only(l, &kept.flags, allowed, eb, p);
                scenario_capped.0 = capped(l).0;
                fresh.basic_paid = (allowed, eb, &fresh.eigen_risico[..]).into_par_iter().map(|(a, b, e)| a - b - e).collect();
                names.extend(["eigen_risico", "basic_paid"]);
            }
            let er = if er_changed { &fresh.eigen_risico[..] } else { money("eigen_risico") };
            let basic_paid = if er_changed { &fresh.basic_paid[..] } else { money("basic_paid") };
            // patient_paid before the supplementary insurance; invalid, credited and unbooked
            // rows, and those `only` leaves out (they keep the baseline's result), as scored.
            let base_patient = money("patient_paid");
            let before_supp = |only: Option<&[bool]>| -> Vec<i128> {
                (0..l.n)
                    .into_par_iter()
                    .map(|i| {
                        let as_scored = only.is_some_and(|o| !o[i]) || l.invalid[i] != Invalid::Ok || l.credit.get(i).is_credited() || l.unbooked.get(i);
                        if as_scored { base_patient[i] } else { l.amount[i] as i128 - basic_paid[i] }
                    })
                    .collect()
            };
            if supp_changed {
                // The baseline's basic outcome is read where it is (its Arrow buffers).
                let basic = supplementary::BasicOutcome { flags: &kept.flags, reason: &kept.reason, age: &kept.age, allowed, eigen_bijdrage: eb, eigen_risico: er };
                // The basic outcome is the baseline's: only the insureds of changed products are scored again.
                let only = if er_changed { None } else { rescored_rows(l, base, p) };
                t.lap("  rows to score again");
                fresh.patient_paid = before_supp(only.as_deref());
                match &only {
                    None => {
                        fresh.supplementary_paid = vec![0; l.n];
                        // Written for every row by the supplementary pass.
                        fresh.supplementary_reason = vec![SuppReason::default(); l.n];
                        fresh.supplementary_basis = vec![NO_BASIS; l.n];
                    }
                    Some(only) => {
                        // The rows not scored again keep the baseline's results.
                        let base_paid = money("supplementary_paid");
                        let keep = |i: usize| !only[i];
                        fresh.supplementary_paid = (0..l.n).into_par_iter().map(|i| if keep(i) { base_paid[i] } else { 0 }).collect();
                        fresh.supplementary_reason = kept.supplementary_reason.clone();
                        fresh.supplementary_basis = kept.supplementary_basis.clone();
                    }
                }
                let cols = supplementary::SuppColumns {
                    paid: &mut fresh.supplementary_paid,
                    reason: &mut fresh.supplementary_reason,
                    basis: &mut fresh.supplementary_basis,
                    patient_paid: &mut fresh.patient_paid,
                };
                let cands = engine::code_candidates(l, p);
                supplementary::score_columns(l, basic, cols, p, |i| p.codes.pick(cands[l.code[i] as usize], l.treat[i]), &mut scratch, only.as_deref());
                scenario_capped.1 = capped(l).1;
                names.extend(["supplementary_paid", "supplementary_reason", "supplementary_basis", "patient_paid"]);
            } else if er_changed {
                let supp_paid = money("supplementary_paid");
                fresh.patient_paid = (before_supp(None), supp_paid, &l.invalid[..])
                    .into_par_iter()
                    .map(|(b, s, inv)| if *inv != Invalid::Ok { b } else { b - s })
                    .collect();
                names.push("patient_paid");
            }
            names.retain(|n| columns.contains(n));
            let built = if names.is_empty() { None } else { Some(output::build_columns(l, fresh, p, &names)?) };
            let cols = columns.iter().map(|c| built.as_ref().and_then(|b| b.column_by_name(c)).or_else(|| all.column_by_name(c)).cloned());
            let cols: Vec<ArrayRef> = cols.map(|c| c.ok_or_else(|| unknown(columns))).collect::<Result<_>>()?;
            results.push(counting(l, RecordBatch::try_new(schema.clone(), cols).map_err(|e| Error::Other(e.to_string()))?, scenario_capped)?);
            t.lap("scenario (reusing the baseline)");
        }
        Ok(results)
    }
}

/// The baseline's columns that a reusing scenario reads and the output does not keep.
struct Kept {
    flags: Vec<u8>,
    reason: Vec<Reason>,
    age: Vec<i16>,
    supplementary_reason: Vec<SuppReason>,
    supplementary_basis: Vec<u16>,
}

/// The rows that a scenario changing only supplementary products (not the basic outcome,
/// not the eigen risico) must score again: every row of each insured (by insured key)
/// with a line under a product whose conditions differ from the baseline's. A line's
/// verdict and payment read only the conditions of its own products and the insured's
/// own lines (maxima, and care begun before a start, which any product's line marks), so
/// the other insureds keep the baseline's results. None when every row must be scored
/// again: with opening balances (their capped count is per run), or when the legal-basis
/// texts or the begun-before-start marks differ (the baseline's basis keys or marks
/// would not hold).
fn rescored_rows(l: &Lines, base: &CompiledPolicy, p: &CompiledPolicy) -> Option<Vec<bool>> {
    if l.opening.is_some() || p.supp.len() != base.supp.len() || p.basis_texts != base.basis_texts || supplementary::marks_of_row(p) != supplementary::marks_of_row(base) {
        return None;
    }
    let changed: Vec<bool> = p.supp.iter().zip(&base.supp).map(|(a, b)| format!("{a:?}") != format!("{b:?}")).collect();
    let hit = |i: usize| {
        let combo = l.supplementary.get(i);
        // An unreadable product list is scored again too (it is INVALID_INPUT under both).
        combo == BAD_SUPP || (combo != NO_SUPP && supplementary::unpack(combo).any(|k| changed.get(k as usize).copied().unwrap_or(true)))
    };
    // The insured keys of those lines, as bits of a table indexed by a hash of the key,
    // four bits per such line (small enough to stay in cache): a key whose bit another
    // key set is scored again needlessly (a few in 100), never wrongly, as all rows of
    // a key share its bit.
    let hits: Vec<u32> = (0..l.n).into_par_iter().filter(|&i| hit(i)).map(|i| i as u32).collect();
    let bits = (hits.len() * 4).max(1 << 13).next_power_of_two() as u64;
    let shift = 64 - bits.trailing_zeros();
    let hasher = foldhash::fast::FixedState::default();
    // The top bits of the key's hash index the table.
    let slot = |i: usize| hasher.hash_one(l.insured.key(i)) >> shift;
    let table: Vec<AtomicU64> = (0..bits / 64).map(|_| AtomicU64::new(0)).collect();
    hits.par_iter().for_each(|&i| {
        let b = slot(i as usize);
        table[(b / 64) as usize].fetch_or(1 << (b % 64), Ordering::Relaxed);
    });
    Some((0..l.n).into_par_iter().map(slot).map(|b| table[(b / 64) as usize].load(Ordering::Relaxed) & (1 << (b % 64)) != 0).collect())
}

/// The raw cents of a money column (nulls keep their sentinel).
fn decimals<'a>(batch: &'a RecordBatch, name: &str) -> &'a [i128] {
    let col = batch.column_by_name(name).expect("every output column is built for the baseline");
    col.as_any().downcast_ref::<Decimal128Array>().expect("money is Decimal128").values()
}

fn unknown(columns: &[&str]) -> Error {
    Error::Other(format!("unknown output column among {columns:?}; expected names from {COLUMNS:?}"))
}

/// The named columns of `batch`.
fn project(batch: &RecordBatch, columns: &[&str]) -> Result<RecordBatch> {
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| batch.schema().index_of(c).map_err(|_| Error::Other(format!("no output column {c:?}; expected one of {COLUMNS:?}"))))
        .collect::<Result<_>>()?;
    let fields: Vec<_> = idx.iter().map(|&i| batch.schema().field(i).clone()).collect();
    let cols: Vec<ArrayRef> = idx.iter().map(|&i| batch.column(i).clone()).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).map_err(|e| Error::Other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy;

    /// An adult's extraction by a kaakchirurg and a child's check-up, in 2022.
    fn table() -> (SchemaRef, Vec<RecordBatch>) {
        crate::engine::tests::lines_table(&[
            ("A", "1970-01-01", "2022-03-01", "H35", 30_000, "kaakchirurg"),
            ("B", "2012-06-01", "2022-03-02", "C11", 2_500, "tandarts"),
        ])
    }

    #[test]
    fn a_prepared_score_equals_a_full_score() {
        let pol = policy::load("defriesland-2022").unwrap();
        let (schema, batches) = table();
        let full = crate::score(schema.clone(), &batches, &pol).unwrap();
        let prepared = Prepared::new(schema, batches, &pol).unwrap();
        assert!(prepared.shares_input(&pol));
        let part = prepared.score(&pol, &["basic_paid", "reason"]).unwrap();
        assert_eq!(part.schema().fields().len(), 2);
        assert_eq!(part.column(0).as_ref(), full.column_by_name("basic_paid").unwrap().as_ref());
        assert_eq!(part.column(1).as_ref(), full.column_by_name("reason").unwrap().as_ref());
    }

    #[test]
    fn a_policy_with_other_keys_reads_the_input_again() {
        let pol = policy::load("defriesland-2022").unwrap();
        let other = policy::load("vgz-2021").unwrap();
        let (schema, batches) = table();
        let prepared = Prepared::new(schema.clone(), batches.clone(), &pol).unwrap();
        assert!(!prepared.shares_input(&other));
        let got = prepared.score(&other, &["eigen_risico"]).unwrap();
        let want = crate::score(schema, &batches, &other).unwrap();
        assert_eq!(got.column(0).as_ref(), want.column_by_name("eigen_risico").unwrap().as_ref());
    }

    fn variant(from: &str, to: &str) -> CompiledPolicy {
        // The bundled set as one document (statutory file merged in).
        let text = policy::bundled_document("defriesland-2022").unwrap();
        assert!(text.contains(from));
        policy::from_toml_str(&text.replacen(from, to, 1), "test variant", None, true).unwrap()
    }

    #[test]
    fn parts_tell_which_passes_a_change_touches() {
        let base = policy::load("defriesland-2022").unwrap().parts();
        assert_eq!(policy::load("defriesland-2022").unwrap().parts(), base, "same policy, same parts");
        let er = variant("years = [2017, 2026]\ncompulsory_eigen_risico_eur = 385", "years = [2017, 2026]\ncompulsory_eigen_risico_eur = 165").parts();
        assert!(er.eigen_risico != base.eigen_risico && er.basic == base.basic && er.supplementary == base.supplementary);
        let cap = variant("annual_max_eur = 250", "annual_max_eur = 100").parts();
        assert!(cap.supplementary != base.supplementary && cap.basic == base.basic && cap.eigen_risico == base.eigen_risico);
        let share = variant("non_contracted_share_pct = 80", "non_contracted_share_pct = 100").parts();
        assert!(share.basic != base.basic);
    }

    #[test]
    fn compare_reuses_the_baseline_and_equals_full_scores() {
        let base = policy::load("defriesland-2022").unwrap();
        let er = variant("years = [2017, 2026]\ncompulsory_eigen_risico_eur = 385", "years = [2017, 2026]\ncompulsory_eigen_risico_eur = 165");
        let (schema, batches) = table();
        let prepared = Prepared::new(schema.clone(), batches.clone(), &base).unwrap();
        let cols = ["eigen_risico", "basic_paid", "patient_paid", "reason"];
        let got = prepared.compare(&[&base, &er], &[], &cols).unwrap();
        for (batch, pol) in got.iter().zip([&base, &er]) {
            let want = crate::score(schema.clone(), &batches, pol).unwrap();
            for (i, c) in cols.iter().enumerate() {
                assert_eq!(batch.column(i).as_ref(), want.column_by_name(c).unwrap().as_ref(), "{c}");
            }
        }
        // The adult's extraction: EUR 300 under a EUR 385 eigen risico, EUR 165 under 165.
        let er_of = |b: &RecordBatch| decimals(b, "eigen_risico")[0];
        assert_eq!((er_of(&got[0]), er_of(&got[1])), (30_000, 16_500));
        // The reason column is the baseline's array, shared.
        assert!(Arc::ptr_eq(got[0].column(3), got[1].column(3)));
    }

    #[test]
    fn totals_and_distinct_insured() {
        let pol = policy::load("defriesland-2022").unwrap();
        let (schema, batches) = table();
        let prepared = Prepared::new(schema, batches, &pol).unwrap();
        assert_eq!(prepared.distinct_insured(), 2);
        let out = prepared.score(&pol, &["reason", "eigen_risico", "basic_paid"]).unwrap();
        let totals = money_totals(&out);
        let names: Vec<&str> = totals.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(names, ["eigen_risico", "basic_paid"]);
        // EUR 300 of eigen risico on the adult's extraction; the child's check-up is paid.
        assert_eq!(totals[0].1, 30_000);
        assert_eq!(totals[1].1, decimals(&out, "basic_paid").iter().sum::<i128>());
    }

    #[test]
    fn distinct_insured_counts_short_and_long_ids_alike() {
        let pol = policy::load("defriesland-2022").unwrap();
        let line = |id| (id, "1980-01-01", "2022-03-01", "C002", 2_500, "tandarts");
        // short ids only (exact keys); then long ids too (hashed keys, checked by row)
        for (rows, want) in [
            (vec![line("A"), line("B"), line("A"), line("C"), line("B")], 3),
            (vec![line("A"), line("insured-number-long-1"), line("A"), line("insured-number-long-2"), line("insured-number-long-1")], 3),
        ] {
            let (schema, batches) = crate::engine::tests::lines_table(&rows);
            assert_eq!(Prepared::new(schema, batches, &pol).unwrap().distinct_insured(), want);
        }
    }

    #[test]
    fn an_unknown_column_is_an_error_naming_it() {
        let pol = policy::load("defriesland-2022").unwrap();
        let (schema, batches) = table();
        let err = Prepared::new(schema, batches, &pol).unwrap().score(&pol, &["paid"]).unwrap_err();
        assert!(err.to_string().contains("\"paid\""), "{err}");
    }
}
