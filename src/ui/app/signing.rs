//! Finalised visits in the app: signing (sign-and-save in one step), amending a signed visit (an
//! "amending" mode that unlocks editing of a copy, finished by who and why), the audit trail in
//! the left panel, the banners that say why a visit cannot be edited, and taking over the lock
//! of a visit another instance holds.
//!
//! A child module of [`super`] so that it works on the app's document, file and safeguards
//! directly; `app.rs` only calls in here.

use super::{Dialog, TriggerMapApp};
use crate::atlas::Atlas;
use crate::editing::Document;
use crate::lock::{Liveness, LockError};
use crate::model::{self, MuscleId, Visit, diff_content};
use chrono::{DateTime, FixedOffset, Local};
use egui::{Id, RichText, Ui};
use std::path::Path;

/// The state of signing and amending for the open visit.
#[derive(Debug, Default)]
pub struct SigningState {
    /// The dialog of this module in front, if any.
    dialog: Option<SigningDialog>,
    /// Set while the clinician corrects a signed visit: the visit as signed (and last saved).
    amending: Option<Visit>,
    /// The name to sign with once the Save As under way succeeds (a visit with no file yet).
    sign_after_save_as: Option<String>,
}

impl SigningState {
    /// Forgets everything: another visit was opened, or a new one started.
    pub fn reset(&mut self) {
        *self = SigningState::default();
    }

    /// Whether one of its dialogs is in front.
    pub fn has_dialog(&self) -> bool {
        self.dialog.is_some()
    }

    /// Forgets a pending sign-after-Save-As: the Save As was cancelled.
    pub fn save_as_cancelled(&mut self) {
        self.sign_after_save_as = None;
    }
}

/// A dialog of signing, amending or taking over a lock.
#[derive(Clone, Debug, PartialEq)]
pub enum SigningDialog {
    /// "Sign this visit?" with the clinician's name.
    Sign {
        /// The name typed so far.
        name: String,
        /// Why the last attempt failed, if it did.
        error: Option<String>,
    },
    /// "Finish the amendment" with who and why.
    FinishAmendment {
        /// Who makes it.
        by: String,
        /// Why.
        why: String,
        /// Why the last attempt failed, if it did.
        error: Option<String>,
    },
    /// "Discard your corrections?" before leaving the amending mode.
    DiscardAmendment,
    /// "Take over the lock?" with a warning naming the holder.
    TakeOverLock,
}

/// What the user chose in one of these dialogs.
enum Choice {
    Sign(String),
    FinishAmendment { by: String, why: String },
    DiscardAmendment,
    TakeOverLock,
    Close,
}

fn now() -> DateTime<FixedOffset> {
    Local::now().fixed_offset()
}

fn when(at: &DateTime<FixedOffset>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// A line of a change list as shown: muscle ids read as the muscles' names, and since egui's
/// bundled font has no arrow, "before → after" is drawn as "before -> after" (the file keeps the
/// ids and the arrow).
fn change_line(line: &str, atlas: &Atlas) -> String {
    let mut shown = String::with_capacity(line.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String, shown: &mut String| {
        let muscle = MuscleId(std::mem::take(word));
        match atlas.muscle(&muscle) {
            Some(m) => shown.push_str(&m.name),
            None => shown.push_str(muscle.as_str()),
        }
    };
    for c in line.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut shown);
            if c == '→' {
                shown.push_str("->");
            } else {
                shown.push(c);
            }
        }
    }
    flush(&mut word, &mut shown);
    format!("• {shown}")
}

impl TriggerMapApp {
    /// Whether the clinician is correcting a signed visit.
    pub fn is_amending(&self) -> bool {
        self.signing.amending.is_some()
    }

    /// The signing dialog in front, if any.
    pub fn signing_dialog(&self) -> Option<&SigningDialog> {
        self.signing.dialog.as_ref()
    }

