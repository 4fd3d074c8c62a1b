//! Output columns (docs/rules.md#output) as Arrow arrays. Strings are dictionary-encoded (a small
//! table of values plus integer keys), money is Decimal128 with scale 2.

use crate::error::{Error, Result};
use crate::input::{Invalid, Lines, INVALID_MESSAGES, NO_CENTS};
use crate::policy::CompiledPolicy;
use crate::reason::{Reason, REASONS, SUPP_REASONS};
use arrow_array::types::{Int32Type, UInt16Type, UInt8Type};
use arrow_array::{
    ArrayRef, BooleanArray, Decimal128Array, DictionaryArray, Int16Array, Int32Array, RecordBatch, StringArray, UInt16Array,
    UInt8Array,
};
use arrow_buffer::{BooleanBuffer, NullBuffer};
use arrow_schema::{DataType, Field, Schema};
use rayon::prelude::*;
use std::sync::Arc;

pub use crate::outcome::{flag, Outcome, NO_AGE, NO_BASIS};

/// Money columns: precision 18 holds any amount up to 10^16 euros.
pub const MONEY_PRECISION: u8 = 18;

/// Output column names, in order.
pub const COLUMNS: &[&str] = &[
    "age",
    "code_normalized",
    "basic_covered",
    "reason",
    "legal_basis",
    "authorization_required",
    "authorization_category",
    "pok_mismatch",
    "allowed",
    "eigen_bijdrage",
    "eigen_risico",
    "basic_paid",
    "supplementary_paid",
    "patient_paid",
    "supplementary_reason",
    "supplementary_basis",
    "message",
];

/// A dictionary column from keys (`u8::MAX` = null) and its values.
fn dict_u8(keys: Vec<u8>, values: &[&str]) -> Result<ArrayRef> {
    let nulls = null_buffer(&keys, |k| *k != u8::MAX);
    let values: ArrayRef = Arc::new(StringArray::from(values.to_vec()));
    let keys = UInt8Array::new(keys.into(), nulls);
    Ok(Arc::new(DictionaryArray::<UInt8Type>::try_new(keys, values).map_err(|e| Error::Other(e.to_string()))?))
}

/// The dictionary keys of a one-byte enum column: its discriminants, which index the
/// catalogue (`REASONS`, `SUPP_REASONS`). Collected in place: no copy of the column.
fn keys_of<T>(vals: Vec<T>, key: impl Fn(T) -> u8) -> Vec<u8> {
    vals.into_iter().map(key).collect()
}

/// A validity buffer, or None when every value is valid (the common case costs one scan).
fn null_buffer<T: Sync>(vals: &[T], valid: impl Fn(&T) -> bool + Sync) -> Option<NullBuffer> {
    if vals.par_iter().all(&valid) {
        return None;
    }
    Some(NullBuffer::from(vals.par_iter().map(&valid).collect::<Vec<bool>>()))
}

/// A Decimal128(18, 2) money column (moved, not copied); NO_CENTS becomes null when the
/// column is nullable (only patient_paid: the others are never NO_CENTS, so not scanned).
fn money(vals: Vec<i128>, nullable: bool) -> Result<ArrayRef> {
    let nulls = if nullable { null_buffer(&vals, |v| *v != NO_CENTS as i128) } else { None };
    let a = Decimal128Array::new(vals.into(), nulls)
        .with_precision_and_scale(MONEY_PRECISION, 2)
        .map_err(|e| Error::Other(e.to_string()))?;
    Ok(Arc::new(a))
}

fn bools(flags: &[u8], bit: u8) -> ArrayRef {
    Arc::new(BooleanArray::new(BooleanBuffer::collect_bool(flags.len(), |i| flags[i] & bit != 0), None))
}

