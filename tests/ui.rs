//! The app as a clinician uses it, driven headless with egui_kittest: click the chart on a named
//! muscle, drag, delete, undo and redo, shortcuts, files and their errors.
#![cfg(feature = "gui")]
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::ui::{app_with_answers, click, click_on, ctrl, drag, harness, screen};
use egui::Modifiers;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use triggermap::atlas::Atlas;
use triggermap::model::PatientPoint;
use triggermap::model::{Side, View};
use triggermap::ui::canvas::Layout;
use triggermap::ui::dialogs::{Dialog, OpenFailed};
use triggermap::ui::file_dialog::FileAnswer;

#[test]
fn a_click_on_the_back_names_the_muscle_and_the_patients_side() {
    let mut h = harness(app_with_answers(vec![]));
    // The left upper trapezius at its classic site, on the back view.
    let at = screen(&h, View::Back, 0.07, 0.18);
    let front_center = screen(&h, View::Front, 0.0, 0.5);
    assert!(
        at.x > front_center.x,
        "the back view is right of the front view"
    );
    let back_mid = screen(&h, View::Back, 0.0, 0.18);
    assert!(
        at.x < back_mid.x,
        "the patient's left is on the viewer's left on the back view"
    );
    click(&mut h, at);
    let visit = h.state().visit();
    assert_eq!(visit.points.len(), 1);
    let point = &visit.points[0];
    assert_eq!(
        point.muscle.as_ref().map(|m| m.as_str()),
        Some("upper_trapezius")
    );
    assert_eq!(point.side, Side::Left);
    assert_eq!(point.view, View::Back);
    assert!((point.pos.x - 0.07).abs() < 0.005 && (point.pos.y - 0.18).abs() < 0.005);
    assert_eq!(h.state().selected(), Some(point.id));
    // The list mirrors the chart.
    h.get_by_label("1. Upper trapezius · Left · Not classified");
}

#[test]
fn a_click_on_the_front_names_the_patients_right_on_the_viewers_left() {
    let mut h = harness(app_with_answers(vec![]));
    let at = screen(&h, View::Front, -0.06, 0.25);
    let mid = screen(&h, View::Front, 0.0, 0.25);
    assert!(
        at.x < mid.x,
        "the patient's right is on the viewer's left on the front view"
    );
    click(&mut h, at);
    let point = &h.state().visit().points[0];
    assert_eq!(
        point.muscle.as_ref().map(|m| m.as_str()),
        Some("pectoralis_major")
    );
    assert_eq!(point.side, Side::Right);
    assert_eq!(point.view, View::Front);
}

#[test]
fn a_click_in_the_body_outside_every_muscle_places_an_unassigned_point() {
    let mut h = harness(app_with_answers(vec![]));
    click_on(&mut h, View::Front, 0.0, 0.05);
    let point = &h.state().visit().points[0];
    assert_eq!(point.muscle, None);
    // The form offers the nearest muscles.
    h.get_by_label_contains("Not inside a muscle");
    // A click beside the figure places nothing.
    click_on(&mut h, View::Front, 0.2, 0.5);
    assert_eq!(h.state().visit().points.len(), 1);
}

