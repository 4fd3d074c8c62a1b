//! Unit tests of the input layer: each kind of column read from Arrow, the defaults of
//! absent and null columns, every `Invalid` with its message, schema errors.

use super::kinds::{bounded_cents, dates, money, TOO_LARGE};
use super::schema::spec;
use super::*;
use crate::dates::{FIRST_DAY, LAST_DAY};
use crate::money::MAX_CENTS;
use arrow_array::ArrayRef;
use arrow_schema::DataType;
use arrow_array::{Date32Array, TimestampSecondArray};
use std::sync::Arc;

fn day(s: &str) -> i32 {
    crate::dates::parse_iso(s).unwrap()
}

fn read_dates(a: ArrayRef) -> Vec<i32> {
    let dt = a.data_type().clone();
    let n = a.len();
    dates(spec("birth_date"), &dt, &[a], n).unwrap()
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
    assert_eq!(money(spec("amount_cents"), &DataType::UInt64, &[a], 2).unwrap(), vec![TOO_LARGE, 5]);
    assert_eq!(bounded_cents(MAX_CENTS as i128 + 1), TOO_LARGE);
    assert_eq!(bounded_cents(-(MAX_CENTS as i128) - 7), -MAX_CENTS);
}
