//! Patient folders, the overview, a knot's history, the history table and the `history` and
//! `compare` commands, on the committed folders under `tests/fixtures/patients/`.
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use triggermap::Atlas;
use triggermap::cli;
use triggermap::history::table::{TableExtent, VisitColumns, write_history_table};
use triggermap::history::{BadFileError, FileKind, KnotId, PatientFolder, Trend};
use triggermap::model::{PointId, Status};
use triggermap::storage::FileError;

fn patients() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/patients")
}

fn atlas() -> Atlas {
    Atlas::builtin().expect("atlas")
}

fn fixture_point(knot: u128, visit: u128) -> PointId {
    PointId(uuid::Uuid::from_u128(
        0x1000_0000_0000_4000_8000_0000_0000_0000 + (1 << 16) + (knot << 8) + visit,
    ))
}

/// Every file of a folder with its bytes and modification time.
fn snapshot(folder: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .expect("read_dir")
        .map(|e| {
            let path = e.expect("entry").path();
            let bytes = std::fs::read(&path).expect("read");
            let modified = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .expect("mtime");
            (path, bytes, modified)
        })
        .collect();
    files.sort();
    files
}

fn run(
    command: impl FnOnce(&mut Vec<u8>, &mut Vec<u8>) -> std::io::Result<i32>,
) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = command(&mut out, &mut err).expect("io");
    (
        code,
        String::from_utf8(out).expect("utf8"),
        String::from_utf8(err).expect("utf8"),
    )
}

#[test]
fn a_folder_opens_sorted_by_date_and_nothing_is_written() {
    let dir = patients().join("weekly-neck");
    let before = snapshot(&dir);
    let folder = PatientFolder::open(&dir, &atlas()).expect("open");
    assert_eq!(snapshot(&dir), before);
    assert_eq!(folder.patient_id, "PT-0001");
    assert!(folder.bad_files.is_empty());
    let dates: Vec<String> = folder
        .visits
        .iter()
        .map(|v| v.visit.date_time.format("%d").to_string())
        .collect();
    assert_eq!(dates, ["07", "14", "21", "28"]);
    assert_eq!(
        folder
            .latest()
            .map(|v| v.visit.date_time.format("%d").to_string()),
        Some("28".to_owned())
    );
}

#[test]
fn a_folder_with_bad_files_opens_its_good_visits_and_lists_the_bad_ones() {
    let dir = patients().join("mixed-files");
    let before = snapshot(&dir);
    let folder = PatientFolder::open(&dir, &atlas()).expect("open");
    assert_eq!(snapshot(&dir), before, "loading writes nothing");
    assert_eq!(folder.patient_id, "PT-0002");
    let names: Vec<String> = folder
        .visits
        .iter()
        .map(|v| {
            v.path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "2025-02-03_1000.ron",
            "2025-02-10_1000.ron",
            "2025-02-17_1000.ron"
        ]
    );
    // The visit of a newer format that this build can show is kept, read-only.
    assert_eq!(folder.read_only_visits().count(), 1);
    assert!(folder.visits[2].read_only.is_some());

    let bad: Vec<(String, &BadFileError)> = folder
        .bad_files
        .iter()
        .map(|b| {
            (
                b.path
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                &b.error,
            )
        })
        .collect();
    assert_eq!(bad.len(), 4, "{bad:#?}");
    assert_eq!(bad[0].0, "2025-02-03_1000 (copy).ron");
    assert!(matches!(bad[0].1, BadFileError::DuplicateVisit { .. }));
    assert_eq!(bad[1].0, "damaged.ron");
    assert!(matches!(
        bad[1].1,
        BadFileError::File(FileError::Content { .. })
    ));
    assert_eq!(bad[2].0, "newer-version.ron");
    assert!(matches!(
        bad[2].1,
        BadFileError::File(FileError::NewerVersion { found: 99, .. })
    ));
    assert_eq!(bad[3].0, "other-patient.ron");
    assert!(matches!(
        bad[3].1,
        BadFileError::OtherPatient { like, .. } if like.ends_with("2025-02-03_1000.ron")
    ));
    // Which files and what differs, never the patient ids.
    let message = bad[3].1.to_string();
    assert!(message.contains("patient id differs"), "{message}");
    assert!(
        !message.contains("PT-0099") && !message.contains("PT-0002"),
        "{message}"
    );
    // Knots follow through the read-only visit.
    let history = folder.history();
    assert_eq!(history.knots().len(), 2);
    assert!(history.knots().iter().all(|k| k.occurrences.len() == 3));
}

