//! Finalised visits as a clinician meets them, driven headless with egui_kittest: signing (and
//! the file on disk carrying the signature), amending a signed visit (who, why and what kept in
//! the file), cancelling an amendment, undo that cannot touch a signed visit, and taking over the
//! lock of a visit another instance holds.
#![cfg(feature = "gui")]
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::ui::{app_with_answers, harness, menu_item};
use common::{example_copy, on_disk, signed_copy};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use triggermap::editing::Edit;
use triggermap::lock::{self, LockInfo};
use triggermap::model::Visit;
use triggermap::ui::TriggerMapApp;
use triggermap::ui::commands::Command;
use triggermap::ui::dialogs::{
    Dialog, DiscardAmendment, FinishAmendment, SignDialog, TakeOverLock,
};
use triggermap::ui::file_dialog::FileAnswer;

fn open(path: &Path) -> Harness<'static, TriggerMapApp> {
    let mut app = app_with_answers(vec![]);
    app.open_path(path);
    harness(app)
}

fn click_visit_menu(h: &mut Harness<'_, TriggerMapApp>, item: &str) {
    menu_item(h, "Visit", item);
}

/// A change of the first point's palpation pain, as the form would make it.
fn change_pain(visit: &Visit, pain: u8) -> Edit {
    let mut point = visit.points[0].clone();
    point.palpation_pain = Some(pain);
    Edit::UpdatePoint {
        point: Box::new(point),
        field: "palpation_pain",
    }
}

#[test]
fn signing_saves_the_signature_and_makes_the_visit_read_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = example_copy(dir.path());
    let mut h = open(&path);
    assert!(h.state().read_only().is_none(), "unsigned: editable");
    // An unsaved change goes into the signed file too: signing saves.
    let edit = change_pain(h.state().visit(), 3);
    h.state_mut().apply(edit);
    assert!(h.state().is_dirty());

    click_visit_menu(&mut h, "Sign visit…");
    assert!(
        matches!(
            h.state().dialog(),
            Some(Dialog::Sign(SignDialog { name, error: None })) if name == "Dr. A. Moreau"
        ),
        "the name is prefilled with the visit's clinician"
    );
    assert!(
        h.query_by_label_contains("The coding is not confirmed")
            .is_some(),
        "an injected visit whose coding nobody confirmed says so before signing"
    );
    h.get_by_label("Sign and save").click();
    h.run();

    let state = h.state();
    assert!(state.dialog().is_none());
    assert!(!state.is_dirty(), "signing saved the visit");
    assert!(
        on_disk(&path).aftercare.is_some(),
        "the injected visit keeps the aftercare text it was given"
    );
    let signature = state.visit().signature.clone().expect("signed in the app");
    assert_eq!(signature.clinician, "Dr. A. Moreau");
    let disk = on_disk(&path);
    assert_eq!(
        disk.signature.as_ref(),
        Some(&signature),
        "the file carries it"
    );
    assert_eq!(disk.points[0].palpation_pain, Some(3));
    assert!(state.read_only().is_some(), "a signed visit is read-only");
    h.get_by_label_contains("Signed by Dr. A. Moreau on");

    // Neither edits nor undo change it now.
    let before = h.state().visit().clone();
    let edit = change_pain(&before, 9);
    h.state_mut().apply(edit);
    let id = before.points[0].id;
    h.state_mut().apply(Edit::DeletePoint(id));
    h.state_mut()
        .run_command(Command::Undo, &egui::Context::default());
    h.state_mut()
        .run_command(Command::Redo, &egui::Context::default());
    h.run();
    assert_eq!(
        h.state().visit(),
        &before,
        "the signed visit did not change"
    );
    assert!(!h.state().is_dirty());
    assert_eq!(on_disk(&path), before);
}

#[test]
fn a_new_visit_is_saved_where_the_user_chooses_when_signed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("new-visit.ron");
    let mut h = harness(app_with_answers(vec![FileAnswer::Chosen(path.clone())]));
    click_visit_menu(&mut h, "Sign visit…");
    // The new visit has no clinician: the name must be typed, and signing waits for it.
    h.get_by_label("Choose file, sign and save…").click();
    h.run();
    assert!(
        matches!(h.state().dialog(), Some(Dialog::Sign(_))),
        "no name: not signed"
    );
    h.get_by_role_and_label(Role::TextInput, "Clinician signing")
        .focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Clinician signing")
        .type_text("Dr. B. Okafor");
    h.run();
    h.get_by_label("Choose file, sign and save…").click();
    h.run();
    h.run();
    assert_eq!(h.state().path(), Some(path.as_path()));
    let disk = on_disk(&path);
    assert_eq!(
        disk.signature.map(|s| s.clinician),
        Some("Dr. B. Okafor".to_owned())
    );
    assert!(h.state().read_only().is_some());
}

#[test]
fn a_cancelled_save_as_leaves_the_new_visit_unsigned() {
    let mut h = harness(app_with_answers(vec![FileAnswer::Cancelled]));
    click_visit_menu(&mut h, "Sign visit…");
    h.get_by_role_and_label(Role::TextInput, "Clinician signing")
        .focus();
    h.get_by_role_and_label(Role::TextInput, "Clinician signing")
        .type_text("Dr. B. Okafor");
    h.run();
    h.get_by_label("Choose file, sign and save…").click();
    h.run();
    h.run();
    assert!(!h.state().visit().is_signed());
    assert!(h.state().read_only().is_none());
}

