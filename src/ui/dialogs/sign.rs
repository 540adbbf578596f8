//! "Sign this visit" with the clinician's name.

use super::Reply;
use crate::export::{CodingStatus, suggest_coding};
use crate::session::Session;
use crate::ui::action::Action;
use egui::Ui;

/// The name typed so far, and why the last attempt failed.
#[derive(Debug, PartialEq, Eq)]
pub struct SignDialog {
    /// The name typed so far (prefilled with the visit's clinician).
    pub name: String,
    /// Why the last attempt failed, if it did.
    pub error: Option<String>,
}

impl SignDialog {
    pub(super) fn show(&mut self, ui: &mut Ui, session: &Session) -> Reply {
        ui.heading("Sign this visit");
        ui.label(
            "Signing finalises the visit: it is saved and becomes read-only. Later corrections are recorded as amendments (who, when, what, why).",
        );
        match session.path() {
            Some(path) => ui.weak(format!("It will be saved to {}.", path.display())),
            None => ui.weak("It has no file yet: you will choose where to save it."),
        };
        coding_note(ui, session);
        ui.add_space(6.0);
        let label = ui.label("Clinician signing");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut self.name)
                    .desired_width(320.0)
                    .hint_text("Your name"),
            )
            .labelled_by(label.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error.as_str());
        }
        ui.add_space(8.0);
        let mut reply = Reply::Open;
        ui.horizontal(|ui| {
            let ok = !self.name.trim().is_empty();
            let label = if session.path().is_some() {
                "Sign and save"
            } else {
                "Choose file, sign and save…"
            };
            if ui.add_enabled(ok, egui::Button::new(label)).clicked() || (entered && ok) {
                reply = Reply::Answer(Action::Sign(self.name.clone()));
            }
            if ui.button("Cancel").clicked() {
                reply = Reply::Close;
            }
        });
        reply
    }
}

/// A word on the coding of a visit with a needle procedure, when it is not confirmed or the
/// suggestion has changed since: signing is allowed all the same (the record then says so).
fn coding_note(ui: &mut Ui, session: &Session) {
    let visit = session.visit();
    if !visit.has_needle_procedure() {
        return;
    }
    let suggestion = suggest_coding(visit, session.atlas());
    let note = match CodingStatus::of(visit, &suggestion) {
        CodingStatus::Suggested => {
            "The coding is not confirmed: the record will give TriggerMap's suggestion, marked as such. Confirm it in the Visit panel first, or later in an amendment."
        }
        CodingStatus::Outdated { .. } => {
            "TriggerMap's coding suggestion differs from the codes confirmed: look at the coding in the Visit panel first."
        }
        CodingStatus::Confirmed { .. } => return,
    };
    ui.add_space(4.0);
    ui.colored_label(ui.visuals().warn_fg_color, note);
}
