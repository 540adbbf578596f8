//! Visit files: the committed fixture of every format version, the corpus of damaged files and
//! the error each must give (through `triggermap check`, as the app reports them), and the
//! protections of saving: backup, permissions, changed on disk, locks, newer formats, signed
//! visits.
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::DateTime;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use triggermap::atlas::Atlas;
use triggermap::cli;
use triggermap::lock::{LockInfo, VisitLock, lock_path_for};
use triggermap::model::{Visit, amend, sign};
use triggermap::storage::{
    self, FileError, FileStamp, ReadOnlyReason, SaveRefusal, backup_path_for, open_visit,
    save_visit, save_visit_checked,
};

#[path = "support/bad_visits.rs"]
mod bad_visits;

fn atlas() -> Atlas {
    Atlas::builtin().expect("the built-in atlas loads")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

fn at(text: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(text).expect("time")
}

/// Text from the fixtures that must never appear in an error message.
const PATIENT_DATA: [&str; 5] = ["TM-0042", "headache", "Moreau", "Okafor", "Algometer"];

/// Other text of the corpus files that no message may quote: an unknown value, field, muscle
/// and format, and values out of range.
const FILE_TEXT: [&str; 7] = [
    "Cupping",
    "colour",
    "infraspinatis",
    "\"triggermap-atlas\"",
    "500 mL",
    "42 kg",
    ": 11 is",
];

#[test]
fn corpus_files_give_their_errors_through_check_as_the_app_does() {
    let atlas = atlas();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut checked = 0;
    for file in &files {
        match file.extension().and_then(|e| e.to_str()) {
            Some("ron") => {}
            Some("expected") => {
                assert!(
                    file.with_extension("ron").exists(),
                    "{} has no .ron beside it",
                    file.display()
                );
                continue;
            }
            _ => continue,
        }
        let expected_file = file.with_extension("expected");
        let expected = std::fs::read_to_string(&expected_file)
            .unwrap_or_else(|_| panic!("{} needs a .expected file", file.display()));
        let mut out = Vec::new();
        let code = cli::check(std::slice::from_ref(file), &atlas, &mut out).expect("check");
        let out = String::from_utf8(out).expect("utf8");
        assert_eq!(code, cli::EXIT_INVALID, "{}: {out}", file.display());
        let name = file.display().to_string();
        let want: String = expected
            .lines()
            .map(|line| format!("{name}{line}\n"))
            .collect();
        assert_eq!(out, want, "{}", file.display());
        // The app shows the same error.
        let error = open_visit(file, &atlas).expect_err("damaged");
        assert_eq!(out, format!("{error}\n"), "{}", file.display());
        for secret in PATIENT_DATA.iter().chain(&FILE_TEXT) {
            assert!(
                !out.contains(secret),
                "{}: error shows {secret}",
                file.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} corpus files");
}

#[test]
fn a_file_too_large_is_refused_before_reading() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("huge.ron");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(storage::MAX_FILE_BYTES + 1).expect("sparse");
    let error = open_visit(&path, &atlas()).expect_err("too large");
    assert!(matches!(error, FileError::TooLarge { .. }));
    let mut out = Vec::new();
    let code = cli::check(&[path], &atlas(), &mut out).expect("check");
    assert_eq!(code, cli::EXIT_INVALID);
    assert!(
        String::from_utf8_lossy(&out).contains("larger than a visit file can be"),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

#[test]
fn the_worst_files_are_refused_fast_with_a_capped_list() {
    let atlas = atlas();
    let cases = [
        ("pains", bad_visits::pains_out_of_range(20_000), 20_000),
        ("duplicate ids", bad_visits::duplicate_ids(20_000), 19_999),
        (
            "16 MiB",
            bad_visits::largest_with_pains_out_of_range(storage::MAX_FILE_BYTES),
            0,
        ),
    ];
    for (name, text, found) in cases {
        assert!(text.len() as u64 <= storage::MAX_FILE_BYTES, "{name}");
        let started = Instant::now();
        let error =
            storage::parse_visit(text.as_bytes(), Path::new("bad.ron"), &atlas).expect_err(name);
        let elapsed = started.elapsed();
        // Unoptimized, on a shared machine: 23 s before in an optimized build.
        assert!(elapsed < Duration::from_secs(5), "{name}: {elapsed:?}");
        let FileError::Invalid { problems, more, .. } = &error else {
            panic!("{name}: {error}");
        };
        assert_eq!(problems.len(), storage::MAX_PROBLEMS_LISTED, "{name}");
        let more = more.as_ref().expect("more problems");
        if found > 0 {
            assert_eq!(more.count, found - storage::MAX_PROBLEMS_LISTED, "{name}");
        }
        let message = error.to_string();
        assert_eq!(message.lines().count(), storage::MAX_PROBLEMS_LISTED + 1);
        let last = message.lines().last().expect("last line");
        assert!(
            last.starts_with(&format!("bad.ron:{}:{}: and ", more.line, more.column))
                && last.ends_with("more problems (the first 100 are listed)"),
            "{last}"
        );
    }
}

#[test]
fn the_example_is_exactly_what_this_build_writes() {
    let path = fixture("example-visit.ron");
    let opened = open_visit(&path, &atlas()).expect("example opens");
    assert_eq!(opened.read_only, None);
    assert_eq!(opened.migrated_from, None);
    assert!(!opened.visit.is_signed());
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        storage::visit_to_string(&opened.visit).expect("ser"),
        text,
        "re-saving the example changes it: regenerate it and update docs/file-format.md"
    );
    let injections = opened
        .visit
        .points
        .iter()
        .flat_map(|p| &p.treatments)
        .filter(|t| t.procedure.kind_label() == "Injection")
        .count();
    assert_eq!(injections, 1);
}

#[test]
fn the_format_document_shows_the_committed_example() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs")
            .join("file-format.md"),
    )
    .expect("docs/file-format.md");
    let example = std::fs::read_to_string(fixture("example-visit.ron")).expect("example");
    assert!(
        doc.contains(&format!("```ron\n{example}```")),
        "docs/file-format.md must show tests/fixtures/example-visit.ron unchanged"
    );
    assert!(doc.contains(&format!("version **{}**", storage::FORMAT_VERSION)));
}

#[test]
fn version_1_is_migrated_and_saved_as_version_2() {
    let atlas = atlas();
    let v1 = open_visit(&fixture("visit-v1.ron"), &atlas).expect("v1 opens");
    assert_eq!(v1.migrated_from, Some(1));
    assert_eq!(v1.read_only, None);
    assert_eq!(v1.visit.signature, None);
    assert!(v1.visit.amendments.is_empty());
    let example = open_visit(&fixture("example-visit.ron"), &atlas).expect("example");
    assert_eq!(v1.visit.points.len(), example.visit.points.len());
    for (a, b) in v1.visit.points.iter().zip(&example.visit.points) {
        assert_eq!(
            (a.pos, &a.muscle, a.palpation_pain),
            (b.pos, &b.muscle, b.palpation_pain)
        );
        assert_eq!(a.treatments, b.treatments);
    }

    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("migrated.ron");
    std::fs::copy(fixture("visit-v1.ron"), &path).expect("copy");
    save_visit_checked(&path, &v1.visit, Some(&v1.stamp)).expect("save migrated");
    let again = open_visit(&path, &atlas).expect("reopen");
    assert_eq!(again.migrated_from, None);
    assert_eq!(again.visit, v1.visit);
    let backup = std::fs::read(backup_path_for(&path)).expect("backup");
    assert_eq!(backup, std::fs::read(fixture("visit-v1.ron")).expect("v1"));
}

#[test]
fn version_2_keeps_signature_and_amendments() {
    let v2 = open_visit(&fixture("visit-v2.ron"), &atlas()).expect("v2 opens");
    assert_eq!(
        v2.migrated_from,
        Some(2),
        "version 2 is migrated to the current one"
    );
    assert_eq!(v2.visit.figure, triggermap::model::Figure::Male);
    let signature = v2.visit.signature.as_ref().expect("signed");
    assert_eq!(signature.clinician, "Dr. A. Moreau");
    assert_eq!(v2.visit.amendments.len(), 1);
    assert!(v2.visit.amendments[0].what[0].contains("3.9 kg/cm² → 3.6 kg/cm²"));
}

#[test]
fn a_newer_version_opens_read_only_and_is_never_saved() {
    let atlas = atlas();
    let v99 = open_visit(&fixture("visit-v99.ron"), &atlas).expect("v99 opens");
    let Some(ReadOnlyReason::NewerFormat {
        found,
        unknown_fields,
    }) = &v99.read_only
    else {
        panic!("not read-only: {:?}", v99.read_only);
    };
    assert_eq!(*found, 99);
    assert_eq!(
        unknown_fields,
        &[
            "checksum",
            "visit.intake_form",
            "visit.points[0].ultrasound",
            "visit.points[0].treatments[0].lot_number"
        ]
    );
    let message = v99.read_only.as_ref().expect("reason").to_string();
    assert!(message.contains("read-only"), "{message}");
    assert!(message.contains("point 1: ultrasound"), "{message}");
    // Everything this build knows was read.
    let v2 = open_visit(&fixture("visit-v2.ron"), &atlas).expect("v2");
    assert_eq!(v99.visit.amendments, v2.visit.amendments);
    assert_eq!(v99.visit.points.len(), v2.visit.points.len());
    assert_eq!(v99.visit.notes, v2.visit.notes);

    let dir = tempfile::tempdir().expect("dir");
    // Not over itself (whether it may be saved elsewhere is the session's decision).
    let copy = dir.path().join("v99.ron");
    std::fs::copy(fixture("visit-v99.ron"), &copy).expect("copy");
    let error = save_visit(&copy, &v99.visit).expect_err("refused");
    assert!(
        matches!(
            error,
            FileError::Refused {
                reason: SaveRefusal::NewerFormatOnDisk { found: 99 },
                ..
            }
        ),
        "{error}"
    );
    // Nor another visit over a newer file.
    let error = save_visit(&copy, &Visit::new_now()).expect_err("refused");
    assert!(
        matches!(
            error,
            FileError::Refused {
                reason: SaveRefusal::NewerFormatOnDisk { found: 99 },
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(
        std::fs::read(&copy).expect("read"),
        std::fs::read(fixture("visit-v99.ron")).expect("read")
    );
}

#[test]
fn each_save_keeps_the_previous_version_as_a_backup() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("visit.ron");
    let mut visit = Visit::new_now();
    visit.patient_id = "P-1".to_owned();
    let first = save_visit_checked(&path, &visit, None).expect("first");
    assert!(!backup_path_for(&path).exists(), "nothing to back up yet");
    let first_text = std::fs::read(&path).expect("read");
    visit.notes = "second".to_owned();
    save_visit_checked(&path, &visit, Some(&first)).expect("second");
    assert_eq!(
        std::fs::read(backup_path_for(&path)).expect("bak"),
        first_text
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        storage::visit_to_string(&visit).expect("ser")
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn files_are_private_and_a_replaced_file_keeps_owner_and_group_bits() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("visit.ron");
    let visit = Visit::new_now();
    save_visit(&path, &visit).expect("save");
    assert_eq!(mode(&path), 0o600);
    save_visit(&path, &visit).expect("save");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&backup_path_for(&path)), 0o600);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).expect("chmod");
    save_visit(&path, &visit).expect("save");
    assert_eq!(mode(&path), 0o660, "group kept, others dropped");
    assert_eq!(mode(&backup_path_for(&path)), 0o660);

    let folder = dir.path().join("new").join("private");
    storage::create_private_dir(&folder).expect("mkdir");
    assert_eq!(mode(&folder), 0o700);
    assert_eq!(mode(&dir.path().join("new")), 0o700);
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten() {
    let atlas = atlas();
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("visit.ron");
    std::fs::copy(fixture("example-visit.ron"), &path).expect("copy");
    let opened = open_visit(&path, &atlas).expect("open");
    storage::check_unchanged(&path, &opened.stamp).expect("unchanged");

    // Another program rewrites it.
    let mut theirs = opened.visit.clone();
    theirs.notes = "changed elsewhere".to_owned();
    std::fs::write(&path, storage::visit_to_string(&theirs).expect("ser")).expect("write");
    assert!(matches!(
        storage::check_unchanged(&path, &opened.stamp),
        Err(FileError::ChangedOnDisk { .. })
    ));
    let mut mine = opened.visit.clone();
    mine.notes = "changed here".to_owned();
    let error = save_visit_checked(&path, &mine, Some(&opened.stamp)).expect_err("changed");
    assert!(error.to_string().contains("changed on disk"), "{error}");
    assert_eq!(
        open_visit(&path, &atlas).expect("open").visit.notes,
        "changed elsewhere"
    );

    // The user chose to overwrite.
    let stamp = save_visit_checked(&path, &mine, None).expect("overwrite");
    assert_eq!(
        FileStamp::read(&path).expect("stamp").expect("some").hash,
        stamp.hash
    );
    storage::check_unchanged(&path, &stamp).expect("unchanged after save");
    save_visit_checked(&path, &mine, Some(&stamp)).expect("save again");

    // Removed since: also a change.
    let stamp = FileStamp::read(&path).expect("stamp").expect("some");
    std::fs::remove_file(&path).expect("rm");
    assert!(matches!(
        save_visit_checked(&path, &mine, Some(&stamp)),
        Err(FileError::ChangedOnDisk { .. })
    ));
}

#[test]
fn a_visit_locked_by_another_instance_is_not_saved_over() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("visit.ron");
    let visit = Visit::new_now();
    save_visit(&path, &visit).expect("save");
    {
        let _mine = VisitLock::acquire(&path).expect("lock");
        save_visit(&path, &visit).expect("saving under my own lock");
    }
    let mut other = LockInfo::current();
    other.host = "reception-pc.invalid".to_owned();
    std::fs::write(lock_path_for(&path), ron::to_string(&other).expect("ron")).expect("lock");
    let error = save_visit(&path, &visit).expect_err("locked");
    assert!(
        error.to_string().contains("reception-pc.invalid"),
        "{error}"
    );
}

/// Saving through a symbolic link saves the real file and leaves the link a link; the link and
/// the real path share one lock, so a second instance opening the real path sees it.
#[cfg(unix)]
#[test]
fn saving_through_a_link_saves_the_real_file_and_keeps_the_link() {
    let dir = tempfile::tempdir().expect("dir");
    let real = dir.path().join("real.ron");
    let link = dir.path().join("visit.ron");
    let mut visit = Visit::new_now();
    save_visit(&real, &visit).expect("save");
    std::os::unix::fs::symlink("real.ron", &link).expect("link");

    let opened = open_visit(&link, &atlas()).expect("open through the link");
    visit.notes = "changed through the link".to_owned();
    save_visit_checked(&link, &visit, Some(&opened.stamp)).expect("save through the link");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    assert_eq!(
        storage::load_visit(&real, &atlas()).expect("real").notes,
        "changed through the link"
    );
    assert!(
        backup_path_for(&real).exists(),
        "the backup is beside the real file"
    );
    assert!(!backup_path_for(&link).exists());

    let mut other = LockInfo::current();
    other.host = "reception-pc.invalid".to_owned();
    std::fs::write(lock_path_for(&real), ron::to_string(&other).expect("ron")).expect("lock");
    assert_eq!(lock_path_for(&link), lock_path_for(&real));
    let error = save_visit(&link, &visit).expect_err("locked through the real path");
    assert!(matches!(
        error,
        FileError::Refused {
            reason: SaveRefusal::Locked(_),
            ..
        }
    ));
}

#[test]
fn a_signed_visit_changes_on_disk_only_by_amendment() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("visit.ron");
    let opened = open_visit(&fixture("example-visit.ron"), &atlas()).expect("example");
    let mut visit = opened.visit;
    save_visit(&path, &visit).expect("save unsigned");
    sign(&mut visit, "Dr. A. Moreau", at("2025-03-04T10:00:00+01:00")).expect("sign");
    save_visit(&path, &visit).expect("save signed");

    let refused = |v: &Visit| match save_visit(&path, v) {
        Err(FileError::Refused { reason, .. }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let mut edited = visit.clone();
    edited.points[0].palpation_pain = Some(3);
    assert_eq!(refused(&edited), SaveRefusal::ChangedWithoutAmendment);
    let mut unsigned = visit.clone();
    unsigned.signature = None;
    assert_eq!(refused(&unsigned), SaveRefusal::SignatureChanged);
    assert_eq!(refused(&Visit::new_now()), SaveRefusal::ReplacesSignedVisit);

    let mut amended = visit.clone();
    amend(
        &mut amended,
        &edited,
        "Dr. A. Moreau",
        "Pain score misheard",
        at("2025-03-04T11:00:00+01:00"),
    )
    .expect("amend");
    save_visit(&path, &amended).expect("an amendment is saved");
    let mut rewritten = amended.clone();
    rewritten.amendments[0].why = "something else".to_owned();
    assert_eq!(refused(&rewritten), SaveRefusal::AmendmentsRewritten);
    let mut dropped = amended.clone();
    dropped.amendments.clear();
    assert_eq!(refused(&dropped), SaveRefusal::AmendmentsRewritten);
    let reopened = open_visit(&path, &atlas()).expect("reopen");
    assert_eq!(reopened.visit, amended);
}

#[test]
fn an_invalid_visit_is_not_saved() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("visit.ron");
    let mut visit = open_visit(&fixture("example-visit.ron"), &atlas())
        .expect("example")
        .visit;
    visit.points[1].palpation_pain = Some(11);
    visit.points[2].pressure_threshold = Some(f32::NAN);
    let error = save_visit(&path, &visit).expect_err("invalid");
    let text = error.to_string();
    assert!(
        text.contains("point 2: palpation pain: outside 0–10"),
        "{text}"
    );
    assert!(
        text.contains("point 3: pressure threshold: outside 0–15 kg/cm²"),
        "{text}"
    );
    assert!(
        !text.contains("NaN") && !text.contains("11 "),
        "values are not quoted: {text}"
    );
    assert!(!path.exists());
}

/// Makes a named pipe (FIFO) at `path`.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Runs `f` on another thread and returns what it returns; fails, rather than hangs, when it
/// takes more than five seconds.
fn within_seconds<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(f());
    });
    result
        .recv_timeout(Duration::from_secs(5))
        .unwrap_or_else(|_| panic!("{what} hung"))
}

