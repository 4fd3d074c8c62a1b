//! Reference lists for medical specialist care (docs/rules.md#hospital-care): the insurer's authorisation list
//! (machtigingslijst, seed 000) and the POK list (seed 001), as versioned CSV files that a
//! user may replace.

use crate::error::{Error, Result};
use crate::vocab::{Jaw, Tri};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

pub const BUNDLED_AUTHORIZATION: &str = include_str!("../data/msz/authorization_list.csv");
pub const BUNDLED_POK: &str = include_str!("../data/msz/pok_list.csv");

/// Zorgactiviteiten declared "op verzoek patiënt": not insured care (seed 001).
pub const ON_REQUEST: [u32; 3] = [199872, 199884, 199893];

/// One row of the authorisation list.
#[derive(Debug, Clone)]
pub struct AuthEntry {
    pub category: String,
    pub heading: String,
    pub code: u32,
    pub source: String,
}

/// The state of the jaw a line concerns, for choosing among K01/K02/K03.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JawState {
    /// The line's jaw (`Both` counts as unknown: the line names no one jaw).
    pub jaw: Jaw,
    /// The input's `edentulous`: true is a toothless jaw, false a jaw with teeth.
    pub edentulous: Tri,
}

impl JawState {
    /// The jaw states that differ for the categories, in the order of `MszTables::by_code`.
    const ALL: [JawState; 9] = {
        let jaws = [Jaw::Unknown, Jaw::Upper, Jaw::Lower];
        let teeth = [Tri::Null, Tri::True, Tri::False];
        let mut all = [JawState { jaw: Jaw::Unknown, edentulous: Tri::Null }; 9];
        let mut i = 0;
        while i < 9 {
            all[i] = JawState { jaw: jaws[i / 3], edentulous: teeth[i % 3] };
            i += 1;
        }
        all
    };

    fn index(self) -> usize {
        let jaw = match self.jaw {
            Jaw::Unknown | Jaw::Both => 0,
            Jaw::Upper => 1,
            Jaw::Lower => 2,
        };
        let teeth = match self.edentulous {
            Tri::Null => 0,
            Tri::True => 1,
            Tri::False => 2,
        };
        jaw * 3 + teeth
    }
}

/// Does a category apply to a line in this jaw state? K01 is the toothless upper jaw, K02
/// the toothless lower jaw, K03 a jaw with teeth; the others do not depend on the jaw.
fn category_matches(category: &str, s: JawState) -> bool {
    match category {
        "K01" => s.jaw != Jaw::Lower && s.edentulous != Tri::False,
        "K02" => s.jaw != Jaw::Upper && s.edentulous != Tri::False,
        "K03" => s.edentulous != Tri::True,
        _ => true,
    }
}

#[derive(Debug, Clone)]
pub struct MszTables {
    pub entries: Vec<AuthEntry>,
    /// Code → for each of the 9 jaw states: index into `combos` (the matching
    /// categories, comma-separated), or u16::MAX when none match.
    by_code: HashMap<u32, [u16; 9]>,
    /// The distinct category combinations, e.g. "K03" or "K01,K02,K03".
    pub combos: Vec<String>,
    /// For each combo: the entry whose heading and source cite it (the first matching).
    pub combo_entry: Vec<usize>,
    pub specialisms: Vec<String>,
    pok: HashSet<(u16, u32)>,
    pub pok_rows: usize,
    pub origin: String,
}

