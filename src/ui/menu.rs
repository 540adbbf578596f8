//! The menu bar and the chart toolbar beside it: the menus are built from [`Command`]s (label,
//! shortcut, tooltip) and answer with [`Action`]s; layout and zoom change the canvas directly,
//! since they are views, not changes of the visit.

use super::action::Action;
use super::canvas::{CanvasState, Layout};
use super::commands::Command;
use super::history_dock::HistoryViews;
use super::style;
use crate::history::RecentPatient;
use crate::model::{Status, View};
use egui::Ui;

/// What the menus need to know to enable their items.
#[derive(Debug, Default)]
pub struct MenuState {
    /// The visit can be edited.
    pub editable: bool,
    /// There is something to undo.
    pub can_undo: bool,
    /// There is something to redo.
    pub can_redo: bool,
    /// A point is selected.
    pub has_selection: bool,
    /// No file dialog is open.
    pub picker_idle: bool,
    /// The visit can be signed.
    pub can_sign: bool,
    /// The visit can be amended.
    pub can_amend: bool,
    /// An amendment is under way.
    pub amending: bool,
    /// Another instance's lock can be taken over.
    pub can_take_over: bool,
    /// A patient folder is open.
    pub has_folder: bool,
    /// A follow-up visit can be started.
    pub can_follow_up: bool,
    /// The recently opened patients.
    pub recent: Vec<RecentPatient>,
}

impl MenuState {
    fn enabled(&self, command: Command) -> bool {
        match command {
            Command::Undo => self.can_undo && self.editable,
            Command::Redo => self.can_redo && self.editable,
            Command::DeletePoint => self.has_selection,
            Command::Open
            | Command::SaveAs
            | Command::Save
            | Command::New
            | Command::OpenFolder => self.picker_idle,
            Command::SelectPrevious | Command::SelectNext => true,
            Command::NewFollowUp => self.can_follow_up,
            Command::Sign => self.can_sign && self.picker_idle,
            Command::Amend => self.can_amend,
            Command::FinishAmendment | Command::CancelAmendment => self.amending,
            Command::TakeOverLock => self.can_take_over,
            Command::PatientOverview | Command::CompareVisits => self.has_folder,
            Command::ZoomToPoints
            | Command::ClinicianSettings
            | Command::AftercareText
            | Command::ShowFrontAndBack
            | Command::ShowHeadProfiles => true,
            Command::ExportFhir | Command::ExportChart | Command::ExportReport => self.picker_idle,
            Command::MarkActive | Command::MarkLatent | Command::AllCriteriaYes => {
                self.has_selection && self.editable
            }
        }
    }
}

/// The menu bar and toolbar; returns what the user chose.
pub fn bar(
    ui: &mut Ui,
    state: &MenuState,
    canvas: &mut CanvasState,
    history: &mut HistoryViews,
) -> Vec<Action> {
    let mut actions = Vec::new();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            for command in [Command::New, Command::Open, Command::Save, Command::SaveAs] {
                command_button(ui, state, command, &mut actions);
            }
            ui.separator();
            for command in [Command::OpenFolder, Command::NewFollowUp] {
                command_button(ui, state, command, &mut actions);
            }
            ui.separator();
            command_button(ui, state, Command::ExportReport, &mut actions);
            command_button(ui, state, Command::ExportChart, &mut actions);
            command_button(ui, state, Command::ExportFhir, &mut actions);
            recent_patients(ui, &state.recent, &mut actions);
        });
        ui.menu_button("Edit", |ui| {
            for command in [Command::Undo, Command::Redo, Command::DeletePoint] {
                command_button(ui, state, command, &mut actions);
            }
            ui.separator();
            for command in [
                Command::MarkActive,
                Command::MarkLatent,
                Command::AllCriteriaYes,
            ] {
                command_button(ui, state, command, &mut actions);
            }
        });
        ui.menu_button("Visit", |ui| {
            command_button(ui, state, Command::Sign, &mut actions);
            command_button(ui, state, Command::Amend, &mut actions);
            if state.amending {
                command_button(ui, state, Command::FinishAmendment, &mut actions);
                command_button(ui, state, Command::CancelAmendment, &mut actions);
            }
            if state.can_take_over {
                command_button(ui, state, Command::TakeOverLock, &mut actions);
            }
            ui.separator();
            command_button(ui, state, Command::ClinicianSettings, &mut actions);
            command_button(ui, state, Command::AftercareText, &mut actions);
        });
        ui.menu_button("View", |ui| {
            ui.checkbox(&mut canvas.show_deep, "Outline deep muscles");
            ui.checkbox(&mut canvas.show_landmarks, "Landmarks (face, ears, bones)");
            ui.add_enabled_ui(state.has_folder, |ui| {
                ui.checkbox(&mut history.show_previous, "Show previous visit");
            });
            for command in [Command::ShowFrontAndBack, Command::ShowHeadProfiles] {
                command_button(ui, state, command, &mut actions);
            }
            ui.separator();
            for command in [Command::PatientOverview, Command::CompareVisits] {
                command_button(ui, state, command, &mut actions);
            }
            if ui.button("Reset zoom").clicked() {
                canvas.reset_cameras();
            }
        });
        ui.separator();
        toolbar(ui, canvas, &mut actions);
        ui.separator();
        legend(ui);
    });
    actions
}

