//! Fuzzing the visit loader on the stable toolchain with proptest: mutated committed visit files
//! (truncations, byte flips, deleted and repeated ranges, inserted tokens: NaN, infinities, huge
//! and negative numbers, wrong types, unknown fields, deep nesting, other format versions),
//! random bytes, random RON-like token soup, and random visits with out-of-range values.
//!
//! For every input: no panic, no hang (each parse must finish within a second), and either a
//! valid visit that writes back and reads again unchanged, or an error that names the file, the
//! line and the column. `TRIGGERMAP_FUZZ_CASES` sets the number of inputs of each of the two
//! tests (default 3,000 for CI; 50,000 each gives the 100,000 of issue 3).
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use triggermap::atlas::Atlas;
use triggermap::model::PatientPoint;
use triggermap::model::{Criteria, PointId, Procedure, Side, Treatment, TriggerPoint, View, Visit};
use triggermap::storage::{self, FileError};

fn cases() -> u32 {
    std::env::var("TRIGGERMAP_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3_000)
}

fn atlas() -> &'static Atlas {
    static ATLAS: OnceLock<Atlas> = OnceLock::new();
    ATLAS.get_or_init(|| Atlas::builtin().expect("atlas"))
}

fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        [
            "example-visit.ron",
            "visit-v1.ron",
            "visit-v2.ron",
            "visit-v99.ron",
        ]
        .iter()
        .map(|name| std::fs::read(dir.join(name)).expect("fixture"))
        .collect()
    })
}

const FILE: &str = "fuzz.ron";

/// Tokens that make hostile input: numbers at and past the limits, wrong types, brackets,
/// unknown fields, other versions, odd text.
const TOKENS: &[&str] = &[
    "NaN",
    "inf",
    "-inf",
    "1e999",
    "-1e999",
    "1e-45",
    "-1",
    "256",
    "4294967296",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "0x7f",
    "1_000",
    "\"text\"",
    "true",
    "'c'",
    "()",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "Some(",
    "None",
    "Some(Some(1))",
    "zz_unknown: (a: [1, 2], b: Some(\"x\")),",
    "version: 99,",
    "version: 0,",
    "version: 4294967295,",
    "format: \"triggermap-atlas\",",
    "r#\"raw\"#",
    "b\"bytes\"",
    "/*",
    "*/",
    "//",
    "\\u{0}",
    "\u{0}",
    "é",
    "\u{feff}",
    "#![enable(implicit_some)]",
    "2025-02-30T09:30:00+01:00",
    "\"9999-12-31T23:59:59+14:00\"",
    "Injection(agent: 1)",
    "Cupping(cups: 4)",
];

