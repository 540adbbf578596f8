//! Crash recovery: unsaved work is kept in recovery files in a per-user data folder, never in or
//! beside the user's file, so that after a crash or a kill the next start can offer it back.
//!
//! Each open document of each running instance has its own [`RecoveryKey`] and so its own file
//! (`<key>.ron`); two instances never write the same one. Each file names the host and process
//! that wrote it (pid, boot id and start time: see [`crate::liveness`]): [`RecoveryStore::list`]
//! marks those whose process still runs, which must not be offered for restore (that instance is
//! still editing them). Each file names its visit's file by an absolute, canonical path and the
//! id of the visit that file held, so that [`restore_target`] can tell, from any current folder,
//! whether the file still holds that visit. A damaged recovery file is listed
//! with its error and never stops the app. Files are written atomically (the same durable write
//! as visits), created `0600` in a folder created `0700`.
//!
//! The UI's part: write an entry a few seconds after each unsaved change
//! ([`RecoveryStore::write`]), [`RecoveryStore::discard`] it once the visit is saved or the
//! changes are abandoned, and on exit; at start, offer each entry of
//! [`RecoveryStore::restorable`] with [`summarise`], whose [`RestoreTarget`] says where a save
//! after restoring may write without asking.
//!
//! Format versions: 1 recorded the path as given (possibly relative) and the writer by host and
//! pid only. Version 2 adds `original_visit_id`, `boot_id` and `start_time` and writes the path
//! absolute and canonical. A version 1 file is read with the recovered visit's id as the
//! original's id and, its pid-only writer being undecidable while a process has that pid, is
//! offered in that case (see [`crate::liveness`], rule 5). Version 3 holds visits of visit
//! format 3 (a figure, the head profiles, `position` for `pos`); its fields are version 2's, so
//! it is read by the same rules, and a build that reads up to version 2 reports it as newer
//! rather than restoring a chart onto the wrong figure. Version 4 likewise holds visits of visit
//! format 4 (confirmed coding, aftercare given), so that a build reading up to version 3 does not
//! restore a visit without them.

use crate::atlas::Atlas;
use crate::liveness::{Liveness, RecordedProcess, ThisProcess};
use crate::model::{Visit, VisitDiff, VisitId, diff_visits};
use crate::paths;
use crate::storage::envelope::{self, EnvelopeError, Enveloped};
use crate::storage::{self, FileError};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use uuid::Uuid;

pub use crate::folders::DATA_DIR_ENV;

/// The format name of a recovery file.
pub const RECOVERY_FORMAT_NAME: &str = "triggermap-recovery";

/// The recovery file format version this build writes.
pub const RECOVERY_FORMAT_VERSION: u32 = 4;

/// The oldest recovery file format version this build reads (and migrates).
pub const OLDEST_RECOVERY_FORMAT_VERSION: u32 = 1;

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
    /// The file the visit was opened from or last saved to, absolute and canonical (a version
    /// 1 file may hold a relative path, as it was given then); `None` for a visit never saved.
    pub original_path: Option<PathBuf>,
    /// The id of the visit that file held when it was opened or last saved; `None` for a visit
    /// never saved.
    pub original_visit_id: Option<VisitId>,
    /// The visit as it was in memory.
    pub visit: Visit,
    /// When this entry was written.
    pub saved_at: DateTime<FixedOffset>,
    /// The host of the instance that wrote it.
    pub host: String,
    /// The process id of the instance that wrote it.
    pub pid: u32,
    /// The boot id of that host when it was written (Linux; `None` in version 1 files).
    pub boot_id: Option<String>,
    /// The start time of the process that wrote it, in clock ticks since boot (Linux; `None` in
    /// version 1 files).
    pub start_time: Option<u64>,
}

impl RecoveryEntry {
    /// An entry for this process. `original_path` (the file `visit` was opened from or last
    /// saved to) is recorded absolute and canonical, with `visit`'s id as the id it holds.
    pub fn new(
        key: RecoveryKey,
        original_path: Option<PathBuf>,
        visit: Visit,
        saved_at: DateTime<FixedOffset>,
    ) -> Self {
        let this = ThisProcess::get();
        RecoveryEntry {
            key,
            original_visit_id: original_path.as_ref().map(|_| visit.id),
            original_path: original_path.as_deref().map(paths::absolute_canonical),
            visit,
            saved_at,
            host: this.host,
            pid: this.pid,
            boot_id: this.boot_id,
            start_time: this.start_time,
        }
    }

