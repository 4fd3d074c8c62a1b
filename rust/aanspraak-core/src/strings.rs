//! String columns in every Arrow layout polars and pyarrow hand over (Utf8, LargeUtf8,
//! Utf8View, Dictionary of those), interned once per distinct value, never per row.

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, DictionaryArray, StringViewArray};
use arrow_schema::DataType;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

/// A chunked string column.
pub struct StrCol<'a> {
    chunks: &'a [ArrayRef],
}

impl<'a> StrCol<'a> {
    pub fn new(chunks: &'a [ArrayRef]) -> Self {
        StrCol { chunks }
    }

    /// Visit every row's bytes (None for null), in order.
    pub fn for_each(&self, mut f: impl FnMut(usize, Option<&[u8]>)) {
        let mut off = 0;
        for c in self.chunks {
            visit(c.as_ref(), &mut |i, s| f(off + i, s));
            off += c.len();
        }
    }
}

fn visit(arr: &dyn Array, f: &mut dyn FnMut(usize, Option<&[u8]>)) {
    match arr.data_type() {
        DataType::Utf8 => arr.as_string::<i32>().iter().enumerate().for_each(|(i, s)| f(i, s.map(str::as_bytes))),
        DataType::LargeUtf8 => arr.as_string::<i64>().iter().enumerate().for_each(|(i, s)| f(i, s.map(str::as_bytes))),
        DataType::Utf8View => arr.as_string_view().iter().enumerate().for_each(|(i, s)| f(i, s.map(str::as_bytes))),
        DataType::Dictionary(k, _) => {
            macro_rules! dict {
                ($t:ty) => {{
                    let d: &DictionaryArray<$t> = arr.as_dictionary::<$t>();
                    let values = d.values();
                    let mut vals: Vec<Option<Vec<u8>>> = Vec::with_capacity(values.len());
                    visit(values.as_ref(), &mut |_, s| vals.push(s.map(<[u8]>::to_vec)));
                    for (i, k) in d.keys().iter().enumerate() {
                        f(i, k.and_then(|k| vals[k as usize].as_deref()));
                    }
                }};
            }
            match k.as_ref() {
                DataType::Int8 => dict!(Int8Type),
                DataType::Int16 => dict!(Int16Type),
                DataType::Int32 => dict!(Int32Type),
                DataType::Int64 => dict!(Int64Type),
                DataType::UInt8 => dict!(UInt8Type),
                DataType::UInt16 => dict!(UInt16Type),
                DataType::UInt32 => dict!(UInt32Type),
                _ => dict!(UInt64Type),
            }
        }
        DataType::Null => (0..arr.len()).for_each(|i| f(i, None)),
        other => unreachable!("not a string column: {other}"),
    }
}

/// The view of a short string (≤ 12 bytes) with the bytes past its length masked off,
/// usable as an exact hash key.
#[inline(always)]
fn short_view_key(view: u128) -> Option<u128> {
    let len = (view as u32) as usize;
    if len > 12 {
        return None;
    }
    let keep_bits = 32 + 8 * len as u32;
    let mask = if keep_bits >= 128 { u128::MAX } else { (1u128 << keep_bits) - 1 };
    Some(view & mask)
}

/// The first row of each chunk.
pub fn chunk_offsets(chunks: &[ArrayRef]) -> Vec<usize> {
    let mut off = Vec::with_capacity(chunks.len());
    let mut o = 0;
    for c in chunks {
        off.push(o);
        o += c.len();
    }
    off
}

/// (chunk, index within it) of a row, given `chunk_offsets`.
#[inline]
pub fn locate(offsets: &[usize], row: usize) -> (usize, usize) {
    // Chunks of one length (polars' layout after reading parquet): row / length, checked.
    match offsets.get(1) {
        None => return (0, row),
        Some(&w) if w > 0 => {
            let g = (row / w).min(offsets.len() - 1);
            if offsets[g] <= row && offsets.get(g + 1).is_none_or(|&next| row < next) {
                return (g, row - offsets[g]);
            }
        }
        _ => {}
    }
    let ci = offsets.partition_point(|&o| o <= row) - 1;
    (ci, row - offsets[ci])
}

/// Zero-copy slices of the column of at most `SLICE` rows, with their row offsets.
const SLICE: usize = 1 << 17;

