//! The one function that builds a policy from its sources (docs/rules.md#policy-sets):
//! the statutory file, the insurer's TOML (a bundled file, the user's own, or a what-if
//! document derived from either), the dental code table and the msz lists. `load`, the
//! Python binding (`CompiledPolicy.load`, `from_toml`) and `aanspraak.Policy` all come
//! here.

use super::compile::compile_with;
use super::parse::parse_toml;
use super::rule::perr;
use super::statutory::{extend, Law};
use super::{CompiledPolicy, MszFiles, BUNDLED};
use crate::codes::CodeTable;
use crate::error::{Error, Result};
use crate::msz::{MszTables, BUNDLED_AUTHORIZATION, BUNDLED_POK};
use std::path::PathBuf;
use std::sync::Arc;

/// A text and where it comes from (named in error messages).
#[derive(Debug, Clone)]
pub struct Source {
    pub text: String,
    pub origin: String,
}

impl Source {
    pub fn new(text: impl Into<String>, origin: impl Into<String>) -> Source {
        Source { text: text.into(), origin: origin.into() }
    }
}

/// What to do with the files a policy TOML names (`code_table`, `msz.*`).
#[derive(Debug, Clone)]
pub enum Files {
    /// Read them, relative to this directory (empty: the working directory).
    Read(PathBuf),
    /// The caller gives them (`Sources::code_table`, ...); a file named but not given is
    /// the bundled one (the binding: Python reads the files itself).
    Given,
}

/// The sources of a policy.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The insurer's TOML; `origin` names the policy in error messages.
    pub policy: Source,
    /// The statutory file; the bundled one when None.
    pub law: Option<Arc<Law>>,
    /// A dental code table CSV replacing the bundled one (and the one the TOML names).
    pub code_table: Option<Source>,
    /// msz lists (CSV) replacing the bundled ones (and the ones the TOML names).
    pub authorization_list: Option<Source>,
    pub pok_list: Option<Source>,
    pub files: Files,
    /// A bundled policy: every value must cite its source.
    pub bundled: bool,
}

impl Sources {
    /// A policy TOML with the bundled statutory file and reference tables, named files
    /// read relative to the working directory.
    pub fn toml(text: impl Into<String>, origin: impl Into<String>) -> Sources {
        Sources {
            policy: Source::new(text, origin),
            law: None,
            code_table: None,
            authorization_list: None,
            pok_list: None,
            files: Files::Read(PathBuf::new()),
            bundled: false,
        }
    }
}

/// Build a policy: the statutory file merged into the insurer's TOML (`statutory::extend`),
/// read (`parse`), its reference tables chosen, compiled (`compile`).
pub fn assemble(s: Sources) -> Result<CompiledPolicy> {
    let law = s.law.clone().unwrap_or_else(Law::bundled);
    let file = s.policy.origin.as_str();
    let document = extend(&s.policy.text, &law);
    let raw = parse_toml(&document, file)?;
    // A file the TOML names, read when `files` says so.
    let named = |key: &str, path: Option<&String>| -> Result<Option<Source>> {
        match (&s.files, path) {
            (Files::Read(dir), Some(p)) => {
                let at = if dir.as_os_str().is_empty() { PathBuf::from(p) } else { dir.join(p) };
                let at = at.to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&at).map_err(|e| perr(file, key, format!("a readable CSV file at {at:?} ({e})")))?;
                Ok(Some(Source::new(text, at)))
            }
            _ => Ok(None),
        }
    };
    let code_table = match &s.code_table {
        Some(c) => Some(c.clone()),
        None => named("code_table", raw.code_table.as_ref())?,
    };
    let codes = match code_table {
        None => Arc::new(CodeTable::bundled()),
        Some(c) => Arc::new(CodeTable::from_csv_str(&c.text, &c.origin)?),
    };
    let files = raw.msz.clone().unwrap_or(MszFiles { authorization_list: None, pok_list: None });
    let auth = match &s.authorization_list {
        Some(a) => Some(a.clone()),
        None => named("msz.authorization_list", files.authorization_list.as_ref())?,
    };
    let pok = match &s.pok_list {
        Some(p) => Some(p.clone()),
        None => named("msz.pok_list", files.pok_list.as_ref())?,
    };
    let msz = if auth.is_none() && pok.is_none() {
        Arc::new(MszTables::bundled())
    } else {
        let auth = auth.unwrap_or_else(|| Source::new(BUNDLED_AUTHORIZATION, "bundled authorization_list.csv"));
        let pok = pok.unwrap_or_else(|| Source::new(BUNDLED_POK, "bundled pok_list.csv"));
        Arc::new(MszTables::from_csv(&auth.text, &auth.origin, &pok.text, &pok.origin)?)
    };
    compile_with(raw, document, law, file, codes, msz, s.bundled)
}

/// Load a bundled set by key, or a TOML file by path.
pub fn load(name_or_path: &str) -> Result<CompiledPolicy> {
    if let Some((_, text)) = BUNDLED.iter().find(|(k, _)| *k == name_or_path) {
        return assemble(Sources { bundled: true, ..Sources::toml(*text, format!("bundled policy {name_or_path}")) });
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
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    assemble(Sources { files: Files::Read(dir), ..Sources::toml(text, name_or_path) })
}

/// Compile TOML text with the bundled statutory file and reference tables (files the
/// TOML names are read relative to `base_dir`, else to the working directory).
pub fn from_toml_str(text: &str, file: &str, base_dir: Option<&std::path::Path>, bundled: bool) -> Result<CompiledPolicy> {
    let files = Files::Read(base_dir.map(PathBuf::from).unwrap_or_default());
    assemble(Sources { files, bundled, ..Sources::toml(text, file) })
}

/// A bundled policy set as one TOML document: its insurer file with the statutory file
/// merged in (what `Policy.document()` shows and what-ifs change).
pub fn bundled_document(key: &str) -> Option<String> {
    BUNDLED.iter().find(|b| b.0 == key).map(|b| extend(b.1, &Law::bundled()))
}
