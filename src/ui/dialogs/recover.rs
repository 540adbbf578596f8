//! "Restore unsaved work?" for what a session that ended without saving left behind.

use super::{Reply, buttons};
use crate::session::RecoveryOffer;
use crate::ui::action::Action;
use egui::Ui;
use std::path::PathBuf;

/// The most differences listed before "and N more".
const SHOWN_CHANGES: usize = 12;

/// The recovered work and what it holds, in words made once.
#[derive(Debug)]
pub struct Recover {
    offer: RecoveryOffer,
    /// The patient and visit the work belongs to, in words.
    whose: String,
    /// The differences from the saved file, one per line, as shown.
    details: Vec<String>,
}

impl Recover {
    /// The dialog for `offer`.
    pub fn new(offer: RecoveryOffer) -> Self {
        let visit = &offer.entry.visit;
        let patient = if visit.patient_id.trim().is_empty() {
            "a patient not yet named".to_owned()
        } else {
            format!("patient {}", visit.patient_id)
        };
        let whose = format!(
            "the visit of {patient} on {}",
            visit.date_time.format("%Y-%m-%d %H:%M")
        );
        let details = offer
            .summary
            .details
            .iter()
            .map(|line| format!("• {line}"))
            .collect();
        Recover {
            offer,
            whose,
            details,
        }
    }

    /// The recovery file.
    pub fn file(&self) -> &PathBuf {
        &self.offer.file
    }

    pub(super) fn show(&mut self, ui: &mut Ui) -> Reply {
        ui.heading("Restore unsaved work?");
        let entry = &self.offer.entry;
        ui.label(format!(
            "TriggerMap ended on {} without saving {}.",
            entry.saved_at.format("%Y-%m-%d %H:%M"),
            self.whose
        ));
        if let Some(path) = &entry.original_path {
            ui.weak(format!("Its file: {}", path.display()));
        }
        ui.strong(&self.offer.summary.headline);
        for line in self.details.iter().take(SHOWN_CHANGES) {
            ui.label(line);
        }
        if self.details.len() > SHOWN_CHANGES {
            ui.weak(format!("… and {} more", self.details.len() - SHOWN_CHANGES));
        }
        match buttons(ui, &["Restore", "Discard it"]) {
            Some(0) => Reply::Answer(Action::Restore {
                file: self.offer.file.clone(),
                entry: Box::new(entry.clone()),
            }),
            Some(_) => Reply::Answer(Action::DiscardRecovery(self.offer.file.clone())),
            None => Reply::Open,
        }
    }
}
