//! The column readers: one function per `schema::Kind`, each taking its column's
//! `ColumnSpec` (name, accepted types) and giving a `Col` of the working form.
//! An absent or all-null optional column is `Col::Const` of its default.

use super::kinds::{bools, dates, ints, is_int, is_string, is_whole_number_type, money, schema_err, whole_numbers};
use super::schema::{spec, ColumnSpec};
use super::{Col, Keys, BAD_BASIC, BAD_ELEMENT, BAD_SUPP, NO_DATE, NO_SUPP, SPECIALISM_NONE, SPECIALISM_OTHER};
use crate::error::Result;
use crate::strings::{map_strings, StrCol};
use crate::vocab::Tri;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, SchemaRef};
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

/// The input table: its schema and record batches.
pub(super) struct Table<'a> {
    pub(super) schema: SchemaRef,
    pub(super) batches: &'a [RecordBatch],
}

impl<'a> Table<'a> {
    pub(super) fn column(&self, name: &str) -> Option<(DataType, Vec<ArrayRef>)> {
        let idx = self.schema.index_of(name).ok()?;
        let dt = self.schema.field(idx).data_type().clone();
        Some((dt, self.batches.iter().map(|b| b.column(idx).clone()).collect()))
    }

    /// An optional column; `(DataType::Null, [])` when every value is null, whatever its
    /// type (pandas and CSV readers type all-null columns as strings): then the column's
    /// default holds for every row.
    fn optional(&self, name: &str) -> Option<(DataType, Vec<ArrayRef>)> {
        let (dt, chunks) = self.column(name)?;
        if chunks.iter().all(|c| c.logical_null_count() == c.len()) {
            return Some((DataType::Null, Vec::new()));
        }
        Some((dt, chunks))
    }

    /// A required column (`read` checked that it is there).
    fn required(&self, name: &str) -> (DataType, Vec<ArrayRef>) {
        self.column(name).expect("checked by read")
    }
}

/// `Kind::Enum`: a string column of one vocabulary enum, `parse`d after trimming; the
/// null value for null, `None` for an unknown spelling (the row is invalid).
pub(super) fn enum_col<E: Copy + Default + Send + Sync>(
    t: &Table,
    n: usize,
    name: &str,
    parse: impl Fn(&str) -> Option<E> + Sync,
) -> Result<Col<Option<E>>> {
    let c = spec(name);
    match t.optional(c.name) {
        None | Some((DataType::Null, _)) => Ok(Col::Const(Some(E::default()))),
        Some((dt, _)) if !is_string(&dt) => Err(schema_err(c.name, &dt, c.expected)),
        Some((_, chunks)) => {
            let col = StrCol::new(&chunks);
            Ok(Col::Vec(map_strings(&col, n, Some(E::default()), |s| std::str::from_utf8(s).ok().and_then(|s| parse(s.trim())))))
        }
    }
}

/// `Kind::Tri`: a Boolean column whose null means unknown.
pub(super) fn tri_col(t: &Table, n: usize, name: &str) -> Result<Col<Tri>> {
    let c = spec(name);
    match t.optional(c.name) {
        None | Some((DataType::Null, _)) => Ok(Col::Const(Tri::Null)),
        Some((dt, chunks)) => Ok(Col::Vec(bools(c, &dt, &chunks, n)?)),
    }
}

/// `Kind::Bool`: a Boolean column whose null means `default`.
pub(super) fn bool_col(t: &Table, n: usize, name: &str, default: bool) -> Result<Col<bool>> {
    Ok(match tri_col(t, n, name)? {
        Col::Const(_) => Col::Const(default),
        Col::Vec(v) => Col::Vec(v.into_iter().map(|x| match x {
            Tri::Null => default,
            Tri::False => false,
            Tri::True => true,
        }).collect()),
    })
}

/// `Kind::Date`, optional: NO_DATE when absent or null.
pub(super) fn date_col(t: &Table, n: usize, name: &str) -> Result<Col<i32>> {
    let c = spec(name);
    match t.optional(c.name) {
        None | Some((DataType::Null, _)) => Ok(Col::Const(NO_DATE)),
        Some((dt, chunks)) => Ok(Col::Vec(dates(c, &dt, &chunks, n)?)),
    }
}

/// `Kind::Date`, required.
pub(super) fn required_dates(t: &Table, n: usize, name: &str) -> Result<Vec<i32>> {
    let (dt, chunks) = t.required(name);
    dates(spec(name), &dt, &chunks, n)
}

