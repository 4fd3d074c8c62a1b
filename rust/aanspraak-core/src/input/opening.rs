//! Opening balances (docs/rules.md#opening-balances): what an insured had already used,
//! before the first line of the input, of a calendar year's eigen risico (Zvw art. 19-20)
//! and of a supplementary product's annual maximum or sub-limit. The ledger and the
//! supplementary walk consume a balance when they open the pot or counter it belongs to.
//!
//! The Python side checks the user's frame (columns, types, values) and hands over one
//! row per balance: `insured_id` (the declarations' type), `year` (Int32), `kind`
//! (`eigen_risico`, `annual` or `limit`), `supplementary_product` and `limit_group`
//! (strings, null where the kind has none), `cents` (Int64, ≥ 0) and `row` (UInt32, the
//! user's row number, for messages).

use super::columns::{insured_ids, Table};
use super::Keys;
use crate::error::{Error, Result};
use crate::ids::InsuredIds;
use crate::strings::RowStrings;
use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type, UInt32Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use foldhash::{HashMap, HashMapExt};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a balance was used of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Used {
    /// The eigen risico of the calendar year (all contract periods of the year: the
    /// first pot the ledger opens consumes it).
    EigenRisico,
    /// A supplementary product's annual maximum (product index).
    Annual(u16),
    /// A supplementary product's sub-limit of one `limit_group` (product index, group).
    Limit(u16, String),
}

/// One balance of one insured.
#[derive(Debug, Clone)]
pub struct Balance {
    pub year: i32,
    pub used: Used,
    pub cents: i64,
    /// The insured's id bytes, where the key is a hash of a long string id (checked on
    /// lookup, as the ledger checks its groups).
    id: Option<Box<[u8]>>,
}

/// The opening balances of a call, by insured key (`InsuredIds::key`).
#[derive(Debug, Default)]
pub struct Opening {
    by_insured: HashMap<u128, Vec<Balance>>,
    /// Balances above their pot or limit, capped at it (counted as they are consumed):
    /// of the eigen risico, and of the supplementary limits.
    capped: [AtomicUsize; 2],
}

impl Opening {
    /// Read the normalised opening table. `keys.supplementary` maps product keys to
    /// the indices the lines use.
    pub fn read(schema: SchemaRef, batches: &[RecordBatch], keys: &Keys) -> Result<Opening> {
        let t = Table { schema, batches };
        let n: usize = batches.iter().map(|b| b.num_rows()).sum();
        let (ids, nulls) = insured_ids(&t, n)?;
        if nulls.is_some() {
            return Err(Error::Opening("opening: insured_id is null in some row".into()));
        }
        let col = |name: &str, dt: DataType| -> Result<Vec<arrow_array::ArrayRef>> {
            match t.column(name) {
                Some((d, chunks)) if d == dt => Ok(chunks),
                Some((d, _)) => Err(Error::Schema { column: format!("opening.{name}"), found: d.to_string(), expected: dt.to_string() }),
                None => Err(Error::Schema { column: format!("opening.{name}"), found: "no such column".into(), expected: dt.to_string() }),
            }
        };
        let (year, kind, product, group, cents, row) = (
            col("year", DataType::Int32)?,
            col("kind", DataType::Utf8)?,
            col("supplementary_product", DataType::Utf8)?,
            col("limit_group", DataType::Utf8)?,
            col("cents", DataType::Int64)?,
            col("row", DataType::UInt32)?,
        );
        let mut by_insured: HashMap<u128, Vec<Balance>> = HashMap::new();
        let mut i = 0usize;
        for c in 0..year.len() {
            let (year, kind, product, group) = (year[c].as_primitive::<Int32Type>(), kind[c].as_string::<i32>(), product[c].as_string::<i32>(), group[c].as_string::<i32>());
            let (cents, row) = (cents[c].as_primitive::<Int64Type>(), row[c].as_primitive::<UInt32Type>());
            for k in 0..year.len() {
                let at = || format!("opening row {}", row.value(k));
                let product_index = || -> Result<u16> {
                    let key = product.is_valid(k).then(|| product.value(k)).unwrap_or_default();
                    let p = keys.supplementary.iter().position(|s| s == key).ok_or_else(|| {
                        Error::Opening(format!("{}: supplementary_product {key:?} is not a supplementary product of the policy set (one of {:?})", at(), keys.supplementary))
                    })?;
                    Ok(p as u16)
                };
                let used = match kind.value(k) {
                    "eigen_risico" => Used::EigenRisico,
                    "annual" => Used::Annual(product_index()?),
                    "limit" => Used::Limit(product_index()?, group.value(k).to_string()),
                    other => return Err(Error::Opening(format!("{}: unknown balance kind {other:?}", at()))),
                };
                let key = ids.key(i);
                let id = RowStrings::is_hashed(key).then(|| ids.strings().map(|s| s.get(i).into())).flatten();
                by_insured.entry(key).or_default().push(Balance { year: year.value(k), used, cents: cents.value(k).max(0), id });
                i += 1;
            }
        }
        Ok(Opening { by_insured, capped: Default::default() })
    }

    /// Every balance.
    pub fn balances(&self) -> impl Iterator<Item = &Balance> {
        self.by_insured.values().flatten()
    }

    /// The balances of the insured of row `row` of the lines.
    pub fn of<'a>(&'a self, ids: &InsuredIds, row: usize) -> Option<&'a [Balance]> {
        let key = ids.key(row);
        let balances = self.by_insured.get(&key)?;
        if RowStrings::is_hashed(key) {
            let own = ids.strings().map(|s| s.get(row))?;
            if balances.first().and_then(|b| b.id.as_deref()) != Some(own) {
                return None;
            }
        }
        Some(balances)
    }

    /// The balance used of `used` in `year`, capped at `pot` (counted when capped).
    pub fn consume(&self, balances: &[Balance], year: i32, used: &Used, pot: i64) -> i64 {
        let Some(b) = balances.iter().find(|b| b.year == year && b.used == *used) else {
            return 0;
        };
        if b.cents > pot {
            self.capped[usize::from(*used != Used::EigenRisico)].fetch_add(1, Ordering::Relaxed);
        }
        b.cents.min(pot)
    }

    /// How many balances were capped at their pot since the last call: (eigen risico,
    /// supplementary limits).
    pub fn take_capped(&self) -> (usize, usize) {
        (self.capped[0].swap(0, Ordering::Relaxed), self.capped[1].swap(0, Ordering::Relaxed))
    }
}
