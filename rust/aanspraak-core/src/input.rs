//! Input schema (docs/rules.md#input): validate the Arrow columns once and turn them into compact
//! working forms: dates as days, money as cents, strings interned to small ids.
//! A bad value in one row never fails the call: it marks the row invalid (docs/rules.md#bad-input).

pub use crate::provider::Provider;
use crate::codes::Jaw;
use crate::error::{Error, Result};
use crate::strings::{chunk_offsets, map_strings, StrCol};
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, RecordBatch};
use crate::dates::{FIRST_DAY, LAST_DAY};
use crate::money::MAX_CENTS;
use arrow_array::timezone::Tz;
use arrow_schema::{DataType, SchemaRef, TimeUnit};
use chrono::{Offset, TimeZone};
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

/// A value that may be unknown (null).
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tri {
    #[default]
    Null = 0,
    False,
    True,
}

impl Tri {
    pub fn from_opt(v: Option<bool>) -> Tri {
        match v {
            None => Tri::Null,
            Some(false) => Tri::False,
            Some(true) => Tri::True,
        }
    }
}

/// Why a row is invalid; the text goes to the `message` column.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    Ok = 0,
    InsuredNull,
    BirthNull,
    TreatmentNull,
    CodeNull,
    AmountNull,
    AmountNegative,
    AmountUnparsable,
    TreatmentBeforeBirth,
    BadElement,
    BadJaw,
    BadProvider,
    BadBtIndication,
    BadMissingCause,
    BadDomain,
    BadSetting,
    UnknownBasicProduct,
    UnknownSupplementaryProduct,
    BadVoluntaryDeductible,
    OutsideContract,
    NoYearParameters,
    BadReferenceTariff,
    SupplementaryEndBeforeStart,
    BadMaterialCosts,
    AmountTooLarge,
    BirthOutOfRange,
    TreatmentOutOfRange,
    SupplementaryStartOutOfRange,
    SupplementaryEndOutOfRange,
    AccidentDateOutOfRange,
    InsuredFromOutOfRange,
    InsuredToOutOfRange,
}

pub const INVALID_MESSAGES: &[&str] = &[
    "",
    "insured_id is null",
    "birth_date is null or not a date",
    "treatment_date is null or not a date",
    "code is null or empty",
    "amount is null",
    "amount is negative",
    "amount is not a number of euros",
    "treatment_date is before birth_date",
    "element is not an FDI tooth number (11-48 permanent, 51-85 deciduous)",
    "jaw is not upper or lower",
    "provider_type is not one of tandarts, mondhygienist, tandprotheticus, orthodontist, kaakchirurg, implantoloog, cbt, medisch_specialist",
    "bt_indication is not a, b or c",
    "missing_tooth_cause is not agenesis or accident",
    "domain is not mondzorg or msz",
    "setting is not pok, outpatient, daycare or inpatient",
    "basic_product is not a basic product of the policy set",
    "supplementary_product names a product that is not in the policy set (or repeats one, or joins more than 3)",
    "voluntary_deductible is not 0-500 euros in steps of 100",
    "treatment_date is outside insured_from..insured_to",
    "the policy set has no statutory parameters (eigen risico) for the treatment year",
    "reference_tariff is negative, not a number or too large (10^16 euros or more)",
    "supplementary_end is before supplementary_start",
    "material_costs is negative, not a number or more than amount",
    "amount is too large: 10^16 euros or more do not fit the output (Decimal(18, 2))",
    "birth_date is not a date between 0001-01-01 and 9999-12-31",
    "treatment_date is not a date between 0001-01-01 and 9999-12-31",
    "supplementary_start is not a date between 0001-01-01 and 9999-12-31",
    "supplementary_end is not a date between 0001-01-01 and 9999-12-31",
    "accident_date is not a date between 0001-01-01 and 9999-12-31",
    "insured_from is not a date between 0001-01-01 and 9999-12-31",
    "insured_to is not a date between 0001-01-01 and 9999-12-31",
];

/// A column that is either absent (one value for all rows) or materialised.
#[derive(Debug, Clone)]
pub enum Col<T: Copy> {
    Const(T),
    Vec(Vec<T>),
}

impl<T: Copy> Col<T> {
    #[inline(always)]
    pub fn get(&self, i: usize) -> T {
        match self {
            Col::Const(v) => *v,
            Col::Vec(v) => v[i],
        }
    }
}

