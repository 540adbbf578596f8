//! The application shell: lays out the panels around the chart, collects the [`Action`]s they
//! return, and carries them out once per frame in one place ([`dispatch`]). The open visit and
//! its workflows belong to the [`Session`]; the dialogs to [`Dialogs`].

mod clinician;
mod dispatch;
mod export;

use super::action::Action;
use super::aftercare_file::AftercareFile;
use super::canvas::{self, CanvasState};
use super::clinician_settings::ClinicianSettingsFile;
use super::commands::Command;
use super::dialogs::{Dialog, Dialogs};
use super::file_dialog::FilePicker;
use super::history_dock::{self, HistoryViews};
use super::patient::RecentPatientsFile;
use super::{banners, inspector, menu, patient, point_list, visit_form, visit_panel};
use crate::atlas::Atlas;
use crate::model::{PointId, Visit};
use crate::recovery::RecoveryStore;
use crate::session::{ReadOnly, Session};
use chrono::{DateTime, FixedOffset};
use egui::Ui;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The TriggerMap app.
pub struct TriggerMapApp {
    session: Session,
    selected: Option<PointId>,
    /// The session's document generation the selection belongs to.
    seen_generation: u64,
    /// The chart's layout, cameras and drag.
    pub canvas: CanvasState,
    inspector: inspector::InspectorState,
    point_list: point_list::ListState,
    visit_form: visit_form::VisitFormState,
    visit_summary: visit_panel::VisitSummary,
    history: HistoryViews,
    recent: RecentPatientsFile,
    clinicians: ClinicianSettingsFile,
    aftercare: AftercareFile,
    picker: Box<dyn FilePicker>,
    dialogs: Dialogs,
    status: String,
    close_confirmed: bool,
    title: String,
    /// Where to write the chart's layout when it changes (for checks of the real window).
    layout_report: Option<(PathBuf, String)>,
}

impl TriggerMapApp {
    /// A new app with an empty visit.
    pub fn new(atlas: Arc<Atlas>, picker: Box<dyn FilePicker>) -> Self {
        TriggerMapApp {
            session: Session::new(atlas, None),
            selected: None,
            seen_generation: 0,
            canvas: CanvasState::default(),
            inspector: inspector::InspectorState::default(),
            point_list: point_list::ListState::default(),
            visit_form: visit_form::VisitFormState::default(),
            visit_summary: visit_panel::VisitSummary::default(),
            history: HistoryViews::default(),
            recent: RecentPatientsFile::default(),
            clinicians: ClinicianSettingsFile::default(),
            aftercare: AftercareFile::default(),
            picker,
            dialogs: Dialogs::default(),
            status: "Click on the body chart where the knot is.".to_owned(),
            close_confirmed: false,
            title: String::new(),
            layout_report: None,
        }
    }

    /// Keeps crash-recovery copies in `store`, and offers to restore what an earlier session
    /// left there unsaved.
    pub fn with_recovery(mut self, store: RecoveryStore) -> Self {
        self.session.set_recovery_store(store);
        if let Some(offer) = self.session.recovery_offer() {
            self.dialogs
                .open(Dialog::Recover(Box::new(super::dialogs::Recover::new(
                    offer,
                ))));
        }
        self
    }

    /// Remembers recently opened patients in `file` (the real app uses
    /// [`RecentPatients::default_path`](crate::history::RecentPatients::default_path); tests a
    /// temporary file). Without it, the recent list is neither read nor written.
    pub fn with_recent_patients(mut self, file: PathBuf) -> Self {
        if let Err(message) = self.recent.set_file(file) {
            self.dialogs.error(message);
        }
        self
    }

    /// Keeps the clinicians' presets and dose limits in `file` (the real app uses
    /// [`Clinicians::default_path`](crate::clinicians::Clinicians::default_path); tests a
    /// temporary file). Without it, they are kept for this run only.
    pub fn with_clinician_settings(mut self, file: PathBuf) -> Self {
        if let Err(message) = self.clinicians.set_file(file) {
            self.dialogs.error(message);
        }
        self
    }

    /// Keeps the clinic's aftercare text in `file` (the real app uses
    /// [`aftercare::default_path`](crate::export::aftercare::default_path); tests a temporary
    /// file). Without it, the default text is used and changes are kept for this run only.
    pub fn with_aftercare_file(mut self, file: PathBuf) -> Self {
        let loaded = self.aftercare.set_file(file);
        self.take_clinic_aftercare(loaded);
        self
    }

    /// The settings of the visit's clinician, if they have any.
    pub fn clinician_settings(&self) -> Option<&crate::clinicians::ClinicianSettings> {
        self.clinicians.of(&self.session.visit().clinician)
    }