    /// Whether the instance that wrote it still runs (then it must not be restored elsewhere).
    pub fn writer(&self) -> Liveness {
        crate::liveness::liveness(RecordedProcess {
            host: &self.host,
            pid: self.pid,
            boot_id: self.boot_id.as_deref(),
            start_time: self.start_time,
        })
    }
}

/// A recovery file as stored, of version 4, 3 or 2 (the same fields) or (without the fields marked as
/// added) 1.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecoveryFile {
    format: String,
    version: u32,
    key: RecoveryKey,
    original_path: Option<String>,
    /// Added in version 2.
    #[serde(default)]
    original_visit_id: Option<VisitId>,
    saved_at: DateTime<FixedOffset>,
    host: String,
    pid: u32,
    /// Added in version 2.
    #[serde(default)]
    boot_id: Option<String>,
    /// Added in version 2.
    #[serde(default)]
    start_time: Option<u64>,
    visit: Visit,
}

impl RecoveryFile {
    /// The entry it holds; a version 1 file's original visit is the recovered visit's.
    fn into_entry(self) -> RecoveryEntry {
        let original_visit_id = match (&self.original_path, self.original_visit_id) {
            (None, _) => None,
            (Some(_), Some(id)) => Some(id),
            (Some(_), None) => Some(self.visit.id),
        };
        RecoveryEntry {
            key: self.key,
            original_path: self.original_path.map(PathBuf::from),
            original_visit_id,
            visit: self.visit,
            saved_at: self.saved_at,
            host: self.host,
            pid: self.pid,
            boot_id: self.boot_id,
            start_time: self.start_time,
        }
    }
}

impl Enveloped for RecoveryFile {
    const FORMAT_NAME: &'static str = RECOVERY_FORMAT_NAME;

    fn reads(version: u32) -> bool {
        (OLDEST_RECOVERY_FORMAT_VERSION..=RECOVERY_FORMAT_VERSION).contains(&version)
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
    /// No folder for per-user data could be found (no home folder).
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
    /// Whether to offer it at start: its writer does not run, or cannot be checked (another
    /// host, which needs a shared data folder; or a version 1 file whose pid runs now, see
    /// [`crate::liveness`]).
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
    /// The usual recovery folder, [`crate::folders::recovery_dir`]: `recovery` in
    /// `$TRIGGERMAP_DATA_DIR`, else in the platform's data folder for TriggerMap.
    pub fn default_dir() -> Option<PathBuf> {
        crate::folders::recovery_dir()
    }

    /// Opens (creating it `0700` if needed) the usual recovery folder.
    pub fn open_default() -> Result<RecoveryStore, RecoveryError> {
        let dir = RecoveryStore::default_dir().ok_or(RecoveryError::NoDataFolder)?;
        RecoveryStore::open(dir)
    }

    /// The usual recovery folder, to list and discard only: it is not created (a listing
    /// command must not leave folders behind); a folder that does not exist lists nothing.
    pub fn open_default_to_read() -> Result<RecoveryStore, RecoveryError> {
        let dir = RecoveryStore::default_dir().ok_or(RecoveryError::NoDataFolder)?;
        Ok(RecoveryStore { dir })
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
                .as_deref()
                .map(|p| paths::absolute_canonical(p).to_string_lossy().into_owned()),
            original_visit_id: entry.original_visit_id,
            saved_at: entry.saved_at,
            host: entry.host.clone(),
            pid: entry.pid,
            boot_id: entry.boot_id.clone(),
            start_time: entry.start_time,
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

    /// Every recovery file, newest first (damaged ones last, with their error). A folder that
    /// does not exist holds none; only an unreadable folder is an error.
    pub fn list(&self) -> Result<Vec<Recovered>, RecoveryError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(FileError::Io {
                    file: self.dir.clone(),
                    action: "cannot list the recovery folder",
                    source,
                }
                .into());
            }
        };
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
                "recovery format version {found} (this TriggerMap reads {OLDEST_RECOVERY_FORMAT_VERSION} to {RECOVERY_FORMAT_VERSION})"
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
    Ok(stored.into_entry())
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

/// What restoring a recovery entry would mean for the file it names: where a save after
/// restoring may write without asking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RestoreTarget {
    /// The visit was never saved: it opens as a new visit and the first save asks where.
    NeverSaved,
    /// The file is gone: no visit is there to overwrite.
    FileGone {
        /// The file.
        path: PathBuf,
    },
    /// The file is there but cannot be read: do not write over it without asking.
    FileUnreadable {
        /// The file.
        path: PathBuf,
    },
    /// The file holds this same visit (same id): saving the restored work there replaces an
    /// older state of it.
    SameVisit {
        /// The file.
        path: PathBuf,
    },
    /// The file now holds another visit (another id, perhaps another patient's): never write
    /// over it without asking, and the question names both patients.
    FileHoldsAnotherVisit {
        /// The file.
        path: PathBuf,
        /// The patient id of the visit in the file.
        on_disk_patient: String,
        /// The patient id of the recovered visit.
        recovered_patient: String,
    },
}

