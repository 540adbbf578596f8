//! Crash recovery: unsaved work is kept in recovery files in a per-user data folder, never in or
//! beside the user's file, so that after a crash or a kill the next start can offer it back.
//!
//! Each open document of each running instance has its own [`RecoveryKey`] and so its own file
//! (`<key>.ron`); two instances never write the same one. Each file names the host and process
//! that wrote it: [`RecoveryStore::list`] marks those whose process still runs, which must not be
//! offered for restore (that instance is still editing them). A damaged recovery file is listed
//! with its error and never stops the app. Files are written atomically (the same durable write
//! as visits), created `0600` in a folder created `0700`.
//!
//! The UI's part: write an entry a few seconds after each unsaved change
//! ([`RecoveryStore::write`]), [`RecoveryStore::discard`] it once the visit is saved or the
//! changes are abandoned, and on exit; at start, offer each entry of
//! [`RecoveryStore::restorable`] with [`summarise`].

use crate::atlas::Atlas;
use crate::lock::{Liveness, host_name, process_liveness};
use crate::model::{Visit, VisitDiff, diff_visits};
use crate::storage::envelope::{self, EnvelopeError, Enveloped};
use crate::storage::{self, FileError};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The environment variable that overrides the data folder (recovery files go in its
/// `recovery` subfolder).
pub const DATA_DIR_ENV: &str = "TRIGGERMAP_DATA_DIR";

/// The format name of a recovery file.
pub const RECOVERY_FORMAT_NAME: &str = "triggermap-recovery";

/// The recovery file format version this build writes and reads.
pub const RECOVERY_FORMAT_VERSION: u32 = 1;

/// Which open document of which running instance a recovery file belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecoveryKey(pub Uuid);

impl RecoveryKey {
    /// A new random key: one per document opened (or created) in this instance.
    pub fn new_random() -> Self {
        RecoveryKey(Uuid::new_v4())
    }
}

impl fmt::Display for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Unsaved work of one document.
#[derive(Clone, Debug, PartialEq)]
pub struct RecoveryEntry {
    /// Which document of which instance.
    pub key: RecoveryKey,
    /// The file the visit was opened from or last saved to; `None` for a visit never saved.
    pub original_path: Option<PathBuf>,
    /// The visit as it was in memory.
    pub visit: Visit,
    /// When this entry was written.
    pub saved_at: DateTime<FixedOffset>,
    /// The host of the instance that wrote it.
    pub host: String,
    /// The process id of the instance that wrote it.
    pub pid: u32,
}

impl RecoveryEntry {
    /// An entry for this process.
    pub fn new(
        key: RecoveryKey,
        original_path: Option<PathBuf>,
        visit: Visit,
        saved_at: DateTime<FixedOffset>,
    ) -> Self {
        RecoveryEntry {
            key,
            original_path,
            visit,
            saved_at,
            host: host_name(),
            pid: std::process::id(),
        }
    }

    /// Whether the instance that wrote it still runs (then it must not be restored elsewhere).
    pub fn writer(&self) -> Liveness {
        process_liveness(&self.host, self.pid)
    }
}

/// A recovery file as stored.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecoveryFile {
    format: String,
    version: u32,
    key: RecoveryKey,
    original_path: Option<String>,
    saved_at: DateTime<FixedOffset>,
    host: String,
    pid: u32,
    visit: Visit,
}

impl Enveloped for RecoveryFile {
    const FORMAT_NAME: &'static str = RECOVERY_FORMAT_NAME;

    fn reads(version: u32) -> bool {
        version == RECOVERY_FORMAT_VERSION
    }

    fn deserialize_version<'de, D: Deserializer<'de>>(
        _version: u32,
        file: D,
    ) -> Result<Self, D::Error> {
        RecoveryFile::deserialize(file)
    }
}

