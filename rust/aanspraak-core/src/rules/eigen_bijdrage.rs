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
        // Rzv 2.31 lid 3 (seed 004 art. 3.12.1 Eigen bijdrage): an implant denture under BT
        // costs 8 % upper / 10 % lower; other BT care related to the indication nothing.
        Entitlement::Bt if f.row.tags & tag::IMPLANT_DENTURE != 0 => implant_denture_bp(f, p),
        Entitlement::Bt => 0,
        _ => prosthesis_bp(f, p),
    }
}

/// Whether the eigen bijdrage stands for care the regular rules do not cover (Rzv 2.31
/// lid 1: BT care not related to the indication, 100 %). A supplementary product pays it
/// as it would pay that care without the indication (docs/interpretations.md).
pub fn stands_for_care(f: &LineFacts, ent: Entitlement, regular: &Statutory) -> bool {
    f.age >= 18 && ent == Entitlement::Bt && f.bt_related == Tri::False && !regular.is_covered()
}

/// Rzv 2.31 lid 3 sub a (lower jaw) and sub b (upper jaw).
fn implant_denture_bp(f: &LineFacts, p: &YearParams) -> u32 {
    match implant_denture_jaw(f) {
        Jaw::Upper => p.implant_denture_upper_bp,
        _ => p.implant_denture_lower_bp,
    }
}

/// Rzv 2.31 lid 2-4 and the J50 combination.
fn prosthesis_bp(f: &LineFacts, p: &YearParams) -> u32 {
    let t = f.row.tags;
    if t & tag::DENTURE_COMBO != 0 {
        p.denture_combo_bp
    } else if t & tag::IMPLANT_DENTURE != 0 {
        implant_denture_bp(f, p)
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
        Entitlement::Bt if f.age >= 18 && f.row.tags & tag::IMPLANT_DENTURE != 0 => {
            let upper = implant_denture_jaw(f) == Jaw::Upper;
            match (basis, upper) {
                (Basis::Bzv27Lid1a | Basis::Bzv27Lid1aLid2, false) => Basis::Bzv27Lid1aRzv231Lid3a,
                (Basis::Bzv27Lid1a | Basis::Bzv27Lid1aLid2, true) => Basis::Bzv27Lid1aRzv231Lid3b,
                (Basis::Bzv27Lid1b, false) => Basis::Bzv27Lid1bRzv231Lid3a,
                (Basis::Bzv27Lid1b, true) => Basis::Bzv27Lid1bRzv231Lid3b,
                (_, false) => Basis::Bzv27Lid1cRzv231Lid3a,
                (_, true) => Basis::Bzv27Lid1cRzv231Lid3b,
            }
        }
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