fn slices(chunks: &[ArrayRef]) -> Vec<(usize, ArrayRef)> {
    let mut out = Vec::new();
    let mut off = 0;
    for c in chunks {
        let mut start = 0;
        while start < c.len() {
            let len = SLICE.min(c.len() - start);
            out.push((off + start, c.slice(start, len)));
            start += len;
        }
        off += c.len();
    }
    out
}

/// Split `out` into mutable pieces matching `slices`.
fn split_like<'a, T>(mut out: &'a mut [T], slices: &[(usize, ArrayRef)]) -> Vec<&'a mut [T]> {
    let mut pieces = Vec::with_capacity(slices.len());
    for (_, a) in slices {
        let (head, tail) = out.split_at_mut(a.len());
        pieces.push(head);
        out = tail;
    }
    pieces
}

/// Map each row through `f` (called about once per distinct value per slice of rows, in
/// parallel); `null` for null rows.
pub fn map_strings<T: Copy + Send + Sync>(col: &StrCol, n: usize, null: T, f: impl Fn(&[u8]) -> T + Sync) -> Vec<T> {
    let mut out = vec![null; n];
    let sl = slices(col.chunks);
    let pieces = split_like(&mut out, &sl);
    sl.par_iter().zip(pieces).for_each(|((_, c), dst)| map_slice(c.as_ref(), dst, &f));
    out
}

fn map_slice<T: Copy>(c: &dyn Array, dst: &mut [T], f: &impl Fn(&[u8]) -> T) {
    match c.data_type() {
        DataType::Utf8View => {
            let a: &StringViewArray = c.as_string_view();
            let mut short: HashMap<u128, T> = HashMap::new();
            let mut long: HashMap<Vec<u8>, T> = HashMap::new();
            let views = a.views();
            let nulls = a.nulls();
            for i in 0..a.len() {
                if nulls.is_some_and(|nb| nb.is_null(i)) {
                    continue;
                }
                dst[i] = match short_view_key(views[i]) {
                    Some(k) => *short.entry(k).or_insert_with(|| f(a.value(i).as_bytes())),
                    None => {
                        let s = a.value(i).as_bytes();
                        match long.get(s) {
                            Some(v) => *v,
                            None => {
                                let v = f(s);
                                long.insert(s.to_vec(), v);
                                v
                            }
                        }
                    }
                };
            }
        }
        _ => {
            // Utf8, LargeUtf8, Dictionary: one lookup per row, one call of `f` per
            // distinct value (a dictionary's values are visited once by `visit`).
            let mut cache: HashMap<Vec<u8>, T> = HashMap::new();
            visit(c, &mut |i, s| {
                if let Some(s) = s {
                    dst[i] = match cache.get(s) {
                        Some(v) => *v,
                        None => {
                            let v = f(s);
                            cache.insert(s.to_vec(), v);
                            v
                        }
                    };
                }
            });
        }
    }
}

/// The key of a null string (its length field is impossible for a real key).
pub const NULL_KEY: u128 = u128::MAX;

/// Two independent 64-bit hashes; the low 32 bits (a view's length field) say "long".
fn long_key(s: &[u8]) -> u128 {
    let a = hash_bytes(s, 0x5EED_AA05_7A0A_0001) as u128;
    let b = hash_bytes(s, 0x0DDB_A11C_AFE0_0002) as u128;
    (a << 64) | ((b << 32) & 0xFFFF_FFFF_0000_0000) | LONG_MARK as u128
}

/// The length field of a hashed key: no real string of at most 12 bytes has it.
const LONG_MARK: u32 = 0xFFFF_FFFE;

#[inline]
fn hash_bytes(s: &[u8], seed: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = foldhash::quality::FixedState::with_seed(seed).build_hasher();
    hasher.write(s);
    hasher.finish()
}

/// The key `RowStrings::key` gives a row holding `s`: exact for at most 12 bytes, a
/// marked 128-bit hash for longer strings (`RowStrings::is_hashed`).
pub fn bytes_key(s: &[u8]) -> u128 {
    if s.len() <= 12 {
        let mut buf = [0u8; 16];
        buf[..4].copy_from_slice(&(s.len() as u32).to_le_bytes());
        buf[4..4 + s.len()].copy_from_slice(s);
        u128::from_le_bytes(buf)
    } else {
        long_key(s)
    }
}

