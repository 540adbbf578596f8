//! The patient history in the app, driven headless with egui_kittest: opening a patient folder,
//! opening a visit from its list, a follow-up visit with its knots carried over, automatic
//! linking of a point placed anew, unlink and undo, the comparison view and the knot history.
//!
//! Every test works on a copy of a committed fixture folder in a temporary directory, and keeps
//! its recent-patients list there too: nothing is written into the repository or the user's
//! configuration.
#![cfg(feature = "gui")]
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{DateTime, FixedOffset};
use common::patient_copy as copy_fixture;
use common::ui::{app_with_answers, click_on, harness};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use triggermap::history::{RecentPatients, Trend};
use triggermap::model::{PointId, Status, View};
use triggermap::ui::TriggerMapApp;
use triggermap::ui::comparison;
use triggermap::ui::file_dialog::FileAnswer;
use triggermap::ui::history_dock::HistoryTab;

const WEEKLY_NECK: &str = "weekly-neck";
const MIXED_FILES: &str = "mixed-files";

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2025-02-04T09:30:00+01:00").expect("date")
}

fn app(dir: &Path, answers: Vec<FileAnswer>) -> TriggerMapApp {
    app_with_answers(answers)
        .with_recent_patients(dir.join("recent-patients.ron"))
        .with_clock(now())
}

fn point_id(text: &str) -> PointId {
    PointId(text.parse().expect("uuid"))
}

/// Opens the folder with File > Open patient folder… (the picker answers with it).
fn open_folder_from_menu(folder: &Path, dir: &Path) -> Harness<'static, TriggerMapApp> {
    let mut h = harness(app(dir, vec![FileAnswer::Chosen(folder.to_owned())]));
    h.get_by_label("File").click();
    h.run();
    h.run();
    h.get_by_label("Open patient folder…").click();
    h.run();
    h.run();
    h
}

/// The weekly-neck patient with the visit of 28 January open and compared with the one before.
fn comparing_28_january() -> (tempfile::TempDir, Harness<'static, TriggerMapApp>) {
    let (dir, folder) = copy_fixture(WEEKLY_NECK);
    let mut h = harness(app(dir.path(), vec![]));
    h.state_mut().open_folder(&folder);
    h.run();
    h.get_by_label_contains("Tue 28 Jan 2025").click();
    h.run();
    h.get_by_label("Compare visits").click();
    h.run();
    h.run();
    (dir, h)
}

#[test]
fn opening_a_patient_folder_lists_its_visits_and_opens_one_with_a_click() {
    let (dir, folder) = copy_fixture(WEEKLY_NECK);
    let mut h = open_folder_from_menu(&folder, dir.path());
    let opened = h.state().session().folder().expect("folder open");
    assert_eq!(opened.visits.len(), 4);
    assert_eq!(opened.patient_id, "PT-0001");
    // The visits are listed newest first, with their number of points.
    h.get_by_label_contains("Tue 28 Jan 2025 09:30").click();
    h.run();
    assert_eq!(
        h.state().path(),
        Some(folder.join("2025-01-28_0930.ron").as_path())
    );
    assert_eq!(h.state().visit().points.len(), 6);
    // Another visit: no unsaved changes, so no question.
    h.get_by_label_contains("Tue 14 Jan 2025 09:30").click();
    h.run();
    assert_eq!(
        h.state().path(),
        Some(folder.join("2025-01-14_0930.ron").as_path())
    );
    // The patient is remembered in the list given, not in the user's configuration.
    let recent = RecentPatients::load(&dir.path().join("recent-patients.ron")).expect("recent");
    assert_eq!(recent.patients.len(), 1);
    assert_eq!(recent.patients[0].folder, folder);
    assert_eq!(recent.patients[0].patient_id, "PT-0001");
}

