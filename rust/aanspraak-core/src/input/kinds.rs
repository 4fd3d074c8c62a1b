//! The Arrow readers of one kind of value each (docs/interpretations.md#input-types):
//! dates as days, money as cents, Booleans as `Tri`, integers, whole numbers for ids.
//! Each reads the chunks of one column into one `Vec` in a single pass; a bad value is a
//! sentinel (BAD_DATE, UNPARSABLE, TOO_LARGE) that validation turns into `Invalid`, an
//! unusable Arrow type a schema error naming the column and the types its `ColumnSpec`
//! accepts.

use super::schema::{ColumnSpec, Kind};
use super::{BAD_DATE, NO_CENTS, NO_DATE};
use crate::dates::{FIRST_DAY, LAST_DAY};
use crate::error::{Error, Result};
use crate::money::MAX_CENTS;
use crate::strings::{chunk_offsets, StrCol};
use crate::vocab::Tri;
use arrow_array::cast::AsArray;
use arrow_array::timezone::Tz;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, TimeUnit};
use chrono::{Offset, TimeZone};
use foldhash::{HashMap, HashMapExt};

pub(super) fn schema_err(column: &str, found: &DataType, expected: &str) -> Error {
    Error::Schema { column: column.into(), found: format!("{found}"), expected: expected.into() }
}

pub(super) fn is_string(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_string(v),
        _ => false,
    }
}

pub(super) fn is_int(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 | DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64
    )
}

/// Visit every value of an integer column as `Option<i64>` (u64 above i64::MAX saturates
/// at i64::MAX, so that it reads as too large, never as negative).
fn for_each_int(arr: &dyn Array, mut f: impl FnMut(usize, Option<i64>)) {
    macro_rules! go {
        ($t:ty) => {{
            let a = arr.as_primitive::<$t>();
            if a.null_count() == 0 {
                for (i, v) in a.values().iter().enumerate() {
                    f(i, Some(*v as i64));
                }
            } else {
                for (i, v) in a.iter().enumerate() {
                    f(i, v.map(|v| v as i64));
                }
            }
        }};
    }
    match arr.data_type() {
        DataType::Int8 => go!(Int8Type),
        DataType::Int16 => go!(Int16Type),
        DataType::Int32 => go!(Int32Type),
        DataType::Int64 => go!(Int64Type),
        DataType::UInt8 => go!(UInt8Type),
        DataType::UInt16 => go!(UInt16Type),
        DataType::UInt32 => go!(UInt32Type),
        DataType::UInt64 => {
            let a = arr.as_primitive::<UInt64Type>();
            for (i, v) in a.iter().enumerate() {
                f(i, v.map(|v| v.min(i64::MAX as u64) as i64));
            }
        }
        _ => unreachable!("checked by caller"),
    }
}

