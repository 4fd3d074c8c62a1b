//! Output columns (SPEC 7) as Arrow arrays. Strings are dictionary-encoded (a small
//! table of values plus integer keys), money is Decimal128 with scale 2.

use crate::error::{Error, Result};
use crate::input::{Invalid, Lines, INVALID_MESSAGES, NO_CENTS};
use crate::policy::CompiledPolicy;
use crate::reason::{REASONS, SUPP_REASONS};
use arrow_array::types::{Int32Type, UInt16Type, UInt8Type};
use arrow_array::{
    ArrayRef, BooleanArray, Decimal128Array, DictionaryArray, Int16Array, Int32Array, RecordBatch, StringArray, UInt16Array,
    UInt8Array,
};
use arrow_buffer::{BooleanBuffer, NullBuffer};
use arrow_schema::{DataType, Field, Schema};
use rayon::prelude::*;
use std::sync::Arc;

/// No legal basis (a null in the output).
pub const NO_BASIS: u16 = u16::MAX;

/// Money columns: precision 18 holds any amount up to 10^16 euros.
pub const MONEY_PRECISION: u8 = 18;

/// Bits of `Outcome::flags`.
pub mod flag {
    pub const COVERED: u8 = 1;
    pub const AUTHORIZATION_REQUIRED: u8 = 2;
    /// Subject to the eigen risico (covered, 18 or over).
    pub const EIGEN_RISICO: u8 = 4;
    /// A POK-list procedure outside the outpatient operating room.
    pub const POK_MISMATCH: u8 = 8;
    /// A hospital-care (msz) line.
    pub const MSZ: u8 = 16;
}

/// Null age (invalid rows).
pub const NO_AGE: i16 = i16::MIN;

/// The per-line outcome as columns, written in place by the passes and handed to Arrow
/// without another copy. Money in cents as i128 (the Decimal128 representation).
pub struct Outcome {
    pub age: Vec<i16>,
    pub reason: Vec<u8>,
    pub basis: Vec<u16>,
    pub flags: Vec<u8>,
    /// Frequency rule index + 1 of the line's product, 0 for none.
    pub freq_rule: Vec<u8>,
    /// Eigen bijdrage in basis points of `allowed` (covered lines).
    pub bijdrage_bp: Vec<u16>,
    pub allowed: Vec<i128>,
    pub eigen_bijdrage: Vec<i128>,
    pub eigen_risico: Vec<i128>,
    pub basic_paid: Vec<i128>,
    pub supplementary_paid: Vec<i128>,
    pub patient_paid: Vec<i128>,
    pub supplementary_reason: Vec<u8>,
    /// Legal basis of the supplementary outcome; NO_BASIS for none.
    pub supplementary_basis: Vec<u16>,
    /// Index into the policy's authorisation-category combinations; u16::MAX for none.
    pub auth_category: Vec<u16>,
}

impl Outcome {
    pub fn new(n: usize) -> Outcome {
        Outcome {
            age: vec![NO_AGE; n],
            reason: vec![0; n],
            basis: vec![0; n],
            flags: vec![0; n],
            freq_rule: vec![0; n],
            bijdrage_bp: vec![0; n],
            allowed: vec![0; n],
            eigen_bijdrage: vec![0; n],
            eigen_risico: vec![0; n],
            basic_paid: vec![0; n],
            supplementary_paid: vec![0; n],
            patient_paid: vec![0; n],
            supplementary_reason: vec![0; n],
            supplementary_basis: vec![NO_BASIS; n],
            auth_category: vec![u16::MAX; n],
        }
    }
}

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

/// A validity buffer, or None when every value is valid (the common case costs one scan).
fn null_buffer<T: Sync>(vals: &[T], valid: impl Fn(&T) -> bool + Sync) -> Option<NullBuffer> {
    if vals.par_iter().all(&valid) {
        return None;
    }
    Some(NullBuffer::from(vals.par_iter().map(&valid).collect::<Vec<bool>>()))
}

