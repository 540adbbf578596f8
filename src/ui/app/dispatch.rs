//! Carrying out what the user asked for: each [`Action`] becomes a session operation, and its
//! typed outcome becomes a status line or a dialog. The one place the app changes anything.

use super::TriggerMapApp;
use crate::editing::Edit;
use crate::exporting::ExportKind;
use crate::lock::LockError;
use crate::model::{Criterion, Status, TriggerPoint};
use crate::session::{AmendError, PatientChange, SaveError, Saved, SignError};
use crate::ui::action::{Action, Then};
use crate::ui::commands::Command;
use crate::ui::dialogs::Dialog;
use crate::ui::dialogs::{
    ChangedOnDisk, DiscardAmendment, FinishAmendment, ReplaceOtherVisit, SignDialog, TakeOverLock,
    TypePath, UnsavedChanges,
};
use crate::ui::file_dialog::{FileAnswer, FileRequest};
use std::path::Path;

impl TriggerMapApp {
    /// Carries out one action. `ctx` is the window's (file dialogs and closing need it).
    pub fn carry_out(&mut self, action: Action, ctx: Option<&egui::Context>) {
        match action {
            Action::Command(command) => self.command(command, ctx),
            Action::Select(id) => self.selected = id,
            Action::Edit(edit) => self.edit(edit),
            Action::DeletePoint(id) => {
                self.edit(Edit::DeletePoint(id));
                self.forget_missing_selection();
            }
            Action::OpenVisit(path) => self.confirm_then(Then::OpenVisit(path), ctx),
            Action::OpenFolder(path) => self.open_folder_now(&path),
            Action::ShowKnotHistory(knot) => self.history.show_knot(knot),
            Action::Status(text) => self.status = text,
            Action::SaveThen(then) => self.save_then(then, ctx),
            Action::Proceed(then) => self.proceed(then, ctx),
            Action::UsePath(request, path) => self.use_path(request, &path, ctx),
            Action::CancelPath => self.status = "Cancelled.".to_owned(),
            Action::SaveAsInstead => self.request_save_as(Then::Nothing, ctx),
            Action::ReplaceChangedFile => {
                let result = self.session.save_replacing();
                self.after_save(result, Then::Nothing, ctx);
            }
            Action::ReloadFromDisk => match self.session.reload() {
                Ok(_) => {
                    self.status =
                        "Opened the version on disk; your changes were dropped.".to_owned()
                }
                Err(error) => self.dialogs.error(error.to_string()),
            },
            Action::Restore { file, entry } => self.restore(&file, *entry),
            Action::DiscardRecovery(file) => {
                if let Err(error) = self.session.discard_recovery_file(&file) {
                    self.dialogs.error(error.to_string());
                }
            }
            Action::Sign(name) => self.sign(name, ctx),
            Action::FinishAmendment { by, why } => self.finish_amendment(by, why),
            Action::DiscardAmendment => {
                if self.session.cancel_amendment() {
                    self.status = "Amendment cancelled; the corrections were discarded.".to_owned();
                }
            }
            Action::TakeOverLock => self.take_over_lock(),
            Action::SavePreset(procedure) => self.save_preset(procedure),
            Action::SaveClinicianSettings(settings) => self.save_clinician_settings(settings),
            Action::SaveAftercare(text) => self.save_aftercare(text),
            Action::ConfirmCoding(codes) => match self.session.confirm_coding(codes) {
                Ok(()) => self.status = "Coding confirmed.".to_owned(),
                Err(error) => self
                    .dialogs
                    .error(format!("The coding was not confirmed: {error}")),
            },
            Action::ReplaceOtherVisit { path, then } => {
                let result = self.session.save_as_replacing(&path);
                self.after_save(result, then, ctx);
            }
        }
    }

