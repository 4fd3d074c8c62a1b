//! Credit lines (docs/rules.md#credit-lines): a row with a `credits_line_id` reverses the
//! line whose `line_id` it names (Vektis: the debit/credit indicator and the reference
//! number of the earlier related record). Paired once after reading, in O(n): the few
//! credit rows are keyed by the line_id they name, one parallel scan of `line_id` finds
//! those lines, and each pair is checked. A valid pair marks both rows (`Credit`), which
//! the rules score `CREDITED` and every later pass leaves out; a credit that fails a check
//! is `INVALID_INPUT` (the `Credit*` reasons of `Invalid`) and its original stays an
//! ordinary line.

use super::columns::Table;
use super::kinds::{is_int, is_string, is_whole_number_type, schema_err, whole_numbers};
use super::schema::{spec, Invalid};
use super::{Col, Lines};
use crate::error::Result;
use crate::ids::IntRows;
use crate::strings::{bytes_key, RowStrings};
use arrow_array::ArrayRef;
use arrow_schema::DataType;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

/// The credit state of a row (one byte).
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Credit {
    /// An ordinary line (also an invalid credit).
    #[default]
    No,
    /// A line that a valid credit reverses: scored `CREDITED`.
    Original,
    /// A valid credit: scored `CREDITED`. While reading, every row with a
    /// `credits_line_id` (a negative amount is valid on it).
    Reversal,
}

impl Credit {
    /// The row is one of a valid credit pair: `CREDITED`, left out of every limit.
    #[inline(always)]
    pub fn is_credited(self) -> bool {
        self != Credit::No
    }
}

/// The value of a `credits_line_id` or a `line_id`.
#[derive(Debug, Clone)]
pub enum IdValue {
    Int(i128),
    Text(Box<[u8]>),
}

/// The `credits_line_id` column as read: the rows that carry one, in row order, with the
/// value (an empty or blank string is none).
pub struct Refs {
    rows: Vec<(u32, IdValue)>,
}

impl Refs {
    /// The preliminary credit state: `Reversal` for every row with a reference.
    pub(super) fn marks(&self, n: usize) -> Col<Credit> {
        if self.rows.is_empty() {
            return Col::Const(Credit::No);
        }
        let mut v = vec![Credit::No; n];
        for (r, _) in &self.rows {
            v[*r as usize] = Credit::Reversal;
        }
        Col::Vec(v)
    }
}

/// An integer or string id column (`line_id`, `credits_line_id`), as `line_order` reads it.
enum Ids {
    /// Random access and the chunks (integer-valued floats and decimals as Int64).
    Ints(IntRows, Vec<ArrayRef>),
    Strings(RowStrings),
}

/// Rows per task of the scans below.
const SLICE: usize = 1 << 16;

/// `f(row, value)` for every non-null row of an integer column, in parallel slices, the
/// results in row order. Int64 (the usual type) is read from its buffer directly.
fn int_rows<T: Send>(chunks: &[ArrayRef], f: impl Fn(usize, i128) -> Option<T> + Sync) -> Vec<T> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;
    use arrow_array::Array;
    let mut slices = Vec::new();
    let mut off = 0;
    for c in chunks {
        let mut start = 0;
        while start < c.len() {
            let len = SLICE.min(c.len() - start);
            slices.push((off + start, c.slice(start, len)));
            start += len;
        }
        off += c.len();
    }
    slices
        .par_iter()
        .flat_map_iter(|(off, a)| {
            let mut out = Vec::new();
            if a.null_count() == a.len() {
                return out;
            }
            if *a.data_type() == DataType::Int64 {
                let p = a.as_primitive::<Int64Type>();
                let (vals, nulls) = (p.values(), p.nulls());
                for (i, &v) in vals.iter().enumerate() {
                    if nulls.is_none_or(|n| n.is_valid(i)) {
                        out.extend(f(off + i, v as i128));
                    }
                }
            } else {
                let rows = IntRows::new(std::slice::from_ref(a));
                out.extend((0..a.len()).filter_map(|i| f(off + i, rows.value(i)?)));
            }
            out
        })
        .collect()
}

