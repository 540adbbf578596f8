//! The session's state machine without a window: open, save, sign, amend, refuse, take over,
//! newer format, changed on disk, restore, follow-up and the patient folder following the visit.

use super::*;
use crate::geometry::PatientPoint;
use crate::lock::{self, LockInfo};
use crate::model::{AuditError, Side, TriggerPoint, View};
use crate::recovery::{RecoveryKey, RecoveryStore};

fn atlas() -> Arc<Atlas> {
    Arc::new(Atlas::builtin().expect("atlas"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).expect("time")
}

/// A session at a fixed time, without recovery copies.
fn session() -> Session {
    Session::new(atlas(), None).with_clock(at("2025-03-04T10:00:00+01:00"))
}

/// A copy of the example visit (unsigned) in `dir`.
fn example_copy(dir: &Path) -> PathBuf {
    let path = dir.join("visit.ron");
    std::fs::copy(fixture("example-visit.ron"), &path).expect("copy the fixture");
    path
}

/// The example visit, signed by Dr. A. Moreau, in `dir`.
fn signed_copy(dir: &Path) -> PathBuf {
    let path = example_copy(dir);
    let mut visit = storage::load_visit(&path, &atlas()).expect("load");
    model_sign(&mut visit);
    storage::save_visit(&path, &visit).expect("save signed");
    path
}

fn model_sign(visit: &mut Visit) {
    crate::model::sign(visit, "Dr. A. Moreau", at("2025-03-04T09:00:00+01:00")).expect("sign");
}

fn on_disk(path: &Path) -> Visit {
    storage::load_visit(path, &atlas()).expect("load from disk")
}

/// The first point's palpation pain changed, as the form would.
fn change_pain(session: &Session, pain: u8) -> Edit {
    let mut point = session.visit().points[0].clone();
    point.palpation_pain = Some(pain);
    Edit::UpdatePoint {
        point: Box::new(point),
        field: "palpation_pain",
    }
}

/// A lock file beside `path` naming an instance on another computer.
fn lock_from_elsewhere(path: &Path) -> LockInfo {
    let mut holder = LockInfo::current();
    holder.host = "another-workstation".to_owned();
    holder.user = "dr-b".to_owned();
    std::fs::write(
        lock::lock_path_for(path),
        ron::to_string(&holder).expect("lock text"),
    )
    .expect("write the lock file");
    holder
}

#[test]
fn open_edit_save_and_dirty() {
    let dir = tempfile::tempdir().expect("dir");
    let path = example_copy(dir.path());
    let mut s = session();
    let opened = s.open(&path).expect("open");
    assert_eq!(opened.points, s.visit().points.len());
    assert_eq!(s.path(), Some(path.as_path()));
    assert!(s.read_only().is_none());
    assert!(!s.is_dirty());
    let edit = change_pain(&s, 3);
    assert_eq!(s.apply(edit), Ok(true));
    assert!(s.is_dirty());
    let saved = s.save().expect("save");
    assert_eq!(saved.path, path);
    assert!(!s.is_dirty());
    assert_eq!(on_disk(&path).points[0].palpation_pain, Some(3));
    // The open file is locked by this instance while it is open.
    assert!(
        lock::read_lock(&path)
            .expect("lock")
            .expect("held")
            .is_this_process()
    );
}

#[test]
fn a_new_visit_asks_where_to_save_and_opening_fails_without_changing_anything() {
    let dir = tempfile::tempdir().expect("dir");
    let mut s = session();
    assert!(matches!(s.save(), Err(SaveError::NoFile)));
    let generation = s.generation();
    let id = s.visit().id;
    let missing = dir.path().join("missing.ron");
    assert!(s.open(&missing).is_err());
    assert_eq!(s.visit().id, id, "nothing changed");
    assert_eq!(s.generation(), generation);
    let target = dir.path().join("new.ron");
    s.save_as(&target).expect("save as");
    assert_eq!(s.path(), Some(target.as_path()));
    assert_eq!(on_disk(&target).id, id);
}

#[test]
fn signing_saves_and_makes_the_visit_read_only() {
    let dir = tempfile::tempdir().expect("dir");
    let path = example_copy(dir.path());
    let mut s = session();
    s.open(&path).expect("open");
    let edit = change_pain(&s, 3);
    s.apply(edit).expect("editable");
    s.sign("Dr. A. Moreau").expect("signed");
    assert!(!s.is_dirty(), "signing saved the visit");
    let disk = on_disk(&path);
    assert_eq!(disk.signature, s.visit().signature);
    assert_eq!(disk.points[0].palpation_pain, Some(3));
    assert!(
        matches!(s.read_only(), Some(ReadOnly::Signed { ref by, .. }) if by == "Dr. A. Moreau")
    );
    assert!(
        s.file_read_only().is_none(),
        "a signed file can still be amended"
    );
    let edit = change_pain(&s, 9);
    assert!(matches!(s.apply(edit), Err(ReadOnly::Signed { .. })));
    assert!(
        matches!(s.undo(), Err(ReadOnly::Signed { .. })),
        "undo cannot unsign"
    );
    assert!(matches!(
        s.sign("Dr. B"),
        Err(SignError::NotAllowed(ReadOnly::Signed { .. }))
    ));
}

#[test]
fn a_visit_with_no_file_is_signed_through_save_as() {
    let dir = tempfile::tempdir().expect("dir");
    let mut s = session();
    assert!(matches!(s.sign("Dr. A. Moreau"), Err(SignError::NoFile)));
    assert!(!s.visit().is_signed());
    let path = dir.path().join("signed.ron");
    s.sign_as("Dr. A. Moreau", &path).expect("signed");
    assert!(on_disk(&path).is_signed());
    assert_eq!(s.path(), Some(path.as_path()));
}

#[test]
fn a_signature_that_cannot_be_saved_is_not_kept() {
    let dir = tempfile::tempdir().expect("dir");
    let mut s = session();
    let edit = Edit::AddPoint(TriggerPoint::new(
        View::Back,
        PatientPoint::new(0.07, 0.18),
        None,
        Side::Left,
    ));
    s.apply(edit).expect("editable");
    let nowhere = dir.path().join("no-such-folder").join("visit.ron");
    assert!(matches!(
        s.sign_as("Dr. A. Moreau", &nowhere),
        Err(SignError::Save(_))
    ));
    assert!(!s.visit().is_signed(), "not signed");
    assert!(s.is_dirty(), "the work is still unsaved");
    assert!(s.read_only().is_none());
    assert!(matches!(
        s.sign_as("  ", &dir.path().join("v.ron")),
        Err(SignError::Audit(AuditError::NoName))
    ));
}

#[test]
fn amending_records_who_why_and_what_and_saves() {
    let dir = tempfile::tempdir().expect("dir");
    let path = signed_copy(dir.path());
    let mut s = session();
    s.open(&path).expect("open");
    assert!(s.can_amend());
    s.start_amendment().expect("amend");
    assert!(s.is_amending());
    assert!(s.read_only().is_none(), "amending unlocks editing");
    assert!(s.amendment_changes().expect("amending").is_empty());
    let edit = change_pain(&s, 2);
    s.apply(edit).expect("editable");
    assert!(
        matches!(s.save(), Err(SaveError::Amending)),
        "saved only by finishing it"
    );
    assert!(matches!(
        s.finish_amendment("Dr. A. Moreau", " "),
        Err(AmendError::Audit(AuditError::NoReason))
    ));
    assert!(s.is_amending(), "a refused amendment goes on");
    assert!(!s.amendment_changes().expect("amending").is_empty());
    s.finish_amendment("Dr. A. Moreau", "pain entered on the wrong point")
        .expect("recorded");
    assert!(!s.is_amending());
    assert!(!s.is_dirty());
    let disk = on_disk(&path);
    assert_eq!(disk.amendments.len(), 1);
    assert_eq!(disk.amendments[0].why, "pain entered on the wrong point");
    assert_eq!(disk.points[0].palpation_pain, Some(2));
    assert!(matches!(s.read_only(), Some(ReadOnly::Signed { .. })));
}

#[test]
fn cancelling_an_amendment_brings_back_the_signed_visit() {
    let dir = tempfile::tempdir().expect("dir");
    let path = signed_copy(dir.path());
    let mut s = session();
    s.open(&path).expect("open");
    let signed = s.visit().clone();
    s.start_amendment().expect("amend");
    let edit = change_pain(&s, 1);
    s.apply(edit).expect("editable");
    assert!(s.cancel_amendment());
    assert_eq!(s.visit(), &signed);
    assert!(!s.is_dirty());
    assert!(!s.cancel_amendment(), "nothing under way");
    assert_eq!(on_disk(&path), signed, "nothing written");
}

#[test]
fn an_unsigned_or_unsaved_visit_cannot_be_amended() {
    let dir = tempfile::tempdir().expect("dir");
    let path = example_copy(dir.path());
    let mut s = session();
    assert!(matches!(s.start_amendment(), Err(AmendError::NotAllowed)));
    s.open(&path).expect("open");
    assert!(matches!(s.start_amendment(), Err(AmendError::NotAllowed)));
    assert!(matches!(
        s.finish_amendment("a", "b"),
        Err(AmendError::NotAmending)
    ));
}

#[test]
fn a_visit_locked_elsewhere_is_read_only_until_taken_over() {
    let dir = tempfile::tempdir().expect("dir");
    let path = example_copy(dir.path());
    let holder = lock_from_elsewhere(&path);
    let mut s = session();
    s.open(&path).expect("open");
    let reason = s.read_only().expect("read-only");
    assert!(reason.can_take_over());
    assert!(matches!(&reason, ReadOnly::Locked { holder: Some(h), .. } if **h == holder));
    assert!(reason.to_string().contains("dr-b"), "{reason}");
    let edit = change_pain(&s, 3);
    assert!(matches!(s.apply(edit), Err(ReadOnly::Locked { .. })));
    assert!(matches!(s.save(), Err(SaveError::ReadOnly(_))));
    assert!(matches!(
        s.save_as(&dir.path().join("copy.ron")),
        Err(SaveError::ReadOnly(_))
    ));
    assert!(matches!(s.sign("Dr. A"), Err(SignError::NotAllowed(_))));

    assert_eq!(
        s.take_over_lock().expect("taken"),
        TookOver { reloaded: false }
    );
    assert!(s.read_only().is_none());
    assert!(
        lock::read_lock(&path)
            .expect("lock")
            .expect("held")
            .is_this_process()
    );
    let edit = change_pain(&s, 3);
    assert_eq!(s.apply(edit), Ok(true));
    s.save().expect("saved after taking over");
}

#[test]
fn a_lock_that_changed_hands_is_not_taken_over() {
    let dir = tempfile::tempdir().expect("dir");
    let path = example_copy(dir.path());
    lock_from_elsewhere(&path);
    let mut s = session();
    s.open(&path).expect("open");
    // Meanwhile a third workstation took it.
    let mut third = LockInfo::current();
    third.host = "third-workstation".to_owned();
    std::fs::write(
        lock::lock_path_for(&path),
        ron::to_string(&third).expect("text"),
    )
    .expect("write");
    assert!(matches!(s.take_over_lock(), Err(LockError::Held { .. })));
    match s.read_only() {
        Some(ReadOnly::Locked {
            holder: Some(h), ..
        }) => assert_eq!(*h, third),
        other => panic!("still read-only for the new holder: {other:?}"),
    }
}

#[test]
fn taking_over_reloads_what_the_other_instance_saved() {
    let dir = tempfile::tempdir().expect("dir");
    let path = example_copy(dir.path());
    lock_from_elsewhere(&path);
    let mut s = session();
    s.open(&path).expect("open");
    let mut theirs = on_disk(&path);
    theirs.notes = "saved by the other workstation".to_owned();
    std::fs::write(&path, storage::visit_to_string(&theirs).expect("text")).expect("write");
    assert_eq!(
        s.take_over_lock().expect("taken"),
        TookOver { reloaded: true }
    );
    assert_eq!(s.visit().notes, "saved by the other workstation");
    assert!(s.read_only().is_none());
}

#[test]
fn a_visit_of_a_newer_format_is_never_saved_anywhere() {
    let dir = tempfile::tempdir().expect("dir");
    let copy = dir.path().join("v99.ron");
    std::fs::copy(fixture("visit-v99.ron"), &copy).expect("copy");
    let before = std::fs::read(&copy).expect("read");
    let mut s = session();
    s.open(&copy).expect("open");
    let reason = s.read_only().expect("read-only");
    assert!(matches!(reason, ReadOnly::NewerFormat(_)));
    assert!(!reason.can_take_over());
    assert!(reason.to_string().contains("read-only"), "{reason}");
    assert!(matches!(s.save(), Err(SaveError::ReadOnly(_))));
    let elsewhere = dir.path().join("elsewhere.ron");
    assert!(matches!(s.save_as(&elsewhere), Err(SaveError::ReadOnly(_))));
    assert!(!elsewhere.exists(), "not written anywhere");
    assert!(matches!(
        s.sign_as("Dr. A", &elsewhere),
        Err(SignError::NotAllowed(_))
    ));
    assert_eq!(
        std::fs::read(&copy).expect("read"),
        before,
        "the file is untouched"
    );
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten_without_asking() {
    let dir = tempfile::tempdir().expect("dir");
    let path = example_copy(dir.path());
    let mut s = session();
    s.open(&path).expect("open");
    let mut theirs = on_disk(&path);
    theirs.notes = "changed by another program".to_owned();
    std::fs::write(&path, storage::visit_to_string(&theirs).expect("text")).expect("write");
    let edit = change_pain(&s, 4);
    s.apply(edit).expect("editable");
    let error = s.save().expect_err("refused");
    assert_eq!(error.changed_on_disk(), Some(path.as_path()));
    assert_eq!(on_disk(&path).notes, "changed by another program");
    // The user chose to replace it.
    s.save_replacing().expect("replaced");
    assert_eq!(on_disk(&path).points[0].palpation_pain, Some(4));
    assert!(!s.is_dirty());
}

#[test]
fn reloading_after_a_change_on_disk_shows_the_file() {
    let dir = tempfile::tempdir().expect("dir");
    let path = example_copy(dir.path());
    let mut s = session();
    s.open(&path).expect("open");
    let mut theirs = on_disk(&path);
    theirs.notes = "theirs".to_owned();
    std::fs::write(&path, storage::visit_to_string(&theirs).expect("text")).expect("write");
    let edit = change_pain(&s, 4);
    s.apply(edit).expect("editable");
    s.reload().expect("reloaded");
    assert_eq!(s.visit().notes, "theirs");
    assert!(!s.is_dirty());
    assert!(
        s.read_only().is_none(),
        "the lock is ours again after the reload"
    );
    s.save().expect("saves over the reloaded file");
}

/// A recovery store in `dir` holding `visit` recorded against `original`.
fn recovered(
    dir: &Path,
    original: Option<PathBuf>,
    visit: Visit,
) -> (RecoveryStore, PathBuf, RecoveryEntry) {
    let store = RecoveryStore::open(dir.join("recovery")).expect("store");
    let entry = RecoveryEntry::new(
        RecoveryKey::new_random(),
        original,
        visit,
        at("2025-03-04T10:00:00+01:00"),
    );
    store.write(&entry).expect("write");
    let file = store.file_of(entry.key);
    (store, file, entry)
}

#[test]
fn restoring_puts_the_work_back_as_unsaved_changes_to_its_file() {
    let dir = tempfile::tempdir().expect("dir");
    let path = example_copy(dir.path());
    let mut work = on_disk(&path);
    work.points[0].palpation_pain = Some(1);
    let (store, file, entry) = recovered(dir.path(), Some(path.clone()), work.clone());
    let mut s = Session::new(atlas(), Some(store));
    let restored = s.restore(&file, entry);
    assert_eq!(restored.path.as_deref(), Some(path.as_path()));
    assert!(restored.detached_from.is_none());
    assert!(restored.leftover.is_none());
    assert!(!file.exists(), "the recovery file is removed");
    assert_eq!(s.visit(), &work);
    assert!(s.is_dirty());
    assert!(
        s.document().can_undo(),
        "the restored changes are one undo step"
    );
    s.save().expect("saved to its file");
    assert_eq!(on_disk(&path), work);
}

#[test]
fn restoring_never_saves_over_a_file_that_now_holds_another_visit() {
    // The recovery copy names pat/visit.ron; that file now holds another patient's visit.
    let dir = tempfile::tempdir().expect("dir");
    let path = example_copy(dir.path());
    let mut other = on_disk(&path);
    other.id = crate::model::VisitId(uuid::Uuid::new_v4());
    other.patient_id = "PT-OTHER".to_owned();
    storage::save_visit(&path, &other).expect("save the other visit");
    let mut work = Visit::new_now();
    work.patient_id = "PT-0042".to_owned();
    let (store, file, entry) = recovered(dir.path(), Some(path.clone()), work.clone());
    let mut s = Session::new(atlas(), Some(store));
    let restored = s.restore(&file, entry);
    assert_eq!(
        restored.path, None,
        "not attached to the other visit's file"
    );
    assert_eq!(restored.detached_from.as_deref(), Some(path.as_path()));
    assert_eq!(s.path(), None);
    assert_eq!(s.visit(), &work);
    assert!(
        matches!(s.save(), Err(SaveError::NoFile)),
        "Save asks where"
    );
    assert_eq!(on_disk(&path), other, "the other visit is untouched");
}

#[test]
fn restoring_a_signed_visits_corrections_resumes_the_amendment() {
    let dir = tempfile::tempdir().expect("dir");
    let path = signed_copy(dir.path());
    let mut work = on_disk(&path);
    work.points[0].palpation_pain = Some(1);
    let (store, file, entry) = recovered(dir.path(), Some(path.clone()), work);
    let mut s = Session::new(atlas(), Some(store));
    let restored = s.restore(&file, entry);
    assert!(restored.resumed_amendment);
    assert!(s.is_amending());
    assert!(s.read_only().is_none());
    assert!(!s.amendment_changes().expect("amending").is_empty());
}

#[test]
fn the_recovery_copy_follows_unsaved_changes() {
    let dir = tempfile::tempdir().expect("dir");
    let store = RecoveryStore::open(dir.path().join("recovery")).expect("store");
    let path = example_copy(dir.path());
    let mut s = Session::new(atlas(), Some(store.clone()));
    s.open(&path).expect("open");
    let t0 = Instant::now();
    assert_eq!(s.keep_recovery_copy(t0), None, "nothing unsaved");
    let edit = change_pain(&s, 5);
    s.apply(edit).expect("editable");
    assert!(s.keep_recovery_copy(t0).is_some(), "written after a rest");
    assert!(store.list().expect("list").is_empty());
    assert_eq!(s.keep_recovery_copy(t0 + RECOVERY_DELAY), None);
    let listed = store.list().expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0]
            .entry
            .as_ref()
            .expect("entry")
            .original_path
            .as_deref(),
        Some(path.as_path())
    );
    s.save().expect("save");
    assert!(
        store.list().expect("list").is_empty(),
        "saving removes the copy"
    );
}

