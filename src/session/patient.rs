//! The patient folder the open visit belongs to: opening it, following the open visit to its
//! patient, the previous visit, the follow-up visit and the history built from the folder with
//! the open visit in it.

use super::{Opened, Session};
use crate::editing::Document;
use crate::history::{FolderError, History, PatientFolder, start_follow_up};
use crate::model::{Visit, VisitId};
use crate::storage::FileError;
use std::path::{Path, PathBuf};

/// What opening or restoring a visit did to the open patient folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatientChange {
    /// Nothing: no folder was open, or the visit is of its patient.
    Unchanged,
    /// The visit is of another patient: the folder it lies in, which is that patient's, is now
    /// the open folder.
    Switched {
        /// The folder now open.
        folder: PathBuf,
    },
    /// The visit is of another patient and lies in no folder of theirs: the folder was closed,
    /// so that nothing of the other patient stays on screen.
    Closed,
}

/// What [`Session::open_folder`] opened.
#[derive(Debug)]
pub struct FolderOpened {
    /// The folder's patient id (empty when no visit in it could be read).
    pub patient_id: String,
    /// The number of visits loaded.
    pub visits: usize,
    /// The number of files that could not be loaded.
    pub bad_files: usize,
    /// The latest visit was opened too (the open visit was untouched), or could not be.
    pub opened_latest: Option<Result<Opened, FileError>>,
}

/// What [`Session::follow_up`] started.
#[derive(Debug, PartialEq, Eq)]
pub struct FollowUpStarted {
    /// The knots carried over to re-examine.
    pub carried: usize,
    /// The file suggested for it in the patient folder.
    pub suggested_path: PathBuf,
}

/// The open patient folder and what is derived from it.
#[derive(Debug, Default)]
pub(super) struct PatientContext {
    folder: Option<PatientFolder>,
    /// Counts the changes of the folder, for the history cache.
    generation: u64,
    /// The history built for (folder generation, document revision).
    history: Option<(u64, u64, History)>,
    /// The file suggested for saving a follow-up visit not yet saved.
    suggested_path: Option<(VisitId, PathBuf)>,
}

impl PatientContext {
    fn set_folder(&mut self, folder: Option<PatientFolder>) {
        self.folder = folder;
        self.changed();
    }

    fn changed(&mut self) {
        self.generation += 1;
        self.history = None;
    }

    /// The suggested file of the follow-up visit `visit`, if it is one not yet saved.
    pub fn suggested_path(&self, visit: VisitId) -> Option<&Path> {
        self.suggested_path
            .as_ref()
            .filter(|(id, _)| *id == visit)
            .map(|(_, path)| path.as_path())
    }

    pub fn forget_suggested_path(&mut self) {
        self.suggested_path = None;
    }

    /// Records a visit just saved to `path`, when it belongs in the open folder.
    pub fn saved(&mut self, path: &Path, visit: &Visit) {
        if let Some(folder) = self.folder.as_mut()
            && path.parent() == Some(folder.path.as_path())
            && (folder.patient_id.is_empty() || folder.patient_id == visit.patient_id)
        {
            folder.upsert(path.to_owned(), visit.clone());
            self.changed();
        }
    }

    /// Whether `visit` is of the open folder's patient.
    fn is_of_patient(&self, visit: &Visit) -> bool {
        self.folder
            .as_ref()
            .is_some_and(|f| !f.patient_id.is_empty() && f.patient_id == visit.patient_id)
    }
}

impl Session {
    /// The open patient folder.
    pub fn folder(&self) -> Option<&PatientFolder> {
        self.patient.folder.as_ref()
    }

    /// Whether the open visit is a visit of the open folder's patient: only then is anything of
    /// the folder (previous visit, comparison, knot history) drawn over it.
    pub fn is_of_folder_patient(&self) -> bool {
        self.patient.is_of_patient(self.doc.visit())
    }

    /// The visit before the open one in the patient folder, when the open visit is of the
    /// folder's patient: the one its points link to and that is drawn faintly.
    pub fn previous_visit(&self) -> Option<&Visit> {
        if !self.is_of_folder_patient() {
            return None;
        }
        let visit = self.doc.visit();
        self.patient
            .folder
            .as_ref()?
            .visits
            .iter()
            .rev()
            .map(|v| &v.visit)
            .find(|v| v.id != visit.id && v.date_time < visit.date_time)
    }