/// `Kind::Money`, optional: cents, `absent` when absent or null (NO_CENTS for a null
/// value in a present column).
pub(super) fn money_col(t: &Table, n: usize, name: &str, absent: i64) -> Result<Col<i64>> {
    match t.optional(name) {
        None | Some((DataType::Null, _)) => Ok(Col::Const(absent)),
        Some((dt, chunks)) => money(spec(name), &dt, &chunks, n).map(Col::Vec),
    }
}

/// The amount, from `amount` or else `amount_cents` (`read` checked that one is there).
pub(super) fn amount(t: &Table, n: usize, c: &ColumnSpec) -> Result<Vec<i64>> {
    let (dt, chunks) = t.required(c.name);
    money(c, &dt, &chunks, n)
}

/// `Kind::Element`: the FDI tooth number; 0 when null, BAD_ELEMENT when it is none.
pub(super) fn element_col(t: &Table, n: usize) -> Result<Col<u8>> {
    let c = spec("element");
    match t.optional(c.name) {
        None | Some((DataType::Null, _)) => Ok(Col::Const(0u8)),
        Some((dt, chunks)) => ints(c, &dt, &chunks, n, |e| match e {
            None => 0,
            Some(e) if valid_fdi(e) => e as u8,
            Some(_) => BAD_ELEMENT,
        })
        .map(Col::Vec),
    }
}

/// `Kind::Specialism`: the index in the POK list's specialisms, SPECIALISM_OTHER for another
/// (valid) specialism, SPECIALISM_NONE for null.
pub(super) fn specialism_col(t: &Table, n: usize, known: &[String]) -> Result<Col<u16>> {
    let c = spec("specialism");
    match t.optional(c.name) {
        Some((dt, _)) if dt != DataType::Null && !is_string(&dt) => Err(schema_err(c.name, &dt, c.expected)),
        Some((_, chunks)) if !chunks.is_empty() => {
            let col = StrCol::new(&chunks);
            Ok(Col::Vec(map_strings(&col, n, SPECIALISM_NONE, |s| {
                let s = std::str::from_utf8(s).unwrap_or("").trim();
                known.iter().position(|k| k.eq_ignore_ascii_case(s)).map_or(SPECIALISM_OTHER, |p| p as u16)
            })))
        }
        _ => Ok(Col::Const(SPECIALISM_NONE)),
    }
}

/// `Kind::Product` (`basic_product`): the index of the product among the policy's basic
/// products (u16: `policy::MAX_PRODUCTS`); the default product when absent or null,
/// BAD_BASIC when unknown.
pub(super) fn basic_col(t: &Table, n: usize, keys: &Keys) -> Result<Col<u16>> {
    let c = spec("basic_product");
    match t.optional(c.name) {
        None | Some((DataType::Null, _)) => Ok(Col::Const(keys.default_basic)),
        Some((dt, _)) if !is_string(&dt) => Err(schema_err(c.name, &dt, c.expected)),
        Some((_, chunks)) => {
            let col = StrCol::new(&chunks);
            let index = |s: &str| keys.basic.iter().position(|k| k == s).map(|i| i as u16);
            Ok(Col::Vec(map_strings(&col, n, keys.default_basic, |s| std::str::from_utf8(s).ok().and_then(|s| index(s.trim())).unwrap_or(BAD_BASIC))))
        }
    }
}

/// `Kind::Products` (`supplementary_product`): keys joined by `+`, packed by
/// `supplementary::terms::pack`; NO_SUPP for none, BAD_SUPP when a key is unknown,
/// repeated or there are too many.
pub(super) fn supplementary_col(t: &Table, n: usize, keys: &[String], accident: &[bool]) -> Result<Col<u64>> {
    let c = spec("supplementary_product");
    let Some((dt, chunks)) = t.optional(c.name) else { return Ok(Col::Const(NO_SUPP)) };
    if dt == DataType::Null {
        return Ok(Col::Const(NO_SUPP));
    }
    if !is_string(&dt) {
        return Err(schema_err(c.name, &dt, c.expected));
    }
    let col = StrCol::new(&chunks);
    Ok(Col::Vec(map_strings(&col, n, NO_SUPP, |s| {
        let s = std::str::from_utf8(s).unwrap_or("\u{0}").trim();
        if s.is_empty() {
            return NO_SUPP;
        }
        let parts: Option<Vec<u16>> = s.split('+').map(|part| keys.iter().position(|k| k == part.trim()).map(|p| p as u16)).collect();
        parts.and_then(|p| crate::supplementary::terms::pack(p, accident)).unwrap_or(BAD_SUPP)
    })))
}

/// An FDI tooth number: 11-48 permanent, 51-85 deciduous.
fn valid_fdi(e: i64) -> bool {
    let (q, t) = (e / 10, e % 10);
    ((1..=4).contains(&q) && (1..=8).contains(&t)) || ((5..=8).contains(&q) && (1..=5).contains(&t))
}