    /// Writes the chart's layout ([`CanvasState::layout_report`]) to `file` whenever it changes,
    /// so that a check of the real window can click where a clinician would.
    pub fn with_layout_report(mut self, file: PathBuf) -> Self {
        self.layout_report = Some((file, String::new()));
        self
    }

    /// Uses `now` as the time of signatures, amendments and follow-up visits (for tests).
    pub fn with_clock(mut self, now: DateTime<FixedOffset>) -> Self {
        self.session.set_clock(now);
        self
    }

    /// The open visit and its workflows.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The visit being edited.
    pub fn visit(&self) -> &Visit {
        self.session.visit()
    }

    /// The file the visit was opened from or saved to.
    pub fn path(&self) -> Option<&Path> {
        self.session.path()
    }

    /// The selected point.
    pub fn selected(&self) -> Option<PointId> {
        self.selected
    }

    /// Whether the visit has changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.session.is_dirty()
    }

    /// Why the visit cannot be edited now, if so.
    pub fn read_only(&self) -> Option<ReadOnly> {
        self.session.read_only()
    }

    /// The dialog in front, if any.
    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialogs.current()
    }

    /// The history views beside the chart (previous visit, knot history, overview, comparison).
    pub fn history_views(&self) -> &HistoryViews {
        &self.history
    }

    /// The line in the status bar.
    pub fn status(&self) -> &str {
        &self.status
    }

    /// Opens a visit file in place of the current one (the caller has dealt with unsaved
    /// changes). On error nothing changes and the error is shown.
    pub fn open_path(&mut self, path: &Path) {
        self.carry_out(
            Action::Proceed(super::action::Then::OpenVisit(path.to_owned())),
            None,
        );
    }

    /// Opens a patient folder: lists its visits (and opens the latest when nothing is in hand).
    pub fn open_folder(&mut self, path: &Path) {
        self.carry_out(Action::OpenFolder(path.to_owned()), None);
    }

    /// Opens a file or folder named on the command line.
    pub fn open_argument(&mut self, path: &Path) {
        if path.is_dir() {
            self.open_folder(path);
        } else {
            self.open_path(path);
        }
    }

    /// Applies an edit as one undo step (refused, with a status line, when read-only).
    pub fn apply(&mut self, edit: crate::editing::Edit) {
        self.carry_out(Action::Edit(edit), None);
    }

    /// Runs a command as if chosen from the menu.
    pub fn run_command(&mut self, command: Command, ctx: &egui::Context) {
        self.carry_out(Action::Command(command), Some(ctx));
    }

    /// The whole window's UI. eframe and the UI tests both call this.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let mut actions: Vec<Action> = Vec::new();
        if let Some((request, answer)) = self.picker.poll() {
            self.file_answered(request, answer, &ctx);
        }
        self.handle_close_request(&ctx);
        if !self.dialogs.is_open() {
            actions.extend(Command::pressed(&ctx).into_iter().map(Action::Command));
            if self.selected.is_some()
                && let Some(pain) = pain_digit(&ctx)
            {
                self.pain_key(pain);
            }
        }
        self.follow_session();
        if self.history.needs_history(&self.session, self.selected) {
            self.session.update_history();
        }

        let menu_state = self.menu_state();
        egui::Panel::top("menu").show(ui, |ui| {
            actions.extend(menu::bar(
                ui,
                &menu_state,
                &mut self.canvas,
                &mut self.history,
            ));
        });
        actions.extend(banners::show(ui, &self.session));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        actions.extend(patient::panel(ui, &self.session, &mut self.history));
        egui::Panel::right("inspector")
            .resizable(true)
            .default_size(side_panel_width(&ctx, 0.26, 280.0, 360.0))
            .min_size(280.0)
            .show(ui, |ui| {
                let presets = self
                    .clinicians
                    .of(&self.session.visit().clinician)
                    .map_or(&[][..], |c| &c.presets[..]);
                actions.extend(inspector::panel(
                    ui,
                    &self.session,
                    &mut self.inspector,
                    self.selected,
                    presets,
                ));
            });
        // Under the chart and the visit panel, beside the full-height form.
        actions.extend(history_dock::show(ui, &self.session, &mut self.history));
        egui::Panel::left("visit")
            .resizable(true)
            .default_size(side_panel_width(&ctx, 0.22, 240.0, 310.0))
            .min_size(240.0)
            .show(ui, |ui| {
                actions.extend(visit_panel::show(
                    ui,
                    &self.session,
                    &mut self.visit_summary,
                    &mut self.visit_form,
                    &mut self.point_list,
                    self.selected,
                    self.clinicians.of(&self.session.visit().clinician),
                ));
            });
        egui::CentralPanel::default().show(ui, |ui| {
            let doc = self.session.document();
            actions.extend(canvas::show(
                ui,
                &mut self.canvas,
                self.session.atlas(),
                doc.visit(),
                doc.revision(),
                self.selected,
            ));
            history_dock::chart_overlays(ui, &self.canvas, &self.session, &self.history);
        });
        actions.extend(self.dialogs.show(&ctx, &self.session));
        self.write_layout_report();

        for action in actions {
            self.carry_out(action, Some(&ctx));
        }
        self.follow_session();
        self.update_title(&ctx);
        if let Some(wait) = self.session.keep_recovery_copy(Instant::now()) {
            ctx.request_repaint_after(wait);
        }
    }

    /// Drops the selection when another document was installed and the point is gone.
    fn follow_session(&mut self) {
        let generation = self.session.generation();
        if generation != self.seen_generation {
            self.seen_generation = generation;
            self.forget_missing_selection();
        }
    }

    fn forget_missing_selection(&mut self) {
        if let Some(id) = self.selected
            && !self.session.has_point(id)
        {
            self.selected = None;
        }
    }

    /// What the menus need to know to enable their items.
    fn menu_state(&self) -> menu::MenuState {
        let read_only = self.session.read_only();
        let file_read_only = self.session.file_read_only();
        menu::MenuState {
            editable: read_only.is_none(),
            can_undo: self.session.document().can_undo(),
            can_redo: self.session.document().can_redo(),
            has_selection: self.selected.is_some(),
            picker_idle: !self.picker.is_pending(),
            can_sign: self.session.sign_refusal().is_none(),
            can_amend: self.session.can_amend(),
            amending: self.session.is_amending(),
            can_take_over: file_read_only.is_some_and(|r| r.can_take_over()),
            has_folder: self.session.folder().is_some(),
            can_follow_up: self.session.folder().is_some_and(|f| f.latest().is_some()),
            recent: self.recent.entries(),
        }
    }

    fn handle_close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.session.is_dirty()
            && !self.close_confirmed
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialogs
                .open(Dialog::UnsavedChanges(super::dialogs::UnsavedChanges {
                    then: super::action::Then::Close,
                }));
        }
    }

    fn write_layout_report(&mut self) {
        let Some((file, written)) = &mut self.layout_report else {
            return;
        };
        let report = self.canvas.layout_report();
        if report != *written {
            if let Err(error) = std::fs::write(&*file, &report) {
                eprintln!("triggermap: layout report {}: {error}", file.display());
            }
            *written = report;
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let name = self
            .session
            .path()
            .and_then(Path::file_name)
            .map_or("Untitled visit".to_owned(), |n| {
                n.to_string_lossy().into_owned()
            });
        let title = format!(
            "{}{} — TriggerMap",
            if self.session.is_dirty() { "• " } else { "" },
            name
        );
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let file = self
                .session
                .path()
                .map_or("not saved yet".to_owned(), |p| p.display().to_string());
            ui.weak(file);
            if self.session.is_dirty() {
                ui.colored_label(ui.visuals().warn_fg_color, "unsaved changes");
            }
            ui.separator();
            ui.label(&self.status);
        });
    }
}

