//! The dental code table (docs/rules.md#code-table): NZa prestatiecodes keyed by code and validity
//! period, each with its section letter and the tags the rules read.

use crate::dates;
use crate::error::{Error, Result};
use foldhash::HashMap;
use foldhash::HashMapExt;

/// Tag bits read by the rules (docs/rules.md#code-table).
pub mod tag {
    pub const PERIODIC_EXAM: u32 = 1 << 0;
    pub const FLUORIDE: u32 = 1 << 1;
    pub const ORTHODONTIC: u32 = 1 << 2;
    pub const IMPLANT: u32 = 1 << 3;
    pub const NON_PLASTIC: u32 = 1 << 4;
    pub const FULL_DENTURE: u32 = 1 << 5;
    pub const IMPLANT_DENTURE: u32 = 1 << 6;
    pub const DENTURE_COMBO: u32 = 1 << 7;
    pub const DENTURE_REPAIR: u32 = 1 << 8;
    pub const SPECIALIST_SURGERY: u32 = 1 << 9;
    pub const SIMPLE_EXTRACTION: u32 = 1 << 10;
    pub const PERIO_SURGERY: u32 = 1 << 11;
    pub const XRAY: u32 = 1 << 12;
    pub const TEMP_CROWN_IMPLANT: u32 = 1 << 13;
    pub const ESTHETIC_ZONE_SURCHARGE: u32 = 1 << 14;
    pub const NO_SHOW: u32 = 1 << 15;
    /// P044, toeslag zeer ernstig geslonken kaak: an adult needs the right to implants.
    pub const RESORBED_JAW_SURCHARGE: u32 = 1 << 16;
    /// Moving one's own tooth (J39; 2026: H38, H39): surgical care, not an implant.
    pub const AUTOTRANSPLANT: u32 = 1 << 17;

    pub const NAMES: &[(&str, u32)] = &[
        ("periodic_exam", PERIODIC_EXAM),
        ("fluoride", FLUORIDE),
        ("orthodontic", ORTHODONTIC),
        ("implant", IMPLANT),
        ("non_plastic", NON_PLASTIC),
        ("full_denture", FULL_DENTURE),
        ("implant_denture", IMPLANT_DENTURE),
        ("denture_combo", DENTURE_COMBO),
        ("denture_repair", DENTURE_REPAIR),
        ("specialist_surgery", SPECIALIST_SURGERY),
        ("simple_extraction", SIMPLE_EXTRACTION),
        ("perio_surgery", PERIO_SURGERY),
        ("xray", XRAY),
        ("temp_crown_implant", TEMP_CROWN_IMPLANT),
        ("esthetic_zone_surcharge", ESTHETIC_ZONE_SURCHARGE),
        ("no_show", NO_SHOW),
        ("resorbed_jaw_surcharge", RESORBED_JAW_SURCHARGE),
        ("autotransplant", AUTOTRANSPLANT),
    ];

    pub fn parse(name: &str) -> Option<u32> {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
    }
}

pub use crate::vocab::Jaw;

#[derive(Debug, Clone)]
pub struct CodeRow {
    pub code: String,
    pub valid_from: i32,
    pub valid_to: i32,
    /// Section letter as an ASCII byte (b'C', b'M', ...).
    pub section: u8,
    pub description: String,
    pub tags: u32,
    pub jaw: Jaw,
    pub max_tariff_cents: Option<i64>,
    pub source: String,
    /// Where `valid_from` and `valid_to` come from (optional columns; empty when absent).
    pub start_source: String,
    pub end_source: String,
    /// The codes that replaced this one after `valid_to` (`;`-separated; last row of a code).
    pub replaced_by: String,
    /// The codes this one replaced from `valid_from` (`;`-separated; first row of a code).
    pub replaces: String,
}

/// Dental prestatiecodes by (code, validity period).
#[derive(Debug, Clone)]
pub struct CodeTable {
    pub rows: Vec<CodeRow>,
    by_code: HashMap<String, Vec<u32>>,
    /// Where the table came from (for messages).
    pub origin: String,
}