/// Days since the epoch of a date column: NO_DATE for null, BAD_DATE for a value that is
/// no day of the years 1-9999 (a far-out Date32, Date64 or Timestamp, a string that is no
/// ISO date). A tz-aware Timestamp gives the calendar date in its own zone
/// (docs/interpretations.md "Dates").
pub(super) fn dates(spec: &ColumnSpec, dt: &DataType, chunks: &[ArrayRef], n: usize) -> Result<Vec<i32>> {
    let name = spec.name;
    let mut out = vec![NO_DATE; n];
    let offs = chunk_offsets(chunks);
    match dt {
        DataType::Date32 => {
            for (c, o) in chunks.iter().zip(offs) {
                let a = c.as_primitive::<Date32Type>();
                let dst = &mut out[o..o + a.len()];
                for (d, v) in dst.iter_mut().zip(a.values().iter()) {
                    *d = if (FIRST_DAY..=LAST_DAY).contains(v) { *v } else { BAD_DATE };
                }
                if let Some(nulls) = a.nulls().filter(|nb| nb.null_count() > 0) {
                    for j in nulls.iter().enumerate().filter(|(_, valid)| !valid).map(|(j, _)| j) {
                        dst[j] = NO_DATE;
                    }
                }
            }
        }
        DataType::Date64 | DataType::Timestamp(_, _) => {
            let per_second: i64 = match dt {
                DataType::Date64 | DataType::Timestamp(TimeUnit::Millisecond, _) => 1_000,
                DataType::Timestamp(TimeUnit::Second, _) => 1,
                DataType::Timestamp(TimeUnit::Microsecond, _) => 1_000_000,
                _ => 1_000_000_000,
            };
            let mut local = match dt {
                DataType::Timestamp(_, Some(tz)) => {
                    let zone: Tz = tz.parse().map_err(|_| schema_err(name, dt, "a Timestamp with a known time zone (IANA name or +HH:MM)"))?;
                    Some(LocalDays::new(zone, per_second))
                }
                _ => None,
            };
            let per_day = per_second * 86_400;
            for (c, o) in chunks.iter().zip(offs) {
                let (vals, nulls): (&[i64], _) = match dt {
                    DataType::Date64 => (c.as_primitive::<Date64Type>().values(), c.nulls()),
                    DataType::Timestamp(TimeUnit::Second, _) => (c.as_primitive::<TimestampSecondType>().values(), c.nulls()),
                    DataType::Timestamp(TimeUnit::Millisecond, _) => (c.as_primitive::<TimestampMillisecondType>().values(), c.nulls()),
                    DataType::Timestamp(TimeUnit::Microsecond, _) => (c.as_primitive::<TimestampMicrosecondType>().values(), c.nulls()),
                    _ => (c.as_primitive::<TimestampNanosecondType>().values(), c.nulls()),
                };
                let dst = &mut out[o..o + vals.len()];
                match local.as_mut() {
                    // tz-naive: the wall-clock date as stored.
                    None => {
                        for (d, v) in dst.iter_mut().zip(vals) {
                            *d = day_in_range(v.div_euclid(per_day));
                        }
                    }
                    Some(zone) => {
                        for (d, v) in dst.iter_mut().zip(vals) {
                            *d = zone.day(*v);
                        }
                    }
                }
                if let Some(nulls) = nulls.filter(|nb| nb.null_count() > 0) {
                    for j in nulls.iter().enumerate().filter(|(_, valid)| !valid).map(|(j, _)| j) {
                        dst[j] = NO_DATE;
                    }
                }
            }
        }
        dt if is_string(dt) => {
            let col = StrCol::new(chunks);
            let mut cache: HashMap<Vec<u8>, i32> = HashMap::new();
            col.for_each(|i, s| {
                if let Some(s) = s {
                    out[i] = *cache.entry(s.to_vec()).or_insert_with(|| {
                        std::str::from_utf8(s).ok().and_then(crate::dates::parse_iso).map_or(BAD_DATE, |d| day_in_range(d as i64))
                    });
                }
            });
        }
        other => return Err(schema_err(name, other, spec.expected)),
    }
    Ok(out)
}

/// `d` when it is a day of the years 1-9999, else BAD_DATE.
#[inline(always)]
fn day_in_range(d: i64) -> i32 {
    if (FIRST_DAY as i64..=LAST_DAY as i64).contains(&d) {
        d as i32
    } else {
        BAD_DATE
    }
}

/// The local calendar day of instants in one time zone. The zone's offset is looked up
/// once per UTC day; only on a day with a change of offset (summer time) per instant.
struct LocalDays {
    zone: Tz,
    per_second: i64,
    /// UTC day -> the offset in seconds for the whole day, None when it changes that day.
    offsets: HashMap<i64, Option<i64>>,
    last: Option<(i64, Option<i64>)>,
}

impl LocalDays {
    fn new(zone: Tz, per_second: i64) -> LocalDays {
        LocalDays { zone, per_second, offsets: HashMap::new(), last: None }
    }

    /// The zone's offset from UTC at `second` (since the epoch, UTC), in seconds.
    fn offset_at(&self, second: i64) -> i64 {
        chrono::DateTime::from_timestamp(second, 0)
            .map_or(0, |t| self.zone.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc() as i64)
    }

    fn day(&mut self, v: i64) -> i32 {
        let second = v.div_euclid(self.per_second);
        let utc_day = second.div_euclid(86_400);
        // Far out: no day of the years 1-9999 in any zone (offsets are under a day).
        if utc_day < FIRST_DAY as i64 - 1 || utc_day > LAST_DAY as i64 + 1 {
            return BAD_DATE;
        }
        let whole_day = match self.last {
            Some((d, off)) if d == utc_day => off,
            _ => {
                let off = match self.offsets.get(&utc_day) {
                    Some(off) => *off,
                    None => {
                        let (first, last) = (self.offset_at(utc_day * 86_400), self.offset_at(utc_day * 86_400 + 86_399));
                        let off = (first == last).then_some(first);
                        self.offsets.insert(utc_day, off);
                        off
                    }
                };
                self.last = Some((utc_day, off));
                off
            }
        };
        let offset = whole_day.unwrap_or_else(|| self.offset_at(second));
        day_in_range((second + offset).div_euclid(86_400))
    }
}

/// Money as cents. `Err` for an unusable type; per-row problems come back as
/// NO_CENTS (null), UNPARSABLE (no number) or TOO_LARGE (10^16 euros or more; a negative
/// one saturates at -MAX_CENTS, still negative).
pub(super) const UNPARSABLE: i64 = i64::MIN + 1;
pub(super) const TOO_LARGE: i64 = i64::MAX;

