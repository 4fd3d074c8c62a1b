//! The scoring pipeline: read → stateless rules (parallel) → ledger → money → output.

use crate::codes::{code_is_msz, Jaw};
use crate::dates;
use crate::error::Result;
use crate::input::{self, Col, Invalid, Keys, Lines, Tri, DOMAIN_INFER, DOMAIN_MSZ, NO_CENTS, NO_SUPP};
use crate::ledger::{self, Item};
use crate::money::apply_bp;
use crate::output::{self, flag, Outcome};
use crate::policy::{CompiledPolicy, Entitlement};
use crate::reason::{Basis, Reason};
use crate::rules::{self, LineFacts};
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use rayon::prelude::*;

/// Score declaration lines; returns the output columns (SPEC 7) in input order.
pub fn score(schema: SchemaRef, batches: &[RecordBatch], policy: &CompiledPolicy) -> Result<RecordBatch> {
    let basic_keys: Vec<String> = policy.basic.iter().map(|b| b.key.clone()).collect();
    let supp_keys: Vec<String> = policy.supplementary.iter().map(|s| s.0.clone()).collect();
    let keys = Keys { days: policy.day_range(), basic: &basic_keys, default_basic: policy.default_basic as u8, supplementary: &supp_keys };
    let t = Timer::new();
    let mut lines = input::read(schema, batches, &keys)?;
    t.lap("read input");
    let outcome = score_lines(&mut lines, policy);
    t.lap("rules + ledger + money");
    let out = output::build(&lines, outcome, policy);
    t.lap("build output");
    out
}

/// Stage timings on stderr when AANSPRAAK_TIMING is set (for profiling, not for tests).
pub struct Timer {
    on: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl Timer {
    pub fn new() -> Timer {
        Timer { on: std::env::var_os("AANSPRAAK_TIMING").is_some(), last: std::cell::Cell::new(std::time::Instant::now()) }
    }
    pub fn lap(&self, what: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!("aanspraak timing: {what:<28} {:>8.1} ms", (now - self.last.get()).as_secs_f64() * 1e3);
            self.last.set(now);
        }
    }
}

/// Candidate code-table rows per distinct input code.
fn code_candidates<'a>(lines: &Lines, policy: &'a CompiledPolicy) -> Vec<&'a [u32]> {
    lines.code_strings.iter().map(|c| policy.codes.candidates(c)).collect()
}

/// The ledger items: covered lines with a frequency rule or subject to the eigen risico.
fn ledger_items(lines: &Lines, out: &Outcome) -> Vec<Item> {
    (0..lines.n)
        .into_par_iter()
        .filter(|&i| {
            let f = out.flags[i];
            f & flag::COVERED != 0 && (out.freq_rule[i] != 0 || (f & flag::EIGEN_RISICO != 0 && out.allowed[i] > out.eigen_bijdrage[i]))
        })
        .map(|i| Item {
            insured: lines.insured[i],
            treat: lines.treat[i],
            row: i as u32,
            order: match &lines.order_key {
                Col::Vec(v) => v[i],
                Col::Const(_) => i as i64,
            },
            net: (out.allowed[i] - out.eigen_bijdrage[i]) as i64,
            birth: lines.birth[i],
            insured_from: lines.insured_from.get(i),
            insured_to: lines.insured_to.get(i),
            voluntary_cents: lines.voluntary_cents.get(i) as i32,
            freq_rule: out.freq_rule[i],
            basic: lines.basic.get(i),
            er: out.flags[i] & flag::EIGEN_RISICO != 0,
            authorization: lines.authorization.get(i),
        })
        .collect()
}

/// Rows per task in the per-line passes.
const CHUNK: usize = 1 << 14;