fn id_column(t: &Table, name: &str) -> Result<Option<Ids>> {
    let c = spec(name);
    let Some((dt, chunks)) = t.column(name) else { return Ok(None) };
    if dt == DataType::Null {
        return Ok(None);
    }
    if is_int(&dt) {
        return Ok(Some(Ids::Ints(IntRows::new(&chunks), chunks)));
    }
    if is_string(&dt) {
        return Ok(Some(Ids::Strings(RowStrings::new(&chunks))));
    }
    if is_whole_number_type(&dt) {
        let ints: Vec<ArrayRef> = whole_numbers(name, &dt, &chunks, c.expected)?;
        return Ok(Some(Ids::Ints(IntRows::new(&ints), ints)));
    }
    Err(schema_err(name, &dt, c.expected))
}

/// Read `credits_line_id` (`Kind::LineRef`): the rows that credit another.
pub(super) fn read(t: &Table, n: usize) -> Result<Refs> {
    let rows = match id_column(t, "credits_line_id")? {
        None => Vec::new(),
        Some(Ids::Ints(_, chunks)) => int_rows(&chunks, |i, v| Some((i as u32, IdValue::Int(v)))),
        Some(Ids::Strings(s)) => (0..n)
            .into_par_iter()
            .filter_map(|i| {
                let b = s.get(i).trim_ascii();
                (!b.is_empty()).then(|| (i as u32, IdValue::Text(b.into())))
            })
            .collect(),
    };
    Ok(Refs { rows })
}

/// The `line_id` of each row, as a key; the row number when there is no `line_id` column.
enum LineIds {
    RowNumber(usize),
    Ids(Ids),
}

impl LineIds {
    /// The key a credit's value must have to name a row: `None` when no row can have it.
    fn target(&self, v: &IdValue) -> Option<u128> {
        let int = |v: &IdValue| match v {
            IdValue::Int(x) => Some(*x),
            IdValue::Text(s) => std::str::from_utf8(s).ok()?.parse::<i128>().ok(),
        };
        match self {
            LineIds::RowNumber(n) => int(v).filter(|x| (0..*n as i128).contains(x)).map(|x| x as u128),
            LineIds::Ids(Ids::Ints(..)) => int(v).map(|x| x as u128),
            LineIds::Ids(Ids::Strings(_)) => Some(match v {
                IdValue::Int(x) => bytes_key(x.to_string().as_bytes()),
                IdValue::Text(s) => bytes_key(s),
            }),
        }
    }

    /// The key of row `i`'s line_id (None for null).
    #[inline]
    fn key(&self, i: usize) -> Option<u128> {
        match self {
            LineIds::RowNumber(_) => Some(i as u128),
            LineIds::Ids(Ids::Ints(v, _)) => v.value(i).map(|x| x as u128),
            LineIds::Ids(Ids::Strings(s)) => Some(s.key(i)),
        }
    }

    /// Row `i` holds `v` exactly (a hashed long string key may collide).
    fn holds(&self, i: usize, v: &IdValue) -> bool {
        match (self, v) {
            (LineIds::Ids(Ids::Strings(s)), IdValue::Text(t)) => s.get(i) == &t[..],
            (LineIds::Ids(Ids::Strings(s)), IdValue::Int(x)) => s.get(i) == x.to_string().as_bytes(),
            _ => true,
        }
    }
}