impl RestoreTarget {
    /// Whether a save after restoring may write to the recorded file without asking: it holds
    /// the same visit, or it is gone.
    pub fn may_save_without_asking(&self) -> bool {
        matches!(
            self,
            RestoreTarget::SameVisit { .. } | RestoreTarget::FileGone { .. }
        )
    }
}

/// Reads the file a recovered visit was opened from or saved to (with `atlas`): what is on disk
/// at [`RecoveryEntry::original_path`]. A relative path (version 1 files only) is read from the
/// current folder, and [`restore_target`] then tells by the visit's id whether it is the same.
pub fn read_saved(entry: &RecoveryEntry, atlas: &Atlas) -> SavedFile {
    match &entry.original_path {
        None => SavedFile::NeverSaved,
        Some(path) if !path.exists() => SavedFile::Missing(path.clone()),
        Some(path) => match storage::load_visit(path, atlas) {
            Ok(visit) => SavedFile::Saved(Box::new(visit)),
            Err(e) => SavedFile::Unreadable(e),
        },
    }
}

/// What restoring `entry` would mean, given what is on disk at its path ([`read_saved`]). The
/// file holds the same visit only if its visit has the recovered visit's id and the id the file
/// held when the entry was written; a path that resolves elsewhere (a relative path read from
/// another folder, a file replaced since) comes out as another visit.
pub fn restore_target(entry: &RecoveryEntry, saved: &SavedFile) -> RestoreTarget {
    let path = || entry.original_path.clone().unwrap_or_default();
    match saved {
        SavedFile::NeverSaved => RestoreTarget::NeverSaved,
        SavedFile::Missing(path) => RestoreTarget::FileGone { path: path.clone() },
        SavedFile::Unreadable(_) => RestoreTarget::FileUnreadable { path: path() },
        SavedFile::Saved(on_disk) => {
            let expected = entry.original_visit_id.unwrap_or(entry.visit.id);
            if on_disk.id == entry.visit.id && on_disk.id == expected {
                RestoreTarget::SameVisit { path: path() }
            } else {
                RestoreTarget::FileHoldsAnotherVisit {
                    path: path(),
                    on_disk_patient: on_disk.patient_id.clone(),
                    recovered_patient: entry.visit.patient_id.clone(),
                }
            }
        }
    }
}

/// What a recovered visit holds against its saved file: for the restore prompt.
#[derive(Debug)]
pub struct RecoverySummary {
    /// The saved file.
    pub saved: SavedFile,
    /// What restoring would mean for that file.
    pub target: RestoreTarget,
    /// The differences from the saved visit to the recovered one (`None` when there is no
    /// saved visit of the same visit to compare with).
    pub diff: Option<VisitDiff>,
    /// The differences as the restore prompt shows them, one line each, muscles by their names
    /// in the atlas ([`VisitDiff::describe`]); empty without a diff.
    pub details: Vec<String>,
    /// One line: "3 points, never saved", "1 point added, 2 points changed since the file was
    /// saved", ...
    pub headline: String,
}