#[test]
fn a_visit_opened_from_the_list_asks_about_unsaved_changes_first() {
    let (dir, folder) = copy_fixture(WEEKLY_NECK);
    let mut h = harness(app(dir.path(), vec![]));
    h.state_mut().open_folder(&folder);
    h.run();
    // The latest visit opens with the folder when nothing else is in hand.
    assert_eq!(
        h.state().path(),
        Some(folder.join("2025-01-28_0930.ron").as_path())
    );
    click_on(&mut h, View::Front, 0.08, 0.25);
    assert!(h.state().is_dirty());
    h.get_by_label_contains("Tue 21 Jan 2025").click();
    h.run();
    assert!(
        h.state().dialog().is_some(),
        "asks before dropping the new point"
    );
    h.get_by_label("Don't save").click();
    h.run();
    assert_eq!(
        h.state().path(),
        Some(folder.join("2025-01-21_0930.ron").as_path())
    );
}

#[test]
fn a_folder_named_on_the_command_line_opens_as_a_patient() {
    let (dir, folder) = copy_fixture(MIXED_FILES);
    let mut h = harness(app(dir.path(), vec![]));
    h.state_mut().open_argument(&folder);
    h.run();
    let opened = h.state().session().folder().expect("folder open");
    assert_eq!(opened.visits.len(), 3);
    assert!(opened.bad_files.len() >= 3);
    // Each bad file is listed by name, its error in a tooltip and below it.
    h.get_by_label_contains("damaged.ron");
    h.get_by_label_contains("other-patient.ron");
    assert!(h.state().dialog().is_none());
}

#[test]
fn a_follow_up_visit_carries_every_knot_over_to_re_examine_and_saves_into_the_folder() {
    let (dir, folder) = copy_fixture(WEEKLY_NECK);
    let save_to = folder.join("2025-02-04_0930.ron");
    let mut h = harness(app(dir.path(), vec![FileAnswer::Chosen(save_to.clone())]));
    h.state_mut().open_folder(&folder);
    h.run();
    h.get_by_label("New follow-up visit").click();
    h.run();

    let latest = &h.state().session().folder().expect("folder").visits[3].visit;
    let carried: Vec<PointId> = latest
        .points
        .iter()
        .filter(|p| p.status != Status::Resolved)
        .map(|p| p.id)
        .collect();
    let visit = h.state().visit();
    assert_eq!(visit.patient_id, "PT-0001");
    assert_eq!(visit.date_time, now());
    assert_eq!(
        visit.points.len(),
        carried.len(),
        "the resolved knot is not carried"
    );
    for (point, previous) in visit.points.iter().zip(&carried) {
        assert_eq!(point.status, Status::ToReexamine);
        assert_eq!(point.lineage, Some(*previous));
        assert!(point.palpation_pain.is_none(), "findings start empty");
    }
    assert!(h.state().is_dirty(), "a new visit is unsaved work");
    assert!(h.state().path().is_none());
    assert!(
        h.state().history_views().show_previous,
        "the last visit is shown faintly"
    );

    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run();
    h.run();
    assert_eq!(h.state().path(), Some(save_to.as_path()));
    assert!(!h.state().is_dirty());
    let listed = h.state().session().folder().expect("folder");
    assert_eq!(listed.visits.len(), 5, "the saved visit joins the list");
    assert_eq!(listed.latest().expect("latest").path, save_to);
}