#[test]
fn opening_another_visit_releases_the_lock_and_the_recovery_copy() {
    let dir = tempfile::tempdir().expect("dir");
    let store = RecoveryStore::open(dir.path().join("recovery")).expect("store");
    let path = example_copy(dir.path());
    let mut s = Session::new(atlas(), Some(store.clone()));
    s.open(&path).expect("open");
    let edit = change_pain(&s, 5);
    s.apply(edit).expect("editable");
    let t0 = Instant::now();
    s.keep_recovery_copy(t0);
    s.keep_recovery_copy(t0 + RECOVERY_DELAY);
    assert_eq!(store.list().expect("list").len(), 1);
    let generation = s.generation();
    s.new_visit();
    assert!(s.generation() > generation);
    assert!(
        store.list().expect("list").is_empty(),
        "the copy went with the visit"
    );
    assert!(
        lock::read_lock(&path).expect("lock").is_none(),
        "the lock is released"
    );
    assert!(s.path().is_none());
}

const PATIENT_FOLDER: &str = "patients/weekly-neck";

/// A copy of the weekly-neck patient folder in `dir`.
fn patient_copy(dir: &Path) -> PathBuf {
    let folder = dir.join("weekly-neck");
    std::fs::create_dir(&folder).expect("mkdir");
    for entry in std::fs::read_dir(fixture(PATIENT_FOLDER)).expect("list") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), folder.join(entry.file_name())).expect("copy");
    }
    folder
}

