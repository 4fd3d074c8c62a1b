//! Unit tests of the input layer: each kind of column read from Arrow, the defaults of
//! absent and null columns, every `Invalid` with its message, schema errors.

use super::kinds::{bounded_cents, dates, money, TOO_LARGE};
use super::schema::spec;
use super::*;
use crate::dates::{FIRST_DAY, LAST_DAY};
use crate::money::MAX_CENTS;
use arrow_array::ArrayRef;
use arrow_schema::DataType;
use arrow_array::{Date32Array, TimestampSecondArray};
use std::sync::Arc;

fn day(s: &str) -> i32 {
    crate::dates::parse_iso(s).unwrap()
}

fn read_dates(a: ArrayRef) -> Vec<i32> {
    let dt = a.data_type().clone();
    let n = a.len();
    dates(spec("birth_date"), &dt, &[a], n).unwrap()
}

#[test]
fn tz_aware_timestamps_are_the_local_calendar_date() {
    let utc = |d: &str, seconds: i64| day(d) as i64 * 86_400 + seconds;
    let instants = vec![
        utc("2021-12-31", 23 * 3600),        // 2022-01-01 00:00 CET
        utc("2022-03-26", 23 * 3600 + 1800), // 2022-03-27 00:30 CET
        utc("2022-03-27", 3600 + 1800),      // 03:30 CEST, on the day summer time starts
        utc("2022-10-29", 22 * 3600 + 1800), // 2022-10-30 00:30 CEST
        utc("2022-10-30", 23 * 3600),        // 2022-10-31 00:00 CET, after summer time ends
        i64::MAX,                            // hundreds of billions of years out
    ];
    let a: ArrayRef = Arc::new(TimestampSecondArray::from(instants).with_timezone("Europe/Amsterdam"));
    assert_eq!(read_dates(a), vec![day("2022-01-01"), day("2022-03-27"), day("2022-03-27"), day("2022-10-30"), day("2022-10-31"), BAD_DATE]);
    let fixed: ArrayRef = Arc::new(TimestampSecondArray::from(vec![utc("2021-12-31", 23 * 3600)]).with_timezone("+01:00"));
    assert_eq!(read_dates(fixed), vec![day("2022-01-01")]);
    let naive: ArrayRef = Arc::new(TimestampSecondArray::from(vec![Some(utc("2021-12-31", 23 * 3600)), None]));
    assert_eq!(read_dates(naive), vec![day("2021-12-31"), NO_DATE]);
}

#[test]
fn dates_outside_years_1_to_9999_are_bad() {
    let a: ArrayRef = Arc::new(Date32Array::from(vec![Some(i32::MAX), Some(FIRST_DAY), None, Some(LAST_DAY + 1)]));
    assert_eq!(read_dates(a), vec![BAD_DATE, FIRST_DAY, NO_DATE, BAD_DATE]);
}

#[test]
fn money_out_of_range_is_too_large_not_negative() {
    let a: ArrayRef = Arc::new(arrow_array::UInt64Array::from(vec![u64::MAX, 5]));
    assert_eq!(money(spec("amount_cents"), &DataType::UInt64, &[a], 2).unwrap(), vec![TOO_LARGE, 5]);
    assert_eq!(bounded_cents(MAX_CENTS as i128 + 1), TOO_LARGE);
    assert_eq!(bounded_cents(-(MAX_CENTS as i128) - 7), -MAX_CENTS);
}

// ---- reading whole tables -------------------------------------------------------------

use crate::error::Error;
use arrow_array::{BinaryArray, BooleanArray, Decimal128Array, Float64Array, Int16Array, Int64Array, Int8Array, StringArray};
use arrow_schema::{Field, Schema};
use schema::{ColumnSpec, COLUMNS};

