//! A patient folder: every visit file (`*.ron`) of one patient, loaded and sorted by date.
//!
//! Loading only reads. A file that cannot be used (damaged, written by a newer TriggerMap, of
//! another patient, or a copy of another visit) is listed as a [`BadFile`] with its error and
//! does not stop the others.

use super::timeline::History;
use crate::atlas::Atlas;
use crate::model::{PointId, Visit, VisitId};
use crate::storage::{self, FileError, ReadOnlyReason};
use chrono::{DateTime, FixedOffset};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The extension of visit files; other files in a patient folder are ignored.
pub const VISIT_EXTENSION: &str = "ron";

/// Why a patient folder could not be opened at all.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The folder cannot be listed.
    #[error("cannot read the patient folder: {source}: {folder}")]
    ReadFolder {
        /// The folder.
        folder: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Why one file of a patient folder was not loaded.
#[derive(Debug, thiserror::Error)]
pub enum BadFileError {
    /// The file cannot be read or is not a valid visit (damaged, newer version, ...).
    #[error(transparent)]
    File(#[from] FileError),
    /// A valid visit, but of another patient than the folder's. The message names the files,
    /// never the patient ids.
    #[error(
        "{file}: the patient id differs from that of this folder's visits (such as {like}); a visit of another patient?"
    )]
    OtherPatient {
        /// The file.
        file: PathBuf,
        /// The earliest visit of the folder's patient.
        like: PathBuf,
    },
    /// A valid visit with the same visit id as another file: a copy. Of such files the one with
    /// the shortest name is loaded.
    #[error("{file}: the same visit (the same visit id) as {original}; a copy?")]
    DuplicateVisit {
        /// The file.
        file: PathBuf,
        /// The visit id.
        id: VisitId,
        /// The file that was loaded with that id.
        original: PathBuf,
    },
    /// A valid visit whose point ids are also used by another visit: a copy with a new visit id.
    #[error("{file}: point {number} has the id of a point of {original}; a copy of that visit?")]
    DuplicatePoint {
        /// The file.
        file: PathBuf,
        /// The point's number (1-based) in the file.
        number: usize,
        /// The shared point id.
        point: PointId,
        /// The file that was loaded with that point.
        original: PathBuf,
    },
    /// Named like a visit file (`*.ron`) but not a regular file: it is not opened, so that a
    /// FIFO or a device cannot stop the reading.
    #[error("{file}: not a visit file but {kind}; only regular files are read")]
    NotAFile {
        /// The path.
        file: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// What the path is cannot be found out (a link to nothing, no permission).
    #[error("{file}: cannot read: {source}")]
    Unreadable {
        /// The path.
        file: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// What a path named like a visit file is, when it is not a regular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A folder.
    Folder,
    /// A FIFO (named pipe): opening it would wait for a writer.
    Fifo,
    /// A character or block device.
    Device,
    /// A socket.
    Socket,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    /// What `file_type` is, or `None` for a regular file.
    fn of(file_type: std::fs::FileType) -> Option<FileKind> {
        #[cfg(unix)]
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_file() {
            return None;
        }
        if file_type.is_dir() {
            return Some(FileKind::Folder);
        }
        #[cfg(unix)]
        {
            if file_type.is_fifo() {
                return Some(FileKind::Fifo);
            }
            if file_type.is_char_device() || file_type.is_block_device() {
                return Some(FileKind::Device);
            }
            if file_type.is_socket() {
                return Some(FileKind::Socket);
            }
        }
        Some(FileKind::Other)
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Folder => "a folder",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::Device => "a device",
            FileKind::Socket => "a socket",
            FileKind::Other => "not a regular file",
        })
    }
}

/// A file of a patient folder that was not loaded, with the reason.
#[derive(Debug)]
pub struct BadFile {
    /// The file.
    pub path: PathBuf,
    /// Why it was not loaded.
    pub error: BadFileError,
}

/// A visit loaded from a file of the folder.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedVisit {
    /// The file it was read from.
    pub path: PathBuf,
    /// The visit.
    pub visit: Visit,
    /// Why it must not be edited, when so: a file of a newer format version that this build can
    /// still show (without the fields it does not know). It takes part in the history; the app
    /// opens it read-only and the command line lists it.
    pub read_only: Option<ReadOnlyReason>,
}