    /// Why the visit cannot be edited now, if so: it is read-only (another instance holds it, or
    /// a newer format), or it is signed and not being amended.
    pub fn edit_refusal(&self) -> Option<String> {
        if let Some(reason) = &self.guard.read_only {
            return Some(reason.clone());
        }
        match &self.doc.visit().signature {
            Some(signature) if !self.is_amending() => Some(format!(
                "signed by {} on {}; a signed visit is changed only by an amendment (Visit menu, Amend…).",
                signature.clinician,
                when(&signature.signed_at)
            )),
            _ => None,
        }
    }

    /// Whether "Sign visit…" can be chosen now.
    fn can_sign(&self) -> bool {
        !self.doc.visit().is_signed() && self.guard.read_only.is_none() && !self.picker.is_pending()
    }

    /// Whether "Amend…" can be chosen now.
    fn can_amend(&self) -> bool {
        self.doc.visit().is_signed()
            && self.guard.read_only.is_none()
            && !self.is_amending()
            && self.path.is_some()
    }

    /// Opens the "Sign visit" dialog, the name prefilled with the visit's clinician.
    pub fn request_sign(&mut self) {
        if !self.can_sign() {
            self.status = match self.edit_refusal() {
                Some(reason) => format!("Cannot sign: {reason}"),
                None => "Cannot sign the visit now.".to_owned(),
            };
            return;
        }
        self.signing.dialog = Some(SigningDialog::Sign {
            name: self.doc.visit().clinician.clone(),
            error: None,
        });
    }

    /// Enters the amending mode on a signed visit: its content can be edited until the amendment
    /// is finished (recorded and saved) or cancelled.
    pub fn start_amending(&mut self) {
        if !self.can_amend() {
            self.status =
                "Only a signed visit that is saved and not read-only can be amended.".to_owned();
            return;
        }
        let signed = self.doc.visit().clone();
        // A fresh undo history: undo never reaches back past the start of the amendment.
        self.doc = Document::new(signed.clone());
        self.signing.amending = Some(signed);
        self.status =
            "Amending: make the corrections, then Finish amendment (or cancel it).".to_owned();
    }

    /// Opens the "Finish amendment" dialog (who, prefilled with the signer, and why).
    pub fn request_finish_amendment(&mut self) {
        let Some(signed) = &self.signing.amending else {
            return;
        };
        let by = signed
            .signature
            .as_ref()
            .map(|s| s.clinician.clone())
            .unwrap_or_default();
        self.signing.dialog = Some(SigningDialog::FinishAmendment {
            by,
            why: String::new(),
            error: None,
        });
    }

    /// Leaves the amending mode, asking first if corrections would be lost.
    pub fn request_cancel_amendment(&mut self) {
        if !self.is_amending() {
            return;
        }
        if self.doc.is_dirty() {
            self.signing.dialog = Some(SigningDialog::DiscardAmendment);
        } else {
            self.cancel_amendment();
        }
    }

    fn cancel_amendment(&mut self) {
        if let Some(signed) = self.signing.amending.take() {
            self.doc = Document::new(signed);
            self.forget_missing_selection();
            self.status = "Amendment cancelled; the corrections were discarded.".to_owned();
        }
    }

    /// Whether a save must be refused because an amendment is under way (it is saved only by
    /// finishing it), telling the user so.
    pub(super) fn refuse_save_while_amending(&mut self) -> bool {
        if self.is_amending() {
            self.dialog = Some(Dialog::Error(
                "The visit was NOT saved: it is signed and being amended.\n\nFinish the amendment (who and why) to save the corrections, or cancel it."
                    .to_owned(),
            ));
        }
        self.is_amending()
    }

    /// Save while amending: ask who and why instead. True if that was done.
    pub(super) fn save_means_finish_amendment(&mut self) -> bool {
        if self.is_amending() {
            self.request_finish_amendment();
            true
        } else {
            false
        }
    }