/// Cents that the output holds as they are; larger ones TOO_LARGE (or -MAX_CENTS).
#[inline(always)]
pub(super) fn bounded_cents(c: i128) -> i64 {
    if c > MAX_CENTS as i128 {
        TOO_LARGE
    } else if c < -(MAX_CENTS as i128) {
        -MAX_CENTS
    } else {
        c as i64
    }
}

/// Money as cents (`Kind::Money` in euros, `Kind::Cents` in whole cents).
pub(super) fn money(spec: &ColumnSpec, dt: &DataType, chunks: &[ArrayRef], n: usize) -> Result<Vec<i64>> {
    let (name, cents_input) = (spec.name, spec.kind == Kind::Cents);
    let mut out = vec![NO_CENTS; n];
    let offs = chunk_offsets(chunks);
    match dt {
        DataType::Decimal128(_, scale) if !cents_input => {
            let scale = *scale;
            for (c, o) in chunks.iter().zip(offs) {
                let a = c.as_primitive::<Decimal128Type>();
                let dst = &mut out[o..o + a.len()];
                if scale == 2 {
                    for (d, v) in dst.iter_mut().zip(a.values().iter()) {
                        *d = bounded_cents(*v);
                    }
                } else {
                    for (d, v) in dst.iter_mut().zip(a.values().iter()) {
                        *d = bounded_cents(crate::money::decimal_to_cents_wide(*v, scale));
                    }
                }
                if let Some(nulls) = a.nulls().filter(|nb| nb.null_count() > 0) {
                    for j in nulls.iter().enumerate().filter(|(_, valid)| !valid).map(|(j, _)| j) {
                        dst[j] = NO_CENTS;
                    }
                }
            }
        }
        // amount_cents as a Decimal: whole cents, like an integer (a fraction of a cent
        // is no number of cents).
        DataType::Decimal128(_, scale) => {
            let scale = *scale;
            for (c, o) in chunks.iter().zip(offs) {
                let a = c.as_primitive::<Decimal128Type>();
                for (d, v) in out[o..o + a.len()].iter_mut().zip(a.iter()) {
                    *d = match v {
                        None => NO_CENTS,
                        Some(v) if scale <= 0 => bounded_cents(crate::money::decimal_to_cents_wide(v, scale.saturating_add(2))),
                        Some(v) => match 10i128.checked_pow(scale as u32) {
                            Some(unit) if v % unit == 0 => bounded_cents(v / unit),
                            _ => UNPARSABLE,
                        },
                    };
                }
            }
        }
        DataType::Float64 | DataType::Float32 => {
            for (c, o) in chunks.iter().zip(offs) {
                let vals = float_values(c.as_ref(), dt);
                for (d, v) in out[o..o + vals.len()].iter_mut().zip(vals) {
                    *d = match v {
                        None => NO_CENTS,
                        Some(x) if !x.is_finite() => UNPARSABLE,
                        // `as` saturates; bounded_cents then says too large.
                        Some(x) if cents_input => if x.fract() == 0.0 { bounded_cents(x as i128) } else { UNPARSABLE },
                        Some(x) => crate::money::float_to_cents(x).map_or(if x > 0.0 { TOO_LARGE } else { -MAX_CENTS }, |c| bounded_cents(c as i128)),
                    };
                }
            }
        }
        dt if is_int(dt) => {
            let mul: i128 = if cents_input { 1 } else { 100 };
            for (c, o) in chunks.iter().zip(offs) {
                let dst = &mut out[o..o + c.len()];
                for_each_int(c.as_ref(), |i, v| {
                    dst[i] = match v {
                        None => NO_CENTS,
                        Some(v) => bounded_cents(v as i128 * mul),
                    }
                });
            }
        }
        dt if is_string(dt) && !cents_input => {
            let col = StrCol::new(chunks);
            col.for_each(|i, s| {
                if let Some(s) = s {
                    out[i] = std::str::from_utf8(s).ok().and_then(crate::money::parse_decimal_cents_wide).map_or(UNPARSABLE, bounded_cents);
                }
            });
        }
        other => return Err(schema_err(name, other, spec.expected)),
    }
    Ok(out)
}

pub(super) fn bools(spec: &ColumnSpec, dt: &DataType, chunks: &[ArrayRef], n: usize) -> Result<Vec<Tri>> {
    let mut out = vec![Tri::Null; n];
    let offs = chunk_offsets(chunks);
    match dt {
        DataType::Boolean => {
            for (c, o) in chunks.iter().zip(offs) {
                for (d, v) in out[o..o + c.len()].iter_mut().zip(c.as_boolean().iter()) {
                    *d = Tri::from_opt(v);
                }
            }
        }
        DataType::Null => {}
        dt if is_int(dt) => {
            for (c, o) in chunks.iter().zip(offs) {
                let dst = &mut out[o..o + c.len()];
                for_each_int(c.as_ref(), |i, v| dst[i] = Tri::from_opt(v.map(|v| v != 0)));
            }
        }
        other => return Err(schema_err(spec.name, other, spec.expected)),
    }
    Ok(out)
}