fn strs(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

/// Keys of a small policy set: years 2020-2023, one basic product, two supplementary.
fn with_keys<T>(f: impl FnOnce(&Keys) -> T) -> T {
    let basic = vec!["basis".to_string(), "ruim".to_string()];
    let specialisms = vec!["DER".to_string(), "KNO".to_string()];
    let supplementary = vec!["extra".to_string(), "ongeval".to_string()];
    let accident = vec![false, true];
    let keys = Keys {
        days: (day("2020-01-01"), day("2023-12-31")),
        basic: &basic,
        specialisms: &specialisms,
        default_basic: 0,
        supplementary: &supplementary,
        accident: &accident,
    };
    f(&keys)
}

/// `n` valid rows of the required columns, with `columns` added (or replacing one).
fn table(n: usize, columns: Vec<(&str, ArrayRef)>) -> (SchemaRef, Vec<RecordBatch>) {
    let mut cols: Vec<(String, ArrayRef)> = vec![
        ("insured_id".into(), strs(&vec![Some("P1"); n])),
        ("birth_date".into(), Arc::new(Date32Array::from(vec![day("1980-06-15"); n]))),
        ("treatment_date".into(), Arc::new(Date32Array::from(vec![day("2022-03-01"); n]))),
        ("code".into(), strs(&vec![Some("C11"); n])),
        ("amount".into(), Arc::new(Float64Array::from(vec![100.0; n]))),
    ];
    for (name, a) in columns {
        match cols.iter().position(|(c, _)| c == name) {
            Some(p) => cols[p].1 = a,
            None => cols.push((name.into(), a)),
        }
    }
    let schema = Arc::new(Schema::new(cols.iter().map(|(c, a)| Field::new(c, a.data_type().clone(), true)).collect::<Vec<_>>()));
    let batch = RecordBatch::try_new(schema.clone(), cols.into_iter().map(|(_, a)| a).collect()).unwrap();
    (schema, vec![batch])
}

fn read_table(n: usize, columns: Vec<(&str, ArrayRef)>) -> Result<Lines> {
    let (schema, batches) = table(n, columns);
    with_keys(|keys| read(schema, &batches, keys))
}

fn invalid_of(columns: Vec<(&str, ArrayRef)>) -> Invalid {
    read_table(1, columns).unwrap().invalid[0]
}

fn vec_of<T: Copy>(c: &Col<T>) -> Vec<T> {
    match c {
        Col::Const(_) => panic!("column not read"),
        Col::Vec(v) => v.clone(),
    }
}

#[test]
fn a_column_of_each_kind_is_read() {
    let l = read_table(3, vec![
        ("amount", Arc::new(Decimal128Array::from(vec![Some(12345), Some(1), None]).with_precision_and_scale(10, 2).unwrap()) as ArrayRef),
        ("line_id", Arc::new(Int64Array::from(vec![3, 1, 2]))),
        ("domain", strs(&[Some("msz"), None, Some(" mondzorg ")])),
        ("element", Arc::new(Int16Array::from(vec![Some(11), None, Some(85)]))),
        ("jaw", strs(&[Some("upper"), Some("lower"), None])),
        ("edentulous", Arc::new(BooleanArray::from(vec![Some(true), Some(false), None]))),
        ("provider_type", strs(&[Some("tandarts"), Some("medisch_specialist"), None])),
        ("contracted", Arc::new(Int8Array::from(vec![Some(0), Some(1), None]))),
        ("reference_tariff", strs(&[Some("12.345"), None, Some("7")])),
        ("bt_indication", strs(&[Some("a"), Some("c"), None])),
        ("missing_tooth_cause", strs(&[None, Some("agenesis"), Some("accident")])),
        ("ortho_severe", Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)]))),
        ("basic_product", strs(&[Some("ruim"), None, Some("basis")])),
        ("supplementary_product", strs(&[Some("extra + ongeval"), Some(""), None])),
        ("supplementary_start", strs(&[Some("2021-01-01"), None, Some("2022-02-28")])),
        ("material_costs", Arc::new(Int64Array::from(vec![Some(10), None, Some(0)]))),
        ("voluntary_deductible", Arc::new(Float64Array::from(vec![Some(100.0), None, Some(500.0)]))),
        ("setting", strs(&[Some("pok"), Some("inpatient"), None])),
        ("specialism", strs(&[Some("kno"), Some("XYZ"), None])),
    ])
    .unwrap();
    assert_eq!(l.amount, vec![12345, 1, NO_CENTS]);
    assert_eq!(l.invalid, vec![Invalid::Ok, Invalid::Ok, Invalid::AmountNull]);
    assert_eq!(vec_of(&l.domain), vec![Domain::Msz, Domain::Infer, Domain::Mondzorg]);
    assert_eq!(vec_of(&l.element), vec![11, 0, 85]);
    assert_eq!(vec_of(&l.jaw), vec![Jaw::Upper, Jaw::Lower, Jaw::Unknown]);
    assert_eq!(vec_of(&l.edentulous), vec![Tri::True, Tri::False, Tri::Null]);
    assert_eq!(vec_of(&l.provider), vec![Provider::Tandarts, Provider::MedischSpecialist, Provider::Unknown]);
    assert_eq!(vec_of(&l.contracted), vec![false, true, true]);
    assert_eq!(vec_of(&l.reference_tariff), vec![1235, NO_CENTS, 700]);
    assert_eq!(vec_of(&l.bt_indication), vec![BtIndication::A, BtIndication::C, BtIndication::None]);
    assert_eq!(vec_of(&l.missing_cause), vec![MissingCause::None, MissingCause::Agenesis, MissingCause::Accident]);
    assert_eq!(vec_of(&l.ortho_severe), vec![true, false, false]);
    assert_eq!(vec_of(&l.basic), vec![1, 0, 0]);
    let supp = vec_of(&l.supplementary);
    assert_eq!(supp[0], crate::supplementary::terms::pack(vec![0, 1], &[false, true]).unwrap());
    assert_eq!(&supp[1..], &[NO_SUPP, NO_SUPP]);
    assert_eq!(vec_of(&l.supp_start), vec![day("2021-01-01"), NO_DATE, day("2022-02-28")]);
    assert_eq!(vec_of(&l.material), vec![1000, 0, 0]);
    assert_eq!(vec_of(&l.voluntary_cents), vec![10_000, 0, 50_000]);
    assert_eq!(vec_of(&l.setting), vec![Setting::Pok, Setting::Inpatient, Setting::None]);
    assert_eq!(vec_of(&l.specialism), vec![1, SPECIALISM_OTHER, SPECIALISM_NONE]);
    assert!(matches!(l.order_key, crate::ids::LineOrder::Ints(_)));
}