#[test]
fn opening_a_folder_opens_its_latest_visit_when_nothing_is_in_hand() {
    let dir = tempfile::tempdir().expect("dir");
    let folder = patient_copy(dir.path());
    let mut s = session();
    let opened = s.open_folder(&folder).expect("folder");
    assert!(opened.visits > 1);
    assert!(matches!(opened.opened_latest, Some(Ok(_))));
    let latest = s.folder().and_then(|f| f.latest()).map(|v| v.path.clone());
    assert_eq!(s.path().map(Path::to_owned), latest);
    assert!(s.is_of_folder_patient());
    assert!(s.previous_visit().is_some());
    s.update_history();
    assert!(s.history().is_some_and(|h| !h.knots().is_empty()));
}

#[test]
fn another_patients_visit_closes_the_folder_so_nothing_of_the_first_patient_shows() {
    let dir = tempfile::tempdir().expect("dir");
    let folder = patient_copy(dir.path());
    let other_dir = dir.path().join("elsewhere");
    std::fs::create_dir(&other_dir).expect("mkdir");
    let other = example_copy(&other_dir);
    let mut s = session();
    s.open_folder(&folder).expect("folder");
    let first_patient = s.folder().expect("open").patient_id.clone();
    assert_ne!(on_disk(&other).patient_id, first_patient);
    let opened = s.open(&other).expect("open");
    // The example visit's folder holds only that visit: it is the patient's folder.
    assert_eq!(
        opened.patient,
        PatientChange::Switched {
            folder: other_dir.clone()
        }
    );
    assert_ne!(s.folder().expect("switched").patient_id, first_patient);
    assert!(s.previous_visit().is_none());

    // A visit of a third patient in a folder of mixed patients: the folder closes.
    let mixed = dir.path().join("mixed");
    std::fs::create_dir(&mixed).expect("mkdir");
    let third = example_copy(&mixed);
    let mut v = on_disk(&third);
    v.patient_id = "PT-THIRD".to_owned();
    storage::save_visit(&third, &v).expect("save");
    for n in 0..2 {
        let mut w = Visit::new_now();
        w.patient_id = "PT-MAJORITY".to_owned();
        storage::save_visit(&mixed.join(format!("w{n}.ron")), &w).expect("save");
    }
    s.open(&folder.join("2025-01-14_0930.ron"))
        .expect("back to the first patient");
    s.open_folder(&folder).expect("folder");
    let opened = s.open(&third).expect("open");
    assert_eq!(opened.patient, PatientChange::Closed);
    assert!(s.folder().is_none());
    s.update_history();
    assert!(s.history().is_none());
}

