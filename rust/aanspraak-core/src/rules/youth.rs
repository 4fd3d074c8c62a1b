//! Insured under 18 (Bzv 2.7 lid 4).

use super::{LineFacts, Statutory};
use crate::codes::tag;
use crate::policy::Entitlement;
use crate::reason::{Basis, Reason};

/// Sections of lid 4 sub a-m: C M A B E V T G P H X U.
const SECTIONS: &[u8] = b"CMABEVTGPHXU";

pub fn entitlement(f: &LineFacts) -> Statutory {
    let excluded = tag::IMPLANT | tag::NON_PLASTIC | tag::ORTHODONTIC;
    // Sub l: surgical care except placing implants, an autotransplant (J39) included.
    let surgical = f.row.tags & tag::AUTOTRANSPLANT != 0;
    if (SECTIONS.contains(&f.row.section) || surgical) && f.row.tags & excluded == 0 {
        Statutory::Covered { entitlement: Entitlement::Youth, basis: Basis::Bzv27Lid4 }
    } else {
        Statutory::NotCovered { reason: Reason::NotInsuredYouth, basis: Basis::Bzv27Lid4 }
    }
}
