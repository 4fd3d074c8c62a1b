//! Criterion benches of the scoring passes on 1M synthetic dental lines:
//! reading the Arrow input, the rules + ledger + money, building the output, and the
//! whole `score`. Run: `cargo bench -p aanspraak-core --bench passes`.

use aanspraak_core::engine::{score_lines, KeySet};
use aanspraak_core::input;
use aanspraak_core::{output, policy};
use arrow_array::builder::{Decimal128Builder, StringViewBuilder};
use arrow_array::{ArrayRef, Date32Array, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::sync::Arc;

const N: usize = 1_000_000;

#[global_allocator]
static GLOBAL: aanspraak_core::alloc::HugePageHint = aanspraak_core::alloc::HugePageHint;

/// A deterministic synthetic batch: ~6 lines per insured, mixed ages and codes, shuffled.
fn batch(n: usize) -> RecordBatch {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let codes = ["C11", "C13", "M40", "M03", "V12", "V13", "X10", "A10", "H11", "H35", "E13", "R24", "T12", "P21", "J51", "F411A"];
    let tariffs = [2216i128, 2216, 1458, 1200, 3509, 4500, 1633, 1364, 4049, 6479, 5000, 23756, 2000, 16197, 36174, 10343];
    let insureds = (n / 6).max(1) as u64;
    let mut ins = StringViewBuilder::new();
    let mut birth = Vec::with_capacity(n);
    let mut treat = Vec::with_capacity(n);
    let mut code = StringViewBuilder::new();
    let mut amount = Decimal128Builder::new();
    let mut provider = StringViewBuilder::new();
    for _ in 0..n {
        let i = next() % insureds;
        ins.append_value(format!("V{i:07}"));
        // Birth 1930-2020 from the insured id, treatment in 2022.
        birth.push(-14_610 + ((i * 7919) % 33_000) as i32);
        treat.push(18_993 + (next() % 365) as i32);
        let c = (next() % codes.len() as u64) as usize;
        code.append_value(codes[c]);
        amount.append_value(tariffs[c]);
        provider.append_value(if codes[c].starts_with('H') { "kaakchirurg" } else { "tandarts" });
    }
    let schema = Schema::new(vec![
        Field::new("line_id", DataType::Int64, false),
        Field::new("insured_id", DataType::Utf8View, false),
        Field::new("birth_date", DataType::Date32, false),
        Field::new("treatment_date", DataType::Date32, false),
        Field::new("code", DataType::Utf8View, false),
        Field::new("amount", DataType::Decimal128(12, 2), false),
        Field::new("provider_type", DataType::Utf8View, false),
    ]);
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(0..n as i64)),
        Arc::new(ins.finish()),
        Arc::new(Date32Array::from(birth)),
        Arc::new(Date32Array::from(treat)),
        Arc::new(code.finish()),
        Arc::new(amount.finish().with_precision_and_scale(12, 2).unwrap()),
        Arc::new(provider.finish()),
    ];
    RecordBatch::try_new(Arc::new(schema), cols).unwrap()
}

fn passes(c: &mut Criterion) {
    let pol = policy::load("defriesland-2022").unwrap();
    let b = batch(N);
    let schema = b.schema();
    let batches = vec![b];
    let key_set = KeySet::of(&pol);
    let keys = key_set.keys();

    let mut g = c.benchmark_group("dental_1M");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("read_input", |bch| bch.iter(|| input::read(schema.clone(), &batches, &keys).unwrap()));
    g.bench_function("rules_ledger_money", |bch| {
        bch.iter_batched(
            || input::read(schema.clone(), &batches, &keys).unwrap(),
            |lines| score_lines(&lines, &pol),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("build_output", |bch| {
        bch.iter_batched(
            || {
                let lines = input::read(schema.clone(), &batches, &keys).unwrap();
                let outcome = score_lines(&lines, &pol);
                (lines, outcome)
            },
            |(lines, outcome)| output::build(&lines, outcome, &pol).unwrap(),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("score_end_to_end", |bch| bch.iter(|| aanspraak_core::score(schema.clone(), &batches, &pol).unwrap()));
    g.finish();
}

criterion_group!(benches, passes);
criterion_main!(benches);
