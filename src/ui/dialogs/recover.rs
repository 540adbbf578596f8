//! "Restore unsaved work?" for what a session that ended without saving left behind.

use super::{Reply, buttons, patient_words};
use crate::recovery::RestoreTarget;
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
    /// Why the work will not go back into its file, naming both patients, if so.
    warning: Option<String>,
}

impl Recover {
    /// The dialog for `offer`.
    pub fn new(offer: RecoveryOffer) -> Self {
        let visit = &offer.entry.visit;
        let patient = patient_words(&visit.patient_id);
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
        let warning = match &offer.summary.target {
            RestoreTarget::FileHoldsAnotherVisit {
                on_disk_patient,
                recovered_patient,
                ..
            } => Some(format!(
                "That file now holds another visit ({}). The work of {} is restored as a visit with no file: saving asks where, and never writes over the other visit.",
                patient_words(on_disk_patient),
                patient_words(recovered_patient)
            )),
            RestoreTarget::FileUnreadable { .. } => Some(
                "That file cannot be read now. The work is restored as a visit with no file: saving asks where, and never writes over it.".to_owned(),
            ),
            _ => None,
        };
        Recover {
            offer,
            whose,
            details,
            warning,
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
        if let Some(warning) = &self.warning {
            ui.colored_label(ui.visuals().warn_fg_color, warning);
        }
        ui.strong(&self.offer.summary.headline);
        for line in self.details.iter().take(SHOWN_CHANGES) {
            ui.label(line);
        }
        if self.details.len() > SHOWN_CHANGES {
            ui.weak(format!("… and {} more", self.details.len() - SHOWN_CHANGES));
        }
        if !self.offer.problems.is_empty() {
            // A copy with values that are not allowed is damaged: it is never restored.
            ui.colored_label(
                ui.visuals().error_fg_color,
                "This copy is damaged: it holds values that are not allowed, so it cannot be restored.",
            );
            for problem in self.offer.problems.iter().take(SHOWN_CHANGES) {
                ui.label(format!("• {problem}"));
            }
            return match buttons(ui, &["Discard it"]) {
                Some(_) => Reply::Answer(Action::DiscardRecovery(self.offer.file.clone())),
                None => Reply::Open,
            };
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