#[test]
fn a_follow_up_carries_the_knots_over_and_links_points_placed_anew() {
    let dir = tempfile::tempdir().expect("dir");
    let folder = patient_copy(dir.path());
    let mut s = session();
    s.open_folder(&folder).expect("folder");
    let latest = s.visit().clone();
    let started = s.follow_up().expect("follow-up");
    assert_eq!(started.suggested_path.parent(), Some(folder.as_path()));
    assert!(s.is_dirty(), "unsaved from the start");
    assert_eq!(s.path(), None);
    let (name, suggested_folder) = s.suggested_save_location();
    assert_eq!(suggested_folder.as_deref(), Some(folder.as_path()));
    assert_eq!(
        Some(name.as_str()),
        started.suggested_path.file_name().and_then(|n| n.to_str())
    );
    assert_eq!(s.previous_visit().map(|v| v.id), Some(latest.id));
    // A point placed where a previous knot is, in its muscle and side, continues it.
    let target = latest
        .points
        .iter()
        .find(|p| p.muscle.is_some() && p.status != crate::model::Status::Resolved)
        .expect("a knot");
    let unlinked = s
        .visit()
        .points
        .iter()
        .position(|p| p.lineage == Some(target.id));
    if let Some(index) = unlinked {
        let id = s.visit().points[index].id;
        s.apply(Edit::SetLineage { id, lineage: None })
            .expect("unlink");
    }
    let placed = TriggerPoint::new(target.view, target.pos, target.muscle.clone(), target.side);
    let id = placed.id;
    s.apply(Edit::AddPoint(placed)).expect("placed");
    assert_eq!(s.visit().point(id).and_then(|p| p.lineage), Some(target.id));
    // Saved where suggested, it joins the folder.
    let path = started.suggested_path.clone();
    s.save_as(&path).expect("saved");
    assert!(
        s.folder()
            .expect("folder")
            .visits
            .iter()
            .any(|v| v.path == path)
    );
}

