//! The statutory eigen bijdrage (Rzv 2.31), as a share of the allowed amount.

use super::{jaw_of_element, LineFacts, Statutory};
use crate::codes::{tag, Jaw};
use crate::input::Tri;
use crate::policy::{Entitlement, YearParams};
use crate::reason::Basis;

/// Basis points of `allowed` the insured pays as eigen bijdrage; only from age 18.
pub fn basis_points(f: &LineFacts, ent: Entitlement, regular: &Statutory, p: &YearParams) -> u32 {
    if f.age < 18 {
        return 0;
    }
    match ent {
        // Rzv 2.31 lid 1: BT care not directly related to the indication costs what it would
        // have cost without the indication: the regular rules' bijdrage, or all of it.
        Entitlement::Bt if f.bt_related == Tri::False => match regular {
            Statutory::Covered { entitlement, .. } => basis_points(f, *entitlement, regular, p),
            Statutory::NotCovered { .. } => 10_000,
        },
        Entitlement::Bt => 0,
        _ => prosthesis_bp(f, p),
    }
}

/// Rzv 2.31 lid 2-4 and the J50 combination.
fn prosthesis_bp(f: &LineFacts, p: &YearParams) -> u32 {
    let t = f.row.tags;
    if t & tag::DENTURE_COMBO != 0 {
        p.denture_combo_bp
    } else if t & tag::IMPLANT_DENTURE != 0 {
        match implant_denture_jaw(f) {
            Jaw::Upper => p.implant_denture_upper_bp,
            _ => p.implant_denture_lower_bp,
        }
    } else if t & tag::FULL_DENTURE != 0 {
        p.full_denture_bp
    } else if t & tag::DENTURE_REPAIR != 0 {
        p.denture_repair_bp
    } else {
        0
    }
}

/// The jaw of an implant denture: from the code, else the line, else the element.
/// Unknown counts as the lower jaw (10 %, the higher rate; documented in the README).
fn implant_denture_jaw(f: &LineFacts) -> Jaw {
    match (f.row.jaw, f.jaw) {
        (Jaw::Upper | Jaw::Lower, _) => f.row.jaw,
        (_, Jaw::Upper | Jaw::Lower) => f.jaw,
        _ => jaw_of_element(f.element),
    }
}

/// The legal basis of a covered line, naming the Rzv 2.31 paragraph that set its bijdrage.
pub fn basis_with_bijdrage(f: &LineFacts, ent: Entitlement, basis: Basis) -> Basis {
    match ent {
        Entitlement::Bt if f.age >= 18 && f.bt_related == Tri::False => match basis {
            Basis::Bzv27Lid1a | Basis::Bzv27Lid1aLid2 => Basis::Bzv27Lid1aRzv231Lid1,
            Basis::Bzv27Lid1b => Basis::Bzv27Lid1bRzv231Lid1,
            _ => Basis::Bzv27Lid1cRzv231Lid1,
        },
        Entitlement::Adult if basis == Basis::Bzv27Lid5bRzv231Lid2 => {
            let t = f.row.tags;
            if t & tag::DENTURE_COMBO != 0 {
                Basis::Bzv27Lid5bJ50
            } else if t & tag::IMPLANT_DENTURE != 0 {
                if implant_denture_jaw(f) == Jaw::Upper { Basis::Bzv27Lid5bRzv231Lid3b } else { Basis::Bzv27Lid5bRzv231Lid3a }
            } else if t & tag::FULL_DENTURE != 0 {
                Basis::Bzv27Lid5bRzv231Lid2
            } else {
                Basis::Bzv27Lid5bRzv231Lid4
            }
        }
        _ => basis,
    }
}
