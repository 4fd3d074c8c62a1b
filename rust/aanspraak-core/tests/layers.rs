//! The modules form layers, bottom to top, and data flows one way (issue 15): every
//! `crate::…` (or `super::…`) reference in `src/` must name a module of the same layer
//! or a lower one. The table below is the one place the order is written down.

use std::path::{Path, PathBuf};

/// Layers, bottom to top; a module belongs to the entry with the longest matching path.
const LAYERS: &[(&str, &[&str])] = &[
    ("utilities", &["alloc", "error", "strings", "ids"]),
    ("vocabulary", &["vocab", "dates", "money", "reason", "provider", "outcome", "passes", "fingerprint"]),
    ("grouping", &["grouped"]),
    ("reference: codes", &["codes"]),
    ("reference: msz lists", &["msz"]),
    ("reference: policy rules", &["policy::rule"]),
    ("reference: supplementary terms", &["supplementary::terms"]),
    ("reference: policy", &["policy"]),
    ("input", &["input"]),
    ("rules", &["rules"]),
    ("ledger", &["ledger"]),
    ("supplementary", &["supplementary"]),
    ("output", &["output"]),
    ("engine", &["engine"]),
    ("compare", &["compare"]),
];

/// The layer of a module path (`supplementary::terms::pack` → its layer index), or None.
fn layer_of(path: &[String]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, (_, mods)) in LAYERS.iter().enumerate() {
        for m in *mods {
            let parts: Vec<&str> = m.split("::").collect();
            if path.len() >= parts.len() && path.iter().zip(&parts).all(|(a, b)| a == b) && best.is_none_or(|(len, _)| parts.len() > len) {
                best = Some((parts.len(), i));
            }
        }
    }
    best.map(|(_, i)| i)
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a source file: `src/supplementary/terms.rs` → [supplementary, terms].
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts
}

fn ident(s: &str) -> Option<&str> {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    (end > 0).then(|| &s[..end])
}

/// The module paths a line of code refers to: `crate::a::b…`, and `super::a…` on lines
/// at the top level of a file (indented ones sit in an inline `mod tests`, where `super`
/// is the file's own module), including the braces of `use crate::{a, b::c}`.
fn references(line: &str, here: &[String]) -> Vec<Vec<String>> {
    let code = line.split("//").next().unwrap();
    let parent = here[..here.len() - 1].to_vec();
    let mut keys = vec![("crate::", Vec::new())];
    if !line.starts_with(char::is_whitespace) {
        keys.push(("super::", parent));
    }
    let mut refs = Vec::new();
    for (key, base) in keys {
        let mut rest = code;
        while let Some(at) = rest.find(key) {
            let before = rest[..at].chars().last();
            rest = &rest[at + key.len()..];
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let items: Vec<&str> = match rest.strip_prefix('{') {
                Some(inner) => inner[..inner.find('}').unwrap_or(inner.len())].split(',').collect(),
                None => vec![rest],
            };
            for item in items {
                let mut p = base.clone();
                p.extend(item.trim().split("::").map_while(ident).map(String::from));
                refs.push(p);
            }
        }
    }
    refs
}

#[test]
fn no_module_refers_to_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    files.sort();
    let mut upward = Vec::new();
    let mut unmapped = Vec::new();
    for file in &files {
        let here = module_of(&src, file);
        if here.is_empty() {
            continue; // lib.rs: the crate root re-exports from the top
        }
        let Some(mine) = layer_of(&here) else {
            unmapped.push(file.display().to_string());
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for r in references(line, &here) {
                if r.is_empty() || r[0] == "self" {
                    continue;
                }
                match layer_of(&r) {
                    Some(theirs) if theirs > mine => upward.push(format!(
                        "{}:{}: {} ({}) refers to {} ({})",
                        file.strip_prefix(&src).unwrap().display(),
                        n + 1,
                        here.join("::"),
                        LAYERS[mine].0,
                        r.join("::"),
                        LAYERS[theirs].0
                    )),
                    Some(_) => {}
                    // The crate root's re-exports (`crate::score`, `crate::Error`) and items.
                    None if r.len() == 1 => {}
                    None => unmapped.push(format!("{}:{}: {}", file.display(), n + 1, r.join("::"))),
                }
            }
        }
    }
    assert!(unmapped.is_empty(), "modules missing from the layer table:\n{}", unmapped.join("\n"));
    assert!(upward.is_empty(), "references to a higher layer:\n{}", upward.join("\n"));
}