pub const NO_CENTS: i64 = i64::MIN;
pub const NO_DATE: i32 = i32::MIN;
/// A date value that is no day of the years 1-9999 (or a string that is no ISO date).
pub const BAD_DATE: i32 = i32::MIN + 1;
/// `supplementary_product` absent or null; a value that names unknown products.
pub const NO_SUPP: u64 = 0;
const BAD_SUPP: u64 = u64::MAX;
/// `basic_product` names no basic product of the policy set.
const BAD_BASIC: u16 = u16::MAX;
pub const SPECIALISM_NONE: u16 = u16::MAX;
pub const SPECIALISM_OTHER: u16 = u16::MAX - 1;

/// `setting` (docs/rules.md#input).
pub const SETTING_NONE: u8 = 0;
pub const SETTING_POK: u8 = 1;
pub const SETTING_OUTPATIENT: u8 = 2;
pub const SETTING_DAYCARE: u8 = 3;
pub const SETTING_INPATIENT: u8 = 4;

/// Domain of a line.
pub const DOMAIN_INFER: u8 = 0;
pub const DOMAIN_MONDZORG: u8 = 1;
pub const DOMAIN_MSZ: u8 = 2;

/// The declaration lines in working form (struct of arrays).
pub struct Lines {
    pub n: usize,
    /// The insured of each row, read on demand by the ledger.
    pub insured: crate::ids::InsuredIds,
    /// Processing order within an insured and day: the line_id (row number by default).
    pub order_key: crate::ids::LineOrder,
    pub birth: Vec<i32>,
    pub treat: Vec<i32>,
    /// Index into `code_strings` (normalised codes); u32::MAX when null.
    pub code: Vec<u32>,
    pub code_strings: Vec<String>,
    pub amount: Vec<i64>,
    pub domain: Col<u8>,
    pub element: Col<u8>,
    pub jaw: Col<Jaw>,
    pub edentulous: Col<Tri>,
    pub provider: Col<Provider>,
    pub contracted: Col<bool>,
    pub reference_tariff: Col<i64>,
    pub authorization: Col<Tri>,
    /// 0 none, 1 a, 2 b, 3 c.
    pub bt_indication: Col<u8>,
    pub bt_related: Col<Tri>,
    pub ortho_severe: Col<bool>,
    pub severely_resorbed: Col<bool>,
    /// 0 none, 1 agenesis, 2 accident.
    pub missing_cause: Col<u8>,
    pub need_before_18: Col<bool>,
    /// Index of the basic product (`basic_col`).
    pub basic: Col<u16>,
    /// The supplementary products, packed by `supplementary::pack`; NO_SUPP when none.
    pub supplementary: Col<u64>,
    pub supp_start: Col<i32>,
    pub supp_end: Col<i32>,
    pub accident_date: Col<i32>,
    /// Material and technique costs included in `amount`, in cents (0 when absent).
    pub material: Col<i64>,
    pub referral: Col<Tri>,
    pub voluntary_cents: Col<i64>,
    pub insured_from: Col<i32>,
    pub insured_to: Col<i32>,
    pub specialism: Col<u16>,
    pub setting: Col<u8>,
    /// Invalid reason per row (Invalid::Ok when fine).
    pub invalid: Vec<Invalid>,
}

/// The input column names (required and optional; docs/rules.md#input).
pub const REQUIRED: [&str; 5] = ["insured_id", "birth_date", "treatment_date", "code", "amount"];

struct Table<'a> {
    schema: SchemaRef,
    batches: &'a [RecordBatch],
}

impl<'a> Table<'a> {
    fn column(&self, name: &str) -> Option<(DataType, Vec<ArrayRef>)> {
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
}

fn schema_err(column: &str, found: &DataType, expected: &str) -> Error {
    Error::Schema { column: column.into(), found: format!("{found}"), expected: expected.into() }
}

fn is_string(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_string(v),
        _ => false,
    }
}

