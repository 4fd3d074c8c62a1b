//! Scenarios (what-if): one set of declarations scored under several policies. The
//! input is read, validated and its codes and ids interned once; each scenario runs
//! only the policy-dependent passes (rules, ledger, money, supplementary) and builds
//! only the output columns asked for.

use crate::engine::{score_lines, KeySet, Timer};
use crate::error::Result;
use crate::input::{self, Lines};
use crate::output;
use crate::policy::CompiledPolicy;
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

/// Declarations read once for scoring under several policies.
pub struct Prepared {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
    keys: KeySet,
    lines: Lines,
}

impl Prepared {
    /// Read and validate the input for policies with the key set of `policy`.
    pub fn new(schema: SchemaRef, batches: Vec<RecordBatch>, policy: &CompiledPolicy) -> Result<Prepared> {
        let keys = KeySet::of(policy);
        let t = Timer::new();
        let lines = input::read(schema.clone(), &batches, &keys.keys())?;
        t.lap("read input (once)");
        Ok(Prepared { schema, batches, keys, lines })
    }

    pub fn len(&self) -> usize {
        self.lines.n
    }

    pub fn is_empty(&self) -> bool {
        self.lines.n == 0
    }

    /// Whether `policy` scores the prepared lines without reading the input again
    /// (same years and product keys as the policy the input was prepared for).
    pub fn shares_input(&self, policy: &CompiledPolicy) -> bool {
        KeySet::of(policy) == self.keys
    }

    /// The named output columns (see `output::COLUMNS`) under `policy`, in input order.
    /// A policy with other years or product keys reads the input again (same result as
    /// `engine::score`, without the saving).
    pub fn score(&self, policy: &CompiledPolicy, columns: &[&str]) -> Result<RecordBatch> {
        let t = Timer::new();
        let reread;
        let lines = if self.shares_input(policy) {
            &self.lines
        } else {
            reread = input::read(self.schema.clone(), &self.batches, &KeySet::of(policy).keys())?;
            t.lap("read input (other keys)");
            &reread
        };
        let outcome = score_lines(lines, policy);
        t.lap("rules + ledger + money");
        let out = output::build_columns(lines, outcome, policy, columns);
        t.lap("build output");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy;
    use arrow_array::{ArrayRef, Date32Array, Decimal128Array, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;

    /// An adult's extraction by a kaakchirurg and a child's check-up, in 2022.
    fn table() -> (SchemaRef, Vec<RecordBatch>) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("insured_id", DataType::Utf8, false),
            Field::new("birth_date", DataType::Date32, false),
            Field::new("treatment_date", DataType::Date32, false),
            Field::new("code", DataType::Utf8, false),
            Field::new("amount", DataType::Decimal128(12, 2), false),
            Field::new("provider_type", DataType::Utf8, false),
        ]));
        let d = |s| crate::dates::parse_iso(s).unwrap();
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec!["A", "B"])),
            Arc::new(Date32Array::from(vec![d("1970-01-01"), d("2012-06-01")])),
            Arc::new(Date32Array::from(vec![d("2022-03-01"), d("2022-03-02")])),
            Arc::new(StringArray::from(vec!["H35", "C11"])),
            Arc::new(Decimal128Array::from(vec![30_000i128, 2_500]).with_precision_and_scale(12, 2).unwrap()),
            Arc::new(StringArray::from(vec!["kaakchirurg", "tandarts"])),
        ];
        (schema.clone(), vec![RecordBatch::try_new(schema, cols).unwrap()])
    }

    #[test]
    fn a_prepared_score_equals_a_full_score() {
        let pol = policy::load("defriesland-2022").unwrap();
        let (schema, batches) = table();
        let full = crate::score(schema.clone(), &batches, &pol).unwrap();
        let prepared = Prepared::new(schema, batches, &pol).unwrap();
        assert!(prepared.shares_input(&pol));
        let part = prepared.score(&pol, &["basic_paid", "reason"]).unwrap();
        assert_eq!(part.schema().fields().len(), 2);
        assert_eq!(part.column(0).as_ref(), full.column_by_name("basic_paid").unwrap().as_ref());
        assert_eq!(part.column(1).as_ref(), full.column_by_name("reason").unwrap().as_ref());
    }

    #[test]
    fn a_policy_with_other_keys_reads_the_input_again() {
        let pol = policy::load("defriesland-2022").unwrap();
        let other = policy::load("vgz-2021").unwrap();
        let (schema, batches) = table();
        let prepared = Prepared::new(schema.clone(), batches.clone(), &pol).unwrap();
        assert!(!prepared.shares_input(&other));
        let got = prepared.score(&other, &["eigen_risico"]).unwrap();
        let want = crate::score(schema, &batches, &other).unwrap();
        assert_eq!(got.column(0).as_ref(), want.column_by_name("eigen_risico").unwrap().as_ref());
    }

    #[test]
    fn an_unknown_column_is_an_error_naming_it() {
        let pol = policy::load("defriesland-2022").unwrap();
        let (schema, batches) = table();
        let err = Prepared::new(schema, batches, &pol).unwrap().score(&pol, &["paid"]).unwrap_err();
        assert!(err.to_string().contains("\"paid\""), "{err}");
    }
}