/// The per-line outcome, from lines already read.
pub fn score_lines(lines: &mut Lines, policy: &CompiledPolicy) -> Outcome {
    let n = lines.n;
    let t = Timer::new();
    let cands = code_candidates(lines, policy);
    let msz_code: Vec<bool> = lines.code_strings.iter().map(|c| code_is_msz(c)).collect();


    let mut out = Outcome::new(n);
    let l = &*lines;
    let year_params = policy.years_dense();
    let adult_may_cover: Vec<bool> = policy.codes.rows.iter().map(rules::adult_may_cover).collect();
    // Stateless pass (SPEC 3.2, 5.1-5.2): in parallel chunks, no allocation per row.
    (
        out.age.par_chunks_mut(CHUNK),
        out.reason.par_chunks_mut(CHUNK),
        out.basis.par_chunks_mut(CHUNK),
        out.flags.par_chunks_mut(CHUNK),
        out.freq_rule.par_chunks_mut(CHUNK),
        out.allowed.par_chunks_mut(CHUNK),
        out.eigen_bijdrage.par_chunks_mut(CHUNK),
    )
        .into_par_iter()
        .enumerate()
        .for_each(|(c, (age, reason, basis, flags, freq, allowed, eb))| {
            for k in 0..age.len() {
                let i = c * CHUNK + k;
                if l.invalid[i] != Invalid::Ok {
                    reason[k] = Reason::InvalidInput as u8;
                    basis[k] = Basis::InvalidInput as u16;
                    continue;
                }
                let ymd_t = dates::civil_from_days(l.treat[i]);
                let a = dates::age_on(dates::civil_from_days(l.birth[i]), ymd_t);
                age[k] = a.min(i16::MAX as i32) as i16;
                let code = l.code[i] as usize;
                let is_msz = match l.domain.get(i) {
                    DOMAIN_INFER => msz_code[code],
                    d => d == DOMAIN_MSZ,
                };
                if is_msz {
                    reason[k] = Reason::DomainNotScored as u8;
                    basis[k] = Basis::MszNotScored as u16;
                    continue;
                }
                let Some(ri) = policy.codes.pick(cands[code], l.treat[i]) else {
                    reason[k] = Reason::UnknownCode as u8;
                    basis[k] = Basis::UnknownCode as u16;
                    continue;
                };
                let bt = l.bt_indication.get(i);
                // The common case, decided without the full rule walk (see rules::adult_fast_path).
                if a >= 18 && bt == 0 && !adult_may_cover[ri as usize] {
                    reason[k] = Reason::NotInsuredAdult as u8;
                    basis[k] = Basis::Bzv27Lid5 as u16;
                    continue;
                }
                let element = l.element.get(i);
                let facts = LineFacts {
                    age: a,
                    row_idx: ri,
                    row: &policy.codes.rows[ri as usize],
                    element,
                    jaw: match l.jaw.get(i) {
                        Jaw::Unknown => rules::jaw_of_element(element),
                        j => j,
                    },
                    provider: l.provider.get(i),
                    authorization: l.authorization.get(i),
                    bt_indication: bt,
                    // SPEC 1: bt_related defaults to true when bt_indication is set.
                    bt_related: match l.bt_related.get(i) {
                        Tri::Null if bt != 0 => Tri::True,
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
                let v = rules::judge(&facts, product, params);
                reason[k] = v.reason as u8;
                basis[k] = v.basis;
                flags[k] = if v.authorization_required { flag::AUTHORIZATION_REQUIRED } else { 0 };
                if !v.covered {
                    continue;
                }
                flags[k] |= flag::COVERED | if a >= 18 { flag::EIGEN_RISICO } else { 0 };
                // SPEC 5.1: allowed amount; non-contracted care at the product's share of the reference tariff.
                let amount = l.amount[i];
                let al = if l.contracted.get(i) {
                    amount
                } else {
                    let rt = l.reference_tariff.get(i);
                    amount.min(apply_bp(if rt == NO_CENTS { amount } else { rt }, product.non_contracted_bp))
                };
                allowed[k] = al as i128;
                // SPEC 5.2: eigen bijdrage (Rzv 2.31).
                eb[k] = apply_bp(al, v.eigen_bijdrage_bp).min(al) as i128;
                if v.entitlement != Entitlement::Bt {
                    freq[k] = product.frequency.iter().position(|f| f.rule.applies(ri, a, v.entitlement)).map_or(0, |p| p as u8 + 1);
                }
            }
        });
    t.lap("stateless rules");

    // Stateful pass (SPEC 5.3, 10.4-10.6) over the covered lines that need it.
    let mut items = ledger_items(lines, &out);
    t.lap("collect ledger items");
    let mut effects = ledger::run(&mut items, lines.insured_strings.as_ref(), policy);
    if effects.is_err() {
        // Two long insured ids hashed alike (about 1 in 10^25): regroup by exact ids.
        lines.use_dense_insured_ids();
        for it in items.iter_mut() {
            it.insured = lines.insured[it.row as usize];
        }
        effects = ledger::run(&mut items, None, policy);
    }
    let effects = effects.expect("dense ids cannot collide");
    t.lap("ledger");
    // Apply in row order (a sort of small records beats random writes into big columns).
    let mut by_row: Vec<(u32, ledger::Effect)> = items.par_iter().zip(effects).map(|(it, e)| (it.row, e)).collect();
    by_row.par_sort_unstable_by_key(|x| x.0);
    for (row, eff) in by_row {
        let i = row as usize;
        if eff.over_limit {
            out.flags[i] |= flag::AUTHORIZATION_REQUIRED;
            if eff.refused {
                out.flags[i] &= !flag::COVERED;
                out.reason[i] = Reason::FrequencyLimit as u8;
                out.basis[i] = eff.basis;
                out.allowed[i] = 0;
                out.eigen_bijdrage[i] = 0;
            }
        }
        out.eigen_risico[i] = eff.eigen_risico as i128;
    }
    t.lap("apply ledger");

    // Money (SPEC 5.4-5.6); the supplementary insurance is not scored in this version.
    let l = &*lines;
    (
        out.basic_paid.par_chunks_mut(CHUNK),
        out.patient_paid.par_chunks_mut(CHUNK),
        out.supplementary_reason.par_chunks_mut(CHUNK),
        out.allowed.par_chunks(CHUNK),
        out.eigen_bijdrage.par_chunks(CHUNK),
        out.eigen_risico.par_chunks(CHUNK),
    )
        .into_par_iter()
        .enumerate()
        .for_each(|(c, (basic, patient, supp_reason, allowed, eb, er))| {
            for k in 0..basic.len() {
                let i = c * CHUNK + k;
                let amount = l.amount[i];
                if l.invalid[i] != Invalid::Ok {
                    // SPEC 10.7: nothing paid; the patient owes the amount when it is valid.
                    patient[k] = if amount >= 0 { amount as i128 } else { NO_CENTS as i128 };
                    continue;
                }
                basic[k] = allowed[k] - eb[k] - er[k];
                patient[k] = amount as i128 - basic[k];
                supp_reason[k] = if l.supplementary.get(i) == NO_SUPP { 0 } else { 1 };
            }
        });
    t.lap("money");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{ArrayRef, Date32Array, Decimal128Array, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;

    fn two_insureds() -> (SchemaRef, Vec<RecordBatch>) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("insured_id", DataType::Utf8, false),
            Field::new("birth_date", DataType::Date32, false),
            Field::new("treatment_date", DataType::Date32, false),
            Field::new("code", DataType::Utf8, false),
            Field::new("amount", DataType::Decimal128(12, 2), false),
            Field::new("provider_type", DataType::Utf8, false),
        ]));
        let d2022 = dates::parse_iso("2022-03-01").unwrap();
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec!["insured-number-A", "insured-number-B"])),
            Arc::new(Date32Array::from(vec![0, 0])),
            Arc::new(Date32Array::from(vec![d2022, d2022 + 1])),
            Arc::new(StringArray::from(vec!["H35", "H35"])),
            Arc::new(Decimal128Array::from(vec![30_000i128, 30_000]).with_precision_and_scale(12, 2).unwrap()),
            Arc::new(StringArray::from(vec!["kaakchirurg", "kaakchirurg"])),
        ];
        (schema.clone(), vec![RecordBatch::try_new(schema, cols).unwrap()])
    }

    #[test]
    fn a_hash_collision_of_insured_ids_is_detected_and_regrouped() {
        let policy = crate::policy::load("defriesland-2022").unwrap();
        let (schema, batches) = two_insureds();
        let basic: Vec<String> = policy.basic.iter().map(|b| b.key.clone()).collect();
        let keys = Keys { days: policy.day_range(), basic: &basic, default_basic: 0, supplementary: &[] };
        let mut lines = input::read(schema, &batches, &keys).unwrap();
        assert_ne!(lines.insured[0], lines.insured[1]);
        // Ids longer than 12 bytes are hashed; simulate two of them with one key.
        assert!(lines.insured_strings.is_some());
        lines.insured = vec![7, 7];
        let out = score_lines(&mut lines, &policy);
        // Separate pots: each line bears its own €300 of eigen risico.
        assert_eq!(out.eigen_risico[0], 30_000);
        assert_eq!(out.eigen_risico[1], 30_000);
        assert_eq!(lines.insured[0] == lines.insured[1], false, "regrouped by exact ids");
    }
}
