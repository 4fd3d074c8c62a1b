//! The statutory file (docs/rules.md#the-statutory-file): the law once. Per calendar year
//! the compulsory eigen risico (Zvw art. 19) and the Rzv 2.31 percentages; the frequency
//! limits of Bzv 2.7 lid 4 sub a and d; each value with its `reference` (article and
//! wetten.overheid.nl), in the manner of OpenFisca's parameter files.
//!
//! Every policy extends it: `extend` merges it into an insurer's TOML document before
//! the document is read, so that an insurer file holds only insurer terms and a what-if
//! may override any statutory value by stating it:
//! - a policy with `[[statutory]]` blocks states its years itself (they replace the
//!   statutory file's years, all of them, as a self-contained file did before);
//! - a basic product's `frequency_limits` get the statutory limits first, except those
//!   whose `law` id an entry of its own carries (that entry replaces the statutory one);
//! - `statutory_frequency_limits = false` on a basic product: none of them (entries with
//!   a `law` id are dropped too), for a what-if without the statutory limits.

use super::parse::{key_at, toml_err_key};
use super::rule::perr;
use super::CompiledPolicy;
use crate::error::Result;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// The bundled statutory file.
pub const BUNDLED_STATUTORY: &str = include_str!("../../data/law/statutory.toml");

/// The year parameters, in the order of a `[[statutory]]` block (`super::Statutory`).
pub const PARAMETERS: [&str; 7] = [
    "compulsory_eigen_risico_eur",
    "full_denture_pct",
    "implant_denture_lower_pct",
    "implant_denture_upper_pct",
    "denture_combo_pct",
    "denture_repair_pct",
    "implant_denture_fixed_eur",
];

/// Where a value is laid down: the article and the law on wetten.overheid.nl.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub title: String,
    pub href: String,
}

/// A value for a range of calendar years (first and last inclusive).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearValue {
    pub years: [i64; 2],
    pub value: toml::Value,
    /// Where this value is laid down, when more precisely than the parameter's
    /// `reference` (e.g. the version of the act in force that year).
    #[serde(default)]
    pub reference: Vec<Reference>,
}

/// One parameter of the statutory file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    pub description: String,
    pub unit: String,
    pub values: Vec<YearValue>,
    pub reference: Vec<Reference>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LawFile {
    source: String,
    parameters: BTreeMap<String, Parameter>,
    #[serde(default)]
    frequency_limits: Vec<toml::Table>,
}

/// A frequency limit of the statutory file.
#[derive(Debug, Clone)]
pub struct LawLimit {
    /// `law` id, e.g. `bzv-2.7-lid4-a`.
    pub id: String,
    pub per_year: i64,
    pub reference: Vec<Reference>,
    pub source: String,
    /// The entry as it goes into a basic product's `frequency_limits` (without `reference`).
    entry: Table,
}

/// The statutory file, read and checked.
#[derive(Debug, Clone)]
pub struct Law {
    pub origin: String,
    pub source: String,
    pub parameters: BTreeMap<String, Parameter>,
    pub limits: Vec<LawLimit>,
    /// `[[statutory]]` blocks: contiguous years with the same values.
    blocks: Vec<(i64, i64, Vec<toml::Value>)>,
}

impl Law {
    /// The bundled statutory file (read once).
    pub fn bundled() -> Arc<Law> {
        static LAW: OnceLock<Arc<Law>> = OnceLock::new();
        LAW.get_or_init(|| Arc::new(Law::parse(BUNDLED_STATUTORY, "bundled statutory.toml").expect("the bundled statutory file is valid (checked by tests)")))
            .clone()
    }