pub const BUNDLED_DENTAL: &str = include_str!("../data/codes/dental_codes.csv");

const COLUMNS: [&str; 9] = [
    "code", "valid_from", "valid_to", "section", "description", "tags", "jaw", "max_tariff_cents", "source",
];
/// Optional columns after `COLUMNS` (all or none): the provenance of each row's validity
/// and the documented successor / predecessor, read for the UNKNOWN_CODE message.
const HISTORY_COLUMNS: [&str; 4] = ["start_source", "end_source", "replaced_by", "replaces"];

impl CodeTable {
    /// The bundled table (NZa 2013 + 2020 + seed codes before 2026, NZa 2026 from 2026).
    pub fn bundled() -> CodeTable {
        CodeTable::from_csv_str(BUNDLED_DENTAL, "bundled dental_codes.csv")
            .expect("the bundled code table is valid (checked by tests)")
    }

    pub fn from_csv_path(path: &str) -> Result<CodeTable> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Policy { file: path.into(), key: "-".into(), expected: format!("a readable CSV file ({e})") })?;
        CodeTable::from_csv_str(&text, path)
    }

    pub fn from_csv_str(text: &str, origin: &str) -> Result<CodeTable> {
        let err = |line: usize, key: &str, expected: String| Error::Policy {
            file: origin.to_string(),
            key: format!("line {line}, column {key}"),
            expected,
        };
        // flexible: a table with the history columns may have rows without them (rows a
        // user appends to the bundled table)
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
        let headers = rdr.headers().map_err(|e| err(1, "header", format!("a CSV header ({e})")))?.clone();
        let cols: Vec<&str> = headers.iter().collect();
        let history = cols.len() == COLUMNS.len() + HISTORY_COLUMNS.len();
        if cols[..cols.len().min(COLUMNS.len())] != COLUMNS || (history && cols[COLUMNS.len()..] != HISTORY_COLUMNS) || (cols.len() != COLUMNS.len() && !history) {
            return Err(err(
                1,
                "header",
                format!("columns {} (optionally followed by {})", COLUMNS.join(","), HISTORY_COLUMNS.join(",")),
            ));
        }
        let mut rows = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let line = i + 2;
            let rec = rec.map_err(|e| err(line, "-", format!("a valid CSV record ({e})")))?;
            if rec.len() != COLUMNS.len() && rec.len() != cols.len() {
                return Err(err(line, "-", format!("{} or {} fields, found {}", COLUMNS.len(), cols.len(), rec.len())));
            }
            let code = rec[0].trim().to_ascii_uppercase();
            if code.is_empty() {
                return Err(err(line, "code", "a non-empty code".into()));
            }
            let valid_from = dates::parse_iso(&rec[1]).ok_or_else(|| err(line, "valid_from", "a date YYYY-MM-DD".into()))?;
            let valid_to = dates::parse_iso(&rec[2]).ok_or_else(|| err(line, "valid_to", "a date YYYY-MM-DD".into()))?;
            if valid_to < valid_from {
                return Err(err(line, "valid_to", "a date on or after valid_from".into()));
            }
            let sec = rec[3].trim();
            if sec.len() != 1 || !sec.as_bytes()[0].is_ascii_uppercase() {
                return Err(err(line, "section", "one upper-case letter".into()));
            }
            let mut tags = 0u32;
            for t in rec[5].split(';').map(str::trim).filter(|t| !t.is_empty()) {
                tags |= tag::parse(t).ok_or_else(|| {
                    err(line, "tags", format!("tags from {:?}, found {t:?}", tag::NAMES.iter().map(|n| n.0).collect::<Vec<_>>()))
                })?;
            }
            let jaw = match rec[6].trim() {
                "" => Some(Jaw::Unknown),
                s => Jaw::parse(s),
            }
            .ok_or_else(|| err(line, "jaw", "upper, lower, both or empty".into()))?;
            let max_tariff_cents = match rec[7].trim() {
                "" => None,
                s => Some(s.parse::<i64>().map_err(|_| err(line, "max_tariff_cents", "an integer number of cents or empty".into()))?),
            };
            let source = rec[8].trim().to_string();
            if source.is_empty() {
                return Err(err(line, "source", "a non-empty source citation".into()));
            }
            let opt = |k: usize| rec.get(COLUMNS.len() + k).map(|v| v.trim().to_string()).unwrap_or_default();
            let successors = |k: usize| -> Result<String> {
                let v = opt(k).to_ascii_uppercase();
                if v.split(';').any(|c| c.trim().is_empty()) && !v.is_empty() {
                    return Err(err(line, HISTORY_COLUMNS[k], "codes separated by ';' or empty".into()));
                }
                Ok(v)
            };
            rows.push(CodeRow {
                code,
                valid_from,
                valid_to,
                section: sec.as_bytes()[0],
                description: rec[4].to_string(),
                tags,
                jaw,
                max_tariff_cents,
                source,
                start_source: opt(0),
                end_source: opt(1),
                replaced_by: successors(2)?,
                replaces: successors(3)?,
            });
        }
        let mut by_code: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            by_code.entry(r.code.clone()).or_default().push(i as u32);
        }
        for (code, idx) in by_code.iter_mut() {
            idx.sort_by_key(|&i| rows[i as usize].valid_from);
            for w in idx.windows(2) {
                let (a, b) = (&rows[w[0] as usize], &rows[w[1] as usize]);
                if b.valid_from <= a.valid_to {
                    return Err(Error::Policy {
                        file: origin.into(),
                        key: format!("code {code}"),
                        expected: format!(
                            "validity periods that do not overlap ({}..{} and {}..{})",
                            dates::format_iso(a.valid_from), dates::format_iso(a.valid_to),
                            dates::format_iso(b.valid_from), dates::format_iso(b.valid_to)
                        ),
                    });
                }
            }
        }
        Ok(CodeTable { rows, by_code, origin: origin.to_string() })
    }

    /// Candidate rows of a (normalised) code, sorted by validity start.
    pub fn candidates(&self, code: &str) -> &[u32] {
        self.by_code.get(code).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The row valid on `date` among `candidates`.
    #[inline]
    pub fn pick(&self, candidates: &[u32], date: i32) -> Option<u32> {
        candidates.iter().copied().find(|&i| {
            let r = &self.rows[i as usize];
            r.valid_from <= date && date <= r.valid_to
        })
    }

    pub fn lookup(&self, code: &str, date: i32) -> Option<&CodeRow> {
        self.pick(self.candidates(code), date).map(|i| &self.rows[i as usize])
    }

    /// Why a code the table holds is unknown on `date` (docs/rules.md#code-table): the
    /// message of an UNKNOWN_CODE line, naming the successor ("C11 was replaced by C002 in
    /// 2022") or the predecessor. None when the table has no row of the code at all or
    /// one is valid on `date`. Called per distinct (code, side), not per line.
    pub fn unknown_message(&self, candidates: &[u32], date: i32) -> Option<String> {
        let (first, last) = (&self.rows[*candidates.first()? as usize], &self.rows[*candidates.last()? as usize]);
        let year = |d: i32| dates::civil_from_days(d).year;
        let list = |codes: &str| codes.split(';').collect::<Vec<_>>().join(", ");
        if date > last.valid_to {
            let next = year(last.valid_to) + 1;
            return Some(if !last.replaced_by.is_empty() {
                format!("{} was replaced by {} in {next}", last.code, list(&last.replaced_by))
            } else {
                format!("{} is not in the NZa lists after {}", last.code, next - 1)
            });
        }
        if date < first.valid_from {
            let from = year(first.valid_from);
            return Some(if !first.replaces.is_empty() {
                format!("{} replaced {} in {from} and is not valid before {from}", first.code, list(&first.replaces))
            } else {
                format!("{} is not in the NZa lists before {from}", first.code)
            });
        }
        // a gap between two rows of the code (a user's table)
        let rows: Vec<&CodeRow> = candidates.iter().map(|&i| &self.rows[i as usize]).collect();
        let w = rows.windows(2).find(|w| w[0].valid_to < date && date < w[1].valid_from)?;
        Some(format!(
            "{} is not in the NZa lists from {} to {}",
            w[0].code,
            dates::format_iso(w[0].valid_to + 1),
            dates::format_iso(w[1].valid_from - 1)
        ))
    }
}

