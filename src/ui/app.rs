//! The application shell: panels, menus, commands, files and dialogs around the chart.

pub mod patient_ui;
pub mod signing;

use super::canvas::{self, CanvasAction, CanvasState, Layout};
use super::commands::Command;
use super::file_dialog::{FileAnswer, FilePicker, FileRequest};
use super::safeguards::Safeguards;
use super::{inspector, point_list, style, visit_form};
use crate::atlas::Atlas;
use crate::editing::{Document, Edit};
use crate::model::{PointId, Status, View, Visit};
use crate::recovery::{RecoveryEntry, RecoveryStore};
use crate::storage;
use egui::{Id, Ui};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What to do once the user has dealt with unsaved changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterConfirm {
    /// Start a new visit.
    New,
    /// Ask for a file to open.
    Open,
    /// Close the window.
    Close,
    /// Open the visit of the patient folder chosen in its list.
    OpenListed,
    /// Start a follow-up visit of the open patient.
    FollowUp,
}

/// A modal dialog in front of the app.
#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    /// "Save changes?" before New, Open or closing.
    UnsavedChanges(AfterConfirm),
    /// No native file dialog could be shown: the user types a path.
    TypePath {
        /// What the path is for.
        request: FileRequest,
        /// The path typed so far.
        text: String,
    },
    /// Something went wrong; nothing was changed.
    Error(String),
    /// The file was changed by someone else since it was opened or saved here.
    ChangedOnDisk(PathBuf),
    /// Unsaved work from a session that ended without saving it.
    Recover {
        /// The recovery file.
        file: PathBuf,
        /// What it holds.
        entry: Box<RecoveryEntry>,
        /// One line on what it holds against the saved file.
        headline: String,
        /// The differences, one per line.
        details: Vec<String>,
    },
}

/// The TriggerMap app.
pub struct TriggerMapApp {
    atlas: Arc<Atlas>,
    doc: Document,
    path: Option<PathBuf>,
    selected: Option<PointId>,
    /// The chart's layout, cameras and drag.
    pub canvas: CanvasState,
    inspector: inspector::InspectorState,
    point_list: point_list::ListState,
    visit_form: visit_form::VisitFormState,
    picker: Box<dyn FilePicker>,
    dialog: Option<Dialog>,
    /// What to do after the current Save As succeeds (from the unsaved-changes dialog).
    after_save: Option<AfterConfirm>,
    status: String,
    close_confirmed: bool,
    title: String,
    guard: Safeguards,
    /// Signing and amending (see [`signing`]).
    signing: signing::SigningState,
    /// The patient folder and its history views (see [`patient_ui`]).
    patient: patient_ui::PatientUi,
}

impl TriggerMapApp {
    /// A new app with an empty visit.
    pub fn new(atlas: Arc<Atlas>, picker: Box<dyn FilePicker>) -> Self {
        TriggerMapApp {
            atlas,
            doc: Document::new(Visit::new_now()),
            path: None,
            selected: None,
            canvas: CanvasState::default(),
            inspector: inspector::InspectorState::default(),
            point_list: point_list::ListState::default(),
            visit_form: visit_form::VisitFormState::default(),
            picker,
            dialog: None,
            after_save: None,
            status: "Click on the body chart where the knot is.".to_owned(),
            close_confirmed: false,
            title: String::new(),
            guard: Safeguards::new(None),
            signing: signing::SigningState::default(),
            patient: patient_ui::PatientUi::default(),
        }
    }

    /// Keeps crash-recovery copies in `store`, and offers to restore what an earlier session
    /// left there unsaved.
    pub fn with_recovery(mut self, store: RecoveryStore) -> Self {
        let offer = store.restorable().ok().and_then(|found| {
            found.into_iter().find_map(|r| {
                let entry = r.entry.ok()?;
                let summary = crate::recovery::summarise(&entry, &self.atlas);
                Some(Dialog::Recover {
                    file: r.file,
                    headline: summary.headline,
                    details: summary.diff.map(|d| d.lines()).unwrap_or_default(),
                    entry: Box::new(entry),
                })
            })
        });
        if offer.is_some() {
            self.dialog = offer;
        }
        self.guard = Safeguards::new(Some(store));
        self
    }

