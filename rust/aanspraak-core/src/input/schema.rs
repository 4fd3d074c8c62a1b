//! The input schema (docs/rules.md#input), declared once: every column the engine reads,
//! its kind, whether it is required, what a null or absent value stands for, the accepted
//! spellings of an enum column, the `Invalid` reasons it can raise and the Arrow types it
//! accepts. The reader takes its type-error texts from here, `required()` and
//! `expected_of` follow from it, and `aanspraak.input_schema()` exports it to Python.
//!
//! Adding a column: one entry in `COLUMNS`, one line in `read`'s parallel list and a field
//! of `Lines` (the tests check that the three agree), plus the rule that reads it.

use crate::provider::Provider;
use crate::vocab::{BtIndication, Domain, Jaw, MissingCause, Setting};

macro_rules! invalid {
    ($( $(#[$m:meta])* $var:ident => $msg:literal, )+) => {
        /// Why a row is invalid (docs/rules.md#bad-input); the text goes to the `message` column.
        #[repr(u8)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Invalid {
            $( $(#[$m])* $var, )+
        }

        impl Invalid {
            /// Every variant, in discriminant order.
            pub const ALL: &'static [Invalid] = &[$(Invalid::$var),+];

            /// The text of the `message` column.
            pub fn message(self) -> &'static str {
                match self {
                    $( Invalid::$var => $msg, )+
                }
            }
        }

        /// The messages by discriminant (the dictionary of the output's `message` column).
        pub const INVALID_MESSAGES: &[&str] = &[$($msg),+];
    };
}

invalid! {
    /// A valid row.
    Ok => "",
    InsuredNull => "insured_id is null",
    BirthNull => "birth_date is null or not a date",
    TreatmentNull => "treatment_date is null or not a date",
    CodeNull => "code is null or empty",
    AmountNull => "amount is null",
    AmountNegative => "amount is negative",
    AmountUnparsable => "amount is not a number of euros",
    TreatmentBeforeBirth => "treatment_date is before birth_date",
    BadElement => "element is not an FDI tooth number (11-48 permanent, 51-85 deciduous)",
    BadJaw => "jaw is not upper or lower",
    BadProvider => "provider_type is not one of tandarts, mondhygienist, tandprotheticus, orthodontist, kaakchirurg, implantoloog, cbt, medisch_specialist",
    BadBtIndication => "bt_indication is not a, b or c",
    BadMissingCause => "missing_tooth_cause is not agenesis or accident",
    BadDomain => "domain is not mondzorg, msz or overig",
    BadSetting => "setting is not pok, outpatient, daycare or inpatient",
    UnknownBasicProduct => "basic_product is not a basic product of the policy set",
    UnknownSupplementaryProduct => "supplementary_product names a product that is not in the policy set (or repeats one, or joins more than 3)",
    BadVoluntaryDeductible => "voluntary_deductible is not 0-500 euros in steps of 100",
    OutsideContract => "treatment_date is outside insured_from..insured_to",
    NoYearParameters => "the policy set has no statutory parameters (eigen risico) for the treatment year",
    BadReferenceTariff => "reference_tariff is negative, not a number or too large (10^16 euros or more)",
    SupplementaryEndBeforeStart => "supplementary_end is before supplementary_start",
    BadMaterialCosts => "material_costs is negative, not a number or more than amount",
    AmountTooLarge => "amount is too large: 10^16 euros or more do not fit the output (Decimal(18, 2))",
    BirthOutOfRange => "birth_date is not a date between 0001-01-01 and 9999-12-31",
    TreatmentOutOfRange => "treatment_date is not a date between 0001-01-01 and 9999-12-31",
    SupplementaryStartOutOfRange => "supplementary_start is not a date between 0001-01-01 and 9999-12-31",
    SupplementaryEndOutOfRange => "supplementary_end is not a date between 0001-01-01 and 9999-12-31",
    AccidentDateOutOfRange => "accident_date is not a date between 0001-01-01 and 9999-12-31",
    InsuredFromOutOfRange => "insured_from is not a date between 0001-01-01 and 9999-12-31",
    InsuredToOutOfRange => "insured_to is not a date between 0001-01-01 and 9999-12-31",
    /// docs/interpretations.md#other-care: the rules decide the eigen risico of dental and hospital care.
    ExemptNotOverig => "eigen_risico_exempt is true on a line whose domain is not overig (the rules decide the eigen risico of mondzorg and msz lines)",
    ProcessingOutOfRange => "processing_date is not a date between 0001-01-01 and 9999-12-31",
    /// docs/interpretations.md#processing-date: a line is booked after the care it declares.
    ProcessingBeforeTreatment => "processing_date is before treatment_date (a line is booked after the care it declares)",

    // Credit lines (docs/rules.md#credit-lines): the credit row is invalid, its original
    // stays an ordinary line.
    CreditOriginalMissing => "credits_line_id names no line_id of the same insured_id in the input",
    CreditOtherInsured => "credits_line_id names a line of another insured_id",
    CreditOfCredit => "credits_line_id names a credit line (a credit cannot be credited)",
    CreditTwice => "credits_line_id names a line that an earlier credit (lower line_id) already reverses",
    CreditAmountMismatch => "amount of a credit is not the credited line's amount (the same euros, positive or negative)",
    CreditAmbiguous => "credits_line_id names a line_id that more than one line has",
    CreditOfInvalid => "credits_line_id names a line that is itself INVALID_INPUT",
}

/// How a column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `insured_id`: strings or integers.
    Id,
    /// `line_id`: the order within an insured and day.
    Order,
    /// Days: Date32, Date64, Timestamp (tz-aware: the local date) or ISO strings.
    Date,
    /// A prestatiecode or zorgactiviteit, normalised and interned.
    Code,
    /// Euros, rounded half up to the cent.
    Money,
    /// Whole cents (`amount_cents`).
    Cents,
    /// One spelling of a vocabulary enum (`values`).
    Enum,
    /// An FDI tooth number.
    Element,
    /// A Boolean whose null means its default.
    Bool,
    /// A Boolean whose null means unknown.
    Tri,
    /// A key of the policy set's basic products.
    Product,
    /// Keys of the policy set's supplementary products, joined by `+`.
    Products,
    /// A specialism (any text; the POK list's are recognised).
    Specialism,
    /// `credits_line_id`: a `line_id` of another row (same types as `line_id`).
    LineRef,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Id => "id",
            Kind::Order => "order",
            Kind::Date => "date",
            Kind::Code => "code",
            Kind::Money => "money",
            Kind::Cents => "cents",
            Kind::Enum => "enum",
            Kind::Element => "element",
            Kind::Bool => "bool",
            Kind::Tri => "tri",
            Kind::Product => "product",
            Kind::Products => "products",
            Kind::Specialism => "specialism",
            Kind::LineRef => "line_ref",
        }
    }
}

