//! Bijzondere tandheelkunde (Bzv 2.7 lid 1-3), all ages.

use super::{LineFacts, Statutory};
use crate::codes::tag;
use crate::input::BtIndication;
use crate::policy::Entitlement;
use crate::reason::{Basis, Reason};

/// `None` when the line has no indication; otherwise the BT verdict.
pub fn entitlement(f: &LineFacts) -> Option<Statutory> {
    let is_implant = f.row.tags & tag::IMPLANT != 0;
    let basis = match f.bt_indication {
        BtIndication::A => Basis::Bzv27Lid1a,
        BtIndication::B => Basis::Bzv27Lid1b,
        BtIndication::C => Basis::Bzv27Lid1c,
        // Bzv 2.7 lid 2: a very severely resorbed toothless jaw counts as indication a for implants.
        BtIndication::None if f.severely_resorbed && is_implant => Basis::Bzv27Lid1aLid2,
        BtIndication::None => return None,
    };
    // Bzv 2.7 lid 3: orthodontics only for a very severe developmental or growth disorder.
    if f.row.tags & tag::ORTHODONTIC != 0 && !f.ortho_severe {
        return Some(Statutory::NotCovered { reason: Reason::OrthoNotSevere, basis: Basis::Bzv27Lid3 });
    }
    Some(Statutory::Covered { entitlement: Entitlement::Bt, basis })
}
