//! Reading the input (docs/rules.md#input): validate the Arrow columns once and turn them
//! into compact working forms: dates as days, money as cents, strings interned to small
//! ids, vocabulary as one-byte enums. A bad value in one row never fails the call: it
//! marks the row invalid (docs/rules.md#bad-input).
//!
//! - `schema`: the columns, declared once (kinds, defaults, `Invalid` and its messages);
//! - `kinds`: the Arrow readers of one kind of value (dates, money, Booleans, integers);
//! - `columns`: the readers of one column kind each, from a `ColumnSpec`;
//! - `validate`: the per-row checks, in their order of precedence;
//! - `credits`: credit lines paired with the lines they reverse;
//! - `booking`: the lines booked by an `as_of` date (`processing_date`);
//! - here: `Lines` and `read`, which reads every column in parallel.

pub mod booking;
mod columns;
pub mod credits;
pub mod opening;
mod kinds;
pub mod schema;
#[cfg(test)]
mod tests;
mod validate;

pub use crate::provider::Provider;
pub use crate::vocab::{BtIndication, Domain, Jaw, MissingCause, Setting, Tri};
pub use credits::Credit;
pub use schema::{expected_of, Invalid, INVALID_MESSAGES};
use crate::error::{Error, Result};
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use columns::Table;
use schema::{spec, Kind};

/// A column that is either absent (one value for all rows) or materialised.
#[derive(Debug, Clone)]
pub enum Col<T: Copy> {
    Const(T),
    Vec(Vec<T>),
}

impl<T: Copy> Col<T> {
    #[inline(always)]
    pub fn get(&self, i: usize) -> T {
        match self {
            Col::Const(v) => *v,
            Col::Vec(v) => v[i],
        }
    }
}

pub const NO_CENTS: i64 = i64::MIN;
pub const NO_DATE: i32 = i32::MIN;
/// A date value that is no day of the years 1-9999 (or a string that is no ISO date).
pub const BAD_DATE: i32 = i32::MIN + 1;
/// `supplementary_product` absent or null; a value that names unknown products.
pub const NO_SUPP: u64 = 0;
pub(crate) const BAD_SUPP: u64 = u64::MAX;
/// `basic_product` names no basic product of the policy set.
pub(crate) const BAD_BASIC: u16 = u16::MAX;
/// `element` is no FDI tooth number.
pub(crate) const BAD_ELEMENT: u8 = u8::MAX;
pub const SPECIALISM_NONE: u16 = u16::MAX;
pub const SPECIALISM_OTHER: u16 = u16::MAX - 1;

/// The declaration lines in working form (struct of arrays).
pub struct Lines {
    pub n: usize,
    /// The insured of each row, read on demand by the ledger.
    pub insured: crate::ids::InsuredIds,
    /// Processing order within an insured and day: the line_id (row number by default).
    pub order_key: crate::ids::LineOrder,
    pub birth: Vec<i32>,
    pub treat: Vec<i32>,
    /// Index into `code_strings` (normalised codes); u32::MAX when null.
    pub code: Vec<u32>,
    pub code_strings: Vec<String>,
    pub amount: Vec<i64>,
    pub domain: Col<Domain>,
    pub element: Col<u8>,
    pub jaw: Col<Jaw>,
    pub edentulous: Col<Tri>,
    pub provider: Col<Provider>,
    pub contracted: Col<bool>,
    pub reference_tariff: Col<i64>,
    pub authorization: Col<Tri>,
    pub bt_indication: Col<BtIndication>,
    pub bt_related: Col<Tri>,
    pub ortho_severe: Col<bool>,
    pub severely_resorbed: Col<bool>,
    pub missing_cause: Col<MissingCause>,
    pub need_before_18: Col<bool>,
    /// Index of the basic product (`basic_col`).
    pub basic: Col<u16>,
    /// The supplementary products, packed by `supplementary::pack`; NO_SUPP when none.
    pub supplementary: Col<u64>,
    pub supp_start: Col<i32>,
    pub supp_end: Col<i32>,
    pub accident_date: Col<i32>,
    /// Material and technique costs included in `amount`, in cents (0 when absent).
    pub material: Col<i64>,
    pub referral: Col<Tri>,
    pub voluntary_cents: Col<i64>,
    pub insured_from: Col<i32>,
    pub insured_to: Col<i32>,
    pub specialism: Col<u16>,
    pub setting: Col<Setting>,
    /// An overig line outside the eigen risico (docs/rules.md#other-care).
    pub eigen_risico_exempt: Col<bool>,
    /// The day the insurer booked the line (`processing_date`); NO_DATE when null.
    pub processing: Col<i32>,
    /// Credit lines (`credits_line_id`): both rows of a valid pair are marked.
    pub credit: Col<Credit>,
    /// The valid credit pairs (original row, credit row), for `booking::as_of`.
    pub credit_pairs: Vec<(u32, u32)>,
    /// Rows not booked on the `as_of` date (docs/rules.md#as-known-on-a-date): scored
    /// `NOT_YET_BOOKED` and left out of every pass like a credited line. All false
    /// without `as_of` (`booking::as_of` sets it).
    pub unbooked: Col<bool>,
    /// Invalid reason per row (Invalid::Ok when fine).
    pub invalid: Vec<Invalid>,
    /// The balances used before the input (docs/rules.md#opening-balances), if given.
    pub opening: Option<opening::Opening>,
}