#[test]
fn overview_lists_every_knot_by_muscle_and_side() {
    let folder = PatientFolder::open(&patients().join("weekly-neck"), &atlas()).expect("open");
    let history = folder.history();
    let rows: Vec<(usize, String, &str, String, String, usize, Trend)> = history
        .overview()
        .into_iter()
        .map(|r| {
            (
                r.number,
                r.muscle.map(|m| m.to_string()).unwrap_or_default(),
                r.side.letter(),
                r.first_seen.format("%d").to_string(),
                r.last_seen.format("%d").to_string(),
                r.visits,
                r.trend,
            )
        })
        .collect();
    let row = |n, m: &str, s, f: &str, l: &str, v, t| {
        (n, m.to_owned(), s, f.to_owned(), l.to_owned(), v, t)
    };
    assert_eq!(
        rows,
        vec![
            row(7, "infraspinatus", "L", "28", "28", 1, Trend::New),
            row(4, "infraspinatus", "R", "07", "14", 2, Trend::Resolved),
            row(6, "quadratus_lumborum", "R", "14", "28", 3, Trend::Worse),
            row(5, "rhomboids", "L", "07", "28", 4, Trend::Unchanged),
            row(1, "upper_trapezius", "L", "07", "21", 3, Trend::Resolved),
            row(3, "upper_trapezius", "L", "07", "28", 4, Trend::Unchanged),
            row(2, "upper_trapezius", "R", "07", "28", 4, Trend::Worse),
        ]
    );
}

#[test]
fn a_knots_history_has_its_pain_pressure_status_and_treatments_over_the_dates() {
    let folder = PatientFolder::open(&patients().join("weekly-neck"), &atlas()).expect("open");
    let history = folder.history();
    let k1 = history
        .knot_history(KnotId(fixture_point(1, 1)))
        .expect("K1");
    assert_eq!(k1.number, 1);
    assert_eq!(k1.trend, Trend::Resolved);
    let day = |d: chrono::DateTime<chrono::FixedOffset>| d.format("%d").to_string();
    let pain: Vec<(String, u8)> = k1
        .pain_series()
        .into_iter()
        .map(|(d, p)| (day(d), p))
        .collect();
    assert_eq!(pain, [("07".into(), 7), ("14".into(), 4), ("21".into(), 2)]);
    let ppt: Vec<(String, f32)> = k1
        .pressure_threshold_series()
        .into_iter()
        .map(|(d, p)| (day(d), p))
        .collect();
    assert_eq!(
        ppt,
        [("07".into(), 2.0), ("14".into(), 2.8), ("21".into(), 3.5)]
    );
    let statuses: Vec<Option<Status>> = k1
        .entries
        .iter()
        .map(|e| e.occurrence.as_ref().map(|o| o.status))
        .collect();
    assert_eq!(
        statuses,
        [
            Some(Status::Active),
            Some(Status::Active),
            Some(Status::Latent),
            Some(Status::Resolved)
        ]
    );
    let treated: Vec<(String, &str)> = k1
        .treatments()
        .into_iter()
        .map(|(d, t)| (day(d), t[0].procedure.kind_label()))
        .collect();
    assert_eq!(
        treated,
        [("07".into(), "Injection"), ("14".into(), "Manual therapy")]
    );

    // K6 appears at visit 2: its history starts there.
    let k6 = history
        .knot_history(KnotId(fixture_point(6, 2)))
        .expect("K6");
    assert_eq!(k6.entries.len(), 3);
    assert!(k6.pain_series().is_empty());
    assert_eq!(k6.trend, Trend::Worse, "by pressure threshold 3.0 -> 2.4");
    // K4, resolved at visit 3, is not charted at visit 4.
    let k4 = history
        .knot_history(KnotId(fixture_point(4, 1)))
        .expect("K4");
    assert_eq!(k4.entries.len(), 4);
    assert!(k4.entries[3].occurrence.is_none());
    assert!(history.knot_history(KnotId(fixture_point(4, 2))).is_none());
}

