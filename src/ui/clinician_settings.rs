//! The clinicians' settings file as the app keeps it: read once at start, saved on each change,
//! and never written over when it could not be read (the user's presets would be lost).

use crate::clinicians::{ClinicianSettings, Clinicians};
use std::path::PathBuf;

/// The clinicians' presets and dose limits, and where they are kept.
#[derive(Debug, Default)]
pub struct ClinicianSettingsFile {
    /// Where they live; `None`: they are kept for this run only (tests).
    file: Option<PathBuf>,
    settings: Clinicians,
    /// The file could not be read: it is left as it is.
    unreadable: bool,
}

impl ClinicianSettingsFile {
    /// Keeps the settings in `file` (read now). A file that cannot be read is an error, and is
    /// then left untouched: changes are kept for this run only.
    pub fn set_file(&mut self, file: PathBuf) -> Result<(), String> {
        let loaded = Clinicians::load(&file);
        self.file = Some(file);
        match loaded {
            Ok(settings) => {
                self.settings = settings;
                self.unreadable = false;
                Ok(())
            }
            Err(error) => {
                self.unreadable = true;
                Err(format!(
                    "The clinicians' presets and dose limits could not be read. They are left as they are in the file; changes made now are kept until TriggerMap closes.\n\n{error}"
                ))
            }
        }
    }

    /// The settings of the clinician named `name`, if any.
    pub fn of(&self, name: &str) -> Option<&ClinicianSettings> {
        self.settings.of(name)
    }

    /// Replaces the settings of `settings.name` and saves them (when they are kept in a file that
    /// could be read).
    pub fn replace(&mut self, settings: ClinicianSettings) -> Result<(), String> {
        let name = settings.name.clone();
        *self.settings.of_mut(&name) = settings;
        match &self.file {
            Some(file) if !self.unreadable => self
                .settings
                .save(file)
                .map_err(|error| format!("The presets and dose limits were not saved: {error}")),
            Some(file) => Err(format!(
                "{} could not be read when TriggerMap started, so it is not written over: the change is kept until TriggerMap closes. Fix or move the file to keep changes.",
                file.display()
            )),
            None => Ok(()),
        }
    }
}
