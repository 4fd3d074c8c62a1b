//! Compiling a raw policy (statutory parameters, basic and supplementary products) into
//! the lookup tables the engine reads; every number checked against its range
//! (`rule::bound`), every error naming the file and the key.

use super::rule::{bound, compile_rule, pct_to_bp, perr, CompiledRule, Rule, MAX_PRODUCTS};
use super::statutory::Law;
use super::{CompiledBasic, CompiledFrequency, CompiledPolicy, CompiledProvider, PolicyFile, YearParams, MAX_FREQUENCY_RULES};
use crate::codes::CodeTable;
use crate::error::Result;
use crate::provider::Provider;
use crate::reason::BASES;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Compile a policy whose statutory file is merged in (`document`, read into `raw`) with
/// the given reference tables (code table and msz lists). Called by `assemble` only.
pub(super) fn compile_with(
    raw: PolicyFile,
    document: String,
    law: Arc<Law>,
    file: &str,
    codes: Arc<CodeTable>,
    msz: Arc<crate::msz::MszTables>,
    bundled: bool,
) -> Result<CompiledPolicy> {
    if raw.source.trim().is_empty() {
        return Err(perr(file, "source", "a non-empty source citation"));
    }
    let mut basis_texts: Vec<String> = BASES.iter().map(|b| b.1.to_string()).collect();
    let mut basis_id = |text: &str| -> u16 {
        if let Some(i) = basis_texts.iter().position(|t| t == text) {
            return i as u16;
        }
        basis_texts.push(text.to_string());
        (basis_texts.len() - 1) as u16
    };

    // Statutory parameters per year.
    let mut years = BTreeMap::new();
    for (i, s) in raw.statutory.iter().enumerate() {
        let k = |f: &str| format!("statutory[{i}].{f}");
        let (y0, y1) = (bound::YEAR.int(file, &k("years"), s.years[0])?, bound::YEAR.int(file, &k("years"), s.years[1])?);
        if y0 > y1 {
            return Err(perr(file, k("years"), format!("[first, last] with first <= last, found [{y0}, {y1}]")));
        }
        if s.source.trim().is_empty() {
            return Err(perr(file, k("source"), "a non-empty source citation"));
        }
        let p = YearParams {
            eigen_risico_cents: bound::EUROS.int(file, &k("compulsory_eigen_risico_eur"), s.compulsory_eigen_risico_eur)? * 100,
            voluntary: s.voluntary_eigen_risico,
            full_denture_bp: pct_to_bp(file, &k("full_denture_pct"), s.full_denture_pct)?,
            implant_denture_lower_bp: pct_to_bp(file, &k("implant_denture_lower_pct"), s.implant_denture_lower_pct)?,
            implant_denture_upper_bp: pct_to_bp(file, &k("implant_denture_upper_pct"), s.implant_denture_upper_pct)?,
            denture_combo_bp: pct_to_bp(file, &k("denture_combo_pct"), s.denture_combo_pct)?,
            denture_repair_bp: pct_to_bp(file, &k("denture_repair_pct"), s.denture_repair_pct)?,
            implant_denture_fixed_cents: bound::FIXED_EUROS.int(file, &k("implant_denture_fixed_eur"), s.implant_denture_fixed_eur)? * 100,
        };
        for y in y0 as i32..=y1 as i32 {
            if years.insert(y, p).is_some() {
                return Err(perr(file, k("years"), format!("each calendar year once; {y} appears twice")));
            }
        }
    }
    if years.is_empty() {
        return Err(perr(file, "statutory", "at least one [[statutory]] table"));
    }
    let (first, last) = (*years.keys().next().unwrap(), *years.keys().last().unwrap());
    if let Some(gap) = (first..=last).find(|y| !years.contains_key(y)) {
        return Err(perr(file, "statutory", format!("contiguous calendar years; {gap} is missing between {first} and {last}")));
    }

    for (section, n) in [("basic", raw.basic.len()), ("supplementary", raw.supplementary.len())] {
        if n > MAX_PRODUCTS {
            return Err(perr(file, section, format!("at most {MAX_PRODUCTS} products, found {n}")));
        }
    }
    let mut basic = Vec::new();
    for (key, b) in &raw.basic {
        let k = |f: &str| format!("basic.{key}.{f}");
        let need_source = |src: &Option<String>, f: &str| -> Result<()> {
            if bundled && src.as_deref().is_none_or(|s| s.trim().is_empty()) {
                return Err(perr(file, k(f), "a source citation (bundled policies cite every value)"));
            }
            Ok(())
        };
        need_source(&b.source, "source")?;
        let share = b.non_contracted_share_pct.ok_or_else(|| perr(file, k("non_contracted_share_pct"), "a percentage (reimbursement for non-contracted providers)"))?;
        let pok_deny = match b.pok_mismatch.as_deref().unwrap_or("flag") {
            "flag" => false,
            "deny" => true,
            other => return Err(perr(file, k("pok_mismatch"), format!("\"flag\" or \"deny\", found {other:?}"))),
        };
        let mut rule_of = |r: &Rule, key: String| -> Result<CompiledRule> { compile_rule(r, &key, file, &codes, bundled, &mut basis_id) };
        // A line's frequency rule is a byte (index + 1, 0 for none).
        let n_freq = b.frequency_limits.as_ref().map_or(0, Vec::len);
        if n_freq > MAX_FREQUENCY_RULES {
            return Err(perr(file, k("frequency_limits"), format!("at most {MAX_FREQUENCY_RULES} frequency limits, found {n_freq}")));
        }
        let mut frequency = Vec::new();
        for (i, f) in b.frequency_limits.iter().flatten().enumerate() {
            let kk = k(&format!("frequency_limits[{i}]"));
            let per_year = bound::PER_YEAR.int(file, &format!("{kk}.per_year"), f.per_year)? as u32;
            frequency.push(CompiledFrequency { rule: rule_of(&f.rule, kk)?, per_year });
        }
        let mut exclusions = Vec::new();
        for (i, r) in b.exclusions.iter().flatten().enumerate() {
            exclusions.push(rule_of(r, k(&format!("exclusions[{i}]")))?);
        }
        let mut authorizations = Vec::new();
        for (i, r) in b.authorizations.iter().flatten().enumerate() {
            authorizations.push(rule_of(r, k(&format!("authorizations[{i}]")))?);
        }
        let mut providers = Vec::new();
        for (i, p) in b.providers.iter().flatten().enumerate() {
            let kk = k(&format!("providers[{i}]"));
            let allowed = provider_bits(file, &format!("{kk}.allowed"), &p.allowed)?;
            providers.push(CompiledProvider { rule: rule_of(&p.rule, kk)?, allowed });
        }
        let mut referrals = Vec::new();
        for (i, p) in b.referrals.iter().flatten().enumerate() {
            let kk = k(&format!("referrals[{i}]"));
            let allowed = provider_bits(file, &format!("{kk}.providers"), &p.providers)?;
            referrals.push(CompiledProvider { rule: rule_of(&p.rule, kk)?, allowed });
        }
        let bt_basis = b.bt_authorization_basis.clone().unwrap_or_else(|| "Bzv 2.7 lid 1; policy: toestemming vooraf".into());
        let pok_basis = basis_id(&format!("POK-lijst (seed 001): ingreep hoort op de poliklinische operatiekamer; {} pok_mismatch = deny", b.name.clone().unwrap_or_else(|| key.clone())));
        basic.push(CompiledBasic {
            key: key.clone(),
            name: b.name.clone().unwrap_or_else(|| key.clone()),
            non_contracted_bp: pct_to_bp(file, &k("non_contracted_share_pct"), share)?,
            pok_deny,
            bt_requires_authorization: b.bt_requires_authorization.unwrap_or(true),
            bt_authorization_basis: basis_id(&bt_basis),
            referrals,
            pok_basis,
            frequency,
            exclusions,
            authorizations,
            providers,
        });
    }
    let msz_auth_basis = msz
        .combo_entry
        .iter()
        .zip(&msz.combos)
        .map(|(&e, combo)| {
            let entry = &msz.entries[e];
            basis_id(&format!("machtigingslijst {combo}: {} ({})", entry.heading, entry.source.split(" line ").next().unwrap_or(&entry.source)))
        })
        .collect();
    let default_basic = basic.iter().position(|b| b.key == raw.default_basic_product).ok_or_else(|| {
        perr(file, "default_basic_product", format!("one of the [basic.*] keys ({}), found {:?}", raw.basic.keys().cloned().collect::<Vec<_>>().join(", "), raw.default_basic_product))
    })?;
    let supp = crate::supplementary::terms::compile(&raw.supplementary, file, &codes, bundled, &mut basis_id)?;
    Ok(CompiledPolicy {
        key: raw.key.clone(),
        name: raw.name.clone(),
        source: raw.source.clone(),
        codes,
        msz,
        msz_auth_basis,
        basic,
        default_basic,
        supp,
        years,
        basis_texts,
        raw,
        document,
        law,
    })
}

fn provider_bits(file: &str, key: &str, names: &[String]) -> Result<u16> {
    let mut bits = 0u16;
    for n in names {
        let p = Provider::parse(n).filter(|p| *p != Provider::Unknown).ok_or_else(|| {
            perr(file, key, format!("provider types from {:?}, found {n:?}", Provider::NAMES))
        })?;
        bits |= 1 << p as u8;
    }
    Ok(bits)
}