#[test]
fn a_point_placed_anew_in_a_follow_up_is_linked_to_last_weeks_knot_in_one_undo_step() {
    let (dir, folder) = copy_fixture(WEEKLY_NECK);
    let mut h = harness(app(dir.path(), vec![]));
    h.state_mut().open_folder(&folder);
    h.run();
    h.get_by_label("New follow-up visit").click();
    h.run();
    // The right upper trapezius knot of 28 January, carried over as point 1 of today.
    let last_week = point_id("10000000-0000-4000-8000-000000010204");
    let carried = h
        .state()
        .visit()
        .points
        .iter()
        .find(|p| p.lineage == Some(last_week))
        .expect("carried over")
        .id;
    // The clinician deletes it and places it anew a little lower.
    click_on(&mut h, View::Back, -0.07, 0.18);
    assert_eq!(h.state().selected(), Some(carried));
    h.key_press(egui::Key::Delete);
    h.run();
    assert_eq!(h.state().visit().points.len(), 4);
    click_on(&mut h, View::Back, -0.072, 0.183);
    let placed = h.state().visit().points.last().expect("placed").clone();
    assert_eq!(
        placed.muscle.as_ref().map(|m| m.as_str()),
        Some("upper_trapezius")
    );
    assert_eq!(placed.lineage, Some(last_week), "linked automatically");
    // The Knot section names the link.
    h.get_by_label_contains("Linked to point #2 of 28 Jan");

    // Undo removes the point and its link at once.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().visit().points.len(), 4);
}

#[test]
fn unlink_link_and_mark_resolved_are_edits_that_undo() {
    let (dir, folder) = copy_fixture(WEEKLY_NECK);
    let mut h = harness(app(dir.path(), vec![]));
    h.state_mut().open_folder(&folder);
    h.run();
    h.get_by_label("New follow-up visit").click();
    h.run();
    let last_week = point_id("10000000-0000-4000-8000-000000010204");
    click_on(&mut h, View::Back, -0.07, 0.18);
    let id = h.state().selected().expect("selected");
    h.get_by_label("Unlink").click();
    h.run();
    assert_eq!(h.state().visit().point(id).expect("point").lineage, None);
    h.get_by_label_contains("Not linked to 28 Jan");

    // Link it again from the list of last week's points.
    h.get_by_label("previous point").click();
    h.run();
    h.get_by_label_contains("#2 Upper trapezius R").click();
    h.run();
    assert_eq!(
        h.state().visit().point(id).expect("point").lineage,
        Some(last_week)
    );

    h.get_by_label("Mark resolved").click();
    h.run();
    assert_eq!(
        h.state().visit().point(id).expect("point").status,
        Status::Resolved
    );
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(
        h.state().visit().point(id).expect("point").status,
        Status::ToReexamine
    );
}

#[test]
fn the_comparison_view_counts_new_resolved_and_unchanged_knots() {
    let (_dir, mut h) = comparing_28_january();
    // By default: the visit before the open one against the open one.
    for label in [
        "New 1",
        "Resolved 1",
        "Better 0",
        "Worse 0",
        "Unchanged 3",
        "Not measured 1",
    ] {
        h.get_by_label(label);
    }
    let state = h.state();
    let comparison = comparison::current(state.session(), &state.history_views().comparison)
        .expect("comparison");
    let counts = comparison.counts();
    assert_eq!(counts[&Trend::New], 1);
    assert_eq!(counts[&Trend::Resolved], 1);
    assert_eq!(counts[&Trend::Unchanged], 3);
    assert_eq!(counts[&Trend::NotMeasured], 1);
    assert_eq!(comparison.a_date.format("%F").to_string(), "2025-01-21");
    assert_eq!(comparison.b_date.format("%F").to_string(), "2025-01-28");

    // Pick the first visit as A: four weeks of change.
    h.get_by_label("earlier visit (A)").click();
    h.run();
    h.get_by_label("Tue 07 Jan 2025").click();
    h.run();
    h.run();
    let state = h.state();
    let comparison = comparison::current(state.session(), &state.history_views().comparison)
        .expect("comparison");
    assert_eq!(comparison.a_date.format("%F").to_string(), "2025-01-07");
    assert!(
        comparison.counts()[&Trend::Worse] >= 1,
        "the right trapezius got worse"
    );
}