fn is_int(dt: &DataType) -> bool {
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
fn dates(name: &str, dt: &DataType, chunks: &[ArrayRef], n: usize) -> Result<Vec<i32>> {
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
        other => return Err(schema_err(name, other, "Date32, Date64, Timestamp or ISO date strings")),
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
const UNPARSABLE: i64 = i64::MIN + 1;
const TOO_LARGE: i64 = i64::MAX;

/// Cents that the output holds as they are; larger ones TOO_LARGE (or -MAX_CENTS).
#[inline(always)]
fn bounded_cents(c: i128) -> i64 {
    if c > MAX_CENTS as i128 {
        TOO_LARGE
    } else if c < -(MAX_CENTS as i128) {
        -MAX_CENTS
    } else {
        c as i64
    }
}

fn money(name: &str, dt: &DataType, chunks: &[ArrayRef], n: usize, cents_input: bool) -> Result<Vec<i64>> {
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
                let vals: Vec<Option<f64>> = if *dt == DataType::Float64 {
                    c.as_primitive::<Float64Type>().iter().collect()
                } else {
                    c.as_primitive::<Float32Type>().iter().map(|v| v.map(|x| x as f64)).collect()
                };
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
        other => {
            let exp = if cents_input { "integer cents (Int64)" } else { "Decimal, Float, Int (euros) or decimal strings" };
            return Err(schema_err(name, other, exp));
        }
    }
    Ok(out)
}

fn bools(name: &str, dt: &DataType, chunks: &[ArrayRef], n: usize) -> Result<Vec<Tri>> {
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
        other => return Err(schema_err(name, other, "Boolean")),
    }
    Ok(out)
}

/// An integer column mapped through `f` (None for null; i64::MIN for a non-integer value).
fn ints<T: Copy + Default>(name: &str, dt: &DataType, chunks: &[ArrayRef], n: usize, f: impl Fn(Option<i64>) -> T) -> Result<Vec<T>> {
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
                let vals: Vec<Option<f64>> = if *dt == DataType::Float64 {
                    c.as_primitive::<Float64Type>().iter().collect()
                } else {
                    c.as_primitive::<Float32Type>().iter().map(|v| v.map(|x| x as f64)).collect()
                };
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
        other => return Err(schema_err(name, other, "an integer")),
    }
    Ok(out)
}

/// Context needed to resolve product keys.
pub struct Keys<'a> {
    /// First and last day (inclusive) with statutory parameters in the policy set.
    pub days: (i32, i32),
    pub basic: &'a [String],
    /// Specialisms of the POK list (others are valid but never on it).
    pub specialisms: &'a [String],
    pub default_basic: u16,
    pub supplementary: &'a [String],
    /// Per supplementary product: accident cover (paid first in a combination).
    pub accident: &'a [bool],
}

const INVALID_ENUM: u8 = u8::MAX;

/// Map a string column to small enum codes; `INVALID_ENUM` for an unknown value.
fn enum_col(name: &str, t: &Table, n: usize, null: u8, parse: impl Fn(&str) -> Option<u8> + Sync) -> Result<Col<u8>> {
    match t.optional(name) {
        None | Some((DataType::Null, _)) => Ok(Col::Const(null)),
        Some((dt, _)) if !is_string(&dt) => Err(schema_err(name, &dt, "strings (Utf8, LargeUtf8, Utf8View or Categorical)")),
        Some((_, chunks)) => {
            let col = StrCol::new(&chunks);
            Ok(Col::Vec(map_strings(&col, n, null, |s| std::str::from_utf8(s).ok().and_then(|s| parse(s.trim())).unwrap_or(INVALID_ENUM))))
        }
    }
}

fn tri_col(name: &str, t: &Table, n: usize) -> Result<Col<Tri>> {
    match t.optional(name) {
        None | Some((DataType::Null, _)) => Ok(Col::Const(Tri::Null)),
        Some((dt, chunks)) => Ok(Col::Vec(bools(name, &dt, &chunks, n)?)),
    }
}

fn bool_col(name: &str, t: &Table, n: usize, default: bool) -> Result<Col<bool>> {
    Ok(match tri_col(name, t, n)? {
        Col::Const(_) => Col::Const(default),
        Col::Vec(v) => Col::Vec(v.into_iter().map(|x| match x {
            Tri::Null => default,
            Tri::False => false,
            Tri::True => true,
        }).collect()),
    })
}

fn date_col(name: &str, t: &Table, n: usize) -> Result<Option<Vec<i32>>> {
    match t.optional(name) {
        None => Ok(None),
        Some((DataType::Null, _)) => Ok(None),
        Some((dt, chunks)) => Ok(Some(dates(name, &dt, &chunks, n)?)),
    }
}