    fn command(&mut self, command: Command, ctx: Option<&egui::Context>) {
        match command {
            Command::New => self.confirm_then(Then::NewVisit, ctx),
            Command::Open => self.confirm_then(Then::AskOpen, ctx),
            Command::Save => {
                if self.session.is_amending() {
                    self.ask_finish_amendment();
                } else {
                    self.save_then(Then::Nothing, ctx);
                }
            }
            Command::SaveAs => self.request_save_as(Then::Nothing, ctx),
            Command::Undo | Command::Redo => self.undo_or_redo(command),
            Command::DeletePoint => {
                if let Some(id) = self.selected {
                    self.carry_out(Action::DeletePoint(id), ctx);
                }
            }
            Command::SelectPrevious | Command::SelectNext => self.step_selection(command),
            Command::OpenFolder => self.request_file(FileRequest::Folder, ctx),
            Command::NewFollowUp => {
                if self.session.folder().is_some_and(|f| f.latest().is_some()) {
                    self.confirm_then(Then::FollowUp, ctx);
                }
            }
            Command::Sign => match self.session.sign_refusal() {
                Some(reason) => self.status = format!("Cannot sign: {reason}"),
                None => self.dialogs.open(Dialog::Sign(SignDialog {
                    name: self.session.visit().clinician.clone(),
                    error: None,
                })),
            },
            Command::Amend => match self.session.start_amendment() {
                Ok(()) => {
                    self.status =
                        "Amending: make the corrections, then Finish amendment (or cancel it)."
                            .to_owned();
                }
                Err(error) => self.status = format!("Cannot amend: {error}."),
            },
            Command::FinishAmendment => self.ask_finish_amendment(),
            Command::CancelAmendment => {
                if self.session.is_dirty() && self.session.is_amending() {
                    self.dialogs
                        .open(Dialog::DiscardAmendment(DiscardAmendment));
                } else {
                    self.carry_out(Action::DiscardAmendment, ctx);
                }
            }
            Command::TakeOverLock => {
                if self
                    .session
                    .file_read_only()
                    .is_some_and(|r| r.can_take_over())
                {
                    self.dialogs.open(Dialog::TakeOverLock(TakeOverLock));
                }
            }
            Command::ClinicianSettings => self.open_clinician_settings(),
            Command::AftercareText => self.open_aftercare(),
            Command::ExportFhir => self.request_export(ExportKind::FhirBundle, ctx),
            Command::ExportChart => self.request_export(ExportKind::ChartPng, ctx),
            Command::ExportReport => self.request_export(ExportKind::ReportPdf, ctx),
            Command::ShowFrontAndBack => self.canvas.layout = super::super::canvas::Layout::Both,
            Command::ShowHeadProfiles => {
                self.canvas.layout = super::super::canvas::Layout::Profiles;
            }
            Command::PatientOverview => self.history.show_overview(),
            Command::CompareVisits => self.history.show_comparison(),
            Command::MarkActive => self.change_selected("status", |p| p.status = Status::Active),
            Command::MarkLatent => self.change_selected("status", |p| p.status = Status::Latent),
            Command::ZoomToPoints => {
                for view in self.canvas.shown_views() {
                    let on_view: Vec<_> = self
                        .session
                        .visit()
                        .points
                        .iter()
                        .filter(|p| p.view == view)
                        .map(|p| p.pos)
                        .collect();
                    self.canvas.zoom_to_points(view, &on_view);
                }
            }
            Command::AllCriteriaYes => self.change_selected("criteria", |p| {
                for (_, value) in p.criteria.labelled_mut() {
                    *value = Criterion::Yes;
                }
            }),
        }
    }

    /// Changes the selected point as `change` does, as one edit of `field`.
    fn change_selected(&mut self, field: &'static str, change: impl FnOnce(&mut TriggerPoint)) {
        let Some(mut point) = self
            .selected
            .and_then(|id| self.session.visit().point(id))
            .cloned()
        else {
            return;
        };
        change(&mut point);
        self.edit(Edit::UpdatePoint {
            point: Box::new(point),
            field,
        });
    }

    /// A digit pressed while a point is selected (and no text field has the keys): its
    /// palpation pain, 0 to 9.
    pub(super) fn pain_key(&mut self, pain: u8) {
        self.change_selected("palpation_pain", |p| p.palpation_pain = Some(pain));
    }

    /// Undoes or redoes a step. A point that the step brings back (a placement redone, a
    /// deletion undone) is selected, as it was when it was placed.
    fn undo_or_redo(&mut self, command: Command) {
        let before: Vec<crate::model::PointId> =
            self.session.visit().points.iter().map(|p| p.id).collect();
        let (result, done) = if command == Command::Undo {
            (self.session.undo(), "Undone.")
        } else {
            (self.session.redo(), "Redone.")
        };
        match result {
            Ok(true) => {
                self.status = done.to_owned();
                let back = self
                    .session
                    .visit()
                    .points
                    .iter()
                    .find(|p| !before.contains(&p.id))
                    .map(|p| p.id);
                if back.is_some() {
                    self.selected = back;
                }
                self.forget_missing_selection();
            }
            Ok(false) => {}
            Err(reason) => self.status = format!("Read-only: {reason}"),
        }
    }

