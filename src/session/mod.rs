//! The open visit and everything that belongs to it, in one owner without egui: the
//! [`Document`] with its undo history, the file it was opened from or saved to (its stamp and
//! lock), why it is read-only (one typed [`ReadOnly`]), the amendment under way, the
//! crash-recovery copy, and the patient folder that the visit belongs to.
//!
//! Every workflow of the app (open, new, save, save as, sign, amend, take over a lock, restore
//! from recovery, follow-up visit, reload after a change on disk) is an operation here that
//! returns a typed outcome or error; the UI only shows them. A document is replaced in one place
//! ([`Session::set_document`]), so that nothing of one visit (lock, recovery copy, amendment,
//! suggested file, patient folder) can stay attached to another.

mod open_file;
mod patient;
mod read_only;
mod recovery_copy;
mod signing;

pub use patient::{FolderOpened, FollowUpStarted, PatientChange};
pub use read_only::ReadOnly;
pub use recovery_copy::RECOVERY_DELAY;
pub use signing::{AmendError, SignError};

use crate::atlas::Atlas;
use crate::editing::{Document, Edit};
use crate::lock::{LockError, VisitLock};
use crate::model::{PointId, Visit};
use crate::recovery::{RecoveryEntry, RecoveryError, RecoverySummary, summarise};
use crate::storage::{self, FileError, FileStamp};
use chrono::{DateTime, FixedOffset, Local};
use open_file::{LockState, OpenFile};
use patient::PatientContext;
use recovery_copy::RecoveryCopy;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The open visit and its file, lock, amendment, recovery copy and patient folder.
#[derive(Debug)]
pub struct Session {
    /// The male figure's atlas: muscle ids and names, the same on every figure.
    atlas: Arc<Atlas>,
    /// The female figure's atlas, made from the male one once.
    female_atlas: Arc<Atlas>,
    doc: Document,
    /// The file the visit was opened from or last saved to; `None` for a visit never saved.
    file: Option<OpenFile>,
    /// While a signed visit is being corrected: the visit as signed (and last saved).
    amending: Option<Visit>,
    recovery: RecoveryCopy,
    patient: PatientContext,
    /// The time for signatures, amendments and follow-up visits (`None`: the clock). Tests set it.
    clock: Option<DateTime<FixedOffset>>,
    /// Counts the documents installed, so that views can tell a new document from an edit.
    generation: u64,
    /// The clinic's aftercare text, kept in a visit with a needle procedure when it is signed;
    /// `None` when it is not known (its file could not be read).
    clinic_aftercare: Option<String>,
}

/// Why the coding was not confirmed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CodingError {
    /// The visit cannot be edited now.
    #[error("{0}")]
    ReadOnly(ReadOnly),
    /// A code or the name is missing or wrong.
    #[error(transparent)]
    Codes(#[from] crate::export::ConfirmError),
}

/// What [`Session::open`] opened.
#[derive(Debug)]
pub struct Opened {
    /// The number of points of the visit.
    pub points: usize,
    /// The format version the file was migrated from, if it was older.
    pub migrated_from: Option<u32>,
    /// What happened to the open patient folder.
    pub patient: PatientChange,
}

/// Where a visit was saved.
#[derive(Debug)]
pub struct Saved {
    /// The file written.
    pub path: PathBuf,
    /// Why the visit is read-only after all, when the file saved to is locked by someone else
    /// (a Save As onto a visit another instance has open).
    pub read_only: Option<ReadOnly>,
}

