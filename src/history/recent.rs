//! The recently opened patient folders, kept in a small RON file in the user's configuration
//! folder (not in eframe's storage, which drops a file it cannot decode without a word).
//!
//! The file is `(format: "triggermap-recent", version: 1, patients: [...])`, written atomically
//! with [`storage::write_atomically`].

pub use crate::folders::config_dir;
use crate::storage::envelope::Enveloped;
use crate::storage::{self, ConfigError, config_file};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize};
use std::path::{Path, PathBuf};

/// The format name that the first field of the recent-patients file carries.
pub const FORMAT_NAME: &str = "triggermap-recent";

/// The recent-patients format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// How many patients the list keeps.
pub const MAX_RECENT: usize = 10;

/// The file name of the list, in [`config_dir`].
pub const FILE_NAME: &str = "recent-patients.ron";

/// The list as a file to read: ten entries take a few KiB; it may be a link the user made.
const RECENT_FILE: storage::FileKind = storage::FileKind {
    name: "a recent-patients list",
    max_bytes: 1024 * 1024,
    links: storage::Links::Follow,
};

/// Why the list could not be read or written.
pub type RecentError = ConfigError;

/// A patient folder opened recently.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecentPatient {
    /// The folder.
    pub folder: PathBuf,
    /// The patient id of the folder when it was opened, for display.
    #[serde(default)]
    pub patient_id: String,
    /// When it was last opened.
    pub opened: DateTime<FixedOffset>,
}

/// The recently opened patient folders, most recent first, at most [`MAX_RECENT`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecentPatients {
    /// The folders, most recent first.
    #[serde(default)]
    pub patients: Vec<RecentPatient>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecentFile {
    format: String,
    version: u32,
    #[serde(default)]
    patients: Vec<RecentPatient>,
}

impl Enveloped for RecentFile {
    const FORMAT_NAME: &'static str = FORMAT_NAME;

    fn reads(version: u32) -> bool {
        (1..=FORMAT_VERSION).contains(&version)
    }

    fn deserialize_version<'de, D: Deserializer<'de>>(
        _version: u32,
        file: D,
    ) -> Result<Self, D::Error> {
        RecentFile::deserialize(file)
    }
}

impl RecentPatients {
    /// Puts `folder` first (moving it if already listed) and drops the oldest beyond
    /// [`MAX_RECENT`].
    pub fn touch(&mut self, folder: PathBuf, patient_id: String, opened: DateTime<FixedOffset>) {
        self.patients.retain(|p| p.folder != folder);
        self.patients.insert(
            0,
            RecentPatient {
                folder,
                patient_id,
                opened,
            },
        );
        self.patients.truncate(MAX_RECENT);
    }

    /// Removes `folder` from the list (it was moved or deleted).
    pub fn remove(&mut self, folder: &Path) {
        self.patients.retain(|p| p.folder != folder);
    }

    /// Reads the list from `path`; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<RecentPatients, RecentError> {
        let Some(file) = config_file::read::<RecentFile>(path, RECENT_FILE, FORMAT_VERSION)? else {
            return Ok(RecentPatients::default());
        };
        let mut list = RecentPatients {
            patients: file.patients,
        };
        list.patients.truncate(MAX_RECENT);
        Ok(list)
    }

    /// Writes the list to `path` atomically, creating its folder and the missing folders above
    /// it `0700` (the list holds patient ids and folder paths). Entries whose folder path is not
    /// UTF-8 (which RON cannot hold) are left out.
    pub fn save(&self, path: &Path) -> Result<(), RecentError> {
        let file = RecentFile {
            format: FORMAT_NAME.to_owned(),
            version: FORMAT_VERSION,
            patients: self
                .patients
                .iter()
                .filter(|p| p.folder.to_str().is_some())
                .cloned()
                .collect(),
        };
        config_file::write(path, &file)
    }

    /// The list's usual place: [`FILE_NAME`] in [`config_dir`].
    pub fn default_path() -> Result<PathBuf, RecentError> {
        config_dir()
            .map(|dir| dir.join(FILE_NAME))
            .ok_or(RecentError::NoConfigDir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(&format!("2025-01-{day:02}T09:00:00+01:00")).expect("date")
    }

    #[test]
    fn touch_moves_to_front_and_caps() {
        let mut list = RecentPatients::default();
        for i in 0..12 {
            list.touch(PathBuf::from(format!("/p/{i}")), format!("P{i}"), at(1));
        }
        assert_eq!(list.patients.len(), MAX_RECENT);
        assert_eq!(list.patients[0].folder, PathBuf::from("/p/11"));
        list.touch(PathBuf::from("/p/5"), "P5".into(), at(2));
        assert_eq!(list.patients[0].folder, PathBuf::from("/p/5"));
        assert_eq!(list.patients.len(), MAX_RECENT);
        list.remove(Path::new("/p/5"));
        assert_eq!(list.patients.len(), MAX_RECENT - 1);
    }

    #[test]
    fn save_load_round_trip_and_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join(FILE_NAME);
        assert_eq!(
            RecentPatients::load(&path).expect("missing is empty"),
            RecentPatients::default()
        );
        let mut list = RecentPatients::default();
        list.touch(PathBuf::from("/patients/PT-1"), "PT-1".into(), at(3));
        list.save(&path).expect("save");
        assert_eq!(RecentPatients::load(&path).expect("load"), list);

        std::fs::write(&path, "(format: \"triggermap-recent\", version: 9)").expect("write");
        assert!(matches!(
            RecentPatients::load(&path),
            Err(RecentError::Content { .. })
        ));
        std::fs::write(
            &path,
            "(format: \"triggermap-recent\", version: 1, patients: [(",
        )
        .expect("write");
        assert!(matches!(
            RecentPatients::load(&path),
            Err(RecentError::Content { .. })
        ));
        // No text of the list in a message: it holds patient ids and folders.
        for text in [
            "(format: \"PT-7731\", version: 1)",
            "(format: \"triggermap-recent\", version: 1, patients: [(folder: PT_7731)])",
            "(format: \"triggermap-recent\", version: 1, patients: [(folder: \"/p\", opened: \"PT-7731\")])",
        ] {
            std::fs::write(&path, text).expect("write");
            let error = RecentPatients::load(&path).expect_err(text).to_string();
            assert!(!error.contains("7731"), "{error}");
        }
    }
}
