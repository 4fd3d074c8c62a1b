//! The parts of a policy set that basic products and supplementary terms share: the
//! rule shape and its compiled form, the entitlements, the bounds every number must lie
//! in, and policy errors.

use crate::codes::{tag, CodeTable};
use crate::error::{Error, Result};
use serde::Deserialize;

/// Which lines a rule applies to. Fields combine with AND; the entries of one list with OR.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub sections: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    /// `bt`, `youth`, `adult`, `lid6`: the entitlement the line is covered under.
    #[serde(default)]
    pub entitlements: Vec<String>,
    pub legal_basis: String,
    pub source: String,
}

/// Most basic products, and most supplementary products, of one policy set: a line keeps
/// its product's index in 16 bits (`u16::MAX` marks an unknown key).
pub const MAX_PRODUCTS: usize = u16::MAX as usize - 1;

/// The entitlement a line is covered under; rules may be restricted to some.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entitlement {
    None = 0,
    Bt,
    Youth,
    Adult,
    Lid6,
    /// Medical specialist care (Zvw art. 10 a).
    Msz,
}

impl Entitlement {
    fn parse(s: &str) -> Option<Entitlement> {
        match s {
            "bt" => Some(Entitlement::Bt),
            "youth" => Some(Entitlement::Youth),
            "adult" => Some(Entitlement::Adult),
            "lid6" => Some(Entitlement::Lid6),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub min_age: i32,
    pub max_age: i32,
    /// Bit per Entitlement; 0 = any.
    pub entitlements: u8,
    pub basis: u16,
    /// Static part (code, section, tag) matched per code-table row.
    pub row_match: Vec<bool>,
}

impl CompiledRule {
    #[inline]
    pub fn applies(&self, row: u32, age: i32, ent: Entitlement) -> bool {
        self.row_match[row as usize]
            && age >= self.min_age
            && age <= self.max_age
            && (self.entitlements == 0 || self.entitlements & (1 << ent as u8) != 0)
    }
}

pub(crate) fn perr(file: &str, key: impl Into<String>, expected: impl Into<String>) -> Error {
    Error::Policy { file: file.into(), key: key.into(), expected: expected.into() }
}

/// The range a number of a policy file must lie in. One table (`bound`) for all keys, so
/// that every value the engine accepts is one it computes with exactly: no date, count or
/// cent sum can overflow (README "Policy sets as data").
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    pub lo: i64,
    pub hi: i64,
    pub what: &'static str,
}

pub mod bound {
    use super::Bound;
    /// Calendar years (`statutory.years`, `from_year`): the Zvw dates from 2006; a few
    /// years either side for history and projections.
    pub const YEAR: Bound = Bound { lo: 1990, hi: 2100, what: "a calendar year" };
    /// Euros (eigen risico, annual maxima, sub-limits): one billion, so that cents and
    /// sums of them stay far inside 64 bits.
    pub const EUROS: Bound = Bound { lo: 0, hi: 1_000_000_000, what: "an amount of euros" };
    /// A fixed eigen bijdrage per jaw (Rzv 2.31 lid 3 until 2016): ten million euros, so
    /// that twice it in cents fits the 32 bits a line keeps (`Outcome::bijdrage_max`).
    pub const FIXED_EUROS: Bound = Bound { lo: 0, hi: 10_000_000, what: "an amount of euros per jaw" };
    /// Months (waiting periods, accident treatment periods): a hundred years.
    pub const MONTHS: Bound = Bound { lo: 0, hi: 1_200, what: "a number of months" };
    /// Ages in whole years.
    pub const AGE: Bound = Bound { lo: 0, hi: 130, what: "an age in years" };
    pub const PERCENT: Bound = Bound { lo: 0, hi: 100, what: "a percentage" };
    /// Frequency limits (Bzv 2.7 lid 4): at least once a year, else it is an exclusion.
    pub const PER_YEAR: Bound = Bound { lo: 1, hi: 366, what: "a number of times per year" };
    /// NZa beugelcategorie (orthodontic appliance categories).
    pub const ORTHO_CATEGORY: Bound = Bound { lo: 1, hi: 9, what: "an orthodontic category" };
}

impl Bound {
    fn err(&self, file: &str, key: &str, found: impl std::fmt::Debug) -> Error {
        perr(file, key, format!("{} from {} to {}, found {found:?}", self.what, self.lo, self.hi))
    }
    /// `v` when it lies in the range, else an error naming file, key, value and range.
    pub fn int(&self, file: &str, key: &str, v: i64) -> Result<i64> {
        if (self.lo..=self.hi).contains(&v) { Ok(v) } else { Err(self.err(file, key, v)) }
    }
    /// The same for a float (NaN and infinities are outside every range).
    pub fn float(&self, file: &str, key: &str, v: f64) -> Result<f64> {
        if v.is_finite() && (self.lo as f64..=self.hi as f64).contains(&v) { Ok(v) } else { Err(self.err(file, key, v)) }
    }
    /// An optional integer, `default` when absent.
    pub fn opt(&self, file: &str, key: &str, v: Option<i64>, default: i64) -> Result<i64> {
        v.map_or(Ok(default), |v| self.int(file, key, v))
    }
}

pub(crate) fn pct_to_bp(file: &str, key: &str, v: f64) -> Result<u32> {
    Ok((bound::PERCENT.float(file, key, v)? * 100.0).round() as u32)
}

pub(crate) fn compile_rule(r: &Rule, key: &str, file: &str, codes: &CodeTable, bundled: bool, basis_id: &mut impl FnMut(&str) -> u16) -> Result<CompiledRule> {
    if r.legal_basis.trim().is_empty() {
        return Err(perr(file, format!("{key}.legal_basis"), "a non-empty legal basis (shown in the output)"));
    }
    if bundled && r.source.trim().is_empty() {
        return Err(perr(file, format!("{key}.source"), "a source citation"));
    }
    let mut tag_bits = 0u32;
    for t in &r.tags {
        tag_bits |= tag::parse(t).ok_or_else(|| perr(file, format!("{key}.tags"), format!("tags from {:?}, found {t:?}", tag::NAMES.iter().map(|n| n.0).collect::<Vec<_>>())))?;
    }
    let mut sections = Vec::new();
    for s in &r.sections {
        if s.len() != 1 || !s.as_bytes()[0].is_ascii_uppercase() {
            return Err(perr(file, format!("{key}.sections"), format!("single upper-case section letters, found {s:?}")));
        }
        sections.push(s.as_bytes()[0]);
    }
    let mut ents = 0u8;
    for e in &r.entitlements {
        let en = Entitlement::parse(e).ok_or_else(|| perr(file, format!("{key}.entitlements"), format!("bt, youth, adult or lid6, found {e:?}")))?;
        ents |= 1 << en as u8;
    }
    let patterns: Vec<(String, bool)> = r
        .codes
        .iter()
        .map(|c| {
            let c = c.trim().to_ascii_uppercase();
            match c.strip_suffix('*') {
                Some(p) => (p.to_string(), true),
                None => (c, false),
            }
        })
        .collect();
    let row_match = codes
        .rows
        .iter()
        .map(|row| {
            (patterns.is_empty() || patterns.iter().any(|(p, prefix)| if *prefix { row.code.starts_with(p.as_str()) } else { row.code == *p }))
                && (sections.is_empty() || sections.contains(&row.section))
                && (tag_bits == 0 || row.tags & tag_bits != 0)
        })
        .collect();
    let min_age = bound::AGE.opt(file, &format!("{key}.min_age"), r.min_age, 0)? as i32;
    let max_age = bound::AGE.opt(file, &format!("{key}.max_age"), r.max_age, i32::MAX as i64)? as i32;
    if min_age > max_age {
        return Err(perr(file, key, format!("min_age <= max_age, found min_age = {min_age} and max_age = {max_age}")));
    }
    Ok(CompiledRule {
        min_age,
        max_age,
        entitlements: ents,
        basis: basis_id(&r.legal_basis),
        row_match,
    })
}