/// Read and validate the input. Schema problems are errors; value problems mark rows invalid.
pub fn read(schema: SchemaRef, batches: &[RecordBatch], keys: &Keys) -> Result<Lines> {
    let t = Table { schema: schema.clone(), batches };
    let n: usize = batches.iter().map(|b| b.num_rows()).sum();
    for req in REQUIRED {
        if req == "amount" {
            continue;
        }
        if t.column(req).is_none() {
            return Err(Error::Schema { column: req.into(), found: "no such column".into(), expected: expected_of(req).into() });
        }
    }
    let (amount_name, cents_input) = if t.column("amount").is_some() {
        ("amount", false)
    } else if t.column("amount_cents").is_some() {
        ("amount_cents", true)
    } else {
        return Err(Error::Schema { column: "amount".into(), found: "no such column (nor amount_cents)".into(), expected: expected_of("amount").into() });
    };

    let timer = crate::passes::Timer::new();
    // Required columns, read in parallel.
    let (ins, rest) = rayon::join(
        || insured_ids(&t, n),
        || -> Result<_> {
            let (b, (tr, (code, amt))) = rayon::join(
                || { let (dt, c) = t.column("birth_date").unwrap(); dates("birth_date", &dt, &c, n) },
                || rayon::join(
                    || { let (dt, c) = t.column("treatment_date").unwrap(); dates("treatment_date", &dt, &c, n) },
                    || rayon::join(
                        || codes(&t, n),
                        || { let (dt, c) = t.column(amount_name).unwrap(); money(amount_name, &dt, &c, n, cents_input) },
                    ),
                ),
            );
            Ok((b?, tr?, code?, amt?))
        },
    );
    let (insured, insured_null) = ins?;
    let (birth, treat, (code, code_strings), amount) = rest?;

    timer.lap("  required columns");
    // Optional columns, read in parallel (each is one task; the big ones split further).
    let mut order_key = None;
    let mut domain = None;
    let mut element_raw = None;
    let mut jaw_raw = None;
    let mut edentulous = None;
    let mut provider = None;
    let mut contracted = None;
    let mut reference_tariff = None;
    let mut authorization = None;
    let mut bt_indication = None;
    let mut bt_related = None;
    let mut ortho_severe = None;
    let mut severely_resorbed = None;
    let mut missing_cause = None;
    let mut need_before_18 = None;
    let mut basic = None;
    let mut supplementary = None;
    let mut supp_start = None;
    let mut supp_end = None;
    let mut accident_date = None;
    let mut material_raw = None;
    let mut referral = None;
    let mut voluntary_raw = None;
    let mut insured_from = None;
    let mut insured_to = None;
    let mut setting = None;
    let mut specialism = None;
    rayon::scope(|s| {
        let t = &t;
        s.spawn(|_| order_key = Some(line_order(t, n)));
        s.spawn(|_| {
            domain = Some(enum_col("domain", t, n, DOMAIN_INFER, |s| match s {
                "mondzorg" => Some(DOMAIN_MONDZORG),
                "msz" => Some(DOMAIN_MSZ),
                _ => None,
            }))
        });
        s.spawn(|_| {
            element_raw = Some(match t.optional("element") {
                None | Some((DataType::Null, _)) => Ok(Col::Const(0u8)),
                Some((dt, chunks)) => ints("element", &dt, &chunks, n, |e| match e {
                    None => 0,
                    Some(e) if valid_fdi(e) => e as u8,
                    Some(_) => INVALID_ENUM,
                })
                .map(Col::Vec),
            })
        });
        s.spawn(|_| {
            jaw_raw = Some(enum_col("jaw", t, n, 0, |s| match s {
                "upper" => Some(1),
                "lower" => Some(2),
                _ => None,
            }))
        });
        s.spawn(|_| edentulous = Some(tri_col("edentulous", t, n)));
        s.spawn(|_| provider = Some(enum_col("provider_type", t, n, 0, |s| Provider::parse(s).map(|p| p as u8))));
        s.spawn(|_| contracted = Some(bool_col("contracted", t, n, true)));
        s.spawn(|_| {
            reference_tariff = Some(match t.optional("reference_tariff") {
                None | Some((DataType::Null, _)) => Ok(Col::Const(NO_CENTS)),
                Some((dt, chunks)) => money("reference_tariff", &dt, &chunks, n, false).map(Col::Vec),
            })
        });
        s.spawn(|_| authorization = Some(tri_col("authorization", t, n)));
        s.spawn(|_| {
            bt_indication = Some(enum_col("bt_indication", t, n, 0, |s| match s {
                "a" => Some(1),
                "b" => Some(2),
                "c" => Some(3),
                _ => None,
            }))
        });
        s.spawn(|_| bt_related = Some(tri_col("bt_related", t, n)));
        s.spawn(|_| ortho_severe = Some(bool_col("ortho_severe", t, n, false)));
        s.spawn(|_| severely_resorbed = Some(bool_col("severely_resorbed", t, n, false)));
        s.spawn(|_| {
            missing_cause = Some(enum_col("missing_tooth_cause", t, n, 0, |s| match s {
                "agenesis" => Some(1),
                "accident" => Some(2),
                _ => None,
            }))
        });
        s.spawn(|_| need_before_18 = Some(bool_col("need_before_18", t, n, false)));
        s.spawn(|_| basic = Some(basic_col(t, n, keys)));
        s.spawn(|_| supplementary = Some(supplementary_col(t, n, keys.supplementary, keys.accident)));
        s.spawn(|_| supp_start = Some(date_col("supplementary_start", t, n).map(|d| d.map(Col::Vec).unwrap_or(Col::Const(NO_DATE)))));
        s.spawn(|_| supp_end = Some(date_col("supplementary_end", t, n).map(|d| d.map(Col::Vec).unwrap_or(Col::Const(NO_DATE)))));
        s.spawn(|_| accident_date = Some(date_col("accident_date", t, n).map(|d| d.map(Col::Vec).unwrap_or(Col::Const(NO_DATE)))));
        s.spawn(|_| {
            material_raw = Some(match t.optional("material_costs") {
                None | Some((DataType::Null, _)) => Ok(Col::Const(0)),
                Some((dt, chunks)) => money("material_costs", &dt, &chunks, n, false).map(Col::Vec),
            })
        });
        s.spawn(|_| referral = Some(tri_col("referral", t, n)));
        s.spawn(|_| {
            voluntary_raw = Some(match t.optional("voluntary_deductible") {
                None | Some((DataType::Null, _)) => Ok(Col::Const(0)),
                Some((dt, chunks)) => money("voluntary_deductible", &dt, &chunks, n, false).map(Col::Vec),
            })
        });
        s.spawn(|_| insured_from = Some(date_col("insured_from", t, n).map(|d| d.map(Col::Vec).unwrap_or(Col::Const(NO_DATE)))));
        s.spawn(|_| insured_to = Some(date_col("insured_to", t, n).map(|d| d.map(Col::Vec).unwrap_or(Col::Const(NO_DATE)))));
        s.spawn(|_| {
            setting = Some(enum_col("setting", t, n, SETTING_NONE, |s| match s {
                "pok" => Some(SETTING_POK),
                "outpatient" => Some(SETTING_OUTPATIENT),
                "daycare" => Some(SETTING_DAYCARE),
                "inpatient" => Some(SETTING_INPATIENT),
                _ => None,
            }))
        });
        s.spawn(|_| specialism = Some(specialism_col(t, n, keys.specialisms)));
    });
    // The first schema error in column order wins (deterministic messages).
    let order_key = order_key.expect("spawned")?;
    let domain = domain.expect("spawned")?;
    let element = element_raw.expect("spawned")?;
    let jaw_raw = jaw_raw.expect("spawned")?;
    let edentulous = edentulous.expect("spawned")?;
    let provider = provider.expect("spawned")?;
    let contracted = contracted.expect("spawned")?;
    let reference_tariff = reference_tariff.expect("spawned")?;
    let authorization = authorization.expect("spawned")?;
    let bt_indication = bt_indication.expect("spawned")?;
    let bt_related = bt_related.expect("spawned")?;
    let ortho_severe = ortho_severe.expect("spawned")?;
    let severely_resorbed = severely_resorbed.expect("spawned")?;
    let missing_cause = missing_cause.expect("spawned")?;
    let need_before_18 = need_before_18.expect("spawned")?;
    let basic = basic.expect("spawned")?;
    let supplementary = supplementary.expect("spawned")?;
    let supp_start = supp_start.expect("spawned")?;
    let supp_end = supp_end.expect("spawned")?;
    let accident_date = accident_date.expect("spawned")?;
    let material = material_raw.expect("spawned")?;
    let referral = referral.expect("spawned")?;
    let voluntary_cents = voluntary_raw.expect("spawned")?;
    let insured_from = insured_from.expect("spawned")?;
    let insured_to = insured_to.expect("spawned")?;
    let setting = setting.expect("spawned")?;
    let specialism = specialism.expect("spawned")?;
    timer.lap("  optional columns");
    // Per-row validation (docs/rules.md#bad-input).
    let enum_checks: [(&Col<u8>, Invalid); 7] = [
        (&element, Invalid::BadElement),
        (&jaw_raw, Invalid::BadJaw),
        (&provider, Invalid::BadProvider),
        (&bt_indication, Invalid::BadBtIndication),
        (&missing_cause, Invalid::BadMissingCause),
        (&domain, Invalid::BadDomain),
        (&setting, Invalid::BadSetting),
    ];
    let date_checks: [(&Col<i32>, Invalid); 5] = [
        (&supp_start, Invalid::SupplementaryStartOutOfRange),
        (&supp_end, Invalid::SupplementaryEndOutOfRange),
        (&accident_date, Invalid::AccidentDateOutOfRange),
        (&insured_from, Invalid::InsuredFromOutOfRange),
        (&insured_to, Invalid::InsuredToOutOfRange),
    ];
    let mut invalid = vec![Invalid::Ok; n];
    invalid.par_iter_mut().enumerate().for_each(|(i, inv)| {
        let check = || -> Invalid {
            if insured_null.as_ref().is_some_and(|v| v[i]) {
                return Invalid::InsuredNull;
            }
            match birth[i] {
                NO_DATE => return Invalid::BirthNull,
                BAD_DATE => return Invalid::BirthOutOfRange,
                _ => {}
            }
            match treat[i] {
                NO_DATE => return Invalid::TreatmentNull,
                BAD_DATE => return Invalid::TreatmentOutOfRange,
                _ => {}
            }
            if code[i] == u32::MAX {
                return Invalid::CodeNull;
            }
            match amount[i] {
                NO_CENTS => return Invalid::AmountNull,
                UNPARSABLE => return Invalid::AmountUnparsable,
                a if a > MAX_CENTS => return Invalid::AmountTooLarge,
                a if a < 0 => return Invalid::AmountNegative,
                _ => {}
            }
            // Optional dates that are set but no day of the years 1-9999.
            for (col, why) in &date_checks {
                if col.get(i) == BAD_DATE {
                    return *why;
                }
            }
            if treat[i] < birth[i] {
                return Invalid::TreatmentBeforeBirth;
            }
            if treat[i] < keys.days.0 || treat[i] > keys.days.1 {
                return Invalid::NoYearParameters;
            }
            // Enum columns: a value outside the documented vocabulary (docs/rules.md#input) makes the row invalid.
            for (col, why) in &enum_checks {
                if col.get(i) == INVALID_ENUM {
                    return *why;
                }
            }
            if basic.get(i) == BAD_BASIC {
                return Invalid::UnknownBasicProduct;
            }
            if supplementary.get(i) == BAD_SUPP {
                return Invalid::UnknownSupplementaryProduct;
            }
            let (ss, se) = (supp_start.get(i), supp_end.get(i));
            if ss != NO_DATE && se != NO_DATE && se < ss {
                return Invalid::SupplementaryEndBeforeStart;
            }
            let m = material.get(i);
            if m != NO_CENTS && (m < 0 || m == UNPARSABLE || m > amount[i]) {
                return Invalid::BadMaterialCosts;
            }
            let rt = reference_tariff.get(i);
            if rt != NO_CENTS && (rt < 0 || rt > MAX_CENTS) {
                return Invalid::BadReferenceTariff;
            }
            let v = voluntary_cents.get(i);
            if v != NO_CENTS && (!(0..=50_000).contains(&v) || v % 10_000 != 0) {
                return Invalid::BadVoluntaryDeductible;
            }
            let (f, to) = (insured_from.get(i), insured_to.get(i));
            if (f != NO_DATE && treat[i] < f) || (to != NO_DATE && treat[i] > to) {
                return Invalid::OutsideContract;
            }
            Invalid::Ok
        };
        *inv = check();
    });

    timer.lap("  validation");
    let jaw = match &jaw_raw {
        Col::Const(_) => Col::Const(Jaw::Unknown),
        Col::Vec(v) => Col::Vec(v.iter().map(|j| match j {
            1 => Jaw::Upper,
            2 => Jaw::Lower,
            _ => Jaw::Unknown,
        }).collect()),
    };
    let provider = match provider {
        Col::Const(_) => Col::Const(Provider::Unknown),
        Col::Vec(v) => Col::Vec(v.into_iter().map(provider_from_u8).collect()),
    };
    let material = match material {
        Col::Vec(v) => Col::Vec(v.into_iter().map(|x| if x == NO_CENTS { 0 } else { x }).collect()),
        c => c,
    };
    let voluntary_cents = match voluntary_cents {
        Col::Vec(v) => Col::Vec(v.into_iter().map(|x| if x == NO_CENTS { 0 } else { x }).collect()),
        c => c,
    };
    Ok(Lines {
        n,
        insured,
        order_key,
        birth,
        treat,
        code,
        code_strings,
        amount,
        domain,
        element,
        jaw,
        edentulous,
        provider,
        contracted,
        reference_tariff,
        authorization,
        bt_indication,
        bt_related,
        ortho_severe,
        severely_resorbed,
        missing_cause,
        need_before_18,
        basic,
        supplementary,
        supp_start,
        supp_end,
        accident_date,
        material,
        referral,
        voluntary_cents,
        insured_from,
        insured_to,
        specialism,
        setting,
        invalid,
    })
}

