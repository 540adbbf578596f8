//! Refusing the worst damaged files: every value out of range or every point id the same, up to
//! the size limit. Each must be refused (with a capped list of problems) well under a second.
//!
//! `cargo bench --bench bad_files -- --warm-up-time 1 --measurement-time 5`
// A benchmark, like a test, stops at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use triggermap::Atlas;
use triggermap::storage::{self, FileError};

#[path = "../tests/support/bad_visits.rs"]
mod bad_visits;

fn refuse(text: &str, atlas: &Atlas) {
    let result = storage::parse_visit(text.as_bytes(), Path::new("bad.ron"), atlas);
    assert!(matches!(result, Err(FileError::Invalid { .. })));
    black_box(result.err());
}

fn bench(c: &mut Criterion) {
    let atlas = Atlas::builtin().expect("atlas");
    let pains = bad_visits::pains_out_of_range(20_000);
    let duplicates = bad_visits::duplicate_ids(20_000);
    let largest = bad_visits::largest_with_pains_out_of_range(storage::MAX_FILE_BYTES);
    let mut group = c.benchmark_group("bad_files");
    group.sample_size(10);
    group.bench_function("20000_pains_out_of_range", |b| {
        b.iter(|| refuse(&pains, &atlas))
    });
    group.bench_function("20000_duplicate_ids", |b| {
        b.iter(|| refuse(&duplicates, &atlas))
    });
    group.bench_function("16_mib_of_pains_out_of_range", |b| {
        b.iter(|| refuse(&largest, &atlas))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