    /// Saves the file chosen in Save As: signs first if the Save As was asked for by "Sign".
    pub(super) fn save_as_chosen(&mut self, path: &Path) -> bool {
        match self.signing.sign_after_save_as.take() {
            Some(name) => self.sign_and_save(&name, path).is_ok(),
            None => self.save_to(path),
        }
    }

    /// Signs the visit as `name` and saves it to `path`, as one step: if the save fails, the
    /// visit stays as it was, unsigned.
    fn sign_and_save(&mut self, name: &str, path: &Path) -> Result<(), String> {
        let mut signed = self.doc.visit().clone();
        model::sign(&mut signed, name, now()).map_err(|e| e.to_string())?;
        // Signing is final: no undo reaches back to before it.
        let before = std::mem::replace(&mut self.doc, Document::new(signed));
        if self.save_to(path) {
            self.selected = None;
            self.status = format!("Signed by {} and saved to {}.", name.trim(), path.display());
            Ok(())
        } else {
            self.doc = before;
            self.status = "The visit was NOT signed: it could not be saved.".to_owned();
            Err("it could not be saved".to_owned())
        }
    }

    /// Records the amendment and saves it; on failure the amending mode goes on.
    fn finish_amendment(&mut self, by: &str, why: &str) -> Result<(), String> {
        let Some(path) = self.path.clone() else {
            return Err("the visit has no file".to_owned());
        };
        let Some(signed) = self.signing.amending.clone() else {
            return Ok(());
        };
        let mut amended = signed.clone();
        model::amend(&mut amended, self.doc.visit(), by, why, now()).map_err(|e| e.to_string())?;
        let corrected = std::mem::replace(&mut self.doc, Document::new(amended));
        self.signing.amending = None;
        if self.save_to(&path) {
            self.forget_missing_selection();
            self.status = format!("Amendment by {} recorded and saved.", by.trim());
            Ok(())
        } else {
            // Back to amending, the corrections intact.
            self.doc = corrected;
            self.signing.amending = Some(signed);
            Err("the amendment could not be saved; it is not recorded".to_owned())
        }
    }

    /// The "Visit" menu: sign, amend, finish or cancel an amendment, take over the lock.
    pub(super) fn visit_menu(&mut self, ui: &mut Ui) {
        if ui
            .add_enabled(self.can_sign(), egui::Button::new("Sign visit…"))
            .on_hover_text("Finalise the visit: it is saved and becomes read-only")
            .clicked()
        {
            self.request_sign();
        }
        if ui
            .add_enabled(self.can_amend(), egui::Button::new("Amend…"))
            .on_hover_text("Correct a signed visit; the correction is recorded with who and why")
            .clicked()
        {
            self.start_amending();
        }
        if self.is_amending() {
            if ui.button("Finish amendment…").clicked() {
                self.request_finish_amendment();
            }
            if ui.button("Cancel amendment").clicked() {
                self.request_cancel_amendment();
            }
        }
        if self.guard.refused_lock().is_some() && ui.button("Take over the lock…").clicked() {
            self.signing.dialog = Some(SigningDialog::TakeOverLock);
        }
    }