#[test]
fn a_recovery_copy_with_values_not_allowed_is_offered_as_damaged() {
    let dir = tempfile::tempdir().expect("dir");
    let mut visit = Visit::new_now();
    let mut point = TriggerPoint::new(View::Back, PatientPoint::new(0.07, 0.18), None, Side::Left);
    point.palpation_pain = Some(42);
    visit.points.push(point);
    let store = RecoveryStore::open(dir.path().join("recovery")).expect("store");
    let mut entry = RecoveryEntry::new(
        RecoveryKey::new_random(),
        None,
        visit,
        at("2025-03-04T10:00:00+01:00"),
    );
    // Written by a session that has ended: a process that ran and exited.
    let mut child = std::process::Command::new("true").spawn().expect("spawn");
    entry.pid = child.id();
    child.wait().expect("wait");
    store.write(&entry).expect("write");
    let s = Session::new(atlas(), Some(store));
    let offer = s.recovery_offer().expect("offered");
    assert_eq!(offer.problems.len(), 1, "{:?}", offer.problems);
    assert!(offer.problems[0].contains("pain"), "{:?}", offer.problems);
}

#[test]
fn a_needle_visit_keeps_the_clinics_aftercare_when_signed_and_others_do_not() {
    let dir = tempfile::tempdir().expect("dir");
    let path = example_copy(dir.path());
    let mut s = session();
    s.set_clinic_aftercare(Some("Rest today. Call 555-0100 if worse.".to_owned()));
    s.open(&path).expect("open");
    assert!(s.visit().has_needle_procedure());
    assert_eq!(
        s.record_context().aftercare,
        "Rest today. Call 555-0100 if worse."
    );
    s.sign("Dr. A. Moreau").expect("signed");
    let kept = Some("Rest today. Call 555-0100 if worse.".to_owned());
    assert_eq!(
        on_disk(&path).aftercare,
        kept,
        "the record keeps what was given"
    );
    // The clinic's text changes later: the signed visit's report still prints what it kept.
    s.set_clinic_aftercare(Some("A new text.".to_owned()));
    assert_eq!(
        s.record_context().aftercare,
        "Rest today. Call 555-0100 if worse."
    );

    let untreated = dir.path().join("untreated.ron");
    let mut visit = on_disk(&path);
    visit.signature = None;
    visit.aftercare = None;
    visit.id = crate::model::VisitId(uuid::Uuid::new_v4());
    // Only the ischaemic compression stays: manual therapy has no needle aftercare.
    for point in &mut visit.points {
        point
            .treatments
            .retain(|t| matches!(t.procedure, crate::model::Procedure::ManualTherapy { .. }));
    }
    assert!(visit.points.iter().any(|p| !p.treatments.is_empty()));
    storage::save_visit(&untreated, &visit).expect("save");
    s.open(&untreated).expect("open");
    s.sign("Dr. A. Moreau").expect("signed");
    assert_eq!(
        on_disk(&untreated).aftercare,
        None,
        "no treatment, no aftercare"
    );
}

