//! Every reason comes from the functions `reason::sources` names for it (issue 15): this
//! test reads `src/` and fails when a `Reason::Variant` or `SuppReason::Variant` is
//! constructed in a function the registry does not name for it, or when a registered
//! function does not exist or does not construct its reason. Matching on a reason or
//! comparing with one is not constructing it. The catalogue and the registry themselves
//! (`reason.rs`, `reason/sources.rs`) and test modules are not read.

use aanspraak_core::reason::{Reason, SuppReason, REASONS, SUPP_REASONS};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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

/// `src/supplementary/limits.rs` → "supplementary::limits"; `src/rules/mod.rs` → "rules".
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts.join("::")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The name of the function a line declares (`pub(crate) fn judge_line(…` → judge_line).
fn declared_fn(code: &str) -> Option<&str> {
    let mut rest = code;
    while let Some(at) = rest.find("fn ") {
        let before = rest[..at].chars().last();
        let after = &rest[at + 3..];
        if before.is_none_or(|c| !is_ident(c)) {
            let end = after.find(|c: char| !is_ident(c)).unwrap_or(after.len());
            if end > 0 {
                return Some(&after[..end]);
            }
        }
        rest = after;
    }
    None
}

/// One mention of a reason variant: (enum, variant, constructed?).
fn mentions(code: &str, next_line: &str) -> Vec<(&'static str, String, bool)> {
    let mut found = Vec::new();
    for (enum_name, key) in [("Reason", "Reason::"), ("SuppReason", "SuppReason::")] {
        let mut from = 0;
        while let Some(at) = code[from..].find(key).map(|a| a + from) {
            from = at + key.len();
            if code[..at].chars().last().is_some_and(is_ident) {
                continue; // `SuppReason::` seen while looking for `Reason::`
            }
            let rest = &code[from..];
            let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
            let variant = &rest[..end];
            if !variant.starts_with(|c: char| c.is_ascii_uppercase()) {
                continue; // `Reason::default()`, `Reason::all()`
            }
            let before = code[..at].trim_end();
            let after = rest[end..].trim_start();
            let single_bar = |s: &str| s.starts_with('|') && !s.starts_with("||");
            let ends_single_bar = |s: &str| s.ends_with('|') && !s.ends_with("||");
            // A pattern (`A | B =>`, `A if …`) or a comparison (`== A`, `!= A`).
            let pattern = after.starts_with("=>")
                || single_bar(after)
                || after.starts_with("if ")
                || (after.is_empty() && single_bar(next_line.trim_start()))
                || (ends_single_bar(before) && (before.trim_start() == "|" || before.contains("::")))
                || before.ends_with("==")
                || before.ends_with("!=")
                || before.ends_with("matches!(");
            found.push((enum_name, variant.to_string(), !pattern));
        }
    }
    found
}

/// Per function (`module::fn`, or `module` outside any function): the variants it
/// constructs, as "Reason::X" / "SuppReason::X".
fn constructions() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    files.sort();
    let mut by_fn: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let module = module_of(&src, file);
        if module == "reason" || module == "reason::sources" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        // Code only: test modules (at the end of a file) and comments are not read.
        let text = text.split("#[cfg(test)]").next().unwrap();
        let lines: Vec<&str> = text.lines().map(|l| l.split("//").next().unwrap()).collect();
        // Enclosing functions as (indent, name); a line left of a function's indent, or at it, ends it.
        let mut stack: Vec<(usize, String)> = Vec::new();
        for (n, code) in lines.iter().enumerate() {
            if code.trim().is_empty() {
                continue;
            }
            let indent = code.len() - code.trim_start().len();
            // A signature's continuation (`) -> T {`, `where …`) at the function's indent does not end it.
            let continues = [")", "->", "where", "{"].iter().any(|p| code.trim_start().starts_with(p));
            while stack.last().is_some_and(|(d, _)| *d > indent || (*d == indent && !continues)) {
                stack.pop();
            }
            if let Some(name) = declared_fn(code) {
                stack.push((indent, name.to_string()));
            }
            let next = lines[n + 1..].iter().find(|l| !l.trim().is_empty()).copied().unwrap_or("");
            for (enum_name, variant, constructed) in mentions(code, next) {
                if constructed {
                    let at = match stack.last() {
                        Some((_, f)) => format!("{module}::{f}"),
                        None => module.clone(),
                    };
                    by_fn.entry(at).or_default().insert(format!("{enum_name}::{variant}"));
                }
            }
        }
    }
    by_fn
}

/// (variant as written in the source, registered functions) for both catalogues.
fn registry() -> Vec<(String, &'static [&'static str])> {
    let basic = REASONS.iter().map(|r| (format!("Reason::{:?}", r.0), r.0.emitted_by()));
    let supp = SUPP_REASONS.iter().map(|r| (format!("SuppReason::{:?}", r.0), r.0.emitted_by()));
    basic.chain(supp).collect()
}

#[test]
fn every_reason_is_constructed_only_where_the_registry_says() {
    let by_fn = constructions();
    let registry: BTreeMap<String, &[&str]> = registry().into_iter().collect();
    let mut wrong = Vec::new();
    for (at, variants) in &by_fn {
        for v in variants {
            match registry.get(v) {
                Some(sources) if sources.contains(&at.as_str()) => {}
                Some(sources) => wrong.push(format!("{v} is constructed in {at}, but reason::sources names only {sources:?}")),
                None => wrong.push(format!("{v} (constructed in {at}) is not in the catalogue")),
            }
        }
    }
    assert!(wrong.is_empty(), "reasons constructed outside their registered functions:\n{}", wrong.join("\n"));
}

#[test]
fn every_registered_function_exists_and_constructs_its_reason() {
    let by_fn = constructions();
    let mut wrong = Vec::new();
    for (variant, sources) in registry() {
        if sources.is_empty() {
            wrong.push(format!("{variant} has no registered function"));
        }
        for f in sources {
            if !by_fn.get(*f).is_some_and(|vs| vs.contains(&variant)) {
                wrong.push(format!("{f} is registered for {variant} but does not construct it (or does not exist)"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_registry_covers_both_catalogues() {
    assert_eq!(registry().len(), REASONS.len() + SUPP_REASONS.len());
    assert_eq!(Reason::InvalidInput.emitted_by(), &["rules::line::judge_line"]);
    assert_eq!(SuppReason::Paid.emitted_by(), &["supplementary::limits::pay"]);
}

/// The reader itself: what counts as constructing.
#[test]
fn matching_and_comparing_are_not_constructing() {
    let c = |code: &str, next: &str| mentions(code, next).into_iter().map(|m| (m.1, m.2)).collect::<Vec<_>>();
    assert_eq!(c("        return Some((Reason::NoShow, Basis::NoShow));", ""), vec![("NoShow".into(), true)]);
    assert_eq!(c("        Reason::NoShow => Some(x),", ""), vec![("NoShow".into(), false)]);
    assert_eq!(c("        Reason::Covered", "        | Reason::InvalidInput => None,"), vec![("Covered".into(), false)]);
    assert_eq!(c("        | Reason::InvalidInput => None,", ""), vec![("InvalidInput".into(), false)]);
    assert_eq!(c("        Reason::A | Reason::B => {", ""), vec![("A".into(), false), ("B".into(), false)]);
    assert_eq!(c("    if f == SuppReason::Paid {", ""), vec![("Paid".into(), false)]);
    assert_eq!(c("    let r = SuppReason::Paid;", ""), vec![("Paid".into(), true)]);
    assert_eq!(c("    vec![Reason::default(); n]", ""), vec![]);
}