    /// Read a statutory file; errors name the file, the key and what was expected.
    pub fn parse(text: &str, origin: &str) -> Result<Law> {
        let file: LawFile = toml::from_str(text).map_err(|e| match e.span().and_then(|s| key_at(text, s.start)) {
            Some((key, found)) => perr(origin, key, format!("{}, found {found}", e.message())),
            None => perr(origin, toml_err_key(&e), e.message().to_string()),
        })?;
        let names: Vec<&str> = file.parameters.keys().map(String::as_str).collect();
        let mut expected = PARAMETERS.to_vec();
        expected.sort_unstable();
        if names != expected {
            return Err(perr(origin, "parameters", format!("the parameters {PARAMETERS:?}, found {names:?}")));
        }
        for (name, p) in &file.parameters {
            let k = |f: &str| format!("parameters.{name}.{f}");
            if p.reference.is_empty() || p.reference.iter().any(|r| r.title.trim().is_empty() || !r.href.starts_with("https://")) {
                return Err(perr(origin, k("reference"), "at least one reference with a title and an https:// href"));
            }
            if p.source.trim().is_empty() {
                return Err(perr(origin, k("source"), "a non-empty source citation"));
            }
            for (i, v) in p.values.iter().enumerate() {
                if v.years[0] > v.years[1] || !(v.value.is_integer() || v.value.is_float()) {
                    return Err(perr(origin, k(&format!("values[{i}]")), "years [first, last] with first <= last and a number"));
                }
                if v.reference.iter().any(|r| r.title.trim().is_empty() || !r.href.starts_with("https://")) {
                    return Err(perr(origin, k(&format!("values[{i}].reference")), "references with a title and an https:// href"));
                }
            }
        }
        // Per year the value of each parameter; every parameter covers the same years.
        let value_at = |name: &str, y: i64| file.parameters[name].values.iter().find(|v| v.years[0] <= y && y <= v.years[1]).map(|v| v.value.clone());
        let all = file.parameters.values().flat_map(|p| p.values.iter().flat_map(|v| v.years));
        let (first, last) = (all.clone().min().unwrap_or(0), all.max().unwrap_or(-1));
        let mut blocks: Vec<(i64, i64, Vec<toml::Value>)> = Vec::new();
        for y in first..=last {
            let mut vals = Vec::new();
            for name in PARAMETERS {
                vals.push(value_at(name, y).ok_or_else(|| perr(origin, format!("parameters.{name}.values"), format!("a value for every year from {first} to {last}; {y} has none")))?);
            }
            match blocks.last_mut() {
                Some(b) if b.2 == vals => b.1 = y,
                _ => blocks.push((y, y, vals)),
            }
        }
        if blocks.is_empty() {
            return Err(perr(origin, "parameters", "values for at least one year"));
        }
        // The frequency limits, as entries of a basic product's `frequency_limits`.
        let doc: DocumentMut = text.parse().map_err(|e| perr(origin, "-", format!("valid TOML ({e})")))?;
        let tables: Vec<Table> = doc.get("frequency_limits").and_then(Item::as_array_of_tables).map(|a| a.iter().cloned().collect()).unwrap_or_default();
        let mut limits: Vec<LawLimit> = Vec::new();
        for (i, (raw, t)) in file.frequency_limits.iter().zip(tables).enumerate() {
            let k = |f: &str| format!("frequency_limits[{i}].{f}");
            let id = raw.get("law").and_then(toml::Value::as_str).ok_or_else(|| perr(origin, k("law"), "an id (a string)"))?.to_string();
            if limits.iter().any(|l| l.id == id) {
                return Err(perr(origin, k("law"), format!("an id used once, found {id:?} again")));
            }
            let reference = raw.get("reference").cloned().map(Vec::<Reference>::deserialize).transpose().map_err(|e| perr(origin, k("reference"), e.to_string()))?.unwrap_or_default();
            if reference.is_empty() {
                return Err(perr(origin, k("reference"), "at least one reference with a title and an href"));
            }
            let per_year = raw.get("per_year").and_then(toml::Value::as_integer).ok_or_else(|| perr(origin, k("per_year"), "an integer"))?;
            let source = raw.get("source").and_then(toml::Value::as_str).unwrap_or_default().to_string();
            let mut entry = Table::new();
            for (key, item) in t.iter().filter(|(key, _)| *key != "reference") {
                entry.insert(key, item.clone());
            }
            limits.push(LawLimit { id, per_year, reference, source, entry });
        }
        Ok(Law { origin: origin.to_string(), source: file.source, parameters: file.parameters, limits, blocks })
    }

    /// The value of a year parameter for a calendar year, as a number.
    pub fn value(&self, name: &str, year: i64) -> Option<f64> {
        let v = self.parameters.get(name)?.values.iter().find(|v| v.years[0] <= year && year <= v.years[1])?;
        v.value.as_integer().map(|i| i as f64).or_else(|| v.value.as_float())
    }

    /// The `[[statutory]]` blocks of a policy that states no years of its own.
    fn statutory_blocks(&self) -> ArrayOfTables {
        let mut out = ArrayOfTables::new();
        for (y0, y1, vals) in &self.blocks {
            let mut t = Table::new();
            let mut years = toml_edit::Array::new();
            years.push(*y0);
            years.push(*y1);
            t.insert("years", toml_edit::value(years));
            for (name, v) in PARAMETERS.iter().zip(vals) {
                let v = match v {
                    toml::Value::Integer(i) => toml_edit::value(*i),
                    other => toml_edit::value(other.as_float().unwrap_or(f64::NAN)),
                };
                t.insert(name, v);
            }
            t.insert("source", toml_edit::value(format!("statutory file (docs/rules.md#the-statutory-file): {}", self.source)));
            out.push(t);
        }
        out
    }
}