/// An integer column mapped through `f` (None for null; i64::MIN for a non-integer value).
pub(super) fn ints<T: Copy + Default>(spec: &ColumnSpec, dt: &DataType, chunks: &[ArrayRef], n: usize, f: impl Fn(Option<i64>) -> T) -> Result<Vec<T>> {
    let mut out = vec![T::default(); n];
    let offs = chunk_offsets(chunks);
    match dt {
        dt if is_int(dt) => {
            for (c, o) in chunks.iter().zip(offs) {
                let dst = &mut out[o..o + c.len()];
                for_each_int(c.as_ref(), |i, v| dst[i] = f(v));
            }
        }
        DataType::Float64 | DataType::Float32 => {
            for (c, o) in chunks.iter().zip(offs) {
                let vals = float_values(c.as_ref(), dt);
                for (d, v) in out[o..o + vals.len()].iter_mut().zip(vals) {
                    // A fractional value is kept out of range so that validation flags it.
                    *d = f(v.map(|x| if x.fract() == 0.0 && x.is_finite() { x as i64 } else { i64::MIN }));
                }
            }
        }
        DataType::Null => out.iter_mut().for_each(|d| *d = f(None)),
        dt if is_string(dt) => {
            let col = StrCol::new(chunks);
            col.for_each(|i, s| {
                out[i] = f(s.map(|s| std::str::from_utf8(s).ok().and_then(|t| t.trim().parse::<i64>().ok()).unwrap_or(i64::MIN)));
            });
        }
        other => return Err(schema_err(spec.name, other, spec.expected)),
    }
    Ok(out)
}

/// Floats and decimals that can hold whole numbers (an id column as pandas or a
/// warehouse may type it).
pub(super) fn is_whole_number_type(dt: &DataType) -> bool {
    matches!(dt, DataType::Float64 | DataType::Float32 | DataType::Float16 | DataType::Decimal128(_, _))
}

/// An id column of floats or decimals as Int64 chunks: pandas makes an integer column
/// with a missing value float (NaN is missing). A fraction, an infinity or a value beyond
/// Int64 is a schema error naming the column and the value.
pub(super) fn whole_numbers(name: &str, dt: &DataType, chunks: &[ArrayRef], expected: &str) -> Result<Vec<ArrayRef>> {
    let refuse = |what: String| Error::Schema { column: name.into(), found: format!("{dt} with the value {what}"), expected: expected.into() };
    let mut out: Vec<ArrayRef> = Vec::with_capacity(chunks.len());
    for c in chunks {
        let mut ints: Vec<Option<i64>> = Vec::with_capacity(c.len());
        match dt {
            DataType::Decimal128(_, scale) => {
                let unit = 10i128.checked_pow((*scale).max(0) as u32);
                let times = 10i128.checked_pow((-(*scale as i32)).max(0) as u32);
                for v in c.as_primitive::<Decimal128Type>().iter() {
                    ints.push(match v {
                        None => None,
                        Some(v) => {
                            let whole = match (unit, times) {
                                (Some(u), Some(m)) if v % u == 0 => (v / u).checked_mul(m),
                                _ => None,
                            };
                            Some(whole.and_then(|w| i64::try_from(w).ok()).ok_or_else(|| refuse(crate::money::format_decimal(v, *scale)))?)
                        }
                    });
                }
            }
            _ => {
                let floats: Vec<Option<f64>> = match dt {
                    DataType::Float64 => c.as_primitive::<Float64Type>().iter().collect(),
                    DataType::Float32 => c.as_primitive::<Float32Type>().iter().map(|v| v.map(f64::from)).collect(),
                    _ => c.as_primitive::<Float16Type>().iter().map(|v| v.map(f64::from)).collect(),
                };
                for v in floats {
                    ints.push(match v {
                        None => None,
                        Some(x) if x.is_nan() => None,
                        // 2^63 is the first float above i64::MAX.
                        Some(x) if x.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&x) => Some(x as i64),
                        Some(x) => return Err(refuse(format!("{x}"))),
                    });
                }
            }
        }
        out.push(std::sync::Arc::new(arrow_array::Int64Array::from(ints)));
    }
    Ok(out)
}

/// The values of a Float64 or Float32 chunk as f64 (null as None).
fn float_values(c: &dyn Array, dt: &DataType) -> Vec<Option<f64>> {
    if *dt == DataType::Float64 {
        c.as_primitive::<Float64Type>().iter().collect()
    } else {
        c.as_primitive::<Float32Type>().iter().map(|v| v.map(|x| x as f64)).collect()
    }
}
