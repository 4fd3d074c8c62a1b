//! Insured ids and line ids, read per row on demand. Only the ledger needs them, and only
//! for covered lines, so no column-sized working copy is made.

use crate::strings::{chunk_offsets, locate, RowStrings};
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::ArrayRef;
use arrow_schema::DataType;

/// Integer columns of any width, by row.
pub struct IntRows {
    chunks: Vec<ArrayRef>,
    offsets: Vec<usize>,
}

impl IntRows {
    pub fn new(chunks: &[ArrayRef]) -> IntRows {
        IntRows { chunks: chunks.to_vec(), offsets: chunk_offsets(chunks) }
    }

    /// The value of row `row` (None for null); u64 values above i64::MAX wrap.
    #[inline]
    pub fn get(&self, row: usize) -> Option<i64> {
        let (ci, i) = locate(&self.offsets, row);
        let a = self.chunks[ci].as_ref();
        if a.is_null(i) {
            return None;
        }
        Some(match a.data_type() {
            DataType::Int8 => a.as_primitive::<Int8Type>().value(i) as i64,
            DataType::Int16 => a.as_primitive::<Int16Type>().value(i) as i64,
            DataType::Int32 => a.as_primitive::<Int32Type>().value(i) as i64,
            DataType::Int64 => a.as_primitive::<Int64Type>().value(i),
            DataType::UInt8 => a.as_primitive::<UInt8Type>().value(i) as i64,
            DataType::UInt16 => a.as_primitive::<UInt16Type>().value(i) as i64,
            DataType::UInt32 => a.as_primitive::<UInt32Type>().value(i) as i64,
            _ => a.as_primitive::<UInt64Type>().value(i) as i64,
        })
    }
}

/// `insured_id`: integers or strings.
pub enum InsuredIds {
    Ints(IntRows),
    Strings(RowStrings),
}

impl InsuredIds {
    /// The grouping key of a row: exact for integers and for strings of at most 12
    /// bytes; a 128-bit hash for longer strings (see `strings()` for the check).
    #[inline]
    pub fn key(&self, row: usize) -> u128 {
        match self {
            InsuredIds::Ints(v) => v.get(row).map_or(u128::MAX, |x| x as u64 as u128),
            InsuredIds::Strings(s) => s.key(row),
        }
    }

    /// The string ids, when grouping by a hashed key must be checked.
    pub fn strings(&self) -> Option<&RowStrings> {
        match self {
            InsuredIds::Ints(_) => None,
            InsuredIds::Strings(s) => Some(s),
        }
    }
}

/// The processing order of lines within an insured and day (SPEC 10.6).
pub enum LineOrder {
    /// No usable line_id: the row number.
    RowNumber,
    /// Integer line_ids, by value (null first).
    Ints(IntRows),
    /// String line_ids: their rank in byte order (computed once).
    Ranks(Vec<i64>),
}

impl LineOrder {
    #[inline]
    pub fn get(&self, row: usize) -> i64 {
        match self {
            LineOrder::RowNumber => row as i64,
            LineOrder::Ints(v) => v.get(row).unwrap_or(i64::MIN),
            LineOrder::Ranks(r) => r[row],
        }
    }
}