/// Compares a recovered visit with its saved file (read with `atlas`) for the restore prompt.
pub fn summarise(entry: &RecoveryEntry, atlas: &Atlas) -> RecoverySummary {
    let count = entry.visit.points.len();
    let points = format!("{count} point{}", if count == 1 { "" } else { "s" });
    let saved = read_saved(entry, atlas);
    let target = restore_target(entry, &saved);
    let (diff, headline) = match (&saved, &target) {
        (SavedFile::Saved(visit), RestoreTarget::SameVisit { .. }) => {
            let diff = diff_visits(visit, &entry.visit);
            let headline = if diff.is_empty() {
                "the same as the saved file".to_owned()
            } else {
                format!("{} since the file was saved", diff.headline())
            };
            (Some(diff), headline)
        }
        (_, RestoreTarget::NeverSaved) => (None, format!("{points}, never saved")),
        (_, RestoreTarget::FileGone { .. }) => (None, format!("{points}; the saved file is gone")),
        (_, RestoreTarget::FileUnreadable { .. }) => {
            (None, format!("{points}; the saved file cannot be read"))
        }
        (_, _) => (
            None,
            format!("{points}; the saved file now holds another visit"),
        ),
    };
    let details = diff.as_ref().map(|d| d.describe(atlas)).unwrap_or_default();
    RecoverySummary {
        saved,
        target,
        diff,
        details,
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
        assert_eq!(
            summary.details,
            ["point 1 (Upper trapezius, Left, Back): added"]
        );
        assert!(matches!(summary.saved, SavedFile::Saved(_)));
    }

    /// The committed file of recovery format version 1: a visit of patient `PT-A` opened as
    /// `pat/visit.ron`, a relative path, by process 4242 of `ws-3.invalid`.
    fn version_1_fixture() -> String {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/recovery-v1.ron"),
        )
        .expect("fixture")
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_entry_whose_pid_now_belongs_to_another_process_is_offered() {
        let dir = tempfile::tempdir().expect("dir");
        let store = RecoveryStore::open(dir.path().join("recovery")).expect("open");
        let mine = entry(Visit::new_now());
        store.write(&mine).expect("write");
        // The same pid (this test's, which runs), started at another time: a reused pid.
        let mut reused = entry(Visit::new_now());
        reused.start_time = reused.start_time.map(|t| t + 1);
        store.write(&reused).expect("write");
        let offered: Vec<RecoveryKey> = store
            .restorable()
            .expect("restorable")
            .iter()
            .filter_map(|r| r.entry.as_ref().ok().map(|e| e.key))
            .collect();
        assert_eq!(offered, vec![reused.key]);
    }

    #[test]
    fn a_version_1_file_is_read_and_migrated() {
        let dir = tempfile::tempdir().expect("dir");
        let store = RecoveryStore::open(dir.path().join("recovery")).expect("open");
        std::fs::write(
            store.dir().join("3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a.ron"),
            version_1_fixture(),
        )
        .expect("write");
        let listed = store.restorable().expect("restorable");
        assert_eq!(listed.len(), 1, "another host's entry is offered");
        let old = listed[0].entry.as_ref().expect("readable");
        assert_eq!(old.original_path, Some(PathBuf::from("pat/visit.ron")));
        assert_eq!(old.original_visit_id, Some(old.visit.id));
        assert_eq!((old.boot_id.as_deref(), old.start_time), (None, None));
        assert_eq!(old.visit.patient_id, "PT-A");
        assert_eq!(listed[0].writer, Liveness::Unknown);
    }

    #[cfg(unix)]
    #[test]
    fn the_visit_file_is_recorded_absolute_and_canonical() {
        let dir = tempfile::tempdir().expect("dir");
        let real_dir = std::fs::canonicalize(dir.path()).expect("canonical");
        std::fs::create_dir(real_dir.join("pat")).expect("mkdir");
        let visit_file = real_dir.join("pat").join("visit.ron");
        let visit = Visit::new_now();
        storage::save_visit(&visit_file, &visit).expect("save");
        std::os::unix::fs::symlink(real_dir.join("pat"), real_dir.join("link")).expect("link");
        let roundabout = real_dir
            .join("link")
            .join("..")
            .join("pat")
            .join("visit.ron");
        let written = RecoveryEntry::new(
            RecoveryKey::new_random(),
            Some(roundabout),
            visit.clone(),
            DateTime::parse_from_rfc3339("2025-03-04T10:00:00+01:00").expect("time"),
        );
        assert_eq!(written.original_path.as_deref(), Some(visit_file.as_path()));
        assert_eq!(written.original_visit_id, Some(visit.id));
        let store = RecoveryStore::open(real_dir.join("recovery")).expect("open");
        store.write(&written).expect("write");
        let text = std::fs::read_to_string(store.file_of(written.key)).expect("read");
        assert!(
            text.contains(&format!("version: {RECOVERY_FORMAT_VERSION}")),
            "{text}"
        );
        assert!(text.contains(&format!("{:?}", visit_file.display().to_string())));
        let read = store.list().expect("list");
        assert_eq!(read[0].entry.as_ref().expect("entry"), &written);
    }

    #[test]
    fn a_relative_path_that_now_names_another_patients_visit_is_another_visit() {
        // A version 1 entry recorded `pat/visit.ron` as given; started later in another folder,
        // `pat/visit.ron` there holds another patient's visit.
        let dir = tempfile::tempdir().expect("dir");
        let store = RecoveryStore::open(dir.path()).expect("open");
        std::fs::write(store.dir().join("old.ron"), version_1_fixture()).expect("write");
        let listed = store.list().expect("list");
        let old = listed[0].entry.as_ref().expect("readable");
        let mut elsewhere = Visit::new_now();
        elsewhere.patient_id = "PT-B".to_owned();
        let target = restore_target(old, &SavedFile::Saved(Box::new(elsewhere)));
        assert_eq!(
            target,
            RestoreTarget::FileHoldsAnotherVisit {
                path: PathBuf::from("pat/visit.ron"),
                on_disk_patient: "PT-B".to_owned(),
                recovered_patient: "PT-A".to_owned(),
            }
        );
        assert!(!target.may_save_without_asking());
        // The same folder: the same visit.
        let same = restore_target(old, &SavedFile::Saved(Box::new(old.visit.clone())));
        assert_eq!(
            same,
            RestoreTarget::SameVisit {
                path: PathBuf::from("pat/visit.ron")
            }
        );
        assert!(same.may_save_without_asking());
    }

    #[test]
    fn restore_targets_of_every_kind() {
        let visit = Visit::new_now();
        let mut e = entry(visit.clone());
        assert_eq!(
            restore_target(&e, &SavedFile::NeverSaved),
            RestoreTarget::NeverSaved
        );
        let path = PathBuf::from("/patients/PT-1/visit.ron");
        e.original_path = Some(path.clone());
        e.original_visit_id = Some(visit.id);
        assert_eq!(
            restore_target(&e, &SavedFile::Missing(path.clone())),
            RestoreTarget::FileGone { path: path.clone() }
        );
        // The recovered visit's id matches the file, but the file held another visit when the
        // entry was written: not the same.
        e.original_visit_id = Some(Visit::new_now().id);
        assert!(matches!(
            restore_target(&e, &SavedFile::Saved(Box::new(visit.clone()))),
            RestoreTarget::FileHoldsAnotherVisit { .. }
        ));
        let unreadable = SavedFile::Unreadable(FileError::ChangedOnDisk { file: path.clone() });
        assert_eq!(
            restore_target(&e, &unreadable),
            RestoreTarget::FileUnreadable { path }
        );
    }

    #[test]
    fn a_folder_that_does_not_exist_lists_nothing_and_is_not_created() {
        let dir = tempfile::tempdir().expect("dir");
        let store = RecoveryStore {
            dir: dir.path().join("absent"),
        };
        assert!(store.list().expect("list").is_empty());
        assert!(!dir.path().join("absent").exists());
    }
}