#[test]
fn absent_and_all_null_columns_take_their_defaults() {
    let all_null: Vec<(&str, ArrayRef)> = COLUMNS.iter().filter(|c| !c.required && c.name != "amount_cents" && c.name != "line_id").map(|c| (c.name, strs(&[None]))).collect();
    for l in [read_table(1, vec![]).unwrap(), read_table(1, all_null).unwrap()] {
        assert_eq!(l.invalid, vec![Invalid::Ok]);
        assert!(matches!(l.order_key, crate::ids::LineOrder::RowNumber));
        assert!(matches!(l.domain, Col::Const(Domain::Infer)));
        assert!(matches!(l.element, Col::Const(0)));
        assert!(matches!(l.jaw, Col::Const(Jaw::Unknown)));
        assert!(matches!(l.edentulous, Col::Const(Tri::Null)));
        assert!(matches!(l.provider, Col::Const(Provider::Unknown)));
        assert!(matches!(l.contracted, Col::Const(true)));
        assert!(matches!(l.reference_tariff, Col::Const(NO_CENTS)));
        assert!(matches!(l.authorization, Col::Const(Tri::Null)));
        assert!(matches!(l.bt_indication, Col::Const(BtIndication::None)));
        assert!(matches!(l.bt_related, Col::Const(Tri::Null)));
        assert!(matches!(l.ortho_severe, Col::Const(false)));
        assert!(matches!(l.severely_resorbed, Col::Const(false)));
        assert!(matches!(l.missing_cause, Col::Const(MissingCause::None)));
        assert!(matches!(l.need_before_18, Col::Const(false)));
        assert!(matches!(l.basic, Col::Const(0)));
        assert!(matches!(l.supplementary, Col::Const(NO_SUPP)));
        for d in [&l.supp_start, &l.supp_end, &l.accident_date, &l.insured_from, &l.insured_to, &l.processing] {
            assert!(matches!(d, Col::Const(NO_DATE)));
        }
        assert!(matches!(l.material, Col::Const(0)));
        assert!(matches!(l.referral, Col::Const(Tri::Null)));
        assert!(matches!(l.voluntary_cents, Col::Const(0)));
        assert!(matches!(l.specialism, Col::Const(SPECIALISM_NONE)));
        assert!(matches!(l.setting, Col::Const(Setting::None)));
    }
}