/// `Kind::Id` (`insured_id`), validated, and which rows are null (None when none are).
pub(super) fn insured_ids(t: &Table, n: usize) -> Result<(crate::ids::InsuredIds, Option<Vec<bool>>)> {
    let c = spec("insured_id");
    let (dt, chunks) = t.required(c.name);
    let (dt, chunks) = if is_whole_number_type(&dt) { (DataType::Int64, whole_numbers(c.name, &dt, &chunks, c.expected)?) } else { (dt, chunks) };
    let ids = if is_int(&dt) {
        crate::ids::InsuredIds::Ints(crate::ids::IntRows::new(&chunks))
    } else if is_string(&dt) {
        crate::ids::InsuredIds::Strings(crate::strings::RowStrings::new(&chunks))
    } else {
        return Err(schema_err(c.name, &dt, c.expected));
    };
    let mut nulls = None;
    if chunks.iter().any(|c| c.logical_null_count() > 0) {
        let mut v = Vec::with_capacity(n);
        for c in &chunks {
            let ln = c.logical_nulls();
            v.extend((0..c.len()).map(|i| ln.as_ref().is_some_and(|nb| nb.is_null(i))));
        }
        nulls = Some(v);
    }
    Ok((ids, nulls))
}

/// Codes interned to distinct normalised strings.
pub(super) fn codes(t: &Table, n: usize) -> Result<(Vec<u32>, Vec<String>)> {
    let c = spec("code");
    let (dt, chunks) = t.required(c.name);
    if !is_string(&dt) {
        return Err(schema_err(c.name, &dt, c.expected));
    }
    let col = StrCol::new(&chunks);
    // Normalise each distinct value once per slice and intern it; codes that normalise
    // alike (" c11", "C11") share an id.
    let table: std::sync::Mutex<(Vec<String>, HashMap<String, u32>)> = std::sync::Mutex::new((Vec::new(), HashMap::new()));
    let ids = map_strings(&col, n, u32::MAX, |raw| {
        let s = crate::codes::normalize_code(&String::from_utf8_lossy(raw));
        if s.is_empty() {
            return u32::MAX;
        }
        let mut g = table.lock().unwrap_or_else(|e| e.into_inner());
        let (list, index) = &mut *g;
        if let Some(&id) = index.get(&s) {
            return id;
        }
        list.push(s.clone());
        index.insert(s, (list.len() - 1) as u32);
        (list.len() - 1) as u32
    });
    // Ids in sorted code order, so the output does not depend on thread timing.
    let (list, _) = table.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut order: Vec<u32> = (0..list.len() as u32).collect();
    order.sort_by(|a, b| list[*a as usize].cmp(&list[*b as usize]));
    let mut remap = vec![0u32; list.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old as usize] = new as u32;
    }
    let sorted: Vec<String> = order.iter().map(|&i| list[i as usize].clone()).collect();
    let out = ids.par_iter().map(|&i| if i == u32::MAX { u32::MAX } else { remap[i as usize] }).collect();
    Ok((out, sorted))
}

/// The order key within an insured and day: the line_id, the row number by default
/// (docs/interpretations.md "Money", Order). Integers order by value (UInt64 too),
/// integer-valued floats and decimals as those integers, strings in byte order; a null
/// line_id goes first. Any other type or a fractional value is a schema error.
pub(super) fn line_order(t: &Table, n: usize) -> Result<crate::ids::LineOrder> {
    use crate::ids::{IntRows, LineOrder};
    let c = spec("line_id");
    let Some((dt, chunks)) = t.column(c.name) else { return Ok(LineOrder::RowNumber) };
    let expected = c.expected;
    if is_int(&dt) {
        return Ok(LineOrder::Ints(IntRows::new(&chunks)));
    }
    if is_string(&dt) {
        let col = StrCol::new(&chunks);
        let ids = crate::strings::dense_ids(&col, n);
        let distinct = crate::strings::distinct_values(&col, &ids);
        let mut order: Vec<u32> = (0..distinct.len() as u32).collect();
        order.par_sort_unstable_by(|a, b| distinct[*a as usize].cmp(&distinct[*b as usize]));
        let mut rank = vec![0i64; distinct.len()];
        for (r, &d) in order.iter().enumerate() {
            rank[d as usize] = r as i64;
        }
        return Ok(LineOrder::Keys(ids.par_iter().map(|&i| if i == u32::MAX { LineOrder::NULL } else { rank[i as usize] }).collect()));
    }
    if is_whole_number_type(&dt) {
        return Ok(LineOrder::Ints(IntRows::new(&whole_numbers(c.name, &dt, &chunks, expected)?)));
    }
    Err(schema_err(c.name, &dt, expected))
}