#[test]
fn the_history_table() {
    let folder = PatientFolder::open(&patients().join("weekly-neck"), &atlas()).expect("open");
    let ids = |m: Option<&triggermap::model::MuscleId>| {
        m.map_or_else(|| "-".to_owned(), |m| m.to_string())
    };
    let mut out = Vec::new();
    let extent =
        write_history_table(&mut out, &folder.history(), VisitColumns::All, &ids).expect("write");
    assert_eq!(
        extent,
        TableExtent {
            visits_shown: 4,
            visits: 4,
            knots_shown: 7,
            knots: 7
        }
    );
    let text = String::from_utf8(out).expect("utf8");
    let expected = "\
#  Muscle              Side   First seen  Last seen   2025-01-07  2025-01-14  2025-01-21  2025-01-28  Trend
-  ------------------  -----  ----------  ----------  ----------  ----------  ----------  ----------  ---------
7  infraspinatus       Left   2025-01-28  2025-01-28  .           .           .           A5          New
4  infraspinatus       Right  2025-01-07  2025-01-14  A5          A5          R           .           Resolved
6  quadratus_lumborum  Right  2025-01-14  2025-01-28  .           A           A           A           Worse
5  rhomboids           Left   2025-01-07  2025-01-28  L3          L2          L2          ?           Unchanged
1  upper_trapezius     Left   2025-01-07  2025-01-21  A7          A4          L2          R           Resolved
3  upper_trapezius     Left   2025-01-07  2025-01-28  L4          L4          L3          L3          Unchanged
2  upper_trapezius     Right  2025-01-07  2025-01-28  A6          A7          A8          A9          Worse
Each visit: status and palpation pain (A7 = active, pain 7). A active, L latent, U not classified, ? to re-examine, R resolved, . not charted.
";
    assert_eq!(text, expected);

    // The last visit only: its column, and the knots charted at it (not K4, resolved before).
    let mut out = Vec::new();
    let extent = write_history_table(&mut out, &folder.history(), VisitColumns::Last(1), &ids)
        .expect("write");
    assert_eq!((extent.visits_shown, extent.knots_shown), (1, 6));
    let expected = "\
#  Muscle              Side   First seen  Last seen   2025-01-28  Trend
-  ------------------  -----  ----------  ----------  ----------  ---------
7  infraspinatus       Left   2025-01-28  2025-01-28  A5          New
6  quadratus_lumborum  Right  2025-01-14  2025-01-28  A           Worse
5  rhomboids           Left   2025-01-07  2025-01-28  ?           Unchanged
1  upper_trapezius     Left   2025-01-07  2025-01-21  R           Resolved
3  upper_trapezius     Left   2025-01-07  2025-01-28  L3          Unchanged
2  upper_trapezius     Right  2025-01-07  2025-01-28  A9          Worse
Each visit: status and palpation pain (A7 = active, pain 7). A active, L latent, U not classified, ? to re-examine, R resolved, . not charted.
";
    assert_eq!(String::from_utf8(out).expect("utf8"), expected);
}