/// Why the visit was not saved. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The visit has no file yet: ask where to save it ([`Session::save_as`]).
    #[error("the visit has no file yet")]
    NoFile,
    /// The visit must not be written from here.
    #[error("it is read-only.\n\n{0}")]
    ReadOnly(ReadOnly),
    /// An amendment is under way: it is saved only by finishing it (who and why).
    #[error(
        "it is signed and being amended.\n\nFinish the amendment (who and why) to save the corrections, or cancel it."
    )]
    Amending,
    /// The file chosen holds another visit: it is replaced only if the user says so.
    #[error("{path} holds another visit, of patient {on_disk_patient}", path = path.display())]
    HoldsAnotherVisit {
        /// The file.
        path: PathBuf,
        /// The patient of the visit in it.
        on_disk_patient: String,
    },
    /// The file could not be written or was refused (changed on disk, locked, signed, ...).
    #[error(transparent)]
    File(#[from] FileError),
}

impl SaveError {
    /// The file, when the refusal is that it changed on disk since it was opened or saved here.
    pub fn changed_on_disk(&self) -> Option<&Path> {
        match self {
            SaveError::File(FileError::ChangedOnDisk { file }) => Some(file),
            _ => None,
        }
    }
}

/// What [`Session::take_over_lock`] did.
#[derive(Debug, PartialEq, Eq)]
pub struct TookOver {
    /// The other instance had saved the visit meanwhile and nothing here was unsaved: the visit
    /// was read again from the file.
    pub reloaded: bool,
}

/// Unsaved work that a session which ended without saving left in the recovery folder.
#[derive(Debug)]
pub struct RecoveryOffer {
    /// The recovery file.
    pub file: PathBuf,
    /// What it holds.
    pub entry: RecoveryEntry,
    /// What it holds against the saved file.
    pub summary: RecoverySummary,
    /// The values in it that are not allowed (out of range, unknown muscles, ...), one line
    /// each: such a copy is damaged and is offered for discarding only, never restored.
    pub problems: Vec<String>,
}

/// What [`Session::restore`] did.
#[derive(Debug)]
pub struct Restored {
    /// The file the restored work belongs to (saving goes there), if it is still there and holds
    /// the same visit.
    pub path: Option<PathBuf>,
    /// The file the work was recorded against when it now holds another visit (or cannot be
    /// read): the work is restored as a visit with no file, never saved over that one.
    pub detached_from: Option<PathBuf>,
    /// A signed visit's unsaved corrections: the amendment goes on.
    pub resumed_amendment: bool,
    /// What happened to the open patient folder.
    pub patient: PatientChange,
    /// The recovery file could not be removed (it will be offered again).
    pub leftover: Option<RecoveryError>,
}

impl Session {
    /// A session with a new, empty visit. Recovery copies go to `recovery` (none: no copies).
    pub fn new(atlas: Arc<Atlas>, recovery: Option<crate::recovery::RecoveryStore>) -> Self {
        let female_atlas = Arc::new(atlas.for_figure(crate::model::Figure::Female));
        Session {
            atlas,
            female_atlas,
            doc: Document::new(Visit::new_now()),
            file: None,
            amending: None,
            recovery: RecoveryCopy::new(recovery),
            patient: PatientContext::default(),
            clock: None,
            generation: 0,
            clinic_aftercare: Some(crate::export::aftercare::DEFAULT_AFTERCARE.to_owned()),
        }
    }

    /// The clinic's aftercare text ([`crate::export::aftercare`]), given with an injection or dry
    /// needling: a visit with one keeps it when it is signed. `None`: the clinic's text is not
    /// known (its file could not be read); a visit signed then keeps none rather than a text the
    /// patient may not have been given, and reports print the default text. Until set, the
    /// default text.
    pub fn set_clinic_aftercare(&mut self, text: Option<String>) {
        self.clinic_aftercare = text;
    }

    /// The clinic's aftercare text, if known.
    pub fn clinic_aftercare(&self) -> Option<&str> {
        self.clinic_aftercare.as_deref()
    }

    /// What a report of the open visit states beside the visit: the aftercare text it kept when
    /// it was signed, else the clinic's, and the patient's injection sessions of the past year
    /// (from the open patient folder, when the visit is of its patient).
    pub fn record_context(&self) -> crate::export::RecordContext {
        let clinic_aftercare = self
            .clinic_aftercare
            .as_deref()
            .unwrap_or(crate::export::aftercare::DEFAULT_AFTERCARE);
        crate::export::RecordContext::new(
            self.doc.visit(),
            clinic_aftercare,
            self.injection_sessions(),
        )
    }

