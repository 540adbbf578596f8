//! A problem to tell the user about; nothing was changed.

use super::{Reply, buttons};
use egui::Ui;

/// The message, shown as it is (monospace, so that file:line:column lines align).
#[derive(Debug, PartialEq, Eq)]
pub struct Message {
    /// What went wrong.
    pub text: String,
}

impl Message {
    /// A dialog showing `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Message { text: text.into() }
    }

    pub(super) fn show(&mut self, ui: &mut Ui) -> Reply {
        ui.heading("Problem");
        egui::ScrollArea::vertical()
            .max_height(360.0)
            .show(ui, |ui| {
                ui.label(egui::RichText::new(&self.text).monospace());
            });
        match buttons(ui, &["OK"]) {
            Some(_) => Reply::Close,
            None => Reply::Open,
        }
    }
}
