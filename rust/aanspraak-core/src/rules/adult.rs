//! Insured of 18 and over (Bzv 2.7 lid 5).

use super::{LineFacts, Statutory};
use crate::codes::tag;
use crate::input::Provider;
use crate::policy::Entitlement;
use crate::reason::{Basis, Reason};

pub fn entitlement(f: &LineFacts) -> Statutory {
    let t = f.row.tags;
    // P044 (toeslag zeer ernstig geslonken kaak) only with the right to implants, Bzv 2.7
    // lid 2 (seed 004 art. 3.12.2 Toestemming vooraf l); as BT care see `bt`.
    if t & tag::RESORBED_JAW_SURCHARGE != 0 && !f.severely_resorbed {
        return Statutory::NotCovered { reason: Reason::NotInsuredAdult, basis: Basis::Bzv27Lid5bLid2 };
    }
    // Lid 5 sub b: removable full prostheses, on implants or not, and their repair.
    if t & (tag::FULL_DENTURE | tag::IMPLANT_DENTURE | tag::DENTURE_COMBO | tag::DENTURE_REPAIR) != 0 {
        return Statutory::Covered { entitlement: Entitlement::Adult, basis: Basis::Bzv27Lid5bRzv231Lid2 };
    }
    // Lid 5 sub a: specialist surgery by a kaakchirurg and its X-rays, except perio surgery,
    // implants and uncomplicated extractions. An unknown provider does not meet it (docs/interpretations.md#coverage).
    let surgical = t & tag::SPECIALIST_SURGERY != 0 && t & (tag::SIMPLE_EXTRACTION | tag::PERIO_SURGERY | tag::IMPLANT) == 0;
    if f.provider == Provider::Kaakchirurg && (surgical || (t & tag::XRAY != 0 && t & tag::ORTHODONTIC == 0)) {
        return Statutory::Covered { entitlement: Entitlement::Adult, basis: Basis::Bzv27Lid5a };
    }
    Statutory::NotCovered { reason: Reason::NotInsuredAdult, basis: Basis::Bzv27Lid5 }
}