    /// Applies an edit, saying what it did (or why it was refused) in the status bar.
    fn edit(&mut self, edit: Edit) {
        let atlas = self.session.atlas();
        let muscle_name = |m: &Option<crate::model::MuscleId>| {
            m.as_ref()
                .map_or("no muscle", |m| atlas.muscle_name(m))
                .to_owned()
        };
        let describe = match &edit {
            Edit::AddPoint(p) => Some(format!(
                "Placed point {} in {} ({}).",
                self.session.visit().points.len() + 1,
                muscle_name(&p.muscle),
                p.side
            )),
            Edit::MovePoint { muscle, side, .. } => Some(format!(
                "Moved the point to {} ({side}).",
                muscle_name(muscle)
            )),
            Edit::DeletePoint(_) => Some("Deleted the point.".to_owned()),
            _ => None,
        };
        match self.session.apply(edit) {
            Ok(true) => {
                if let Some(text) = describe {
                    self.status = text;
                }
            }
            Ok(false) => {}
            Err(reason) => self.status = format!("Read-only: {reason}"),
        }
    }

    fn step_selection(&mut self, command: Command) {
        let visit = self.session.visit();
        let points = &visit.points;
        if points.is_empty() {
            return;
        }
        let current = self.selected.and_then(|id| visit.index_of(id));
        let next = match (command, current) {
            (Command::SelectPrevious, Some(i)) => i.saturating_sub(1),
            (Command::SelectPrevious, None) => points.len() - 1,
            (_, Some(i)) => (i + 1).min(points.len() - 1),
            (_, None) => 0,
        };
        self.selected = Some(points[next].id);
    }

    /// Asks about unsaved changes before `then`, or does it at once.
    fn confirm_then(&mut self, then: Then, ctx: Option<&egui::Context>) {
        if self.session.is_dirty() {
            self.dialogs
                .open(Dialog::UnsavedChanges(UnsavedChanges { then }));
        } else {
            self.proceed(then, ctx);
        }
    }

