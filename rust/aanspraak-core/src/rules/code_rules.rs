//! Code rules that hold for every insured (docs/rules.md#code-rules).

use super::LineFacts;
use crate::codes::tag;
use crate::reason::{Basis, Reason};

/// The esthetic zone: elements 14 to 24 (upper front, first premolar to first premolar).
pub fn in_esthetic_zone(element: u8) -> bool {
    matches!(element, 11..=14 | 21..=24)
}

pub fn refusal(f: &LineFacts) -> Option<(Reason, Basis)> {
    // A missed appointment is never insured care (Zvw art. 11).
    if f.row.tags & tag::NO_SHOW != 0 {
        return Some((Reason::NoShow, Basis::NoShow));
    }
    // NZa J87/J19: only in the esthetic zone 14-24 (seed 004 r.o. 8.4-8.5); a null element counts as outside (docs/interpretations.md#coverage).
    if f.row.tags & (tag::TEMP_CROWN_IMPLANT | tag::ESTHETIC_ZONE_SURCHARGE) != 0 && !in_esthetic_zone(f.element) {
        return Some((Reason::OutsideEstheticZone, Basis::EstheticZone));
    }
    None
}
