//! The statutory eigen bijdrage (Rzv 2.31): a share of the allowed amount, at most a fixed
//! amount where the year's Rzv 2.31 states one (lid 3 until 2016: EUR 125 per jaw on an
//! implant denture; docs/rules.md#the-statutory-file).

use super::{jaw_of_element, LineFacts, Statutory};
use crate::codes::{tag, Jaw};
use crate::input::Tri;
use crate::policy::{Entitlement, YearParams};
use crate::reason::Basis;

/// No maximum: the share alone sets the eigen bijdrage.
pub const NO_MAX: u32 = u32::MAX;

/// The eigen bijdrage of a covered line: `bp` basis points of `allowed`, at most
/// `max_cents` (and never more than `allowed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub bp: u32,
    pub max_cents: u32,
}

impl Share {
    pub const NONE: Share = Share { bp: 0, max_cents: NO_MAX };

    const fn pct(bp: u32) -> Share {
        Share { bp, max_cents: NO_MAX }
    }

    /// A fixed amount: all of `allowed` up to `cents` (at most twice
    /// `policy::bound::FIXED_EUROS` in cents, inside 32 bits).
    fn fixed(cents: i64) -> Share {
        Share { bp: 10_000, max_cents: cents.clamp(0, NO_MAX as i64 - 1) as u32 }
    }
}

/// What the insured pays as eigen bijdrage of `allowed`; only from age 18.
pub fn share(f: &LineFacts, ent: Entitlement, regular: &Statutory, p: &YearParams) -> Share {
    if f.age < 18 {
        return Share::NONE;
    }
    match ent {
        // Rzv 2.31 lid 1: BT care not directly related to the indication costs what it would
        // have cost without the indication: the regular rules' bijdrage, or all of it.
        Entitlement::Bt if f.bt_related == Tri::False => match regular {
            Statutory::Covered { entitlement, .. } => share(f, *entitlement, regular, p),
            Statutory::NotCovered { .. } => Share::pct(10_000),
        },
        // Rzv 2.31 lid 3 (seed 004 art. 3.12.1 Eigen bijdrage): an implant denture under BT
        // costs 8 % upper / 10 % lower (until 2016 a fixed amount per jaw); other BT care
        // related to the indication nothing.
        Entitlement::Bt if f.row.tags & tag::IMPLANT_DENTURE != 0 => implant_denture(f, p),
        Entitlement::Bt => Share::NONE,
        _ => prosthesis(f, p),
    }
}

/// The number of jaws a line's prosthesis covers: two for a code of both jaws.
fn jaws(f: &LineFacts) -> i64 {
    if f.row.jaw == Jaw::Both { 2 } else { 1 }
}

/// Rzv 2.31 lid 3: until 2016 a fixed amount per jaw (`implant_denture_fixed_eur`), from
/// 2017 sub a (lower jaw) and sub b (upper jaw) as a share of the cost.
fn implant_denture(f: &LineFacts, p: &YearParams) -> Share {
    if p.implant_denture_fixed_cents > 0 {
        return Share::fixed(p.implant_denture_fixed_cents * jaws(f));
    }
    Share::pct(match implant_denture_jaw(f) {
        Jaw::Upper => p.implant_denture_upper_bp,
        _ => p.implant_denture_lower_bp,
    })
}

/// Rzv 2.31 lid 2-4 and the J50 combination. In a year with a fixed amount per jaw on an
/// implant denture, J50 is implant dentures on both jaws, as the NZa list of 2013 names it
/// ("Boven- en onder klikgebit"): the fixed amount twice (docs/interpretations.md#money).
fn prosthesis(f: &LineFacts, p: &YearParams) -> Share {
    let t = f.row.tags;
    if t & tag::DENTURE_COMBO != 0 {
        if p.implant_denture_fixed_cents > 0 {
            Share::fixed(p.implant_denture_fixed_cents * jaws(f))
        } else {
            Share::pct(p.denture_combo_bp)
        }
    } else if t & tag::IMPLANT_DENTURE != 0 {
        implant_denture(f, p)
    } else if t & tag::FULL_DENTURE != 0 {
        Share::pct(p.full_denture_bp)
    } else if t & tag::DENTURE_REPAIR != 0 {
        Share::pct(p.denture_repair_bp)
    } else {
        Share::NONE
    }
}

/// Whether the eigen bijdrage stands for care the regular rules do not cover (Rzv 2.31
/// lid 1: BT care not related to the indication, 100 %). A supplementary product pays it
/// as it would pay that care without the indication (docs/interpretations.md).
pub fn stands_for_care(f: &LineFacts, ent: Entitlement, regular: &Statutory) -> bool {
    f.age >= 18 && ent == Entitlement::Bt && f.bt_related == Tri::False && !regular.is_covered()
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

/// The legal basis of a covered line, naming the Rzv 2.31 paragraph that set its bijdrage
/// as in force in the line's year (`p`).
pub fn basis_with_bijdrage(f: &LineFacts, ent: Entitlement, basis: Basis, p: &YearParams) -> Basis {
    let fixed = p.implant_denture_fixed_cents > 0;
    match ent {
        Entitlement::Bt if f.age >= 18 && f.bt_related == Tri::False => match basis {
            Basis::Bzv27Lid1a | Basis::Bzv27Lid1aLid2 => Basis::Bzv27Lid1aRzv231Lid1,
            Basis::Bzv27Lid1b => Basis::Bzv27Lid1bRzv231Lid1,
            _ => Basis::Bzv27Lid1cRzv231Lid1,
        },
        Entitlement::Bt if f.age >= 18 && f.row.tags & tag::IMPLANT_DENTURE != 0 && fixed => match basis {
            Basis::Bzv27Lid1a | Basis::Bzv27Lid1aLid2 => Basis::Bzv27Lid1aRzv231Lid3Fixed,
            Basis::Bzv27Lid1b => Basis::Bzv27Lid1bRzv231Lid3Fixed,
            _ => Basis::Bzv27Lid1cRzv231Lid3Fixed,
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
            if t & (tag::DENTURE_COMBO | tag::IMPLANT_DENTURE) != 0 && fixed {
                Basis::Bzv27Lid5bRzv231Lid3Fixed
            } else if t & tag::DENTURE_COMBO != 0 {
                Basis::Bzv27Lid5bJ50
            } else if t & tag::IMPLANT_DENTURE != 0 {
                if implant_denture_jaw(f) == Jaw::Upper { Basis::Bzv27Lid5bRzv231Lid3b } else { Basis::Bzv27Lid5bRzv231Lid3a }
            } else if t & tag::FULL_DENTURE != 0 {
                Basis::Bzv27Lid5bRzv231Lid2
            } else if p.denture_repair_bp == 0 {
                // Until 2016 Rzv 2.31 had no lid 4: repair and rebasing bore no eigen bijdrage.
                Basis::Bzv27Lid5bNoRepairBijdrage
            } else {
                Basis::Bzv27Lid5bRzv231Lid4
            }
        }
        _ => basis,
    }
}
