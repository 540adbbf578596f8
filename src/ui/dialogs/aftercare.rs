//! "Aftercare instructions": the clinic's text, printed in the report of a visit with a
//! treatment. Edited here and saved to the configuration folder.

use super::{Reply, buttons};
use crate::export::aftercare::DEFAULT_AFTERCARE;
use crate::model::MAX_AFTERCARE_BYTES;
use crate::ui::action::Action;
use egui::Ui;

/// The text being edited.
#[derive(Debug, PartialEq)]
pub struct AftercareDialog {
    text: String,
    /// Where it is kept, as shown to the user (`None`: for this run only).
    place: Option<String>,
}

impl AftercareDialog {
    /// Starts from the clinic's present text, kept at `place`.
    pub fn new(text: String, place: Option<String>) -> Self {
        AftercareDialog { text, place }
    }

    pub(super) fn show(&mut self, ui: &mut Ui) -> Reply {
        let heading = ui.heading("Aftercare instructions");
        ui.label(
            "Printed in the report of every visit with a treatment. A visit keeps the text it \
             was signed with, so changing it here does not change signed visits. A blank line \
             starts a new paragraph.",
        );
        if let Some(place) = &self.place {
            ui.weak(format!("Kept in {place}"));
        }
        ui.add_space(4.0);
        egui::ScrollArea::vertical()
            .max_height(320.0)
            .show(ui, |ui| {
                ui.add(
                    egui::TextEdit::multiline(&mut self.text)
                        .desired_width(500.0)
                        .desired_rows(14),
                )
                .labelled_by(heading.id);
            });
        let too_long = self.text.len() > MAX_AFTERCARE_BYTES;
        if too_long {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!(
                    "Longer than {} KiB: shorten it.",
                    MAX_AFTERCARE_BYTES / 1024
                ),
            );
        }
        match buttons(ui, &["Save", "Use the default text", "Cancel"]) {
            Some(0) if !too_long => Reply::Answer(Action::SaveAftercare(self.text.clone())),
            Some(1) => {
                self.text = DEFAULT_AFTERCARE.to_owned();
                Reply::Open
            }
            Some(2) => Reply::Close,
            _ => Reply::Open,
        }
    }
}