#[test]
fn every_invalid_is_reachable_with_its_message() {
    let bad_date = || strs(&[Some("not a date")]);
    let date = |s: &str| strs(&[Some(s)]);
    let f = |x: f64| Arc::new(Float64Array::from(vec![x])) as ArrayRef;
    let cases: Vec<(Vec<(&str, ArrayRef)>, Invalid)> = vec![
        (vec![("insured_id", strs(&[None]))], Invalid::InsuredNull),
        (vec![("birth_date", Arc::new(Date32Array::from(vec![None])) as ArrayRef)], Invalid::BirthNull),
        (vec![("birth_date", bad_date())], Invalid::BirthOutOfRange),
        (vec![("treatment_date", Arc::new(Date32Array::from(vec![None])) as ArrayRef)], Invalid::TreatmentNull),
        (vec![("treatment_date", bad_date())], Invalid::TreatmentOutOfRange),
        (vec![("treatment_date", date("1970-01-01"))], Invalid::TreatmentBeforeBirth),
        (vec![("treatment_date", date("2019-12-31"))], Invalid::NoYearParameters),
        (vec![("code", strs(&[Some(" ")]))], Invalid::CodeNull),
        (vec![("amount", Arc::new(Float64Array::from(vec![None])) as ArrayRef)], Invalid::AmountNull),
        (vec![("amount", f(-0.01))], Invalid::AmountNegative),
        (vec![("amount", strs(&[Some("12,50")]))], Invalid::AmountUnparsable),
        (vec![("amount", f(1e17))], Invalid::AmountTooLarge),
        (vec![("element", Arc::new(Int64Array::from(vec![19])) as ArrayRef)], Invalid::BadElement),
        (vec![("jaw", strs(&[Some("both")]))], Invalid::BadJaw),
        (vec![("provider_type", strs(&[Some("huisarts")]))], Invalid::BadProvider),
        (vec![("bt_indication", strs(&[Some("d")]))], Invalid::BadBtIndication),
        (vec![("missing_tooth_cause", strs(&[Some("caries")]))], Invalid::BadMissingCause),
        (vec![("domain", strs(&[Some("ggz")]))], Invalid::BadDomain),
        (vec![("setting", strs(&[Some("home")]))], Invalid::BadSetting),
        (vec![("basic_product", strs(&[Some("luxe")]))], Invalid::UnknownBasicProduct),
        (vec![("supplementary_product", strs(&[Some("extra+extra")]))], Invalid::UnknownSupplementaryProduct),
        (vec![("voluntary_deductible", f(150.0))], Invalid::BadVoluntaryDeductible),
        (vec![("insured_from", date("2022-06-01"))], Invalid::OutsideContract),
        (vec![("insured_to", date("2022-01-31"))], Invalid::OutsideContract),
        (vec![("reference_tariff", f(-5.0))], Invalid::BadReferenceTariff),
        (vec![("supplementary_end", date("2021-01-01")), ("supplementary_start", date("2022-01-01"))], Invalid::SupplementaryEndBeforeStart),
        (vec![("material_costs", f(100.01))], Invalid::BadMaterialCosts),
        (vec![("supplementary_start", bad_date())], Invalid::SupplementaryStartOutOfRange),
        (vec![("supplementary_end", bad_date())], Invalid::SupplementaryEndOutOfRange),
        (vec![("accident_date", bad_date())], Invalid::AccidentDateOutOfRange),
        (vec![("insured_from", bad_date())], Invalid::InsuredFromOutOfRange),
        (vec![("insured_to", bad_date())], Invalid::InsuredToOutOfRange),
        (vec![("eigen_risico_exempt", Arc::new(BooleanArray::from(vec![true])) as ArrayRef)], Invalid::ExemptNotOverig),
        (vec![("processing_date", bad_date())], Invalid::ProcessingOutOfRange),
        (vec![("processing_date", date("2000-01-01"))], Invalid::ProcessingBeforeTreatment),
    ];
    for (columns, want) in cases.iter().cloned() {
        let column = columns[0].0;
        assert_eq!(invalid_of(columns), want, "{column}");
        assert!(spec(column).invalid.contains(&want), "{column} does not list {want:?}");
        assert_eq!(INVALID_MESSAGES[want as usize], want.message());
        assert!(!want.message().is_empty());
    }
    for inv in Invalid::ALL.iter().filter(|i| **i != Invalid::Ok) {
        // The credit checks need several rows: `credits_pair_with_the_lines_they_name`.
        if CREDIT_CHECKS.contains(inv) {
            continue;
        }
        assert!(cases.iter().any(|(_, w)| w == inv), "no case reaches {inv:?}");
        assert!(COLUMNS.iter().any(|c| c.invalid.contains(inv)), "no column lists {inv:?}");
    }
    assert_eq!(INVALID_MESSAGES.len(), Invalid::ALL.len());
}

