//! Missing permanent incisors or canines, under 23 (Bzv 2.7 lid 6).

use super::{LineFacts, Statutory};
use crate::codes::tag;
use crate::input::MissingCause;
use crate::policy::Entitlement;
use crate::reason::Basis;

/// Permanent incisors and canines: 11-13, 21-23, 31-33, 41-43.
pub fn incisor_or_canine(element: u8) -> bool {
    matches!(element, 11..=13 | 21..=23 | 31..=33 | 41..=43)
}

pub fn entitlement(f: &LineFacts) -> Option<Statutory> {
    let applies = f.age < 23
        && f.row.tags & (tag::NON_PLASTIC | tag::IMPLANT) != 0
        && incisor_or_canine(f.element)
        && match f.missing_cause {
            MissingCause::Agenesis | MissingCause::Accident => true,
            MissingCause::None => false,
        }
        && f.need_before_18;
    applies.then_some(Statutory::Covered { entitlement: Entitlement::Lid6, basis: Basis::Bzv27Lid6 })
}