fn command_button(ui: &mut Ui, state: &MenuState, command: Command, actions: &mut Vec<Action>) {
    let shortcut = command
        .shortcuts()
        .first()
        .map(|s| ui.ctx().format_shortcut(s))
        .unwrap_or_default();
    let mut button = egui::Button::new(command.label());
    if !shortcut.is_empty() {
        button = button.shortcut_text(shortcut);
    }
    if ui
        .add_enabled(state.enabled(command), button)
        .on_hover_text(command.tooltip())
        .clicked()
    {
        actions.push(Action::Command(command));
    }
}

/// File > Recent patients.
fn recent_patients(ui: &mut Ui, recent: &[RecentPatient], actions: &mut Vec<Action>) {
    ui.menu_button("Recent patients", |ui| {
        if recent.is_empty() {
            ui.weak("None yet");
        }
        for patient in recent {
            let label = if patient.patient_id.is_empty() {
                patient.folder.display().to_string()
            } else {
                format!("{} — {}", patient.patient_id, patient.folder.display())
            };
            if ui.button(label).clicked() {
                actions.push(Action::OpenFolder(patient.folder.clone()));
                ui.close();
            }
        }
    });
}

/// Which diagrams are shown, and their zoom.
fn toolbar(ui: &mut Ui, canvas: &mut CanvasState, actions: &mut Vec<Action>) {
    for (layout, label) in [
        (Layout::Both, "Front + back"),
        (Layout::Single(View::Front), "Front only"),
        (Layout::Single(View::Back), "Back only"),
        (Layout::Profiles, "Head profiles"),
    ] {
        if ui
            .selectable_label(canvas.layout == layout, label)
            .clicked()
        {
            canvas.layout = layout;
        }
    }
    ui.separator();
    for view in canvas.shown_views() {
        // "Left" and "Right" beside "Head profiles": the toolbar must fit 1024 pixels.
        ui.weak(match view {
            View::LeftProfile => "Left",
            View::RightProfile => "Right",
            View::Front | View::Back => view.label(),
        });
        if ui
            .small_button("+")
            .on_hover_text(format!(
                "Zoom in on the {} view (or the mouse wheel)",
                view.label()
            ))
            .clicked()
        {
            canvas.zoom_by(view, 1.25);
        }
        if ui
            .small_button("−")
            .on_hover_text(format!("Zoom out of the {} view", view.label()))
            .clicked()
        {
            canvas.zoom_by(view, 0.8);
        }
    }
    if ui
        .small_button("Fit")
        .on_hover_text("Show the whole figure")
        .clicked()
    {
        canvas.reset_cameras();
    }
    if ui
        .small_button(Command::ZoomToPoints.label())
        .on_hover_text(Command::ZoomToPoints.tooltip())
        .clicked()
    {
        actions.push(Action::Command(Command::ZoomToPoints));
    }
}

/// The key to the point markers.
fn legend(ui: &mut Ui) {
    for status in [Status::Active, Status::Latent, Status::Unclassified] {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(16.0, 16.0), egui::Sense::hover());
        style::draw_legend_marker(ui.painter(), rect.center(), 13.0, status);
        ui.label(status.label())
            .on_hover_text(style::status_shape_name(status));
    }
}