/// `text` (a policy TOML) with the statutory file merged in, comments and order kept.
/// Text that is not TOML comes back as it is: `parse_toml` names the error.
pub fn extend(text: &str, law: &Law) -> String {
    let Ok(mut doc) = text.parse::<DocumentMut>() else {
        return text.to_string();
    };
    let root = doc.as_table_mut();
    if !root.contains_key("statutory") {
        // Before the products, as the insurer files had it.
        let later: Vec<String> = root.iter().filter(|(_, v)| v.is_table() || v.is_array_of_tables()).map(|(k, _)| k.to_string()).collect();
        let moved: Vec<_> = later.iter().filter_map(|k| root.remove_entry(k)).collect();
        root.insert("statutory", Item::ArrayOfTables(law.statutory_blocks()));
        for (k, v) in moved {
            root.insert_formatted(&k, v);
        }
    }
    let Some(basic) = root.get_mut("basic").and_then(Item::as_table_like_mut) else {
        return doc.to_string();
    };
    // A product's own key, else its parent's (`extends`), as `parse::resolve_extends` reads it.
    let keys: Vec<String> = basic.iter().map(|(k, _)| k.to_string()).collect();
    let own = |basic: &dyn toml_edit::TableLike, name: &str, key: &str| -> Option<Item> { basic.get(name)?.as_table_like()?.get(key).cloned() };
    for name in &keys {
        let mut opted_out = None;
        let mut at = name.clone();
        let mut seen = vec![at.clone()];
        while opted_out.is_none() {
            opted_out = own(&*basic, &at, "statutory_frequency_limits").and_then(|v| v.as_bool()).map(|b| !b);
            match own(&*basic, &at, "extends").and_then(|v| v.as_str().map(str::to_string)) {
                Some(parent) if !seen.contains(&parent) => {
                    seen.push(parent.clone());
                    at = parent;
                }
                _ => break,
            }
        }
        let opted_out = opted_out.unwrap_or(false);
        let Some(product) = basic.get_mut(name) else { continue };
        let has_list = product.as_table_like().is_some_and(|t| t.contains_key("frequency_limits"));
        let is_root = product.as_table_like().is_some_and(|t| !t.contains_key("extends"));
        if has_list || is_root {
            merge_limits(product, law, opted_out);
        }
    }
    doc.to_string()
}

/// The statutory limits put first in a product's `frequency_limits` (those whose `law` id
/// it does not carry itself), or, `opted_out`, the entries with a `law` id taken out.
fn merge_limits(product: &mut Item, law: &Law, opted_out: bool) {
    let law_id = |t: &dyn toml_edit::TableLike| t.get("law").and_then(|v| v.as_str().map(str::to_string));
    match product {
        Item::Table(t) => {
            let (key, existing) = match t.remove_entry("frequency_limits") {
                Some((k, Item::ArrayOfTables(a))) => (Some(k), a.iter().cloned().collect::<Vec<_>>()),
                Some((k, other)) => {
                    // Not an array of tables (an inline array, a wrong type): leave it to
                    // the other arm or to serde.
                    t.insert_formatted(&k, other);
                    if let Some(Item::Value(v)) = t.get_mut("frequency_limits") {
                        merge_inline(v, law, opted_out);
                    }
                    return;
                }
                None => (None, Vec::new()),
            };
            let carried: Vec<String> = existing.iter().filter_map(|e| law_id(e)).collect();
            let mut list = ArrayOfTables::new();
            if !opted_out {
                for l in law.limits.iter().filter(|l| !carried.contains(&l.id)) {
                    list.push(l.entry.clone());
                }
            }
            for e in existing.into_iter().filter(|e| !(opted_out && law_id(e).is_some())) {
                list.push(e);
            }
            // First among the product's keys, so that the limits come right after its
            // header (the tables after it keep their places).
            let rest: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
            let rest: Vec<_> = rest.iter().filter_map(|k| t.remove_entry(k)).collect();
            if !list.is_empty() {
                let item = Item::ArrayOfTables(list);
                match key {
                    Some(k) => t.insert_formatted(&k, item),
                    None => t.insert("frequency_limits", item),
                };
            }
            for (k, v) in rest {
                t.insert_formatted(&k, v);
            }
        }
        Item::Value(Value::InlineTable(t)) => {
            if t.get("frequency_limits").is_none() {
                t.insert("frequency_limits", Value::Array(toml_edit::Array::new()));
            }
            if let Some(v) = t.get_mut("frequency_limits") {
                merge_inline(v, law, opted_out);
            }
        }
        _ => {}
    }
}