fn parse_code(s: &str) -> Option<u32> {
    let t = s.trim();
    if t.is_empty() || t.len() > 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

impl MszTables {
    /// A hash of the lists' content (equal lists, equal fingerprints; order-independent sets sorted).
    pub fn fingerprint(&self) -> u64 {
        let mut pok: Vec<&(u16, u32)> = self.pok.iter().collect();
        pok.sort_unstable();
        crate::fingerprint::fingerprint(&format!("{:?}|{:?}|{:?}|{pok:?}", self.entries, self.combos, self.specialisms))
    }

    pub fn bundled() -> MszTables {
        MszTables::from_csv(BUNDLED_AUTHORIZATION, "bundled authorization_list.csv", BUNDLED_POK, "bundled pok_list.csv")
            .expect("the bundled msz lists are valid (checked by tests)")
    }

    /// Read both lists; errors name the file, the line and column, and what was expected.
    pub fn from_csv(auth_text: &str, auth_origin: &str, pok_text: &str, pok_origin: &str) -> Result<MszTables> {
        let err = |file: &str, line: usize, key: &str, expected: String| Error::Policy {
            file: file.to_string(),
            key: format!("line {line}, column {key}"),
            expected,
        };
        let read = |text: &str, file: &str, cols: &[&str]| -> Result<Vec<(usize, csv::StringRecord)>> {
            let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
            let headers = rdr.headers().map_err(|e| err(file, 1, "header", format!("a CSV header ({e})")))?.clone();
            if headers.iter().collect::<Vec<_>>() != cols {
                return Err(err(file, 1, "header", format!("columns {}", cols.join(","))));
            }
            let mut out = Vec::new();
            for (i, rec) in rdr.records().enumerate() {
                out.push((i + 2, rec.map_err(|e| err(file, i + 2, "-", format!("a valid CSV record ({e})")))?));
            }
            Ok(out)
        };
        let mut entries = Vec::new();
        for (line, r) in read(auth_text, auth_origin, &["category", "heading", "code", "description", "source"])? {
            let category = r[0].trim().to_string();
            if category.is_empty() {
                return Err(err(auth_origin, line, "category", "a category such as K01 or X02".into()));
            }
            let code = parse_code(&r[2]).ok_or_else(|| err(auth_origin, line, "code", "a zorgactiviteit code of at most six digits".into()))?;
            if r[4].trim().is_empty() {
                return Err(err(auth_origin, line, "source", "a non-empty source citation".into()));
            }
            entries.push(AuthEntry { category, heading: r[1].trim().to_string(), code, source: r[4].trim().to_string() });
        }
        let mut specialisms: Vec<String> = Vec::new();
        let mut pok = HashSet::new();
        let mut pok_rows = 0;
        for (line, r) in read(pok_text, pok_origin, &["specialism", "code", "description", "source"])? {
            let sp = r[0].trim().to_string();
            if sp.is_empty() {
                return Err(err(pok_origin, line, "specialism", "a specialism abbreviation such as CHI".into()));
            }
            let code = parse_code(&r[1]).ok_or_else(|| err(pok_origin, line, "code", "a zorgactiviteit code of at most six digits".into()))?;
            if r[3].trim().is_empty() {
                return Err(err(pok_origin, line, "source", "a non-empty source citation".into()));
            }
            let id = match specialisms.iter().position(|s| *s == sp) {
                Some(p) => p,
                None => {
                    specialisms.push(sp);
                    specialisms.len() - 1
                }
            };
            pok.insert((id as u16, code));
            pok_rows += 1;
        }
        // Category combinations per code and jaw state.
        let mut codes: Vec<u32> = entries.iter().map(|e| e.code).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut combos: Vec<String> = Vec::new();
        let mut combo_entry = Vec::new();
        let mut combo_index: HashMap<String, u16> = HashMap::new();
        let mut by_code = HashMap::new();
        for code in codes {
            let mut states = [u16::MAX; 9];
            for s in JawState::ALL {
                let matching: Vec<usize> =
                    (0..entries.len()).filter(|&i| entries[i].code == code && category_matches(&entries[i].category, s)).collect();
                if matching.is_empty() {
                    continue;
                }
                let mut cats: Vec<&str> = matching.iter().map(|&i| entries[i].category.as_str()).collect();
                cats.sort_unstable();
                cats.dedup();
                let key = cats.join(",");
                let id = *combo_index.entry(key.clone()).or_insert_with(|| {
                    combos.push(key);
                    combo_entry.push(matching[0]);
                    (combos.len() - 1) as u16
                });
                states[s.index()] = id;
            }
            by_code.insert(code, states);
        }
        Ok(MszTables {
            entries,
            by_code,
            combos,
            combo_entry,
            specialisms,
            pok,
            pok_rows,
            origin: format!("{auth_origin}; {pok_origin}"),
        })
    }

    /// The authorisation categories that apply to `code` in this jaw state.
    #[inline]
    pub fn authorization(&self, code: u32, s: JawState) -> Option<u16> {
        self.by_code.get(&code).map(|st| st[s.index()]).filter(|&c| c != u16::MAX)
    }

    pub fn specialism_id(&self, name: &str) -> Option<u16> {
        self.specialisms.iter().position(|s| s == name).map(|p| p as u16)
    }

    /// Is (specialism, code) a procedure that belongs in the outpatient operating room?
    #[inline]
    pub fn on_pok_list(&self, specialism: u16, code: u32) -> bool {
        self.pok.contains(&(specialism, code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_jaw_and_edentulous() {
        let t = MszTables::bundled();
        let cat = |jaw, edentulous| t.authorization(238060, JawState { jaw, edentulous }).map(|c| t.combos[c as usize].clone());
        assert_eq!(cat(Jaw::Upper, Tri::True).as_deref(), Some("K01"));
        assert_eq!(cat(Jaw::Lower, Tri::True).as_deref(), Some("K02"));
        assert_eq!(cat(Jaw::Upper, Tri::False).as_deref(), Some("K03"));
        assert_eq!(cat(Jaw::Unknown, Tri::Null).as_deref(), Some("K01,K02,K03"));
        assert_eq!(cat(Jaw::Unknown, Tri::True).as_deref(), Some("K01,K02"));
        assert_eq!(cat(Jaw::Both, Tri::True).as_deref(), Some("K01,K02"));
        let c = t.authorization(238022, JawState { jaw: Jaw::Upper, edentulous: Tri::True }).unwrap();
        assert_eq!(t.combos[c as usize], "K01,K04,K06");
        assert!(t.authorization(38911, JawState { jaw: Jaw::Unknown, edentulous: Tri::Null }).is_none());
    }

    #[test]
    fn jaw_states_index_their_table_slots() {
        for (i, s) in JawState::ALL.iter().enumerate() {
            assert_eq!(s.index(), i);
        }
        assert_eq!(JawState { jaw: Jaw::Both, edentulous: Tri::True }.index(), JawState { jaw: Jaw::Unknown, edentulous: Tri::True }.index());
    }

    #[test]
    fn pok_pairs() {
        let t = MszTables::bundled();
        let der = t.specialism_id("DER").unwrap();
        assert!(t.on_pok_list(der, 38911));
        assert!(!t.on_pok_list(t.specialism_id("ANE").unwrap(), 38911));
    }

    #[test]
    fn bad_list_names_file_line_and_column() {
        let bad = BUNDLED_POK.replacen("030540", "3O540", 1);
        let e = MszTables::from_csv(BUNDLED_AUTHORIZATION, "a.csv", &bad, "pok.csv").unwrap_err().to_string();
        assert!(e.contains("pok.csv") && e.contains("line 2") && e.contains("code"), "{e}");
    }
}