/// Normalise a declared code: trim and upper-case; an all-digit hospital code is
/// left-padded with zeros to six digits (docs/rules.md#hospital-care: `38911` means `038911`).
pub fn normalize_code(raw: &str) -> String {
    let t = raw.trim();
    if !t.is_empty() && t.len() < 6 && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("{t:0>6}")
    } else {
        t.to_ascii_uppercase()
    }
}

/// Domain inferred from a code: a letter first means mondzorg, all digits means msz.
pub fn code_is_msz(normalized: &str) -> bool {
    !normalized.is_empty() && normalized.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "code,valid_from,valid_to,section,description,tags,jaw,max_tariff_cents,source\n\
C11,2013-01-01,2025-12-31,C,Periodieke controle,periodic_exam,,2052,NZa 2013\n\
J87,2013-01-01,2025-12-31,J,Tijdelijke kroon,temp_crown_implant,,25867,2020 excerpt\n\
J087,2026-01-01,9999-12-31,J,Iets anders,,,1000,NZa 2026\n";

    #[test]
    fn lookup_by_date() {
        let t = CodeTable::from_csv_str(SMALL, "t").unwrap();
        let d2022 = dates::parse_iso("2022-05-01").unwrap();
        let d2026 = dates::parse_iso("2026-05-01").unwrap();
        assert_eq!(t.lookup("J87", d2022).unwrap().tags, tag::TEMP_CROWN_IMPLANT);
        assert!(t.lookup("J87", d2026).is_none());
        assert!(t.lookup("J087", d2022).is_none());
        assert!(t.lookup("J087", d2026).is_some());
    }

    #[test]
    fn bad_tag_names_line_and_column() {
        let bad = SMALL.replace("periodic_exam", "periodic");
        let e = CodeTable::from_csv_str(&bad, "x.csv").unwrap_err().to_string();
        assert!(e.contains("x.csv") && e.contains("line 2") && e.contains("tags"), "{e}");
    }

    #[test]
    fn unknown_message_names_successor_and_predecessor() {
        let csv = "code,valid_from,valid_to,section,description,tags,jaw,max_tariff_cents,source,start_source,end_source,replaced_by,replaces\n\
C11,2013-01-01,2021-12-31,C,Periodieke controle,periodic_exam,,2052,NZa 2013,complete list 2013,change,C002,\n\
C002,2022-01-01,9999-12-31,C,Periodieke controle,periodic_exam,,2851,NZa 2026,change,no end,,C11\n\
X1,2014-01-01,2025-12-31,X,Foto,xray,,,page\n";
        let t = CodeTable::from_csv_str(csv, "t").unwrap();
        let day = |s: &str| dates::parse_iso(s).unwrap();
        let msg = |c: &str, d: &str| t.unknown_message(t.candidates(c), day(d));
        assert_eq!(msg("C11", "2022-01-01").as_deref(), Some("C11 was replaced by C002 in 2022"));
        assert_eq!(msg("C002", "2021-12-31").as_deref(), Some("C002 replaced C11 in 2022 and is not valid before 2022"));
        assert_eq!(msg("X1", "2026-01-01").as_deref(), Some("X1 is not in the NZa lists after 2025"));
        assert_eq!(msg("C11", "2021-12-31"), None);
        assert_eq!(msg("Q9", "2021-12-31"), None);
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize_code(" c11 "), "C11");
        assert_eq!(normalize_code("38911"), "038911");
        assert!(code_is_msz("038911"));
        assert!(!code_is_msz("F152A"));
    }
}