#[derive(Clone, Debug)]
enum Op {
    Truncate(prop::sample::Index),
    FlipBit(prop::sample::Index, u8),
    SetByte(prop::sample::Index, u8),
    Delete(prop::sample::Index, usize),
    Repeat(prop::sample::Index, usize, prop::sample::Index),
    Insert(prop::sample::Index, &'static str),
    ReplaceNumber(prop::sample::Index, String),
    Version(u32),
    Nest(prop::sample::Index, usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    let index = any::<prop::sample::Index>;
    let number = prop_oneof![
        any::<f64>().prop_map(|f| format!("{f:?}")),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<u128>().prop_map(|i| i.to_string()),
        (0u8..=20).prop_map(|i| i.to_string()),
        (-2.0f32..2.0).prop_map(|f| f.to_string()),
    ];
    prop_oneof![
        index().prop_map(Op::Truncate),
        (index(), 0u8..8).prop_map(|(i, b)| Op::FlipBit(i, b)),
        (index(), any::<u8>()).prop_map(|(i, b)| Op::SetByte(i, b)),
        (index(), 1usize..200).prop_map(|(i, n)| Op::Delete(i, n)),
        (index(), 1usize..400, index()).prop_map(|(i, n, j)| Op::Repeat(i, n, j)),
        (index(), prop::sample::select(TOKENS)).prop_map(|(i, t)| Op::Insert(i, t)),
        (index(), number).prop_map(|(i, n)| Op::ReplaceNumber(i, n)),
        prop_oneof![
            Just(0u32),
            Just(1),
            Just(2),
            Just(3),
            Just(99),
            any::<u32>()
        ]
        .prop_map(Op::Version),
        (index(), 1usize..3_000, any::<bool>()).prop_map(|(i, d, c)| Op::Nest(i, d, c)),
    ]
}

fn apply(bytes: &mut Vec<u8>, op: &Op) {
    let len = bytes.len().max(1);
    match op {
        Op::Truncate(i) => bytes.truncate(i.index(len)),
        Op::FlipBit(i, bit) => {
            if !bytes.is_empty() {
                let i = i.index(bytes.len());
                bytes[i] ^= 1 << bit;
            }
        }
        Op::SetByte(i, b) => {
            if !bytes.is_empty() {
                let i = i.index(bytes.len());
                bytes[i] = *b;
            }
        }
        Op::Delete(i, n) => {
            let start = i.index(len).min(bytes.len());
            let end = (start + n).min(bytes.len());
            bytes.drain(start..end);
        }
        Op::Repeat(i, n, at) => {
            let start = i.index(len).min(bytes.len());
            let end = (start + n).min(bytes.len());
            let chunk = bytes[start..end].to_vec();
            let at = at.index(len).min(bytes.len());
            bytes.splice(at..at, chunk);
        }
        Op::Insert(i, token) => {
            let at = i.index(len).min(bytes.len());
            bytes.splice(at..at, token.bytes());
        }
        Op::ReplaceNumber(i, number) => {
            // The n-th digit run (of those present) is replaced.
            let runs: Vec<(usize, usize)> = digit_runs(bytes);
            if !runs.is_empty() {
                let (start, end) = runs[i.index(runs.len())];
                bytes.splice(start..end, number.bytes());
            }
        }
        Op::Version(v) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            if let Some(at) = text.find("version: ") {
                let start = at + "version: ".len();
                let end = start
                    + text[start..]
                        .find(|c: char| !c.is_ascii_digit())
                        .unwrap_or(0);
                bytes.splice(start..end, v.to_string().bytes());
            }
        }
        Op::Nest(i, depth, closed) => {
            let at = i.index(len).min(bytes.len());
            let mut nest = "[".repeat(*depth);
            if *closed {
                nest.push_str(&"]".repeat(*depth));
            }
            bytes.splice(at..at, nest.bytes());
        }
    }
}

fn digit_runs(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    runs
}

/// How many inputs were accepted, accepted read-only, rejected as damaged, and rejected for
/// their values.
static OUTCOMES: [AtomicUsize; 4] = [const { AtomicUsize::new(0) }; 4];

/// Loads `bytes` and checks the outcome.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let started = Instant::now();
    let result = storage::parse_visit(bytes, Path::new(FILE), atlas());
    let outcome = match &result {
        Ok(opened) if opened.read_only.is_none() => 0,
        Ok(_) => 1,
        Err(FileError::Invalid { .. }) => 3,
        Err(_) => 2,
    };
    OUTCOMES[outcome].fetch_add(1, Ordering::Relaxed);
    let elapsed = started.elapsed();
    prop_assert!(
        elapsed < Duration::from_secs(1),
        "parsing {} bytes took {elapsed:?}",
        bytes.len()
    );
    match result {
        Ok(opened) => {
            prop_assert!(triggermap::model::validate_visit(&opened.visit, atlas()).is_empty());
            if opened.read_only.is_none() {
                let text = storage::visit_to_string(&opened.visit)
                    .map_err(|e| TestCaseError::fail(format!("cannot write back: {e}")))?;
                let again = storage::parse_visit(text.as_bytes(), Path::new(FILE), atlas())
                    .map_err(|e| TestCaseError::fail(format!("written back, not read: {e}")))?;
                prop_assert_eq!(again.visit, opened.visit);
            }
        }
        Err(error) => check_error(&error)?,
    }
    Ok(())
}

