//! The clinician's presets and dose limits, kept per clinician by the name in the visit, and the
//! clinic's aftercare text.

use super::TriggerMapApp;
use crate::clinicians::{ClinicianSettings, TreatmentPreset};
use crate::export::aftercare::DEFAULT_AFTERCARE;
use crate::model::Procedure;
use crate::ui::dialogs::{AftercareDialog, ClinicianSettingsDialog, Dialog};

/// Why nothing can be kept without a clinician's name.
const NEEDS_NAME: &str = "Type your name in the visit's Clinician field first: presets and dose limits are kept per clinician.";

impl TriggerMapApp {
    /// The visit's clinician's name, or an error shown to the user.
    fn clinician_name(&mut self) -> Option<String> {
        let name = self.session.visit().clinician.trim().to_owned();
        if name.is_empty() {
            self.dialogs.error(NEEDS_NAME);
            return None;
        }
        Some(name)
    }

    pub(super) fn open_clinician_settings(&mut self) {
        let Some(name) = self.clinician_name() else {
            return;
        };
        let settings = self
            .clinicians
            .of(&name)
            .cloned()
            .unwrap_or(ClinicianSettings {
                name,
                ..ClinicianSettings::default()
            });
        self.dialogs
            .open(Dialog::ClinicianSettings(ClinicianSettingsDialog::new(
                settings,
            )));
    }

    pub(super) fn save_preset(&mut self, procedure: Procedure) {
        let Some(name) = self.clinician_name() else {
            return;
        };
        let mut settings = self
            .clinicians
            .of(&name)
            .cloned()
            .unwrap_or(ClinicianSettings {
                name: name.clone(),
                ..ClinicianSettings::default()
            });
        let preset = TreatmentPreset::from_procedure(procedure);
        let preset_name = preset.name.clone();
        settings.presets.push(preset);
        match self.clinicians.replace(settings) {
            Ok(()) => {
                self.status = format!(
                    "Preset \"{preset_name}\" kept for {name}: under Add… at the next points."
                )
            }
            Err(message) => self.dialogs.error(message),
        }
    }

    pub(super) fn save_clinician_settings(&mut self, settings: ClinicianSettings) {
        let name = settings.name.clone();
        match self.clinicians.replace(settings) {
            Ok(()) => self.status = format!("Presets and dose limits of {name} saved."),
            Err(message) => self.dialogs.error(message),
        }
    }

    pub(super) fn open_aftercare(&mut self) {
        let place = self.aftercare.file().map(|f| f.display().to_string());
        let text = self
            .session
            .clinic_aftercare()
            .unwrap_or(DEFAULT_AFTERCARE)
            .to_owned();
        self.dialogs
            .open(Dialog::Aftercare(AftercareDialog::new(text, place)));
    }

    /// Uses the clinic's aftercare text as read, or says why it could not be read (it is then
    /// not known: a visit signed meanwhile keeps none).
    pub(super) fn take_clinic_aftercare(&mut self, loaded: Result<String, String>) {
        match loaded {
            Ok(text) => self.session.set_clinic_aftercare(Some(text)),
            Err(message) => {
                self.session.set_clinic_aftercare(None);
                self.dialogs.error(message);
            }
        }
    }

    /// Reads the clinic's aftercare text again (it may have been edited by hand since), so that
    /// a visit signed now keeps the text of today.
    pub(super) fn reread_clinic_aftercare(&mut self) {
        if let Some(loaded) = self.aftercare.reload() {
            self.take_clinic_aftercare(loaded);
        }
    }

    pub(super) fn save_aftercare(&mut self, text: String) {
        let mut text = text.trim_end().replace("\r\n", "\n");
        // A blank text is taken for an accident, as when the file is read.
        if text.trim().is_empty() {
            text = DEFAULT_AFTERCARE.to_owned();
        }
        let saved = self.aftercare.save(&text);
        self.session.set_clinic_aftercare(Some(text));
        match saved {
            Ok(()) => self.status = "Aftercare instructions saved.".to_owned(),
            Err(message) => self.dialogs.error(message),
        }
    }
}
