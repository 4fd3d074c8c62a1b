//! Output columns (SPEC 7) as Arrow arrays. Strings are dictionary-encoded (a small
//! table of values plus integer keys), money is Decimal128 with scale 2.

use crate::error::{Error, Result};
use crate::input::{Invalid, Lines, INVALID_MESSAGES, NO_CENTS};
use crate::policy::CompiledPolicy;
use crate::reason::{Reason, REASONS};
use arrow_array::types::{Int32Type, UInt16Type, UInt8Type};
use arrow_array::{
    ArrayRef, BooleanArray, Decimal128Array, DictionaryArray, Int16Array, Int32Array, PrimitiveArray, RecordBatch, StringArray,
    UInt16Array, UInt8Array,
};
use arrow_schema::{DataType, Field, Schema};
use rayon::prelude::*;
use std::sync::Arc;

/// Supplementary reasons known to this version.
pub const SUPPLEMENTARY_REASONS: &[&str] = &["NO_SUPPLEMENTARY", "NOT_EVALUATED"];

/// Money columns: precision 18 holds any amount up to 10^16 euros.
pub const MONEY_PRECISION: u8 = 18;

#[derive(Debug, Clone, Copy)]
pub struct RowOut {
    pub age: i32,
    pub covered: bool,
    pub reason: Reason,
    pub basis: u16,
    pub authorization_required: bool,
    pub freq_rule: u8,
    pub er: bool,
    pub supplementary_reason: u8,
    pub allowed: i64,
    pub eigen_bijdrage: i64,
    pub eigen_risico: i64,
    pub basic_paid: i64,
    pub supplementary_paid: i64,
    pub patient_paid: i64,
}

impl Default for RowOut {
    fn default() -> Self {
        RowOut {
            age: i32::MIN,
            covered: false,
            reason: Reason::Covered,
            basis: 0,
            authorization_required: false,
            freq_rule: 0,
            er: false,
            supplementary_reason: 0,
            allowed: 0,
            eigen_bijdrage: 0,
            eigen_risico: 0,
            basic_paid: 0,
            supplementary_paid: 0,
            patient_paid: 0,
        }
    }
}

pub struct Outcome {
    pub rows: Vec<RowOut>,
}

impl Outcome {
    pub fn new(n: usize) -> Outcome {
        Outcome { rows: vec![RowOut::default(); n] }
    }
    pub fn par_rows_mut(&mut self) -> rayon::iter::Enumerate<rayon::slice::IterMut<'_, RowOut>> {
        self.rows.par_iter_mut().enumerate()
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
    "message",
];

fn dict_u8(keys: Vec<Option<u8>>, values: &[&str]) -> Result<ArrayRef> {
    let values: ArrayRef = Arc::new(StringArray::from(values.to_vec()));
    let keys = UInt8Array::from(keys);
    Ok(Arc::new(DictionaryArray::<UInt8Type>::try_new(keys, values).map_err(|e| Error::Other(e.to_string()))?))
}

fn money(rows: &[RowOut], get: impl Fn(&RowOut) -> i64 + Sync) -> Result<ArrayRef> {
    let vals: Vec<Option<i128>> = rows.par_iter().map(|r| {
        let v = get(r);
        if v == NO_CENTS { None } else { Some(v as i128) }
    }).collect();
    let a = Decimal128Array::from(vals).with_precision_and_scale(MONEY_PRECISION, 2).map_err(|e| Error::Other(e.to_string()))?;
    Ok(Arc::new(a))
}

fn money_nonnull(rows: &[RowOut], get: impl Fn(&RowOut) -> i64 + Sync) -> Result<ArrayRef> {
    let vals: Vec<i128> = rows.par_iter().map(|r| get(r) as i128).collect();
    let a = PrimitiveArray::<arrow_array::types::Decimal128Type>::from(vals)
        .with_precision_and_scale(MONEY_PRECISION, 2)
        .map_err(|e| Error::Other(e.to_string()))?;
    Ok(Arc::new(a))
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
        Field::new("legal_basis", dict16, false),
        Field::new("authorization_required", DataType::Boolean, false),
        Field::new("authorization_category", DataType::Utf8, true),
        Field::new("pok_mismatch", DataType::Boolean, false),
        Field::new("allowed", dec.clone(), false),
        Field::new("eigen_bijdrage", dec.clone(), false),
        Field::new("eigen_risico", dec.clone(), false),
        Field::new("basic_paid", dec.clone(), false),
        Field::new("supplementary_paid", dec.clone(), false),
        Field::new("patient_paid", dec, true),
        Field::new("supplementary_reason", dict8.clone(), false),
        Field::new("message", dict8, true),
    ])
}

pub fn build(lines: &Lines, out: &Outcome, policy: &CompiledPolicy) -> Result<RecordBatch> {
    let rows = &out.rows;
    let n = rows.len();
    let age: ArrayRef = Arc::new(Int16Array::from(
        rows.par_iter().map(|r| if r.age == i32::MIN { None } else { Some(r.age.clamp(-1, i16::MAX as i32) as i16) }).collect::<Vec<_>>(),
    ));
    let code_keys = Int32Array::from(lines.code.par_iter().map(|&c| if c == u32::MAX { None } else { Some(c as i32) }).collect::<Vec<_>>());
    let code_vals: ArrayRef = Arc::new(StringArray::from(lines.code_strings.clone()));
    let code: ArrayRef = Arc::new(DictionaryArray::<Int32Type>::try_new(code_keys, code_vals).map_err(|e| Error::Other(e.to_string()))?);
    let covered: ArrayRef = Arc::new(BooleanArray::from(rows.par_iter().map(|r| r.covered).collect::<Vec<_>>()));
    let reason_names: Vec<&str> = REASONS.iter().map(|r| r.1).collect();
    let reason = dict_u8(rows.par_iter().map(|r| Some(r.reason as u8)).collect(), &reason_names)?;
    let basis_vals: ArrayRef = Arc::new(StringArray::from(policy.basis_texts.clone()));
    let basis: ArrayRef = Arc::new(
        DictionaryArray::<UInt16Type>::try_new(UInt16Array::from(rows.par_iter().map(|r| r.basis).collect::<Vec<_>>()), basis_vals)
            .map_err(|e| Error::Other(e.to_string()))?,
    );
    let auth: ArrayRef = Arc::new(BooleanArray::from(rows.par_iter().map(|r| r.authorization_required).collect::<Vec<_>>()));
    let auth_cat: ArrayRef = Arc::new(StringArray::new_null(n));
    let pok: ArrayRef = Arc::new(BooleanArray::from(vec![false; n]));
    let supp_reason = dict_u8(rows.par_iter().map(|r| Some(r.supplementary_reason)).collect(), SUPPLEMENTARY_REASONS)?;
    let message = dict_u8(
        lines.invalid.par_iter().map(|&m| if m == Invalid::Ok { None } else { Some(m as u8) }).collect(),
        INVALID_MESSAGES,
    )?;
    let columns: Vec<ArrayRef> = vec![
        age,
        code,
        covered,
        reason,
        basis,
        auth,
        auth_cat,
        pok,
        money_nonnull(rows, |r| r.allowed)?,
        money_nonnull(rows, |r| r.eigen_bijdrage)?,
        money_nonnull(rows, |r| r.eigen_risico)?,
        money_nonnull(rows, |r| r.basic_paid)?,
        money_nonnull(rows, |r| r.supplementary_paid)?,
        money(rows, |r| r.patient_paid)?,
        supp_reason,
        message,
    ];
    RecordBatch::try_new(Arc::new(schema()), columns).map_err(|e| Error::Other(e.to_string()))
}
