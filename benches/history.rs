//! The history library at scale: a patient folder of 500 weekly visits of 40 points each, with
//! lineage chains, is opened, and its overview and one knot's history are computed. Beside it,
//! as a reference, the same visits are read and parsed as JSON with serde_json.
//!
//! `cargo bench --bench history -- --warm-up-time 1 --measurement-time 5`
// A benchmark, like a test, stops at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use triggermap::Atlas;
use triggermap::history::{KnotId, PatientFolder, start_follow_up};
use triggermap::model::PatientPoint;
use triggermap::model::{
    Criterion as Test, PointId, Procedure, Status, Treatment, TriggerPoint, Visit,
};
use triggermap::storage;

const VISITS: usize = 500;
const POINTS: usize = 40;

/// A small deterministic generator (xorshift64*), so that every run benches the same folder.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }
}

/// A new point in a random atlas region, near its label anchor.
fn new_point(atlas: &Atlas, rng: &mut Rng) -> TriggerPoint {
    let region = &atlas.regions()[rng.below(atlas.regions().len())];
    let jitter = |rng: &mut Rng| (rng.unit() - 0.5) * 0.01;
    let pos = PatientPoint::new(
        (region.anchor.x + jitter(rng)).clamp(-0.5, 0.5),
        (region.anchor.y + jitter(rng)).clamp(0.0, 1.0),
    );
    TriggerPoint::new(
        region.view,
        pos,
        Some(atlas.muscle_of(region).id.clone()),
        region.side,
    )
}

/// Fills in what a clinician finds and does at a visit.
fn examine(point: &mut TriggerPoint, rng: &mut Rng) {
    point.status = if rng.chance(0.6) {
        Status::Active
    } else {
        Status::Latent
    };
    point.palpation_pain = Some(rng.below(11) as u8);
    point.pressure_threshold = Some((10 + rng.below(50)) as f32 / 10.0);
    point.criteria.taut_band = Test::Yes;
    point.criteria.spot_tenderness = Test::Yes;
    point.criteria.pain_recognition = if rng.chance(0.5) { Test::Yes } else { Test::No };
    point.referred_pain = "toward the temple and behind the eye".to_owned();
    if rng.chance(0.3) {
        point.treatments.push(Treatment {
            procedure: if rng.chance(0.5) {
                Procedure::Injection {
                    agent: "lidocaine".to_owned(),
                    concentration: "1%".to_owned(),
                    volume_ml: Some(0.5),
                    needle: "27 G 1.5 in".to_owned(),
                }
            } else {
                Procedure::DryNeedling {
                    needle: "0.25 x 40 mm".to_owned(),
                }
            },
            pain_before: point.palpation_pain,
            pain_after: Some(rng.below(5) as u8),
            notes: String::new(),
        });
    }
}

/// 500 weekly visits of 40 points: each a follow-up of the one before (every knot carried
/// over and re-examined, about 5 % resolved), topped up with new knots.
fn generate(atlas: &Atlas) -> Vec<Visit> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut first = Visit::new_now();
    first.patient_id = "PT-BENCH".to_owned();
    first.date_time =
        chrono::DateTime::parse_from_rfc3339("2015-01-05T09:00:00+01:00").expect("date");
    let mut visits: Vec<Visit> = Vec::with_capacity(VISITS);
    let mut visit = first;
    for n in 0..VISITS {
        if n > 0 {
            let previous = &visits[n - 1];
            visit = start_follow_up(previous, previous.date_time + chrono::Duration::days(7));
        }
        for point in &mut visit.points {
            if rng.chance(0.05) {
                point.status = Status::Resolved;
            } else {
                examine(point, &mut rng);
            }
        }
        while visit.points.len() < POINTS {
            let mut point = new_point(atlas, &mut rng);
            examine(&mut point, &mut rng);
            visit.points.push(point);
        }
        visits.push(visit.clone());
    }
    visits
}

fn write_folder(dir: &Path, visits: &[Visit]) -> (PathBuf, PathBuf) {
    let ron_dir = dir.join("ron");
    let json_dir = dir.join("json");
    std::fs::create_dir_all(&ron_dir).expect("mkdir");
    std::fs::create_dir_all(&json_dir).expect("mkdir");
    for visit in visits {
        let name = visit.date_time.format("%Y-%m-%d_%H%M").to_string();
        let ron = storage::visit_to_string(visit).expect("ron");
        std::fs::write(ron_dir.join(format!("{name}.ron")), ron).expect("write");
        let json = serde_json::to_string(visit).expect("json");
        std::fs::write(json_dir.join(format!("{name}.json")), json).expect("write");
    }
    (ron_dir, json_dir)
}

fn folder_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").metadata().expect("meta").len())
        .sum()
}

/// Opens the folder, computes the overview and the history of the knot of the latest visit's
/// first point (the longest-lived kind).
fn open_overview_knot(dir: &Path, atlas: &Atlas) -> usize {
    let folder = PatientFolder::open(dir, atlas).expect("open");
    assert!(folder.bad_files.is_empty());
    let history = folder.history();
    let overview = history.overview();
    let point: PointId = folder.latest().expect("visits").visit.points[0].id;
    let knot: KnotId = history.knot_of_point(point).expect("knot").id;
    let knot_history = history.knot_history(knot).expect("history");
    overview.len() + knot_history.entries.len()
}

/// Reads and parses every JSON file of the folder (no validation).
fn parse_json(dir: &Path) -> usize {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    let visits: Vec<Visit> = paths
        .iter()
        .map(|p| serde_json::from_slice(&std::fs::read(p).expect("read")).expect("json"))
        .collect();
    visits.iter().map(|v| v.points.len()).sum()
}

fn bench(c: &mut Criterion) {
    let atlas = Atlas::builtin().expect("atlas");
    let visits = generate(&atlas);
    assert!(visits.iter().all(|v| v.points.len() == POINTS));
    let temp = tempfile::tempdir().expect("tempdir");
    let (ron_dir, json_dir) = write_folder(temp.path(), &visits);
    let folder = PatientFolder::open(&ron_dir, &atlas).expect("open");
    let history = folder.history();
    eprintln!(
        "history bench: {VISITS} visits x {POINTS} points, {} knots; RON {:.1} MB, JSON {:.1} MB",
        history.knots().len(),
        folder_size(&ron_dir) as f64 / 1e6,
        folder_size(&json_dir) as f64 / 1e6
    );
    drop((folder, history));

    let mut group = c.benchmark_group("history_500x40");
    group.sample_size(10);
    group.bench_function("open_folder_overview_knot_history", |b| {
        b.iter(|| black_box(open_overview_knot(&ron_dir, &atlas)))
    });
    group.bench_function("json_read_parse_reference", |b| {
        b.iter(|| black_box(parse_json(&json_dir)))
    });
    let folder = PatientFolder::open(&ron_dir, &atlas).expect("open");
    group.bench_function("history_overview_knot_only", |b| {
        b.iter(|| {
            let history = folder.history();
            let overview = history.overview();
            let point = folder.visits[VISITS - 1].visit.points[0].id;
            let knot = history.knot_of_point(point).expect("knot").id;
            black_box((overview.len(), history.knot_history(knot)))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
