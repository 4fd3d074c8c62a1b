//! The history as known on a date (docs/rules.md#as-known-on-a-date): with an `as_of`
//! day, a valid line whose `processing_date` is later, or null, is not yet booked. It is
//! marked `unbooked`, which the rules score `NOT_YET_BOOKED` and every later pass leaves
//! out, as it leaves out a credited line. A credit pair is booked as a whole only when
//! both are booked (docs/interpretations.md#processing-date):
//!
//! - credit booked later than `as_of`, original by then: the original is an ordinary line
//!   (the credit is not yet known), the credit `NOT_YET_BOOKED`;
//! - original booked later than `as_of` (whatever the credit's date): both `NOT_YET_BOOKED`
//!   (a credit cannot reverse a line that is not yet booked, and the pair nets to nothing).
//!
//! A row with a bad value stays `INVALID_INPUT`: the check of the input does not depend
//! on the date.

use super::{Col, Credit, Invalid, Lines, NO_DATE};
use rayon::prelude::*;

/// Mark the rows of `lines` not booked on day `as_of`; the number marked.
pub fn as_of(lines: &mut Lines, as_of: i32) -> usize {
    let n = lines.n;
    let booked = |l: &Lines, i: usize| {
        let p = l.processing.get(i);
        p != NO_DATE && p <= as_of
    };
    let mut unbooked: Vec<bool> = (0..n).into_par_iter().map(|i| lines.invalid[i] == Invalid::Ok && !booked(lines, i)).collect();
    if !lines.credit_pairs.is_empty() {
        let mut credit = match &lines.credit {
            Col::Vec(v) => v.clone(),
            Col::Const(_) => unreachable!("credit pairs mark their rows"),
        };
        for &(o, c) in &lines.credit_pairs {
            let (o, c) = (o as usize, c as usize);
            if unbooked[o] {
                // The pair waits for its original.
                unbooked[c] = true;
            } else if unbooked[c] {
                // The original is booked and not yet reversed: an ordinary line.
                credit[o] = Credit::No;
                credit[c] = Credit::No;
            }
        }
        lines.credit = Col::Vec(credit);
    }
    let count = unbooked.par_iter().filter(|&&u| u).count();
    lines.unbooked = if count == 0 { Col::Const(false) } else { Col::Vec(unbooked) };
    count
}