/// `merge_limits` for an inline array of inline tables.
fn merge_inline(v: &mut Value, law: &Law, opted_out: bool) {
    let Value::Array(a) = v else { return };
    let id = |e: &Value| e.as_inline_table().and_then(|t| t.get("law")).and_then(|v| v.as_str().map(str::to_string));
    let carried: Vec<String> = a.iter().filter_map(id).collect();
    let existing: Vec<Value> = a.iter().filter(|e| !(opted_out && id(e).is_some())).cloned().collect();
    let mut out = toml_edit::Array::new();
    if !opted_out {
        for l in law.limits.iter().filter(|l| !carried.contains(&l.id)) {
            let mut t = InlineTable::new();
            for (k, item) in l.entry.iter() {
                if let Some(v) = item.as_value() {
                    t.insert(k, v.clone());
                }
            }
            out.push(Value::InlineTable(t));
        }
    }
    for e in existing {
        out.push(e);
    }
    *a = out;
}

/// One statutory value of a policy, with its reference (`Policy.statutory()`).
#[derive(Debug, Clone, PartialEq)]
pub struct StatutoryValue {
    /// A year parameter (`compulsory_eigen_risico_eur`, ...) or a frequency limit's `law` id.
    pub parameter: String,
    /// The basic product (frequency limits), else None.
    pub product: Option<String>,
    /// The calendar year (year parameters), else None.
    pub year: Option<i32>,
    /// The value the policy uses (euros, %, times per year).
    pub value: f64,
    pub unit: String,
    /// The statutory file's value (None when it has none for that year).
    pub statutory_value: Option<f64>,
    /// The articles (titles joined by "; ") and their hrefs (joined by " ").
    pub reference: String,
    pub href: String,
    /// Where the value is quoted: the statutory file's source, or the policy's when it
    /// overrides the value.
    pub source: String,
}

impl CompiledPolicy {
    /// The statutory values the policy uses, per year and per basic product, each with
    /// the reference of the statutory file.
    pub fn statutory_values(&self) -> Vec<StatutoryValue> {
        let refs = |r: &[Reference]| (r.iter().map(|r| r.title.as_str()).collect::<Vec<_>>().join("; "), r.iter().map(|r| r.href.as_str()).collect::<Vec<_>>().join(" "));
        let mut out = Vec::new();
        for (&year, p) in &self.years {
            let block = self.raw.statutory.iter().find(|s| s.years[0] <= year as i64 && year as i64 <= s.years[1]);
            let values = [
                p.eigen_risico_cents as f64 / 100.0,
                p.full_denture_bp as f64 / 100.0,
                p.implant_denture_lower_bp as f64 / 100.0,
                p.implant_denture_upper_bp as f64 / 100.0,
                p.denture_combo_bp as f64 / 100.0,
                p.denture_repair_bp as f64 / 100.0,
                p.implant_denture_fixed_cents as f64 / 100.0,
            ];
            for (name, value) in PARAMETERS.iter().zip(values) {
                let param = &self.law.parameters[*name];
                let statutory_value = self.law.value(name, year as i64);
                let own = param.values.iter().find(|v| v.years[0] <= year as i64 && year as i64 <= v.years[1]).map(|v| &v.reference[..]).unwrap_or_default();
                let (reference, href) = refs(if own.is_empty() { &param.reference } else { own });
                let source = match (statutory_value == Some(value), block) {
                    (false, Some(b)) => b.source.clone(),
                    _ => param.source.clone(),
                };
                out.push(StatutoryValue { parameter: name.to_string(), product: None, year: Some(year), value, unit: param.unit.clone(), statutory_value, reference, href, source });
            }
        }
        for (key, b) in &self.raw.basic {
            for f in b.frequency_limits.iter().flatten() {
                let Some(limit) = f.law.as_ref().and_then(|id| self.law.limits.iter().find(|l| &l.id == id)) else { continue };
                let (reference, href) = refs(&limit.reference);
                let statutory_value = Some(limit.per_year as f64);
                let value = f.per_year as f64;
                let source = if statutory_value == Some(value) { limit.source.clone() } else { f.rule.source.clone() };
                out.push(StatutoryValue { parameter: limit.id.clone(), product: Some(key.clone()), year: None, value, unit: "per year".into(), statutory_value, reference, href, source });
            }
        }
        out
    }
}