    /// The open visit's injection sessions of the past year, counted among the open patient
    /// folder's visits when the visit is of its patient.
    pub fn injection_sessions(&self) -> Option<crate::export::InjectionSessions> {
        let folder = self.is_of_folder_patient().then(|| self.folder()).flatten();
        crate::export::InjectionSessions::in_folder(self.doc.visit(), folder)
    }

    /// Keeps recovery copies in `store` from now on.
    pub fn set_recovery_store(&mut self, store: crate::recovery::RecoveryStore) {
        self.recovery.discard();
        self.recovery = RecoveryCopy::new(Some(store));
    }

    /// Uses `now` as the time of signatures, amendments and follow-up visits (for tests).
    pub fn with_clock(mut self, now: DateTime<FixedOffset>) -> Self {
        self.set_clock(now);
        self
    }

    /// Uses `now` as the time of signatures, amendments and follow-up visits (for tests).
    pub fn set_clock(&mut self, now: DateTime<FixedOffset>) {
        self.clock = Some(now);
    }

    /// The atlas of the open visit's figure: what its chart is drawn and clicked on. Every
    /// figure has the same muscles, so muscle ids are checked against any of them.
    pub fn atlas(&self) -> &Arc<Atlas> {
        match self.doc.visit().figure {
            crate::model::Figure::Male => &self.atlas,
            crate::model::Figure::Female => &self.female_atlas,
        }
    }

    /// The visit as it now is.
    pub fn visit(&self) -> &Visit {
        self.doc.visit()
    }

    /// The document: the visit with its undo history and revision.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// The file the visit was opened from or last saved to.
    pub fn path(&self) -> Option<&Path> {
        self.file.as_ref().map(|f| f.path.as_path())
    }