    /// Brings the patient's history up to date with the folder and the open visit (in it when
    /// it is of the patient), building it again only when either changed. Call before
    /// [`Session::history`] in a frame that shows it.
    pub fn update_history(&mut self) {
        let revision = self.doc.revision();
        let generation = self.patient.generation;
        let fresh = self
            .patient
            .history
            .as_ref()
            .is_some_and(|(g, r, _)| *g == generation && *r == revision);
        if fresh {
            return;
        }
        let of_patient = self.is_of_folder_patient();
        let Some(folder) = self.patient.folder.as_ref() else {
            return;
        };
        let history = if of_patient {
            folder.history_with(self.doc.visit())
        } else {
            folder.history()
        };
        self.patient.history = Some((generation, revision, history));
    }

    /// The patient's history as last brought up to date by [`Session::update_history`].
    pub fn history(&self) -> Option<&History> {
        self.patient.folder.as_ref()?;
        self.patient.history.as_ref().map(|(_, _, h)| h)
    }

    /// Opens a patient folder (reading only). With nothing in hand (an empty, untitled, unsaved
    /// visit) its latest visit is opened too. On error the folder open before stays open.
    pub fn open_folder(&mut self, path: &Path) -> Result<FolderOpened, FolderError> {
        let folder = PatientFolder::open(path, &self.atlas)?;
        let latest = folder.latest().map(|v| v.path.clone());
        let opened = FolderOpened {
            patient_id: folder.patient_id.clone(),
            visits: folder.visits.len(),
            bad_files: folder.bad_files.len(),
            opened_latest: None,
        };
        self.patient.set_folder(Some(folder));
        let untouched =
            self.file.is_none() && !self.doc.is_dirty() && self.doc.visit().points.is_empty();
        let opened_latest = match latest {
            Some(latest) if untouched => Some(self.open(&latest)),
            _ => None,
        };
        Ok(FolderOpened {
            opened_latest,
            ..opened
        })
    }

    /// Closes the patient folder; the open visit stays.
    pub fn close_folder(&mut self) {
        self.patient.set_folder(None);
    }

    /// Starts a follow-up visit of the folder's latest visit (the caller has dealt with unsaved
    /// changes): every knot not resolved carried over, linked, to re-examine. It is unsaved work
    /// from the start, with a file suggested in the folder. `None` when no folder with a visit
    /// is open.
    pub fn follow_up(&mut self) -> Option<FollowUpStarted> {
        let folder = self.patient.folder.as_ref()?;
        let latest = folder.latest()?;
        let visit = start_follow_up(&latest.visit, self.now());
        let suggested_path = folder.path_for_new_visit(&visit);
        let carried = visit.points.len();
        let id = visit.id;
        // Unsaved from the start: closing asks to save it.
        self.install(Document::with_unsaved(visit.without_points(), visit), None);
        self.patient.suggested_path = Some((id, suggested_path.clone()));
        Some(FollowUpStarted {
            carried,
            suggested_path,
        })
    }

    /// After another visit was installed: keeps the folder when the visit is of its patient (or
    /// lies in it while the folder has no patient yet), switches to the visit's own folder when
    /// that is its patient's, and closes it otherwise.
    pub(super) fn follow_patient(&mut self) -> super::PatientChange {
        let Some(folder) = self.patient.folder.as_ref() else {
            return PatientChange::Unchanged;
        };
        let visit = self.doc.visit();
        let own_folder = self.path().and_then(Path::parent).map(Path::to_owned);
        let in_folder = own_folder.as_deref() == Some(folder.path.as_path());
        if folder.patient_id == visit.patient_id || (folder.patient_id.is_empty() && in_folder) {
            return PatientChange::Unchanged;
        }
        let theirs = own_folder
            .as_deref()
            .and_then(|dir| PatientFolder::open(dir, &self.atlas).ok())
            .filter(|f| !f.patient_id.is_empty() && f.patient_id == visit.patient_id);
        match theirs {
            Some(folder) => {
                let path = folder.path.clone();
                self.patient.set_folder(Some(folder));
                PatientChange::Switched { folder: path }
            }
            None => {
                self.patient.set_folder(None);
                PatientChange::Closed
            }
        }
    }
}