/// One input column.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    /// The field of `Lines` it is read into.
    pub field: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// What a null or absent value stands for ("" for a required column).
    pub default: &'static str,
    /// The accepted spellings of an enum column.
    pub values: &'static [&'static str],
    /// The reasons a value of this column can make its row invalid.
    pub invalid: &'static [Invalid],
    /// The Arrow types it accepts (the `expected` of a schema error).
    pub expected: &'static str,
    /// What a schema error says is expected when a required column is absent.
    pub expected_when_absent: &'static str,
    pub description: &'static str,
}

const fn col(name: &'static str, field: &'static str, kind: Kind, expected: &'static str, description: &'static str) -> ColumnSpec {
    ColumnSpec { name, field, kind, required: false, default: "", values: &[], invalid: &[], expected, expected_when_absent: expected, description }
}

impl ColumnSpec {
    const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    const fn default(mut self, default: &'static str) -> Self {
        self.default = default;
        self
    }
    const fn values(mut self, values: &'static [&'static str]) -> Self {
        self.values = values;
        self
    }
    const fn invalid(mut self, invalid: &'static [Invalid]) -> Self {
        self.invalid = invalid;
        self
    }
    const fn when_absent(mut self, expected: &'static str) -> Self {
        self.expected_when_absent = expected;
        self
    }
}

const DATES: &str = "Date32, Date64, Timestamp or ISO date strings";
const STRINGS: &str = "strings (Utf8, LargeUtf8, Utf8View or Categorical)";
const EUROS: &str = "Decimal, Float, Int (euros) or decimal strings";
const BOOLEAN: &str = "Boolean";
const UNKNOWN: &str = "null (unknown)";