    /// Why the visit cannot be edited, if so.
    pub fn read_only(&self) -> Option<&str> {
        self.guard.read_only.as_deref()
    }

    /// The visit being edited.
    pub fn visit(&self) -> &Visit {
        self.doc.visit()
    }

    /// The file the visit was opened from or saved to.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The selected point.
    pub fn selected(&self) -> Option<PointId> {
        self.selected
    }

    /// Whether the visit has changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.doc.is_dirty()
    }

    /// The dialog in front, if any.
    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }

    /// The line in the status bar.
    pub fn status(&self) -> &str {
        &self.status
    }

    /// Opens a visit file, replacing the current visit (the caller has dealt with unsaved
    /// changes). On error nothing changes and the error is shown.
    pub fn open_path(&mut self, path: &Path) {
        match storage::open_visit(path, &self.atlas) {
            Ok(opened) => {
                self.guard.reset();
                self.signing.reset();
                // A signed visit is not read-only here: it is edited only by an amendment
                // (see `edit_refusal`).
                let read_only = opened.read_only.map(|r| r.to_string());
                let lock_refused = self.guard.lock(path);
                self.guard.read_only = read_only.or(lock_refused);
                self.guard.stamp = Some(opened.stamp);
                self.status = format!(
                    "Opened {} ({} points){}.",
                    path.display(),
                    opened.visit.points.len(),
                    if self.guard.read_only.is_some() {
                        ", read-only"
                    } else if opened.visit.is_signed() {
                        ", signed"
                    } else {
                        ""
                    }
                );
                self.doc = Document::new(opened.visit);
                self.path = Some(path.to_owned());
                self.selected = None;
            }
            Err(error) => {
                self.status = "The file could not be opened; nothing was changed.".to_owned();
                self.dialog = Some(Dialog::Error(error.to_string()));
            }
        }
    }

    /// Saves to `path`; true on success. On error the visit stays unsaved and the error is shown.
    pub fn save_to(&mut self, path: &Path) -> bool {
        let expected = if self.path.as_deref() == Some(path) {
            self.guard.stamp.clone()
        } else {
            None
        };
        self.save_checked(path, expected.as_ref())
    }

    /// Saves to `path`, refusing if the file is no longer as `expected` (None: replace it).
    fn save_checked(&mut self, path: &Path, expected: Option<&storage::FileStamp>) -> bool {
        if self.refuse_save_while_amending() {
            return false;
        }
        if let Some(reason) = &self.guard.read_only {
            self.dialog = Some(Dialog::Error(format!(
                "The visit was NOT saved: it is read-only.\n\n{reason}"
            )));
            return false;
        }
        match storage::save_visit_checked(path, self.doc.visit(), expected) {
            Ok(stamp) => {
                if self.path.as_deref() != Some(path)
                    && let Some(refused) = self.guard.lock(path)
                {
                    self.status = refused;
                }
                self.guard.stamp = Some(stamp);
                self.doc.mark_saved();
                self.guard.discard_recovery();
                self.patient_saved(path);
                self.path = Some(path.to_owned());
                self.status = format!("Saved {}.", path.display());
                true
            }
            Err(storage::FileError::ChangedOnDisk { .. }) => {
                self.dialog = Some(Dialog::ChangedOnDisk(path.to_owned()));
                false
            }
            Err(error) => {
                self.dialog = Some(Dialog::Error(format!(
                    "The visit was NOT saved.\n\n{error}"
                )));
                false
            }
        }
    }

    /// Runs a command as if chosen from the menu.
    pub fn run_command(&mut self, command: Command, ctx: &egui::Context) {
        match command {
            Command::New => self.confirm_then(AfterConfirm::New, ctx),
            Command::Open => self.confirm_then(AfterConfirm::Open, ctx),
            Command::Save => {
                self.save(ctx);
            }
            Command::SaveAs => self.request_save_as(ctx),
            Command::Undo => {
                if let Some(reason) = self.edit_refusal() {
                    self.status = format!("Read-only: {reason}");
                } else if self.doc.undo() {
                    self.status = "Undone.".to_owned();
                    self.forget_missing_selection();
                }
            }
            Command::Redo => {
                if let Some(reason) = self.edit_refusal() {
                    self.status = format!("Read-only: {reason}");
                } else if self.doc.redo() {
                    self.status = "Redone.".to_owned();
                    self.forget_missing_selection();
                }
            }
            Command::DeletePoint => {
                if let Some(id) = self.selected {
                    self.apply(Edit::DeletePoint(id));
                    self.selected = None;
                }
            }
            Command::SelectPrevious | Command::SelectNext => self.step_selection(command),
            Command::OpenFolder | Command::NewFollowUp => self.run_patient_command(command, ctx),
        }
    }

    /// Applies an edit as one undo step.
    pub fn apply(&mut self, edit: Edit) {
        if let Some(reason) = self.edit_refusal() {
            self.status = format!("Read-only: {reason}");
            return;
        }
        let edit = self.link_new_point(edit);
        let describe = match &edit {
            Edit::AddPoint(p) => Some(format!(
                "Placed point {} in {} ({}).",
                self.doc.visit().points.len() + 1,
                p.muscle
                    .as_ref()
                    .map_or("no muscle", |m| self.atlas.muscle_name(m)),
                p.side
            )),
            Edit::MovePoint { muscle, side, .. } => Some(format!(
                "Moved the point to {} ({side}).",
                muscle
                    .as_ref()
                    .map_or("no muscle", |m| self.atlas.muscle_name(m))
            )),
            Edit::DeletePoint(_) => Some("Deleted the point.".to_owned()),
            _ => None,
        };
        if self.doc.apply(edit)
            && let Some(text) = describe
        {
            self.status = text;
        }
    }

    fn forget_missing_selection(&mut self) {
        if let Some(id) = self.selected
            && self.doc.visit().point(id).is_none()
        {
            self.selected = None;
        }
    }

    fn step_selection(&mut self, command: Command) {
        let points = &self.doc.visit().points;
        if points.is_empty() {
            return;
        }
        let current = self.selected.and_then(|id| self.doc.visit().index_of(id));
        let next = match (command, current) {
            (Command::SelectPrevious, Some(i)) => i.saturating_sub(1),
            (Command::SelectPrevious, None) => points.len() - 1,
            (_, Some(i)) => (i + 1).min(points.len() - 1),
            (_, None) => 0,
        };
        self.selected = Some(points[next].id);
    }

    fn confirm_then(&mut self, after: AfterConfirm, ctx: &egui::Context) {
        if self.doc.is_dirty() {
            self.dialog = Some(Dialog::UnsavedChanges(after));
        } else {
            self.proceed(after, ctx);
        }
    }

    fn proceed(&mut self, after: AfterConfirm, ctx: &egui::Context) {
        match after {
            AfterConfirm::New => {
                self.guard.reset();
                self.signing.reset();
                self.doc = Document::new(Visit::new_now());
                self.path = None;
                self.selected = None;
                self.status = "New visit.".to_owned();
            }
            AfterConfirm::Open => self.picker.request(FileRequest::Open, ctx),
            AfterConfirm::Close => {
                self.guard.discard_recovery();
                self.close_confirmed = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            AfterConfirm::OpenListed | AfterConfirm::FollowUp => self.proceed_patient(after),
        }
    }

    /// Saves to the current file, or asks where. True if it was saved now.
    fn save(&mut self, ctx: &egui::Context) -> bool {
        if self.save_means_finish_amendment() {
            return false;
        }
        match self.path.clone() {
            Some(path) => self.save_to(&path),
            None => {
                self.request_save_as(ctx);
                false
            }
        }
    }

    fn request_save_as(&mut self, ctx: &egui::Context) {
        if let Some((suggested_name, folder)) = self.suggested_save_location() {
            let request = FileRequest::SaveAs {
                suggested_name,
                folder,
            };
            self.picker.request(request, ctx);
            return;
        }
        let visit = self.doc.visit();
        let patient = if visit.patient_id.trim().is_empty() {
            "visit".to_owned()
        } else {
            visit
                .patient_id
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        let suggested_name = format!("{}-{}.ron", patient, visit.date_time.format("%Y-%m-%d"));
        let folder = self
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_owned);
        self.picker.request(
            FileRequest::SaveAs {
                suggested_name,
                folder,
            },
            ctx,
        );
    }

    fn answer_file_request(
        &mut self,
        request: FileRequest,
        answer: FileAnswer,
        ctx: &egui::Context,
    ) {
        match answer {
            FileAnswer::Chosen(path) => self.use_chosen_path(request, &path, ctx),
            FileAnswer::Cancelled => {
                self.after_save = None;
                self.signing.save_as_cancelled();
                self.status = "Cancelled.".to_owned();
            }
            FileAnswer::Unavailable => {
                let text = match &request {
                    FileRequest::Open | FileRequest::Folder => String::new(),
                    FileRequest::SaveAs {
                        suggested_name,
                        folder,
                    } => folder
                        .clone()
                        .unwrap_or_else(|| std::env::current_dir().unwrap_or_default())
                        .join(suggested_name)
                        .display()
                        .to_string(),
                };
                self.dialog = Some(Dialog::TypePath { request, text });
            }
        }
    }

    fn use_chosen_path(&mut self, request: FileRequest, path: &Path, ctx: &egui::Context) {
        match request {
            FileRequest::Open => self.open_path(path),
            FileRequest::Folder => self.open_folder(path),
            FileRequest::SaveAs { .. } => {
                let path = if path.extension().is_none() {
                    path.with_extension("ron")
                } else {
                    path.to_owned()
                };
                if self.save_as_chosen(&path)
                    && let Some(after) = self.after_save.take()
                {
                    self.proceed(after, ctx);
                }
            }
        }
    }

    /// Restores recovered work as unsaved changes to its file (or to a new visit), and removes
    /// the recovery file: this session's own copy takes over.
    fn restore(&mut self, file: &Path, entry: RecoveryEntry) {
        self.guard.reset();
        let saved = entry
            .original_path
            .as_deref()
            .and_then(|p| storage::open_visit(p, &self.atlas).ok());
        let base = match &saved {
            Some(opened) => opened.visit.clone(),
            None => Visit::new_now(),
        };
        if let (Some(path), Some(opened)) = (entry.original_path.as_deref(), saved) {
            self.guard.read_only = self.guard.lock(path);
            self.guard.stamp = Some(opened.stamp);
        }
        self.path = entry
            .original_path
            .clone()
            .filter(|_| self.guard.stamp.is_some());
        self.doc = Document::with_unsaved(base, entry.visit);
        self.selected = None;
        self.status = "Restored the unsaved work; save it to keep it.".to_owned();
        self.resume_amendment_after_restore();
        if let Some(store) = self.guard.recovery()
            && let Err(error) = store.discard_file(file)
        {
            self.dialog = Some(Dialog::Error(error.to_string()));
        }
    }

    /// The whole window's UI. eframe and the UI tests both call this.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if let Some((request, answer)) = self.picker.poll() {
            self.answer_file_request(request, answer, &ctx);
        }
        self.handle_close_request(&ctx);
        if self.dialog.is_none() && !self.signing.has_dialog() {
            for command in Command::pressed(&ctx) {
                self.run_command(command, &ctx);
            }
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        self.safeguard_banners(ui);
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        self.patient_panel(ui, &ctx);
        egui::Panel::left("visit")
            .resizable(true)
            .default_size(310.0)
            .min_size(240.0)
            .show(ui, |ui| {
                self.audit_trail(ui);
                self.left_panel(ui);
            });
        egui::Panel::right("inspector")
            .resizable(true)
            .default_size(360.0)
            .min_size(280.0)
            .show(ui, |ui| {
                let editable = self.edit_refusal().is_none();
                self.knot_section(ui);
                ui.add_enabled_ui(editable, |ui| self.right_panel(ui));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            let actions = canvas::show(
                ui,
                &mut self.canvas,
                &self.atlas,
                self.doc.visit(),
                self.doc.revision(),
                self.selected,
            );
            for action in actions {
                match action {
                    CanvasAction::Select(id) => self.selected = id,
                    CanvasAction::Edit(edit) => self.apply(edit),
                }
            }
            self.chart_overlays(ui);
        });
        self.patient_windows(&ctx);
        self.show_dialog(&ctx);
        self.show_signing_dialog(&ctx);
        self.update_title(&ctx);
        if let Some(wait) = self
            .guard
            .keep_recovery_copy(&self.doc, self.path.as_deref())
        {
            ctx.request_repaint_after(wait);
        }
    }

    fn handle_close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.doc.is_dirty()
            && !self.close_confirmed
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::UnsavedChanges(AfterConfirm::Close));
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let name = self
            .path
            .as_deref()
            .and_then(Path::file_name)
            .map_or("Untitled visit".to_owned(), |n| {
                n.to_string_lossy().into_owned()
            });
        let title = format!(
            "{}{} — TriggerMap",
            if self.doc.is_dirty() { "• " } else { "" },
            name
        );
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn menu_bar(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                for command in [Command::New, Command::Open, Command::Save, Command::SaveAs] {
                    self.command_button(ui, command, &ctx);
                }
                ui.separator();
                for command in [Command::OpenFolder, Command::NewFollowUp] {
                    self.command_button(ui, command, &ctx);
                }
                self.recent_patients_menu(ui);
            });
            ui.menu_button("Edit", |ui| {
                for command in [Command::Undo, Command::Redo, Command::DeletePoint] {
                    self.command_button(ui, command, &ctx);
                }
            });
            ui.menu_button("Visit", |ui| self.visit_menu(ui));
            ui.menu_button("View", |ui| {
                ui.checkbox(&mut self.canvas.show_deep, "Outline deep muscles");
                self.patient_view_menu(ui);
                if ui.button("Reset zoom").clicked() {
                    self.canvas.reset_cameras();
                }
            });
            ui.separator();
            for (layout, label) in [
                (Layout::Both, "Front + back"),
                (Layout::Single(View::Front), "Front only"),
                (Layout::Single(View::Back), "Back only"),
            ] {
                if ui
                    .selectable_label(self.canvas.layout == layout, label)
                    .clicked()
                {
                    self.canvas.layout = layout;
                }
            }
            ui.separator();
            for view in self.canvas.shown_views() {
                ui.weak(view.label());
                if ui
                    .small_button("+")
                    .on_hover_text(format!(
                        "Zoom in on the {} view (or the mouse wheel)",
                        view.label()
                    ))
                    .clicked()
                {
                    self.canvas.zoom_by(view, 1.25);
                }
                if ui
                    .small_button("−")
                    .on_hover_text(format!("Zoom out of the {} view", view.label()))
                    .clicked()
                {
                    self.canvas.zoom_by(view, 0.8);
                }
            }
            if ui
                .small_button("Fit")
                .on_hover_text("Show the whole figure")
                .clicked()
            {
                self.canvas.reset_cameras();
            }
            ui.separator();
            legend(ui);
        });
    }

    fn command_button(&mut self, ui: &mut Ui, command: Command, ctx: &egui::Context) {
        let enabled = match command {
            Command::Undo => self.doc.can_undo() && self.edit_refusal().is_none(),
            Command::Redo => self.doc.can_redo() && self.edit_refusal().is_none(),
            Command::DeletePoint => self.selected.is_some(),
            Command::Open | Command::SaveAs | Command::Save | Command::New => {
                !self.picker.is_pending()
            }
            Command::SelectPrevious | Command::SelectNext => true,
            Command::OpenFolder | Command::NewFollowUp => self.patient_command_enabled(command),
        };
        let shortcut = command
            .shortcuts()
            .first()
            .map(|s| ctx.format_shortcut(s))
            .unwrap_or_default();
        let mut button = egui::Button::new(command.label());
        if !shortcut.is_empty() {
            button = button.shortcut_text(shortcut);
        }
        if ui.add_enabled(enabled, button).clicked() {
            self.run_command(command, ctx);
        }
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let file = self
                .path
                .as_deref()
                .map_or("not saved yet".to_owned(), |p| p.display().to_string());
            ui.weak(file);
            if self.doc.is_dirty() {
                ui.colored_label(ui.visuals().warn_fg_color, "unsaved changes");
            }
            ui.separator();
            ui.label(&self.status);
        });
    }

    fn left_panel(&mut self, ui: &mut Ui) {
        ui.add_space(4.0);
        ui.heading("Visit");
        // A read-only visit's fields are shown but cannot be changed; its points stay
        // selectable in the list below, as on the chart.
        let editable = self.edit_refusal().is_none();
        let edit = ui
            .add_enabled_ui(editable, |ui| {
                visit_form::show(ui, &mut self.visit_form, self.doc.visit())
            })
            .inner;
        if let Some(edit) = edit {
            self.apply(edit);
        }
        ui.separator();
        let visit = self.doc.visit();
        let active = visit
            .points
            .iter()
            .filter(|p| p.status == Status::Active)
            .count();
        let latent = visit
            .points
            .iter()
            .filter(|p| p.status == Status::Latent)
            .count();
        ui.horizontal(|ui| {
            ui.heading("Points");
            ui.weak(format!(
                "{} in all · {active} active · {latent} latent",
                visit.points.len()
            ));
        });
        if let Some(id) = point_list::show(
            ui,
            &mut self.point_list,
            &self.atlas,
            self.doc.visit(),
            self.selected,
        ) {
            self.selected = Some(id);
        }
    }

    fn right_panel(&mut self, ui: &mut Ui) {
        egui::ScrollArea::vertical().show(ui, |ui| {
            let point = self.selected.and_then(|id| self.doc.visit().point(id)).cloned();
            match point {
                Some(point) => {
                    let output = inspector::show(
                        ui,
                        &mut self.inspector,
                        &self.atlas,
                        self.doc.visit(),
                        &point,
                    );
                    if let Some(edit) = output.edit {
                        self.apply(edit);
                    }
                    if output.delete {
                        self.apply(Edit::DeletePoint(point.id));
                        self.selected = None;
                    }
                }
                None => {
                    ui.add_space(8.0);
                    ui.heading("No point selected");
                    ui.label("Click on a muscle of the chart to place a trigger point there, or pick a point in the list.");
                    ui.add_space(6.0);
                    ui.weak("Drag a point to move it. Wheel to zoom, drag the background to pan.");
                    ui.weak("Front view: the patient's right is on your left. Back view: the patient's left is on your left.");
                }
            }
        });
    }

    fn show_dialog(&mut self, ctx: &egui::Context) {
        let Some(dialog) = self.dialog.clone() else {
            return;
        };
        let mut choice = None;
        let modal = egui::Modal::new(Id::unique("dialog")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            match &dialog {
                Dialog::UnsavedChanges(after) => {
                    ui.heading("Save changes to this visit?");
                    ui.label("The visit has changes that are not saved yet.");
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            choice = Some(DialogChoice::SaveThen(*after));
                        }
                        if ui.button("Don't save").clicked() {
                            choice = Some(DialogChoice::Proceed(*after));
                        }
                        if ui.button("Cancel").clicked() {
                            choice = Some(DialogChoice::Dismiss);
                        }
                    });
                }
                Dialog::TypePath { request, text } => {
                    let mut text = text.clone();
                    let verb = match request {
                        FileRequest::Open => "open",
                        FileRequest::Folder => "open (a patient folder)",
                        FileRequest::SaveAs { .. } => "save to",
                    };
                    ui.heading(format!("File to {verb}"));
                    ui.label("No file dialog is available on this system. Type the path:");
                    let edit = ui.add(egui::TextEdit::singleline(&mut text).desired_width(480.0));
                    let entered =
                        edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    ui.horizontal(|ui| {
                        if (ui.button("OK").clicked() || entered) && !text.trim().is_empty() {
                            choice = Some(DialogChoice::UsePath(
                                request.clone(),
                                PathBuf::from(text.trim()),
                            ));
                        }
                        if ui.button("Cancel").clicked() {
                            choice = Some(DialogChoice::CancelPath);
                        }
                    });
                    if choice.is_none() {
                        self.dialog = Some(Dialog::TypePath {
                            request: request.clone(),
                            text,
                        });
                    }
                }
                Dialog::ChangedOnDisk(path) => {
                    ui.heading("The file changed on disk");
                    ui.label(format!(
                        "{} was changed by someone else since it was opened here. Saving would replace their changes.",
                        path.display()
                    ));
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button("Save as a new file…").clicked() {
                            choice = Some(DialogChoice::SaveAsInstead);
                        }
                        if ui.button("Replace it").clicked() {
                            choice = Some(DialogChoice::Overwrite(path.clone()));
                        }
                        if ui.button("Cancel").clicked() {
                            choice = Some(DialogChoice::Dismiss);
                        }
                    });
                }
                Dialog::Recover {
                    headline,
                    details,
                    entry,
                    ..
                } => {
                    ui.heading("Restore unsaved work?");
                    let source = entry
                        .original_path
                        .as_deref()
                        .map_or("a visit never saved".to_owned(), |p| p.display().to_string());
                    ui.label(format!(
                        "TriggerMap ended on {} without saving {source}.",
                        entry.saved_at.format("%Y-%m-%d %H:%M")
                    ));
                    ui.strong(headline);
                    for line in details.iter().take(12) {
                        // egui's bundled font has no arrow: "before -> after".
                        ui.label(format!("• {}", line.replace('→', "->")));
                    }
                    if details.len() > 12 {
                        ui.weak(format!("… and {} more", details.len() - 12));
                    }
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button("Restore").clicked() {
                            choice = Some(DialogChoice::Restore);
                        }
                        if ui.button("Discard it").clicked() {
                            choice = Some(DialogChoice::DiscardRecovery);
                        }
                    });
                }
                Dialog::Error(message) => {
                    ui.heading("Problem");
                    ui.label(egui::RichText::new(message).monospace());
                    ui.add_space(8.0);
                    if ui.button("OK").clicked() {
                        choice = Some(DialogChoice::Dismiss);
                    }
                }
            }
        });
        if choice.is_none() && modal.should_close() && !matches!(dialog, Dialog::Recover { .. }) {
            choice = Some(DialogChoice::Dismiss);
        }
        let Some(choice) = choice else {
            return;
        };
        self.dialog = None;
        match choice {
            DialogChoice::SaveThen(after) => {
                if self.path.is_some() {
                    if self.save(ctx) {
                        self.proceed(after, ctx);
                    }
                } else {
                    self.after_save = Some(after);
                    self.request_save_as(ctx);
                }
            }
            DialogChoice::Proceed(after) => self.proceed(after, ctx),
            DialogChoice::UsePath(request, path) => self.use_chosen_path(request, &path, ctx),
            DialogChoice::CancelPath => {
                self.after_save = None;
                self.signing.save_as_cancelled();
            }
            DialogChoice::SaveAsInstead => self.request_save_as(ctx),
            DialogChoice::Overwrite(path) => {
                self.save_checked(&path, None);
            }
            DialogChoice::Restore => {
                if let Dialog::Recover { file, entry, .. } = dialog {
                    self.restore(&file, *entry);
                }
            }
            DialogChoice::DiscardRecovery => {
                if let (Dialog::Recover { file, .. }, Some(store)) =
                    (&dialog, self.guard.recovery())
                    && let Err(error) = store.discard_file(file)
                {
                    self.dialog = Some(Dialog::Error(error.to_string()));
                }
            }
            DialogChoice::Dismiss => {}
        }
    }
}

/// What the user chose in a dialog.
enum DialogChoice {
    /// Save, then carry on.
    SaveThen(AfterConfirm),
    /// Carry on without saving.
    Proceed(AfterConfirm),
    /// Use this typed path.
    UsePath(FileRequest, PathBuf),
    /// No path after all.
    CancelPath,
    /// Close the dialog.
    Dismiss,
    /// Save under another name instead of replacing a file changed on disk.
    SaveAsInstead,
    /// Replace the file changed on disk.
    Overwrite(PathBuf),
    /// Restore the recovered work.
    Restore,
    /// Throw the recovered work away.
    DiscardRecovery,
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

impl eframe::App for TriggerMapApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    /// A clean exit leaves no recovery copy: the user has saved or chosen not to.
    fn on_exit(&mut self) {
        self.guard.discard_recovery();
    }
}
