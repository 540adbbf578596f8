//! The clinic's aftercare text as the app keeps it: read once at start, saved on each change,
//! and never written over when it could not be read (the clinic's text would be lost).

use crate::export::aftercare;
use std::path::{Path, PathBuf};

/// Where the aftercare text is kept, and whether it may be written.
#[derive(Debug, Default)]
pub struct AftercareFile {
    /// Where it lives; `None`: it is kept for this run only (tests).
    file: Option<PathBuf>,
    /// The file could not be read: it is left as it is.
    unreadable: bool,
}

impl AftercareFile {
    /// Keeps the text in `file`; returns the text read (the default when there is none), or
    /// the error when it cannot be read, after which the file is never written.
    pub fn set_file(&mut self, file: PathBuf) -> Result<String, String> {
        let loaded = aftercare::load(&file);
        self.file = Some(file);
        self.unreadable = loaded.is_err();
        loaded.map_err(|error| {
            format!(
                "The clinic's aftercare instructions could not be read, so reports print the default text. The file is left as it is; changes made now are kept until TriggerMap closes.\n\n{error}"
            )
        })
    }

    /// Reads the file again, if there is one: the text, or why it cannot be read (after which
    /// it is never written).
    pub fn reload(&mut self) -> Option<Result<String, String>> {
        let file = self.file.clone()?;
        Some(self.set_file(file))
    }

    /// Where the text is kept, if in a file.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Saves `text` (when kept in a file that could be read).
    pub fn save(&self, text: &str) -> Result<(), String> {
        match &self.file {
            Some(file) if !self.unreadable => aftercare::save(file, text)
                .map_err(|error| format!("The aftercare instructions were not saved: {error}")),
            Some(file) => Err(format!(
                "{} could not be read when TriggerMap started, so it is not written over: the change is kept until TriggerMap closes. Fix or move the file to keep changes.",
                file.display()
            )),
            None => Ok(()),
        }
    }
}