#[test]
fn history_command() {
    let atlas = atlas();
    let (code, out, err) = run(|o, e| {
        cli::history(
            &patients().join("weekly-neck"),
            VisitColumns::DEFAULT,
            &atlas,
            o,
            e,
        )
    });
    assert_eq!(code, cli::EXIT_OK, "{err}");
    assert!(
        out.starts_with("Patient PT-0001: 4 visits, 7 knots"),
        "{out}"
    );
    // Atlas display names, one row per knot.
    assert!(out.contains(&format!(
        "{}  ",
        atlas.muscle_name(&"upper_trapezius".into())
    )));
    assert_eq!(out.matches("Upper trapezius").count(), 3, "{out}");
    assert!(!out.contains("Files not loaded"));

    let (code, out, _) = run(|o, e| {
        cli::history(
            &patients().join("mixed-files"),
            VisitColumns::DEFAULT,
            &atlas,
            o,
            e,
        )
    });
    assert_eq!(code, cli::EXIT_INVALID);
    assert!(
        out.starts_with("Patient PT-0002: 3 visits, 2 knots"),
        "{out}"
    );
    let bad = out
        .split("Files not loaded (4):\n")
        .nth(1)
        .expect("bad files");
    let bad_lines: Vec<&str> = bad.lines().collect();
    assert_eq!(bad_lines.len(), 4, "{bad}");
    assert!(bad_lines[1].contains("damaged.ron:") && bad_lines[1].contains("truncated"));
    assert!(bad_lines[2].contains("newer-version.ron") && bad_lines[2].contains("version 99"));
    // The file of another patient is named, its patient id is not.
    assert!(
        bad_lines[3].contains("other-patient.ron") && bad_lines[3].contains("patient id differs")
    );
    assert!(
        !bad.contains("PT-0099") && !bad.contains("PT-0002"),
        "{bad}"
    );
    assert!(out.contains("Read-only visits (included above):\n"));

    let (code, _, err) = run(|o, e| {
        cli::history(
            &patients().join("no-such-folder"),
            VisitColumns::DEFAULT,
            &atlas,
            o,
            e,
        )
    });
    assert_eq!(code, cli::EXIT_USAGE);
    assert!(err.contains("not a folder"));

    let empty = tempfile::tempdir().expect("tempdir");
    let (code, out, _) =
        run(|o, e| cli::history(empty.path(), VisitColumns::DEFAULT, &atlas, o, e));
    assert_eq!(code, cli::EXIT_INVALID);
    assert!(out.contains("No readable visit file"));
}

#[test]
fn compare_command() {
    let atlas = atlas();
    let dir = patients().join("weekly-neck");
    let v1 = dir.join("2025-01-07_0930.ron");
    let v3 = dir.join("2025-01-21_0930.ron");
    let v4 = dir.join("2025-01-28_0930.ron");

    let (code, out, err) = run(|o, e| cli::compare(&v1, &v3, &atlas, o, e));
    assert_eq!(code, cli::EXIT_OK, "{err}");
    assert!(
        out.contains("followed through the patient's visits (1 between A and B)"),
        "{out}"
    );
    assert!(out.contains("New 1, Resolved 1, Better 1, Worse 1, Unchanged 2, Not measured 0"));
    let rows: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("Change"))
        .skip(2)
        .collect();
    assert_eq!(rows.len(), 6, "{out}");
    assert!(rows[0].starts_with("New ") && rows[0].contains("Quadratus lumborum"));
    assert!(rows[2].starts_with("Better ") && rows[2].contains("Upper trapezius"));

    // Swapped: compared the right way round, with a note.
    let (code, swapped, err) = run(|o, e| cli::compare(&v3, &v1, &atlas, o, e));
    assert_eq!(code, cli::EXIT_OK);
    assert!(err.contains("A is later than B"));
    assert_eq!(swapped, out);

    // Two files in a folder of their own, with the visits between them missing: the broken
    // links are matched by position, as two lone files are.
    let lone = tempfile::tempdir().expect("tempdir");
    let (a, b) = (lone.path().join("a.ron"), lone.path().join("b.ron"));
    std::fs::copy(&v1, &a).expect("copy");
    std::fs::copy(&v4, &b).expect("copy");
    let (code, out, _) = run(|o, e| cli::compare(&a, &b, &atlas, o, e));
    assert_eq!(code, cli::EXIT_OK);
    assert!(out.contains("3 knot(s) with a broken link"), "{out}");
    let counts = "New 3, Resolved 3, Better 0, Worse 1, Unchanged 0, Not measured 1";
    assert!(out.contains(counts), "{out}");
    // In different folders: matched directly, with the same result.
    let other = tempfile::tempdir().expect("tempdir");
    let c = other.path().join("c.ron");
    std::fs::copy(&v4, &c).expect("copy");
    let (code, out, _) = run(|o, e| cli::compare(&a, &c, &atlas, o, e));
    assert_eq!(code, cli::EXIT_OK);
    assert!(out.contains("matched directly"), "{out}");
    assert!(out.contains(counts), "{out}");

    // Unreadable and foreign files.
    let mixed = patients().join("mixed-files");
    let (code, _, err) = run(|o, e| cli::compare(&mixed.join("damaged.ron"), &v1, &atlas, o, e));
    assert_eq!(code, cli::EXIT_INVALID);
    assert!(err.contains("damaged.ron"));
    let (code, _, err) =
        run(|o, e| cli::compare(&v1, &lone.path().join("missing.ron"), &atlas, o, e));
    assert_eq!(code, cli::EXIT_INVALID);
    assert!(err.contains("missing.ron"));
    let (code, _, err) = run(|o, e| {
        cli::compare(
            &mixed.join("2025-02-03_1000.ron"),
            &mixed.join("other-patient.ron"),
            &atlas,
            o,
            e,
        )
    });
    assert_eq!(code, cli::EXIT_INVALID);
    assert!(err.contains("different patients"), "{err}");
    assert!(err.contains("other-patient.ron"), "{err}");
    assert!(
        !err.contains("PT-0099") && !err.contains("PT-0002"),
        "{err}"
    );
}