#[test]
fn enum_columns_accept_their_values_and_refuse_others() {
    for c in COLUMNS.iter().filter(|c| c.kind == Kind::Enum) {
        assert!(!c.values.is_empty(), "{}", c.name);
        for v in c.values {
            assert_eq!(invalid_of(vec![(c.name, strs(&[Some(v)]))]), Invalid::Ok, "{} {v}", c.name);
        }
        let bad = invalid_of(vec![(c.name, strs(&[Some("zzz")]))]);
        assert_eq!(c.invalid, &[bad], "{}", c.name);
        for v in c.values {
            assert!(bad.message().contains(v), "{}: message names {v}", c.name);
        }
    }
}

fn schema_error(columns: Vec<(&str, ArrayRef)>, drop: Option<&str>) -> (String, String, String) {
    let (schema, batches) = table(1, columns);
    let (schema, batches) = match drop {
        None => (schema, batches),
        Some(d) => {
            let keep: Vec<usize> = (0..schema.fields().len()).filter(|&i| schema.field(i).name() != d).collect();
            let b = batches[0].project(&keep).unwrap();
            (b.schema(), vec![b])
        }
    };
    match with_keys(|keys| read(schema, &batches, keys)) {
        Err(Error::Schema { column, found, expected }) => (column, found, expected),
        Err(e) => panic!("not a schema error: {e}"),
        Ok(_) => panic!("no schema error"),
    }
}

#[test]
fn schema_errors_name_the_column_and_the_types_it_accepts() {
    let binary = || Arc::new(BinaryArray::from(vec![&b"x"[..]])) as ArrayRef;
    for c in COLUMNS {
        let drop = (c.name == "amount_cents").then_some("amount");
        let (column, found, expected) = schema_error(vec![(c.name, binary())], drop);
        assert_eq!((column.as_str(), found.as_str(), expected.as_str()), (c.name, "Binary", c.expected));
    }
    for c in schema::required() {
        let (column, found, expected) = schema_error(vec![], Some(c.name));
        assert_eq!((column.as_str(), expected.as_str()), (c.name, c.expected_when_absent));
        assert!(found.starts_with("no such column"), "{found}");
    }
    assert_eq!(schema::required().map(|c| c.name).collect::<Vec<_>>(), ["insured_id", "birth_date", "treatment_date", "code", "amount"]);
}

/// Every field of `Lines` is read from a column of the schema, and every column is read
/// into a field (the schema-error test above shows that `read` looks at each); the
/// opening balances are a table of their own (`opening.rs`).
#[test]
fn lines_fields_and_schema_columns_agree() {
    let src = include_str!("mod.rs");
    let body = &src[src.find("pub struct Lines {").unwrap()..];
    let body = &body[..body.find("\n}").unwrap()];
    let mut fields: Vec<&str> = body
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub ")?.split_once(':').map(|(f, _)| f))
        .filter(|f| !matches!(*f, "n" | "code_strings" | "invalid" | "opening" | "credit_pairs" | "unbooked"))
        .collect();
    let mut from_schema: Vec<&str> = COLUMNS.iter().map(|c: &ColumnSpec| c.field).collect();
    fields.sort_unstable();
    from_schema.sort_unstable();
    from_schema.dedup();
    assert_eq!(fields, from_schema);
}

// ---- credit lines ---------------------------------------------------------------------

const CREDIT_CHECKS: &[Invalid] = &[
    Invalid::CreditOriginalMissing,
    Invalid::CreditOtherInsured,
    Invalid::CreditOfCredit,
    Invalid::CreditTwice,
    Invalid::CreditAmountMismatch,
    Invalid::CreditAmbiguous,
    Invalid::CreditOfInvalid,
];

fn f64s(v: &[Option<f64>]) -> ArrayRef {
    Arc::new(Float64Array::from(v.to_vec()))
}