fn check_error(error: &FileError) -> Result<(), TestCaseError> {
    let text = error.to_string();
    match error {
        FileError::Content { line, column, .. }
        | FileError::NotText { line, column, .. }
        | FileError::NewerVersion { line, column, .. } => {
            prop_assert!(*line >= 1 && *column >= 1, "no position: {text}");
        }
        FileError::Invalid { problems, .. } => {
            prop_assert!(!problems.is_empty());
            for p in problems {
                prop_assert!(p.line >= 1 && p.column >= 1, "no position: {text}");
            }
        }
        other => {
            return Err(TestCaseError::fail(format!(
                "unexpected error kind: {other:?}"
            )));
        }
    }
    for line in text.lines() {
        let rest = line
            .strip_prefix(&format!("{FILE}:"))
            .ok_or_else(|| TestCaseError::fail(format!("does not name the file: {line}")))?;
        let mut parts = rest.splitn(3, ':');
        let (l, c, message) = (parts.next(), parts.next(), parts.next());
        prop_assert!(
            l.is_some_and(|l| l.parse::<usize>().is_ok())
                && c.is_some_and(|c| c.parse::<usize>().is_ok()),
            "no line:column: {line}"
        );
        let message = message.unwrap_or("").trim();
        prop_assert!(message.len() > 5, "no message: {line}");
        for internal in ["VisitFile", "VisitV1", "`Header`"] {
            prop_assert!(!message.contains(internal), "internal name in: {line}");
        }
        prop_assert!(!message.contains("TM-0042"), "patient id in: {line}");
    }
    Ok(())
}

fn run(strategy: impl Strategy<Value = Vec<u8>>) {
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let started = Instant::now();
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |bytes| check(&bytes));
    let [ok, read_only, damaged, invalid] = OUTCOMES.each_ref().map(|n| n.load(Ordering::Relaxed));
    eprintln!(
        "fuzz: {} inputs in {:.1} s (all tests so far: {ok} valid, {read_only} read-only, {damaged} damaged, {invalid} with values out of range)",
        cases(),
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn mutated_visit_files() {
    let strategy = (
        prop::sample::select((0..seeds().len()).collect::<Vec<_>>()),
        prop::collection::vec(op(), 1..5),
    )
        .prop_map(|(seed, ops)| {
            let mut bytes = seeds()[seed].clone();
            for op in &ops {
                apply(&mut bytes, op);
            }
            bytes
        });
    run(strategy);
}

/// Random bytes, RON-like token soup, and random visits with any values.
#[test]
fn random_inputs_and_random_visits() {
    let soup = prop::collection::vec(
        prop_oneof![
            prop::sample::select(TOKENS).prop_map(str::to_owned),
            prop::sample::select(
                &[
                    "format",
                    "version",
                    "visit",
                    "points",
                    "id",
                    "pos",
                    "x",
                    "y",
                    "palpation_pain",
                    ": ",
                    ", ",
                    " ",
                    "\n",
                    "\"triggermap-visit\"",
                    "2",
                    "0.1",
                ][..]
            )
            .prop_map(str::to_owned),
        ],
        0..300,
    )
    .prop_map(|tokens| tokens.concat().into_bytes());
    let strategy = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2_000),
        soup,
        random_visit().prop_map(|v| storage::visit_to_string(&v).expect("ser").into_bytes()),
    ];
    run(strategy);
}

fn random_visit() -> impl Strategy<Value = Visit> {
    let float = prop_oneof![
        any::<f32>(),
        Just(f32::NAN),
        Just(f32::INFINITY),
        Just(-0.0f32),
        -1.0f32..1.5,
    ];
    let point = (
        float.clone(),
        float.clone(),
        prop::option::of(prop::sample::select(
            &["upper_trapezius", "infraspinatus", "nope"][..],
        )),
        prop::option::of(any::<u8>()),
        prop::option::of(float.clone()),
        prop::option::of(float),
        any::<bool>(),
    )
        .prop_map(|(x, y, muscle, pain, ppt, volume, same_id)| {
            let mut p = TriggerPoint::new(
                View::Back,
                PatientPoint::new(x, y),
                muscle.map(Into::into),
                Side::of_x(x),
            );
            if same_id {
                p.id = PointId(uuid::Uuid::nil());
            }
            p.palpation_pain = pain;
            p.pressure_threshold = ppt;
            p.criteria = Criteria::default();
            p.treatments.push(Treatment {
                procedure: Procedure::Injection {
                    agent: "lidocaine".to_owned(),
                    concentration: "1%".to_owned(),
                    volume_ml: volume,
                    needle: "27 G".to_owned(),
                },
                pain_before: pain,
                pain_after: None,
                notes: String::new(),
            });
            p
        });
    (prop::collection::vec(point, 0..6), -200_000i64..200_000i64).prop_map(|(points, days)| {
        let mut v = Visit::new_now();
        v.points = points;
        v.date_time += chrono::Duration::days(days);
        v
    })
}
