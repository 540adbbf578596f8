//! A visit file could not be opened: what is wrong, and the ways on (its backup copy, another
//! file). The visit in hand is unchanged.

use super::{Reply, buttons};
use crate::ui::action::Action;
use crate::ui::commands::Command;
use egui::Ui;
use std::path::PathBuf;

/// The error, and the file's backup copy if there is one.
#[derive(Debug, PartialEq, Eq)]
pub struct OpenFailed {
    /// What went wrong, naming the file and the line.
    pub text: String,
    /// The backup TriggerMap kept of the file's previous version (`visit.ron.bak`), if it exists.
    pub backup: Option<PathBuf>,
}

impl OpenFailed {
    pub(super) fn show(&mut self, ui: &mut Ui) -> Reply {
        ui.heading("The visit could not be opened");
        egui::ScrollArea::vertical()
            .max_height(320.0)
            .show(ui, |ui| {
                ui.label(egui::RichText::new(&self.text).monospace());
            });
        ui.add_space(4.0);
        ui.label("Nothing was changed: the visit in hand stays open.");
        let mut labels = vec!["Open another file…", "OK"];
        if let Some(backup) = &self.backup {
            ui.label(format!(
                "TriggerMap kept the file's previous version as {}.",
                backup.display()
            ));
            labels.insert(0, "Open the backup copy");
        }
        let offset = usize::from(self.backup.is_none());
        match buttons(ui, &labels).map(|i| i + offset) {
            Some(0) => match &self.backup {
                Some(backup) => Reply::Answer(Action::OpenVisit(backup.clone())),
                None => Reply::Close,
            },
            Some(1) => Reply::Answer(Action::Command(Command::Open)),
            Some(_) => Reply::Close,
            None => Reply::Open,
        }
    }
}