#[test]
fn credits_pair_with_the_lines_they_name() {
    use credits::Credit::{No, Original, Reversal};
    // (line_id, insured, amount, credits_line_id)
    let rows: &[(&str, &str, Option<f64>, Option<&str>)] = &[
        ("L1", "P1", Some(100.0), None),        // 0: credited by La
        ("Lb", "P1", Some(100.0), Some("L1")),  // 1: a second credit of L1 (Lb after La)
        ("La", "P1", Some(-100.0), Some("L1")), // 2: the credit of L1
        ("L4", "P1", Some(50.0), None),         // 3: stays ordinary
        ("L5", "P1", Some(-40.0), Some("L4")),  // 4: amount does not match
        ("L6", "P1", Some(10.0), Some("L99")),  // 5: no such line
        ("L7", "P2", Some(10.0), Some("L8")),   // 6: a line of P1
        ("L8", "P1", Some(10.0), None),         // 7: stays ordinary
        ("L9", "P1", Some(100.0), Some("La")),  // 8: credits a credit
        ("L10", "P1", Some(10.0), None),        // 9, 10: one line_id twice
        ("L10", "P1", Some(10.0), None),
        ("L11", "P1", Some(10.0), Some("L10")), // 11: which one?
        ("L12", "P1", None, None),              // 12: invalid (amount null)
        ("L13", "P1", Some(10.0), Some("L12")), // 13: credits an invalid line
        ("L14", "P1", Some(-5.0), None),        // 14: negative and no credit
        ("L15", "P1", Some(30.0), None),        // 15: credited by a positive credit
        ("L16", "P1", Some(30.0), Some(" L15 ")), // 16: (blanks around the reference)
        ("L17", "P1", Some(-1.0), Some("")),    // 17: an empty reference is none
    ];
    let n = rows.len();
    let l = read_table(n, vec![
        ("line_id", strs(&rows.iter().map(|r| Some(r.0)).collect::<Vec<_>>())),
        ("insured_id", strs(&rows.iter().map(|r| Some(r.1)).collect::<Vec<_>>())),
        ("amount", f64s(&rows.iter().map(|r| r.2).collect::<Vec<_>>())),
        ("credits_line_id", strs(&rows.iter().map(|r| r.3).collect::<Vec<_>>())),
    ])
    .unwrap();
    use Invalid as I;
    let want = [
        (Original, I::Ok),
        (No, I::CreditTwice),
        (Reversal, I::Ok),
        (No, I::Ok),
        (No, I::CreditAmountMismatch),
        (No, I::CreditOriginalMissing),
        (No, I::CreditOtherInsured),
        (No, I::Ok),
        (No, I::CreditOfCredit),
        (No, I::Ok),
        (No, I::Ok),
        (No, I::CreditAmbiguous),
        (No, I::AmountNull),
        (No, I::CreditOfInvalid),
        (No, I::AmountNegative),
        (Original, I::Ok),
        (Reversal, I::Ok),
        (No, I::AmountNegative),
    ];
    let got: Vec<_> = (0..n).map(|i| (l.credit.get(i), l.invalid[i])).collect();
    assert_eq!(got, want);
    for inv in CREDIT_CHECKS {
        assert!(got.iter().any(|(_, w)| w == inv), "no case reaches {inv:?}");
        assert!(spec("credits_line_id").invalid.contains(inv));
    }
}

#[test]
fn credits_name_integer_line_ids_or_row_numbers() {
    let ints = |v: &[Option<i64>]| Arc::new(Int64Array::from(v.to_vec())) as ArrayRef;
    // Integer line_ids, a credit given as text and one as an integer.
    let l = read_table(4, vec![
        ("line_id", ints(&[Some(7), Some(8), Some(9), Some(10)])),
        ("amount", f64s(&[Some(20.0), Some(-20.0), Some(30.0), Some(30.0)])),
        ("credits_line_id", strs(&[None, Some("7"), None, Some("9")])),
    ])
    .unwrap();
    assert_eq!(vec_of(&l.credit), vec![Credit::Original, Credit::Reversal, Credit::Original, Credit::Reversal]);
    assert_eq!(l.invalid, vec![Invalid::Ok; 4]);
    // No line_id column: a credit names the row number (0-based), as the output's line_id.
    let l = read_table(3, vec![
        ("amount", f64s(&[Some(20.0), Some(-20.0), Some(5.0)])),
        ("credits_line_id", ints(&[None, Some(0), Some(3)])),
    ])
    .unwrap();
    assert_eq!(vec_of(&l.credit), vec![Credit::Original, Credit::Reversal, Credit::No]);
    assert_eq!(l.invalid, vec![Invalid::Ok, Invalid::Ok, Invalid::CreditOriginalMissing]);
    // Absent or all null: no credit anywhere, nothing materialised.
    let l = read_table(2, vec![("credits_line_id", strs(&[None, None]))]).unwrap();
    assert!(matches!(l.credit, Col::Const(Credit::No)));
}