    /// Does `then`: the work in hand has been dealt with.
    fn proceed(&mut self, then: Then, ctx: Option<&egui::Context>) {
        match then {
            Then::Nothing => {}
            Then::NewVisit => {
                self.session.new_visit();
                self.selected = None;
                self.status = "New visit.".to_owned();
            }
            Then::AskOpen => self.request_file(FileRequest::Open, ctx),
            Then::OpenVisit(path) => self.open_now(&path),
            Then::FollowUp => {
                if let Some(started) = self.session.follow_up() {
                    self.selected = None;
                    self.history.show_previous = true;
                    let carried = started.carried;
                    self.status = format!(
                        "Follow-up visit: {carried} knot{} carried over to re-examine. Save to add it to the folder.",
                        if carried == 1 { "" } else { "s" }
                    );
                }
            }
            Then::Close => {
                self.session.close();
                self.close_confirmed = true;
                if let Some(ctx) = ctx {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            Then::Sign(name) => self.sign(name, ctx),
        }
    }

    fn open_now(&mut self, path: &Path) {
        match self.session.open(path) {
            Ok(opened) => {
                self.selected = None;
                let how = if self.session.file_read_only().is_some() {
                    ", read-only"
                } else if self.session.visit().is_signed() {
                    ", signed"
                } else {
                    ""
                };
                self.status = format!("Opened {} ({} points){how}.", path.display(), opened.points);
                self.patient_changed(&opened.patient);
            }
            Err(error) => {
                self.status = "The file could not be opened; nothing was changed.".to_owned();
                let backup = crate::storage::backup_path_for(path);
                self.dialogs
                    .open(Dialog::OpenFailed(super::super::dialogs::OpenFailed {
                        text: error.to_string(),
                        backup: backup.is_file().then_some(backup),
                    }));
            }
        }
    }

    /// The patient folder followed the open visit to another patient: the history views of the
    /// first patient go, and the folder switched to joins the recent list.
    fn patient_changed(&mut self, change: &PatientChange) {
        match change {
            PatientChange::Unchanged => {}
            PatientChange::Switched { folder } => {
                self.history.reset();
                let patient = self.session.visit().patient_id.clone();
                if let Err(error) = self.recent.touch(folder, &patient) {
                    self.status = format!("{} {error}", self.status);
                }
                self.status = format!(
                    "{} The patient folder is now {}.",
                    self.status,
                    folder.display()
                );
            }
            PatientChange::Closed => {
                self.history.reset();
                self.status = format!(
                    "{} The patient folder was closed: the visit is of another patient.",
                    self.status
                );
            }
        }
    }

    fn open_folder_now(&mut self, path: &Path) {
        match self.session.open_folder(path) {
            Ok(opened) => {
                self.history.reset();
                let mut summary = format!(
                    "Opened patient {} ({} visits{}).",
                    if opened.patient_id.is_empty() {
                        "(unnamed)"
                    } else {
                        &opened.patient_id
                    },
                    opened.visits,
                    match opened.bad_files {
                        0 => String::new(),
                        1 => ", 1 file could not be loaded".to_owned(),
                        n => format!(", {n} files could not be loaded"),
                    }
                );
                if let Err(error) = self.recent.touch(path, &opened.patient_id) {
                    summary = format!("{summary} {error}");
                }
                match opened.opened_latest {
                    Some(Ok(_)) => self.selected = None,
                    Some(Err(error)) => self.dialogs.error(error.to_string()),
                    None => {}
                }
                self.status = summary;
            }
            Err(error) => {
                self.status = "The patient folder could not be opened.".to_owned();
                self.dialogs.error(error.to_string());
            }
        }
    }

    /// Saves, then does `then`; asks where first when the visit has no file.
    fn save_then(&mut self, then: Then, ctx: Option<&egui::Context>) {
        if self.session.is_amending() {
            self.ask_finish_amendment();
            return;
        }
        match self.session.save() {
            Err(SaveError::NoFile) => self.request_save_as(then, ctx),
            result => self.after_save(result, then, ctx),
        }
    }

    /// Shows what a save did, and goes on with `then` when it succeeded.
    fn after_save(
        &mut self,
        result: Result<Saved, SaveError>,
        then: Then,
        ctx: Option<&egui::Context>,
    ) {
        match result {
            Ok(saved) => {
                self.status = match saved.read_only {
                    None => format!("Saved {}.", saved.path.display()),
                    Some(reason) => format!(
                        "Saved {}; it is now read-only: {reason}",
                        saved.path.display()
                    ),
                };
                self.proceed(then, ctx);
            }
            Err(error) => self.save_failed_then(error, then),
        }
    }

    fn save_failed(&mut self, error: SaveError) {
        self.save_failed_then(error, Then::Nothing);
    }

    /// Shows why a save failed; a file that holds another visit is asked about, and `then`
    /// follows if the user replaces it.
    fn save_failed_then(&mut self, error: SaveError, then: Then) {
        if let SaveError::HoldsAnotherVisit {
            path,
            on_disk_patient,
        } = error
        {
            self.dialogs
                .open(Dialog::ReplaceOtherVisit(ReplaceOtherVisit {
                    path,
                    on_disk_patient,
                    saving_patient: self.session.visit().patient_id.clone(),
                    then,
                }));
            return;
        }
        if let Some(path) = error.changed_on_disk() {
            let path = path.to_owned();
            self.dialogs
                .open(Dialog::ChangedOnDisk(ChangedOnDisk { path }));
            return;
        }
        let message = match error {
            SaveError::File(error) => format!("The visit was NOT saved.\n\n{error}"),
            other => format!("The visit was NOT saved: {other}"),
        };
        self.dialogs.error(message);
    }

    fn request_save_as(&mut self, then: Then, ctx: Option<&egui::Context>) {
        let (suggested_name, folder) = self.session.suggested_save_location();
        self.request_file(
            FileRequest::SaveAs {
                suggested_name,
                folder,
                then,
            },
            ctx,
        );
    }

    fn request_file(&mut self, request: FileRequest, ctx: Option<&egui::Context>) {
        match ctx {
            Some(ctx) => self.picker.request(request, ctx),
            None => self.picker.request(request, &egui::Context::default()),
        }
    }

    /// The answer of a file dialog: a path to use, a cancel, or no dialog on this system (a
    /// path is typed instead).
    pub(super) fn file_answered(
        &mut self,
        request: FileRequest,
        answer: FileAnswer,
        ctx: &egui::Context,
    ) {
        match answer {
            FileAnswer::Chosen(path) => self.use_path(request, &path, Some(ctx)),
            FileAnswer::Cancelled => self.status = "Cancelled.".to_owned(),
            FileAnswer::Unavailable => {
                let text = match request.suggested() {
                    None => String::new(),
                    Some((suggested_name, folder)) => folder
                        .cloned()
                        .unwrap_or_else(|| std::env::current_dir().unwrap_or_default())
                        .join(suggested_name)
                        .display()
                        .to_string(),
                };
                self.dialogs
                    .open(Dialog::TypePath(TypePath { request, text }));
            }
        }
    }

    fn use_path(&mut self, request: FileRequest, path: &Path, ctx: Option<&egui::Context>) {
        match request {
            FileRequest::Open => self.open_now(path),
            FileRequest::Folder => self.open_folder_now(path),
            FileRequest::Export { kind, .. } => self.export_to(kind, path),
            FileRequest::SaveAs { then, .. } => {
                let path = if path.extension().is_none() {
                    path.with_extension("ron")
                } else {
                    path.to_owned()
                };
                match then {
                    Then::Sign(name) => {
                        self.reread_clinic_aftercare();
                        let result = self.session.sign_as(&name, &path);
                        self.signed(name, result, ctx);
                    }
                    then => {
                        let result = self.session.save_as(&path);
                        self.after_save(result, then, ctx);
                    }
                }
            }
        }
    }

    fn sign(&mut self, name: String, ctx: Option<&egui::Context>) {
        self.reread_clinic_aftercare();
        let result = self.session.sign(&name);
        self.signed(name, result, ctx);
    }

    fn signed(
        &mut self,
        name: String,
        result: Result<Saved, SignError>,
        ctx: Option<&egui::Context>,
    ) {
        match result {
            Ok(saved) => {
                self.selected = None;
                let visit = self.session.visit();
                let no_aftercare = visit.has_needle_procedure() && visit.aftercare.is_none();
                self.status = format!(
                    "Signed by {} and saved to {}.{}",
                    name.trim(),
                    saved.path.display(),
                    if no_aftercare {
                        " The clinic's aftercare text could not be read, so the visit keeps none."
                    } else {
                        ""
                    }
                );
            }
            Err(SignError::NoFile) => self.request_save_as(Then::Sign(name), ctx),
            Err(SignError::Save(error)) => {
                self.status = "The visit was NOT signed: it could not be saved.".to_owned();
                self.save_failed_then(error, Then::Sign(name));
            }
            Err(SignError::NotAllowed(reason)) => self.status = format!("Cannot sign: {reason}"),
            Err(error @ SignError::Audit(_)) => self.dialogs.open(Dialog::Sign(SignDialog {
                name,
                error: Some(format!("Not signed: {error}.")),
            })),
        }
    }

    fn ask_finish_amendment(&mut self) {
        if self.session.is_amending() {
            let by = self.session.signer().unwrap_or_default().to_owned();
            self.dialogs.open(Dialog::FinishAmendment(FinishAmendment {
                by,
                why: String::new(),
                error: None,
            }));
        }
    }

    fn finish_amendment(&mut self, by: String, why: String) {
        match self.session.finish_amendment(&by, &why) {
            Ok(_) => {
                self.forget_missing_selection();
                self.status = format!("Amendment by {} recorded and saved.", by.trim());
            }
            Err(AmendError::Save(error)) => self.save_failed(error),
            Err(error) => self.dialogs.open(Dialog::FinishAmendment(FinishAmendment {
                by,
                why,
                error: Some(format!("Not recorded: {error}.")),
            })),
        }
    }

    fn take_over_lock(&mut self) {
        let path = self
            .session
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        match self.session.take_over_lock() {
            Ok(_) => {
                self.status = match self.session.read_only() {
                    None => format!("Took over the lock of {path}; the visit can be edited."),
                    Some(_) => format!("Took over the lock of {path}."),
                };
            }
            Err(error @ LockError::Held { .. }) => self.dialogs.error(format!(
                "The lock was NOT taken over: it changed meanwhile.\n\n{error}"
            )),
            Err(error) => self
                .dialogs
                .error(format!("The lock was NOT taken over.\n\n{error}")),
        }
    }

    fn restore(&mut self, file: &Path, entry: crate::recovery::RecoveryEntry) {
        let restored = self.session.restore(file, entry);
        self.selected = None;
        self.status = if restored.resumed_amendment {
            "Restored unsaved corrections to a signed visit: finish the amendment to keep them."
                .to_owned()
        } else if let Some(other) = &restored.detached_from {
            format!(
                "Restored the unsaved work as a visit with no file: {} now holds another visit, so it is not saved there.",
                other.display()
            )
        } else {
            "Restored the unsaved work; save it to keep it.".to_owned()
        };
        self.patient_changed(&restored.patient);
        if let Some(error) = restored.leftover {
            self.dialogs.error(error.to_string());
        }
    }
}
