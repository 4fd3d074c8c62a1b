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

    /// An i64 that orders row `row` as its value orders (None for null): the value, and
    /// for UInt64 the value shifted down by 2^63 (so ids above i64::MAX order by value).
    #[inline]
    pub fn order_key(&self, row: usize) -> Option<i64> {
        let (ci, i) = locate(&self.offsets, row);
        let a = self.chunks[ci].as_ref();
        match a.data_type() {
            DataType::UInt64 if a.is_valid(i) => Some((a.as_primitive::<UInt64Type>().value(i) ^ (1 << 63)) as i64),
            _ => self.get(row),
        }
    }

    /// The exact value of row `row` (None for null), u64 values above i64::MAX included:
    /// a key that matches equal values across integer types (credit lines).
    #[inline]
    pub fn value(&self, row: usize) -> Option<i128> {
        let (ci, i) = locate(&self.offsets, row);
        let a = self.chunks[ci].as_ref();
        match a.data_type() {
            DataType::UInt64 if a.is_valid(i) => Some(a.as_primitive::<UInt64Type>().value(i) as i128),
            _ => self.get(row).map(i128::from),
        }
    }

    /// The value of row `row` (None for null); u64 values above i64::MAX wrap (as a
    /// grouping key that is exact: `key` reads it back as u64).
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

/// The processing order of lines within an insured and day (docs/interpretations.md,
/// Order): a key per row, the row number breaking ties.
pub enum LineOrder {
    /// No line_id: the row number.
    RowNumber,
    /// Integer line_ids (integer-valued floats and decimals read as Int64), by value;
    /// null first.
    Ints(IntRows),
    /// String line_ids: their rank in byte order (computed once); NULL for null.
    Keys(Vec<i64>),
}

impl LineOrder {
    /// The key of a null line_id: before every other (it ties only with the smallest
    /// id, i64::MIN or UInt64 0, and then the row number decides).
    pub const NULL: i64 = i64::MIN;

    #[inline]
    pub fn get(&self, row: usize) -> i64 {
        match self {
            LineOrder::RowNumber => row as i64,
            LineOrder::Ints(v) => v.order_key(row).unwrap_or(Self::NULL),
            LineOrder::Keys(r) => r[row],
        }
    }
}
