//! "Replace another visit?" when the file chosen to save to holds another visit.

use super::{Reply, buttons, patient_words};
use crate::ui::action::{Action, Then};
use egui::Ui;
use std::path::PathBuf;

/// The file, whose visit it holds and whose visit would replace it.
#[derive(Debug, PartialEq, Eq)]
pub struct ReplaceOtherVisit {
    /// The file chosen.
    pub path: PathBuf,
    /// The patient of the visit in it.
    pub on_disk_patient: String,
    /// The patient of the visit being saved.
    pub saving_patient: String,
    /// What follows the save.
    pub then: Then,
}

impl ReplaceOtherVisit {
    pub(super) fn show(&mut self, ui: &mut Ui) -> Reply {
        ui.heading("Replace another visit?");
        ui.label(format!(
            "{} holds another visit, of {}.",
            self.path.display(),
            patient_words(&self.on_disk_patient)
        ));
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!(
                "Saving here replaces it with this visit, of {}. Its previous content stays only in the backup beside it.",
                patient_words(&self.saving_patient)
            ),
        );
        match buttons(ui, &["Choose another file…", "Replace it", "Cancel"]) {
            Some(0) => Reply::Answer(Action::SaveAsInstead),
            Some(1) => Reply::Answer(Action::ReplaceOtherVisit {
                path: self.path.clone(),
                then: self.then.clone(),
            }),
            Some(_) => Reply::Close,
            None => Reply::Open,
        }
    }
}