/// A folder of `visits` daily visits of one patient, each with `points` new knots (no lineage),
/// written without the atlas's save path so that it is quick.
fn many_visits(visits: usize, points: usize) -> tempfile::TempDir {
    use triggermap::geometry::PatientPoint;
    use triggermap::model::{Side, TriggerPoint, View, Visit};
    let dir = tempfile::tempdir().expect("tempdir");
    let start = chrono::DateTime::parse_from_rfc3339("2020-01-06T09:30:00+01:00").expect("date");
    let muscles = [
        "upper_trapezius",
        "levator_scapulae",
        "infraspinatus",
        "rhomboids",
    ];
    for v in 0..visits {
        let mut visit = Visit::new_now();
        visit.patient_id = "GEN-1".to_owned();
        visit.date_time = start + chrono::Duration::days(v as i64);
        visit.points = (0..points)
            .map(|p| {
                let mut point = TriggerPoint::new(
                    View::Back,
                    PatientPoint::new(0.07, 0.2),
                    Some(muscles[(v + p) % muscles.len()].into()),
                    Side::Left,
                );
                point.palpation_pain = Some(((v + p) % 11) as u8);
                point
            })
            .collect();
        let text = triggermap::storage::visit_to_string(&visit).expect("text");
        std::fs::write(dir.path().join(format!("{v:05}.ron")), text).expect("write");
    }
    dir
}

#[test]
fn history_shows_the_last_visits_unless_asked_for_all() {
    let atlas = atlas();
    let folder = many_visits(60, 3);
    let (code, out, err) =
        run(|o, e| cli::history(folder.path(), VisitColumns::DEFAULT, &atlas, o, e));
    assert_eq!(code, cli::EXIT_OK, "{err}");
    assert!(
        out.starts_with("Patient GEN-1: 60 visits, 180 knots"),
        "{out}"
    );
    let header = out
        .lines()
        .find(|l| l.trim_start().starts_with('#'))
        .expect("header");
    // #, muscle, side, first and last seen, 12 visits, trend.
    assert_eq!(
        header.split("  ").filter(|c| !c.is_empty()).count(),
        5 + 12 + 1,
        "{header}"
    );
    assert!(
        header.contains("2020-03-05") && !header.contains("2020-02-22"),
        "{header}"
    );
    let rows = out
        .lines()
        .skip_while(|l| !l.trim_start().starts_with('#'))
        .skip(2);
    assert_eq!(
        rows.take_while(|l| !l.starts_with("Each visit")).count(),
        36
    );
    assert!(
        out.contains("Shown: the last 12 of 60 visits, and the 36 of 180 knots charted at them."),
        "{out}"
    );

    let (code, out, _) =
        run(|o, e| cli::history(folder.path(), VisitColumns::Last(2), &atlas, o, e));
    assert_eq!(code, cli::EXIT_OK);
    assert!(
        out.contains("Shown: the last 2 of 60 visits, and the 6 of 180 knots"),
        "{out}"
    );

    let (code, all, _) = run(|o, e| cli::history(folder.path(), VisitColumns::All, &atlas, o, e));
    assert_eq!(code, cli::EXIT_OK);
    let header = all
        .lines()
        .find(|l| l.trim_start().starts_with('#'))
        .expect("header");
    assert_eq!(
        header.split("  ").filter(|c| !c.is_empty()).count(),
        5 + 60 + 1
    );
    assert!(!all.contains("Shown:"));
    // At most every visit: as many as there are.
    let (_, wide, _) =
        run(|o, e| cli::history(folder.path(), VisitColumns::Last(1000), &atlas, o, e));
    assert_eq!(wide, all);
}

