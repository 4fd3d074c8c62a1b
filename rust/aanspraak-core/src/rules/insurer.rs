//! The basic product's own rules (docs/rules.md#insurer-rules): exclusions, toestemming vooraf,
//! who may give the care, verwijzing. Each rule carries its legal basis from the policy file.

use super::{LineFacts, Verdict};
use crate::input::{Provider, Tri};
use crate::policy::{CompiledBasic, Entitlement};
use crate::reason::Reason;

pub fn apply(f: &LineFacts, p: &CompiledBasic, v: &mut Verdict) {
    let refuse = |v: &mut Verdict, reason: Reason, basis: u16| {
        v.covered = false;
        v.reason = reason;
        v.basis = basis;
        v.eigen_bijdrage_bp = 0;
        v.bijdrage_is_care = false;
    };
    // Insurer exclusions (e.g. De Friesland 2022 art. 3.12.3 under 18).
    if let Some(r) = p.exclusions.iter().find(|r| r.applies(f.row_idx, f.age, v.entitlement)) {
        return refuse(v, Reason::InsurerExclusion, r.basis);
    }
    // Toestemming vooraf: BT always (where the product says so), plus the listed care.
    // Null counts as granted (historic data) and is flagged (docs/interpretations.md#coverage).
    let mut auth_basis = None;
    if v.entitlement == Entitlement::Bt && p.bt_requires_authorization {
        auth_basis = Some(p.bt_authorization_basis);
    }
    if auth_basis.is_none() {
        auth_basis = p.authorizations.iter().find(|r| r.applies(f.row_idx, f.age, v.entitlement)).map(|r| r.basis);
    }
    if let Some(basis) = auth_basis {
        v.authorization_required = true;
        if f.authorization == Tri::False {
            return refuse(v, Reason::AuthorizationMissing, basis);
        }
    }
    // Who may give the care: a known other provider is refused; unknown counts in favour.
    if f.provider != Provider::Unknown {
        for r in &p.providers {
            if r.rule.applies(f.row_idx, f.age, v.entitlement) && r.allowed & (1 << f.provider as u8) == 0 {
                return refuse(v, Reason::ProviderNotQualified, r.rule.basis);
            }
        }
    }
    // Verwijzing: the listed care needs a referral; null counts as given (docs/interpretations.md#coverage).
    if f.referral == Tri::False {
        let needs = p.referrals.iter().find(|r| {
            r.rule.applies(f.row_idx, f.age, v.entitlement)
                && (r.allowed == 0 || (f.provider != Provider::Unknown && r.allowed & (1 << f.provider as u8) != 0))
        });
        if let Some(r) = needs {
            refuse(v, Reason::ReferralMissing, r.rule.basis);
        }
    }
}
