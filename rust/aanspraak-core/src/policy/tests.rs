//! Tests of policy loading: the bundled sets, the statutory file they extend, and error
//! messages that name the file, the key (with its array indices) and the value.

use super::statutory::{Law, BUNDLED_STATUTORY};
use super::*;

/// The bundled De Friesland set as one document (statutory file merged in).
fn defriesland() -> String {
    bundled_document("defriesland-2022").unwrap()
}

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
    let text = defriesland().replacen("per_year = 2", "per_year = \"2\"", 1);
    let e = from_toml_str(&text, "my.toml", None, false).unwrap_err().to_string();
    assert!(e.contains("basic.alles-verzorgd.frequency_limits[1].per_year") && e.contains("an integer, found string"), "{e}");
    let text = defriesland().replacen("compulsory_eigen_risico_eur = 350", "compulsory_eigen_risico_eur = 99999999999999999999", 1);
    let e = from_toml_str(&text, "my.toml", None, false).unwrap_err().to_string();
    assert!(e.contains("statutory[0].compulsory_eigen_risico_eur") && e.contains("99999999999999999999"), "{e}");
    for years in ["[2017, 100000000]", "[-2147483648, 2026]", "[2147483647, 2147483647]"] {
        let text = defriesland().replacen("[2013, 2013]", years, 1);
        let e = from_toml_str(&text, "my.toml", None, false).unwrap_err().to_string();
        assert!(e.contains("statutory[0].years") && e.contains("from 1990 to 2100"), "{e}");
    }
}

#[test]
fn errors_name_file_key_and_expectation() {
    let text = defriesland().replace("non_contracted_share_pct = 80", "non_contracted_share_pct = 180");
    let e = from_toml_str(&text, "my.toml", None, false).unwrap_err().to_string();
    assert!(e.contains("my.toml") && e.contains("non_contracted_share_pct") && e.contains("0 to 100"), "{e}");
    let text = defriesland().replace("per_year = 1", "per_year = 1\nper_month = 3");
    let e = from_toml_str(&text, "my.toml", None, false).unwrap_err().to_string();
    assert!(e.contains("my.toml") && e.contains("per_month"), "{e}");
    let e = load("no-such-policy").unwrap_err().to_string();
    assert!(e.contains("defriesland-2022"), "{e}");
}

#[test]
fn the_statutory_file_reads_and_cites_wetten_overheid_nl() {
    let law = Law::parse(BUNDLED_STATUTORY, "statutory.toml").unwrap();
    assert_eq!(law.value("compulsory_eigen_risico_eur", 2022), Some(385.0));
    assert_eq!(law.value("full_denture_pct", 2019), Some(25.0));
    assert_eq!(law.value("compulsory_eigen_risico_eur", 2027), None);
    // 2013-2018 (docs/rules.md#the-statutory-file): the eigen risico per year, Rzv 2.31
    // with a fixed EUR 125 per jaw on an implant denture and no eigen bijdrage on repairs
    // until 2016, the percentages from 2017; 2012 has no parameters.
    for (year, er) in [(2013, 350.0), (2014, 360.0), (2015, 375.0), (2016, 385.0)] {
        assert_eq!(law.value("compulsory_eigen_risico_eur", year), Some(er));
        assert_eq!(law.value("full_denture_pct", year), Some(25.0));
        assert_eq!(law.value("implant_denture_fixed_eur", year), Some(125.0));
        assert_eq!(law.value("implant_denture_upper_pct", year), Some(0.0));
        assert_eq!(law.value("denture_repair_pct", year), Some(0.0));
    }
    for year in [2017, 2018] {
        assert_eq!(law.value("compulsory_eigen_risico_eur", year), Some(385.0));
        assert_eq!(law.value("implant_denture_upper_pct", year), Some(8.0));
        assert_eq!(law.value("implant_denture_fixed_eur", year), Some(0.0));
        assert_eq!(law.value("denture_repair_pct", year), Some(10.0));
    }
    assert_eq!(law.value("compulsory_eigen_risico_eur", 2012), None);
    for p in law.parameters.values() {
        assert!(p.reference.iter().all(|r| r.href.starts_with("https://wetten.overheid.nl/BWBR")), "{p:?}");
    }
    let ids: Vec<_> = law.limits.iter().map(|l| (l.id.as_str(), l.per_year)).collect();
    assert_eq!(ids, [("bzv-2.7-lid4-a", 1), ("bzv-2.7-lid4-d", 2)]);
    let broken = BUNDLED_STATUTORY.replacen("{ years = [2017, 2026], value = 17 }", "{ years = [2017, 2020], value = 17 }", 1);
    let e = Law::parse(&broken, "law.toml").unwrap_err().to_string();
    assert!(e.contains("law.toml") && e.contains("parameters.denture_combo_pct.values") && e.contains("2021"), "{e}");
}

#[test]
fn insurer_files_hold_only_insurer_terms() {
    for (key, text) in BUNDLED {
        assert!(!text.contains("[[statutory]]") && !text.contains("frequency_limits") && !text.contains("eigen_risico_eur"), "{key}");
    }
}

