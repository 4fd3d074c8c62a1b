//! Supplementary dental products as data (docs/rules.md#supplementary-products): the TOML shape an actuary writes, and
//! the compiled form the engine reads.

use crate::codes::{tag, CodeTable};
use crate::error::Result;
use crate::money::float_to_cents;
use crate::policy::rule::{bound, compile_rule, pct_to_bp, perr, CompiledRule, Rule};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Most products one line may combine with `+` (e.g. `av-tand-extra+tand-ongevallen`).
pub const MAX_COMBINED: usize = 3;
/// Most "begun before the policy started" exclusions in one policy set.
pub const MAX_BEGUN_EXCLUSIONS: usize = 8;

pub const NO_RULE: u8 = u8::MAX;

/// Bits per product in a packed `supplementary_product` value: the product's index + 1
/// (0 ends the list), so a policy set holds up to `policy::MAX_PRODUCTS` products.
const PACK_BITS: u32 = 16;

/// The products of a packed `supplementary_product` value (PACK_BITS per product, index
/// + 1, accident cover first): 0 for none.
#[inline]
pub fn unpack(combo: u64) -> impl Iterator<Item = u16> {
    (0..MAX_COMBINED as u32).map(move |k| (combo >> (PACK_BITS * k)) as u16).take_while(|&b| b != 0).map(|b| b - 1)
}

/// Pack product indices (at most MAX_COMBINED, each below `policy::MAX_PRODUCTS`),
/// accident cover first and the others in the order given (docs/interpretations.md,
/// "Combined products"). None when too many or repeated.
pub fn pack(mut products: Vec<u16>, accident: &[bool]) -> Option<u64> {
    if products.is_empty() || products.len() > MAX_COMBINED || products.iter().any(|&p| p as usize >= crate::policy::rule::MAX_PRODUCTS) {
        return None;
    }
    let mut seen = products.clone();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() != products.len() {
        return None;
    }
    products.sort_by_key(|&p| !accident[p as usize]);
    Some(products.iter().enumerate().fold(0u64, |acc, (k, &p)| acc | ((p as u64 + 1) << (PACK_BITS * k as u32))))
}

