//! The visit's file was changed by someone else since it was opened or saved here.

use super::{Reply, buttons};
use crate::ui::action::Action;
use egui::Ui;
use std::path::PathBuf;

/// The file that changed.
#[derive(Debug, PartialEq, Eq)]
pub struct ChangedOnDisk {
    /// The visit's file.
    pub path: PathBuf,
}

impl ChangedOnDisk {
    pub(super) fn show(&mut self, ui: &mut Ui) -> Reply {
        ui.heading("The file changed on disk");
        ui.label(format!(
            "{} was changed by someone else since it was opened here. Saving would replace their changes.",
            self.path.display()
        ));
        match buttons(
            ui,
            &[
                "Save as a new file…",
                "Replace it",
                "Discard mine, open theirs",
                "Cancel",
            ],
        ) {
            Some(0) => Reply::Answer(Action::SaveAsInstead),
            Some(1) => Reply::Answer(Action::ReplaceChangedFile),
            Some(2) => Reply::Answer(Action::ReloadFromDisk),
            Some(_) => Reply::Close,
            None => Reply::Open,
        }
    }
}
