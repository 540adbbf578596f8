//! The patient folder in the app shell: opening a folder (menu, recent list, command line),
//! opening one of its visits, starting a follow-up visit, linking points placed anew, and the
//! history panels, windows and chart overlays.
//!
//! A child module of [`super`] so that it works on the app's document and dialogs directly;
//! `app.rs` only calls in here.

use super::{AfterConfirm, Dialog, TriggerMapApp};
use crate::editing::{Document, Edit};
use crate::model::{Visit, VisitId};
use crate::ui::commands::Command;
use crate::ui::file_dialog::FileRequest;
use crate::ui::patient::{PatientAction, PatientState};
use crate::ui::{comparison, knot_history, overview, patient};
use chrono::{DateTime, FixedOffset, Local};
use egui::Ui;
use std::path::{Path, PathBuf};

/// The app's patient-folder state.
#[derive(Default)]
pub struct PatientUi {
    /// The folder, the recent list and the history windows.
    pub state: PatientState,
    /// The visit of the folder to open once unsaved changes are dealt with.
    pending_visit: Option<PathBuf>,
    /// The file suggested for saving a follow-up visit not yet saved.
    suggested_path: Option<(VisitId, PathBuf)>,
    /// The clock for new follow-up visits (None: now). Tests set it.
    pub clock: Option<DateTime<FixedOffset>>,
}

impl PatientUi {
    fn now(&self) -> DateTime<FixedOffset> {
        self.clock.unwrap_or_else(|| Local::now().fixed_offset())
    }
}

impl TriggerMapApp {
    /// Remembers recently opened patients in `file` (the real app uses
    /// [`RecentPatients::default_path`](crate::history::RecentPatients::default_path); tests a
    /// temporary file). Without it, the recent list is neither read nor written.
    pub fn with_recent_patients(mut self, file: PathBuf) -> Self {
        if let Err(message) = self.patient.state.set_recent_file(file) {
            self.dialog = Some(Dialog::Error(message));
        }
        self
    }

    /// Sets the clock used for new follow-up visits (for tests: a fixed time).
    pub fn with_clock(mut self, now: DateTime<FixedOffset>) -> Self {
        self.patient.clock = Some(now);
        self
    }

    /// The open patient folder and history windows.
    pub fn patient(&self) -> &PatientState {
        &self.patient.state
    }

    /// The open patient folder and history windows, to change (tests open windows this way).
    pub fn patient_mut(&mut self) -> &mut PatientState {
        &mut self.patient.state
    }

    /// Opens a patient folder: lists its visits. The visit being edited stays open.
    pub fn open_folder(&mut self, path: &Path) {
        let now = self.patient.now();
        match self.patient.state.open(path, &self.atlas, now) {
            Ok(summary) => {
                // With nothing in hand (an empty, untitled visit), show the latest visit.
                let untouched = self.path.is_none()
                    && !self.doc.is_dirty()
                    && self.doc.visit().points.is_empty();
                let latest = self
                    .patient
                    .state
                    .folder()
                    .and_then(|f| f.latest())
                    .map(|v| v.path.clone());
                if untouched && let Some(latest) = latest {
                    self.open_path(&latest);
                }
                self.status = summary;
            }
            Err(error) => {
                self.status = "The patient folder could not be opened.".to_owned();
                self.dialog = Some(Dialog::Error(error));
            }
        }
    }

    /// Opens a file or folder named on the command line.
    pub fn open_argument(&mut self, path: &Path) {
        if path.is_dir() {
            self.open_folder(path);
        } else {
            self.open_path(path);
        }
    }

    /// The two patient commands.
    pub(super) fn run_patient_command(&mut self, command: Command, ctx: &egui::Context) {
        match command {
            Command::OpenFolder => self.picker.request(FileRequest::Folder, ctx),
            Command::NewFollowUp if self.patient_command_enabled(command) => {
                self.confirm_then(AfterConfirm::FollowUp, ctx);
            }
            _ => {}
        }
    }

    /// Whether a patient command can run now.
    pub(super) fn patient_command_enabled(&self, command: Command) -> bool {
        match command {
            Command::OpenFolder => !self.picker.is_pending(),
            Command::NewFollowUp => self
                .patient
                .state
                .folder()
                .is_some_and(|f| f.latest().is_some()),
            _ => true,
        }
    }

    /// Carries out what was asked after unsaved changes were dealt with.
    pub(super) fn proceed_patient(&mut self, after: AfterConfirm) {
        match after {
            AfterConfirm::OpenListed => {
                if let Some(path) = self.patient.pending_visit.take() {
                    self.open_path(&path);
                }
            }
            AfterConfirm::FollowUp => {
                let now = self.patient.now();
                if let Some((visit, path)) = self.patient.state.follow_up(now) {
                    self.start_visit(visit, path);
                }
            }
            _ => {}
        }
    }

    fn start_visit(&mut self, visit: Visit, path: PathBuf) {
        self.guard.reset();
        self.signing.reset();
        let carried = visit.points.len();
        let id = visit.id;
        // A new visit is unsaved work from the start: closing asks to save it.
        self.doc = Document::with_unsaved(visit.details(), visit);
        self.path = None;
        self.selected = None;
        self.patient.suggested_path = Some((id, path));
        self.patient.state.show_previous = true;
        self.status = format!(
            "Follow-up visit: {carried} knot{} carried over to re-examine. Save to add it to the folder.",
            if carried == 1 { "" } else { "s" }
        );
    }