/// Random access to a string column by row (to check hash collisions on grouped rows).
pub struct RowStrings {
    chunks: Vec<Typed>,
    offsets: Vec<usize>,
}

enum Typed {
    Utf8(arrow_array::StringArray),
    Large(arrow_array::LargeStringArray),
    View(StringViewArray),
    /// Dictionary: keys as i64 plus the decoded values.
    Dict(Vec<Option<usize>>, Vec<Vec<u8>>),
}

impl std::fmt::Debug for RowStrings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RowStrings({} chunks)", self.chunks.len())
    }
}

impl RowStrings {
    pub fn new(chunks: &[ArrayRef]) -> RowStrings {
        let mut typed = Vec::with_capacity(chunks.len());
        for c in chunks {
            typed.push(match c.data_type() {
                DataType::Utf8 => Typed::Utf8(c.as_string::<i32>().clone()),
                DataType::LargeUtf8 => Typed::Large(c.as_string::<i64>().clone()),
                DataType::Utf8View => Typed::View(c.as_string_view().clone()),
                _ => {
                    // Dictionary or Null: decode once (only low-cardinality layouts get here).
                    let mut vals: Vec<Vec<u8>> = Vec::new();
                    let mut keys = Vec::with_capacity(c.len());
                    let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
                    visit(c.as_ref(), &mut |_, s| {
                        keys.push(s.map(|s| {
                            *index.entry(s.to_vec()).or_insert_with(|| {
                                vals.push(s.to_vec());
                                vals.len() - 1
                            })
                        }))
                    });
                    Typed::Dict(keys, vals)
                }
            });
        }
        RowStrings { chunks: typed, offsets: chunk_offsets(chunks) }
    }

    /// An exact 128-bit grouping key of row `row`: a string of at most 12 bytes is its own
    /// key (length and bytes, as in an Arrow view); a longer one gets a 128-bit hash
    /// marked so that it never equals a short key (check those with `get`).
    #[inline]
    pub fn key(&self, row: usize) -> u128 {
        let (ci, i) = locate(&self.offsets, row);
        if let Typed::View(a) = &self.chunks[ci] {
            if a.is_null(i) {
                return NULL_KEY;
            }
            return short_view_key(a.views()[i]).unwrap_or_else(|| long_key(a.value(i).as_bytes()));
        }
        bytes_key(self.get(row))
    }

    /// True for the key of a string longer than 12 bytes (a hash: may collide).
    pub fn is_hashed(key: u128) -> bool {
        key as u32 == LONG_MARK
    }

    /// The bytes of row `row` (empty for null).
    #[inline]
    pub fn get(&self, row: usize) -> &[u8] {
        let (ci, i) = locate(&self.offsets, row);
        match &self.chunks[ci] {
            Typed::Utf8(a) => if a.is_null(i) { b"" } else { a.value(i).as_bytes() },
            Typed::Large(a) => if a.is_null(i) { b"" } else { a.value(i).as_bytes() },
            Typed::View(a) => if a.is_null(i) { b"" } else { a.value(i).as_bytes() },
            Typed::Dict(k, v) => k[i].map_or(&b""[..], |k| v[k].as_slice()),
        }
    }
}

/// Dense ids 0..k for the distinct values in order of first appearance; u32::MAX for null.
pub fn dense_ids(col: &StrCol, n: usize) -> Vec<u32> {
    let mut next: u32 = 0;
    let mut out = vec![u32::MAX; n];
    let mut short: HashMap<u128, u32> = HashMap::new();
    let mut long: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut off = 0;
    for c in col.chunks {
        let len = c.len();
        let dst = &mut out[off..off + len];
        if let DataType::Utf8View = c.data_type() {
            let a: &StringViewArray = c.as_string_view();
            let views = a.views();
            for i in 0..len {
                if a.is_null(i) {
                    continue;
                }
                dst[i] = match short_view_key(views[i]) {
                    Some(k) => *short.entry(k).or_insert_with(|| {
                        next += 1;
                        next - 1
                    }),
                    None => *long.entry(a.value(i).as_bytes().to_vec()).or_insert_with(|| {
                        next += 1;
                        next - 1
                    }),
                };
            }
        } else {
            // Other layouts: key on the bytes. Short strings go through the same u128
            // packing as views so that ids agree across chunks of different layouts.
            visit(c.as_ref(), &mut |i, s| {
                if let Some(s) = s {
                    let id = if s.len() <= 12 {
                        let mut buf = [0u8; 16];
                        buf[..4].copy_from_slice(&(s.len() as u32).to_le_bytes());
                        buf[4..4 + s.len()].copy_from_slice(s);
                        *short.entry(u128::from_le_bytes(buf)).or_insert_with(|| {
                            next += 1;
                            next - 1
                        })
                    } else {
                        match long.get(s) {
                            Some(v) => *v,
                            None => {
                                long.insert(s.to_vec(), next);
                                next += 1;
                                next - 1
                            }
                        }
                    };
                    dst[i] = id;
                }
            });
        }
        off += len;
    }
    out
}

