//! Money in integer cents; percentages in basis points (1 % = 100 bp).
//! Rounding is half up to the cent, once per line (docs/rules.md#money).

/// Cents per euro.
pub const CENT: i64 = 100;

/// `amount × bp / 10 000`, rounded half up (amounts are never negative here). In i64
/// (i128 division is a slow library call); i128 only when the product would overflow.
#[inline]
pub fn apply_bp(amount_cents: i64, bp: u32) -> i64 {
    match bp {
        0 => 0,
        10_000 => amount_cents,
        _ => match amount_cents.checked_mul(bp as i64) {
            Some(num) if num <= i64::MAX - 5_000 => (num + 5_000) / 10_000,
            _ => ((amount_cents as i128 * bp as i128 + 5_000) / 10_000) as i64,
        },
    }
}

/// The largest amount in cents the output holds: money is Decimal(18, 2), so below
/// 10^16 euros (README "Output columns").
pub const MAX_CENTS: i64 = 999_999_999_999_999_999;

/// Round a fixed-point value with `scale` decimals to cents, half up (away from zero for
/// negatives, which are rejected later anyway). None when it does not fit i64.
pub fn decimal_to_cents(value: i128, scale: i8) -> Option<i64> {
    i64::try_from(decimal_to_cents_wide(value, scale)).ok()
}

/// `decimal_to_cents` in i128, saturating (any scale, also negative ones).
pub fn decimal_to_cents_wide(value: i128, scale: i8) -> i128 {
    let saturated = || value.signum() * i128::MAX;
    if scale <= 2 {
        match 10i128.checked_pow((2 - scale as i32) as u32) {
            Some(m) => value.saturating_mul(m),
            None => saturated(),
        }
    } else {
        let Some(div) = 10i128.checked_pow((scale - 2) as u32) else { return 0 };
        let (q, r) = (value / div, value % div);
        if r.abs() >= div - r.abs() {
            q + value.signum()
        } else {
            q
        }
    }
}

/// Float euros to cents, half up; None when not finite or 10^16 euros or more. Uses the
/// shortest decimal representation of the float so that 0.125 and 2.675 round the way
/// a person reading them expects.
pub fn float_to_cents(v: f64) -> Option<i64> {
    if !v.is_finite() || v.abs() >= 1e16 {
        return None;
    }
    let x = v * 100.0;
    let frac = x - x.floor();
    if (frac - 0.5).abs() > 1e-6 {
        // Far from a half cent: plain rounding is exact enough.
        return Some(x.round() as i64);
    }
    let s = format!("{v}");
    parse_decimal_cents(&s)
}

/// Parse a decimal string (`"385"`, `"12.345"`, `"-1.5"`) into cents, half up.
pub fn parse_decimal_cents(s: &str) -> Option<i64> {
    parse_decimal_cents_wide(s).and_then(|c| i64::try_from(c).ok())
}

/// `parse_decimal_cents` in i128, saturating for very long digit strings (None only
/// for text that is no decimal number).
pub fn parse_decimal_cents_wide(s: &str) -> Option<i128> {
    let s = s.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: i128 = if int_part.is_empty() { 0 } else { int_part.parse().unwrap_or(i128::MAX) };
    let mut digits = frac_part.bytes().map(|b| (b - b'0') as i128);
    let d1 = digits.next().unwrap_or(0);
    let d2 = digits.next().unwrap_or(0);
    let d3 = digits.next().unwrap_or(0);
    let mut cents = int.saturating_mul(100).saturating_add(d1 * 10 + d2);
    if d3 >= 5 {
        cents = cents.saturating_add(1);
    }
    Some(if neg { -cents } else { cents })
}

/// A fixed-point value as text (`12345`, scale 2: `123.45`; scale -2: `1234500`).
pub fn format_decimal(value: i128, scale: i8) -> String {
    if scale <= 0 {
        return format!("{value}{}", "0".repeat((-(scale as i32)) as usize));
    }
    let digits = format!("{:0>width$}", value.unsigned_abs(), width = scale as usize + 1);
    let (int, frac) = digits.split_at(digits.len() - scale as usize);
    format!("{}{int}.{frac}", if value < 0 { "-" } else { "" })
}

/// Format cents as a euro string with two decimals.
pub fn format_cents(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", c.abs() / 100, c.abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_points() {
        assert_eq!(apply_bp(10_000, 2_500), 2_500);
        assert_eq!(apply_bp(333, 2_500), 83); // 83.25 -> 83
        assert_eq!(apply_bp(2, 2_500), 1); // 0.5 -> 1 (half up)
        assert_eq!(apply_bp(12_345, 800), 988); // 987.6 -> 988
        assert_eq!(apply_bp(i64::MAX / 100, 2_500), ((i64::MAX / 100) as i128 * 2_500 / 10_000) as i64 + 1);
        assert_eq!(apply_bp(777, 0), 0);
        assert_eq!(apply_bp(777, 10_000), 777);
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal_to_cents(12345, 3), Some(1235));
        assert_eq!(decimal_to_cents(12344, 3), Some(1234));
        assert_eq!(decimal_to_cents(5, 0), Some(500));
        assert_eq!(float_to_cents(0.125), Some(13));
        assert_eq!(float_to_cents(2.675), Some(268));
        assert_eq!(float_to_cents(19.99), Some(1999));
        assert_eq!(parse_decimal_cents("385"), Some(38_500));
        assert_eq!(parse_decimal_cents("1e3"), None);
        assert_eq!(format_cents(38_501), "385.01");
        assert_eq!(format_decimal(-5, 3), "-0.005");
        assert_eq!(format_decimal(12, -2), "1200");
        // Out of i64: saturated, so the reader can say "too large" rather than "not a number".
        assert_eq!(decimal_to_cents_wide(i128::MAX, 0), i128::MAX);
        assert_eq!(decimal_to_cents_wide(-5, -120), -i128::MAX);
        assert_eq!(decimal_to_cents_wide(5, -2), 50_000);
        assert_eq!(decimal_to_cents_wide(-12345, 3), -1235);
        assert_eq!(parse_decimal_cents_wide("123456789012345678901234567890123456789012"), Some(i128::MAX));
        assert_eq!(float_to_cents(9.99e15), Some(999_000_000_000_000_000));
        assert_eq!(float_to_cents(1e16), None);
    }
}