#[test]
fn the_knot_history_window_opens_for_the_selected_knot() {
    let (dir, folder) = copy_fixture(WEEKLY_NECK);
    let mut h = harness(app(dir.path(), vec![]));
    h.state_mut().open_folder(&folder);
    h.run();
    h.get_by_label_contains("Tue 28 Jan 2025").click();
    h.run();
    click_on(&mut h, View::Back, -0.07, 0.18);
    assert!(h.state().selected().is_some());
    h.get_by_label("History…").click();
    h.run();
    h.run();
    assert!(h.state().history_views().knot.is_some());
    assert_eq!(h.state().history_views().tab, Some(HistoryTab::Knot));
    h.get_by_label_contains("Knot K2 — Upper trapezius (right)");
    h.get_by_label("Palpation pain (NRS 0–10)");
    h.get_by_label("Pressure pain threshold (kg/cm²)");
    // One row per visit, with the status at each.
    h.get_by_label("Tue 07 Jan 2025");
    h.get_by_label("Tue 28 Jan 2025");

    // The overview lists every knot, and its buttons open a knot's history too.
    h.get_by_label("Overview").click();
    h.run();
    h.run();
    assert_eq!(h.state().history_views().tab, Some(HistoryTab::Overview));
    h.get_by_label("Patient overview");
    assert_eq!(h.get_all_by_label("History…").count(), 1 + 7);
}

#[test]
fn another_patients_visit_never_shows_the_first_patients_history() {
    let (dir, mut h) = comparing_28_january();
    h.get_by_label("Unchanged 3");
    assert!(h.get_all_by_label_contains("PT-0001").count() > 0);

    // Patient B's visit, in a folder of its own elsewhere.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    let b = common::example_copy(&elsewhere);
    let b_patient = common::on_disk(&b).patient_id;
    assert_ne!(b_patient, "PT-0001");
    h.state_mut().open_path(&b);
    h.run();
    h.run();

    let state = h.state();
    assert_eq!(state.path(), Some(b.as_path()));
    let folder_now = state.session().folder().map(|f| f.patient_id.clone());
    assert_ne!(folder_now.as_deref(), Some("PT-0001"), "A's folder is gone");
    assert!(
        state.history_views().tab.is_none(),
        "A's comparison is closed"
    );
    assert!(state.session().previous_visit().is_none());
    assert_eq!(
        h.query_all_by_label_contains("PT-0001").count(),
        0,
        "nothing on screen names patient A"
    );
    assert_eq!(h.query_all_by_label_contains("Unchanged").count(), 0);
}

#[test]
fn a_carried_over_knot_shows_last_visits_findings_beside_todays() {
    let (dir, folder) = copy_fixture(WEEKLY_NECK);
    let mut h = harness(app(dir.path(), vec![]));
    h.state_mut().open_folder(&folder);
    h.run();
    h.get_by_label("New follow-up visit").click();
    h.run();
    let latest = h.state().session().folder().expect("folder").visits[3]
        .visit
        .clone();
    let today = h.state().visit().points[0].clone();
    let before = latest
        .point(today.lineage.expect("carried over"))
        .expect("in the last visit")
        .clone();
    h.state_mut()
        .carry_out(triggermap::ui::action::Action::Select(Some(today.id)), None);
    h.run();
    h.run();
    let shown = format!(
        "Last visit, {}: {}",
        latest.date_time.format("%d %b"),
        before.status.label()
    );
    h.get_by_label_contains(&shown);
    if let Some(pain) = before.palpation_pain {
        h.get_by_label_contains(&format!("pain {pain}"));
    }
    h.get_by_label_contains("Since first charted");
}

#[test]
fn the_point_list_marks_each_knots_trend() {
    let (dir, folder) = copy_fixture(WEEKLY_NECK);
    let mut h = harness(app(dir.path(), vec![]));
    h.state_mut().open_folder(&folder);
    h.run();
    h.run();
    // K2, the right upper trapezius, got worse over the four weeks.
    assert!(h.query_all_by_label("worse").count() >= 1);
    h.get_by_label_contains("2. Upper trapezius · Right");
}
