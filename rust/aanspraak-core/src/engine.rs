//! The scoring pipeline: read → stateless rules (parallel) → ledger → money → output.

use crate::codes::{code_is_msz, Jaw};
use crate::dates;
use crate::error::Result;
use crate::input::{self, Invalid, Keys, Lines, Tri, DOMAIN_MSZ, DOMAIN_INFER, NO_CENTS, NO_SUPP};
use crate::ledger::{self, Item};
use crate::money::apply_bp;
use crate::output::{self, Outcome};
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
    let keys = Keys { basic: &basic_keys, default_basic: policy.default_basic as u8, supplementary: &supp_keys };
    let t = Timer::new();
    let mut lines = input::read(schema, batches, &keys)?;
    t.lap("read input");
    let outcome = score_lines(&mut lines, policy);
    t.lap("rules + ledger + money");
    let out = output::build(&lines, &outcome, policy);
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

/// The per-line outcome, from lines already read.
pub fn score_lines(lines: &mut Lines, policy: &CompiledPolicy) -> Outcome {
    let n = lines.n;
    let t = Timer::new();
    let cands = code_candidates(lines, policy);
    let msz_code: Vec<bool> = lines.code_strings.iter().map(|c| code_is_msz(c)).collect();

    // Rows whose year has no statutory parameters are invalid (the eigen risico is unknown).
    {
        let treat = &lines.treat;
        lines.invalid.par_iter_mut().enumerate().for_each(|(i, inv)| {
            if *inv == Invalid::Ok && policy.year(dates::civil_from_days(treat[i]).year).is_none() {
                *inv = Invalid::NoYearParameters;
            }
        });
    }

    t.lap("year check");
    let mut out = Outcome::new(n);
    let lines_ref = &*lines;
    // Stateless pass, in parallel chunks, no allocation per row.
    out.par_rows_mut().for_each(|(i, row)| {
        let l = lines_ref;
        let amount = l.amount[i];
        if l.invalid[i] != Invalid::Ok {
            row.reason = Reason::InvalidInput;
            row.basis = Basis::InvalidInput as u16;
            row.patient_paid = if amount >= 0 { amount } else { NO_CENTS };
            return;
        }
        let ymd_t = dates::civil_from_days(l.treat[i]);
        let age = dates::age_on(dates::civil_from_days(l.birth[i]), ymd_t);
        row.age = age;
        row.patient_paid = amount;
        let code = l.code[i] as usize;
        let is_msz = match l.domain.get(i) {
            DOMAIN_INFER => msz_code[code],
            d => d == DOMAIN_MSZ,
        };
        if is_msz {
            row.reason = Reason::DomainNotScored;
            row.basis = Basis::MszNotScored as u16;
            return;
        }
        let Some(ri) = policy.codes.pick(cands[code], l.treat[i]) else {
            row.reason = Reason::UnknownCode;
            row.basis = Basis::UnknownCode as u16;
            return;
        };
        let element = l.element.get(i);
        let jaw = match l.jaw.get(i) {
            Jaw::Unknown => rules::jaw_of_element(element),
            j => j,
        };
        let bt = l.bt_indication.get(i);
        let facts = LineFacts {
            age,
            row_idx: ri,
            row: &policy.codes.rows[ri as usize],
            element,
            jaw,
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
        let basic_idx = l.basic.get(i) as usize;
        let product = &policy.basic[basic_idx];
        let params = policy.year(ymd_t.year).expect("checked above");
        let v = rules::judge(&facts, product, params);
        row.covered = v.covered;
        row.reason = v.reason;
        row.basis = v.basis;
        row.authorization_required = v.authorization_required;
        if v.covered {
            // SPEC 5.1: allowed amount; non-contracted care at the product's share of the reference tariff.
            row.allowed = if l.contracted.get(i) {
                amount
            } else {
                let rt = l.reference_tariff.get(i);
                let base = if rt == NO_CENTS { amount } else { rt };
                amount.min(apply_bp(base, product.non_contracted_bp))
            };
            // SPEC 5.2: eigen bijdrage (Rzv 2.31).
            row.eigen_bijdrage = apply_bp(row.allowed, v.eigen_bijdrage_bp).min(row.allowed);
            if v.entitlement != Entitlement::Bt {
                row.freq_rule = product
                    .frequency
                    .iter()
                    .position(|f| f.rule.applies(ri, age, v.entitlement))
                    .map_or(0, |p| p as u8 + 1);
            }
            row.er = age >= 18;
        }
    });

    t.lap("stateless rules");
    // Stateful pass over the covered lines that need it.
    let mut items: Vec<Item> = out
        .rows
        .par_iter()
        .enumerate()
        .filter(|(_, r)| r.covered && (r.freq_rule != 0 || (r.er && r.allowed > r.eigen_bijdrage)))
        .map(|(i, r)| Item {
            row: i as u32,
            freq_rule: r.freq_rule,
            basic: lines.basic.get(i),
            er: r.er,
            net: r.allowed - r.eigen_bijdrage,
            authorization: lines.authorization.get(i),
        })
        .collect();
    let cols = ledger::Columns {
        insured: &lines.insured,
        treat: &lines.treat,
        birth: &lines.birth,
        order: &lines.order_key,
        insured_from: &lines.insured_from,
        insured_to: &lines.insured_to,
        voluntary_cents: &lines.voluntary_cents,
    };
    t.lap("collect ledger items");
    let effects = ledger::run(&mut items, &cols, policy);
    t.lap("ledger");
    for (it, eff) in items.iter().zip(effects) {
        let row = &mut out.rows[it.row as usize];
        if eff.over_limit {
            row.authorization_required = true;
            if eff.refused {
                row.covered = false;
                row.reason = Reason::FrequencyLimit;
                row.basis = eff.basis;
                row.allowed = 0;
                row.eigen_bijdrage = 0;
            }
        }
        row.eigen_risico = eff.eigen_risico;
    }

    t.lap("apply ledger");
    // Money (SPEC 5.4-5.6); the supplementary insurance is not scored in this version.
    out.rows.par_iter_mut().enumerate().for_each(|(i, row)| {
        if row.reason == Reason::InvalidInput {
            return;
        }
        row.basic_paid = row.allowed - row.eigen_bijdrage - row.eigen_risico;
        row.supplementary_paid = 0;
        row.patient_paid = lines.amount[i] - row.basic_paid - row.supplementary_paid;
        row.supplementary_reason = if lines.supplementary.get(i) == NO_SUPP { 0 } else { 1 };
    });
    t.lap("money");
    out
}
