//! Policy sets as data (docs/rules.md#policy-sets): the statutory file and an insurer's
//! TOML, merged (`statutory`), read with serde (`parse`), validated with errors that name
//! the file, the key and what was expected, and compiled into lookup tables (`compile`);
//! `assemble` is the one function that builds a policy from its sources.
//!
//! This file holds the shapes: the raw TOML (what a file may say) and the compiled form
//! (what the engine reads).

use crate::codes::CodeTable;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

pub mod assemble;
pub mod compile;
pub mod parse;
pub mod rule;
pub mod statutory;

pub use crate::fingerprint::fingerprint;
pub use assemble::{assemble, bundled_document, from_toml_str, load, Files, Source, Sources};
pub use parse::parse_toml;
pub use rule::{bound, Bound, CompiledRule, Entitlement, Rule, MAX_PRODUCTS};
pub use statutory::{Law, StatutoryValue};

/// The bundled insurer files (insurer terms only; each extends the statutory file).
pub const BUNDLED: &[(&str, &str)] = &[
    ("defriesland-2022", include_str!("../../data/policies/defriesland-2022.toml")),
    ("vgz-2021", include_str!("../../data/policies/vgz-2021.toml")),
    ("iptiq-2019", include_str!("../../data/policies/iptiq-2019.toml")),
];

// ---------------------------------------------------------------- raw TOML shape

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    pub key: String,
    pub name: String,
    pub source: String,
    pub default_basic_product: String,
    /// Path of a code table CSV (relative to the policy file); bundled table when absent.
    pub code_table: Option<String>,
    /// Statutory parameters per range of years; the statutory file's when the insurer file
    /// has none (docs/rules.md#the-statutory-file).
    pub statutory: Vec<Statutory>,
    pub basic: BTreeMap<String, BasicProduct>,
    #[serde(default)]
    pub supplementary: BTreeMap<String, SupplementaryProduct>,
    /// Hospital-care reference lists; the bundled seed lists when absent.
    pub msz: Option<MszFiles>,
}

fn yes() -> bool {
    true
}

/// Paths (relative to the policy file) of the insurer's msz lists.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MszFiles {
    pub authorization_list: Option<String>,
    pub pok_list: Option<String>,
}