#[test]
fn an_amendment_keeps_who_when_what_and_why_in_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = signed_copy(dir.path());
    let mut h = open(&path);
    assert!(h.state().read_only().is_some());
    h.get_by_label_contains("Amendments (0)");

    h.get_by_label("Amend…").click();
    h.run();
    assert!(h.state().session().is_amending());
    assert!(h.state().read_only().is_none(), "amending unlocks editing");
    h.get_by_label_contains("AMENDING");
    assert_eq!(h.state().visit().points[0].palpation_pain, Some(7));
    let edit = change_pain(h.state().visit(), 5);
    h.state_mut().apply(edit);
    assert!(h.state().is_dirty());

    // Save while amending asks who and why rather than saving silently.
    h.state_mut()
        .run_command(Command::Save, &egui::Context::default());
    h.run();
    assert!(matches!(
        h.state().dialog(),
        Some(Dialog::FinishAmendment(FinishAmendment { by, .. })) if by == "Dr. A. Moreau"
    ));
    h.get_by_label_contains("palpation pain: 7 -> 5");
    // No reason: nothing is recorded.
    h.get_by_label("Record amendment and save").click();
    h.run();
    assert!(h.state().session().is_amending());
    assert!(on_disk(&path).amendments.is_empty());
    h.get_by_role_and_label(Role::MultilineTextInput, "Reason for the amendment")
        .focus();
    h.run();
    h.get_by_role_and_label(Role::MultilineTextInput, "Reason for the amendment")
        .type_text("pain score entered on the wrong point");
    h.run();
    h.get_by_label("Record amendment and save").click();
    h.run();

    let state = h.state();
    assert!(!state.session().is_amending());
    assert!(state.dialog().is_none());
    assert!(!state.is_dirty());
    assert!(state.read_only().is_some(), "signed and read-only again");
    let disk = on_disk(&path);
    assert_eq!(disk.points[0].palpation_pain, Some(5));
    assert_eq!(disk.amendments.len(), 1);
    let amendment = &disk.amendments[0];
    assert_eq!(amendment.by, "Dr. A. Moreau");
    assert_eq!(amendment.why, "pain score entered on the wrong point");
    assert!(
        amendment
            .what
            .iter()
            .any(|line| line.contains("palpation pain") && line.contains("7 → 5")),
        "{:?}",
        amendment.what
    );
    assert_eq!(
        disk.signature.map(|s| s.clinician),
        Some("Dr. A. Moreau".to_owned())
    );
    // The app shows it.
    h.get_by_label_contains("Amendments (1)");
    h.get_by_label("Why: pain score entered on the wrong point");

    // Undo cannot reach back into the amendment now that it is recorded.
    let before = h.state().visit().clone();
    h.state_mut()
        .run_command(Command::Undo, &egui::Context::default());
    assert_eq!(h.state().visit(), &before);
}

#[test]
fn cancelling_an_amendment_discards_the_corrections() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = signed_copy(dir.path());
    let signed = on_disk(&path);
    let mut h = open(&path);
    h.get_by_label("Amend…").click();
    h.run();
    let edit = change_pain(h.state().visit(), 1);
    h.state_mut().apply(edit);
    h.get_by_label("Cancel amendment").click();
    h.run();
    assert!(matches!(
        h.state().dialog(),
        Some(Dialog::DiscardAmendment(DiscardAmendment))
    ));
    h.get_by_label("Discard corrections").click();
    h.run();
    assert!(!h.state().session().is_amending());
    assert_eq!(h.state().visit(), &signed);
    assert!(!h.state().is_dirty());
    assert_eq!(on_disk(&path), signed);
    assert!(h.state().read_only().is_some());
}

#[test]
fn a_visit_locked_by_another_instance_can_be_taken_over() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = example_copy(dir.path());
    let mut holder = LockInfo::current();
    holder.user = "mlee".to_owned();
    holder.host = "ward-pc-7.invalid".to_owned();
    holder.pid = 4242;
    holder.since = chrono::DateTime::parse_from_rfc3339("2025-03-04T08:00:00+01:00").expect("time");
    std::fs::write(
        lock::lock_path_for(&path),
        ron::to_string(&holder).expect("lock text"),
    )
    .expect("write the lock file");

    let mut h = open(&path);
    let reason = h.state().read_only().expect("read-only").to_string();
    assert!(reason.contains("mlee on ward-pc-7.invalid"), "{reason}");
    let before = h.state().visit().clone();
    let edit = change_pain(&before, 2);
    h.state_mut().apply(edit);
    assert_eq!(h.state().visit(), &before, "read-only: the edit is refused");

    h.get_by_label("Take over the lock…").click();
    h.run();
    assert!(matches!(
        h.state().dialog(),
        Some(Dialog::TakeOverLock(TakeOverLock))
    ));
    // The warning names the holder.
    h.get_by_label_contains("open in another TriggerMap: mlee on ward-pc-7.invalid (process 4242)");
    h.get_by_label("Take over the lock").click();
    h.run();

    assert!(h.state().read_only().is_none());
    assert!(h.state().read_only().is_none(), "editable now");
    let now_held = lock::read_lock(&path)
        .expect("read the lock")
        .expect("locked");
    assert!(now_held.is_this_process(), "this instance holds the lock");
    let edit = change_pain(h.state().visit(), 2);
    h.state_mut().apply(edit);
    assert!(h.state().is_dirty());
    h.state_mut()
        .run_command(Command::Save, &egui::Context::default());
    assert!(h.state().dialog().is_none(), "{:?}", h.state().dialog());
    assert_eq!(on_disk(&path).points[0].palpation_pain, Some(2));
}