/// Pair the credits of `refs` with the lines they name (docs/rules.md#credit-lines):
/// the final credit state of every row and the valid pairs (original, credit), and
/// `invalid` set for each credit that fails a check. `lines.credit` holds the preliminary marks (`Refs::marks`), `lines.invalid` the
/// other checks' results.
pub(super) fn pair(t: &Table, refs: Refs, lines: &Lines, invalid: &mut [Invalid]) -> Result<(Col<Credit>, Vec<(u32, u32)>)> {
    let n = lines.n;
    if refs.rows.is_empty() {
        return Ok((Col::Const(Credit::No), Vec::new()));
    }
    let line_ids = match id_column(t, "line_id")? {
        None => LineIds::RowNumber(n),
        Some(ids) => LineIds::Ids(ids),
    };
    // The credits by the key of the line_id they name; each key is one group.
    let mut group_of: HashMap<u128, u32> = HashMap::with_capacity(refs.rows.len());
    let mut credits: Vec<(u32, u32)> = Vec::with_capacity(refs.rows.len()); // (group, credit row)
    let mut missing: Vec<u32> = Vec::new();
    let mut value_of_group: Vec<&IdValue> = Vec::new();
    for (row, v) in &refs.rows {
        match line_ids.target(v) {
            None => missing.push(*row),
            Some(key) => {
                let next = value_of_group.len() as u32;
                let g = *group_of.entry(key).or_insert(next);
                if g == next {
                    value_of_group.push(v);
                }
                credits.push((g, *row));
            }
        }
    }
    // One scan of line_id: the rows each group names.
    let mut named: Vec<(u32, u32)> = match &line_ids {
        LineIds::Ids(Ids::Ints(_, chunks)) => int_rows(chunks, |i, v| group_of.get(&(v as u128)).map(|&g| (g, i as u32))),
        _ => (0..n)
            .into_par_iter()
            .filter_map(|i| {
                let g = *group_of.get(&line_ids.key(i)?)?;
                line_ids.holds(i, value_of_group[g as usize]).then_some((g, i as u32))
            })
            .collect(),
    };
    named.par_sort_unstable();
    let mut state: Vec<Credit> = match &lines.credit {
        Col::Vec(v) => v.clone(),
        Col::Const(_) => unreachable!("marked by Refs::marks"),
    };
    let is_credit = |r: u32| state[r as usize] == Credit::Reversal;
    // Every credit starts invalid-or-unpaired; the checks below settle each.
    let mut verdict: Vec<(u32, Invalid)> = missing.into_iter().map(|r| (r, Invalid::CreditOriginalMissing)).collect();
    let mut pairs: Vec<(u32, u32)> = Vec::new(); // (original, credit)
    // Credits of a group in processing order: treatment date, line_id, row number.
    let order = |r: u32| (lines.treat[r as usize], lines.order_key.get(r as usize), r);
    credits.sort_unstable_by_key(|&(g, r)| (g, order(r)));
    let same_insured = |a: usize, b: usize| {
        let (ka, kb) = (lines.insured.key(a), lines.insured.key(b));
        ka == kb && (!RowStrings::is_hashed(ka) || lines.insured.strings().is_none_or(|s| s.get(a) == s.get(b)))
    };
    let mut at = 0;
    for group in credits.chunk_by(|a, b| a.0 == b.0) {
        let g = group[0].0;
        let start = at + named[at..].partition_point(|x| x.0 < g);
        let end = start + named[start..].partition_point(|x| x.0 == g);
        at = end;
        let rows = &named[start..end];
        let originals: Vec<u32> = rows.iter().map(|x| x.1).filter(|&r| !is_credit(r)).collect();
        let names_a_credit = rows.iter().any(|x| is_credit(x.1));
        let mut paired = false;
        for &(_, c) in group {
            let ci = c as usize;
            if invalid[ci] != Invalid::Ok {
                continue; // its own bad value says why; it credits nothing
            }
            let why = match originals.as_slice() {
                [] if names_a_credit => Invalid::CreditOfCredit,
                [] => Invalid::CreditOriginalMissing,
                [o] => {
                    let oi = *o as usize;
                    if !same_insured(ci, oi) {
                        Invalid::CreditOtherInsured
                    } else if invalid[oi] != Invalid::Ok {
                        Invalid::CreditOfInvalid
                    } else if paired {
                        Invalid::CreditTwice
                    } else if lines.amount[ci].unsigned_abs() != lines.amount[oi].unsigned_abs() {
                        Invalid::CreditAmountMismatch
                    } else {
                        paired = true;
                        pairs.push((*o, c));
                        continue;
                    }
                }
                _ => Invalid::CreditAmbiguous,
            };
            verdict.push((c, why));
        }
    }
    // An invalid credit is an ordinary (invalid) line; a valid pair is marked on both rows.
    for (r, _) in &refs.rows {
        state[*r as usize] = Credit::No;
    }
    for (c, why) in verdict {
        if invalid[c as usize] == Invalid::Ok {
            invalid[c as usize] = why;
        }
    }
    for &(o, c) in &pairs {
        state[o as usize] = Credit::Original;
        state[c as usize] = Credit::Reversal;
    }
    Ok((Col::Vec(state), pairs))
}
