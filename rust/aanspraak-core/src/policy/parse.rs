//! Reading a policy TOML into its raw shape (docs/rules.md#policy-sets): `extends` chains
//! resolved on the TOML level, errors that name the file, the key with its array indices,
//! the value found and what was expected.

use super::rule::perr;
use super::PolicyFile;
use crate::error::Result;
use serde::Deserialize;
use std::collections::BTreeMap;

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

/// The dotted key of the `key = value` line at byte `at` of TOML `text`, and the value
/// as written: where a parse error (a number beyond 64 bits, ...) is. Arrays of tables
/// are numbered as in the other messages (`statutory[0].compulsory_eigen_risico_eur`).
pub(super) fn key_at(text: &str, at: usize) -> Option<(String, String)> {
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

pub(super) fn toml_err_key(e: &toml::de::Error) -> String {
    // toml reports the key path in its message; keep the span-free message short.
    let msg = e.to_string();
    msg.lines()
        .find_map(|l| l.strip_prefix("in `").and_then(|r| r.strip_suffix('`')).map(str::to_string))
        .unwrap_or_else(|| "-".into())
}

