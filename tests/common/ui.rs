//! The app in a headless egui_kittest harness, and the clicks, drags and keys of a clinician.

use egui::{Modifiers, Pos2, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use triggermap::geometry::PatientPoint;
use triggermap::model::View;
use triggermap::ui::TriggerMapApp;
use triggermap::ui::file_dialog::{FileAnswer, ScriptedPicker};

/// The app with a file picker that gives these answers, in order.
pub fn app_with_answers(answers: Vec<FileAnswer>) -> TriggerMapApp {
    TriggerMapApp::new(super::atlas(), Box::new(ScriptedPicker::new(answers)))
}

/// The app in a 1400×900 harness, after a first frame.
pub fn harness(app: TriggerMapApp) -> Harness<'static, TriggerMapApp> {
    let mut harness = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut TriggerMapApp| app.show(ui), app);
    harness.run();
    harness
}

/// Where the chart drew a patient-frame point of `view`.
pub fn screen(harness: &Harness<'_, TriggerMapApp>, view: View, x: f32, y: f32) -> Pos2 {
    harness
        .state()
        .canvas
        .screen_pos(view, PatientPoint::new(x, y))
        .expect("view shown")
}

/// A click at a screen position, as a mouse makes it.
pub fn click(harness: &mut Harness<'_, TriggerMapApp>, at: Pos2) {
    harness.hover_at(at);
    harness.run();
    harness.drag_at(at);
    harness.drop_at(at);
    harness.run();
}

/// A click on the chart at a patient-frame point of `view`.
pub fn click_on(harness: &mut Harness<'_, TriggerMapApp>, view: View, x: f32, y: f32) {
    let at = screen(harness, view, x, y);
    click(harness, at);
}

/// A drag from one screen position to another, in a few steps.
pub fn drag(harness: &mut Harness<'_, TriggerMapApp>, from: Pos2, to: Pos2) {
    harness.hover_at(from);
    harness.run();
    harness.drag_at(from);
    harness.run();
    for i in 1..=5 {
        let t = i as f32 / 5.0;
        harness.hover_at(from + (to - from) * t);
        harness.run();
    }
    harness.drop_at(to);
    harness.run();
}

/// Ctrl (Cmd on a Mac) with `key`.
pub fn ctrl(harness: &mut Harness<'_, TriggerMapApp>, key: egui::Key) {
    harness.key_press_modifiers(Modifiers::COMMAND, key);
    harness.run();
}

/// Chooses `item` from the menu `menu` of the menu bar.
pub fn menu_item(harness: &mut Harness<'_, TriggerMapApp>, menu: &str, item: &str) {
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, menu)
        .click();
    harness.run();
    harness.get_by_label(item).click();
    harness.run();
}