/// A Decimal128(18, 2) money column (moved, not copied); NO_CENTS becomes null.
fn money(vals: Vec<i128>) -> Result<ArrayRef> {
    let nulls = null_buffer(&vals, |v| *v != NO_CENTS as i128);
    let a = Decimal128Array::new(vals.into(), nulls)
        .with_precision_and_scale(MONEY_PRECISION, 2)
        .map_err(|e| Error::Other(e.to_string()))?;
    Ok(Arc::new(a))
}

fn bools(flags: &[u8], bit: u8) -> ArrayRef {
    Arc::new(BooleanArray::new(BooleanBuffer::collect_bool(flags.len(), |i| flags[i] & bit != 0), None))
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
        Field::new("message", dict8, true),
    ])
}

pub fn build(lines: &Lines, out: Outcome, policy: &CompiledPolicy) -> Result<RecordBatch> {
    let age_nulls = null_buffer(&out.age, |a| *a != NO_AGE);
    let age: ArrayRef = Arc::new(Int16Array::new(out.age.into(), age_nulls));
    let code_vals_i32: Vec<i32> = lines.code.par_iter().map(|&c| if c == u32::MAX { -1 } else { c as i32 }).collect();
    let code_nulls = null_buffer(&code_vals_i32, |c| *c >= 0);
    let code_keys = Int32Array::new(code_vals_i32.into_par_iter().map(|c| c.max(0)).collect::<Vec<_>>().into(), code_nulls);
    let code_vals: ArrayRef = Arc::new(StringArray::from(lines.code_strings.clone()));
    let code: ArrayRef = Arc::new(DictionaryArray::<Int32Type>::try_new(code_keys, code_vals).map_err(|e| Error::Other(e.to_string()))?);
    let reason_names: Vec<&str> = REASONS.iter().map(|r| r.1).collect();
    let reason = dict_u8(out.reason, &reason_names)?;
    let basis_vals: ArrayRef = Arc::new(StringArray::from(policy.basis_texts.clone()));
    let basis: ArrayRef = Arc::new(
        DictionaryArray::<UInt16Type>::try_new(UInt16Array::new(out.basis.into(), None), basis_vals.clone()).map_err(|e| Error::Other(e.to_string()))?,
    );
    let supp_names: Vec<&str> = SUPP_REASONS.iter().map(|r| r.1).collect();
    let supp_reason = dict_u8(out.supplementary_reason, &supp_names)?;
    let sb_nulls = null_buffer(&out.supplementary_basis, |b| *b != NO_BASIS);
    let sb_keys: Vec<u16> = out.supplementary_basis.into_par_iter().map(|b| if b == NO_BASIS { 0 } else { b }).collect();
    let supp_basis: ArrayRef = Arc::new(
        DictionaryArray::<UInt16Type>::try_new(UInt16Array::new(sb_keys.into(), sb_nulls), basis_vals.clone()).map_err(|e| Error::Other(e.to_string()))?,
    );
    let cat_nulls = null_buffer(&out.auth_category, |c| *c != u16::MAX);
    let cat_keys: Vec<u16> = out.auth_category.into_par_iter().map(|c| if c == u16::MAX { 0 } else { c }).collect();
    let cat_vals: ArrayRef = Arc::new(StringArray::from(policy.msz.combos.clone()));
    let auth_category: ArrayRef = Arc::new(
        DictionaryArray::<UInt16Type>::try_new(UInt16Array::new(cat_keys.into(), cat_nulls), cat_vals).map_err(|e| Error::Other(e.to_string()))?,
    );
    let message = dict_u8(lines.invalid.par_iter().map(|&m| if m == Invalid::Ok { u8::MAX } else { m as u8 }).collect(), INVALID_MESSAGES)?;
    let columns: Vec<ArrayRef> = vec![
        age,
        code,
        bools(&out.flags, flag::COVERED),
        reason,
        basis,
        bools(&out.flags, flag::AUTHORIZATION_REQUIRED),
        auth_category,
        bools(&out.flags, flag::POK_MISMATCH),
        money(out.allowed)?,
        money(out.eigen_bijdrage)?,
        money(out.eigen_risico)?,
        money(out.basic_paid)?,
        money(out.supplementary_paid)?,
        money(out.patient_paid)?,
        supp_reason,
        supp_basis,
        message,
    ];
    RecordBatch::try_new(Arc::new(schema()), columns).map_err(|e| Error::Other(e.to_string()))
}