// ---------------------------------------------------------------- raw TOML shape

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplementaryProduct {
    pub name: String,
    pub source: String,
    /// Inherit every key not given here from another supplementary product of the set.
    pub extends: Option<String>,
    /// These are the conditions of product `conditions_of` from `from_year` on (a line
    /// is judged by the conditions of its treatment year, GCZ SKGZ202000171). Inherits
    /// every key not given here from that product.
    pub conditions_of: Option<String>,
    pub from_year: Option<i64>,
    /// The article of the policy conditions cited for product-level outcomes (age,
    /// annual maximum, cover dates).
    pub legal_basis: Option<String>,
    pub min_age: Option<i64>,
    /// Maximum paid per insured per calendar year, in euros.
    pub annual_max_eur: Option<f64>,
    /// Waiting period for every rule, in months from `supplementary_start`.
    pub waiting_months: Option<i64>,
    /// Share of material and technique costs (`material_costs`); the rule's share when absent.
    pub material_share_pct: Option<f64>,
    /// The statutory eigen bijdrage (Rzv 2.31) the product reimburses, by code tag.
    pub eigen_bijdrage_tags: Option<Vec<String>>,
    pub eigen_bijdrage_share_pct: Option<f64>,
    /// Share of the eigen bijdrage on material and technique costs.
    pub eigen_bijdrage_material_share_pct: Option<f64>,
    pub eigen_bijdrage_basis: Option<String>,
    /// Accident cover (tandongevallen): pays only care for an accident inside the cover.
    pub accident: Option<AccidentTerms>,
    pub rules: Option<Vec<SuppRule>>,
    pub exclusions: Option<Vec<SuppExclusion>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccidentTerms {
    /// The treatment must take place within this many months after the accident.
    pub treatment_within_months: i64,
    /// Prior (written) authorisation needed; `authorization` false refuses, null is in favour.
    #[serde(default)]
    pub requires_authorization: bool,
    pub legal_basis: String,
    pub source: String,
}

/// What the product pays for matching care. Rules are tried in order; the first match wins.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppRule {
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub sections: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    pub share_pct: f64,
    /// Limit of this rule, in euros, `per` calendar year or over the policy's life.
    pub sublimit_eur: Option<f64>,
    /// `year` (default) or `policy` (from `supplementary_start`, "eenmalig").
    pub sublimit_per: Option<String>,
    /// Rules with the same group share one sub-limit counter (each rule keeps its own
    /// amount: e.g. orthodontics EUR 2,000 under 18 and EUR 750 from 18 on one budget).
    pub limit_group: Option<String>,
    pub waiting_months: Option<i64>,
    pub legal_basis: String,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppExclusion {
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub sections: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Orthodontic appliance categories 1-9 (NZa beugelcategorie): placement F4k1 and
    /// monthly consult F51k.
    #[serde(default)]
    pub ortho_categories: Vec<i64>,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    /// Excludes the matching care only when the insured had matching care dated before
    /// `supplementary_start` (a treatment begun before the policy started).
    #[serde(default)]
    pub begun_before_start: bool,
    pub legal_basis: String,
    pub source: String,
}

// ---------------------------------------------------------------- compiled form

#[derive(Debug, Clone)]
pub struct CompiledSuppRule {
    pub rule: CompiledRule,
    pub share_bp: u32,
    /// Sub-limit in cents; `NO_LIMIT` for none.
    pub sublimit: i64,
    pub lifetime: bool,
    /// Counter shared by rules of one `limit_group` (else one per rule).
    pub group: u8,
    pub waiting_months: u32,
}

#[derive(Debug, Clone)]
pub struct CompiledExclusion {
    pub rule: CompiledRule,
    /// Bit of the policy set's begun-before exclusions (0 = an ordinary exclusion).
    pub begun_bit: u8,
}

#[derive(Debug, Clone, Copy)]
pub struct CompiledAccident {
    pub within_months: u32,
    pub requires_authorization: bool,
    pub basis: u16,
}

pub const NO_LIMIT: i64 = i64::MAX;

/// One product's conditions from a calendar year on.
#[derive(Debug, Clone)]
pub struct Terms {
    pub from_year: i32,
    pub basis: u16,
    pub min_age: i32,
    pub annual_max: i64,
    pub waiting_months: u32,
    pub material_bp: Option<u32>,
    pub eb_tags: u32,
    pub eb_bp: u32,
    pub eb_material_bp: u32,
    pub eb_basis: u16,
    pub accident: Option<CompiledAccident>,
    pub rules: Vec<CompiledSuppRule>,
    pub exclusions: Vec<CompiledExclusion>,
    /// The name of each sub-limit group (`CompiledSuppRule::group`): its `limit_group`,
    /// or `rules[i]` for a rule without one.
    pub groups: Vec<String>,
}

/// A supplementary product key of the input, with its conditions by year.
#[derive(Debug, Clone)]
pub struct SuppProduct {
    pub key: String,
    pub name: String,
    pub accident: bool,
    /// Sorted by `from_year`; the first applies to every earlier year as well.
    pub terms: Vec<Terms>,
}

impl SuppProduct {
    /// The conditions of a treatment year.
    #[inline]
    pub fn terms(&self, year: i32) -> &Terms {
        let i = self.terms.iter().rposition(|t| t.from_year <= year).unwrap_or(0);
        &self.terms[i]
    }
}

fn euros(file: &str, key: &str, v: f64) -> Result<i64> {
    let v = bound::EUROS.float(file, key, v)?;
    Ok(float_to_cents(v).expect("within bound::EUROS"))
}

/// Most rules of one product: a rule's index is a byte, and `NO_RULE` is not one.
pub const MAX_RULES: usize = NO_RULE as usize;

/// Compile the `[supplementary.*]` tables (with `extends` / `conditions_of` resolved).
pub fn compile(
    raw: &BTreeMap<String, SupplementaryProduct>,
    file: &str,
    codes: &CodeTable,
    bundled: bool,
    basis_id: &mut impl FnMut(&str) -> u16,
) -> Result<Vec<SuppProduct>> {
    let mut products: Vec<SuppProduct> = Vec::new();
    let mut begun = 0usize;
    // Base products first, then the later years' conditions.
    let (bases, variants): (Vec<_>, Vec<_>) = raw.iter().partition(|(_, p)| p.conditions_of.is_none());
    for (key, p) in bases.into_iter().chain(variants) {
        let k = |f: &str| format!("supplementary.{key}.{f}");
        if p.source.trim().is_empty() {
            return Err(perr(file, k("source"), "a non-empty source citation"));
        }
        let basis_text = p.legal_basis.clone().unwrap_or_else(|| format!("{} ({})", p.name, key));
        let n_rules = p.rules.as_ref().map_or(0, Vec::len);
        if n_rules > MAX_RULES {
            return Err(perr(file, k("rules"), format!("at most {MAX_RULES} rules in one product, found {n_rules}")));
        }
        let mut rules = Vec::new();
        let mut groups: Vec<String> = Vec::new();
        for (i, r) in p.rules.iter().flatten().enumerate() {
            let kk = k(&format!("rules[{i}]"));
            let rule = Rule {
                codes: r.codes.clone(),
                sections: r.sections.clone(),
                tags: r.tags.clone(),
                min_age: r.min_age,
                max_age: r.max_age,
                entitlements: Vec::new(),
                legal_basis: r.legal_basis.clone(),
                source: r.source.clone(),
            };
            if r.sublimit_per.is_some() && r.sublimit_eur.is_none() {
                return Err(perr(file, format!("{kk}.sublimit_per"), format!("sublimit_per only together with sublimit_eur, found sublimit_per = {:?} without a sub-limit", r.sublimit_per.as_deref().unwrap_or_default())));
            }
            let lifetime = match r.sublimit_per.as_deref().unwrap_or("year") {
                "year" => false,
                "policy" => true,
                other => return Err(perr(file, format!("{kk}.sublimit_per"), format!("\"year\" or \"policy\", found {other:?}"))),
            };
            // A rule without a `limit_group` is its own group, named by its place
            // (`rules[3]`), which an opening balance may name (docs/rules.md#opening-balances).
            if r.limit_group.as_deref().is_some_and(|g| g.starts_with("rules[")) {
                return Err(perr(file, format!("{kk}.limit_group"), format!("a name not starting with \"rules[\" (the name of a rule without a group), found {:?}", r.limit_group.as_deref().unwrap_or_default())));
            }
            let group_name = r.limit_group.clone().unwrap_or_else(|| format!("rules[{i}]"));
            let group = match groups.iter().position(|g| *g == group_name) {
                Some(g) => g,
                None => {
                    groups.push(group_name);
                    groups.len() - 1
                }
            };
            rules.push(CompiledSuppRule {
                rule: compile_rule(&rule, &kk, file, codes, bundled, basis_id)?,
                share_bp: pct_to_bp(file, &format!("{kk}.share_pct"), r.share_pct)?,
                sublimit: match r.sublimit_eur {
                    Some(v) => euros(file, &format!("{kk}.sublimit_eur"), v)?,
                    None => NO_LIMIT,
                },
                lifetime,
                group: u8::try_from(group).expect("at most MAX_RULES groups"),
                waiting_months: bound::MONTHS.opt(file, &format!("{kk}.waiting_months"), r.waiting_months, 0)? as u32,
            });
        }
        let mut exclusions = Vec::new();
        for (i, x) in p.exclusions.iter().flatten().enumerate() {
            let kk = k(&format!("exclusions[{i}]"));
            let mut codes_pat = x.codes.clone();
            for &c in &x.ortho_categories {
                bound::ORTHO_CATEGORY.int(file, &format!("{kk}.ortho_categories"), c)?;
                // NZa beugelcategorie (shared/reference/nza_orthodontie_beugelcategorie.csv).
                codes_pat.push(format!("F4{c}1*"));
                codes_pat.push(format!("F51{c}*"));
            }
            let rule = Rule {
                codes: codes_pat,
                sections: x.sections.clone(),
                tags: x.tags.clone(),
                min_age: x.min_age,
                max_age: x.max_age,
                entitlements: Vec::new(),
                legal_basis: x.legal_basis.clone(),
                source: x.source.clone(),
            };
            let begun_bit = if x.begun_before_start {
                begun += 1;
                if begun > MAX_BEGUN_EXCLUSIONS {
                    return Err(perr(file, format!("{kk}.begun_before_start"), format!("at most {MAX_BEGUN_EXCLUSIONS} such exclusions in a policy set")));
                }
                begun as u8
            } else {
                0
            };
            exclusions.push(CompiledExclusion { rule: compile_rule(&rule, &kk, file, codes, bundled, basis_id)?, begun_bit });
        }
        let mut eb_tags = 0u32;
        for t in p.eigen_bijdrage_tags.iter().flatten() {
            eb_tags |= tag::parse(t).ok_or_else(|| perr(file, k("eigen_bijdrage_tags"), format!("tags from {:?}, found {t:?}", tag::NAMES.iter().map(|n| n.0).collect::<Vec<_>>())))?;
        }
        let eb_bp = pct_to_bp(file, &k("eigen_bijdrage_share_pct"), p.eigen_bijdrage_share_pct.unwrap_or(if eb_tags != 0 { 100.0 } else { 0.0 }))?;
        let accident = match &p.accident {
            None => None,
            Some(a) => {
                if a.legal_basis.trim().is_empty() || (bundled && a.source.trim().is_empty()) {
                    return Err(perr(file, k("accident"), "a legal_basis and a source"));
                }
                let within_months = bound::MONTHS.int(file, &k("accident.treatment_within_months"), a.treatment_within_months)? as u32;
                Some(CompiledAccident { within_months, requires_authorization: a.requires_authorization, basis: basis_id(&a.legal_basis) })
            }
        };
        let terms = Terms {
            from_year: p.from_year.map(|y| bound::YEAR.int(file, &k("from_year"), y)).transpose()?.map_or(i32::MIN, |y| y as i32),
            basis: basis_id(&basis_text),
            min_age: bound::AGE.opt(file, &k("min_age"), p.min_age, 0)? as i32,
            annual_max: match p.annual_max_eur {
                Some(v) => euros(file, &k("annual_max_eur"), v)?,
                None => NO_LIMIT,
            },
            waiting_months: bound::MONTHS.opt(file, &k("waiting_months"), p.waiting_months, 0)? as u32,
            material_bp: p.material_share_pct.map(|v| pct_to_bp(file, &k("material_share_pct"), v)).transpose()?,
            eb_tags,
            eb_bp,
            eb_material_bp: match p.eigen_bijdrage_material_share_pct {
                Some(v) => pct_to_bp(file, &k("eigen_bijdrage_material_share_pct"), v)?,
                None => eb_bp,
            },
            eb_basis: basis_id(p.eigen_bijdrage_basis.as_deref().unwrap_or(&basis_text)),
            accident,
            rules,
            exclusions,
            groups,
        };
        match &p.conditions_of {
            None => {
                if p.from_year.is_some() {
                    return Err(perr(file, k("from_year"), "from_year only together with conditions_of"));
                }
                products.push(SuppProduct { key: key.clone(), name: p.name.clone(), accident: terms.accident.is_some(), terms: vec![terms] });
            }
            Some(parent) => {
                let Some(pp) = products.iter_mut().find(|x| x.key == *parent) else {
                    return Err(perr(file, k("conditions_of"), format!("the key of a supplementary product without conditions_of, found {parent:?}")));
                };
                // Validated in bound::YEAR: at most 111 sets of conditions, so `Claim::terms` fits a byte.
                let Some(y) = p.from_year.map(|_| terms.from_year) else {
                    return Err(perr(file, k("from_year"), "the first calendar year of these conditions"));
                };
                if pp.terms.iter().any(|t| t.from_year == y) {
                    return Err(perr(file, k("from_year"), format!("one set of conditions per year; {parent} has {y} already")));
                }
                if pp.accident != terms.accident.is_some() {
                    return Err(perr(file, k("accident"), format!("the same kind of cover as {parent} (accident or not)")));
                }
                pp.terms.push(terms);
                pp.terms.sort_by_key(|t| t.from_year);
            }
        }
    }
    Ok(products)
}