use Invalid as I;
use Kind as K;

/// Every input column, in the order the reader reports schema errors (docs/rules.md#input).
#[rustfmt::skip]
pub const COLUMNS: &[ColumnSpec] = &[
    col("insured_id", "insured", K::Id, "strings or integers (or integer-valued floats or decimals)", "who the care was for; the eigen risico and frequency limits count per insured").required().invalid(&[I::InsuredNull]),
    col("birth_date", "birth", K::Date, DATES, "the insured's date of birth; ages are whole years on treatment_date").required().invalid(&[I::BirthNull, I::BirthOutOfRange]),
    col("treatment_date", "treat", K::Date, DATES, "the day of the care").required().invalid(&[I::TreatmentNull, I::TreatmentOutOfRange, I::TreatmentBeforeBirth, I::NoYearParameters]),
    col("code", "code", K::Code, STRINGS, "the NZa prestatiecode (C11, J87, F152A) or the zorgactiviteit (038911)").required().invalid(&[I::CodeNull]),
    col("amount", "amount", K::Money, EUROS, "the declared amount in euros, rounded half up to the cent (or amount_cents)").required().when_absent("Decimal, Float or Int euros (or amount_cents as Int64)").invalid(&[I::AmountNull, I::AmountUnparsable, I::AmountTooLarge, I::AmountNegative]),
    col("amount_cents", "amount", K::Cents, "integer cents (Int64)", "the declared amount in whole cents, read when there is no amount column").default("used when amount is absent").invalid(&[I::AmountNull, I::AmountUnparsable, I::AmountTooLarge, I::AmountNegative]),
    col("line_id", "order_key", K::Order, "integers (or integer-valued floats or decimals) or strings", "the order of an insured's lines on one day (null first)").default("the row number"),
    col("domain", "domain", K::Enum, STRINGS, "dental care (mondzorg), medical specialist care (msz) or other basic-insurance care given as its covered amount (overig)").values(Domain::NAMES).default("inferred from the code: a letter first is mondzorg, all digits msz").invalid(&[I::BadDomain]),
    col("element", "element", K::Element, "an integer", "the FDI tooth number").default("none").invalid(&[I::BadElement]),
    col("jaw", "jaw", K::Enum, STRINGS, "the jaw the line concerns").values(Jaw::INPUT_NAMES).default("derived from element: 1x, 2x, 5x, 6x upper; 3x, 4x, 7x, 8x lower").invalid(&[I::BadJaw]),
    col("edentulous", "edentulous", K::Tri, BOOLEAN, "the jaw is toothless (authorisation categories K01-K03)").default(UNKNOWN),
    col("provider_type", "provider", K::Enum, STRINGS, "who gave the care").values(Provider::NAMES).default("null (unknown: meets who-may-give-the-care rules)").invalid(&[I::BadProvider]),
    col("contracted", "contracted", K::Bool, BOOLEAN, "the provider has a contract with the insurer").default("true"),
    col("reference_tariff", "reference_tariff", K::Money, EUROS, "the tariff the non-contracted share applies to, in euros").default("amount").invalid(&[I::BadReferenceTariff]),
    col("authorization", "authorization", K::Tri, BOOLEAN, "the insurer's prior authorisation was given").default("null (unknown: in the insured's favour, flagged)"),
    col("bt_indication", "bt_indication", K::Enum, STRINGS, "the bijzondere tandheelkunde indication, Bzv 2.7 lid 1 sub a, b or c").values(BtIndication::NAMES).default("none").invalid(&[I::BadBtIndication]),
    col("bt_related", "bt_related", K::Tri, BOOLEAN, "the care belongs to the bijzondere tandheelkunde indication (Rzv 2.31 lid 1)").default("true when bt_indication is set, else null"),
    col("ortho_severe", "ortho_severe", K::Bool, BOOLEAN, "a very severe developmental or growth disorder (Bzv 2.7 lid 3)").default("false"),
    col("severely_resorbed", "severely_resorbed", K::Bool, BOOLEAN, "a very severely resorbed toothless jaw (Bzv 2.7 lid 2)").default("false"),
    col("missing_tooth_cause", "missing_cause", K::Enum, STRINGS, "why a permanent incisor or canine is missing (Bzv 2.7 lid 6)").values(MissingCause::NAMES).default("none").invalid(&[I::BadMissingCause]),
    col("need_before_18", "need_before_18", K::Bool, BOOLEAN, "the need arose before the 18th birthday (Bzv 2.7 lid 6)").default("false"),
    col("basic_product", "basic", K::Product, STRINGS, "the key of the insured's basic product in the policy set").default("the policy set's default basic product").invalid(&[I::UnknownBasicProduct]),
    col("supplementary_product", "supplementary", K::Products, "strings", "the keys of the insured's supplementary products, joined by +").default("none").invalid(&[I::UnknownSupplementaryProduct]),
    col("supplementary_start", "supp_start", K::Date, DATES, "the first day of the supplementary insurance (waiting periods)").default("null (open)").invalid(&[I::SupplementaryStartOutOfRange]),
    col("supplementary_end", "supp_end", K::Date, DATES, "the last day of the supplementary insurance").default("null (open)").invalid(&[I::SupplementaryEndOutOfRange, I::SupplementaryEndBeforeStart]),
    col("accident_date", "accident_date", K::Date, DATES, "the day of the accident, for accident cover").default("null").invalid(&[I::AccidentDateOutOfRange]),
    col("material_costs", "material", K::Money, EUROS, "the part of amount that is material and technique costs, in euros").default("0").invalid(&[I::BadMaterialCosts]),
    col("referral", "referral", K::Tri, BOOLEAN, "a referral was given").default("null (unknown: in the insured's favour)"),
    col("voluntary_deductible", "voluntary_cents", K::Money, EUROS, "the voluntary eigen risico, 0-500 euros in steps of 100").default("0").invalid(&[I::BadVoluntaryDeductible]),
    col("insured_from", "insured_from", K::Date, DATES, "the first day of the insurance contract").default("null (the whole year)").invalid(&[I::InsuredFromOutOfRange, I::OutsideContract]),
    col("insured_to", "insured_to", K::Date, DATES, "the last day of the insurance contract").default("null (the whole year)").invalid(&[I::InsuredToOutOfRange, I::OutsideContract]),
    col("setting", "setting", K::Enum, STRINGS, "where hospital care took place (the POK list)").values(Setting::NAMES).default("null").invalid(&[I::BadSetting]),
    col("specialism", "specialism", K::Specialism, "strings", "the medical specialism (the POK list's codes are recognised; others are valid)").default("null"),
    col("eigen_risico_exempt", "eigen_risico_exempt", K::Bool, BOOLEAN, "an overig line the eigen risico does not apply to (Zvw art. 19 lid 2, Bzv 2.17: huisartsenzorg, verloskundige zorg, kraamzorg, wijkverpleging ...)").default("false").invalid(&[I::ExemptNotOverig]),
    col("processing_date", "processing", K::Date, DATES, "the day the insurer booked the line; score(..., as_of=) scores the lines booked by a date and triangle() books each line in the period of this day").default("null (not booked: NOT_YET_BOOKED under as_of)").invalid(&[I::ProcessingOutOfRange, I::ProcessingBeforeTreatment]),
    col("credits_line_id", "credit", K::LineRef, "integers (or integer-valued floats or decimals) or strings, like line_id", "the line_id of the line this row credits (reverses); its amount is that line's, positive or negative").default("null (an ordinary line)").invalid(&[I::CreditOriginalMissing, I::CreditOtherInsured, I::CreditOfCredit, I::CreditTwice, I::CreditAmountMismatch, I::CreditAmbiguous, I::CreditOfInvalid]),
];

/// The column named `name`. Panics for a name not in `COLUMNS` (a programming error).
pub fn spec(name: &str) -> &'static ColumnSpec {
    COLUMNS.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no input column {name} in input::schema::COLUMNS"))
}

/// The required columns (`amount` may be given as `amount_cents`).
pub fn required() -> impl Iterator<Item = &'static ColumnSpec> {
    COLUMNS.iter().filter(|c| c.required)
}

/// The types the engine reads for a required column, as a schema error about its absence says.
pub fn expected_of(name: &str) -> &'static str {
    spec(name).expected_when_absent
}