/// The `message` column as dictionary keys (u16::MAX = null) and values: the bad-input
/// message of an INVALID_INPUT row (`INVALID_MESSAGES`; a year without statutory
/// parameters named), and for a dental UNKNOWN_CODE row
/// why its code is unknown on the treatment date (`CodeTable::unknown_message`, worded
/// once per distinct code and side of its validity, docs/rules.md#code-table).
fn message_keys(lines: &Lines, out: &Outcome, policy: &CompiledPolicy) -> (Vec<u16>, Vec<String>) {
    // a row without statutory parameters for its year: the message naming that year (one
    // dictionary value per such year, after the fixed messages)
    let no_year = Invalid::NoYearParameters;
    let year_of = |i: usize| crate::dates::civil_from_days(lines.treat[i]).year;
    let mut years: Vec<i32> = if lines.invalid.par_iter().any(|&m| m == no_year) {
        (0..lines.n).filter(|&i| lines.invalid[i] == no_year).map(year_of).collect()
    } else {
        Vec::new()
    };
    years.sort_unstable();
    years.dedup();
    years.truncate(u16::MAX as usize / 2);
    let mut keys: Vec<u16> = (0..lines.n)
        .into_par_iter()
        .map(|i| match lines.invalid[i] {
            Invalid::Ok => u16::MAX,
            m if m == no_year => years.binary_search(&year_of(i)).map_or(m as u16, |k| (INVALID_MESSAGES.len() + k) as u16),
            m => m as u16,
        })
        .collect();
    let mut vals: Vec<String> =
        INVALID_MESSAGES.iter().map(|m| m.to_string()).chain(years.iter().map(|y| no_year_message(*y))).collect();
    let unknown: Vec<usize> = (0..keys.len())
        .into_par_iter()
        .filter(|&i| out.reason[i] == Reason::UnknownCode && out.flags[i] & flag::MSZ == 0 && lines.code[i] != u32::MAX)
        .collect();
    let mut memo: foldhash::HashMap<(u32, bool), u16> = Default::default();
    for i in unknown {
        let (code, date) = (lines.code[i], lines.treat[i]);
        let cands = policy.codes.candidates(&lines.code_strings[code as usize]);
        let Some(&first) = cands.first() else { continue };
        // the message depends on the side of the code's validity (and on the gap, in a
        // user's table with one), not on the line
        let side = date > policy.codes.rows[first as usize].valid_from;
        let key = *memo.entry((code, side)).or_insert_with(|| match policy.codes.unknown_message(cands, date) {
            Some(m) if vals.len() < u16::MAX as usize => {
                vals.push(m);
                (vals.len() - 1) as u16
            }
            _ => u16::MAX,
        });
        keys[i] = key;
    }
    (keys, vals)
}

/// The message of a row whose treatment year has no statutory parameters, naming the year.
pub fn no_year_message(year: i32) -> String {
    format!("{} {year}", Invalid::NoYearParameters.message())
}

pub fn schema() -> Schema {
    let dict8 = DataType::Dictionary(Box::new(DataType::UInt8), Box::new(DataType::Utf8));
    let dict16 = DataType::Dictionary(Box::new(DataType::UInt16), Box::new(DataType::Utf8));
    let dict32 = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let dec = DataType::Decimal128(MONEY_PRECISION, 2);
    Schema::new(vec![
        Field::new("age", DataType::Int16, true),
        Field::new("code_normalized", dict32, true),
        Field::new("basic_covered", DataType::Boolean, false),
        Field::new("reason", dict8.clone(), false),
        Field::new("legal_basis", dict16.clone(), false),
        Field::new("authorization_required", DataType::Boolean, false),
        Field::new("authorization_category", dict16.clone(), true),
        Field::new("pok_mismatch", DataType::Boolean, false),
        Field::new("allowed", dec.clone(), false),
        Field::new("eigen_bijdrage", dec.clone(), false),
        Field::new("eigen_risico", dec.clone(), false),
        Field::new("basic_paid", dec.clone(), false),
        Field::new("supplementary_paid", dec.clone(), false),
        Field::new("patient_paid", dec, true),
        Field::new("supplementary_reason", dict8.clone(), false),
        Field::new("supplementary_basis", dict16.clone(), true),
        Field::new("message", dict16.clone(), true),
    ])
}

/// The schema metadata key that counts the opening balances capped at their pot in the
/// call that built a batch (docs/rules.md#opening-balances); absent without an opening.
pub const OPENING_CAPPED: &str = "aanspraak.opening_capped";

/// `batch` with the count of capped opening balances in its schema metadata.
pub fn with_opening_capped(batch: RecordBatch, capped: usize) -> Result<RecordBatch> {
    let schema = batch.schema().as_ref().clone().with_metadata([(OPENING_CAPPED.to_string(), capped.to_string())].into());
    batch.with_schema(Arc::new(schema)).map_err(|e| Error::Other(e.to_string()))
}

/// All output columns (docs/rules.md#output), in order.
pub fn build(lines: &Lines, out: Outcome, policy: &CompiledPolicy) -> Result<RecordBatch> {
    build_columns(lines, out, policy, COLUMNS)
}