    /// Whether the visit has changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.doc.is_dirty()
    }

    /// A number that changes whenever another document is installed (open, new, restore,
    /// follow-up, sign, amendment), but not on edits: views reset their selection on it.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Why the visit cannot be edited now, if so: its file (a newer format, a lock another
    /// instance holds) or its signature while no amendment is under way. The one answer to
    /// "is it read-only?".
    pub fn read_only(&self) -> Option<ReadOnly> {
        if let Some(reason) = self.file_read_only() {
            return Some(reason);
        }
        match &self.doc.visit().signature {
            Some(signature) if self.amending.is_none() => Some(ReadOnly::Signed {
                by: signature.clinician.clone(),
                at: signature.signed_at,
            }),
            _ => None,
        }
    }

    /// Why the visit must not be written from here, if so (a signed visit may be: signing and
    /// amending save it).
    pub fn file_read_only(&self) -> Option<ReadOnly> {
        self.file.as_ref().and_then(OpenFile::read_only)
    }

    /// Whether a signed visit is being corrected.
    pub fn is_amending(&self) -> bool {
        self.amending.is_some()
    }

    fn now(&self) -> DateTime<FixedOffset> {
        self.clock.unwrap_or_else(|| Local::now().fixed_offset())
    }

    /// The one place a document is replaced; returns the one it replaces.
    fn set_document(&mut self, doc: Document) -> Document {
        self.generation += 1;
        std::mem::replace(&mut self.doc, doc)
    }

    /// Installs another visit with its file: the previous visit's recovery copy, lock, amendment
    /// and suggested file go with it.
    fn install(&mut self, doc: Document, file: Option<OpenFile>) {
        self.recovery.restart();
        self.file = file;
        self.amending = None;
        self.patient.forget_suggested_path();
        self.set_document(doc);
    }

    /// Starts a new, empty visit (the caller has dealt with unsaved changes).
    pub fn new_visit(&mut self) {
        self.install(Document::new(Visit::new_now()), None);
    }

    /// Opens a visit file in place of the open visit (the caller has dealt with unsaved
    /// changes). On error nothing changes. The patient folder follows the visit: it stays when
    /// the visit is of its patient, switches to the visit's own folder when that is the visit's
    /// patient's, and closes otherwise.
    pub fn open(&mut self, path: &Path) -> Result<Opened, FileError> {
        let opened = storage::open_visit(path, &self.atlas)?;
        let points = opened.visit.points.len();
        // Our own lock on this file (a reload) must go before the file is locked again.
        self.file = None;
        let file = OpenFile::new(path, opened.stamp, opened.read_only);
        self.install(Document::new(opened.visit), Some(file));
        let patient = self.follow_patient();
        Ok(Opened {
            points,
            migrated_from: opened.migrated_from,
            patient,
        })
    }

    /// Reads the open file again, dropping what is unsaved here: after it changed on disk.
    pub fn reload(&mut self) -> Result<Opened, FileError> {
        let Some(path) = self.path().map(Path::to_owned) else {
            return Err(FileError::Io {
                file: PathBuf::new(),
                action: "cannot reload",
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            });
        };
        self.open(&path)
    }

    /// Applies an edit as one undo step; refused when the visit is read-only. A point placed
    /// anew in a visit of the open patient is linked to the previous visit's point of the same
    /// muscle and side nearby, in the same step. Returns whether the visit changed.
    pub fn apply(&mut self, edit: Edit) -> Result<bool, ReadOnly> {
        if let Some(reason) = self.read_only() {
            return Err(reason);
        }
        let edit = match edit {
            Edit::AddPoint(mut point) => {
                if let Some(previous) = self.previous_visit() {
                    point.lineage = point.lineage.or(crate::history::auto_link_candidate(
                        self.doc.visit(),
                        &point,
                        previous,
                    ));
                }
                Edit::AddPoint(point)
            }
            other => other,
        };
        Ok(self.doc.apply(edit))
    }

    /// Records `codes` as the visit's coding, confirmed now by the visit's clinician against
    /// today's suggestion, as one undo step. Refused when the visit is read-only (a signed visit
    /// takes it in an amendment), when no clinician is named, or when a code breaks a rule of
    /// [`crate::export::check_codes`].
    pub fn confirm_coding(&mut self, codes: crate::model::CodeSet) -> Result<(), CodingError> {
        if let Some(reason) = self.read_only() {
            return Err(CodingError::ReadOnly(reason));
        }
        let visit = self.doc.visit();
        let suggestion = crate::export::suggest_coding(visit, self.atlas());
        let confirmed =
            crate::export::confirm_coding(codes, &suggestion, &visit.clinician, self.now())?;
        self.apply(Edit::SetCoding(Some(Box::new(confirmed))))
            .map_err(CodingError::ReadOnly)?;
        Ok(())
    }

    /// Undoes the last step; refused when the visit is read-only. Returns whether there was one.
    pub fn undo(&mut self) -> Result<bool, ReadOnly> {
        match self.read_only() {
            Some(reason) => Err(reason),
            None => Ok(self.doc.undo()),
        }
    }

    /// Redoes the last undone step; refused when the visit is read-only.
    pub fn redo(&mut self) -> Result<bool, ReadOnly> {
        match self.read_only() {
            Some(reason) => Err(reason),
            None => Ok(self.doc.redo()),
        }
    }

    /// Whether the open visit has a point with this id.
    pub fn has_point(&self, id: PointId) -> bool {
        self.doc.visit().point(id).is_some()
    }

    /// Saves to the visit's file. [`SaveError::NoFile`] when it has none: ask where
    /// ([`Session::save_as`]).
    pub fn save(&mut self) -> Result<Saved, SaveError> {
        let Some(path) = self.path().map(Path::to_owned) else {
            return Err(SaveError::NoFile);
        };
        self.save_as(&path)
    }

    /// Saves to `path`. Onto the visit's own file the save is refused if the file changed on
    /// disk since it was read or written here ([`SaveError::changed_on_disk`]); onto another
    /// file that holds another visit it is refused ([`SaveError::HoldsAnotherVisit`]) until the
    /// user, asked with both patients named, chooses [`Session::save_as_replacing`].
    pub fn save_as(&mut self, path: &Path) -> Result<Saved, SaveError> {
        if self.amending.is_some() {
            return Err(SaveError::Amending);
        }
        let expected = self
            .file
            .as_ref()
            .filter(|f| f.path == path)
            .map(|f| f.stamp.clone());
        if expected.is_none()
            && let Ok(on_disk) = storage::load_visit(path, &self.atlas)
            && on_disk.id != self.doc.visit().id
        {
            return Err(SaveError::HoldsAnotherVisit {
                path: path.to_owned(),
                on_disk_patient: on_disk.patient_id,
            });
        }
        self.write(path, expected.as_ref())
    }

    /// Saves to `path` over the other visit it holds: the user was asked and chose to replace
    /// it (its previous version stays in the backup beside it).
    pub fn save_as_replacing(&mut self, path: &Path) -> Result<Saved, SaveError> {
        if self.amending.is_some() {
            return Err(SaveError::Amending);
        }
        self.write(path, None)
    }

    /// Saves over the visit's file although it changed on disk: the user chose to replace it.
    pub fn save_replacing(&mut self) -> Result<Saved, SaveError> {
        if self.amending.is_some() {
            return Err(SaveError::Amending);
        }
        let Some(path) = self.path().map(Path::to_owned) else {
            return Err(SaveError::NoFile);
        };
        self.write(&path, None)
    }

    /// Writes the visit to `path`, refusing if the file is no longer as `expected` (None:
    /// whatever it holds). The one place a visit is written.
    fn write(&mut self, path: &Path, expected: Option<&FileStamp>) -> Result<Saved, SaveError> {
        if let Some(reason) = self.file_read_only() {
            return Err(SaveError::ReadOnly(reason));
        }
        let stamp = storage::save_visit_checked(path, self.doc.visit(), expected)?;
        let mut read_only = None;
        match self.file.as_mut().filter(|f| f.path == path) {
            Some(file) => file.stamp = stamp,
            None => {
                self.file = None;
                let file = OpenFile::new(path, stamp, None);
                read_only = file.read_only();
                self.file = Some(file);
                self.patient.forget_suggested_path();
            }
        }
        self.doc.mark_saved();
        self.recovery.discard();
        self.patient.saved(path, self.doc.visit());
        Ok(Saved {
            path: path.to_owned(),
            read_only,
        })
    }

    /// The file a Save As should suggest, as (name, folder): a follow-up visit's place in its
    /// patient folder, else the patient id and date beside the open file.
    pub fn suggested_save_location(&self) -> (String, Option<PathBuf>) {
        if self.file.is_none()
            && let Some(suggested) = self.patient.suggested_path(self.doc.visit().id)
            && let Some(name) = suggested.file_name()
        {
            return (
                name.to_string_lossy().into_owned(),
                suggested.parent().map(Path::to_owned),
            );
        }
        let visit = self.doc.visit();
        let patient = if visit.patient_id.trim().is_empty() {
            "visit".to_owned()
        } else {
            visit
                .patient_id
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        let name = format!("{}-{}.ron", patient, visit.date_time.format("%Y-%m-%d"));
        let folder = self.path().and_then(Path::parent).map(Path::to_owned);
        (name, folder)
    }

    /// Takes over the lock another instance holds on the open visit, after the user was warned
    /// who holds it. The visit is read again when that instance saved it meanwhile and nothing
    /// is unsaved here. If the lock changed hands meanwhile, the visit stays read-only for the
    /// new holder, who can be taken over from in turn.
    pub fn take_over_lock(&mut self) -> Result<TookOver, LockError> {
        let Some(file) = self.file.as_mut() else {
            return Ok(TookOver { reloaded: false });
        };
        let LockState::Refused { holder, .. } = &file.lock else {
            return Ok(TookOver { reloaded: false });
        };
        match VisitLock::take_over(&file.path, holder.as_deref()) {
            Ok(lock) => file.lock = LockState::Held(lock),
            Err(error) => {
                if let LockError::Held { .. } = &error {
                    file.lock = LockState::acquire(&file.path);
                }
                return Err(error);
            }
        }
        let changed = storage::check_unchanged(&file.path, &file.stamp).is_err();
        if changed && !self.doc.is_dirty() {
            // The other instance saved since this one opened it: show what is on disk. A file
            // that cannot be read now keeps the visit as it was here.
            if self.reload().is_ok() {
                return Ok(TookOver { reloaded: true });
            }
        }
        Ok(TookOver { reloaded: false })
    }

    /// Writes the recovery copy when the visit has unsaved changes that have rested for
    /// [`RECOVERY_DELAY`]; removes it once there are none. Returns how long to wait before
    /// calling again, when a write is due later.
    pub fn keep_recovery_copy(&mut self, now: Instant) -> Option<Duration> {
        let path = self.file.as_ref().map(|f| f.path.clone());
        self.recovery.keep(&self.doc, path.as_deref(), now)
    }

    /// The session ends cleanly (the user saved or chose not to): no recovery copy is left.
    pub fn close(&mut self) {
        self.recovery.discard();
    }

    /// The first piece of unsaved work that an earlier session left in the recovery folder, with
    /// what it holds against its saved file.
    pub fn recovery_offer(&self) -> Option<RecoveryOffer> {
        let found = self.recovery.store()?.restorable().ok()?;
        found.into_iter().find_map(|recovered| {
            let entry = recovered.entry.ok()?;
            let summary = summarise(&entry, &self.atlas);
            let problems = crate::model::validate_visit(&entry.visit, self.atlas.as_ref())
                .iter()
                .map(ToString::to_string)
                .collect();
            Some(RecoveryOffer {
                file: recovered.file,
                entry,
                summary,
                problems,
            })
        })
    }

    /// Removes a recovery file the user chose to throw away.
    pub fn discard_recovery_file(&self, file: &Path) -> Result<(), RecoveryError> {
        match self.recovery.store() {
            Some(store) => store.discard_file(file),
            None => Ok(()),
        }
    }

    /// Restores recovered work (from `file` in the recovery folder) as unsaved changes to its
    /// file, when that file still holds the same visit, or as a visit with no file otherwise:
    /// never over a file that now holds another visit. A signed visit's unsaved corrections
    /// resume the amendment. The recovery file is removed: this session's own copy takes over.
    pub fn restore(&mut self, file: &Path, entry: RecoveryEntry) -> Restored {
        let on_disk = entry
            .original_path
            .as_deref()
            .map(|path| (path, storage::open_visit(path, &self.atlas)));
        let mut detached_from = None;
        let (base, open_file) = match on_disk {
            Some((path, Ok(opened))) if opened.visit.id == entry.visit.id => {
                self.file = None;
                let file = OpenFile::new(path, opened.stamp, opened.read_only);
                (opened.visit, Some(file))
            }
            Some((path, result)) => {
                if path.exists() || result.is_ok() {
                    detached_from = Some(path.to_owned());
                }
                (Visit::new_now(), None)
            }
            None => (Visit::new_now(), None),
        };
        let on_file = open_file.as_ref().map(|_| base.clone());
        self.install(Document::with_unsaved(base, entry.visit), open_file);
        let resumed_amendment = self.resume_amendment(on_file);
        let patient = self.follow_patient();
        let leftover = self.discard_recovery_file(file).err();
        Restored {
            path: self.path().map(Path::to_owned),
            detached_from,
            resumed_amendment,
            patient,
            leftover,
        }
    }
}

#[cfg(test)]
mod tests;