/// A side panel's first width: a share of the window, within `min..=max`, so that a laptop
/// window leaves the chart the most room. The user's own width is kept after that.
fn side_panel_width(ctx: &egui::Context, share: f32, min: f32, max: f32) -> f32 {
    (ctx.content_rect().width() * share).clamp(min, max)
}

/// The digit key pressed this frame, if any (never while a text field has the keys).
fn pain_digit(ctx: &egui::Context) -> Option<u8> {
    if ctx.text_edit_focused() {
        return None;
    }
    const DIGITS: [egui::Key; 10] = [
        egui::Key::Num0,
        egui::Key::Num1,
        egui::Key::Num2,
        egui::Key::Num3,
        egui::Key::Num4,
        egui::Key::Num5,
        egui::Key::Num6,
        egui::Key::Num7,
        egui::Key::Num8,
        egui::Key::Num9,
    ];
    ctx.input_mut(|input| {
        DIGITS
            .iter()
            .position(|&key| input.consume_key(egui::Modifiers::NONE, key))
            .and_then(|digit| u8::try_from(digit).ok())
    })
}

impl eframe::App for TriggerMapApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    /// A clean exit leaves no recovery copy: the user has saved or chosen not to.
    fn on_exit(&mut self) {
        self.session.close();
    }
}