#[test]
fn coding_is_confirmed_by_the_visits_clinician_and_undone_like_any_edit() {
    let dir = tempfile::tempdir().expect("dir");
    let path = example_copy(dir.path());
    let mut s = session();
    s.open(&path).expect("open");
    let suggested = crate::export::suggest_coding(s.visit(), s.atlas()).codes();
    let mut own = suggested.clone();
    own.dry_needling = None;
    s.confirm_coding(own.clone()).expect("confirmed");
    let coding = s.visit().coding.clone().expect("coding");
    assert_eq!(coding.codes, own);
    assert_eq!(coding.suggested, suggested);
    assert_eq!(coding.by, "Dr. A. Moreau");
    assert_eq!(coding.at, at("2025-03-04T10:00:00+01:00"));
    assert!(s.is_dirty());
    s.save().expect("saved");
    assert_eq!(on_disk(&path).coding, Some(coding));
    assert!(s.undo().expect("editable"));
    assert_eq!(s.visit().coding, None);

    let mut bad = suggested.clone();
    bad.diagnoses = vec!["M79.1".to_owned()];
    assert!(matches!(
        s.confirm_coding(bad),
        Err(CodingError::Codes(crate::export::ConfirmError::Codes(_)))
    ));
    let mut details = s.visit().details();
    details.clinician.clear();
    s.apply(Edit::UpdateVisitDetails {
        details: Box::new(details),
        field: "clinician",
    })
    .expect("editable");
    assert!(matches!(
        s.confirm_coding(suggested.clone()),
        Err(CodingError::Codes(crate::export::ConfirmError::NoName))
    ));

    // A signed visit takes its coding in an amendment, which records the change.
    let other = tempfile::tempdir().expect("dir");
    let signed = signed_copy(other.path());
    s.open(&signed).expect("open");
    assert!(matches!(
        s.confirm_coding(suggested.clone()),
        Err(CodingError::ReadOnly(ReadOnly::Signed { .. }))
    ));
    s.start_amendment().expect("amend");
    s.confirm_coding(suggested)
        .expect("confirmed in the amendment");
    let saved = s
        .finish_amendment("Dr. A. Moreau", "Coding confirmed after review")
        .expect("recorded");
    drop(saved);
    let amended = on_disk(&signed);
    assert!(amended.coding.is_some());
    let what = &amended.amendments.last().expect("amendment").what;
    assert!(
        what.iter()
            .any(|line| line.starts_with("coding: not confirmed → CPT 20552, 20560")),
        "{what:?}"
    );
}