#[cfg(unix)]
#[test]
fn a_fifo_a_device_or_a_folder_as_a_visit_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("dir");
    let fifo = dir.path().join("fifo.ron");
    mkfifo(&fifo);
    let zero = dir.path().join("zero.ron");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("link");
    let folder = dir.path().join("folder.ron");
    std::fs::create_dir(&folder).expect("folder");
    for (path, what) in [
        (fifo, "a named pipe (FIFO)"),
        (zero, "a character device"),
        (folder, "a folder"),
    ] {
        let opened = within_seconds("open", {
            let path = path.clone();
            move || open_visit(&path, &atlas())
        });
        let error = opened.expect_err("refused");
        assert!(
            matches!(&error, FileError::NotRegular { what: w, .. } if *w == what),
            "{error}"
        );
        let message = error.to_string();
        assert!(
            message.starts_with(&path.display().to_string()),
            "{message}"
        );
        assert!(message.contains("not a regular file"), "{message}");
        let checked = within_seconds("check", {
            let path = path.clone();
            move || {
                let mut out = Vec::new();
                let code = cli::check(&[path], &atlas(), &mut out).expect("check");
                (code, String::from_utf8(out).expect("utf8"))
            }
        });
        assert_eq!(checked.0, cli::EXIT_INVALID, "{}", checked.1);
        assert!(checked.1.contains("not a regular file"), "{}", checked.1);
        let stamp = FileStamp::of_bytes(b"", None);
        let unchanged = within_seconds("stamp", move || storage::check_unchanged(&path, &stamp));
        assert!(matches!(unchanged, Err(FileError::NotRegular { .. })));
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_link_to_a_device_as_a_lock_file_is_refused_at_once() {
    use triggermap::lock::{LockError, read_lock};
    let dir = tempfile::tempdir().expect("dir");
    let fifo_visit = dir.path().join("a.ron");
    mkfifo(&lock_path_for(&fifo_visit));
    let zero_visit = dir.path().join("b.ron");
    std::os::unix::fs::symlink("/dev/zero", lock_path_for(&zero_visit)).expect("link");
    for (visit, what) in [(fifo_visit, "named pipe"), (zero_visit, "symbolic link")] {
        let read = within_seconds("read_lock", {
            let visit = visit.clone();
            move || read_lock(&visit)
        });
        match read {
            Err(LockError::Unreadable { detail, .. }) => {
                assert!(detail.contains(what), "{detail}")
            }
            other => panic!("{}: {other:?}", visit.display()),
        }
        let acquired = within_seconds("acquire", move || VisitLock::acquire(&visit).is_ok());
        assert!(!acquired, "a lock that cannot be read is not taken");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_recovery_folder_or_as_a_recovered_visit_is_refused_at_once() {
    use triggermap::recovery::{RecoveryEntry, RecoveryKey, RecoveryStore, SavedFile, summarise};
    let dir = tempfile::tempdir().expect("dir");
    let store = RecoveryStore::open(dir.path().join("recovery")).expect("store");
    mkfifo(&store.dir().join("planted.ron"));
    std::os::unix::fs::symlink("/dev/zero", store.dir().join("zero.ron")).expect("link");
    let listed = within_seconds("list", move || store.list().expect("list"));
    assert_eq!(listed.len(), 2);
    for recovered in &listed {
        let error = recovered.entry.as_ref().expect_err("refused").to_string();
        assert!(error.contains("not a regular file"), "{error}");
    }
    let fifo_visit = dir.path().join("visit.ron");
    mkfifo(&fifo_visit);
    let entry = RecoveryEntry::new(
        RecoveryKey::new_random(),
        Some(fifo_visit),
        Visit::new_now(),
        at("2025-03-04T10:00:00+01:00"),
    );
    let summary = within_seconds("summarise", move || summarise(&entry, &atlas()));
    assert!(
        matches!(
            summary.saved,
            SavedFile::Unreadable(FileError::NotRegular { .. })
        ),
        "{:?}",
        summary.saved
    );
}

#[test]
fn a_byte_order_mark_and_old_mac_line_ends_are_read() {
    let atlas = atlas();
    let example = std::fs::read_to_string(fixture("example-visit.ron")).expect("example");
    let expected = open_visit(&fixture("example-visit.ron"), &atlas)
        .expect("example")
        .visit;
    let dir = tempfile::tempdir().expect("dir");
    let bom = dir.path().join("bom.ron");
    std::fs::write(&bom, format!("\u{feff}{example}")).expect("write");
    assert_eq!(
        open_visit(&bom, &atlas).expect("with a BOM").visit,
        expected
    );
    let cr = dir.path().join("cr.ron");
    std::fs::write(&cr, example.replace('\n', "\r")).expect("write");
    assert_eq!(open_visit(&cr, &atlas).expect("CR only").visit, expected);
    let crlf = dir.path().join("crlf.ron");
    std::fs::write(&crlf, example.replace('\n', "\r\n")).expect("write");
    assert_eq!(open_visit(&crlf, &atlas).expect("CRLF").visit, expected);
    // Errors in such files point at the line an editor shows.
    let damaged = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/pain-out-of-range.ron"),
    )
    .expect("corpus file");
    std::fs::write(&cr, format!("\u{feff}{}", damaged.replace('\n', "\r"))).expect("write");
    let error = open_visit(&cr, &atlas).expect_err("damaged").to_string();
    assert!(
        error.ends_with(":69:17: point 2: palpation pain: outside 0–10"),
        "{error}"
    );
    // A signed visit with a BOM is still protected when saving over it.
    let signed = dir.path().join("signed.ron");
    let mut visit = expected.clone();
    sign(&mut visit, "Dr. A. Moreau", at("2025-03-04T10:00:00+01:00")).expect("sign");
    let text = storage::visit_to_string(&visit).expect("ser");
    std::fs::write(&signed, format!("\u{feff}{}", text.replace('\n', "\r"))).expect("write");
    assert!(matches!(
        save_visit(&signed, &expected),
        Err(FileError::Refused {
            reason: SaveRefusal::SignatureChanged,
            ..
        })
    ));
}

#[test]
fn version_3_keeps_the_figure_and_profile_points_and_checks_their_side() {
    use triggermap::model::{Figure, PatientPoint, Side, TriggerPoint, View};
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("visit.ron");
    let mut visit = Visit::new_now();
    visit.patient_id = "PT-F".into();
    visit.figure = Figure::Female;
    visit.points.push(TriggerPoint::new(
        View::LeftProfile,
        PatientPoint::new(-0.03, 0.17),
        Some("upper_trapezius".into()),
        Side::Left,
    ));
    save_visit(&path, &visit).expect("saved");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains(&format!(
            "version: {},",
            triggermap::storage::FORMAT_VERSION
        )),
        "{text}"
    );
    assert!(text.contains("figure: Female,"), "{text}");
    assert!(text.contains("view: LeftProfile,"), "{text}");
    assert!(text.contains("position: ("), "{text}");
    assert!(!text.contains("pos: ("), "{text}");
    let opened = open_visit(&path, &atlas()).expect("opens");
    assert_eq!(opened.visit, visit);
    assert_eq!(opened.migrated_from, None);
    // The committed version-3 visit opens migrated, with no coding and no aftercare kept.
    let v3 = open_visit(&fixture("profile-visit.ron"), &atlas()).expect("v3 opens");
    assert_eq!(v3.migrated_from, Some(3));
    assert_eq!((v3.visit.coding, v3.visit.aftercare), (None, None));

    // A point on the left profile is on the patient's left, whatever the file says.
    let wrong = text.replace("side: Left,", "side: Right,");
    std::fs::write(&path, wrong).expect("write");
    let error = open_visit(&path, &atlas())
        .expect_err("wrong side")
        .to_string();
    assert!(
        error.contains("point 1: side: a point on the left profile shows the patient's Left side"),
        "{error}"
    );
}
