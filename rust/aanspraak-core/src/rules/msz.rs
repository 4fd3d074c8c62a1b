//! Medical specialist care (Zvw art. 10 a; docs/rules.md#hospital-care): care on request, the authorisation list, the POK
//! list; everything else is covered (Zvw art. 10 a, Bzv 2.4).

use super::Verdict;
use crate::input::{Setting, Tri, SPECIALISM_NONE, SPECIALISM_OTHER};
use crate::msz::{JawState, ON_REQUEST};
use crate::policy::{CompiledBasic, CompiledPolicy, Entitlement};
use crate::reason::{Basis, Reason};

/// What the msz rules know about one line.
#[derive(Debug, Clone, Copy)]
pub struct MszFacts {
    /// The zorgactiviteit code as a number (038911 → 38911).
    pub code: u32,
    pub jaw: JawState,
    pub specialism: u16,
    pub setting: Setting,
    pub authorization: Tri,
}

/// The verdict, the authorisation category combination (index into `msz.combos`) and
/// whether the line is a POK mismatch.
pub fn judge(f: &MszFacts, policy: &CompiledPolicy, product: &CompiledBasic) -> (Verdict, Option<u16>, bool) {
    // Care on the patient's own request is not insured care (seed 001).
    if ON_REQUEST.contains(&f.code) {
        return (Verdict::refused(Reason::NotInsuredOnRequest, Basis::OnRequest as u16), None, false);
    }
    let mut v = Verdict {
        covered: true,
        reason: Reason::Covered,
        basis: Basis::ZvwArt10a as u16,
        entitlement: Entitlement::Msz,
        authorization_required: false,
        eigen_bijdrage_bp: 0,
        eigen_bijdrage_max: super::eigen_bijdrage::NO_MAX,
        bijdrage_is_care: false,
    };
    // Authorisation list (seed 000): false → not covered; null → covered and flagged.
    let category = policy.msz.authorization(f.code, f.jaw);
    if let Some(c) = category {
        v.authorization_required = true;
        if f.authorization == Tri::False {
            v.covered = false;
            v.reason = Reason::AuthorizationMissing;
            v.basis = policy.msz_auth_basis[c as usize];
            return (v, category, false);
        }
    }
    // POK list (seed 001): a listed procedure in daycare or inpatient is a mismatch.
    let admitted = match f.setting {
        Setting::Daycare | Setting::Inpatient => true,
        Setting::None | Setting::Pok | Setting::Outpatient => false,
    };
    let pok_mismatch = admitted
        && f.specialism != SPECIALISM_NONE
        && f.specialism != SPECIALISM_OTHER
        && policy.msz.on_pok_list(f.specialism, f.code);
    if pok_mismatch && product.pok_deny {
        v.covered = false;
        v.reason = Reason::PokMismatch;
        v.basis = product.pok_basis;
    }
    (v, category, pok_mismatch)
}