/// The named output columns (a subset of `COLUMNS`, in the given order); only those
/// are converted, so a scenario of `compare` pays for the columns it returns.
pub fn build_columns(lines: &Lines, mut out: Outcome, policy: &CompiledPolicy, names: &[&str]) -> Result<RecordBatch> {
    let err = |e: arrow_schema::ArrowError| Error::Other(e.to_string());
    let full = schema();
    let basis_vals = || -> ArrayRef { Arc::new(StringArray::from(policy.basis_texts.clone())) };
    let mut fields = Vec::with_capacity(names.len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(names.len());
    // before `reason` is moved out of `out`
    let mut messages = names.contains(&"message").then(|| message_keys(lines, &out, policy));
    for &name in names {
        let field = full.field_with_name(name).map_err(|_| Error::Other(format!("no output column {name:?}; expected one of {COLUMNS:?}")))?;
        let col: ArrayRef = match name {
            "age" => {
                let age = std::mem::take(&mut out.age);
                let nulls = null_buffer(&age, |a| *a != NO_AGE);
                Arc::new(Int16Array::new(age.into(), nulls))
            }
            "code_normalized" => {
                let nulls = null_buffer(&lines.code, |&c| c != u32::MAX);
                let vals: Vec<i32> = lines.code.par_iter().map(|&c| if c == u32::MAX { 0 } else { c as i32 }).collect();
                let keys = Int32Array::new(vals.into(), nulls);
                let strings: ArrayRef = Arc::new(StringArray::from(lines.code_strings.clone()));
                Arc::new(DictionaryArray::<Int32Type>::try_new(keys, strings).map_err(err)?)
            }
            "basic_covered" => bools(&out.flags, flag::COVERED),
            "reason" => dict_u8(keys_of(std::mem::take(&mut out.reason), |r| r as u8), &REASONS.iter().map(|r| r.1).collect::<Vec<_>>())?,
            "legal_basis" => {
                let keys = UInt16Array::new(std::mem::take(&mut out.basis).into(), None);
                Arc::new(DictionaryArray::<UInt16Type>::try_new(keys, basis_vals()).map_err(err)?)
            }
            "authorization_required" => bools(&out.flags, flag::AUTHORIZATION_REQUIRED),
            "authorization_category" => {
                let cats = std::mem::take(&mut out.auth_category);
                let nulls = null_buffer(&cats, |c| *c != u16::MAX);
                let keys: Vec<u16> = cats.into_par_iter().map(|c| if c == u16::MAX { 0 } else { c }).collect();
                let vals: ArrayRef = Arc::new(StringArray::from(policy.msz.combos.clone()));
                Arc::new(DictionaryArray::<UInt16Type>::try_new(UInt16Array::new(keys.into(), nulls), vals).map_err(err)?)
            }
            "pok_mismatch" => bools(&out.flags, flag::POK_MISMATCH),
            "allowed" => money(std::mem::take(&mut out.allowed), false)?,
            "eigen_bijdrage" => money(std::mem::take(&mut out.eigen_bijdrage), false)?,
            "eigen_risico" => money(std::mem::take(&mut out.eigen_risico), false)?,
            "basic_paid" => money(std::mem::take(&mut out.basic_paid), false)?,
            "supplementary_paid" => money(std::mem::take(&mut out.supplementary_paid), false)?,
            "patient_paid" => money(std::mem::take(&mut out.patient_paid), true)?,
            "supplementary_reason" => {
                let keys = keys_of(std::mem::take(&mut out.supplementary_reason), |r| r as u8);
                dict_u8(keys, &SUPP_REASONS.iter().map(|r| r.1).collect::<Vec<_>>())?
            }
            "supplementary_basis" => {
                let basis = std::mem::take(&mut out.supplementary_basis);
                let nulls = null_buffer(&basis, |b| *b != NO_BASIS);
                let keys: Vec<u16> = basis.into_par_iter().map(|b| if b == NO_BASIS { 0 } else { b }).collect();
                Arc::new(DictionaryArray::<UInt16Type>::try_new(UInt16Array::new(keys.into(), nulls), basis_vals()).map_err(err)?)
            }
            "message" => {
                let (keys, vals) = messages.take().expect("one message column");
                let nulls = null_buffer(&keys, |k| *k != u16::MAX);
                let keys: Vec<u16> = keys.into_par_iter().map(|k| if k == u16::MAX { 0 } else { k }).collect();
                let vals: ArrayRef = Arc::new(StringArray::from(vals));
                Arc::new(DictionaryArray::<UInt16Type>::try_new(UInt16Array::new(keys.into(), nulls), vals).map_err(err)?)
            }
            _ => unreachable!("every name of schema() has an arm"),
        };
        fields.push(field.clone());
        columns.push(col);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(err)
}