/// Why the recovery store failed.
#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    /// No folder for per-user data could be found (no `HOME`).
    #[error(
        "no folder for recovery files: set {DATA_DIR_ENV} or HOME (unsaved work cannot be protected)"
    )]
    NoDataFolder,
    /// A file or folder could not be read or written.
    #[error(transparent)]
    File(#[from] FileError),
    /// A recovery file is damaged or of another version.
    #[error("{file}: not a usable recovery file: {message}")]
    Damaged {
        /// The recovery file.
        file: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// One file found in the recovery folder.
#[derive(Debug)]
pub struct Recovered {
    /// The recovery file.
    pub file: PathBuf,
    /// What it holds, or why it cannot be read (offer to discard it).
    pub entry: Result<RecoveryEntry, RecoveryError>,
    /// Whether its writer still runs: [`Liveness::Running`] entries belong to a running
    /// instance and must be neither offered nor discarded.
    pub writer: Liveness,
}

impl Recovered {
    /// Whether to offer it at start: its writer does not run (or runs on another host, which
    /// cannot happen with a per-user local data folder unless it is shared).
    pub fn is_orphaned(&self) -> bool {
        self.writer != Liveness::Running
    }
}

/// The recovery folder.
#[derive(Clone, Debug)]
pub struct RecoveryStore {
    dir: PathBuf,
}

impl RecoveryStore {
    /// The usual recovery folder: `$TRIGGERMAP_DATA_DIR/recovery`, else
    /// `$XDG_DATA_HOME/triggermap/recovery`, else `~/.local/share/triggermap/recovery`
    /// (`%APPDATA%\TriggerMap\recovery` on Windows).
    pub fn default_dir() -> Option<PathBuf> {
        let env_dir = |name: &str| {
            std::env::var_os(name)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        if let Some(dir) = env_dir(DATA_DIR_ENV) {
            return Some(dir.join("recovery"));
        }
        if cfg!(windows) {
            return env_dir("APPDATA").map(|d| d.join("TriggerMap").join("recovery"));
        }
        if let Some(dir) = env_dir("XDG_DATA_HOME") {
            return Some(dir.join("triggermap").join("recovery"));
        }
        env_dir("HOME").map(|home| {
            home.join(".local")
                .join("share")
                .join("triggermap")
                .join("recovery")
        })
    }

    /// Opens (creating it `0700` if needed) the usual recovery folder.
    pub fn open_default() -> Result<RecoveryStore, RecoveryError> {
        let dir = RecoveryStore::default_dir().ok_or(RecoveryError::NoDataFolder)?;
        RecoveryStore::open(dir)
    }

    /// Opens (creating it `0700` if needed) the recovery folder `dir`.
    pub fn open(dir: impl Into<PathBuf>) -> Result<RecoveryStore, RecoveryError> {
        let dir = dir.into();
        storage::create_private_dir(&dir)?;
        Ok(RecoveryStore { dir })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of `key`.
    pub fn file_of(&self, key: RecoveryKey) -> PathBuf {
        self.dir.join(format!("{key}.ron"))
    }

    /// Writes (replacing) the entry of `entry.key`, atomically and durably.
    pub fn write(&self, entry: &RecoveryEntry) -> Result<(), RecoveryError> {
        let file = RecoveryFile {
            format: RECOVERY_FORMAT_NAME.to_owned(),
            version: RECOVERY_FORMAT_VERSION,
            key: entry.key,
            original_path: entry
                .original_path
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned()),
            saved_at: entry.saved_at,
            host: entry.host.clone(),
            pid: entry.pid,
            visit: entry.visit.clone(),
        };
        let path = self.file_of(entry.key);
        let config = ron::ser::PrettyConfig::new()
            .indentor("    ".to_owned())
            .struct_names(false);
        let text =
            ron::ser::to_string_pretty(&file, config).map_err(|e| RecoveryError::Damaged {
                file: path.clone(),
                message: format!("cannot serialize: {e}"),
            })?;
        storage::write_atomically(&path, format!("{text}\n").as_bytes())?;
        Ok(())
    }

    /// Removes the entry of `key` (after a save, when changes are abandoned, and at a clean
    /// exit). No entry is not an error.
    pub fn discard(&self, key: RecoveryKey) -> Result<(), RecoveryError> {
        remove(&self.file_of(key))
    }

    /// Removes a listed recovery file (e.g. a damaged one the user chose to discard). Files
    /// outside the recovery folder are never touched.
    pub fn discard_file(&self, file: &Path) -> Result<(), RecoveryError> {
        if file.parent() != Some(self.dir.as_path()) {
            return Err(RecoveryError::Damaged {
                file: file.to_owned(),
                message: "not in the recovery folder".to_owned(),
            });
        }
        remove(file)
    }

    /// Every recovery file, newest first (damaged ones last, with their error). Only an
    /// unreadable folder is an error.
    pub fn list(&self) -> Result<Vec<Recovered>, RecoveryError> {
        let entries = std::fs::read_dir(&self.dir).map_err(|source| FileError::Io {
            file: self.dir.clone(),
            action: "cannot list the recovery folder",
            source,
        })?;
        let mut found: Vec<Recovered> = Vec::new();
        for dir_entry in entries.flatten() {
            let file = dir_entry.path();
            let is_entry = file.extension().is_some_and(|e| e == "ron")
                && !dir_entry.file_name().to_string_lossy().starts_with('.');
            if !is_entry {
                continue;
            }
            let entry = read_entry(&file);
            let writer = match &entry {
                Ok(e) => e.writer(),
                Err(_) => Liveness::NotRunning,
            };
            found.push(Recovered {
                file,
                entry,
                writer,
            });
        }
        found.sort_by(|a, b| match (&a.entry, &b.entry) {
            (Ok(x), Ok(y)) => y.saved_at.cmp(&x.saved_at),
            (Ok(_), Err(_)) => std::cmp::Ordering::Less,
            (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
            (Err(_), Err(_)) => a.file.cmp(&b.file),
        });
        Ok(found)
    }

    /// The entries to offer at start: [`RecoveryStore::list`] without those of running
    /// instances.
    pub fn restorable(&self) -> Result<Vec<Recovered>, RecoveryError> {
        Ok(self
            .list()?
            .into_iter()
            .filter(Recovered::is_orphaned)
            .collect())
    }
}

fn remove(file: &Path) -> Result<(), RecoveryError> {
    match std::fs::remove_file(file) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(FileError::Io {
            file: file.to_owned(),
            action: "cannot remove the recovery file",
            source,
        }
        .into()),
    }
}

/// A recovery file: written by TriggerMap alone in a private folder (a link there can only have
/// been planted), a visit and a few fields.
const RECOVERY_FILE: storage::FileKind = storage::FileKind {
    name: "a recovery file",
    max_bytes: storage::MAX_FILE_BYTES + 64 * 1024,
    links: storage::Links::Refuse,
};

fn read_entry(file: &Path) -> Result<RecoveryEntry, RecoveryError> {
    let damaged = |message: String| RecoveryError::Damaged {
        file: file.to_owned(),
        message,
    };
    let bytes = match storage::read_regular_capped(file, RECOVERY_FILE)? {
        Some(content) => content.bytes,
        None => {
            return Err(FileError::Io {
                file: file.to_owned(),
                action: "cannot read",
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            }
            .into());
        }
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| damaged("not UTF-8 text".to_owned()))?;
    let position =
        |e: &ron::error::SpannedError| format!("{}:{}", e.span.start.line, e.span.start.col);
    let stored = match envelope::read::<RecoveryFile>(text) {
        Ok((_, stored)) => stored,
        Err(EnvelopeError::OtherFormat { .. }) => {
            return Err(damaged("not a recovery file".to_owned()));
        }
        Err(EnvelopeError::Version { found }) => {
            return Err(damaged(format!(
                "recovery format version {found} (this TriggerMap reads {RECOVERY_FORMAT_VERSION})"
            )));
        }
        // The parser's message may quote the visit's text: give only where it stopped.
        Err(EnvelopeError::Syntax {
            error,
            names_format: true,
        }) => return Err(damaged(format!("{}: damaged", position(&error)))),
        Err(EnvelopeError::Syntax { error, .. }) => {
            return Err(damaged(format!(
                "{}: not a recovery file",
                position(&error)
            )));
        }
    };
    Ok(RecoveryEntry {
        key: stored.key,
        original_path: stored.original_path.map(PathBuf::from),
        visit: stored.visit,
        saved_at: stored.saved_at,
        host: stored.host,
        pid: stored.pid,
    })
}

/// The saved file a recovered visit is compared with.
#[derive(Debug)]
pub enum SavedFile {
    /// The visit was never saved.
    NeverSaved,
    /// It was saved to a file that is no longer there.
    Missing(PathBuf),
    /// The file is there but cannot be read (the error says why).
    Unreadable(FileError),
    /// The file as it is on disk.
    Saved(Box<Visit>),
}

/// What a recovered visit holds against its saved file: for the restore prompt.
#[derive(Debug)]
pub struct RecoverySummary {
    /// The saved file.
    pub saved: SavedFile,
    /// The differences from the saved visit to the recovered one (`None` when there is no
    /// saved visit to compare with).
    pub diff: Option<VisitDiff>,
    /// One line: "3 points, never saved", "1 point added, 2 points changed since the file was
    /// saved", ...
    pub headline: String,
}

/// Compares a recovered visit with its saved file (read with `atlas`) for the restore prompt.
pub fn summarise(entry: &RecoveryEntry, atlas: &Atlas) -> RecoverySummary {
    let count = entry.visit.points.len();
    let points = format!("{count} point{}", if count == 1 { "" } else { "s" });
    let saved = match &entry.original_path {
        None => SavedFile::NeverSaved,
        Some(path) if !path.exists() => SavedFile::Missing(path.clone()),
        Some(path) => match storage::load_visit(path, atlas) {
            Ok(visit) => SavedFile::Saved(Box::new(visit)),
            Err(e) => SavedFile::Unreadable(e),
        },
    };
    let (diff, headline) = match &saved {
        SavedFile::NeverSaved => (None, format!("{points}, never saved")),
        SavedFile::Missing(_) => (None, format!("{points}; the saved file is gone")),
        SavedFile::Unreadable(_) => (None, format!("{points}; the saved file cannot be read")),
        SavedFile::Saved(visit) if visit.id != entry.visit.id => (
            None,
            format!("{points}; the saved file now holds another visit"),
        ),
        SavedFile::Saved(visit) => {
            let diff = diff_visits(visit, &entry.visit);
            let headline = if diff.is_empty() {
                "the same as the saved file".to_owned()
            } else {
                format!("{} since the file was saved", diff.headline())
            };
            (Some(diff), headline)
        }
    };
    RecoverySummary {
        saved,
        diff,
        headline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PatientPoint;
    use crate::model::{Side, TriggerPoint, View};

    fn entry(visit: Visit) -> RecoveryEntry {
        RecoveryEntry::new(
            RecoveryKey::new_random(),
            None,
            visit,
            DateTime::parse_from_rfc3339("2025-03-04T10:00:00+01:00").expect("time"),
        )
    }

    #[test]
    fn write_list_discard_and_damaged_files() {
        let dir = tempfile::tempdir().expect("dir");
        let store = RecoveryStore::open(dir.path().join("a").join("recovery")).expect("open");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.dir())
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let mut visit = Visit::new_now();
        visit.points.push(TriggerPoint::new(
            View::Front,
            PatientPoint::new(0.1, 0.3),
            None,
            Side::Left,
        ));
        let mine = entry(visit);
        store.write(&mine).expect("write");
        let mut dead = entry(Visit::new_now());
        dead.pid = u32::MAX - 1; // no such process
        store.write(&dead).expect("write");
        std::fs::write(
            store.dir().join("junk.ron"),
            b"(format: \"triggermap-recovery\", version: 1, key: ",
        )
        .expect("junk");

        let all = store.list().expect("list");
        assert_eq!(all.len(), 3);
        let restorable = store.restorable().expect("restorable");
        assert_eq!(
            restorable.len(),
            2,
            "this process's own entry is not offered"
        );
        let damaged: Vec<_> = restorable.iter().filter(|r| r.entry.is_err()).collect();
        assert_eq!(damaged.len(), 1);
        let offered = restorable
            .iter()
            .find_map(|r| r.entry.as_ref().ok())
            .expect("entry");
        assert_eq!(offered, &dead);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.file_of(dead.key))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        store.discard_file(&damaged[0].file).expect("discard junk");
        store.discard(dead.key).expect("discard");
        store.discard(mine.key).expect("discard");
        store.discard(mine.key).expect("twice is fine");
        assert!(store.list().expect("list").is_empty());
    }

    #[test]
    fn summary_against_the_saved_file() {
        let atlas = Atlas::builtin().expect("atlas");
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("v.ron");
        let mut visit = Visit::new_now();
        storage::save_visit(&path, &visit).expect("save");
        visit.points.push(TriggerPoint::new(
            View::Back,
            PatientPoint::new(0.05, 0.2),
            Some("upper_trapezius".into()),
            Side::Left,
        ));
        let mut e = entry(visit);
        assert_eq!(summarise(&e, &atlas).headline, "1 point, never saved");
        e.original_path = Some(path);
        let summary = summarise(&e, &atlas);
        assert_eq!(summary.headline, "1 point added since the file was saved");
        assert!(matches!(summary.saved, SavedFile::Saved(_)));
    }
}
