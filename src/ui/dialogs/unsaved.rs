//! "Save changes to this visit?" before the work in hand is replaced or the window closes.

use super::{Reply, buttons};
use crate::ui::action::{Action, Then};
use egui::Ui;

/// The question, with what follows the answer.
#[derive(Debug, PartialEq, Eq)]
pub struct UnsavedChanges {
    /// What to do once the changes are saved or dropped.
    pub then: Then,
}

impl UnsavedChanges {
    pub(super) fn show(&mut self, ui: &mut Ui) -> Reply {
        ui.heading("Save changes to this visit?");
        ui.label("The visit has changes that are not saved yet.");
        match buttons(ui, &["Save", "Don't save", "Cancel"]) {
            Some(0) => Reply::Answer(Action::SaveThen(self.then.clone())),
            Some(1) => Reply::Answer(Action::Proceed(self.then.clone())),
            Some(_) => Reply::Close,
            None => Reply::Open,
        }
    }
}
