//! Policy sets as data (docs/rules.md#policy-sets): TOML read with serde, validated with errors that name
//! the file, the key and what was expected, then compiled into lookup tables.

use crate::codes::CodeTable;
use crate::error::{Error, Result};
use crate::provider::Provider;
use crate::reason::BASES;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

pub mod rule;

pub use crate::fingerprint::fingerprint;
pub(crate) use rule::{compile_rule, pct_to_bp, perr};
pub use rule::{bound, Bound, CompiledRule, Entitlement, Rule, MAX_PRODUCTS};

pub const BUNDLED: &[(&str, &str)] = &[
    ("defriesland-2022", include_str!("../data/policies/defriesland-2022.toml")),
    ("vgz-2021", include_str!("../data/policies/vgz-2021.toml")),
    ("iptiq-2019", include_str!("../data/policies/iptiq-2019.toml")),
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
    pub frequency_limits: Option<Vec<FrequencyRule>>,
    pub exclusions: Option<Vec<Rule>>,
    pub authorizations: Option<Vec<Rule>>,
    pub providers: Option<Vec<ProviderRule>>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrequencyRule {
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
    /// The raw file, for `Policy.to_toml()` and what-if derivation later.
    pub raw: PolicyFile,
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

/// Load a bundled set by key, or a TOML file by path.
pub fn load(name_or_path: &str) -> Result<CompiledPolicy> {
    if let Some((_, text)) = BUNDLED.iter().find(|(k, _)| *k == name_or_path) {
        return from_toml_str(text, &format!("bundled policy {name_or_path}"), None, true);
    }
    let path = std::path::Path::new(name_or_path);
    if !path.exists() {
        return Err(Error::Policy {
            file: name_or_path.into(),
            key: "-".into(),
            expected: format!(
                "a bundled policy set ({}) or an existing TOML file",
                BUNDLED.iter().map(|b| b.0).collect::<Vec<_>>().join(", ")
            ),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::Policy {
        file: name_or_path.into(),
        key: "-".into(),
        expected: format!("a readable file ({e})"),
    })?;
    from_toml_str(&text, name_or_path, path.parent(), false)
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

/// Merge `extends` chains of basic and of supplementary products on the TOML level
/// (child keys win). A supplementary product's `conditions_of` extends that product.
fn resolve_extends(file: &str, value: &mut toml::Value, section: &str) -> Result<()> {
    let Some(products) = value.get_mut(section).and_then(|b| b.as_table_mut()) else {
        return Ok(());
    };
    let own_only = ["extends", "conditions_of", "from_year"];
    // The keys that name a product's parent in this section.
    let links: &[&'static str] = if section == "supplementary" { &["extends", "conditions_of"] } else { &["extends"] };
    // (link key, parent) of product `name`; an error names the key when it is not a string.
    let parent_of = |name: &str, p: &toml::Value| -> Result<Option<(&'static str, String)>> {
        let given: Vec<_> = links.iter().filter_map(|l| p.get(*l).map(|v| (*l, v))).collect();
        match given.as_slice() {
            [] => Ok(None),
            [(link, toml::Value::String(s))] => Ok(Some((*link, s.clone()))),
            [(link, other)] => Err(perr(file, format!("{section}.{name}.{link}"), format!("the key of another {section} product (a string), found {other}"))),
            _ => Err(perr(file, format!("{section}.{name}"), "either extends or conditions_of, not both")),
        }
    };
    let snapshot = products.clone();
    for (key, prod) in products.iter_mut() {
        let mut seen = vec![key.clone()];
        let mut cur = prod.clone();
        // The product whose link is followed, and the link.
        let mut child = key.clone();
        let mut parent = parent_of(key, &cur)?;
        while let Some((link, pk)) = parent {
            let at = format!("{section}.{child}.{link}");
            if seen.contains(&pk) {
                return Err(perr(file, at, format!("no cycle of extends / conditions_of, found {pk:?} again")));
            }
            let Some(p) = snapshot.get(&pk) else {
                return Err(perr(file, at, format!("the key of another {section} product, found {pk:?}")));
            };
            seen.push(pk.clone());
            let (Some(pt), Some(ct)) = (p.as_table(), cur.as_table_mut()) else {
                return Err(perr(file, format!("{section}.{pk}"), "a table"));
            };
            for (k, v) in pt {
                if !own_only.contains(&k.as_str()) && !ct.contains_key(k) {
                    ct.insert(k.clone(), v.clone());
                }
            }
            parent = parent_of(&pk, p)?;
            child = pk;
        }
        if let Some(t) = cur.as_table_mut() {
            t.remove("extends");
        }
        *prod = cur;
    }
    Ok(())
}

/// Parse TOML text into the raw policy shape (with `extends` resolved).
pub fn parse_toml(text: &str, file: &str) -> Result<PolicyFile> {
    let mut value: toml::Value = toml::from_str(text).map_err(|e| match e.span().and_then(|s| key_at(text, s.start)) {
        Some((key, found)) => perr(file, key, format!("valid TOML ({}), found {found}", e.message())),
        None => perr(file, toml_err_key(&e), format!("valid TOML ({})", e.message())),
    })?;
    resolve_extends(file, &mut value, "basic")?;
    resolve_extends(file, &mut value, "supplementary")?;
    PolicyFile::deserialize(value.clone()).map_err(|e| {
        // A value carries no position: read the resolved TOML again as text to learn the
        // key with its array indices (`rules[0].share_pct`) and the value found there.
        let resolved = toml::to_string(&value).unwrap_or_default();
        let at = toml::from_str::<PolicyFile>(&resolved).err().and_then(|e| e.span()).and_then(|s| key_at(&resolved, s.start));
        match at {
            Some((key, found)) => perr(file, key, serde_expected(e.message(), &found)),
            None => perr(file, toml_err_key(&e), serde_expected(e.message(), "")),
        }
    })
}

/// serde's "invalid type: string \"80\", expected f64" as "a number, found string \"80\"":
/// what is allowed first, then what was found (`found`, the value as written, when serde
/// does not say).
fn serde_expected(message: &str, found: &str) -> String {
    let plain = |t: &str| t.replace("f64", "a number").replace("i64", "an integer");
    if let Some((got, expected)) = message.split_once(", expected ") {
        let got = got.trim_start_matches("invalid type: ").trim_start_matches("invalid value: ");
        return format!("{}, found {got}", plain(expected));
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("a value for {field}, found none");
    }
    if found.is_empty() { plain(message) } else { format!("{}, found {found}", plain(message)) }
}

pub fn from_toml_str(text: &str, file: &str, base_dir: Option<&std::path::Path>, bundled: bool) -> Result<CompiledPolicy> {
    compile(parse_toml(text, file)?, file, base_dir, bundled)
}

/// The dotted key of the `key = value` line at byte `at` of TOML `text`, and the value
/// as written: where a parse error (a number beyond 64 bits, ...) is. Arrays of tables
/// are numbered as in the other messages (`statutory[0].compulsory_eigen_risico_eur`).
fn key_at(text: &str, at: usize) -> Option<(String, String)> {
    let mut table = String::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let here = at < start + line.len();
        start += line.len();
        if let Some(h) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let n = seen.entry(h.trim().to_string()).or_insert(0);
            table = format!("{}[{n}]", h.trim());
            *n += 1;
        } else if let Some(h) = t.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = h.trim().to_string();
        } else if here {
            let (key, value) = t.split_once('=')?;
            let key = key.trim().trim_matches('"');
            return Some((if table.is_empty() { key.to_string() } else { format!("{table}.{key}") }, value.trim().to_string()));
        }
        if here {
            // A table header: the error is about the table (a key missing from it).
            return Some((table, String::new()));
        }
    }
    None
}

fn toml_err_key(e: &toml::de::Error) -> String {
    // toml reports the key path in its message; keep the span-free message short.
    let msg = e.to_string();
    msg.lines()
        .find_map(|l| l.strip_prefix("in `").and_then(|r| r.strip_suffix('`')).map(str::to_string))
        .unwrap_or_else(|| "-".into())
}

pub fn compile(raw: PolicyFile, file: &str, base_dir: Option<&std::path::Path>, bundled: bool) -> Result<CompiledPolicy> {
    let resolve = |p: &str| match base_dir {
        Some(d) => d.join(p).to_string_lossy().into_owned(),
        None => p.to_string(),
    };
    let read = |key: &str, p: &str| {
        std::fs::read_to_string(resolve(p)).map_err(|e| perr(file, key, format!("a readable CSV file at {:?} ({e})", resolve(p))))
    };
    let codes = match &raw.code_table {
        None => Arc::new(CodeTable::bundled()),
        Some(p) => Arc::new(CodeTable::from_csv_str(&read("code_table", p)?, &resolve(p))?),
    };
    let files = raw.msz.clone().unwrap_or(MszFiles { authorization_list: None, pok_list: None });
    let msz = if files.authorization_list.is_none() && files.pok_list.is_none() {
        Arc::new(crate::msz::MszTables::bundled())
    } else {
        let (auth, auth_origin) = match &files.authorization_list {
            Some(p) => (read("msz.authorization_list", p)?, resolve(p)),
            None => (crate::msz::BUNDLED_AUTHORIZATION.to_string(), "bundled authorization_list.csv".to_string()),
        };
        let (pok, pok_origin) = match &files.pok_list {
            Some(p) => (read("msz.pok_list", p)?, resolve(p)),
            None => (crate::msz::BUNDLED_POK.to_string(), "bundled pok_list.csv".to_string()),
        };
        Arc::new(crate::msz::MszTables::from_csv(&auth, &auth_origin, &pok, &pok_origin)?)
    };
    compile_with(raw, file, codes, msz, bundled)
}

/// Compile with the given reference tables (code table and msz lists).
pub fn compile_with(raw: PolicyFile, file: &str, codes: Arc<CodeTable>, msz: Arc<crate::msz::MszTables>, bundled: bool) -> Result<CompiledPolicy> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_sets_load() {
        for (key, _) in BUNDLED {
            let p = load(key).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_eq!(&p.key, key);
            assert_eq!(p.year(2022).unwrap().eigen_risico_cents, 38_500);
        }
        let d = load("defriesland-2022").unwrap();
        let zb = &d.basic[d.basic_index("zelf-bewust").unwrap()];
        assert_eq!(zb.non_contracted_bp, 7_500);
        assert_eq!(zb.exclusions.len(), 2, "extends inherits the exclusions");
    }

    #[test]
    fn errors_name_the_key_with_its_index_and_the_value() {
        let text = BUNDLED[0].1.replacen("per_year = 2", "per_year = \"2\"", 1);
        let e = from_toml_str(&text, "my.toml", None, false).unwrap_err().to_string();
        assert!(e.contains("basic.alles-verzorgd.frequency_limits[1].per_year") && e.contains("an integer, found string"), "{e}");
        let text = BUNDLED[0].1.replacen("compulsory_eigen_risico_eur = 385", "compulsory_eigen_risico_eur = 99999999999999999999", 1);
        let e = from_toml_str(&text, "my.toml", None, false).unwrap_err().to_string();
        assert!(e.contains("statutory[0].compulsory_eigen_risico_eur") && e.contains("99999999999999999999"), "{e}");
        for years in ["[2019, 100000000]", "[-2147483648, 2026]", "[2147483647, 2147483647]"] {
            let text = BUNDLED[0].1.replacen("[2019, 2026]", years, 1);
            let e = from_toml_str(&text, "my.toml", None, false).unwrap_err().to_string();
            assert!(e.contains("statutory[0].years") && e.contains("from 1990 to 2100"), "{e}");
        }
    }

    #[test]
    fn errors_name_file_key_and_expectation() {
        let text = BUNDLED[0].1.replace("non_contracted_share_pct = 80", "non_contracted_share_pct = 180");
        let e = from_toml_str(&text, "my.toml", None, false).unwrap_err().to_string();
        assert!(e.contains("my.toml") && e.contains("non_contracted_share_pct") && e.contains("0 to 100"), "{e}");
        let text = BUNDLED[0].1.replace("per_year = 1", "per_year = 1\nper_month = 3");
        let e = from_toml_str(&text, "my.toml", None, false).unwrap_err().to_string();
        assert!(e.contains("my.toml") && e.contains("per_month"), "{e}");
        let e = load("no-such-policy").unwrap_err().to_string();
        assert!(e.contains("defriesland-2022"), "{e}");
    }
}