// ---- opening balances -----------------------------------------------------------------

/// The normalised opening table of `opening::Opening::read`, one row per balance.
fn opening_table(rows: &[(&str, i32, &str, Option<&str>, Option<&str>, i64)]) -> (SchemaRef, Vec<RecordBatch>) {
    use arrow_array::{Int32Array, UInt32Array};
    let schema = Arc::new(Schema::new(vec![
        Field::new("insured_id", DataType::Utf8, false),
        Field::new("year", DataType::Int32, false),
        Field::new("kind", DataType::Utf8, false),
        Field::new("supplementary_product", DataType::Utf8, true),
        Field::new("limit_group", DataType::Utf8, true),
        Field::new("cents", DataType::Int64, false),
        Field::new("row", DataType::UInt32, false),
    ]));
    let cols: Vec<ArrayRef> = vec![
        strs(&rows.iter().map(|r| Some(r.0)).collect::<Vec<_>>()),
        Arc::new(Int32Array::from(rows.iter().map(|r| r.1).collect::<Vec<_>>())),
        strs(&rows.iter().map(|r| Some(r.2)).collect::<Vec<_>>()),
        strs(&rows.iter().map(|r| r.3).collect::<Vec<_>>()),
        strs(&rows.iter().map(|r| r.4).collect::<Vec<_>>()),
        Arc::new(Int64Array::from(rows.iter().map(|r| r.5).collect::<Vec<_>>())),
        Arc::new(UInt32Array::from((0..rows.len() as u32).collect::<Vec<_>>())),
    ];
    (schema.clone(), vec![RecordBatch::try_new(schema, cols).unwrap()])
}

#[test]
fn opening_balances_are_found_by_insured_and_capped_at_their_pot() {
    use opening::{Opening, Used};
    with_keys(|keys| {
        let long = "an-insured-id-longer-than-twelve-bytes";
        let (s, b) = opening_table(&[
            ("P1", 2022, "eigen_risico", None, None, 30_000),
            ("P1", 2022, "annual", Some("ongeval"), None, 12_345),
            ("P1", 2022, "limit", Some("extra"), Some("rules[2]"), 500),
            (long, 2022, "eigen_risico", None, None, 50_000),
        ]);
        let o = Opening::read(s, &b, keys).unwrap();
        let (ls, lb) = table(2, vec![("insured_id", strs(&[Some("P1"), Some(long)]))]);
        let lines = read(ls, &lb, keys).unwrap();
        let p1 = o.of(&lines.insured, 0).expect("P1 has balances");
        assert_eq!(o.consume(p1, 2022, &Used::EigenRisico, 38_500), 30_000);
        assert_eq!(o.consume(p1, 2021, &Used::EigenRisico, 38_500), 0, "another year");
        assert_eq!(o.consume(p1, 2022, &Used::Annual(1), 10_000), 10_000, "capped at the maximum");
        assert_eq!(o.consume(p1, 2022, &Used::Annual(0), 10_000), 0, "another product");
        assert_eq!(o.consume(p1, 2022, &Used::Limit(0, "rules[2]".into()), 400), 400);
        let hashed = o.of(&lines.insured, 1).expect("a long id is found by its hash and checked");
        assert_eq!(o.consume(hashed, 2022, &Used::EigenRisico, 38_500), 38_500);
        assert_eq!(o.take_capped(), (1, 2));
        assert_eq!(o.take_capped(), (0, 0), "the count restarts");
        let (s, b) = opening_table(&[("P1", 2022, "annual", Some("goud"), None, 1)]);
        let err = Opening::read(s, &b, keys).unwrap_err().to_string();
        assert!(err.contains("opening row 0: supplementary_product \"goud\" is not a supplementary product"), "{err}");
    });
}
