//! The per-line outcome columns the passes write, with their flags and null markers
//! (`output` turns them into Arrow).

use crate::reason::{Reason, SuppReason};

/// No legal basis (a null in the output).
pub const NO_BASIS: u16 = u16::MAX;

/// Bits of `Outcome::flags`.
pub mod flag {
    pub const COVERED: u8 = 1;
    pub const AUTHORIZATION_REQUIRED: u8 = 2;
    /// Subject to the eigen risico (covered, 18 or over).
    pub const EIGEN_RISICO: u8 = 4;
    /// A POK-list procedure outside the outpatient operating room.
    pub const POK_MISMATCH: u8 = 8;
    /// A hospital-care (msz) line.
    pub const MSZ: u8 = 16;
    /// The eigen bijdrage stands for care the regular rules do not cover (Rzv 2.31 lid 1):
    /// a supplementary product pays it as that care.
    pub const BIJDRAGE_IS_CARE: u8 = 32;
    /// Care outside dental and hospital care (`domain = "overig"`, docs/rules.md#other-care).
    pub const OVERIG: u8 = 64;
}

/// Null age (invalid rows).
pub const NO_AGE: i16 = i16::MIN;

/// The per-line outcome as columns, written in place by the passes and handed to Arrow
/// without another copy. Money in cents as i128 (the Decimal128 representation).
pub struct Outcome {
    pub age: Vec<i16>,
    pub reason: Vec<Reason>,
    pub basis: Vec<u16>,
    pub flags: Vec<u8>,
    /// Frequency rule index + 1 of the line's product, 0 for none.
    pub freq_rule: Vec<u8>,
    /// Eigen bijdrage in basis points of `allowed` (covered lines).
    pub bijdrage_bp: Vec<u16>,
    /// The most the eigen bijdrage may be, in cents (a fixed amount); u32::MAX for none.
    pub bijdrage_max: Vec<u32>,
    pub allowed: Vec<i128>,
    pub eigen_bijdrage: Vec<i128>,
    pub eigen_risico: Vec<i128>,
    pub basic_paid: Vec<i128>,
    pub supplementary_paid: Vec<i128>,
    pub patient_paid: Vec<i128>,
    pub supplementary_reason: Vec<SuppReason>,
    /// Legal basis of the supplementary outcome; NO_BASIS for none.
    pub supplementary_basis: Vec<u16>,
    /// Index into the policy's authorisation-category combinations; u16::MAX for none.
    pub auth_category: Vec<u16>,
}

impl Outcome {
    /// No rows: for a partial outcome whose vectors are filled one by one.
    pub fn empty() -> Outcome {
        Outcome::new(0)
    }

    pub fn new(n: usize) -> Outcome {
        Outcome {
            age: vec![NO_AGE; n],
            reason: vec![Reason::default(); n],
            basis: vec![0; n],
            flags: vec![0; n],
            freq_rule: vec![0; n],
            bijdrage_bp: vec![0; n],
            bijdrage_max: vec![u32::MAX; n],
            allowed: vec![0; n],
            eigen_bijdrage: vec![0; n],
            eigen_risico: vec![0; n],
            basic_paid: vec![0; n],
            supplementary_paid: vec![0; n],
            patient_paid: vec![0; n],
            supplementary_reason: vec![SuppReason::default(); n],
            supplementary_basis: vec![NO_BASIS; n],
            auth_category: vec![u16::MAX; n],
        }
    }
}