/// Context needed to resolve product keys.
pub struct Keys<'a> {
    /// First and last day (inclusive) with statutory parameters in the policy set.
    pub days: (i32, i32),
    pub basic: &'a [String],
    /// Specialisms of the POK list (others are valid but never on it).
    pub specialisms: &'a [String],
    pub default_basic: u16,
    pub supplementary: &'a [String],
    /// Per supplementary product: accident cover (paid first in a combination).
    pub accident: &'a [bool],
}
impl<T: Copy + Default> Col<Option<T>> {
    /// The values with `None` (an unknown spelling, whose row `validate` marks invalid)
    /// read as the default: what `Lines` holds.
    fn settled(&self) -> Col<T> {
        match self {
            Col::Const(v) => Col::Const(v.unwrap_or_default()),
            Col::Vec(v) => Col::Vec(v.iter().map(|x| x.unwrap_or_default()).collect()),
        }
    }
}

impl Col<i64> {
    /// Cents with a null (NO_CENTS) read as 0.
    fn null_as_zero(self) -> Col<i64> {
        match self {
            Col::Vec(v) => Col::Vec(v.into_iter().map(|x| if x == NO_CENTS { 0 } else { x }).collect()),
            c => c,
        }
    }
}

/// Run the column readers in parallel, one task each (the big ones split further), then
/// bind their results in the order listed: the first schema error in that order wins
/// (deterministic messages).
macro_rules! in_parallel {
    ($($name:ident = $read:expr;)+) => {
        $(let mut $name = None;)+
        rayon::scope(|s| {
            $(s.spawn(|_| $name = Some($read));)+
        });
        $(let $name = $name.expect("spawned")?;)+
    };
}

