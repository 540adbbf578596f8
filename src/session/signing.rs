//! Finalising the open visit: signing (sign and save as one step) and amending a signed visit
//! (editing a copy, finished by who and why, or cancelled).

use super::{ReadOnly, SaveError, Saved, Session};
use crate::editing::Document;
use crate::model::{self, AuditError, Visit, VisitDiff, diff_content};
use std::path::Path;

/// Why the visit was not signed. It stays as it was, unsigned.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The visit has no file yet: ask where to save it, then [`Session::sign_as`].
    #[error("the visit has no file yet")]
    NoFile,
    /// It cannot be signed now (read-only, or signed already).
    #[error("{0}")]
    NotAllowed(ReadOnly),
    /// The signature was refused (no name, ...).
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// It could not be saved, so it was not signed.
    #[error("it could not be saved")]
    Save(#[source] SaveError),
}

/// Why an amendment could not be started or recorded.
#[derive(Debug, thiserror::Error)]
pub enum AmendError {
    /// Only a signed visit that is saved and not read-only can be amended.
    #[error("only a signed visit that is saved and not read-only can be amended")]
    NotAllowed,
    /// No amendment is under way.
    #[error("no amendment is under way")]
    NotAmending,
    /// The amendment was refused (no name, no reason, nothing changed, ...).
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// It could not be saved, so it is not recorded; the amendment goes on.
    #[error("the amendment could not be saved; it is not recorded")]
    Save(#[source] SaveError),
}

impl Session {
    /// Why the visit cannot be signed now, if so: it is signed already, or its file is
    /// read-only.
    pub fn sign_refusal(&self) -> Option<ReadOnly> {
        self.file_read_only().or_else(|| {
            self.doc
                .visit()
                .signature
                .as_ref()
                .map(|signature| ReadOnly::Signed {
                    by: signature.clinician.clone(),
                    at: signature.signed_at,
                })
        })
    }

    /// Whether "Amend…" can be chosen now: a signed visit, saved, not read-only, not being
    /// amended already.
    pub fn can_amend(&self) -> bool {
        self.doc.visit().is_signed()
            && self.file_read_only().is_none()
            && self.amending.is_none()
            && self.file.is_some()
    }

    /// Signs the visit as `name` and saves it to its file, as one step.
    pub fn sign(&mut self, name: &str) -> Result<Saved, SignError> {
        let Some(path) = self.path().map(Path::to_owned) else {
            return Err(SignError::NoFile);
        };
        self.sign_as(name, &path)
    }

    /// Signs the visit as `name` and saves it to `path`, as one step: if the save fails, the
    /// visit stays as it was, unsigned. A visit with an injection or dry needling keeps the
    /// clinic's aftercare text ([`Session::set_clinic_aftercare`]) as given, when it is known. Signing is final: no undo reaches back before it.
    pub fn sign_as(&mut self, name: &str, path: &Path) -> Result<Saved, SignError> {
        if let Some(reason) = self.sign_refusal() {
            return Err(SignError::NotAllowed(reason));
        }
        let mut signed = self.doc.visit().clone();
        // The record keeps the instructions the patient was given with the needle, when the
        // clinic's text is known.
        if signed.aftercare.is_none() && signed.has_needle_procedure() {
            signed.aftercare = self.clinic_aftercare().map(str::to_owned);
        }
        model::sign(&mut signed, name, self.now())?;
        let before = self.set_document(Document::new(signed));
        match self.save_as(path) {
            Ok(saved) => Ok(saved),
            Err(error) => {
                self.set_document(before);
                Err(SignError::Save(error))
            }
        }
    }

    /// Starts correcting the signed visit: its content can be edited until the amendment is
    /// finished (recorded and saved) or cancelled. Undo never reaches back past this start.
    pub fn start_amendment(&mut self) -> Result<(), AmendError> {
        if !self.can_amend() {
            return Err(AmendError::NotAllowed);
        }
        let signed = self.doc.visit().clone();
        self.set_document(Document::new(signed.clone()));
        self.amending = Some(signed);
        Ok(())
    }

    /// What the corrections change so far, against the visit as signed (`None` when no
    /// amendment is under way).
    pub fn amendment_changes(&self) -> Option<VisitDiff> {
        let signed = self.amending.as_ref()?;
        Some(diff_content(signed, self.doc.visit()))
    }

    /// The clinician who signed the visit being amended (to prefill "amended by").
    pub fn signer(&self) -> Option<&str> {
        self.doc
            .visit()
            .signature
            .as_ref()
            .map(|s| s.clinician.as_str())
    }

    /// Records the amendment by `by` for the reason `why` and saves it. On failure nothing is
    /// recorded and the amendment goes on, the corrections intact.
    pub fn finish_amendment(&mut self, by: &str, why: &str) -> Result<Saved, AmendError> {
        let Some(signed) = self.amending.clone() else {
            return Err(AmendError::NotAmending);
        };
        let Some(path) = self.path().map(Path::to_owned) else {
            return Err(AmendError::NotAllowed);
        };
        let mut amended = signed.clone();
        model::amend(&mut amended, self.doc.visit(), by, why, self.now())?;
        let corrected = self.set_document(Document::new(amended));
        self.amending = None;
        match self.save_as(&path) {
            Ok(saved) => Ok(saved),
            Err(error) => {
                self.set_document(corrected);
                self.amending = Some(signed);
                Err(AmendError::Save(error))
            }
        }
    }

    /// Leaves the amendment, discarding the corrections: the signed visit is back as saved.
    /// Returns false when no amendment was under way.
    pub fn cancel_amendment(&mut self) -> bool {
        match self.amending.take() {
            Some(signed) => {
                self.set_document(Document::new(signed));
                true
            }
            None => false,
        }
    }

    /// After restoring unsaved work onto `on_file` (the visit in its file): a signed visit with
    /// unsaved corrections resumes the amendment, against the signed visit on file. Returns
    /// whether it did.
    pub(super) fn resume_amendment(&mut self, on_file: Option<Visit>) -> bool {
        let visit = self.doc.visit();
        if !visit.is_signed() || !self.doc.is_dirty() {
            return false;
        }
        match on_file {
            Some(signed)
                if signed.signature == visit.signature && signed.amendments == visit.amendments =>
            {
                self.amending = Some(signed);
                true
            }
            _ => false,
        }
    }
}