impl LoadedVisit {
    /// A visit in memory (not read from a file), e.g. one just saved, for
    /// [`PatientFolder::from_visits`] and [`PatientFolder::upsert`].
    pub fn new(path: PathBuf, visit: Visit) -> Self {
        LoadedVisit {
            path,
            visit,
            read_only: None,
        }
    }
}

/// The visits of one patient, from one folder, sorted by date.
#[derive(Debug)]
pub struct PatientFolder {
    /// The folder.
    pub path: PathBuf,
    /// The patient id of the folder: the one most of its readable visits carry (on a tie, that
    /// of the earliest visit). Empty when there is no readable visit.
    pub patient_id: String,
    /// The good visits, sorted by date and time (then by visit id).
    pub visits: Vec<LoadedVisit>,
    /// The files not loaded, sorted by path, each with its error.
    pub bad_files: Vec<BadFile>,
}

impl PatientFolder {
    /// The good visits that are read-only (written by a newer TriggerMap), with the reason.
    pub fn read_only_visits(&self) -> impl Iterator<Item = (&LoadedVisit, &ReadOnlyReason)> {
        self.visits
            .iter()
            .filter_map(|v| v.read_only.as_ref().map(|r| (v, r)))
    }
}

impl PatientFolder {
    /// Loads every visit file (`*.ron`, not hidden) directly in `folder`. Files that cannot be
    /// used are listed in [`PatientFolder::bad_files`], and so is anything named like a visit
    /// file that is not a regular file (a folder, a FIFO, a device: never opened); only a folder
    /// that cannot be listed is an error. Reads only: nothing is ever written. Large folders are
    /// read on one thread per core.
    pub fn open(folder: &Path, atlas: &Atlas) -> Result<PatientFolder, FolderError> {
        let read_error = |source| FolderError::ReadFolder {
            folder: folder.to_owned(),
            source,
        };
        let mut files = Vec::new();
        let mut bad = Vec::new();
        for entry in std::fs::read_dir(folder).map_err(read_error)? {
            let entry = entry.map_err(read_error)?;
            let path = entry.path();
            if !is_visit_file_name(&path) {
                continue;
            }
            // Through links: a link to a visit file is read, a link to a FIFO is not.
            match std::fs::metadata(&path).map(|m| FileKind::of(m.file_type())) {
                Ok(None) => files.push(path),
                Ok(Some(kind)) => bad.push(BadFile {
                    error: BadFileError::NotAFile {
                        file: path.clone(),
                        kind,
                    },
                    path,
                }),
                Err(source) => bad.push(BadFile {
                    error: BadFileError::Unreadable {
                        file: path.clone(),
                        source,
                    },
                    path,
                }),
            }
        }
        files.sort();
        let mut loaded = Vec::with_capacity(files.len());
        for (path, result) in read_all(files, atlas) {
            match result {
                Ok((visit, read_only)) => loaded.push(LoadedVisit {
                    path,
                    visit,
                    read_only,
                }),
                Err(error) => bad.push(BadFile {
                    path,
                    error: BadFileError::File(error),
                }),
            }
        }
        Ok(PatientFolder::from_loaded(folder.to_owned(), loaded, bad))
    }

    /// Builds a folder from visits already in memory (paths are only names here), applying the
    /// same checks as [`PatientFolder::open`]: other patients and copies become bad files.
    pub fn from_visits(folder: PathBuf, visits: Vec<LoadedVisit>) -> PatientFolder {
        PatientFolder::from_loaded(folder, visits, Vec::new())
    }