/// `specialism`: the index in the POK list's specialisms, SPECIALISM_OTHER for another
/// (valid) specialism, SPECIALISM_NONE for null.
fn specialism_col(t: &Table, n: usize, known: &[String]) -> Result<Col<u16>> {
    match t.optional("specialism") {
        Some((dt, _)) if dt != DataType::Null && !is_string(&dt) => Err(schema_err("specialism", &dt, "strings")),
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

/// `basic_product`: the index of the product among the policy's basic products (u16:
/// `policy::MAX_PRODUCTS`); the default product when absent or null, BAD_BASIC when unknown.
fn basic_col(t: &Table, n: usize, keys: &Keys) -> Result<Col<u16>> {
    match t.optional("basic_product") {
        None | Some((DataType::Null, _)) => Ok(Col::Const(keys.default_basic)),
        Some((dt, _)) if !is_string(&dt) => Err(schema_err("basic_product", &dt, "strings (Utf8, LargeUtf8, Utf8View or Categorical)")),
        Some((_, chunks)) => {
            let col = StrCol::new(&chunks);
            let index = |s: &str| keys.basic.iter().position(|k| k == s).map(|i| i as u16);
            Ok(Col::Vec(map_strings(&col, n, keys.default_basic, |s| std::str::from_utf8(s).ok().and_then(|s| index(s.trim())).unwrap_or(BAD_BASIC))))
        }
    }
}

/// `supplementary_product`: keys joined by `+`, packed by `supplementary::pack`; NO_SUPP
/// for none, BAD_SUPP when a key is unknown, repeated or there are too many.
fn supplementary_col(t: &Table, n: usize, keys: &[String], accident: &[bool]) -> Result<Col<u64>> {
    let Some((dt, chunks)) = t.optional("supplementary_product") else { return Ok(Col::Const(NO_SUPP)) };
    if dt == DataType::Null {
        return Ok(Col::Const(NO_SUPP));
    }
    if !is_string(&dt) {
        return Err(schema_err("supplementary_product", &dt, "strings"));
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

fn provider_from_u8(p: u8) -> Provider {
    match p {
        1 => Provider::Tandarts,
        2 => Provider::Mondhygienist,
        3 => Provider::Tandprotheticus,
        4 => Provider::Orthodontist,
        5 => Provider::Kaakchirurg,
        6 => Provider::Implantoloog,
        7 => Provider::Cbt,
        8 => Provider::MedischSpecialist,
        _ => Provider::Unknown,
    }
}

fn valid_fdi(e: i64) -> bool {
    let (q, t) = (e / 10, e % 10);
    ((1..=4).contains(&q) && (1..=8).contains(&t)) || ((5..=8).contains(&q) && (1..=5).contains(&t))
}

/// The types the engine reads for a required column.
pub fn expected_of(col: &str) -> &'static str {
    match col {
        "insured_id" => "strings or integers (or integer-valued floats or decimals)",
        "birth_date" | "treatment_date" => "Date32, Date64, Timestamp or ISO date strings",
        "code" => "strings (Utf8, LargeUtf8, Utf8View or Categorical)",
        _ => "Decimal, Float or Int euros (or amount_cents as Int64)",
    }
}

/// The insured id column (validated), and which rows are null (None when none are).
fn insured_ids(t: &Table, n: usize) -> Result<(crate::ids::InsuredIds, Option<Vec<bool>>)> {
    let (dt, chunks) = t.column("insured_id").unwrap();
    let expected = "strings or integers (or integer-valued floats or decimals)";
    let (dt, chunks) = if is_whole_number_type(&dt) { (DataType::Int64, whole_numbers("insured_id", &dt, &chunks, expected)?) } else { (dt, chunks) };
    let ids = if is_int(&dt) {
        crate::ids::InsuredIds::Ints(crate::ids::IntRows::new(&chunks))
    } else if is_string(&dt) {
        crate::ids::InsuredIds::Strings(crate::strings::RowStrings::new(&chunks))
    } else {
        return Err(schema_err("insured_id", &dt, expected));
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
fn codes(t: &Table, n: usize) -> Result<(Vec<u32>, Vec<String>)> {
    let (dt, chunks) = t.column("code").unwrap();
    if !is_string(&dt) {
        return Err(schema_err("code", &dt, expected_of("code")));
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
fn line_order(t: &Table, n: usize) -> Result<crate::ids::LineOrder> {
    use crate::ids::{IntRows, LineOrder};
    let Some((dt, chunks)) = t.column("line_id") else { return Ok(LineOrder::RowNumber) };
    let expected = "integers (or integer-valued floats or decimals) or strings";
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
        return Ok(LineOrder::Ints(IntRows::new(&whole_numbers("line_id", &dt, &chunks, expected)?)));
    }
    Err(schema_err("line_id", &dt, expected))
}

/// Floats and decimals that can hold whole numbers (an id column as pandas or a
/// warehouse may type it).
fn is_whole_number_type(dt: &DataType) -> bool {
    matches!(dt, DataType::Float64 | DataType::Float32 | DataType::Float16 | DataType::Decimal128(_, _))
}

/// An id column of floats or decimals as Int64 chunks: pandas makes an integer column
/// with a missing value float (NaN is missing). A fraction, an infinity or a value beyond
/// Int64 is a schema error naming the column and the value.
fn whole_numbers(name: &str, dt: &DataType, chunks: &[ArrayRef], expected: &str) -> Result<Vec<ArrayRef>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Date32Array, TimestampSecondArray};
    use std::sync::Arc;

    fn day(s: &str) -> i32 {
        crate::dates::parse_iso(s).unwrap()
    }

    fn read_dates(a: ArrayRef) -> Vec<i32> {
        let dt = a.data_type().clone();
        let n = a.len();
        dates("d", &dt, &[a], n).unwrap()
    }

    #[test]
    fn tz_aware_timestamps_are_the_local_calendar_date() {
        let utc = |d: &str, seconds: i64| day(d) as i64 * 86_400 + seconds;
        let instants = vec![
            utc("2021-12-31", 23 * 3600),        // 2022-01-01 00:00 CET
            utc("2022-03-26", 23 * 3600 + 1800), // 2022-03-27 00:30 CET
            utc("2022-03-27", 3600 + 1800),      // 03:30 CEST, on the day summer time starts
            utc("2022-10-29", 22 * 3600 + 1800), // 2022-10-30 00:30 CEST
            utc("2022-10-30", 23 * 3600),        // 2022-10-31 00:00 CET, after summer time ends
            i64::MAX,                            // hundreds of billions of years out
        ];
        let a: ArrayRef = Arc::new(TimestampSecondArray::from(instants).with_timezone("Europe/Amsterdam"));
        assert_eq!(read_dates(a), vec![day("2022-01-01"), day("2022-03-27"), day("2022-03-27"), day("2022-10-30"), day("2022-10-31"), BAD_DATE]);
        let fixed: ArrayRef = Arc::new(TimestampSecondArray::from(vec![utc("2021-12-31", 23 * 3600)]).with_timezone("+01:00"));
        assert_eq!(read_dates(fixed), vec![day("2022-01-01")]);
        let naive: ArrayRef = Arc::new(TimestampSecondArray::from(vec![Some(utc("2021-12-31", 23 * 3600)), None]));
        assert_eq!(read_dates(naive), vec![day("2021-12-31"), NO_DATE]);
    }

    #[test]
    fn dates_outside_years_1_to_9999_are_bad() {
        let a: ArrayRef = Arc::new(Date32Array::from(vec![Some(i32::MAX), Some(FIRST_DAY), None, Some(LAST_DAY + 1)]));
        assert_eq!(read_dates(a), vec![BAD_DATE, FIRST_DAY, NO_DATE, BAD_DATE]);
    }

    #[test]
    fn money_out_of_range_is_too_large_not_negative() {
        let a: ArrayRef = Arc::new(arrow_array::UInt64Array::from(vec![u64::MAX, 5]));
        assert_eq!(money("amount_cents", &DataType::UInt64, &[a], 2, true).unwrap(), vec![TOO_LARGE, 5]);
        assert_eq!(bounded_cents(MAX_CENTS as i128 + 1), TOO_LARGE);
        assert_eq!(bounded_cents(-(MAX_CENTS as i128) - 7), -MAX_CENTS);
    }
}