#[test]
fn dragging_a_point_reidentifies_the_muscle_and_is_one_undo_step() {
    let mut h = harness(app_with_answers(vec![]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    let id = h.state().visit().points[0].id;
    // Drag it down onto the left gluteus maximus.
    let from = screen(&h, View::Back, 0.07, 0.18);
    let to = screen(&h, View::Back, 0.05, 0.52);
    drag(&mut h, from, to);
    let point = h.state().visit().point(id).expect("same point").clone();
    assert_eq!(
        point.muscle.as_ref().map(|m| m.as_str()),
        Some("gluteus_maximus")
    );
    assert_eq!(point.side, Side::Left);
    assert_eq!(
        h.state().visit().points.len(),
        1,
        "a drag moves, it does not add"
    );
    ctrl(&mut h, egui::Key::Z);
    let point = h.state().visit().point(id).expect("still there").clone();
    assert_eq!(
        point.muscle.as_ref().map(|m| m.as_str()),
        Some("upper_trapezius")
    );
    ctrl(&mut h, egui::Key::Y);
    let point = h.state().visit().point(id).expect("still there").clone();
    assert_eq!(
        point.muscle.as_ref().map(|m| m.as_str()),
        Some("gluteus_maximus")
    );
}

#[test]
fn delete_undo_and_redo_from_the_keyboard() {
    let mut h = harness(app_with_answers(vec![]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    click_on(&mut h, View::Back, -0.08, 0.23);
    assert_eq!(h.state().visit().points.len(), 2);
    assert_eq!(h.state().visit().points[1].side, Side::Right);
    h.key_press(egui::Key::Delete);
    h.run();
    assert_eq!(h.state().visit().points.len(), 1);
    ctrl(&mut h, egui::Key::Z);
    assert_eq!(h.state().visit().points.len(), 2);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, egui::Key::Z);
    h.run();
    assert_eq!(h.state().visit().points.len(), 1);
    ctrl(&mut h, egui::Key::Z);
    ctrl(&mut h, egui::Key::Z);
    ctrl(&mut h, egui::Key::Z);
    assert!(h.state().visit().points.is_empty());
    assert!(
        !h.state().is_dirty(),
        "undoing everything returns to the saved visit"
    );
}

#[test]
fn the_list_selects_points_like_the_chart_and_from_the_keyboard() {
    let mut h = harness(app_with_answers(vec![]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    click_on(&mut h, View::Front, -0.06, 0.25);
    let ids: Vec<_> = h.state().visit().points.iter().map(|p| p.id).collect();
    h.get_by_label("1. Upper trapezius · Left · Not classified")
        .click();
    h.run();
    assert_eq!(h.state().selected(), Some(ids[0]));
    h.key_press(egui::Key::ArrowDown);
    h.run();
    assert_eq!(h.state().selected(), Some(ids[1]));
    h.key_press(egui::Key::ArrowUp);
    h.run();
    assert_eq!(h.state().selected(), Some(ids[0]));
}

#[test]
fn shortcuts_do_nothing_while_typing() {
    let mut h = harness(app_with_answers(vec![FileAnswer::Cancelled]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    let notes = h.get_by_label("Notes");
    notes.focus();
    h.run();
    h.get_by_label("Notes").type_text("taut band");
    h.run();
    h.key_press(egui::Key::Delete);
    h.run();
    ctrl(&mut h, egui::Key::N);
    ctrl(&mut h, egui::Key::S);
    ctrl(&mut h, egui::Key::O);
    h.key_press(egui::Key::ArrowDown);
    h.run();
    let state = h.state();
    assert_eq!(
        state.visit().points.len(),
        1,
        "Delete and Ctrl+N did not act"
    );
    assert!(
        state.dialog().is_none(),
        "no unsaved-changes prompt from Ctrl+N or Ctrl+O"
    );
    assert!(state.visit().points[0].notes.contains("taut band"));
}

#[test]
fn form_edits_are_recorded_and_undone_one_action_at_a_time() {
    let mut h = harness(app_with_answers(vec![]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Active")
        .click();
    h.run();
    assert_eq!(
        h.state().visit().points[0].status,
        triggermap::model::Status::Active
    );
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Referred pain")
        .focus();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Referred pain")
        .type_text("temple");
    h.run();
    assert_eq!(h.state().visit().points[0].referred_pain, "temple");
    // Leave the text field, then undo: the typing goes in one step, the status in the next.
    h.key_press(egui::Key::Escape);
    h.run();
    h.get_by_label("Patient ID").focus();
    h.run();
    h.key_press(egui::Key::Tab);
    h.run();
    h.state_mut().run_command(
        triggermap::ui::commands::Command::Undo,
        &egui::Context::default(),
    );
    assert_eq!(h.state().visit().points[0].referred_pain, "");
    assert_eq!(
        h.state().visit().points[0].status,
        triggermap::model::Status::Active
    );
}

#[test]
fn save_and_reopen_through_the_file_dialog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("visit.ron");
    let mut h = harness(app_with_answers(vec![
        FileAnswer::Chosen(path.clone()),
        FileAnswer::Chosen(path.clone()),
    ]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    assert!(h.state().is_dirty());
    ctrl(&mut h, egui::Key::S);
    assert!(path.exists(), "Ctrl+S on a new visit asks where and saves");
    assert!(!h.state().is_dirty());
    let saved = h.state().visit().clone();
    // New, then open it again.
    ctrl(&mut h, egui::Key::N);
    assert!(h.state().visit().points.is_empty());
    ctrl(&mut h, egui::Key::O);
    assert_eq!(h.state().visit(), &saved);
    assert_eq!(h.state().path(), Some(path.as_path()));
}

#[test]
fn new_with_unsaved_changes_asks_first() {
    let mut h = harness(app_with_answers(vec![]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    ctrl(&mut h, egui::Key::N);
    assert!(matches!(
        h.state().dialog(),
        Some(Dialog::UnsavedChanges(_))
    ));
    h.get_by_label("Cancel").click();
    h.run();
    assert_eq!(h.state().visit().points.len(), 1, "Cancel keeps the visit");
    ctrl(&mut h, egui::Key::N);
    h.get_by_label("Don't save").click();
    h.run();
    assert!(h.state().visit().points.is_empty());
}

#[test]
fn a_damaged_file_shows_its_error_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.ron");
    std::fs::write(
        &bad,
        "(format: \"triggermap-visit\", version: 1,\n visit: (id: 12",
    )
    .expect("write");
    let mut h = harness(app_with_answers(vec![FileAnswer::Chosen(bad.clone())]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    let before = h.state().visit().clone();
    h.state_mut().open_path(&bad);
    h.run();
    match h.state().dialog() {
        Some(Dialog::OpenFailed(OpenFailed { text, backup })) => {
            assert!(text.contains("bad.ron:2:"), "names file and line: {text}");
            assert_eq!(*backup, None, "bad.ron has no backup");
        }
        other => panic!("expected an error dialog, got {other:?}"),
    }
    assert_eq!(h.state().visit(), &before, "nothing the user had is lost");
    assert!(Path::new(&bad).exists());
}

#[test]
fn a_damaged_file_offers_its_backup_copy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = common::example_copy(dir.path());
    let backup = triggermap::storage::backup_path_for(&good);
    std::fs::copy(&good, &backup).expect("backup");
    std::fs::write(
        &good,
        "(format: \"triggermap-visit\", version: 2,\n visit: (",
    )
    .expect("damage");
    let mut h = harness(app_with_answers(vec![]));
    h.state_mut().open_path(&good);
    h.run();
    assert!(matches!(
        h.state().dialog(),
        Some(Dialog::OpenFailed(OpenFailed { backup: Some(b), .. })) if *b == backup
    ));
    h.get_by_label("Open the backup copy").click();
    h.run();
    assert!(h.state().dialog().is_none(), "the backup opened");
    assert_eq!(h.state().path(), Some(backup.as_path()));
    assert_eq!(h.state().visit().points.len(), 5);
}

#[test]
fn the_single_view_layout_shows_one_diagram() {
    let mut h = harness(app_with_answers(vec![]));
    h.get_by_label("Back only").click();
    h.run();
    assert_eq!(h.state().canvas.layout, Layout::Single(View::Back));
    assert!(
        h.state()
            .canvas
            .screen_pos(View::Front, PatientPoint::new(0.0, 0.5))
            .is_none()
    );
    click_on(&mut h, View::Back, 0.07, 0.18);
    assert_eq!(h.state().visit().points[0].side, Side::Left);
}

#[test]
fn unsaved_work_of_a_killed_session_is_offered_and_restored() {
    use triggermap::recovery::{RecoveryEntry, RecoveryKey, RecoveryStore};
    let dir = tempfile::tempdir().expect("temp dir");
    let store = RecoveryStore::open(dir.path().join("recovery")).expect("store");
    // A session that has ended: a process that ran and exited.
    let mut child = std::process::Command::new("true").spawn().expect("spawn");
    let dead_pid = child.id();
    child.wait().expect("wait");
    let mut visit = triggermap::model::Visit::new_now();
    visit.patient_id = "PT-7".to_owned();
    let atlas = Atlas::builtin().expect("atlas");
    let pos = PatientPoint::new(0.07, 0.18);
    let (muscle, side) = triggermap::editing::identify(&atlas, View::Back, pos);
    visit.points.push(triggermap::model::TriggerPoint::new(
        View::Back,
        pos,
        muscle,
        side,
    ));
    let mut entry = RecoveryEntry::new(
        RecoveryKey::new_random(),
        None,
        visit.clone(),
        chrono::Local::now().fixed_offset(),
    );
    entry.pid = dead_pid;
    store.write(&entry).expect("write");

    let app = app_with_answers(vec![])
        .with_recovery(RecoveryStore::open(dir.path().join("recovery")).expect("store"));
    let mut h = harness(app);
    assert!(matches!(h.state().dialog(), Some(Dialog::Recover { .. })));
    h.get_by_label("Restore").click();
    h.run();
    assert_eq!(h.state().visit().points, visit.points);
    assert_eq!(h.state().visit().patient_id, "PT-7");
    assert!(h.state().is_dirty(), "restored work is unsaved until saved");
    assert!(
        store.restorable().expect("list").is_empty(),
        "the old copy is gone"
    );
}

#[test]
fn the_list_scrolls_to_a_point_selected_elsewhere() {
    let atlas = Atlas::builtin().expect("atlas");
    let mut app = app_with_answers(vec![]);
    for i in 0..60 {
        let pos = PatientPoint::new(0.05 + 0.0005 * i as f32, 0.45);
        let (muscle, side) = triggermap::editing::identify(&atlas, View::Back, pos);
        app.apply(triggermap::editing::Edit::AddPoint(
            triggermap::model::TriggerPoint::new(View::Back, pos, muscle, side),
        ));
    }
    let mut h = harness(app);
    let last = h.state().visit().points[59].clone();
    let label = triggermap::ui::point_list::row_label(&atlas, 60, &last);
    assert!(
        h.query_by_label(&label).is_none(),
        "row 60 starts out of sight"
    );
    // Up with nothing selected selects the last point; the list follows it.
    h.key_press(egui::Key::ArrowUp);
    // The scroll bar fades in and out over a few frames, then the window is idle again.
    h.run_steps(10);
    h.run();
    assert_eq!(h.state().selected(), Some(last.id));
    h.get_by_label(&label);
}

#[test]
fn placing_points_with_long_names_never_moves_the_chart() {
    let mut h = harness(app_with_answers(vec![]));
    // The diagrams' rectangles, to the nearest pixel.
    let rects = |h: &egui_kittest::Harness<'_, triggermap::ui::TriggerMapApp>| {
        [View::Front, View::Back].map(|v| {
            let r = h.state().canvas.view_rect(v).expect("shown");
            [r.min.x, r.min.y, r.max.x, r.max.y].map(|c| c.round() as i32)
        })
    };
    let before = rects(&h);
    // Gastrocnemius (medial and lateral heads), the longest name in a list row: the first point
    // clicked, the others placed beside it as the chart places them.
    click_on(&mut h, View::Back, 0.03, 0.77);
    for i in 1..20 {
        let side = if i % 2 == 0 { Side::Left } else { Side::Right };
        let x = if i % 2 == 0 { 0.03 } else { -0.03 };
        let point = triggermap::model::TriggerPoint::new(
            View::Back,
            PatientPoint::new(x, 0.75 + 0.003 * i as f32),
            Some(triggermap::model::MuscleId::from("gastrocnemius")),
            side,
        );
        let id = point.id;
        h.state_mut()
            .apply(triggermap::editing::Edit::AddPoint(point));
        h.run();
        let at = screen(&h, View::Back, x, 0.75 + 0.003 * i as f32);
        h.hover_at(at);
        h.run();
        assert!(h.state().visit().point(id).is_some());
    }
    assert_eq!(h.state().visit().points.len(), 20);
    assert!(
        h.state().visit().points.iter().all(|p| p
            .muscle
            .as_ref()
            .is_some_and(|m| m.as_str() == "gastrocnemius")),
        "every point is in the gastrocnemius"
    );
    assert_eq!(rects(&h), before, "placing points did not move the chart");
    ctrl(&mut h, egui::Key::Z);
    h.run();
    assert_eq!(rects(&h), before, "undo did not move the chart");
}

#[test]
fn nothing_is_recorded_that_the_clinician_did_not_choose() {
    use egui::accesskit::Role;
    use triggermap::model::Procedure;
    let mut h = harness(app_with_answers(vec![]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    let point = h.state().visit().points[0].clone();
    assert_eq!(point.palpation_pain, None);
    assert_eq!(point.pressure_threshold, None);

    // Pain: a score is recorded only when one is clicked.
    h.get_all_by_role_and_label(Role::Button, "7")
        .next()
        .expect("the palpation pain scale")
        .click();
    h.run();
    assert_eq!(h.state().visit().points[0].palpation_pain, Some(7));

    // Pressure threshold: typed, not picked.
    h.get_by_role_and_label(Role::TextInput, "Pressure threshold")
        .focus();
    h.get_by_role_and_label(Role::TextInput, "Pressure threshold")
        .type_text("2,5");
    h.run();
    assert_eq!(h.state().visit().points[0].pressure_threshold, Some(2.5));

    // A new injection: no agent, concentration or volume chosen for the clinician; the pain
    // before is this point's palpation pain, visibly.
    h.get_by_label("Add…").click();
    h.run();
    h.get_by_label("Injection").click();
    h.run();
    let treatment = h.state().visit().points[0].treatments[0].clone();
    match &treatment.procedure {
        Procedure::Injection {
            agent,
            concentration,
            volume_ml,
            needle,
        } => {
            assert!(agent.is_empty() && concentration.is_empty() && needle.is_empty());
            assert_eq!(*volume_ml, None);
        }
        other => panic!("an injection, got {other:?}"),
    }
    assert_eq!(treatment.pain_before, Some(7));
    assert_eq!(treatment.pain_after, None);
}

#[test]
fn status_pain_and_criteria_from_the_keyboard_while_a_point_is_selected() {
    use triggermap::model::{Criterion, Status};
    let mut h = harness(app_with_answers(vec![]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    h.key_press(egui::Key::A);
    h.run();
    assert_eq!(h.state().visit().points[0].status, Status::Active);
    h.key_press(egui::Key::L);
    h.run();
    assert_eq!(h.state().visit().points[0].status, Status::Latent);
    h.key_press(egui::Key::Num7);
    h.run();
    assert_eq!(h.state().visit().points[0].palpation_pain, Some(7));
    h.key_press_modifiers(Modifiers::SHIFT, egui::Key::Y);
    h.run();
    let point = h.state().visit().points[0].clone();
    assert!(
        point
            .criteria
            .labelled()
            .iter()
            .all(|(_, c)| *c == Criterion::Yes),
        "{:?}",
        point.criteria
    );
    // While typing, the keys are text.
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Referred pain")
        .focus();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Referred pain")
        .type_text("a 3");
    h.key_press(egui::Key::A);
    h.key_press(egui::Key::Num3);
    h.run();
    let point = &h.state().visit().points[0];
    assert_eq!(point.status, Status::Latent);
    assert_eq!(point.palpation_pain, Some(7));
    assert_eq!(point.referred_pain, "a 3");
}

#[test]
fn saving_onto_a_file_of_another_visit_asks_first_naming_both_patients() {
    use triggermap::ui::dialogs::{Dialog, ReplaceOtherVisit};
    let dir = tempfile::tempdir().expect("temp dir");
    let other = common::example_copy(dir.path());
    let before = std::fs::read(&other).expect("read");
    let mut h = harness(app_with_answers(vec![FileAnswer::Chosen(other.clone())]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    ctrl(&mut h, egui::Key::S);
    h.run();
    assert!(
        matches!(
            h.state().dialog(),
            Some(Dialog::ReplaceOtherVisit(ReplaceOtherVisit { on_disk_patient, .. }))
                if on_disk_patient == "TM-0042"
        ),
        "{:?}",
        h.state().dialog()
    );
    h.get_by_label_contains("holds another visit, of patient TM-0042");
    assert_eq!(std::fs::read(&other).expect("read"), before, "not written");
    h.get_by_label("Replace it").click();
    h.run();
    assert!(
        !h.state().is_dirty(),
        "saved once the user chose to replace it"
    );
    assert_eq!(h.state().path(), Some(other.as_path()));
    assert_eq!(common::on_disk(&other).points.len(), 1);
}

#[test]
fn zoom_to_the_points_fills_the_diagram_with_them() {
    let mut h = harness(app_with_answers(vec![]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    click_on(&mut h, View::Back, -0.07, 0.20);
    h.get_by_label("Zoom to points").click();
    h.run();
    h.run();
    let canvas = &h.state().canvas;
    assert!(
        canvas.camera(View::Back).zoom > 1.3,
        "{:?}",
        canvas.camera(View::Back)
    );
    assert_eq!(
        canvas.camera(View::Front).zoom,
        1.0,
        "no points on the front"
    );
    let rect = canvas.view_rect(View::Back).expect("shown");
    for p in &h.state().visit().points {
        let at = canvas.screen_pos(View::Back, p.pos).expect("shown");
        assert!(rect.shrink(20.0).contains(at), "{at:?} in {rect:?}");
    }
}

#[test]
fn a_placement_undone_and_redone_is_selected_again() {
    let mut h = harness(app_with_answers(vec![]));
    click_on(&mut h, View::Back, 0.07, 0.18);
    let id = h.state().visit().points[0].id;
    assert_eq!(h.state().selected(), Some(id));
    ctrl(&mut h, egui::Key::Z);
    assert_eq!(h.state().selected(), None);
    ctrl(&mut h, egui::Key::Y);
    assert_eq!(
        h.state().selected(),
        Some(id),
        "the point placed again is selected"
    );
}

#[test]
fn same_findings_as_another_point_copies_them_in_one_step() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = common::example_copy(dir.path());
    let mut app = app_with_answers(vec![]);
    app.open_path(&path);
    let mut h = harness(app);
    let first = h.state().visit().points[0].clone();
    let last = h.state().visit().points[4].clone();
    h.state_mut()
        .carry_out(triggermap::ui::action::Action::Select(Some(last.id)), None);
    h.run();
    h.get_by_label("Same findings as…").click();
    h.run();
    h.get_by_label_contains("1. Active").click();
    h.run();
    let copied = h.state().visit().points[4].clone();
    assert_eq!(copied.status, first.status);
    assert_eq!(copied.criteria, first.criteria);
    assert_eq!(copied.palpation_pain, first.palpation_pain);
    assert_eq!(copied.pressure_threshold, first.pressure_threshold);
    assert_eq!(copied.referred_pain, first.referred_pain);
    assert_eq!(copied.muscle, last.muscle, "its own muscle");
    assert_eq!(copied.treatments, last.treatments, "its own treatments");
    ctrl(&mut h, egui::Key::Z);
    assert_eq!(h.state().visit().points[4], last, "one undo step");
}

#[test]
fn a_clinicians_preset_fills_the_next_injection_and_the_dose_limit_warns() {
    use egui::accesskit::Role;
    use triggermap::clinicians::Clinicians;
    use triggermap::editing::Edit;
    use triggermap::model::{Procedure, Treatment};
    let dir = tempfile::tempdir().expect("temp dir");
    let settings_file = dir.path().join("config").join("clinicians.ron");
    let app = app_with_answers(vec![]).with_clinician_settings(settings_file.clone());
    let mut h = harness(app);
    let mut details = h.state().visit().details();
    details.clinician = "Dr Weber".into();
    h.state_mut().apply(Edit::UpdateVisitDetails {
        details: Box::new(details),
        field: "clinician",
    });
    h.run();

    // The first injection is typed in full, then kept as a preset.
    click_on(&mut h, View::Back, 0.07, 0.18);
    let mut first = h.state().visit().points[0].clone();
    let lidocaine = Procedure::Injection {
        agent: "lidocaine".into(),
        concentration: "1%".into(),
        volume_ml: Some(3.0),
        needle: "27 G 1.5 in".into(),
    };
    first.treatments.push(Treatment {
        procedure: lidocaine.clone(),
        pain_before: None,
        pain_after: None,
        notes: String::new(),
    });
    h.state_mut().apply(Edit::UpdatePoint {
        point: Box::new(first),
        field: "treatment",
    });
    h.run();
    h.get_by_label("Save as preset").click();
    h.run();
    let saved = Clinicians::load(&settings_file).expect("settings saved");
    let weber = saved
        .of("dr weber")
        .expect("kept under the visit's clinician");
    assert_eq!(weber.presets.len(), 1);
    assert_eq!(weber.presets[0].procedure, lidocaine);
    assert!(
        h.query_by_label("Save as preset").is_none(),
        "a procedure already kept is not offered again"
    );

    // The next point's injection comes from the preset in two clicks.
    click_on(&mut h, View::Back, -0.07, 0.18);
    h.get_by_label("Add…").click();
    h.run();
    h.get_by_label("lidocaine · 1% · 3 mL · 27 G 1.5 in")
        .click();
    h.run();
    let second = h.state().visit().points[1].clone();
    assert_eq!(second.treatments.len(), 1);
    assert_eq!(second.treatments[0].procedure, lidocaine);
    assert!(
        h.query_by_label_contains("Injected: 2 injections · 6.0 mL · lidocaine 60 mg")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Warning:").is_none(),
        "no maximum set yet"
    );

    // A maximum of 50 mg: the visit's 60 mg is flagged.
    common::ui::menu_item(&mut h, "Visit", "Presets and dose limits…");
    h.get_by_role_and_label(Role::TextInput, "lidocaine")
        .focus();
    h.get_by_role_and_label(Role::TextInput, "lidocaine")
        .type_text("50");
    h.run();
    h.get_by_label("Save").click();
    h.run();
    let saved = Clinicians::load(&settings_file).expect("settings saved");
    assert_eq!(
        saved.of("Dr Weber").unwrap().max_dose_mg.get("lidocaine"),
        Some(&50.0)
    );
    assert!(
        h.query_by_label_contains("Warning: lidocaine 60 mg is above your maximum of 50 mg")
            .is_some()
    );
}

#[test]
fn presets_need_the_clinicians_name() {
    let mut h = harness(app_with_answers(vec![]));
    common::ui::menu_item(&mut h, "Visit", "Presets and dose limits…");
    match h.state().dialog() {
        Some(Dialog::Message(message)) => {
            assert!(message.text.contains("Clinician field"), "{}", message.text)
        }
        other => panic!("a message naming the clinician field, got {other:?}"),
    }
}

#[test]
fn a_click_on_the_midline_says_which_side_was_recorded() {
    let mut h = harness(app_with_answers(vec![]));
    click_on(&mut h, View::Back, 0.0005, 0.3);
    let point = h.state().visit().points[0].clone();
    assert_ne!(point.side, Side::Midline, "a bilateral muscle");
    assert!(
        h.state().status().contains(&format!(
            "on the midline: recorded as the patient's {}",
            point.side
        )),
        "{}",
        h.state().status()
    );
    click_on(&mut h, View::Back, 0.06, 0.3);
    assert!(
        !h.state().status().contains("midline"),
        "{}",
        h.state().status()
    );
}

#[test]
fn the_head_profiles_name_the_jaw_muscles_and_the_profiles_side() {
    use triggermap::ui::canvas::Layout;
    let mut h = harness(app_with_answers(vec![]));
    ctrl(&mut h, egui::Key::Num2);
    assert_eq!(h.state().canvas.layout, Layout::Profiles);
    // The masseter's mid-belly and the temporalis on the left profile, then on the right one, at
    // the same profile coordinates: the side is the profile's.
    for (view, side) in [
        (View::LeftProfile, Side::Left),
        (View::RightProfile, Side::Right),
    ] {
        click_on(&mut h, view, 0.022, 0.095);
        click_on(&mut h, view, 0.012, 0.04);
        let points = &h.state().visit().points;
        let placed = &points[points.len() - 2..];
        assert_eq!(
            placed[0].muscle.as_ref().map(|m| m.as_str()),
            Some("masseter")
        );
        assert_eq!(
            placed[1].muscle.as_ref().map(|m| m.as_str()),
            Some("temporalis")
        );
        for point in placed {
            assert_eq!(point.view, view);
            assert_eq!(point.side, side, "{view:?}");
        }
    }
    // The face is drawn toward the viewer's left on the left profile and right on the right one.
    let left_face = screen(&h, View::LeftProfile, 0.05, 0.08);
    let left_ear = screen(&h, View::LeftProfile, 0.0, 0.08);
    assert!(left_face.x < left_ear.x);
    let right_face = screen(&h, View::RightProfile, 0.05, 0.08);
    let right_ear = screen(&h, View::RightProfile, 0.0, 0.08);
    assert!(right_face.x > right_ear.x);
    ctrl(&mut h, egui::Key::Num1);
    assert_eq!(h.state().canvas.layout, Layout::Both);
    assert_eq!(
        h.state().visit().points.len(),
        4,
        "the profile points stay in the visit"
    );
}

#[test]
fn a_female_visit_is_charted_on_the_female_figure() {
    use triggermap::editing::Edit;
    use triggermap::model::Figure;
    let mut h = harness(app_with_answers(vec![]));
    // At the male figure's hip edge the female figure (wider hips) has a muscle.
    let (x, y) = (0.112, 0.5);
    click_on(&mut h, View::Front, x, y);
    assert!(
        h.state().visit().points.is_empty(),
        "outside the male figure"
    );
    let mut details = h.state().visit().details();
    details.figure = Figure::Female;
    h.state_mut().apply(Edit::UpdateVisitDetails {
        details: Box::new(details),
        field: "figure",
    });
    h.run();
    click_on(&mut h, View::Front, x, y);
    let point = h.state().visit().points[0].clone();
    assert!(point.muscle.is_some(), "inside the female figure's hip");
    assert_eq!(point.side, Side::Left);
    // Once charted, the figure stays: its points are places on it.
    let mut details = h.state().visit().details();
    details.figure = Figure::Male;
    h.state_mut().apply(Edit::UpdateVisitDetails {
        details: Box::new(details),
        field: "figure",
    });
    h.run();
    assert_eq!(h.state().visit().figure, Figure::Female);
}

/// Exports the example visit with *File > `item`* to the file the user names `name` (without an
/// extension), the clinic's aftercare text being "Rest today."; returns the file written (`name`
/// with `extension` added) and the status line, having checked that the visit file is unchanged.
fn export_example(item: &str, name: &str, extension: &str) -> (Vec<u8>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = common::example_copy(dir.path());
    let before = std::fs::read(&path).expect("visit");
    let aftercare = dir.path().join("aftercare.txt");
    std::fs::write(&aftercare, "Rest today.\n").expect("write");
    let mut app = app_with_answers(vec![FileAnswer::Chosen(dir.path().join(name))])
        .with_aftercare_file(aftercare);
    app.open_path(&path);
    let mut h = harness(app);
    common::ui::menu_item(&mut h, "File", item);
    let written = dir.path().join(format!("{name}.{extension}"));
    let bytes = std::fs::read(&written).expect("exported");
    assert_eq!(
        std::fs::read(&path).expect("visit"),
        before,
        "the visit file is not changed"
    );
    (bytes, h.state().status().to_owned())
}

#[test]
fn the_visit_exports_as_a_fhir_bundle() {
    let (json, status) = export_example("Export FHIR…", "export", "json");
    let json: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    assert_eq!(json["resourceType"], "Bundle");
    assert_eq!(json["type"], "collection");
    assert!(status.contains("FHIR R4 bundle"), "{status}");
}

#[test]
fn the_chart_exports_as_a_png_beside_the_visit() {
    let (png, status) = export_example("Export chart (PNG)…", "chart", "png");
    assert!(png.starts_with(b"\x89PNG"));
    assert!(status.contains("Exported the chart"), "{status}");
}

#[test]
fn the_report_exports_as_a_pdf_and_says_it_is_a_draft() {
    let (pdf, status) = export_example("Export report (PDF)…", "report", "pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        status.contains("(a draft: the visit is not signed)"),
        "{status}"
    );
}

#[test]
fn the_clinician_confirms_the_coding_with_codes_of_their_own() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = common::example_copy(dir.path());
    let mut app = app_with_answers(vec![]);
    app.open_path(&path);
    let mut h = harness(app);
    h.get_by_label_contains("Coding, suggested: 20552 · 20560")
        .click();
    h.run();
    assert!(
        h.query_by_label_contains("not yet confirmed by the clinician")
            .is_some()
    );
    // Dry needling is not billed here: the clinician clears its code.
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "CPT, dry needling")
        .focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run();
    h.get_by_label("Confirm coding").click();
    h.run();
    let coding = h.state().visit().coding.clone().expect("confirmed");
    assert_eq!(coding.codes.injection.as_deref(), Some("20552"));
    assert_eq!(coding.codes.dry_needling, None);
    assert_eq!(coding.suggested.dry_needling.as_deref(), Some("20560"));
    assert_eq!(coding.by, "Dr. A. Moreau");
    assert!(
        h.query_by_label_contains("Coding, own codes: 20552 · M79.12 · M79.18")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("TriggerMap had suggested CPT 20552, 20560")
            .is_some()
    );

    // A header code cannot be confirmed: the reason shows and the button does nothing.
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "ICD-10-CM")
        .focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "ICD-10-CM")
        .type_text("M79.1");
    h.run();
    assert!(h.query_by_label_contains("M79.1 is a header").is_some());
    h.get_by_label("Confirm again").click();
    h.run();
    assert_eq!(
        h.state()
            .visit()
            .coding
            .as_ref()
            .map(|c| c.codes.diagnoses.clone()),
        Some(vec!["M79.12".to_owned(), "M79.18".to_owned()]),
        "unchanged"
    );

    // Saved with the visit; undo withdraws it like any edit.
    ctrl(&mut h, egui::Key::S);
    assert_eq!(common::on_disk(&path).coding, Some(coding));
    ctrl(&mut h, egui::Key::Z);
    assert_eq!(h.state().visit().coding, None);
}

#[test]
fn the_clinics_aftercare_text_is_edited_in_the_app_and_saved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("config").join("aftercare.txt");
    let app = app_with_answers(vec![]).with_aftercare_file(file.clone());
    let mut h = harness(app);
    common::ui::menu_item(&mut h, "Visit", "Aftercare instructions…");
    let shown = h
        .get_by_role_and_label(
            egui::accesskit::Role::MultilineTextInput,
            "Aftercare instructions",
        )
        .value()
        .unwrap_or_default();
    assert!(
        shown.starts_with("After trigger point injection or dry needling"),
        "the default text to start from: {shown}"
    );
    h.get_by_role_and_label(
        egui::accesskit::Role::MultilineTextInput,
        "Aftercare instructions",
    )
    .focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(
        egui::accesskit::Role::MultilineTextInput,
        "Aftercare instructions",
    )
    .type_text("Rest today. Call 555-0199 if it gets worse.");
    h.run();
    h.get_by_label("Save").click();
    h.run();
    assert_eq!(
        std::fs::read_to_string(&file).expect("saved"),
        "Rest today. Call 555-0199 if it gets worse.\n"
    );
    assert_eq!(
        h.state().session().clinic_aftercare(),
        Some("Rest today. Call 555-0199 if it gets worse.")
    );
    assert!(h.state().dialog().is_none());
}

#[test]
fn the_coding_counts_the_patients_injection_sessions_of_the_year() {
    let (_dir, folder) = common::patient_copy("weekly-neck");
    let mut app = app_with_answers(vec![]);
    app.open_folder(&folder);
    let visit = app.visit().clone();
    assert_eq!(visit.date_time.date_naive().to_string(), "2025-01-28");
    // Today's first point is injected too; the patient was injected on 7 January.
    let mut point = visit.points[0].clone();
    point.treatments.push(triggermap::model::Treatment {
        procedure: triggermap::model::Procedure::Injection {
            agent: "lidocaine".into(),
            concentration: "1%".into(),
            volume_ml: Some(1.0),
            needle: String::new(),
        },
        pain_before: None,
        pain_after: None,
        notes: String::new(),
    });
    app.apply(triggermap::editing::Edit::UpdatePoint {
        point: Box::new(point),
        field: "treatments",
    });
    let mut h = harness(app);
    h.get_by_label_contains("Coding, suggested:").click();
    h.run();
    assert!(
        h.query_by_label_contains(
            "Trigger point injection sessions in the 12 months up to this visit: 2 (this one included; earlier: 2025-01-07)"
        )
        .is_some()
    );
}
