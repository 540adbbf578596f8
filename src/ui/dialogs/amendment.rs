//! Finishing an amendment (who and why, with what changed) and discarding one.

use super::{Reply, buttons};
use crate::session::Session;
use crate::ui::action::Action;
use egui::Ui;

/// "Finish the amendment": who and why, typed so far.
#[derive(Debug, PartialEq, Eq)]
pub struct FinishAmendment {
    /// Who makes it (prefilled with the signer).
    pub by: String,
    /// Why.
    pub why: String,
    /// Why the last attempt failed, if it did.
    pub error: Option<String>,
}

impl FinishAmendment {
    pub(super) fn show(&mut self, ui: &mut Ui, session: &Session) -> Reply {
        ui.heading("Finish the amendment");
        let what = session
            .amendment_changes()
            .map(|diff| diff.describe(session.atlas().as_ref()))
            .unwrap_or_default();
        if what.is_empty() {
            ui.label(
                "Nothing was changed yet: make the corrections first, or cancel the amendment.",
            );
        } else {
            ui.label("What changed:");
            egui::ScrollArea::vertical()
                .max_height(160.0)
                .show(ui, |ui| {
                    for line in &what {
                        ui.label(format!("• {line}"));
                    }
                });
        }
        ui.add_space(6.0);
        let label = ui.label("Amended by");
        ui.add(
            egui::TextEdit::singleline(&mut self.by)
                .desired_width(320.0)
                .hint_text("Your name"),
        )
        .labelled_by(label.id);
        let label = ui.label("Reason for the amendment");
        ui.add(
            egui::TextEdit::multiline(&mut self.why)
                .desired_rows(2)
                .desired_width(480.0)
                .hint_text("Required, e.g. pain score entered on the wrong point"),
        )
        .labelled_by(label.id);
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error.as_str());
        }
        ui.add_space(8.0);
        let mut reply = Reply::Open;
        ui.horizontal(|ui| {
            let ok = !what.is_empty() && !self.by.trim().is_empty() && !self.why.trim().is_empty();
            if ui
                .add_enabled(ok, egui::Button::new("Record amendment and save"))
                .clicked()
            {
                reply = Reply::Answer(Action::FinishAmendment {
                    by: self.by.clone(),
                    why: self.why.clone(),
                });
            }
            if ui.button("Keep editing").clicked() {
                reply = Reply::Close;
            }
        });
        reply
    }
}

/// "Discard your corrections?" before leaving an amendment.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DiscardAmendment;

impl DiscardAmendment {
    pub(super) fn show(&mut self, ui: &mut Ui) -> Reply {
        ui.heading("Discard your corrections?");
        ui.label("The amendment is not recorded and the signed visit stays as it was saved.");
        match buttons(ui, &["Discard corrections", "Keep editing"]) {
            Some(0) => Reply::Answer(Action::DiscardAmendment),
            Some(_) => Reply::Close,
            None => Reply::Open,
        }
    }
}
