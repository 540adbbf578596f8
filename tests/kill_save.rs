//! A save killed at any moment leaves the old file or the new one, whole.
//!
//! The test re-runs its own executable as a child (only the `child_saver` test, with
//! `TRIGGERMAP_KILL_TEST_FILE` set) that saves the same visit over and over, alternating two
//! versions of different sizes, and kills it with SIGKILL (`Child::kill`) after a random delay,
//! hundreds of times. After each kill the file must be exactly one of the two versions, and parse;
//! so must its backup. `TRIGGERMAP_KILL_ITERATIONS` sets the number of kills (default
//! 500).
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::DateTime;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};
use triggermap::atlas::Atlas;
use triggermap::model::PatientPoint;
use triggermap::model::{PointId, Side, TriggerPoint, View, Visit, VisitId};
use triggermap::storage;
use uuid::Uuid;

const CHILD_ENV: &str = "TRIGGERMAP_KILL_TEST_FILE";

/// The kills of a normal run.
const KILLS: usize = 500;

/// Two versions of one visit: the second has more points and longer notes, so that a mix or a
/// truncation shows. Built without the atlas, so that the child starts fast.
fn versions() -> (Visit, Visit) {
    let mut a = Visit::new_now();
    a.id = VisitId(Uuid::from_u128(0x6f1c_2b0e_5d4a_4e8b_9c3f_2a7d_1e0b_4c51));
    a.patient_id = "KILL-1".to_owned();
    a.date_time = DateTime::parse_from_rfc3339("2025-03-04T09:30:00+01:00").expect("time");
    a.notes = "version A".to_owned();
    let point = |n: u128, x: f32| {
        let mut p = TriggerPoint::new(
            View::Back,
            PatientPoint::new(x, 0.2),
            Some("upper_trapezius".into()),
            Side::of_x(x),
        );
        p.id = PointId(Uuid::from_u128(n));
        p.palpation_pain = Some(5);
        p.notes = "n".repeat(200);
        p
    };
    a.points = (1..=2).map(|n| point(n, 0.07)).collect();
    let mut b = a.clone();
    b.notes = format!("version B, longer: {}", "b".repeat(3000));
    b.points = (1..=12).map(|n| point(n, -0.07)).collect();
    (a, b)
}

/// The child: saves B and A alternately until killed, saying `ready` after the first save.
/// Does nothing in a normal test run.
#[test]
fn child_saver() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let path = PathBuf::from(path);
    let (a, b) = versions();
    for i in 0u64.. {
        let visit = if i % 2 == 0 { &b } else { &a };
        storage::save_visit(&path, visit).expect("save");
        if i == 0 {
            let mut out = std::io::stdout().lock();
            writeln!(out, "ready")
                .and_then(|()| out.flush())
                .expect("stdout");
        }
    }
}

/// A small xorshift generator: the seed is printed, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[cfg(unix)]
#[test]
fn killed_saves_leave_the_old_or_the_new_file_whole() {
    let iterations: usize = std::env::var("TRIGGERMAP_KILL_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(KILLS);
    let seed = std::env::var("TRIGGERMAP_KILL_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    eprintln!("kill test: seed {seed} (TRIGGERMAP_KILL_SEED to replay)");
    let mut rng = Rng(seed);
    let atlas = Atlas::builtin().expect("atlas");
    // On the real disk (not a tmpfs), so that fsync and rename take the time they take.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("dir");
    let path = dir.path().join("visit.ron");
    let (a, b) = versions();
    let a = storage::visit_to_string(&a).expect("a");
    let b = storage::visit_to_string(&b).expect("b");
    std::fs::write(&path, &a).expect("first version");
    let exe = std::env::current_exe().expect("test executable");

    let max_delay_us: u64 = std::env::var("TRIGGERMAP_KILL_MAX_DELAY_US")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000)
        .max(1);
    let started = Instant::now();
    let (mut saw_a, mut saw_b, mut kills) = (0, 0, 0);
    while kills < iterations {
        let mut child = Command::new(&exe)
            .args(["--exact", "child_saver", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the saver");
        // Wait until it has saved once, then kill it at a random moment of its loop.
        let stdout = child.stdout.take().expect("stdout");
        let ready = std::io::BufReader::new(stdout)
            .lines()
            .any(|line| line.is_ok_and(|l| l.trim_end().ends_with("ready")));
        assert!(ready, "the saver did not start");
        std::thread::sleep(Duration::from_micros(rng.next() % max_delay_us));
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("wait");
        assert!(!status.success(), "the saver stopped by itself: {status}");
        kills += 1;

        let bytes = std::fs::read(&path).expect("the file is there");
        let text = String::from_utf8(bytes).expect("the file is text");
        if text == a {
            saw_a += 1;
        } else if text == b {
            saw_b += 1;
        } else {
            panic!(
                "after kill {kills}: the file is neither version ({} bytes; A {}, B {})",
                text.len(),
                a.len(),
                b.len()
            );
        }
        storage::open_visit(&path, &atlas).expect("the file parses and validates");
        let backup = storage::backup_path_for(&path);
        if backup.exists() {
            let backup = std::fs::read_to_string(&backup).expect("backup is text");
            assert!(
                backup == a || backup == b,
                "after kill {kills}: the backup is torn"
            );
        }
    }
    let leftovers = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        })
        .count();
    eprintln!(
        "kill test: {kills} kills in {:.1} s: file was A {saw_a} times, B {saw_b} times; {leftovers} temporary files left by saves killed midway",
        started.elapsed().as_secs_f64()
    );
    assert!(saw_a > 0 && saw_b > 0, "kills did not land between saves");
}