/// The distinct values behind `dense_ids`, indexed by id.
pub fn distinct_values(col: &StrCol, ids: &[u32]) -> Vec<Vec<u8>> {
    let k = ids.iter().filter(|&&i| i != u32::MAX).map(|&i| i as usize + 1).max().unwrap_or(0);
    let mut vals: Vec<Option<Vec<u8>>> = vec![None; k];
    let mut found = 0;
    col.for_each(|i, s| {
        if found == k {
            return;
        }
        let id = ids[i];
        if id != u32::MAX && vals[id as usize].is_none() {
            vals[id as usize] = s.map(<[u8]>::to_vec);
            found += 1;
        }
    });
    vals.into_iter().map(Option::unwrap_or_default).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{DictionaryArray, StringArray, StringViewArray};
    use std::sync::Arc;

    #[test]
    fn same_ids_across_layouts() {
        let a: ArrayRef = Arc::new(StringViewArray::from(vec![Some("C11"), None, Some("a-very-long-insured-id-0001"), Some("C11")]));
        let b: ArrayRef = Arc::new(StringArray::from(vec![Some("a-very-long-insured-id-0001"), Some("C11")]));
        let d: ArrayRef = Arc::new(DictionaryArray::<Int32Type>::from_iter(vec![Some("M40"), Some("C11")]));
        let chunks = vec![a, b, d];
        let col = StrCol::new(&chunks);
        let ids = dense_ids(&col, 8);
        assert_eq!(ids, vec![0, u32::MAX, 1, 0, 1, 0, 2, 0]);
        let vals = distinct_values(&col, &ids);
        assert_eq!(vals, vec![b"C11".to_vec(), b"a-very-long-insured-id-0001".to_vec(), b"M40".to_vec()]);
        let mapped = map_strings(&col, 8, 0u8, |s| s.len() as u8);
        assert_eq!(mapped, vec![3, 0, 27, 3, 27, 3, 3, 3]);
        let rs = RowStrings::new(&chunks);
        let h: Vec<u128> = (0..8).map(|r| rs.key(r)).collect();
        assert_eq!((h[0], h[0], h[2]), (h[3], h[5], h[4]));
        assert_eq!(h[1], NULL_KEY);
        assert_ne!(h[0], h[6]);
        assert!(RowStrings::is_hashed(h[2]) && !RowStrings::is_hashed(h[0]));
        assert_eq!(rs.get(4), b"a-very-long-insured-id-0001");
        assert_eq!(rs.get(6), b"M40");
        assert_eq!(rs.get(1), b"");
    }

    #[test]
    fn locate_finds_the_chunk_of_every_row_in_any_layout() {
        // equal chunks, a shorter last one, empty chunks, uneven ones, one chunk
        for lens in [vec![4, 4, 4, 4], vec![4, 4, 3], vec![0, 3, 0, 0, 5], vec![4, 0, 4, 2], vec![1, 9, 2], vec![7], vec![3, 3, 0]] {
            let offsets: Vec<usize> = lens.iter().scan(0, |o, &l| Some(std::mem::replace(o, *o + l))).collect();
            let mut row = 0;
            for (c, &len) in lens.iter().enumerate() {
                for i in 0..len {
                    assert_eq!(locate(&offsets, row), (c, i), "row {row} of chunk lengths {lens:?}");
                    row += 1;
                }
            }
        }
    }
}