    /// The banners under the menu: read-only (with "Take over the lock…" when another instance
    /// holds it), signed, amending.
    pub(super) fn safeguard_banners(&mut self, ui: &mut Ui) {
        if let Some(reason) = self.guard.read_only.clone() {
            egui::Panel::top("read_only").show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(ui.visuals().warn_fg_color, format!("Read-only. {reason}"));
                    if self.guard.refused_lock().is_some()
                        && ui
                            .button("Take over the lock…")
                            .on_hover_text("Only if that instance is closed or its computer is off")
                            .clicked()
                    {
                        self.signing.dialog = Some(SigningDialog::TakeOverLock);
                    }
                });
            });
        }
        let visit = self.doc.visit();
        let Some(signature) = visit.signature.clone() else {
            return;
        };
        let amendments = visit.amendments.len();
        let amending = self.is_amending();
        egui::Panel::top("signed").show(ui, |ui| {
            ui.add_space(2.0);
            ui.horizontal_wrapped(|ui| {
                let text = format!(
                    "Signed by {} on {}",
                    signature.clinician,
                    when(&signature.signed_at)
                );
                ui.label(RichText::new(text).strong());
                if amendments > 0 {
                    ui.weak(format!(
                        "· {amendments} amendment{}",
                        if amendments == 1 { "" } else { "s" }
                    ));
                }
                if amending {
                    ui.separator();
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "AMENDING: your corrections are recorded as an amendment (who, when, what, why).",
                    );
                    if ui.button("Finish amendment…").clicked() {
                        self.request_finish_amendment();
                    }
                    if ui.button("Cancel amendment").clicked() {
                        self.request_cancel_amendment();
                    }
                } else {
                    ui.weak("· read-only; corrections are recorded as amendments.");
                    if ui
                        .add_enabled(self.can_amend(), egui::Button::new("Amend…"))
                        .clicked()
                    {
                        self.start_amending();
                    }
                }
            });
            ui.add_space(2.0);
        });
    }

    /// The signature and the amendments the file keeps: who, when, why and what changed.
    pub(super) fn audit_trail(&self, ui: &mut Ui) {
        let visit = self.doc.visit();
        let Some(signature) = &visit.signature else {
            return;
        };
        // While amending, the trail shown is the one on file (the copy carries the same one).
        let title = format!("Amendments ({})", visit.amendments.len());
        egui::CollapsingHeader::new(title)
            // Keyed by the count, so that a newly recorded amendment shows opened.
            .id_salt(("amendments", visit.amendments.len()))
            .default_open(!visit.amendments.is_empty())
            .show(ui, |ui| {
                ui.label(format!(
                    "Signed by {} on {}.",
                    signature.clinician,
                    when(&signature.signed_at)
                ));
                if visit.amendments.is_empty() {
                    ui.weak("No amendments.");
                }
                for (i, amendment) in visit.amendments.iter().enumerate() {
                    ui.separator();
                    ui.strong(format!(
                        "{}. {} by {}",
                        i + 1,
                        when(&amendment.at),
                        amendment.by
                    ));
                    ui.label(format!("Why: {}", amendment.why));
                    for line in &amendment.what {
                        ui.label(change_line(line, &self.atlas));
                    }
                }
            });
        ui.separator();
    }

    /// Shows the dialog of this module, if any (and no other dialog is in front).
    pub(super) fn show_signing_dialog(&mut self, ctx: &egui::Context) {
        if self.dialog.is_some() {
            return;
        }
        let Some(mut dialog) = self.signing.dialog.clone() else {
            return;
        };
        let mut choice = None;
        let modal = egui::Modal::new(Id::unique("signing_dialog")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            match &mut dialog {
                SigningDialog::Sign { name, error } => {
                    ui.heading("Sign this visit");
                    ui.label(
                        "Signing finalises the visit: it is saved and becomes read-only. Later corrections are recorded as amendments (who, when, what, why).",
                    );
                    match &self.path {
                        Some(path) => ui.weak(format!("It will be saved to {}.", path.display())),
                        None => ui.weak("It has no file yet: you will choose where to save it."),
                    };
                    ui.add_space(6.0);
                    let label = ui.label("Clinician signing");
                    let field = ui
                        .add(
                            egui::TextEdit::singleline(name)
                                .desired_width(320.0)
                                .hint_text("Your name"),
                        )
                        .labelled_by(label.id);
                    let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if let Some(error) = error {
                        ui.colored_label(ui.visuals().error_fg_color, error.as_str());
                    }
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        let ok = !name.trim().is_empty();
                        let label = if self.path.is_some() {
                            "Sign and save"
                        } else {
                            "Choose file, sign and save…"
                        };
                        if ui.add_enabled(ok, egui::Button::new(label)).clicked()
                            || (entered && ok)
                        {
                            choice = Some(Choice::Sign(name.clone()));
                        }
                        if ui.button("Cancel").clicked() {
                            choice = Some(Choice::Close);
                        }
                    });
                }
                SigningDialog::FinishAmendment { by, why, error } => {
                    ui.heading("Finish the amendment");
                    let what = self
                        .signing
                        .amending
                        .as_ref()
                        .map(|signed| diff_content(signed, self.doc.visit()).lines())
                        .unwrap_or_default();
                    if what.is_empty() {
                        ui.label("Nothing was changed yet: make the corrections first, or cancel the amendment.");
                    } else {
                        ui.label("What changed:");
                        egui::ScrollArea::vertical().max_height(160.0).show(ui, |ui| {
                            for line in &what {
                                ui.label(change_line(line, &self.atlas));
                            }
                        });
                    }
                    ui.add_space(6.0);
                    let label = ui.label("Amended by");
                    ui.add(
                        egui::TextEdit::singleline(by)
                            .desired_width(320.0)
                            .hint_text("Your name"),
                    )
                    .labelled_by(label.id);
                    let label = ui.label("Reason for the amendment");
                    ui.add(
                        egui::TextEdit::multiline(why)
                            .desired_rows(2)
                            .desired_width(480.0)
                            .hint_text("Required, e.g. pain score entered on the wrong point"),
                    )
                    .labelled_by(label.id);
                    if let Some(error) = error {
                        ui.colored_label(ui.visuals().error_fg_color, error.as_str());
                    }
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        let ok = !what.is_empty() && !by.trim().is_empty() && !why.trim().is_empty();
                        if ui
                            .add_enabled(ok, egui::Button::new("Record amendment and save"))
                            .clicked()
                        {
                            choice = Some(Choice::FinishAmendment {
                                by: by.clone(),
                                why: why.clone(),
                            });
                        }
                        if ui.button("Keep editing").clicked() {
                            choice = Some(Choice::Close);
                        }
                    });
                }
                SigningDialog::DiscardAmendment => {
                    ui.heading("Discard your corrections?");
                    ui.label("The amendment is not recorded and the signed visit stays as it was saved.");
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button("Discard corrections").clicked() {
                            choice = Some(Choice::DiscardAmendment);
                        }
                        if ui.button("Keep editing").clicked() {
                            choice = Some(Choice::Close);
                        }
                    });
                }
                SigningDialog::TakeOverLock => {
                    ui.heading("Take over the lock?");
                    let refused = self.guard.refused_lock().cloned();
                    let holder = refused
                        .as_ref()
                        .and_then(|r| r.holder.as_ref())
                        .map_or("an instance whose lock file cannot be read".to_owned(), |h| {
                            h.to_string()
                        });
                    ui.label(format!("This visit is open in another TriggerMap: {holder}."));
                    let warning = match refused.map(|r| r.liveness) {
                        Some(Liveness::Running) => {
                            "That TriggerMap is still running on this computer. If you take over, both of you can save, and one may overwrite the other's work."
                        }
                        _ => {
                            "Take over only if you are sure that TriggerMap is closed (or its computer is off or crashed). If it is still open, both of you can save, and one may overwrite the other's work."
                        }
                    };
                    ui.colored_label(ui.visuals().warn_fg_color, warning);
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        if ui.button("Take over the lock").clicked() {
                            choice = Some(Choice::TakeOverLock);
                        }
                        if ui.button("Cancel").clicked() {
                            choice = Some(Choice::Close);
                        }
                    });
                }
            }
        });
        // A click beside a dialog with typed text must not lose it: only Escape or a button
        // closes those.
        let typed = matches!(
            dialog,
            SigningDialog::Sign { .. } | SigningDialog::FinishAmendment { .. }
        );
        let escape = ctx.input(|i| i.key_pressed(egui::Key::Escape));
        if choice.is_none() && modal.should_close() && (!typed || escape) {
            choice = Some(Choice::Close);
        }
        self.signing.dialog = Some(dialog);
        let Some(choice) = choice else {
            return;
        };
        self.signing.dialog = None;
        match choice {
            Choice::Close => {}
            Choice::Sign(name) => self.confirm_sign(name, ctx),
            Choice::FinishAmendment { by, why } => {
                if let Err(error) = self.finish_amendment(&by, &why)
                    && self.dialog.is_none()
                {
                    self.signing.dialog = Some(SigningDialog::FinishAmendment {
                        by,
                        why,
                        error: Some(format!("Not recorded: {error}.")),
                    });
                }
            }
            Choice::DiscardAmendment => self.cancel_amendment(),
            Choice::TakeOverLock => self.take_over_lock(),
        }
    }

    fn confirm_sign(&mut self, name: String, ctx: &egui::Context) {
        match self.path.clone() {
            Some(path) => {
                if let Err(error) = self.sign_and_save(&name, &path)
                    && self.dialog.is_none()
                {
                    self.signing.dialog = Some(SigningDialog::Sign {
                        name,
                        error: Some(format!("Not signed: {error}.")),
                    });
                }
            }
            None => {
                self.signing.sign_after_save_as = Some(name);
                self.request_save_as(ctx);
            }
        }
    }

    /// Takes over the lock the user was warned about; the visit becomes editable (unless it is
    /// read-only for another reason), reloaded if the other instance saved it meanwhile.
    pub fn take_over_lock(&mut self) {
        let Some(path) = self.path.clone() else {
            return;
        };
        match self.guard.take_over(&path) {
            Ok(()) => {
                let changed =
                    self.guard.stamp.as_ref().is_some_and(|stamp| {
                        crate::storage::check_unchanged(&path, stamp).is_err()
                    });
                if changed && !self.doc.is_dirty() {
                    // The other instance saved since this one opened it: show what is on disk.
                    self.open_path(&path);
                }
                self.status = match self.edit_refusal() {
                    None => format!(
                        "Took over the lock of {}; the visit can be edited.",
                        path.display()
                    ),
                    Some(_) => format!("Took over the lock of {}.", path.display()),
                };
            }
            Err(error @ LockError::Held { .. }) => {
                // Read-only for the new holder, who can be taken over from in turn.
                self.guard.read_only = self.guard.lock(&path);
                self.dialog = Some(Dialog::Error(format!(
                    "The lock was NOT taken over: it changed meanwhile.\n\n{error}"
                )));
            }
            Err(error) => {
                self.dialog = Some(Dialog::Error(format!(
                    "The lock was NOT taken over.\n\n{error}"
                )));
            }
        }
    }

    /// After restoring unsaved work: a signed visit with unsaved corrections resumes the
    /// amending mode, against the signed visit on file.
    pub(super) fn resume_amendment_after_restore(&mut self) {
        self.signing.reset();
        if !self.doc.visit().is_signed() || !self.doc.is_dirty() {
            return;
        }
        let on_file = self
            .path
            .as_deref()
            .and_then(|p| crate::storage::load_visit(p, &self.atlas).ok());
        if let Some(signed) = on_file
            && signed.signature == self.doc.visit().signature
            && signed.amendments == self.doc.visit().amendments
        {
            self.signing.amending = Some(signed);
            self.status =
                "Restored unsaved corrections to a signed visit: finish the amendment to keep them."
                    .to_owned();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_lines_name_muscles_and_draw_arrows_the_font_has() {
        let atlas = Atlas::builtin().expect("atlas");
        assert_eq!(
            change_line(
                "point 2: muscle: upper_trapezius → levator_scapulae",
                &atlas
            ),
            "• point 2: muscle: Upper trapezius -> Levator scapulae"
        );
        // A longer id is not read as a shorter one inside it.
        assert!(
            change_line("extensor_digitorum_longus", &atlas).contains("Extensor digitorum longus")
        );
    }
}