#[test]
fn the_history_table_is_written_row_by_row() {
    /// Counts the writes and keeps the largest.
    #[derive(Default)]
    struct Writes {
        count: usize,
        largest: usize,
    }
    impl std::io::Write for Writes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.count += 1;
            self.largest = self.largest.max(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let folder = many_visits(40, 5);
    let patient = PatientFolder::open(folder.path(), &atlas()).expect("open");
    let mut writes = Writes::default();
    let extent = write_history_table(&mut writes, &patient.history(), VisitColumns::All, &|_| {
        "m".to_owned()
    })
    .expect("write");
    assert_eq!(extent.knots_shown, 200);
    // A header, a rule, 200 rows and the legend, each written on its own: never the whole table.
    assert!(writes.count >= 203, "{} writes", writes.count);
    assert!(
        writes.largest < 1000,
        "{} bytes in one write",
        writes.largest
    );
}

#[cfg(unix)]
#[test]
fn fifos_devices_and_folders_named_like_visits_are_listed_not_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        patients().join("weekly-neck/2025-01-07_0930.ron"),
        dir.path().join("visit.ron"),
    )
    .expect("copy");
    let fifo = dir.path().join("pipe.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    std::fs::create_dir(dir.path().join("folder.ron")).expect("mkdir");
    std::os::unix::fs::symlink("/dev/null", dir.path().join("device.ron")).expect("symlink");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("dangling.ron"))
        .expect("symlink");
    // A link to a visit file is read as the file.
    std::fs::copy(
        patients().join("weekly-neck/2025-01-14_0930.ron"),
        dir.path().join(".real"),
    )
    .expect("copy");
    std::os::unix::fs::symlink(dir.path().join(".real"), dir.path().join("linked.ron"))
        .expect("symlink");

    // On a thread, so that a hang fails the test instead of stopping it.
    let (send, receive) = std::sync::mpsc::channel();
    let path = dir.path().to_owned();
    std::thread::spawn(move || {
        let atlas = atlas();
        let folder = PatientFolder::open(&path, &atlas);
        let mut out = Vec::new();
        let code = cli::history(
            &path,
            VisitColumns::DEFAULT,
            &atlas,
            &mut out,
            &mut Vec::new(),
        );
        let _ = send.send((folder, code, out));
    });
    let (folder, code, out) = receive
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("listing the folder did not hang");
    let folder = folder.expect("open");
    assert_eq!(folder.visits.len(), 2, "the file and the link to a file");
    let bad: Vec<(String, &BadFileError)> = folder
        .bad_files
        .iter()
        .map(|b| {
            let name = b
                .path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, &b.error)
        })
        .collect();
    assert_eq!(bad.len(), 4, "{bad:#?}");
    assert_eq!(bad[0].0, "dangling.ron");
    assert!(matches!(bad[0].1, BadFileError::Unreadable { .. }));
    assert_eq!(bad[1].0, "device.ron");
    assert!(matches!(
        bad[1].1,
        BadFileError::NotAFile {
            kind: FileKind::Device,
            ..
        }
    ));
    assert_eq!(bad[2].0, "folder.ron");
    assert!(matches!(
        bad[2].1,
        BadFileError::NotAFile {
            kind: FileKind::Folder,
            ..
        }
    ));
    assert_eq!(bad[3].0, "pipe.ron");
    assert!(matches!(
        bad[3].1,
        BadFileError::NotAFile {
            kind: FileKind::Fifo,
            ..
        }
    ));

    assert_eq!(code.expect("io"), cli::EXIT_INVALID);
    let out = String::from_utf8(out).expect("utf8");
    let listed = out.split("Files not loaded (4):\n").nth(1).expect("listed");
    assert!(
        listed.contains("pipe.ron: not a visit file but a FIFO (named pipe)"),
        "{listed}"
    );
    assert!(
        listed.contains("folder.ron: not a visit file but a folder"),
        "{listed}"
    );
    assert!(
        listed.contains("device.ron: not a visit file but a device"),
        "{listed}"
    );
}