    fn from_loaded(path: PathBuf, loaded: Vec<LoadedVisit>, mut bad: Vec<BadFile>) -> Self {
        let mut loaded = loaded;
        sort_visits(&mut loaded);
        let patient_id = majority_patient(&loaded);
        let like = loaded
            .iter()
            .find(|v| v.visit.patient_id == patient_id)
            .map(|v| v.path.clone())
            .unwrap_or_default();

        let mut visits: Vec<LoadedVisit> = Vec::with_capacity(loaded.len());
        let mut visit_files: HashMap<VisitId, usize> = HashMap::new();
        let mut point_files: HashMap<PointId, usize> = HashMap::new();
        for candidate in loaded {
            if candidate.visit.patient_id != patient_id {
                bad.push(BadFile {
                    error: BadFileError::OtherPatient {
                        file: candidate.path.clone(),
                        like: like.clone(),
                    },
                    path: candidate.path,
                });
                continue;
            }
            if let Some(&original) = visit_files.get(&candidate.visit.id) {
                bad.push(BadFile {
                    error: BadFileError::DuplicateVisit {
                        file: candidate.path.clone(),
                        id: candidate.visit.id,
                        original: visits[original].path.clone(),
                    },
                    path: candidate.path,
                });
                continue;
            }
            if let Some((number, point, &original)) = candidate
                .visit
                .points
                .iter()
                .enumerate()
                .find_map(|(i, p)| point_files.get(&p.id).map(|f| (i + 1, p.id, f)))
            {
                bad.push(BadFile {
                    error: BadFileError::DuplicatePoint {
                        file: candidate.path.clone(),
                        number,
                        point,
                        original: visits[original].path.clone(),
                    },
                    path: candidate.path,
                });
                continue;
            }
            let index = visits.len();
            visit_files.insert(candidate.visit.id, index);
            for point in &candidate.visit.points {
                point_files.insert(point.id, index);
            }
            visits.push(candidate);
        }
        bad.sort_by(|a, b| a.path.cmp(&b.path));
        PatientFolder {
            path,
            patient_id,
            visits,
            bad_files: bad,
        }
    }

    /// The history of the good visits: knots, overview, comparisons.
    pub fn history(&self) -> History {
        History::build(self.visits.iter().map(|v| &v.visit))
    }

    /// The history with `editing` (a visit being edited, saved or not) in place of the folder's
    /// visit with the same id, or added to them if new.
    pub fn history_with(&self, editing: &Visit) -> History {
        History::build(
            self.visits
                .iter()
                .map(|v| &v.visit)
                .filter(|v| v.id != editing.id)
                .chain(std::iter::once(editing)),
        )
    }

    /// The visit with this id.
    pub fn visit(&self, id: VisitId) -> Option<&LoadedVisit> {
        self.visits.iter().find(|v| v.visit.id == id)
    }

    /// The latest visit, the one a follow-up starts from.
    pub fn latest(&self) -> Option<&LoadedVisit> {
        self.visits.last()
    }

    /// The last visit strictly before `date_time`: the previous visit of a visit at that time,
    /// whose points are shown faintly and linked to.
    pub fn visit_before(&self, date_time: DateTime<FixedOffset>) -> Option<&LoadedVisit> {
        let end = self
            .visits
            .partition_point(|v| v.visit.date_time < date_time);
        end.checked_sub(1).map(|i| &self.visits[i])
    }

    /// Adds a visit just saved to `path`, or replaces the one with the same visit id, keeping
    /// the order by date. The file is not read or written.
    pub fn upsert(&mut self, path: PathBuf, visit: Visit) {
        self.visits
            .retain(|v| v.visit.id != visit.id && v.path != path);
        self.visits.push(LoadedVisit::new(path, visit));
        sort_visits(&mut self.visits);
        if self.patient_id.is_empty() {
            self.patient_id = majority_patient(&self.visits);
        }
    }

    /// A file name in this folder for a new visit, from its date and time
    /// (`2025-01-14_0930.ron`, with `-2`, `-3`, ... added when taken on disk or in memory).
    pub fn path_for_new_visit(&self, visit: &Visit) -> PathBuf {
        let stem = visit.date_time.format("%Y-%m-%d_%H%M").to_string();
        let taken = |p: &Path| p.exists() || self.visits.iter().any(|v| v.path == p);
        let mut path = self.path.join(format!("{stem}.{VISIT_EXTENSION}"));
        let mut n = 2;
        while taken(&path) {
            path = self.path.join(format!("{stem}-{n}.{VISIT_EXTENSION}"));
            n += 1;
        }
        path
    }
}

/// Whether `path` is named like a visit file: `*.ron`, not hidden (temporary and lock files
/// start with a dot). Says nothing of what is there (a file, a folder, a FIFO).
pub fn is_visit_file_name(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_none_or(|n| n.starts_with('.'));
    !hidden && path.extension().and_then(|e| e.to_str()) == Some(VISIT_EXTENSION)
}

/// The most threads that read a folder's files.
const MAX_READ_THREADS: usize = 8;

/// Below this many files per thread, another thread is not worth starting.
const MIN_FILES_PER_THREAD: usize = 16;

/// What reading one file gave.
type ReadResult = Result<(Visit, Option<ReadOnlyReason>), FileError>;