#[test]
fn the_merged_document_keeps_the_order_and_compiles_to_the_same_policy() {
    let doc = defriesland();
    let at = |s: &str| doc.find(s).unwrap_or_else(|| panic!("{s} not in {doc}"));
    assert!(at("[[statutory]]") < at("[basic.alles-verzorgd]"));
    assert!(at("[basic.alles-verzorgd]") < at("[[basic.alles-verzorgd.frequency_limits]]"));
    assert!(at("[[basic.alles-verzorgd.frequency_limits]]") < at("[[basic.alles-verzorgd.exclusions]]"));
    assert!(!doc.contains("[[basic.zelf-bewust.frequency_limits]]"), "zelf-bewust inherits them by extends");
    assert!(doc.contains("# De Friesland Zorgverzekeraar, 2022 conditions."), "comments are kept");
    assert_eq!(statutory::extend(&doc, &Law::bundled()), doc, "merging twice changes nothing");
    let once = load("defriesland-2022").unwrap();
    let again = from_toml_str(&once.document, "again.toml", None, true).unwrap();
    assert_eq!(again.parts(), once.parts());
    assert_eq!(again.statutory_values(), once.statutory_values());
    let zb = &once.basic[once.basic_index("zelf-bewust").unwrap()];
    assert_eq!(zb.frequency.len(), 2);
}

/// A custom policy with one basic product and no frequency limits of its own.
const CUSTOM: &str = r#"
key = "custom"
name = "Custom"
source = "test"
default_basic_product = "basis"

[basic.basis]
non_contracted_share_pct = 80
"#;

#[test]
fn a_policy_without_frequency_limits_gets_the_statutory_ones() {
    let p = from_toml_str(CUSTOM, "custom.toml", None, false).unwrap();
    let b = &p.basic[0];
    assert_eq!(b.frequency.iter().map(|f| f.per_year).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(p.basis_texts[b.frequency[0].rule.basis as usize], "Bzv 2.7 lid 4 sub a");
    assert_eq!(p.year(2026).unwrap().eigen_risico_cents, 38_500);
    // Its own limit comes after the statutory ones; an entry with a `law` id replaces one.
    let own = format!("{CUSTOM}\n[[basic.basis.frequency_limits]]\ncodes = [\"M40\"]\nper_year = 4\nlegal_basis = \"own\"\nsource = \"s\"\n\n[[basic.basis.frequency_limits]]\nlaw = \"bzv-2.7-lid4-d\"\ntags = [\"fluoride\"]\nper_year = 3\nmax_age = 17\nlegal_basis = \"Bzv 2.7 lid 4 sub d\"\nsource = \"s\"\n");
    let p = from_toml_str(&own, "custom.toml", None, false).unwrap();
    assert_eq!(p.basic[0].frequency.iter().map(|f| f.per_year).collect::<Vec<_>>(), [1, 4, 3]);
    let fluoride = p.statutory_values().into_iter().find(|v| v.parameter == "bzv-2.7-lid4-d").unwrap();
    assert_eq!((fluoride.value, fluoride.statutory_value), (3.0, Some(2.0)));
    // `statutory_frequency_limits = false`: none, also not the ones with a `law` id.
    let none = own.replace("non_contracted_share_pct = 80", "non_contracted_share_pct = 80\nstatutory_frequency_limits = false");
    let p = from_toml_str(&none, "custom.toml", None, false).unwrap();
    assert_eq!(p.basic[0].frequency.iter().map(|f| f.per_year).collect::<Vec<_>>(), [4]);
    // An inline product gets them too.
    let inline = CUSTOM.replace("[basic.basis]\nnon_contracted_share_pct = 80", "basic = { basis = { non_contracted_share_pct = 80 } }");
    let p = from_toml_str(&inline, "custom.toml", None, false).unwrap();
    assert_eq!(p.basic[0].frequency.len(), 2);
}

#[test]
fn a_policy_with_its_own_years_overrides_the_statutory_file() {
    let own = format!("{CUSTOM}\n[[statutory]]\nyears = [2022, 2022]\ncompulsory_eigen_risico_eur = 165\nfull_denture_pct = 25\nimplant_denture_lower_pct = 10\nimplant_denture_upper_pct = 8\ndenture_combo_pct = 17\ndenture_repair_pct = 10\nsource = \"what-if\"\n");
    let p = from_toml_str(&own, "custom.toml", None, false).unwrap();
    assert_eq!(p.years.keys().copied().collect::<Vec<_>>(), [2022]);
    let er = p.statutory_values().into_iter().find(|v| v.parameter == "compulsory_eigen_risico_eur").unwrap();
    assert_eq!((er.value, er.statutory_value, er.source.as_str()), (165.0, Some(385.0), "what-if"));
    assert!(er.reference.contains("artikel 19") && er.href == "https://wetten.overheid.nl/BWBR0018450", "{er:?}");
}