/// Statutory parameters for a range of calendar years.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statutory {
    /// First and last calendar year (inclusive), within `bound::YEAR`.
    pub years: [i64; 2],
    /// Verplicht eigen risico in whole euros (Zvw art. 19), within `bound::EUROS`.
    pub compulsory_eigen_risico_eur: i64,
    /// Zvw art. 20 (vrijwillig eigen risico): honour the `voluntary_deductible`
    /// column (default); false for a what-if without it.
    #[serde(default = "yes")]
    pub voluntary_eigen_risico: bool,
    /// Rzv 2.31 lid 2: removable full denture.
    pub full_denture_pct: f64,
    /// Rzv 2.31 lid 3 sub a: implant denture, lower jaw.
    pub implant_denture_lower_pct: f64,
    /// Rzv 2.31 lid 3 sub b: implant denture, upper jaw.
    pub implant_denture_upper_pct: f64,
    /// J50, full denture on one jaw and implant denture on the other (seed 004).
    pub denture_combo_pct: f64,
    /// Rzv 2.31 lid 4: repair or rebasing.
    pub denture_repair_pct: f64,
    /// Rzv 2.31 lid 3 as in force until 2016: a fixed eigen bijdrage in whole euros per
    /// jaw on an implant denture, instead of the two percentages; 0 (the default) for none.
    #[serde(default)]
    pub implant_denture_fixed_eur: i64,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicProduct {
    pub name: Option<String>,
    /// Inherit every key not given here from another basic product of the set.
    pub extends: Option<String>,
    pub non_contracted_share_pct: Option<f64>,
    /// `flag` or `deny` (docs/rules.md#hospital-care, POK list).
    pub pok_mismatch: Option<String>,
    /// Bijzondere tandheelkunde needs toestemming vooraf.
    pub bt_requires_authorization: Option<bool>,
    pub bt_authorization_basis: Option<String>,
    /// Care that needs a referral (verwijzing).
    pub referrals: Option<Vec<ReferralRule>>,
    /// The product's frequency limits: the statutory file's first (Bzv 2.7 lid 4), then
    /// the insurer's own (docs/rules.md#the-statutory-file).
    pub frequency_limits: Option<Vec<FrequencyRule>>,
    /// `false`: none of the statutory file's frequency limits (a what-if without them).
    pub statutory_frequency_limits: Option<bool>,
    pub exclusions: Option<Vec<Rule>>,
    pub authorizations: Option<Vec<Rule>>,
    pub providers: Option<Vec<ProviderRule>>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrequencyRule {
    /// The id of the statutory file's limit this entry is (or overrides), e.g.
    /// `bzv-2.7-lid4-a`; absent for the insurer's own limits.
    pub law: Option<String>,
    #[serde(flatten)]
    pub rule: Rule,
    /// Within `bound::PER_YEAR`.
    pub per_year: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderRule {
    #[serde(flatten)]
    pub rule: Rule,
    /// provider_type values allowed to give the matched care.
    pub allowed: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralRule {
    #[serde(flatten)]
    pub rule: Rule,
    /// The rule only applies to care by these provider types (any provider when empty).
    #[serde(default)]
    pub providers: Vec<String>,
}

pub use crate::supplementary::terms::SupplementaryProduct;

// ---------------------------------------------------------------- compiled form

/// Most frequency limits of one basic product (a line's rule is a byte, 0 for none).
pub const MAX_FREQUENCY_RULES: usize = u8::MAX as usize;

#[derive(Debug, Clone)]
pub struct CompiledProvider {
    pub rule: CompiledRule,
    /// Bit per Provider (for referrals: the providers the rule is limited to; 0 = any).
    pub allowed: u16,
}

#[derive(Debug, Clone)]
pub struct CompiledFrequency {
    pub rule: CompiledRule,
    pub per_year: u32,
}

#[derive(Debug, Clone)]
pub struct CompiledBasic {
    pub key: String,
    pub name: String,
    pub non_contracted_bp: u32,
    pub pok_deny: bool,
    pub bt_requires_authorization: bool,
    pub bt_authorization_basis: u16,
    pub referrals: Vec<CompiledProvider>,
    /// Legal basis when a POK mismatch is denied.
    pub pok_basis: u16,
    pub frequency: Vec<CompiledFrequency>,
    pub exclusions: Vec<CompiledRule>,
    pub authorizations: Vec<CompiledRule>,
    pub providers: Vec<CompiledProvider>,
}

#[derive(Debug, Clone, Copy)]
pub struct YearParams {
    pub eigen_risico_cents: i64,
    /// Whether the insured's voluntary deductible is added (Statutory::voluntary_eigen_risico).
    pub voluntary: bool,
    pub full_denture_bp: u32,
    pub implant_denture_lower_bp: u32,
    pub implant_denture_upper_bp: u32,
    pub denture_combo_bp: u32,
    pub denture_repair_bp: u32,
    /// Fixed eigen bijdrage per jaw of an implant denture in cents (Rzv 2.31 lid 3 until
    /// 2016); 0 for none (the percentages apply).
    pub implant_denture_fixed_cents: i64,
}

pub struct DenseYears {
    first: i32,
    params: Vec<Option<YearParams>>,
}

impl DenseYears {
    #[inline]
    pub fn get(&self, year: i32) -> &YearParams {
        self.params[(year - self.first) as usize].as_ref().expect("rows without year parameters are invalid")
    }
}

/// A validated policy set, ready for the engine.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    pub key: String,
    pub name: String,
    pub source: String,
    pub codes: Arc<CodeTable>,
    pub msz: Arc<crate::msz::MszTables>,
    /// Legal basis per authorisation-category combination of `msz.combos`.
    pub msz_auth_basis: Vec<u16>,
    pub basic: Vec<CompiledBasic>,
    pub default_basic: usize,
    /// Supplementary products, indexed as in the input's `supplementary_product`.
    pub supp: Vec<crate::supplementary::terms::SuppProduct>,
    /// Calendar year → parameters.
    pub years: BTreeMap<i32, YearParams>,
    /// Legal-basis texts: the statutory table first, then policy texts.
    pub basis_texts: Vec<String>,
    /// The raw file (statutory file merged in, `extends` resolved).
    pub raw: PolicyFile,
    /// The policy as one TOML document: the insurer file with the statutory file merged
    /// in (its comments kept), for `Policy.document()` and what-ifs; compiling it again
    /// gives the same policy.
    pub document: String,
    /// The statutory file the policy extends (its values and references).
    pub law: Arc<Law>,
}

impl CompiledPolicy {
    pub fn basic_index(&self, key: &str) -> Option<usize> {
        self.basic.iter().position(|b| b.key == key)
    }
    pub fn supplementary_index(&self, key: &str) -> Option<usize> {
        self.supp.iter().position(|s| s.key == key)
    }
    pub fn year(&self, y: i32) -> Option<&YearParams> {
        self.years.get(&y)
    }
    /// First and last day of the calendar years with statutory parameters.
    pub fn day_range(&self) -> (i32, i32) {
        let first = *self.years.keys().next().expect("validated: at least one year");
        let last = *self.years.keys().last().expect("validated");
        (crate::dates::days_from_civil(first, 1, 1), crate::dates::days_from_civil(last, 12, 31))
    }
    /// Year parameters indexed by year for the hot loop (years without parameters are
    /// invalid rows before this is read).
    pub fn years_dense(&self) -> DenseYears {
        let first = *self.years.keys().next().expect("validated: at least one year");
        let last = *self.years.keys().last().expect("validated");
        let params = (first..=last).map(|y| self.years.get(&y).copied()).collect();
        DenseYears { first, params }
    }
}

/// Hashes of the parts of a policy that the scoring passes read, to tell which passes a
/// what-if scenario must run again (`compare`): the basic outcome (rules, products,
/// code table, msz lists, eigen bijdrage percentages), the eigen risico, the
/// supplementary products.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub basic: u64,
    pub eigen_risico: u64,
    pub supplementary: u64,
}

impl CompiledPolicy {
    pub fn parts(&self) -> Parts {
        let raw = &self.raw;
        let codes = fingerprint(&format!("{:?}", self.codes.rows));
        let without_er: Vec<Statutory> = raw
            .statutory
            .iter()
            .map(|s| Statutory { compulsory_eigen_risico_eur: 0, voluntary_eigen_risico: true, ..s.clone() })
            .collect();
        let er: Vec<_> = raw.statutory.iter().map(|s| (s.years, s.compulsory_eigen_risico_eur, s.voluntary_eigen_risico)).collect();
        Parts {
            basic: fingerprint(&format!(
                "{:?}|{:?}|{}|{codes}|{}",
                raw.basic,
                without_er,
                raw.default_basic_product,
                self.msz.fingerprint()
            )),
            eigen_risico: fingerprint(&format!("{er:?}")),
            supplementary: fingerprint(&format!("{:?}|{codes}", raw.supplementary)),
        }
    }
}


#[cfg(test)]
mod tests;