    /// A point placed anew in a visit of the open patient is linked to the previous visit's
    /// point of the same muscle and side nearby, in the same undo step.
    pub(super) fn link_new_point(&mut self, edit: Edit) -> Edit {
        let Edit::AddPoint(point) = edit else {
            return edit;
        };
        let (point, _linked) = self.patient.state.auto_link(self.doc.visit(), point);
        Edit::AddPoint(point)
    }

    /// The suggested file of a follow-up visit not yet saved, as (name, folder).
    pub(super) fn suggested_save_location(&self) -> Option<(String, Option<PathBuf>)> {
        let (id, path) = self.patient.suggested_path.as_ref()?;
        if *id != self.doc.visit().id || self.path.is_some() {
            return None;
        }
        let name = path.file_name()?.to_string_lossy().into_owned();
        Some((name, path.parent().map(Path::to_owned)))
    }

    /// File > Recent patients.
    pub(super) fn recent_patients_menu(&mut self, ui: &mut Ui) {
        let recent: Vec<(PathBuf, String)> = self
            .patient
            .state
            .recent()
            .patients
            .iter()
            .map(|p| (p.folder.clone(), p.patient_id.clone()))
            .collect();
        ui.menu_button("Recent patients", |ui| {
            if recent.is_empty() {
                ui.weak("None yet");
            }
            for (folder, patient_id) in recent {
                let label = if patient_id.is_empty() {
                    folder.display().to_string()
                } else {
                    format!("{patient_id} — {}", folder.display())
                };
                if ui.button(label).clicked() {
                    self.open_folder(&folder);
                    ui.close();
                }
            }
        });
    }

    /// The history items of the View menu.
    pub(super) fn patient_view_menu(&mut self, ui: &mut Ui) {
        let open = self.patient.state.folder().is_some();
        ui.add_enabled_ui(open, |ui| {
            ui.checkbox(&mut self.patient.state.show_previous, "Show previous visit");
            if ui.button("Patient overview").clicked() {
                self.patient.state.overview_open = true;
                ui.close();
            }
            if ui.button("Compare visits").clicked() {
                self.patient.state.comparison = Some(comparison::ComparisonState::default());
                ui.close();
            }
        });
    }

    /// The patient panel at the far left, when a folder is open.
    pub(super) fn patient_panel(&mut self, ui: &mut Ui, ctx: &egui::Context) {
        if self.patient.state.folder().is_none() {
            return;
        }
        let mut action = None;
        egui::Panel::left("patient")
            .resizable(true)
            .default_size(250.0)
            .min_size(200.0)
            .show(ui, |ui| {
                action = self
                    .patient
                    .state
                    .panel(ui, self.path.as_deref(), self.doc.visit());
            });
        match action {
            Some(PatientAction::OpenVisit(path)) => {
                self.patient.pending_visit = Some(path);
                self.confirm_then(AfterConfirm::OpenListed, ctx);
            }
            Some(PatientAction::OpenFolder(path)) => self.open_folder(&path),
            Some(PatientAction::FollowUp) => self.run_patient_command(Command::NewFollowUp, ctx),
            None => {}
        }
    }

    /// The "Knot" section above the point form, when a folder is open and a point selected.
    pub(super) fn knot_section(&mut self, ui: &mut Ui) {
        if self.patient.state.folder().is_none() {
            return;
        }
        let Some(point) = self
            .selected
            .and_then(|id| self.doc.visit().point(id))
            .cloned()
        else {
            return;
        };
        let editable = self.edit_refusal().is_none();
        let output = knot_history::section(
            ui,
            &mut self.patient.state,
            &self.atlas,
            self.doc.visit(),
            self.doc.revision(),
            &point,
            editable,
        );
        if let Some(edit) = output.edit {
            self.apply(edit);
        }
        if let Some(message) = output.message {
            self.status = message;
        }
    }

    /// The previous visit's points and the comparison rings, over the chart.
    pub(super) fn chart_overlays(&mut self, ui: &Ui) {
        if self.patient.state.folder().is_none() {
            return;
        }
        let painter = ui.painter().clone();
        if self.patient.state.show_previous
            && let Some(previous) = self.patient.state.previous_visit(self.doc.visit())
        {
            patient::draw_ghosts(&painter, &self.canvas, previous, self.doc.visit());
        }
        if self
            .patient
            .state
            .comparison
            .as_ref()
            .is_some_and(|c| c.show_on_chart)
            && let Some(result) = comparison::current(
                &mut self.patient.state,
                self.doc.visit(),
                self.doc.revision(),
            )
        {
            comparison::draw_rings(&painter, &self.canvas, &result);
        }
    }

    /// The knot history, overview and comparison windows.
    pub(super) fn patient_windows(&mut self, ctx: &egui::Context) {
        if self.patient.state.folder().is_none() {
            return;
        }
        let (visit, revision) = (self.doc.visit(), self.doc.revision());
        overview::window(ctx, &mut self.patient.state, &self.atlas, visit, revision);
        comparison::window(ctx, &mut self.patient.state, &self.atlas, visit, revision);
        knot_history::window(ctx, &mut self.patient.state, &self.atlas, visit, revision);
    }

    /// Records a visit just saved in the open folder's list.
    pub(super) fn patient_saved(&mut self, path: &Path) {
        self.patient.state.saved(path, self.doc.visit());
    }
}
