//! Civil-date arithmetic on days since 1970-01-01 (Arrow Date32), no allocation.
//!
//! Algorithms after H. Hinnant, "chrono-compatible low-level date algorithms".

/// A civil date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// Days since 1970-01-01 for a civil date (saturating at the ends of i32, which no
/// valid date reaches).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    saturate(days_from_civil_wide(y as i64, m, d))
}

/// `days_from_civil` in 64 bits: no overflow for any year of an i32 day number plus the
/// longest period a policy allows (`policy::bound::MONTHS`).
fn days_from_civil_wide(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe as i64 - 719468
}

/// A day number in i32, clamped; i32::MIN stays free for "no date" (`input::NO_DATE`).
fn saturate(days: i64) -> i32 {
    days.clamp(i32::MIN as i64 + 1, i32::MAX as i64) as i32
}

/// Civil date of a day number (days since 1970-01-01).
pub fn civil_from_days(z: i32) -> Ymd {
    let z = z as i64 + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = (z - era * 146097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = (yoe as i64 + era * 400) as i32;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    Ymd { year: if m <= 2 { y + 1 } else { y }, month: m, day: d }
}

/// 0001-01-01, the first day a date column may hold (ISO 8601 four-digit years).
pub const FIRST_DAY: i32 = -719_162;
/// 9999-12-31, the last day a date column may hold.
pub const LAST_DAY: i32 = 2_932_896;

pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_year(y: i32) -> i32 {
    if is_leap(y) { 366 } else { 365 }
}

/// Whole years between birth and `on` (the person's age on that day).
/// A person born on 29 February becomes a year older on 1 March in common years.
pub fn age_on(birth: Ymd, on: Ymd) -> i32 {
    let mut age = on.year - birth.year;
    if (on.month, on.day) < (birth.month, birth.day) {
        age -= 1;
    }
    age
}

/// First day of the month after the month in which the person turns `years`
/// (docs/rules.md#eigen-risico: a birthday on the 1st still starts the next month).
pub fn first_of_month_after_birthday(birth: Ymd, years: i32) -> i32 {
    let y = birth.year + years;
    if birth.month == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, birth.month + 1, 1)
    }
}

/// Parse `YYYY-MM-DD`.
pub fn parse_iso(s: &str) -> Option<i32> {
    let b = s.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = s.trim()[0..4].parse().ok()?;
    let m: u32 = s.trim()[5..7].parse().ok()?;
    let d: u32 = s.trim()[8..10].parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 || d > month_len(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

pub fn month_len(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => if is_leap(y) { 29 } else { 28 },
    }
}

/// The same day `months` months later, clamped to the month's last day (31 January + 1
/// month = 28/29 February). For waiting periods counted from a start date.
/// Saturates at the end of the day range: a period that ends beyond it never ends.
pub fn add_months(days: i32, months: u32) -> i32 {
    let d = civil_from_days(days);
    let m0 = d.month as i64 - 1 + months as i64;
    let y = d.year as i64 + m0 / 12;
    let m = (m0 % 12) as u32 + 1;
    // The leap rule repeats every 400 years, so the year modulo 400 decides the month length.
    saturate(days_from_civil_wide(y, m, d.day.min(month_len(y.rem_euclid(400) as i32, m))))
}

pub fn format_iso(days: i32) -> String {
    let d = civil_from_days(days);
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_months_clamps_to_month_end() {
        let d = |s| parse_iso(s).unwrap();
        assert_eq!(add_months(d("2021-01-01"), 12), d("2022-01-01"));
        assert_eq!(add_months(d("2020-01-31"), 1), d("2020-02-29"));
        assert_eq!(add_months(d("2021-11-30"), 3), d("2022-02-28"));
        assert_eq!(add_months(d("2021-05-17"), 0), d("2021-05-17"));
    }

    #[test]
    fn add_months_never_overflows() {
        for days in [i32::MIN + 1, -1_000_000_000, 0, 1_000_000_000, i32::MAX - 400, i32::MAX] {
            for months in [0, 1, 1_200, u32::MAX] {
                let later = add_months(days, months);
                assert!(later >= days || days == i32::MIN + 1, "{days} + {months} months = {later}");
            }
        }
        assert_eq!(add_months(i32::MAX - 10, 1_200), i32::MAX);
        let d = civil_from_days(i32::MAX);
        assert!(d.year > 5_000_000);
    }

    #[test]
    fn roundtrip() {
        for z in -800_000..800_000 {
            let d = civil_from_days(z);
            assert_eq!(days_from_civil(d.year, d.month, d.day), z);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11017);
        assert_eq!(days_from_civil(1, 1, 1), FIRST_DAY);
        assert_eq!(days_from_civil(9999, 12, 31), LAST_DAY);
    }

    #[test]
    fn age_around_birthday() {
        let b = Ymd { year: 2004, month: 6, day: 15 };
        assert_eq!(age_on(b, Ymd { year: 2022, month: 6, day: 14 }), 17);
        assert_eq!(age_on(b, Ymd { year: 2022, month: 6, day: 15 }), 18);
        let leap = Ymd { year: 2004, month: 2, day: 29 };
        assert_eq!(age_on(leap, Ymd { year: 2022, month: 2, day: 28 }), 17);
        assert_eq!(age_on(leap, Ymd { year: 2022, month: 3, day: 1 }), 18);
    }

    #[test]
    fn deductible_start() {
        let b = Ymd { year: 2004, month: 3, day: 1 };
        assert_eq!(format_iso(first_of_month_after_birthday(b, 18)), "2022-04-01");
        let dec = Ymd { year: 2004, month: 12, day: 31 };
        assert_eq!(format_iso(first_of_month_after_birthday(dec, 18)), "2023-01-01");
    }

    #[test]
    fn parse() {
        assert_eq!(parse_iso("2022-02-29"), None);
        assert_eq!(parse_iso("2024-02-29").map(format_iso).as_deref(), Some("2024-02-29"));
    }
}