/// Read and validate the input. Schema problems are errors; value problems mark rows invalid.
pub fn read(schema: SchemaRef, batches: &[RecordBatch], keys: &Keys) -> Result<Lines> {
    let t = Table { schema: schema.clone(), batches };
    let n: usize = batches.iter().map(|b| b.num_rows()).sum();
    for c in schema::required() {
        if c.name == "amount" {
            continue;
        }
        if t.column(c.name).is_none() {
            return Err(Error::Schema { column: c.name.into(), found: "no such column".into(), expected: c.expected_when_absent.into() });
        }
    }
    let amount_spec = if t.column("amount").is_some() {
        spec("amount")
    } else if t.column("amount_cents").is_some() {
        spec("amount_cents")
    } else {
        return Err(Error::Schema { column: "amount".into(), found: "no such column (nor amount_cents)".into(), expected: expected_of("amount").into() });
    };
    debug_assert!(matches!(amount_spec.kind, Kind::Money | Kind::Cents));

    let timer = crate::passes::Timer::new();
    // Required columns, read in parallel.
    let (ins, rest) = rayon::join(
        || columns::insured_ids(&t, n),
        || -> Result<_> {
            let (b, (tr, (code, amt))) = rayon::join(
                || columns::required_dates(&t, n, "birth_date"),
                || rayon::join(
                    || columns::required_dates(&t, n, "treatment_date"),
                    || rayon::join(|| columns::codes(&t, n), || columns::amount(&t, n, amount_spec)),
                ),
            );
            Ok((b?, tr?, code?, amt?))
        },
    );
    let (insured, insured_null) = ins?;
    let (birth, treat, (code, code_strings), amount) = rest?;
    timer.lap("  required columns");

    // Optional columns, in the order of `schema::COLUMNS`.
    let t = &t;
    in_parallel! {
        order_key = columns::line_order(t, n);
        domain = columns::enum_col(t, n, "domain", Domain::parse);
        element = columns::element_col(t, n);
        jaw = columns::enum_col(t, n, "jaw", Jaw::parse_input);
        edentulous = columns::tri_col(t, n, "edentulous");
        provider = columns::enum_col(t, n, "provider_type", Provider::parse);
        contracted = columns::bool_col(t, n, "contracted", true);
        reference_tariff = columns::money_col(t, n, "reference_tariff", NO_CENTS);
        authorization = columns::tri_col(t, n, "authorization");
        bt_indication = columns::enum_col(t, n, "bt_indication", BtIndication::parse);
        bt_related = columns::tri_col(t, n, "bt_related");
        ortho_severe = columns::bool_col(t, n, "ortho_severe", false);
        severely_resorbed = columns::bool_col(t, n, "severely_resorbed", false);
        missing_cause = columns::enum_col(t, n, "missing_tooth_cause", MissingCause::parse);
        need_before_18 = columns::bool_col(t, n, "need_before_18", false);
        basic = columns::basic_col(t, n, keys);
        supplementary = columns::supplementary_col(t, n, keys.supplementary, keys.accident);
        supp_start = columns::date_col(t, n, "supplementary_start");
        supp_end = columns::date_col(t, n, "supplementary_end");
        accident_date = columns::date_col(t, n, "accident_date");
        material = columns::money_col(t, n, "material_costs", 0);
        referral = columns::tri_col(t, n, "referral");
        voluntary_cents = columns::money_col(t, n, "voluntary_deductible", 0);
        insured_from = columns::date_col(t, n, "insured_from");
        insured_to = columns::date_col(t, n, "insured_to");
        setting = columns::enum_col(t, n, "setting", Setting::parse);
        specialism = columns::specialism_col(t, n, keys.specialisms);
        eigen_risico_exempt = columns::bool_col(t, n, "eigen_risico_exempt", false);
        processing = columns::date_col(t, n, "processing_date");
        credit = credits::read(t, n);
    }
    timer.lap("  optional columns");

    let spelled = validate::Spelled { jaw, provider, bt_indication, missing_cause, domain, setting };
    let mut lines = Lines {
        n,
        insured,
        order_key,
        birth,
        treat,
        code,
        code_strings,
        amount,
        domain: spelled.domain.settled(),
        element,
        jaw: spelled.jaw.settled(),
        edentulous,
        provider: spelled.provider.settled(),
        contracted,
        reference_tariff,
        authorization,
        bt_indication: spelled.bt_indication.settled(),
        bt_related,
        ortho_severe,
        severely_resorbed,
        missing_cause: spelled.missing_cause.settled(),
        need_before_18,
        basic,
        supplementary,
        supp_start,
        supp_end,
        accident_date,
        material: material.null_as_zero(),
        referral,
        voluntary_cents: voluntary_cents.null_as_zero(),
        insured_from,
        insured_to,
        specialism,
        setting: spelled.setting.settled(),
        eigen_risico_exempt,
        processing,
        credit: credit.marks(n),
        credit_pairs: Vec::new(),
        unbooked: Col::Const(false),
        invalid: Vec::new(),
        opening: None,
    };
    let mut invalid = validate::rows(&lines, &spelled, insured_null.as_deref(), keys.days);
    timer.lap("  validation");
    (lines.credit, lines.credit_pairs) = credits::pair(t, credit, &lines, &mut invalid)?;
    lines.invalid = invalid;
    timer.lap("  credit lines");
    Ok(lines)
}