/// Reads every file, on up to one thread per core for large folders, and returns the results in
/// the order of `files`.
fn read_all(files: Vec<PathBuf>, atlas: &Atlas) -> Vec<(PathBuf, ReadResult)> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores
        .min(MAX_READ_THREADS)
        .min(files.len() / MIN_FILES_PER_THREAD)
        .max(1);
    let read = |part: &[PathBuf]| -> Vec<(PathBuf, ReadResult)> {
        part.iter()
            .map(|path| (path.clone(), read_visit_file(path, atlas)))
            .collect()
    };
    if threads == 1 {
        return read(&files);
    }
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(move || read(part)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Reads one visit file; the one place that knows what [`storage::open_visit`] returns.
fn read_visit_file(
    path: &Path,
    atlas: &Atlas,
) -> Result<(Visit, Option<ReadOnlyReason>), FileError> {
    storage::open_visit(path, atlas).map(|opened| (opened.visit, opened.read_only))
}

/// By date, then visit id; copies of one visit (same id) by file name length, then path, so that
/// `visit.ron` is kept and `visit (copy).ron` or `visit 2.ron` reported.
fn sort_visits(visits: &mut [LoadedVisit]) {
    let name_len = |v: &LoadedVisit| v.path.file_name().map_or(0, |n| n.len());
    visits.sort_by(|a, b| {
        a.visit
            .date_time
            .cmp(&b.visit.date_time)
            .then(a.visit.id.cmp(&b.visit.id))
            .then(name_len(a).cmp(&name_len(b)))
            .then(a.path.cmp(&b.path))
    });
}

/// The patient id most visits carry; on a tie, that of the earliest of them. `visits` is sorted.
fn majority_patient(visits: &[LoadedVisit]) -> String {
    // Count, and remember the first (earliest) index of each id.
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (index, v) in visits.iter().enumerate() {
        counts.entry(&v.visit.patient_id).or_insert((0, index)).0 += 1;
    }
    counts
        .into_iter()
        .max_by(|(_, (count_a, first_a)), (_, (count_b, first_b))| {
            count_a.cmp(count_b).then(first_b.cmp(first_a))
        })
        .map(|(id, _)| id.to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit(patient: &str, day: u32) -> LoadedVisit {
        let mut visit = Visit::new_now();
        visit.patient_id = patient.to_owned();
        visit.date_time =
            chrono::DateTime::parse_from_rfc3339(&format!("2025-01-{day:02}T09:00:00+01:00"))
                .expect("date");
        LoadedVisit::new(PathBuf::from(format!("{day}.ron")), visit)
    }

    #[test]
    fn majority_and_tie_break() {
        let mut v = vec![visit("B", 3), visit("A", 1), visit("B", 2)];
        sort_visits(&mut v);
        assert_eq!(majority_patient(&v), "B");
        let mut v = vec![visit("B", 3), visit("A", 1)];
        sort_visits(&mut v);
        assert_eq!(majority_patient(&v), "A");
        assert_eq!(majority_patient(&[]), "");
    }

    #[test]
    fn other_patients_and_copies_are_bad() {
        let a = visit("A", 1);
        let mut copy = a.clone();
        copy.path = PathBuf::from("copy.ron");
        let folder = PatientFolder::from_visits(
            PathBuf::from("f"),
            vec![a, copy, visit("A", 2), visit("Z", 3)],
        );
        assert_eq!(folder.patient_id, "A");
        assert_eq!(folder.visits.len(), 2);
        assert_eq!(folder.bad_files.len(), 2);
        assert!(matches!(
            folder.bad_files[0].error,
            BadFileError::OtherPatient { .. }
        ));
        assert!(matches!(
            folder.bad_files[1].error,
            BadFileError::DuplicateVisit { .. }
        ));
    }

    #[test]
    fn visit_before_is_strict() {
        let folder = PatientFolder::from_visits(
            PathBuf::from("f"),
            vec![visit("A", 1), visit("A", 8), visit("A", 15)],
        );
        let day8 = folder.visits[1].visit.date_time;
        assert_eq!(
            folder.visit_before(day8).map(|v| v.visit.id),
            Some(folder.visits[0].visit.id)
        );
        assert!(
            folder
                .visit_before(folder.visits[0].visit.date_time)
                .is_none()
        );
    }
}
